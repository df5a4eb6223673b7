#include "engine/forecast/simulatedrun.h"

#include "engine/support/splitmix.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace fanout {

namespace {

// The random draws of one attempt, from its own seed: cheap to make, with no state to share.
class Draws
{
public:
    explicit Draws(quint64 seed) : m_state(seed) {}
    double uniform() { return double(next() >> 11) * 0x1.0p-53; } // [0, 1)
    int below(int count) { return int(((next() >> 32) * quint64(count)) >> 32); }

private:
    quint64 next() { return splitMix64(m_state += 0x9e3779b97f4a7c15ULL); }
    quint64 m_state;
};

qint64 drawDuration(const SimulatedResource &resource, const std::vector<qint32> &observations, Draws &draws)
{
    if (resource.observedCount > 0) {
        const double observed = double(observations[std::size_t(resource.firstObserved + draws.below(resource.observedCount))]);
        const double jitter = (draws.uniform() + draws.uniform() - 1.0) * resource.kernelMs; // triangular
        return std::max<qint64>(0, qint64(observed + jitter));
    }
    if (resource.highMs > resource.lowMs)
        return resource.lowMs + qint64(draws.uniform() * double(resource.highMs - resource.lowMs));
    return resource.estimateMs;
}

} // namespace

ForecastModel::ForecastModel(const Plan &plan)
    : graph(plan)
{
    if (RolloutGate::appliesTo(plan))
        rollout.emplace(plan);
}

SimulatedRun::SimulatedRun(const ForecastModel &model, int parallelism)
    : m_model(model)
    , m_parallelism(std::max(1, parallelism))
    , m_dispatcher(model.graph, model.estimates, model.groupOf, model.groupLimits, m_parallelism)
    , m_rollout(model.rollout)
{
    const int n = model.graph.size();
    m_phase.resize(n);
    m_attempts.resize(n);
    m_startMs.resize(n);
    m_endMs.resize(n);
    m_events.reserve(std::min(n, m_parallelism) + 16);
    m_nowReady.reserve(64);
}

qint64 SimulatedRun::run(quint64 seed, int sample, const RunSoFar *soFar)
{
    m_dispatcher.reset();
    if (m_rollout)
        m_rollout->reset();
    std::fill(m_phase.begin(), m_phase.end(), Phase::Pending);
    std::fill(m_attempts.begin(), m_attempts.end(), 0);
    std::fill(m_startMs.begin(), m_startMs.end(), -1);
    std::fill(m_endMs.begin(), m_endMs.end(), -1);
    m_events.clear();
    m_stopped = false;
    m_sampleSeed = splitMix64(splitMix64(seed) ^ quint64(sample));
    m_nowMs = soFar ? soFar->nowMs : 0;
    if (soFar)
        settleFrom(*soFar);
    else
        settle();
    enqueueReady();
    qint64 lastMs = m_nowMs;
    for (;;) {
        dispatch();
        if (m_events.empty())
            break;
        m_nowMs = m_events.front().timeMs;
        while (!m_events.empty() && m_events.front().timeMs == m_nowMs) {
            std::pop_heap(m_events.begin(), m_events.end(), std::greater<Event>());
            const Event event = m_events.back();
            m_events.pop_back();
            handle(event);
        }
        lastMs = m_nowMs;
    }
    return lastMs;
}

void SimulatedRun::settle()
{
    // As the scheduler does: what does not run counts as succeeded from the start.
    for (int r = 0; r < int(m_phase.size()); ++r) {
        if (m_model.resources[r].runs)
            continue;
        finish(r, false);
        m_nowReady.clear();
        m_dispatcher.satisfy(r, m_nowReady);
    }
}

void SimulatedRun::settleFrom(const RunSoFar &soFar)
{
    const int n = int(m_phase.size());
    for (int r = 0; r < n; ++r) {
        const ResourceState state = (*soFar.states)[r];
        m_attempts[r] = (*soFar.attemptsMade)[r];
        if (m_rollout && m_rollout->targetOf(r) >= 0 && (m_attempts[r] > 0 || state == ResourceState::Running))
            m_rollout->admitStarted(r); // its target is under way, or was
        if (state == ResourceState::Succeeded || (state == ResourceState::Pending && !m_model.resources[r].runs)) {
            finish(r, false);
            m_nowReady.clear();
            m_dispatcher.satisfy(r, m_nowReady);
        } else if (isFinal(state)) {
            finish(r, state == ResourceState::Failed); // what waits for it never starts
        }
    }
    // Attempts under way hold their slots: counted as running by the dispatcher, as in the run.
    m_dispatcher.setLimit(std::max(1, n));
    for (int r = 0; r < n; ++r) {
        if ((*soFar.states)[r] == ResourceState::Running)
            m_dispatcher.enqueue(r);
    }
    for (int r = m_dispatcher.takeNext(); r >= 0; r = m_dispatcher.takeNext()) {
        const qint64 since = std::min(soFar.nowMs, std::max<qint64>(0, (*soFar.runningSinceMs)[r]));
        m_phase[r] = Phase::Running;
        --m_attempts[r]; // startAttempt() counts the attempt under way again
        startAttempt(r, since, soFar.nowMs - since);
    }
    m_dispatcher.clear(); // any a group's limit left out (it cannot, in a real run)
    m_dispatcher.setLimit(m_parallelism);
}

void SimulatedRun::enqueueReady()
{
    for (int r = 0; r < int(m_phase.size()); ++r) {
        if (m_phase[r] == Phase::Pending && m_dispatcher.unmetDependencies(r) == 0)
            makeReady(r);
    }
}

void SimulatedRun::makeReady(int resource)
{
    if (m_rollout && !m_rollout->admits(resource)) {
        m_rollout->hold(resource); // pending until its target's turn, as in the scheduler
        return;
    }
    m_phase[resource] = Phase::Queued;
    m_dispatcher.enqueue(resource);
}

void SimulatedRun::finish(int resource, bool failed)
{
    m_phase[resource] = Phase::Done;
    if (m_rollout && m_rollout->targetOf(resource) >= 0)
        m_rollout->finished(resource, failed);
}

void SimulatedRun::dispatch()
{
    if (m_stopped)
        return;
    if (m_rollout) {
        // The targets the rollout leaves out never start: nothing of them takes time.
        m_released.clear();
        m_notStarted.clear();
        m_rollout->admit(m_released, m_notStarted);
        do {
            for (const int r : m_released) {
                if (m_phase[r] == Phase::Pending)
                    makeReady(r);
            }
            m_released.clear();
        } while (m_events.empty() && m_dispatcher.readyCount() == 0 && m_rollout->admitOutOfTurn(m_released));
    }
    for (int r = m_dispatcher.takeNext(); r >= 0; r = m_dispatcher.takeNext()) {
        m_phase[r] = Phase::Running;
        startAttempt(r, m_nowMs, 0);
    }
}

void SimulatedRun::startAttempt(int resource, qint64 sinceMs, qint64 atLeastMs)
{
    const SimulatedResource &spec = m_model.resources[resource];
    const int attempt = ++m_attempts[resource];
    if (m_startMs[resource] < 0)
        m_startMs[resource] = sinceMs;
    Draws draws(splitMix64(m_sampleSeed ^ (quint64(resource) << 8 | quint64(attempt & 0xff))));
    qint64 durationMs = drawDuration(spec, m_model.observedMs, draws);
    // One already under way has run for `atLeastMs`: draw again (a few times) for a longer one.
    for (int tries = 0; durationMs < atLeastMs && tries < 8; ++tries)
        durationMs = drawDuration(spec, m_model.observedMs, draws);
    durationMs = std::max(durationMs, atLeastMs);
    // How many attempts fail before one succeeds: the observed share of failed attempts says how
    // many per success on average, and each run gets the whole number just below or above that
    // mean. For rare failures this is close to independent odds per attempt (2% odds: one failure
    // in 2% of runs); for a resource whose first attempt always fails (capacity, eventual
    // consistency) it is exact, where independent odds of 50% would scatter runs between no
    // failure and a final one. The same number whatever the attempt, for a run continued too.
    bool fails = false;
    if (spec.failuresPerSuccess > 0) {
        Draws series(splitMix64(m_sampleSeed ^ (quint64(resource) << 8) ^ 0xfa11edULL));
        const double whole = std::floor(spec.failuresPerSuccess);
        const double failures = whole + (series.uniform() < spec.failuresPerSuccess - whole ? 1.0 : 0.0);
        fails = double(attempt) <= failures;
    }
    if (spec.timeoutMs > 0 && durationMs >= spec.timeoutMs) {
        durationMs = std::max(spec.timeoutMs, atLeastMs);
        fails = true;
    }
    push({sinceMs + durationMs, resource, false, fails});
}

void SimulatedRun::handle(const Event &event)
{
    const int r = event.resource;
    if (event.retryDue) {
        if (m_stopped)
            return;
        m_phase[r] = Phase::Queued;
        m_dispatcher.enqueue(r);
        return;
    }
    m_dispatcher.release(r);
    const SimulatedResource &spec = m_model.resources[r];
    if (!event.fails) {
        finish(r, false);
        m_endMs[r] = m_nowMs;
        m_nowReady.clear();
        m_dispatcher.satisfy(r, m_nowReady);
        for (const int d : m_nowReady) {
            if (m_phase[d] == Phase::Pending && !m_stopped)
                makeReady(d);
        }
        return;
    }
    if (m_attempts[r] < spec.retry.maxAttempts && !m_stopped) {
        Draws draws(splitMix64(m_sampleSeed ^ ~(quint64(r) << 8 | quint64(m_attempts[r] & 0xff))));
        double delay = double(spec.retry.backoffBefore(m_attempts[r] + 1));
        if (spec.retry.jitter > 0)
            delay *= 1.0 + spec.retry.jitter * (2.0 * draws.uniform() - 1.0);
        m_phase[r] = Phase::RetryWait;
        push({m_nowMs + std::max<qint64>(0, qint64(delay)), r, true, false});
        return;
    }
    // Failed for good: what depends on it never becomes ready, so it takes no time (skipped).
    finish(r, true);
    m_endMs[r] = m_nowMs;
    if (m_rollout) {
        // Skipped: final, so that its target can finish and the next one start.
        for (const int d : m_model.graph.downstream(r)) {
            if (m_phase[d] == Phase::Pending)
                finish(d, false);
        }
    }
    if (m_model.failFast) {
        m_stopped = true;
        m_dispatcher.clear();
    }
}

void SimulatedRun::push(const Event &event)
{
    m_events.push_back(event);
    std::push_heap(m_events.begin(), m_events.end(), std::greater<Event>());
}

} // namespace fanout
