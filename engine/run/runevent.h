#pragma once

#include "engine/support/loglevel.h"

#include <QMetaType>
#include <QString>
#include <QtGlobal>

namespace fanout {

// Where a resource is in a run. Order matters only for display.
enum class ResourceState : quint8 {
    Pending,    // waiting for its dependencies
    Ready,      // dependencies done, waiting for a free slot
    Running,
    RetryWait,  // an attempt failed; the next starts after a backoff delay
    Succeeded,
    Failed,
    Skipped,    // an upstream resource failed or was cancelled
    Cancelled,
};
inline constexpr int kResourceStateCount = 8;

QString stateName(ResourceState state); // "retry-wait"
bool isFinal(ResourceState state);       // succeeded, failed, skipped, cancelled

// Something that happened in a run. A run keeps every event in its journal (engine/run/journal,
// which keeps log lines' text on disk); the timeline, the logs and the history are all built from it.
struct RunEvent
{
    enum class Kind : quint8 {
        RunStarted,         // text: plan name
        RunResumed,         // a retry started a finished run again; text: the retried ids
        CancelRequested,    // text: why
        StateChanged,       // state: the new state; text: why (error, skip reason, backoff)
        Log,                // level, text: one line of a resource's output
        ParallelismChanged, // number: the new limit
        RunFinished,        // the run has nothing left to do (a retry may start it again)
    };

    qint64 timeMs = 0;   // since the run started
    Kind kind = Kind::Log;
    ResourceState state = ResourceState::Pending;
    LogLevel level = LogLevel::Info;
    int resource = -1;   // index into the plan's resources; -1 for run-wide events
    int attempt = 0;     // attempt number, from 1; 0 when not about an attempt
    int number = 0;      // ParallelismChanged: the new limit
    qint64 sequence = -1; // its index in the run's journal, once recorded there
    QString text;
};

} // namespace fanout

Q_DECLARE_METATYPE(fanout::RunEvent)
