#include "engine/run/targetprogress.h"

#include "engine/plan/plan.h"
#include "engine/run/rolloutgate.h"

#include <algorithm>

namespace fanout {

TargetProgress TargetProgress::of(const Plan &plan, const std::vector<int> &instances, const StatusOf &statusOf)
{
    TargetProgress progress;
    progress.instances = int(instances.size());
    bool unfinished = false;
    bool started = false;
    bool cancelled = false;
    bool notStarted = false;
    qint64 endMs = -1;
    for (const int r : instances) {
        const ResourceStatus status = statusOf(r);
        progress.succeeded += status.state == ResourceState::Succeeded;
        unfinished = unfinished || !isFinal(status.state);
        started = started || status.state == ResourceState::Ready || status.state == ResourceState::Running || !status.attempts.isEmpty();
        cancelled = cancelled || status.state == ResourceState::Cancelled;
        if (status.state == ResourceState::Failed)
            progress.failed.append(plan.resources[r].id);
        if (status.state == ResourceState::Skipped && status.reason.startsWith(QLatin1String(RolloutGate::kNotStarted))) {
            notStarted = true;
            progress.notStartedReason = status.reason.mid(int(qstrlen(RolloutGate::kNotStarted)));
        }
        for (const AttemptRecord &attempt : status.attempts) {
            progress.startMs = progress.startMs < 0 ? attempt.startMs : std::min(progress.startMs, attempt.startMs);
            endMs = std::max(endMs, attempt.endMs);
        }
    }
    progress.endMs = progress.startMs >= 0 && !unfinished ? endMs : -1;
    progress.state = !progress.failed.isEmpty()     ? State::Failed
        : progress.succeeded == progress.instances   ? State::Succeeded
        : unfinished                                 ? (started ? State::Running : State::Waiting)
        : notStarted                                 ? State::NotStarted
        : cancelled                                  ? State::Cancelled
                                                     : State::Skipped;
    return progress;
}

const char *TargetProgress::name(State state)
{
    switch (state) {
    case State::Waiting: return "waiting";
    case State::Running: return "running";
    case State::Succeeded: return "succeeded";
    case State::Failed: return "failed";
    case State::NotStarted: return "not-started";
    case State::Cancelled: return "cancelled";
    case State::Skipped: return "skipped";
    }
    return "waiting";
}

} // namespace fanout
