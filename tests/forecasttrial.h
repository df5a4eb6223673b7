#pragma once

// One accuracy trial of the forecast, for tst_forecast (one trial) and bench_forecast (twenty):
// the demo plan is really run 3 times with different seeds (Deployment, sim executor, in-memory
// state), each run recorded in a temporary RunHistory; LearnedEstimates learns from them, the
// Forecaster forecasts, and a 4th real run gives the actual makespan.
//
// Time is scaled: every duration of the demo (attempts, retry backoffs, estimates, timeouts) is
// divided by `speedUp` (10: the 19 s demo runs in about 2 s), so that 80 real runs fit in a
// benchmark. Fixed costs of a real run (timers, threads) do not shrink with it, so a scaled run is,
// if anything, harder to forecast than the real demo.

#include "engine/executors/executorregistry.h"
#include "engine/forecast/forecaster.h"
#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "engine/run/scheduler.h"
#include "engine/support/duration.h"

#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <memory>

namespace fanout::trial {

// "2s" divided by `by`, as "200ms".
inline nlohmann::ordered_json scaled(const nlohmann::ordered_json &value, int by)
{
    if (value.is_array()) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto &item : value)
            list.push_back(scaled(item, by));
        return list;
    }
    if (!value.is_string())
        return value;
    const Expected<qint64> ms = parseDuration(QString::fromStdString(value.get<std::string>()));
    return ms ? nlohmann::ordered_json(QStringLiteral("%1ms").arg(std::max<qint64>(1, *ms / by)).toStdString()) : value;
}

inline void scaleDurations(nlohmann::ordered_json &object, int by)
{
    for (const char *key : {"duration", "estimate", "timeout", "initial", "max"}) {
        if (object.contains(key))
            object[key] = scaled(object[key], by);
    }
    for (const char *key : {"retry", "backoff"}) {
        if (object.contains(key) && object[key].is_object())
            scaleDurations(object[key], by);
    }
}

// The built-in demo with every duration divided by `speedUp`.
inline Plan scaledDemo(int speedUp)
{
    QFile file(QStringLiteral(":/plans/demo.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(file.readAll().toStdString());
    if (document.contains("defaults"))
        scaleDurations(document["defaults"], speedUp);
    for (auto &resource : document["resources"])
        scaleDurations(resource, speedUp);
    return PlanReader::readJson(document, ExecutorRegistry::builtIn()).plan;
}

// Runs `plan` once per seed, all at once (sim attempts wait on timers, not on cores), each recorded
// in its history (`histories[i]` for `seeds[i]`, or none); returns the makespans in the order of
// the seeds (-1: did not finish).
inline QList<qint64> runConcurrently(const Plan &plan, const QList<quint64> &seeds, const QList<RunHistory *> &histories = {})
{
    std::vector<std::unique_ptr<Deployment>> deployments;
    QEventLoop loop;
    int running = 0;
    for (const quint64 seed : seeds) {
        auto deployment = std::make_unique<Deployment>(ExecutorRegistry::builtIn());
        deployment->open(plan, QStringLiteral("demo (scaled)"), QString());
        deployment->setSeed(seed);
        QObject::connect(deployment.get(), &Deployment::runFinished, &loop, [&] {
            if (--running == 0)
                loop.quit();
        });
        deployments.push_back(std::move(deployment));
    }
    for (auto &deployment : deployments)
        running += deployment->startAll() ? 1 : 0;
    if (running > 0) {
        QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    QList<qint64> makespans;
    for (std::size_t i = 0; i < deployments.size(); ++i) {
        makespans.append(deployments[i]->scheduler().isRunning() ? -1 : deployments[i]->elapsedMs());
        if (qsizetype(i) < histories.size() && histories[qsizetype(i)])
            makespans.last() = histories[qsizetype(i)]->record(QStringLiteral("run"), deployments[i]->report(), deployments[i]->plan())
                                   ? makespans.last() : -1;
    }
    return makespans;
}

struct Result
{
    Forecast forecast;
    qint64 actualMs = -1;
    bool inRange() const { return actualMs >= forecast.p10Ms && actualMs <= forecast.p90Ms; }
    double medianError() const { return actualMs > 0 ? double(forecast.medianMs - actualMs) / double(actualMs) : 1.0; }
};

// Trials side by side, one per base seed, each with its own history in `folder`: 3 recorded runs
// with seeds base+1..base+3, a forecast learned from them (200 samples at the plan's limit), and
// the actual makespan of a 4th run with seed base+4.
inline QList<Result> run(const Plan &plan, const QList<quint64> &bases, const QString &folder)
{
    std::vector<std::unique_ptr<RunHistory>> histories;
    QList<quint64> seeds;
    QList<RunHistory *> recordIn;
    for (const quint64 base : bases) {
        histories.push_back(std::make_unique<RunHistory>(QStringLiteral("%1/history-%2.sqlite").arg(folder).arg(base)));
        for (quint64 k = 1; k <= 3; ++k) {
            seeds.append(base + k);
            recordIn.append(histories.back().get());
        }
    }
    runConcurrently(plan, seeds, recordIn);
    QList<Result> results;
    QList<quint64> finalSeeds;
    for (qsizetype t = 0; t < bases.size(); ++t) {
        Result result;
        const Expected<std::vector<Estimate>> estimates = LearnedEstimates::learn(histories[std::size_t(t)].get(), plan, ExecutorRegistry::builtIn());
        if (estimates) {
            const Forecaster forecaster(plan, *estimates, std::vector<bool>(plan.resources.size(), true));
            result.forecast = forecaster.forecast(plan.parallelism, 200, bases[t]);
        }
        results.append(result);
        finalSeeds.append(bases[t] + 4);
    }
    const QList<qint64> actual = runConcurrently(plan, finalSeeds);
    for (qsizetype t = 0; t < results.size(); ++t)
        results[t].actualMs = actual[t];
    return results;
}

} // namespace fanout::trial
