#pragma once

#include "engine/run/resourcestatus.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace fanout {

struct Plan;

// How far one target of a plan (its stack on one region or account) has got, read from its
// instances' statuses alone, so that a recorded run, replayed, says what the run said: what the
// report's "rollout" section, the Targets pane and the timeline's lanes say of a target.
struct TargetProgress
{
    enum class State : quint8 {
        Waiting,    // nothing of it has started
        Running,    // under way: something started, not everything is final
        Succeeded,  // every instance succeeded (or was up to date)
        Failed,     // an instance failed
        NotStarted, // the rollout stopped before it started (failure tolerance)
        Cancelled,  // the run was cancelled before it finished
        Skipped,    // its instances were skipped for another reason (a shared dependency failed)
    };
    State state = State::Waiting;
    int instances = 0;
    int succeeded = 0;
    QStringList failed;       // ids of the instances that failed, in plan order
    qint64 startMs = -1;      // the first attempt's start; -1 before any
    qint64 endMs = -1;        // the last attempt's end, once every instance is final; else -1
    QString notStartedReason; // why the rollout never started it ("2 targets failed (...), more than ...")

    using StatusOf = std::function<ResourceStatus(int resource)>;
    // `instances`: plan indices of the target's instances.
    static TargetProgress of(const Plan &plan, const std::vector<int> &instances, const StatusOf &statusOf);
    // As the report names it: "waiting", "running", "succeeded", "failed", "not-started",
    // "cancelled", "skipped".
    static const char *name(State state);
};

} // namespace fanout
