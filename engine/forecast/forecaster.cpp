#include "engine/forecast/forecaster.h"

#include "engine/forecast/simulatedrun.h"
#include "engine/plan/plangraph.h"
#include "engine/support/handover.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fanout {

namespace {

const double kHumility = 0.16;

SimulatedResource simulatedResource(const Resource &resource, const Estimate &estimate, bool runs,
                                    std::vector<qint32> &observations)
{
    SimulatedResource simulated;
    simulated.runs = runs && resource.run;
    simulated.estimateMs = std::max<qint64>(0, estimate.ms);
    simulated.lowMs = std::max<qint64>(0, std::min(estimate.lowMs, estimate.highMs));
    simulated.highMs = std::max<qint64>(0, std::max(estimate.lowMs, estimate.highMs));
    simulated.firstObserved = int(observations.size());
    simulated.observedCount = int(estimate.observedMs.size());
    for (const qint64 ms : estimate.observedMs)
        observations.push_back(qint32(std::clamp<qint64>(ms, 0, std::numeric_limits<qint32>::max())));
    if (simulated.observedCount > 0) {
        // A kernel as wide as Silverman's rule of thumb would make it for a normal distribution
        // with this p10-p90 spread: it fills the gaps between a few observations.
        const double spread = double(simulated.highMs - simulated.lowMs);
        const double count = double(simulated.observedCount);
        // A few observations that agree say little about how much the next one may differ: at
        // least a share of the duration that shrinks as observations accumulate (9% for 3, 4% for 20).
        simulated.kernelMs = std::max(spread * std::pow(count, -0.2), kHumility * double(simulated.estimateMs) / std::sqrt(count));
    }
    const double odds = std::clamp(estimate.failureOdds, 0.0, 1.0);
    simulated.failuresPerSuccess = odds >= 0.999 ? 1e9 : odds / (1.0 - odds);
    simulated.retry = resource.retry;
    simulated.retry.maxAttempts = std::max(1, simulated.retry.maxAttempts);
    simulated.timeoutMs = resource.timeoutMs;
    return simulated;
}

// The q-quantile (0..1) of `values` by the nearest rank; reorders them. 0 when empty.
qint64 quantile(std::vector<qint64> &values, double q)
{
    if (values.empty())
        return 0;
    const auto index = std::size_t(std::lround(q * double(values.size() - 1)));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(index), values.end());
    return values[index];
}

} // namespace

struct Forecaster::Model : ForecastModel
{
    using ForecastModel::ForecastModel;
    QList<int> criticalPath;
    qint64 criticalPathMs = 0;

    Forecast simulate(int parallelism, int samples, quint64 seed, const RunSoFar *soFar) const;
};

Forecaster::Forecaster(const Plan &plan, std::vector<Estimate> estimates, std::vector<bool> willRun)
    : m_model(std::make_unique<Model>(plan))
{
    const int n = int(plan.resources.size());
    estimates.resize(n);
    willRun.resize(n, true);
    Model &model = *m_model;
    model.failFast = plan.failFast;
    model.resources.reserve(n);
    model.estimates.resize(n);
    model.groupOf.resize(n);
    std::vector<qint64> runningMs(n, 0);
    for (int r = 0; r < n; ++r) {
        const Resource &resource = plan.resources[r];
        model.resources.push_back(simulatedResource(resource, estimates[r], willRun[r], model.observedMs));
        model.estimates[r] = std::max<qint64>(0, estimates[r].ms);
        model.groupOf[r] = resource.group.isEmpty() ? -1 : plan.groupIndex(resource.group);
        if (model.resources[r].runs)
            runningMs[r] = model.estimates[r];
    }
    for (const Group &group : plan.groups)
        model.groupLimits.push_back(group.limit);
    // The critical path of what would run: what does not run takes no time and is left out of it.
    for (const int r : model.graph.longestPath(runningMs)) {
        if (!model.resources[r].runs)
            continue;
        model.criticalPath.append(r);
        model.criticalPathMs += runningMs[r];
    }
}

Forecaster::~Forecaster() = default;

Forecast Forecaster::Model::simulate(int parallelism, int samples, quint64 seed, const RunSoFar *soFar) const
{
    const int n = graph.size();
    samples = std::max(1, samples);
    Forecast forecast;
    forecast.parallelism = std::max(1, parallelism);
    forecast.samples = samples;
    forecast.criticalPath = criticalPath;
    forecast.criticalPathMs = criticalPathMs;

    SimulatedRun run(*this, forecast.parallelism);
    std::vector<qint64> makespans(samples);
    // Per sample, then per resource: its start and end in each run (-1: it did not run), written
    // in the order they come and in 32 bits (24 days), for the cache's sake: the simulation's own
    // data must stay in it.
    std::vector<qint32> starts(std::size_t(n) * std::size_t(samples));
    std::vector<qint32> ends(starts.size());
    const auto narrow = [](qint64 ms) { return qint32(std::min<qint64>(ms, std::numeric_limits<qint32>::max())); };
    for (int s = 0; s < samples; ++s) {
        makespans[s] = run.run(seed, s, soFar);
        std::transform(run.startMs().begin(), run.startMs().end(), starts.begin() + std::ptrdiff_t(s) * n, narrow);
        std::transform(run.endMs().begin(), run.endMs().end(), ends.begin() + std::ptrdiff_t(s) * n, narrow);
    }
    forecast.p10Ms = quantile(makespans, 0.1);
    forecast.medianMs = quantile(makespans, 0.5);
    forecast.p90Ms = quantile(makespans, 0.9);

    forecast.startMs.assign(n, -1);
    forecast.endMs.assign(n, -1);
    std::vector<qint64> ran;
    ran.reserve(samples);
    for (int r = 0; r < n; ++r) {
        const auto medianOf = [&](const std::vector<qint32> &times) {
            ran.clear();
            for (int s = 0; s < samples; ++s) {
                if (const qint64 t = times[std::size_t(s) * n + r]; t >= 0)
                    ran.push_back(t);
            }
            return ran.empty() ? qint64(-1) : quantile(ran, 0.5);
        };
        forecast.startMs[r] = medianOf(starts);
        forecast.endMs[r] = forecast.startMs[r] < 0 ? -1 : medianOf(ends);
    }
    return forecast;
}

Forecast Forecaster::forecast(int parallelism, int samples, quint64 seed) const
{
    return m_model->simulate(parallelism, samples, seed, nullptr);
}

QList<Forecast> Forecaster::sweep(const QList<int> &parallelisms, int samples, quint64 seed) const
{
    return mapOnPool(*QThreadPool::globalInstance(), parallelisms,
                     [this, samples, seed](const int &parallelism) { return forecast(parallelism, samples, seed); });
}

int Forecaster::knee(const QList<Forecast> &sweep, double gain)
{
    QList<Forecast> sorted = sweep;
    std::sort(sorted.begin(), sorted.end(), [](const Forecast &a, const Forecast &b) { return a.parallelism < b.parallelism; });
    for (int i = 0; i < sorted.size(); ++i) {
        const double floor = double(sorted[i].medianMs) * (1.0 - gain);
        bool gainsLater = false;
        for (int j = i + 1; j < sorted.size() && !gainsLater; ++j)
            gainsLater = double(sorted[j].medianMs) < floor;
        if (!gainsLater)
            return sorted[i].parallelism;
    }
    return 0;
}

Forecast Forecaster::remaining(const Progress &progress, int parallelism, int samples, quint64 seed) const
{
    const std::size_t n = std::size_t(m_model->graph.size());
    if (progress.states.size() != n || progress.runningSinceMs.size() != n || progress.attemptsMade.size() != n)
        return forecast(parallelism, samples, seed);
    const RunSoFar soFar{progress.nowMs, &progress.states, &progress.runningSinceMs, &progress.attemptsMade};
    Forecast result = m_model->simulate(parallelism, samples, seed, &soFar);
    // What is over takes no more time: only what is running or still to run gets a bar.
    for (std::size_t r = 0; r < n; ++r) {
        if (isFinal(progress.states[r]))
            result.startMs[r] = result.endMs[r] = -1;
    }
    return result;
}

} // namespace fanout
