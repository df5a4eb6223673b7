#pragma once

#include <QString>
#include <QtGlobal>

namespace fanout {

// How much a line of a resource's output matters: executors log at these levels, the journal
// keeps them, and the logs colour and filter by them.
enum class LogLevel : quint8 { Debug, Info, Warning, Error };

QString levelName(LogLevel level); // "warning"

} // namespace fanout
