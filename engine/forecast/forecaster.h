#pragma once

#include "engine/forecast/estimate.h"
#include "engine/plan/plan.h"
#include "engine/run/runevent.h"

#include <QList>

#include <memory>
#include <vector>

namespace fanout {

class PlanGraph;

// One forecast at one parallelism limit: the makespans of many simulated runs.
struct Forecast
{
    int parallelism = 0;
    int samples = 0;
    qint64 p10Ms = 0;
    qint64 medianMs = 0;
    qint64 p90Ms = 0;
    // The critical path of what would run, by the estimates' medians, and its length.
    QList<int> criticalPath;
    qint64 criticalPathMs = 0;
    // Per resource (plan order): the median of its simulated start and end, for the timeline's
    // forecast bars; -1 for a resource that does not run (up to date, or already over).
    std::vector<qint64> startMs;
    std::vector<qint64> endMs;
};

// Forecasts a run of a plan before (or while) it runs: a Monte Carlo simulation of the run with
// the scheduler's own dispatch policy (Dispatcher: the limit, group limits, longest path first) on
// a virtual clock. Each attempt's duration is drawn from the resource's Estimate, and it fails with
// the estimate's failure odds, then is retried as the resource's retry policy says (with its
// backoff); a resource that fails for good skips its dependents. Thread-safe once constructed
// (const), and cheap to copy the inputs into: the dashboard runs it off the GUI thread.
class Forecaster
{
public:
    // `willRun[r]` is false for resources a run would not start (up to date in the state file):
    // they take no time. `plan` must be free of validation errors.
    Forecaster(const Plan &plan, std::vector<Estimate> estimates, std::vector<bool> willRun);
    ~Forecaster();
    Forecaster(const Forecaster &) = delete;
    Forecaster &operator=(const Forecaster &) = delete;

    // `samples` simulated runs at `parallelism`; the same seed gives the same forecast.
    Forecast forecast(int parallelism, int samples, quint64 seed) const;
    // One forecast per limit, computed on every core (mapOnPool); in the order given.
    QList<Forecast> sweep(const QList<int> &parallelisms, int samples, quint64 seed) const;
    // The smallest limit beyond which the median makespan gains less than `gain` (5%) at any
    // larger limit of the sweep; the last limit when every step still gains.
    static int knee(const QList<Forecast> &sweep, double gain = 0.05);

    // Where a run is now, for forecasting what is left of it.
    struct Progress
    {
        qint64 nowMs = 0;                    // time since the run started
        std::vector<ResourceState> states;   // per resource
        std::vector<qint64> runningSinceMs;  // when its current attempt started (Running), else -1
        std::vector<int> attemptsMade;       // attempts so far
    };
    // The run's total makespan from its start (the part already run included), forecast from
    // where it is: final resources take no more time, a running one at least what it has run.
    Forecast remaining(const Progress &progress, int parallelism, int samples, quint64 seed) const;

private:
    struct Model;
    std::unique_ptr<Model> m_model;
};

} // namespace fanout
