// What recording a run in the run history costs. A 500-resource random DAG of sim resources, each
// writing 20 log lines (10,000 in all), runs through the Deployment; then, as the dashboard does,
// the journal's excerpt is taken on the run's thread (every event, the log lines' text read back
// from the journal's file) and recorded (one transaction: the run, its attempts, its plan, its
// report and every event) into a fresh history and into one that already holds 50 such runs.

#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "randomdag.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    bench::DagShape shape;
    shape.resources = 500;
    const Plan plan = bench::randomDag(shape, 14, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &) {
        r.params = {{"duration", "2ms"}, {"log_lines", 20}};
    });
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(plan, QStringLiteral("bench"), QString());
    deployment.setSeed(1);
    deployment.setParallelism(50);
    QEventLoop loop;
    QObject::connect(&deployment, &Deployment::runFinished, &loop, &QEventLoop::quit);
    if (!deployment.start()) {
        std::printf("  the run did not start\n");
        return 1;
    }
    loop.exec();
    const Journal &journal = deployment.journal();
    qint64 logLines = 0;
    for (std::size_t i = 0; i < journal.size(); ++i)
        logLines += journal.entry(i).kind == RunEvent::Kind::Log;
    std::printf("bench_historyrecord: a run of %lld resources, %zu journal events, %lld log lines\n", qint64(plan.resources.size()),
                journal.size(), logLines);

    QTemporaryDir dir;
    const nlohmann::ordered_json report = deployment.report();
    std::vector<double> excerptMs, freshMs, fullMs;
    constexpr int kRounds = 5;
    for (int round = 0; round < kRounds; ++round) {
        QElapsedTimer clock;
        clock.start();
        const RunHistory::JournalExcerpt excerpt = RunHistory::excerpt(journal);
        excerptMs.push_back(double(clock.nsecsElapsed()) / 1e6);

        RunHistory fresh(dir.filePath(QStringLiteral("fresh-%1.sqlite").arg(round)));
        if (!fresh.open()) {
            std::printf("  cannot open the history\n");
            return 1;
        }
        clock.restart();
        if (!fresh.record(QStringLiteral("run"), report, plan, excerpt)) {
            std::printf("  cannot record\n");
            return 1;
        }
        freshMs.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    RunHistory full(dir.filePath(QStringLiteral("full.sqlite")));
    const RunHistory::JournalExcerpt excerpt = RunHistory::excerpt(journal);
    for (int run = 0; run < 50; ++run) {
        QElapsedTimer clock;
        clock.start();
        if (!full.record(QStringLiteral("run"), report, plan, excerpt)) {
            std::printf("  cannot record\n");
            return 1;
        }
        if (run >= 45)
            fullMs.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::printf("  the journal's excerpt (on the run's thread):      %7.1f ms (median of %d)\n", median(excerptMs), kRounds);
    std::printf("  recording it in a new history (its own thread):  %7.1f ms (median of %d; opening excluded)\n", median(freshMs), kRounds);
    std::printf("  recording it in a history of 45-50 such runs:    %7.1f ms (median of 5)\n", median(fullMs));
    std::printf("  the history of 50 runs: %.1f MB (%.0f kB a run)\n", double(QFileInfo(full.path()).size()) / 1e6,
                double(QFileInfo(full.path()).size()) / 1e3 / 50);
    return 0;
}
