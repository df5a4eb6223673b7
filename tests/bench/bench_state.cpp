// What recording the state file costs a run. A 10,000-resource random DAG of zero-duration sim
// resources runs at -j 8 through the Deployment, once keeping its state in memory only and once
// with a state file, so that everything measured is overhead: the scheduler's bookkeeping, and the
// state writes on top of it. The state's share of the run's overhead should stay under 5%.

#include "engine/executors/executorregistry.h"
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

struct Measured
{
    double runMs = 0;
    double recorderMs = 0; // inside the state recorder, as it counts itself
    double snapshotMs = 0; // one more compaction of the whole state, after the run
};

// One run of `plan` from an empty state; `statePath` empty keeps it in memory.
Measured runOnce(const Plan &plan, const QString &statePath)
{
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(plan, QStringLiteral("bench"), statePath);
    deployment.setSeed(1);
    QEventLoop loop;
    QObject::connect(&deployment, &Deployment::runFinished, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    if (!deployment.start()) {
        std::printf("  the run did not start\n");
        std::exit(1);
    }
    if (deployment.isRunning())
        loop.exec();
    Measured measured;
    measured.runMs = double(clock.nsecsElapsed()) / 1e6;
    measured.recorderMs = double(deployment.stateRecordingNs()) / 1e6;
    if (!statePath.isEmpty()) {
        QElapsedTimer snapshot;
        snapshot.start();
        (void)deployment.saveState();
        measured.snapshotMs = double(snapshot.nsecsElapsed()) / 1e6;
    }
    if (deployment.count(ResourceState::Succeeded) != plan.resources.size()) {
        std::printf("  only %d of %lld succeeded\n", deployment.count(ResourceState::Succeeded), qlonglong(plan.resources.size()));
        std::exit(1);
    }
    return measured;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int resources = argc > 1 ? std::atoi(argv[1]) : 10'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    Plan plan = bench::randomDag({resources, 3, 50}, 42, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &) {
        r.params["duration"] = 0;
    });
    plan.parallelism = 8;
    std::printf("State recording: %d zero-duration sim resources, random DAG, -j 8, %d rounds\n", resources, rounds);

    std::vector<double> inMemory;
    std::vector<double> withFile;
    std::vector<double> recorder;
    qint64 bytes = 0;
    for (int round = 0; round < rounds; ++round) {
        inMemory.push_back(runOnce(plan, QString()).runMs);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bench.fanout-state.json"));
        const Measured measured = runOnce(plan, path);
        withFile.push_back(measured.runMs);
        recorder.push_back(measured.recorderMs);
        bytes = QFileInfo(path).size();
        std::printf("  round %d: in memory %8.1f ms, with a state file %8.1f ms (%5.1f ms of it recording); a snapshot of it all "
                    "takes %5.1f ms\n", round + 1, inMemory.back(), withFile.back(), recorder.back(), measured.snapshotMs);
    }
    const double overhead = median(inMemory);
    const double file = median(withFile);
    const double recording = median(recorder);
    std::printf("  run overhead (in memory):           %8.1f ms (median)\n", overhead);
    std::printf("  run with a state file:              %8.1f ms (median), state file %lld KiB\n", file, qlonglong(bytes / 1024));
    std::printf("  time spent writing state (file - in memory): %8.1f ms = %.1f%% of the run's overhead (target: under 5%%)\n",
                file - overhead, 100.0 * (file - overhead) / overhead);
    std::printf("  time inside the state recorder:     %8.1f ms = %.1f%% of the run's overhead\n", recording, 100.0 * recording / overhead);
    return 0;
}
