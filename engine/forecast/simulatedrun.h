#pragma once

#include "engine/forecast/estimate.h"
#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"
#include "engine/run/dispatcher.h"
#include "engine/run/rolloutgate.h"
#include "engine/run/runevent.h"

#include <optional>
#include <vector>

namespace fanout {

// What a forecast knows about one resource, prepared once for every simulated run.
struct SimulatedResource
{
    bool runs = true;               // false: up to date (or "run": false), takes no time
    qint64 estimateMs = 0;          // the estimate's median, for runs without a spread
    qint64 lowMs = 0;               // without observations, attempts take lowMs..highMs
    qint64 highMs = 0;
    int firstObserved = 0;          // with observations (ForecastModel::observedMs from here),
    int observedCount = 0;          //   one of them, give or take kernelMs
    double kernelMs = 0;            // half-width of the triangular kernel around an observation
    // Failed attempts before a success, on average: failureOdds / (1 - failureOdds) (infinite for
    // a resource that never succeeded). Each run fails the first floor(mean) or ceil(mean)
    // attempts, as many of each as make that mean (see SimulatedRun::startAttempt).
    double failuresPerSuccess = 0;
    RetryPolicy retry;
    qint64 timeoutMs = 0;
};

// Everything the simulated runs of one plan share: read-only once built.
struct ForecastModel
{
    explicit ForecastModel(const Plan &plan);

    PlanGraph graph;
    std::optional<RolloutGate> rollout; // the plan's rollout, followed as the scheduler does
    std::vector<SimulatedResource> resources;
    std::vector<qint32> observedMs; // every resource's observations, one after the other (24 days at most)
    std::vector<qint64> estimates; // each estimate's ms: the dispatcher's longest-path-first order
    std::vector<int> groupOf;
    std::vector<int> groupLimits;
    bool failFast = false;
};

// Where a simulated run starts from, when it continues a real one.
struct RunSoFar
{
    qint64 nowMs = 0;
    const std::vector<ResourceState> *states = nullptr;
    const std::vector<qint64> *runningSinceMs = nullptr;
    const std::vector<int> *attemptsMade = nullptr;
};

// Simulated runs on a virtual clock with the scheduler's own Dispatcher, one after the other on
// one thread, reusing their memory. Sample `s` of seed `seed` draws the same durations and
// failures for each resource's n-th attempt whatever the limit, so that forecasts at different
// limits differ by the limit alone.
class SimulatedRun
{
public:
    SimulatedRun(const ForecastModel &model, int parallelism);

    // One run; returns its makespan. `soFar` (may be null) is a real run to continue from.
    qint64 run(quint64 seed, int sample, const RunSoFar *soFar = nullptr);
    // Of the last run, per resource: when its first attempt started and its last one ended; -1
    // when it did not run.
    const std::vector<qint64> &startMs() const { return m_startMs; }
    const std::vector<qint64> &endMs() const { return m_endMs; }

private:
    enum class Phase : quint8 { Pending, Queued, Running, RetryWait, Done };
    struct Event
    {
        qint64 timeMs;
        int resource;
        bool retryDue; // else an attempt ends
        bool fails;
        bool operator>(const Event &other) const
        {
            return timeMs != other.timeMs ? timeMs > other.timeMs : resource > other.resource;
        }
    };

    void settle();
    void settleFrom(const RunSoFar &soFar);
    void enqueueReady();
    void makeReady(int resource);
    void dispatch();
    void finish(int resource, bool failed);
    void startAttempt(int resource, qint64 sinceMs, qint64 atLeastMs);
    void handle(const Event &event);
    void push(const Event &event);

    const ForecastModel &m_model;
    const int m_parallelism;
    Dispatcher m_dispatcher;
    std::optional<RolloutGate> m_rollout;
    std::vector<int> m_released;   // the rollout's admissions, kept to reuse their memory
    std::vector<int> m_notStarted;
    std::vector<Phase> m_phase;
    std::vector<int> m_attempts;
    std::vector<qint64> m_startMs;
    std::vector<qint64> m_endMs;
    std::vector<Event> m_events; // a min-heap by time
    std::vector<int> m_nowReady;
    qint64 m_nowMs = 0;
    quint64 m_sampleSeed = 0;
    bool m_stopped = false; // fail-fast tripped
};

} // namespace fanout
