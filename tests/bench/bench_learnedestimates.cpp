// Learned estimates: what they are worth, and what learning them costs.
//
// 1. Makespan with history (issue 14): a plan of real `command` resources (sleeps of varied
//    lengths, no `estimate` fields) is run 3 times at a limit of 4, each run recorded in a run
//    history. A 4th run is then made twice: without history (every command is estimated at the
//    executor's default, so longest-path-first counts resources rather than seconds) and with the
//    learned estimates. Each makespan is divided by that run's lower bound, max(critical path,
//    total work / 4), from the durations measured in the run itself; 1.00 is optimal.
// 2. Speed: LearnedEstimates::learn() for a 2,000-resource plan with 20 recorded runs.

#include "engine/executors/executorregistry.h"
#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

constexpr int kLimit = 4;

json sleeper(const QString &id, double seconds, const QStringList &dependsOn = {})
{
    json deps = json::array();
    for (const QString &d : dependsOn)
        deps.push_back(d.toStdString());
    return {{"id", id.toStdString()},
            {"type", "command"},
            {"command", json::array({"sleep", QString::number(seconds, 'f', 2).toStdString()})},
            {"depends_on", deps}};
}

// A few long chains of few resources (a database, a cache, a search cluster and what follows
// each) and many short chains of many quick resources (DNS records, config, IAM...): by count of
// resources the short chains look longest, by seconds the long ones are.
Plan sleepPlan()
{
    json resources = json::array();
    const struct { const char *name; double head; double tail; } longChains[] = {
        {"db", 4.0, 1.5}, {"cache", 3.0, 1.0}, {"search", 2.5, 1.5}};
    for (const auto &chain : longChains) {
        const QString head = QString::fromLatin1(chain.name);
        resources.push_back(sleeper(head, chain.head));
        resources.push_back(sleeper(head + QStringLiteral("-ready"), chain.tail, {head}));
    }
    // Six short chains of four, 0.2-0.5 s each (varied, fixed).
    const double shortSeconds[] = {0.2, 0.3, 0.4, 0.5, 0.3, 0.2};
    for (int c = 0; c < 6; ++c) {
        QString previous;
        for (int k = 0; k < 4; ++k) {
            const QString id = QStringLiteral("small-%1-%2").arg(c).arg(k);
            resources.push_back(sleeper(id, shortSeconds[(c + k) % 6], previous.isEmpty() ? QStringList() : QStringList{previous}));
            previous = id;
        }
    }
    // Plan order puts the short chains first, as a file written top-down often does.
    json ordered = json::array();
    for (size_t i = 6; i < resources.size(); ++i)
        ordered.push_back(resources[i]);
    for (size_t i = 0; i < 6; ++i)
        ordered.push_back(resources[i]);
    const PlanReadResult read = PlanReader::readJson({{"name", "sleeps"}, {"parallelism", kLimit}, {"resources", ordered}},
                                                     ExecutorRegistry::builtIn());
    if (read.hasErrors())
        qFatal("the benchmark's plan has errors: %s", qPrintable(read.diagnostics.constFirst().message));
    return read.plan;
}

struct Measured
{
    qint64 makespanMs = 0;
    qint64 lowerBoundMs = 0;
    json report;
};

// Runs the whole plan once (a fresh in-memory state) with these estimates (empty: none learned).
Measured runOnce(const Plan &plan, const std::vector<qint64> &estimates)
{
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(plan, QStringLiteral("sleeps.json"), QString());
    deployment.setParallelism(kLimit);
    if (!estimates.empty())
        deployment.setEstimates(estimates);
    QEventLoop loop;
    QObject::connect(&deployment, &Deployment::runFinished, &loop, &QEventLoop::quit);
    if (!deployment.provision({{}, true, true}))
        qFatal("the benchmark's run did not start");
    loop.exec();
    Measured measured;
    measured.report = deployment.report();
    measured.makespanMs = measured.report.value("duration_ms", qint64(0));
    // The lower bound from what each resource took in this run.
    std::vector<qint64> took(size_t(plan.resources.size()), 0);
    for (const json &resource : measured.report["resources"]) {
        const int index = plan.indexOf(QString::fromStdString(resource["id"].get<std::string>()));
        for (const json &attempt : resource["attempts"]) {
            if (index >= 0 && attempt["end_ms"].is_number())
                took[size_t(index)] += attempt["end_ms"].get<qint64>() - attempt["start_ms"].get<qint64>();
        }
    }
    qint64 work = 0;
    for (const qint64 ms : took)
        work += ms;
    const std::vector<qint64> paths = PlanGraph(plan).remainingPathLengths(took);
    const qint64 critical = paths.empty() ? 0 : *std::max_element(paths.begin(), paths.end());
    measured.lowerBoundMs = std::max(critical, (work + kLimit - 1) / kLimit);
    return measured;
}

void makespanWithHistory(const QString &historyPath)
{
    const Plan plan = sleepPlan();
    RunHistory history(historyPath);
    std::printf("Makespan with history: %lld command resources (sleeps), limit %d\n", qint64(plan.resources.size()), kLimit);
    for (int run = 1; run <= 3; ++run) {
        const Measured measured = runOnce(plan, {});
        if (const Expected<qint64> recorded = history.record(QStringLiteral("run"), measured.report, plan); !recorded)
            qFatal("cannot record: %s", qPrintable(recorded.error()));
        std::printf("  recorded run %d: makespan %6.2f s, lower bound %6.2f s\n", run, measured.makespanMs / 1000.0,
                    measured.lowerBoundMs / 1000.0);
    }
    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, plan, ExecutorRegistry::builtIn());
    if (!learned)
        qFatal("cannot learn: %s", qPrintable(learned.error()));
    const Measured without = runOnce(plan, {});
    const Measured with = runOnce(plan, LearnedEstimates::durations(*learned));
    std::printf("  4th run without history: makespan %6.2f s, lower bound %6.2f s, ratio %.2f\n", without.makespanMs / 1000.0,
                without.lowerBoundMs / 1000.0, double(without.makespanMs) / double(std::max<qint64>(1, without.lowerBoundMs)));
    std::printf("  4th run with history:    makespan %6.2f s, lower bound %6.2f s, ratio %.2f\n", with.makespanMs / 1000.0,
                with.lowerBoundMs / 1000.0, double(with.makespanMs) / double(std::max<qint64>(1, with.lowerBoundMs)));
}

// A report of one run of `plan` in which resource r took 100 + (r * 37 + run * 11) % 900 ms, and
// every tenth resource failed once first.
json syntheticReport(const Plan &plan, int run)
{
    json resources = json::array();
    for (qsizetype r = 0; r < plan.resources.size(); ++r) {
        const qint64 took = 100 + (r * 37 + run * 11) % 900;
        json attempts = json::array();
        int number = 1;
        if (r % 10 == 0)
            attempts.push_back({{"number", number++}, {"ready_ms", 0}, {"start_ms", 0}, {"end_ms", 50}, {"outcome", "failed"}, {"error", "boom"}});
        attempts.push_back({{"number", number}, {"ready_ms", 60}, {"start_ms", 60}, {"end_ms", 60 + took}, {"outcome", "succeeded"},
                            {"error", nullptr}});
        resources.push_back({{"id", plan.resources[r].id.toStdString()}, {"attempts", attempts}});
    }
    return {{"fanout_version", "bench"},
            {"plan", {{"name", plan.name.toStdString()}, {"file", "big.json"}}},
            {"settings", {{"parallelism", 16}, {"fail_fast", false}}},
            {"started_at", "2026-12-04T10:00:00.000Z"},
            {"duration_ms", 1000},
            {"outcome", "succeeded"},
            {"resources", resources}};
}

Plan bigPlan(int size, const QString &variant)
{
    json resources = json::array();
    for (int r = 0; r < size; ++r) {
        json resource = sleeper(QStringLiteral("r%1").arg(r), 0.01 * (r % 7));
        resource["command"].push_back(variant.toStdString()); // another definition for another variant
        if (r >= 10)
            resource["depends_on"] = json::array({QStringLiteral("r%1").arg(r / 10).toStdString()});
        resources.push_back(resource);
    }
    return PlanReader::readJson({{"name", "big"}, {"resources", resources}}, ExecutorRegistry::builtIn()).plan;
}

void learnSpeed(const QString &historyPath)
{
    constexpr int kSize = 2000;
    constexpr int kRuns = 20;
    const Plan plan = bigPlan(kSize, QStringLiteral("first"));
    RunHistory history(historyPath);
    QElapsedTimer clock;
    clock.start();
    for (int run = 0; run < kRuns; ++run) {
        if (const Expected<qint64> recorded = history.record(QStringLiteral("run"), syntheticReport(plan, run), plan); !recorded)
            qFatal("cannot record: %s", qPrintable(recorded.error()));
    }
    std::printf("Learning: %d resources, %d recorded runs (%d attempts; recorded in %lld ms)\n", kSize, kRuns,
                kRuns * (kSize + kSize / 10), clock.elapsed());
    // Every definition known; every definition changed (the resource level answers); a plan of
    // another name whose resources are all new to it (the type level answers).
    Plan renamed = bigPlan(kSize, QStringLiteral("changed"));
    renamed.name = QStringLiteral("other");
    const struct { const char *what; Plan plan; } cases[] = {
        {"same definitions (this definition)", plan},
        {"changed definitions (this resource)", bigPlan(kSize, QStringLiteral("changed"))},
        {"another plan, all new (type)", renamed}};
    for (const auto &c : cases) {
        std::vector<qint64> times;
        Estimate::Source source = Estimate::Source::Executor;
        for (int i = 0; i < 5; ++i) {
            RunHistory reader(historyPath); // a fresh connection each time, as a command has
            clock.restart();
            const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&reader, c.plan, ExecutorRegistry::builtIn());
            times.push_back(clock.nsecsElapsed() / 1000);
            if (!learned)
                qFatal("cannot learn: %s", qPrintable(learned.error()));
            source = learned->back().source;
        }
        std::sort(times.begin(), times.end());
        std::printf("  learn(), %-38s median %7.1f ms, best %7.1f ms (last resource: source %d)\n", c.what, times[2] / 1000.0,
                    times[0] / 1000.0, int(source));
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    learnSpeed(dir.filePath(QStringLiteral("big.sqlite")));
    if (!app.arguments().contains(QStringLiteral("--learn-only"))) // the makespans take about 45 s
        makespanWithHistory(dir.filePath(QStringLiteral("sleeps.sqlite")));
    return 0;
}
