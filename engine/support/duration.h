#pragma once

#include "engine/support/expected.h"

#include <QString>
#include <QtGlobal>

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace fanout {

// Durations in plans are written "250ms", "30s", "5m", "1h", combinations such as "1m30s", or a
// plain number of seconds (30, 0.25). Internally they are milliseconds.

// Parses a duration; on failure, says what was wrong and how to write it instead.
Expected<qint64> parseDuration(const nlohmann::ordered_json &value);
Expected<qint64> parseDuration(const QString &text);

// "250ms", "1.5s", "2m05s", "1h02m"
QString formatDuration(qint64 ms);
// How long a run has taken, for a clock that ticks while it runs: whole seconds ("0s", "12s")
// while `running`, so that the text does not flicker; exactly (formatDuration) once it has ended,
// so that a run of 379ms does not read "0s".
QString formatElapsed(qint64 ms, bool running);

} // namespace fanout
