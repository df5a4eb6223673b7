#pragma once

#include "engine/run/resourcestatus.h"
#include "engine/run/runevent.h"

#include <QList>
#include <QtGlobal>

#include <vector>

namespace fanout {

class PlanGraph;
class Deployment;

// One step of a step function over run time: `value` holds from `timeMs` until the next step.
struct TimelineStep
{
    qint64 timeMs = 0;
    int value = 0;
};

// What the timeline draws, kept up to date from the run's journal: every resource's attempts and
// state, how many resources were running over time and the parallelism limit over time. Reads
// only the journal entries it has not seen yet, so a batch of events costs what is in it, not
// what came before; a new run (or plan) starts it over.
class TimelineData
{
public:
    explicit TimelineData(const Deployment &deployment);

    // Forgets everything it read: the plan changed or a new run started.
    void reset();
    // Reads the journal entries added since the last call. Returns the resources whose attempts
    // or state changed (in the order first seen), so that a view can repaint only those.
    QList<int> catchUp();

    int rowCount() const { return int(m_attempts.size()); }
    const QList<AttemptRecord> &attempts(int resource) const { return m_attempts[std::size_t(resource)]; }
    ResourceState state(int resource) const { return m_states[std::size_t(resource)]; }
    // Whether attempt `number` of `resource` failed and was tried again automatically (after a
    // backoff), rather than failing for good.
    bool wasRetried(int resource, int number) const;
    // When `resource` started waiting for a free slot, while it waits (it has no attempt for
    // that wait yet); -1 otherwise.
    qint64 readySinceMs(int resource) const { return m_readySince[std::size_t(resource)]; }

    bool hasRun() const { return m_started; }
    bool isFinished() const { return m_finishedMs >= 0; }
    qint64 finishedMs() const { return m_finishedMs; } // -1 while running or before a run
    qint64 lastEventMs() const { return m_lastEventMs; }

    // Resources running, over time, in time order (ends before starts at the same instant).
    const std::vector<TimelineStep> &runningSteps() const { return m_runningSteps; }
    // The parallelism limit over time, from the run's start.
    const std::vector<TimelineStep> &limitSteps() const { return m_limitSteps; }
    int maxRunning() const;
    int maxLimit() const;

    // The critical path of the run so far (running attempts end at `nowMs`), root first; cached
    // until the next change.
    const QList<int> &criticalPath(qint64 nowMs) const;
    bool isCritical(int resource) const;

    // The chain of resources that determined when the run ended: from the resource whose final
    // attempt ended last, repeatedly to the dependency that finished last before it became ready.
    // `attempts` holds each resource's attempts in order; a running attempt ends at `nowMs`.
    // Returned root first; empty when nothing has run.
    static QList<int> criticalPath(const PlanGraph &graph, const std::vector<QList<AttemptRecord>> &attempts,
                                   qint64 nowMs);

private:
    void apply(const RunEvent &event, QList<int> *changed);
    void addRunningDelta(qint64 timeMs, int delta);

    struct Delta
    {
        qint64 timeMs;
        int delta;
    };

    const Deployment &m_deployment;
    std::vector<QList<AttemptRecord>> m_attempts;
    std::vector<ResourceState> m_states;
    std::vector<bool> m_running;
    std::vector<qint64> m_readySince;
    std::vector<bool> m_changed;
    std::vector<QList<int>> m_retried;           // attempt numbers followed by a retry wait
    std::vector<Delta> m_runningDeltas;          // sorted by (time, delta)
    std::vector<TimelineStep> m_runningSteps;    // the running sum of m_runningDeltas
    std::vector<TimelineStep> m_limitSteps;
    std::size_t m_consumed = 0;                  // journal entries read
    qint64 m_finishedMs = -1;
    qint64 m_lastEventMs = 0;
    bool m_started = false;

    mutable QList<int> m_criticalPath;
    mutable std::vector<bool> m_critical;
    mutable qint64 m_criticalNowMs = -1;
    mutable bool m_criticalDirty = true;
};

} // namespace fanout
