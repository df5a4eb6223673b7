#pragma once

#include "engine/run/runevent.h"

#include <QString>
#include <QtGlobal>

namespace fanout {

// One line of a run's log: a resource's output, or what Fanout says about the run ("failed on
// attempt 1: ...").
struct LogLine
{
    qint64 timeMs = 0;   // since the run started
    int resource = -1;   // index into the plan's resources; -1 for the run as a whole
    int attempt = 0;     // from 1; 0 when not about an attempt
    LogLevel level = LogLevel::Info;
    bool fromRun = false; // written by Fanout about the run, not by the resource
    QString text;        // as written, with any ANSI escape sequences
    QString plain;       // without them; shares `text`'s data when there are none
};

} // namespace fanout
