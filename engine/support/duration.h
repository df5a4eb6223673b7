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

} // namespace fanout
