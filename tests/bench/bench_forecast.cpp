// Forecasts: how fast, and how right.
//
// Speed: a forecast of a 2,000-resource deployment-like random DAG (tests/bench/randomdag.h), 200
// simulated runs at each of 16 parallelism limits (a sweep, on every core), should take under 1 s
// on a 2-core machine. Every resource has a learned-like estimate: 20 observations around its
// duration, a 2% failure odds and 3 attempts with backoff, so retries are simulated too.

#include "engine/forecast/estimate.h"
#include "engine/forecast/forecaster.h"
#include "randomdag.h"

#include <QElapsedTimer>
#include <QThreadPool>

#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

void speed()
{
    const int size = 2000;
    const int samples = 200;
    const QList<int> limits = {1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56, 64};
    std::vector<Estimate> estimates;
    Plan plan = bench::randomDag({size, 3, 40}, 2026, QStringLiteral("sim"), [&](Resource &resource, QRandomGenerator &random) {
        const qint64 ms = bench::cloudLikeDurationMs(random);
        Estimate e;
        e.source = Estimate::Source::Definition;
        e.ms = ms;
        for (int i = 0; i < 20; ++i)
            e.observedMs.push_back(qint64(double(ms) * (0.8 + 0.4 * random.generateDouble())));
        e.lowMs = ms * 85 / 100;
        e.highMs = ms * 115 / 100;
        e.samples = 20;
        e.failureOdds = 0.02;
        estimates.push_back(e);
        resource.retry.maxAttempts = 3;
        resource.retry.jitter = 0.2;
    });
    const std::vector<bool> willRun(size, true);

    QElapsedTimer setup;
    setup.start();
    const Forecaster forecaster(plan, estimates, willRun);
    const double setupMs = double(setup.nsecsElapsed()) / 1e6;

    QElapsedTimer one;
    one.start();
    const Forecast single = forecaster.forecast(10, samples, 1);
    const double oneMs = double(one.nsecsElapsed()) / 1e6;

    double bestMs = 1e18;
    double worstMs = 0;
    QList<Forecast> sweep;
    for (int repeat = 0; repeat < 5; ++repeat) {
        QElapsedTimer timer;
        timer.start();
        sweep = forecaster.sweep(limits, samples, quint64(repeat + 1));
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        bestMs = std::min(bestMs, ms);
        worstMs = std::max(worstMs, ms);
    }
    std::printf("Speed: %d resources, %d samples at each of %lld limits, on %d threads\n", size, samples,
                qlonglong(limits.size()), QThreadPool::globalInstance()->maxThreadCount());
    std::printf("  setup %.1f ms; one forecast (-j 10, 1 core) %.1f ms = %.1f us per simulated run\n", setupMs, oneMs,
                1000.0 * oneMs / samples);
    std::printf("  sweep of %lld limits: best %.0f ms, worst %.0f ms of 5 (target: under 1000 ms)\n",
                qlonglong(limits.size()), bestMs, worstMs);
    std::printf("  -j 10: median %.1f min (p10 %.1f, p90 %.1f); critical path %.1f min over %lld resources\n",
                double(single.medianMs) / 60000, double(single.p10Ms) / 60000, double(single.p90Ms) / 60000,
                double(single.criticalPathMs) / 60000, qlonglong(single.criticalPath.size()));
    std::printf("  %6s %10s %10s %10s\n", "limit", "p10 min", "median", "p90");
    for (const Forecast &f : sweep)
        std::printf("  %6d %10.1f %10.1f %10.1f\n", f.parallelism, double(f.p10Ms) / 60000, double(f.medianMs) / 60000,
                    double(f.p90Ms) / 60000);
    std::printf("  knee: -j %d\n", Forecaster::knee(sweep));
}

} // namespace

int main()
{
    speed();
    return 0;
}
