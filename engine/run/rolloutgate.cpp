#include "engine/run/rolloutgate.h"

#include <QHash>
#include <QtGlobal>

#include <algorithm>

namespace fanout {

namespace {

QStringList namesOf(const QList<Target> &targets)
{
    QStringList names;
    names.reserve(targets.size());
    for (const Target &target : targets)
        names.append(target.name);
    return names;
}

} // namespace

RolloutGate::RolloutGate(const Plan &plan)
    : m_names(namesOf(plan.targets))
{
    QHash<QString, int> index;
    for (int t = 0; t < m_names.size(); ++t)
        index.insert(m_names[t], t);
    m_targets.resize(std::size_t(m_names.size()));
    m_targetOf.assign(std::size_t(plan.resources.size()), -1);
    for (int r = 0; r < plan.resources.size(); ++r) {
        const QString &target = plan.resources[r].target;
        if (target.isEmpty())
            continue;
        const auto it = index.constFind(target);
        Q_ASSERT_X(it != index.cend(), "RolloutGate", "an instance's target must be one of the plan's targets");
        if (it == index.cend())
            continue; // not subject to the rollout rather than never started
        m_targetOf[std::size_t(r)] = *it;
        m_targets[std::size_t(*it)].instances.push_back(r);
    }
    std::vector<int> waves;
    m_order = admissionOrder(plan, &waves);
    int waveCount = 0;
    for (int t = 0; t < int(m_targets.size()); ++t) {
        m_targets[std::size_t(t)].wave = waves[std::size_t(t)];
        waveCount = std::max(waveCount, waves[std::size_t(t)] + 1);
    }
    m_waveOpen.assign(std::size_t(waveCount), 0);
    if (plan.rollout) {
        m_maxConcurrent = plan.rollout->maxConcurrentFor(int(m_targets.size()));
        m_failureTolerance = plan.rollout->failureToleranceFor(int(m_targets.size()));
    }
    reset();
}

bool RolloutGate::appliesTo(const Plan &plan)
{
    if (!plan.rollout || plan.targets.isEmpty())
        return false;
    return std::any_of(plan.resources.cbegin(), plan.resources.cend(), [](const Resource &r) { return !r.target.isEmpty(); });
}

std::vector<int> RolloutGate::admissionOrder(const Plan &plan, std::vector<int> *waveOfTarget)
{
    const int n = int(plan.targets.size());
    const auto size = std::size_t(n);
    const QStringList order = plan.rollout ? plan.rollout->order : QStringList();
    const QList<QStringList> waves = plan.rollout ? plan.rollout->waves : QList<QStringList>();
    // Position: as Rollout::order says, then the plan's order for the targets it leaves out.
    std::vector<int> position(size);
    std::vector<int> wave(size, -1);
    int everyOther = -1; // the wave with "*"
    for (int w = 0; w < waves.size(); ++w) {
        if (waves[w].contains(QStringLiteral("*")) && everyOther < 0)
            everyOther = w;
    }
    for (int t = 0; t < n; ++t) {
        const QString &name = plan.targets[t].name;
        const int named = int(order.indexOf(name));
        position[std::size_t(t)] = named >= 0 ? named : int(order.size()) + t;
        for (int w = 0; w < waves.size() && wave[std::size_t(t)] < 0; ++w) {
            if (waves[w].contains(name))
                wave[std::size_t(t)] = w;
        }
        // No wave names it: the one with "*", else a last wave of its own (as the reader would warn).
        if (wave[std::size_t(t)] < 0)
            wave[std::size_t(t)] = everyOther >= 0 ? everyOther : int(waves.size());
    }
    if (waves.isEmpty())
        std::fill(wave.begin(), wave.end(), 0);
    std::vector<int> admission(size);
    for (int t = 0; t < n; ++t)
        admission[std::size_t(t)] = t;
    std::stable_sort(admission.begin(), admission.end(), [&](int a, int b) {
        return std::pair(wave[std::size_t(a)], position[std::size_t(a)]) < std::pair(wave[std::size_t(b)], position[std::size_t(b)]);
    });
    // Waves numbered from 0 without gaps, so that an empty wave holds nothing up.
    int next = -1;
    int last = -1;
    std::vector<int> dense(size);
    for (const int t : admission) {
        if (wave[std::size_t(t)] != last) {
            last = wave[std::size_t(t)];
            ++next;
        }
        dense[std::size_t(t)] = next;
    }
    if (waveOfTarget)
        *waveOfTarget = dense;
    return admission;
}

void RolloutGate::reset()
{
    std::fill(m_waveOpen.begin(), m_waveOpen.end(), 0);
    for (TargetProgress &target : m_targets) {
        target.held.clear();
        target.unfinished = int(target.instances.size());
        target.failed = 0;
        target.admitted = false;
        if (target.unfinished > 0)
            ++m_waveOpen[std::size_t(target.wave)];
    }
    m_next = 0;
    m_wave = 0;
    m_underWay = 0;
    m_failedTargets = 0;
    m_stopped = false;
    m_stopTold = false;
}

void RolloutGate::hold(int resource)
{
    const int t = m_targetOf[std::size_t(resource)];
    Q_ASSERT(t >= 0 && !m_targets[std::size_t(t)].admitted);
    m_targets[std::size_t(t)].held.push_back(resource);
}

void RolloutGate::finished(int resource, bool failed)
{
    const int t = m_targetOf[std::size_t(resource)];
    if (t < 0)
        return;
    TargetProgress &target = m_targets[std::size_t(t)];
    Q_ASSERT(target.unfinished > 0);
    if (failed && target.failed++ == 0) {
        ++m_failedTargets;
        if (m_failureTolerance >= 0 && m_failedTargets > m_failureTolerance) {
            // Stopped now, or still stopped for more failures: told (again) with the new count,
            // whichever batch the failures came back in.
            m_stopped = true;
            m_stopTold = false;
        }
    }
    if (--target.unfinished == 0)
        targetFinished(t);
}

void RolloutGate::reopened(int resource, bool wasFailed)
{
    const int t = m_targetOf[std::size_t(resource)];
    if (t < 0)
        return;
    TargetProgress &target = m_targets[std::size_t(t)];
    if (target.unfinished++ == 0) {
        ++m_waveOpen[std::size_t(target.wave)];
        if (target.admitted)
            ++m_underWay;
    }
    if (wasFailed) {
        Q_ASSERT(target.failed > 0);
        if (--target.failed == 0) {
            --m_failedTargets;
            // Within the tolerance again: the rollout resumes (the targets it left out wait again).
            if (m_stopped && m_failedTargets <= m_failureTolerance)
                m_stopped = false;
            else
                m_stopTold = false; // still stopped, for fewer failures: told again, with the new count
        }
    }
}

void RolloutGate::targetFinished(int t)
{
    TargetProgress &target = m_targets[std::size_t(t)];
    --m_waveOpen[std::size_t(target.wave)];
    if (target.admitted)
        --m_underWay;
}

void RolloutGate::admit(std::vector<int> &released, std::vector<int> &notStarted)
{
    if (m_stopped) {
        if (m_stopTold)
            return;
        m_stopTold = true;
        for (std::size_t i = m_next; i < m_order.size(); ++i) {
            TargetProgress &target = m_targets[std::size_t(m_order[i])];
            if (target.admitted)
                continue;
            target.held.clear();
            notStarted.insert(notStarted.end(), target.instances.begin(), target.instances.end());
        }
        return;
    }
    while (m_next < m_order.size()) {
        const int t = m_order[m_next];
        if (m_targets[std::size_t(t)].admitted) { // admitStarted()
            ++m_next;
            continue;
        }
        const int wave = m_targets[std::size_t(t)].wave;
        // A wave starts once every target of the waves before it has finished.
        while (m_wave < wave) {
            if (m_waveOpen[std::size_t(m_wave)] > 0)
                return;
            ++m_wave;
        }
        if (m_maxConcurrent > 0 && m_underWay >= m_maxConcurrent)
            return;
        admitTarget(t, released);
        ++m_next;
    }
}

void RolloutGate::admitTarget(int t, std::vector<int> &released)
{
    TargetProgress &target = m_targets[std::size_t(t)];
    target.admitted = true;
    if (target.unfinished > 0)
        ++m_underWay;
    released.insert(released.end(), target.held.begin(), target.held.end());
    target.held.clear();
}

bool RolloutGate::admitOutOfTurn(std::vector<int> &released)
{
    if (m_stopped)
        return false;
    while (m_next < m_order.size() && m_targets[std::size_t(m_order[m_next])].admitted)
        ++m_next;
    if (m_next == m_order.size())
        return false;
    admitTarget(m_order[m_next], released);
    ++m_next;
    return true;
}

void RolloutGate::admitStarted(int resource)
{
    const int t = m_targetOf[std::size_t(resource)];
    if (t < 0 || m_targets[std::size_t(t)].admitted)
        return;
    std::vector<int> released; // nothing is held before the run goes on
    admitTarget(t, released);
    Q_ASSERT(released.empty());
}

RolloutGate::TargetState RolloutGate::state(int t) const
{
    const TargetProgress &target = m_targets[std::size_t(t)];
    if (target.admitted)
        return target.unfinished > 0 ? TargetState::UnderWay : TargetState::Finished;
    if (m_stopped)
        return TargetState::NotStarted;
    return target.unfinished > 0 ? TargetState::Waiting : TargetState::Finished;
}

QString RolloutGate::stopReason() const
{
    if (!m_stopped)
        return QString();
    QStringList failed;
    for (const int t : m_order) {
        if (m_targets[std::size_t(t)].failed > 0)
            failed.append(m_names[t]);
    }
    return QStringLiteral("%1 %2 failed (%3), more than the rollout's failure tolerance of %4")
        .arg(m_failedTargets)
        .arg(m_failedTargets == 1 ? QStringLiteral("target") : QStringLiteral("targets"), failed.join(QStringLiteral(", ")))
        .arg(m_failureTolerance);
}

} // namespace fanout
