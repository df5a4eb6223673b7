#pragma once

#include "engine/plan/plan.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace fanout {

// A plan's rollout (Plan::rollout) as a scheduling policy, free of threads and clocks like the
// Dispatcher it stands in front of: which targets may start, in which order and waves, how many at
// once, and when too many have failed for another to start. The Scheduler and a forecast's
// SimulatedRun drive it the same way:
//  - an instance whose dependencies are done goes to the Dispatcher only if admits() it; else it is
//    held (hold()) until its target is admitted;
//  - every instance that becomes final (succeeded, failed for good, skipped, cancelled) is told with
//    finished(), one that leaves a final state again (a retry by hand) with reopened();
//  - admit(), before each dispatch, admits the targets whose turn has come and hands back the held
//    instances now free to go, and, once after the rollout stopped, the instances never started.
// Each call costs O(1) per instance (admit(): per target admitted): nothing scans every target.
//
// Semantics (docs/report-format.md, "The rollout"): targets are admitted in order (Rollout::order,
// then the plan's order for targets it does not name), wave by wave: a wave's first target is
// admitted once every target of the waves before it is finished. A target counts as under way from
// its admission (its instances may start as their dependencies and the plan's limits allow) until
// every instance of it is final, so that a target waiting for a free slot keeps its turn; at most
// maxConcurrentFor(targets) are under way at once. A target has failed while one of its instances
// has failed for good; once more targets than failureToleranceFor(targets) have failed, no target
// is admitted any more (those under way go on), until a retry by hand brings the count back within
// the tolerance. Shared resources (no target) are not subject to any of it. A retried instance of
// a finished target makes it under way again at once, even above max_concurrent: the user asked.
class RolloutGate
{
public:
    enum class TargetState : quint8 { Waiting, UnderWay, Finished, NotStarted };
    // How the reason of an instance the rollout did not start begins (then stopReason()).
    static constexpr char kNotStarted[] = "not started: ";

    explicit RolloutGate(const Plan &plan);

    // Whether a run of `plan` needs a gate: it has per-target instances and a rollout.
    static bool appliesTo(const Plan &plan);

    // Back to before the run: nothing admitted, held, finished or failed.
    void reset();

    int targetOf(int resource) const { return m_targetOf[std::size_t(resource)]; }
    bool admits(int resource) const
    {
        const int t = m_targetOf[std::size_t(resource)];
        return t < 0 || m_targets[std::size_t(t)].admitted;
    }
    void hold(int resource);
    void finished(int resource, bool failed);
    void reopened(int resource, bool wasFailed);
    // Admits every target whose turn has come, appending the instances it held to `released`; right
    // after the rollout stopped, appends the instances of the targets it will not start to
    // `notStarted` (once per stop, and again whenever stopReason() changes while it stays stopped:
    // another target failed, or a retry left fewer failures; the held ones among them are no
    // longer held).
    void admit(std::vector<int> &released, std::vector<int> &notStarted);
    // When nothing else can go on (nothing running, ready or waiting to retry) while targets wait:
    // admits the next target out of its turn (beyond max_concurrent, before its wave) and returns
    // true, unless the rollout has stopped or every target is admitted. A target's instance can
    // wait, through a shared resource, for an instance of a target not admitted yet; without this,
    // the run would end there.
    bool admitOutOfTurn(std::vector<int> &released);
    // A run continued from the middle (a forecast of a run under way): the target of an instance
    // that has started is admitted, out of its turn if need be.
    void admitStarted(int resource);

    bool isStopped() const { return m_stopped; }
    bool isAdmitted(int target) const { return m_targets[std::size_t(target)].admitted; }
    int underWay() const { return m_underWay; }
    int failedTargets() const { return m_failedTargets; }
    int maxConcurrent() const { return m_maxConcurrent; }        // 0: no limit
    int failureTolerance() const { return m_failureTolerance; }  // -1: no limit
    TargetState state(int target) const;
    int waveOf(int target) const { return m_targets[std::size_t(target)].wave; }
    const std::vector<int> &instancesOf(int target) const { return m_targets[std::size_t(target)].instances; }
    // Target indices in the order they are admitted.
    const std::vector<int> &order() const { return m_order; }
    // Why targets are no longer admitted: "2 targets failed (eu-west-1, us-east-1), more than the
    // rollout's failure tolerance of 1"; empty while the rollout goes on.
    QString stopReason() const;

    // The plan's targets in admission order, each with its wave: what RunReport and the forecast show.
    static std::vector<int> admissionOrder(const Plan &plan, std::vector<int> *waveOfTarget = nullptr);

private:
    struct TargetProgress
    {
        std::vector<int> instances; // in plan order
        std::vector<int> held;      // ready, waiting for the admission
        int unfinished = 0;         // instances not final
        int failed = 0;             // instances failed for good
        int wave = 0;
        bool admitted = false;
    };

    void admitTarget(int target, std::vector<int> &released);
    void targetFinished(int target);

    const QStringList m_names;
    std::vector<int> m_targetOf; // per resource: its target's index, -1 for a shared resource
    std::vector<TargetProgress> m_targets;
    std::vector<int> m_order;
    std::vector<int> m_waveOpen; // per wave: its targets not finished
    int m_maxConcurrent = 0;
    int m_failureTolerance = -1;
    std::size_t m_next = 0; // into m_order: the next target to admit
    int m_wave = 0;         // the wave being admitted
    int m_underWay = 0;
    int m_failedTargets = 0;
    bool m_stopped = false;
    bool m_stopTold = false; // admit() has handed out the instances this stop leaves out
};

} // namespace fanout
