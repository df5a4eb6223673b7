#include "models/run/timelinedata.h"

#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/run/journal.h"

#include <algorithm>

namespace fanout {

TimelineData::TimelineData(const Deployment &deployment)
    : m_deployment(deployment)
{
    reset();
}

void TimelineData::reset()
{
    const std::size_t n = std::size_t(m_deployment.resourceCount());
    m_attempts.assign(n, QList<AttemptRecord>());
    // Before a run, resources that are up to date per the state file already show as succeeded.
    m_states.resize(n);
    for (std::size_t r = 0; r < n; ++r)
        m_states[r] = m_deployment.state(int(r));
    m_running.assign(n, false);
    m_readySince.assign(n, -1);
    m_changed.assign(n, false);
    m_retried.assign(n, QList<int>());
    m_runningDeltas.clear();
    m_runningSteps.clear();
    m_limitSteps.clear();
    m_consumed = 0;
    m_finishedMs = -1;
    m_lastEventMs = 0;
    m_started = false;
    m_criticalPath.clear();
    m_critical.assign(n, false);
    m_criticalNowMs = -1;
    m_criticalDirty = true;
}

QList<int> TimelineData::catchUp()
{
    const Journal &journal = m_deployment.journal();
    if (journal.size() < m_consumed || std::size_t(m_deployment.resourceCount()) != m_attempts.size())
        reset(); // a new run (or plan) replaced the journal we were reading
    QList<int> changed;
    for (std::size_t i = m_consumed; i < journal.size(); ++i) {
        if (journal.entry(i).kind == RunEvent::Kind::Log)
            m_lastEventMs = std::max(m_lastEventMs, journal.entry(i).timeMs); // all apply() takes of a line: no need to read its text
        else
            apply(journal[i], &changed);
    }
    m_consumed = journal.size();
    // The journal says that something changed; the run's records say what each attempt is now
    // (its error, whether it timed out), so only the resources named in new events are re-read.
    for (const int r : std::as_const(changed)) {
        const ResourceStatus status = m_deployment.status(r);
        m_attempts[std::size_t(r)] = status.attempts;
        m_states[std::size_t(r)] = status.state;
        m_changed[std::size_t(r)] = false;
    }
    if (!changed.isEmpty())
        m_criticalDirty = true;
    return changed;
}

void TimelineData::apply(const RunEvent &event, QList<int> *changed)
{
    m_lastEventMs = std::max(m_lastEventMs, event.timeMs);
    switch (event.kind) {
    case RunEvent::Kind::RunStarted:
        m_started = true;
        m_limitSteps.push_back(TimelineStep{event.timeMs, std::max(1, event.number)});
        break;
    case RunEvent::Kind::RunResumed:
        m_finishedMs = -1;
        break;
    case RunEvent::Kind::RunFinished:
        m_finishedMs = event.timeMs;
        break;
    case RunEvent::Kind::ParallelismChanged:
        m_limitSteps.push_back(TimelineStep{event.timeMs, event.number});
        break;
    case RunEvent::Kind::StateChanged: {
        const std::size_t r = std::size_t(event.resource);
        if (r >= m_attempts.size())
            break;
        const bool running = event.state == ResourceState::Running;
        if (running != m_running[r]) {
            m_running[r] = running;
            addRunningDelta(event.timeMs, running ? 1 : -1);
        }
        m_states[r] = event.state;
        m_readySince[r] = event.state == ResourceState::Ready ? event.timeMs : -1;
        if (event.state == ResourceState::RetryWait && event.attempt > 0)
            m_retried[r].append(event.attempt);
        if (!m_changed[r]) {
            m_changed[r] = true;
            changed->append(event.resource);
        }
        break;
    }
    case RunEvent::Kind::CancelRequested:
    case RunEvent::Kind::Log:
        break;
    }
}

void TimelineData::addRunningDelta(qint64 timeMs, int delta)
{
    // An attempt's end is stamped when its executor finished, which may be a little before events
    // already recorded; sorting keeps the count true to when things happened. At one instant, ends
    // come before starts, as the slot an end frees is the one a start takes.
    const Delta entry{timeMs, delta};
    const auto before = [](const Delta &a, const Delta &b) {
        return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.delta < b.delta;
    };
    const auto at = std::upper_bound(m_runningDeltas.begin(), m_runningDeltas.end(), entry, before);
    const std::size_t from = std::size_t(at - m_runningDeltas.begin());
    m_runningDeltas.insert(at, entry);
    m_runningSteps.resize(m_runningDeltas.size());
    int value = from == 0 ? 0 : m_runningSteps[from - 1].value;
    for (std::size_t i = from; i < m_runningDeltas.size(); ++i) {
        value += m_runningDeltas[i].delta;
        m_runningSteps[i] = TimelineStep{m_runningDeltas[i].timeMs, value};
    }
}

bool TimelineData::wasRetried(int resource, int number) const
{
    return resource >= 0 && std::size_t(resource) < m_retried.size() && m_retried[std::size_t(resource)].contains(number);
}

int TimelineData::maxRunning() const
{
    int most = 0;
    for (const TimelineStep &step : m_runningSteps)
        most = std::max(most, step.value);
    return most;
}

int TimelineData::maxLimit() const
{
    int most = 0;
    for (const TimelineStep &step : m_limitSteps)
        most = std::max(most, step.value);
    return most;
}

const QList<int> &TimelineData::criticalPath(qint64 nowMs) const
{
    // While running, attempts in progress end "now", so the path can change without an event.
    if (m_criticalDirty || (!isFinished() && nowMs != m_criticalNowMs)) {
        m_criticalPath = criticalPath(m_deployment.graph(), m_attempts, nowMs);
        m_critical.assign(m_attempts.size(), false);
        for (const int r : std::as_const(m_criticalPath))
            m_critical[std::size_t(r)] = true;
        m_criticalNowMs = nowMs;
        m_criticalDirty = false;
    }
    return m_criticalPath;
}

bool TimelineData::isCritical(int resource) const
{
    return resource >= 0 && std::size_t(resource) < m_critical.size() && m_critical[std::size_t(resource)];
}

QList<int> TimelineData::criticalPath(const PlanGraph &graph, const std::vector<QList<AttemptRecord>> &attempts,
                                      qint64 nowMs)
{
    const int n = std::min(graph.size(), int(attempts.size()));
    const auto endOf = [&](int r) -> qint64 {
        const QList<AttemptRecord> &list = attempts[std::size_t(r)];
        if (list.isEmpty())
            return -1;
        return list.constLast().endMs >= 0 ? list.constLast().endMs : std::max(nowMs, list.constLast().startMs);
    };

    // Ties go to plan order, so that a live path does not flicker between equals.
    int last = -1;
    qint64 lastEnd = -1;
    for (int r = 0; r < n; ++r) {
        const qint64 end = endOf(r);
        if (end > lastEnd) {
            last = r;
            lastEnd = end;
        }
    }
    if (last < 0)
        return {};

    QList<int> path{last};
    std::vector<bool> seen(std::size_t(n), false);
    seen[std::size_t(last)] = true;
    for (int current = last;;) {
        // Its first attempt started waiting for a slot when its last dependency succeeded; every
        // later attempt of it follows from that one.
        const qint64 readyMs = attempts[std::size_t(current)].constFirst().readyMs;
        int next = -1;
        qint64 nextEnd = -1;
        for (const int d : graph.dependencies(current)) {
            if (d >= n || seen[std::size_t(d)])
                continue;
            const qint64 end = endOf(d);
            if (end >= 0 && end <= readyMs && end > nextEnd) {
                next = d;
                nextEnd = end;
            }
        }
        if (next < 0)
            break;
        seen[std::size_t(next)] = true;
        path.append(next);
        current = next;
    }
    std::reverse(path.begin(), path.end());
    return path;
}

} // namespace fanout
