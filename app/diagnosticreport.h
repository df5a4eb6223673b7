#pragma once

#include "engine/support/diagnostic.h"

#include <nlohmann/json_fwd.hpp>

namespace fanout {

struct Plan;

// `fanout validate --format json` and `--format sarif`: a plan's diagnostics for tools rather than
// people. JSON is shaped like `terraform validate -json` (valid, counts, and each diagnostic's
// severity, message, JSON path, file, line, column and suggestion); SARIF 2.1.0 is what
// code-scanning tools (GitHub, GitLab) read to show a plan's errors inline in a pull request.
namespace DiagnosticReport {

// The "did you mean" of a message ("vpc" for `unknown dependency "vcp"; did you mean "vpc"?`); empty
// when it has none.
QString suggestion(const QString &message);

// `file`: as the user gave it; `plan`: the plan read (its resource count is given when valid).
nlohmann::ordered_json toJson(const Diagnostics &diagnostics, const QString &file, const Plan &plan);
nlohmann::ordered_json toSarif(const Diagnostics &diagnostics, const QString &file);

} // namespace DiagnosticReport

} // namespace fanout
