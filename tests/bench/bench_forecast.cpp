// Forecasts: how fast, and how right.
//
// Speed: a forecast of a 2,000-resource deployment-like random DAG (tests/bench/randomdag.h), 200
// simulated runs at each of 16 parallelism limits (a sweep, on every core), should take under 1 s
// on a 2-core machine. Every resource has a learned-like estimate: 20 observations around its
// duration, a 2% failure odds and 3 attempts with backoff, so retries are simulated too. Besides
// the wall time (which other processes on the machine lengthen), the processor time of the sweep
// on all threads: divided by the cores, what an idle machine would take.
//
// Accuracy (the check, 20 times): in each trial the demo plan runs 3 times for real with
// different seeds, recorded in a fresh run history; the forecast learned from them is compared
// with the actual makespan of a 4th run. The p10-p90 range should hold the actual in at least 16
// of 20 trials, and the median be within 10% of it. Every duration of the demo is divided by 10
// (tests/forecasttrial.h) so that the 80 real runs take about a minute; trials run 5 at a time.

#include "engine/forecast/estimate.h"
#include "engine/forecast/forecaster.h"
#include "../forecasttrial.h"
#include "randomdag.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThreadPool>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

double cpuMsNow()
{
    struct rusage usage = {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

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
    double bestCpuMs = 1e18;
    QList<Forecast> sweep;
    for (int repeat = 0; repeat < 5; ++repeat) {
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = cpuMsNow();
        sweep = forecaster.sweep(limits, samples, quint64(repeat + 1));
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        bestCpuMs = std::min(bestCpuMs, cpuMsNow() - cpuBefore);
        bestMs = std::min(bestMs, ms);
        worstMs = std::max(worstMs, ms);
    }
    double load[1] = {0};
    getloadavg(load, 1);
    std::printf("Speed: %d resources, %d samples at each of %lld limits, on %d threads\n", size, samples,
                qlonglong(limits.size()), QThreadPool::globalInstance()->maxThreadCount());
    std::printf("  setup %.1f ms; one forecast (-j 10, 1 core) %.1f ms = %.1f us per simulated run\n", setupMs, oneMs,
                1000.0 * oneMs / samples);
    std::printf("  sweep of %lld limits: best %.0f ms, worst %.0f ms of 5 (target: under 1000 ms); load average %.1f\n",
                qlonglong(limits.size()), bestMs, worstMs, load[0]);
    std::printf("  processor time of the best sweep on all threads: %.0f ms, %.0f ms per core of 2\n", bestCpuMs, bestCpuMs / 2);
    std::printf("  -j 10: median %.1f min (p10 %.1f, p90 %.1f); critical path %.1f min over %lld resources\n",
                double(single.medianMs) / 60000, double(single.p10Ms) / 60000, double(single.p90Ms) / 60000,
                double(single.criticalPathMs) / 60000, qlonglong(single.criticalPath.size()));
    std::printf("  %6s %10s %10s %10s\n", "limit", "p10 min", "median", "p90");
    for (const Forecast &f : sweep)
        std::printf("  %6d %10.1f %10.1f %10.1f\n", f.parallelism, double(f.p10Ms) / 60000, double(f.medianMs) / 60000,
                    double(f.p90Ms) / 60000);
    std::printf("  knee: -j %d\n", Forecaster::knee(sweep));
}

void accuracy()
{
    const int speedUp = 10;
    const int trials = 20;
    const int together = 5;
    const Plan plan = trial::scaledDemo(speedUp);
    QTemporaryDir folder;
    QList<trial::Result> results;
    QElapsedTimer timer;
    timer.start();
    for (int first = 0; first < trials; first += together) {
        QList<quint64> bases;
        for (int t = first; t < std::min(trials, first + together); ++t)
            bases.append(quint64(1000 + 10 * t));
        results += trial::run(plan, bases, folder.path());
    }
    std::printf("\nAccuracy: the demo (durations / %d), 3 recorded runs, forecast, then a 4th run; %d trials in %.0f s\n",
                speedUp, trials, double(timer.elapsed()) / 1000);
    std::printf("  %5s %9s %9s %9s %9s %8s %s\n", "trial", "actual", "p10", "median", "p90", "error", "in p10-p90");
    int hits = 0;
    int within10 = 0;
    std::vector<double> errors;
    for (int t = 0; t < int(results.size()); ++t) {
        const trial::Result &r = results[t];
        hits += r.inRange();
        within10 += std::abs(r.medianError()) <= 0.10;
        errors.push_back(std::abs(r.medianError()));
        std::printf("  %5d %7lldms %7lldms %7lldms %7lldms %+7.1f%% %s\n", t + 1, qlonglong(r.actualMs), qlonglong(r.forecast.p10Ms),
                    qlonglong(r.forecast.medianMs), qlonglong(r.forecast.p90Ms), 100 * r.medianError(), r.inRange() ? "yes" : "NO");
    }
    std::sort(errors.begin(), errors.end());
    std::printf("  the range held the actual in %d of %d trials (%.0f%%; target: at least 80%%)\n", hits, trials,
                100.0 * hits / trials);
    std::printf("  the median within 10%% of the actual in %d of %d; median error %.1f%%, worst %.1f%%\n", within10, trials,
                100 * errors[errors.size() / 2], 100 * errors.back());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv); // the accuracy trials run real deployments
    speed();
    accuracy();
    return 0;
}
