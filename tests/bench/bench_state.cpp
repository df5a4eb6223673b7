// What recording the state file costs a run. A 10,000-resource random DAG of zero-duration sim
// resources runs at -j 8 through the Deployment, once keeping its state in memory only and once
// with a state file, so that everything measured is overhead: the scheduler's bookkeeping, and the
// state writes on top of it. The state's share of the run's overhead should stay under 5%. It also
// prints the difference of the two runs' wall times, and of the processor time of all threads
// until the snapshot is on disk, which hold what the background thread does, and noise.

#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "randomdag.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

struct Measured
{
    double runMs = 0;
    double recorderMs = 0; // inside the state recorder, as it counts itself
    double journalMs = 0;  // of it, writing the journal: what a state file adds on the run's thread
    double foldMs = 0;     // the snapshot at the end, on the journal's background thread
    double snapshotMs = 0; // from the run's end until its snapshot is on disk (written in the background)
    double cpuMs = 0;      // the process's processor time on all threads, from the start until the snapshot is on disk
};

double cpuMsNow()
{
    struct rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](timeval t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// One run of `plan` from an empty state; `statePath` empty keeps it in memory.
Measured runOnce(const Plan &plan, const QString &statePath)
{
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(plan, QStringLiteral("bench"), statePath);
    deployment.setSeed(1);
    QEventLoop loop;
    QObject::connect(&deployment, &Deployment::runFinished, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    const double cpuAtStart = cpuMsNow();
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
        if (!deployment.waitForState()) {
            std::printf("  the state was not saved: %s\n", qPrintable(deployment.stateSaveError()));
            std::exit(1);
        }
        measured.snapshotMs = double(snapshot.nsecsElapsed()) / 1e6;
        measured.journalMs = double(deployment.stateJournalNs()) / 1e6;
        measured.foldMs = double(deployment.stateFoldNs()) / 1e6;
    }
    measured.cpuMs = cpuMsNow() - cpuAtStart;
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
    std::vector<double> journal;
    std::vector<double> fold;
    std::vector<double> waited;
    std::vector<double> cpuInMemory;
    std::vector<double> cpuWithFile;
    qint64 bytes = 0;
    for (int round = 0; round < rounds; ++round) {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bench.fanout-state.json"));
        // Alternately first, so that neither gains from a warmer machine.
        Measured measured;
        if (round % 2 == 1)
            measured = runOnce(plan, path);
        const Measured memory = runOnce(plan, QString());
        inMemory.push_back(memory.runMs);
        cpuInMemory.push_back(memory.cpuMs);
        if (round % 2 == 0)
            measured = runOnce(plan, path);
        withFile.push_back(measured.runMs);
        cpuWithFile.push_back(measured.cpuMs);
        recorder.push_back(measured.recorderMs);
        journal.push_back(measured.journalMs);
        fold.push_back(measured.foldMs);
        waited.push_back(measured.snapshotMs);
        bytes = QFileInfo(path).size();
        std::printf("  round %d: in memory %7.1f ms; with a state file %7.1f ms, %5.1f ms of it writing the journal; the snapshot "
                    "%5.1f ms in the background, waited for %5.1f ms after the run\n",
                    round + 1, inMemory.back(), withFile.back(), journal.back(), fold.back(), waited.back());
    }
    const double overhead = median(inMemory);
    const double file = median(withFile);
    std::printf("  run overhead (in memory):                    %7.1f ms (median)\n", overhead);
    std::printf("  run with a state file:                       %7.1f ms (median), state file %lld KiB\n", file, qlonglong(bytes / 1024));
    std::printf("  time spent writing state on the run's thread: %6.1f ms = %.1f%% of the run's overhead (target: under 5%%)\n",
                median(journal), 100.0 * median(journal) / overhead);
    std::printf("  difference of the two runs' times:           %7.1f ms = %.1f%% (the above, the background thread's share of the\n"
                "                                               cores, and the machine's noise)\n",
                file - overhead, 100.0 * (file - overhead) / overhead);
    std::printf("  processor time, all threads:                 %7.1f ms in memory, %.1f ms with a state file until it is on\n"
                "                                               disk (the journal, preparing its pages, the snapshot: %.1f%%)\n",
                median(cpuInMemory), median(cpuWithFile), 100.0 * (median(cpuWithFile) - median(cpuInMemory)) / median(cpuInMemory));
    std::printf("  the snapshot after the run:                  %7.1f ms on the journal's background thread, %.1f ms waited for\n",
                median(fold), median(waited));
    std::printf("  the state recorder in all (in memory too):   %7.1f ms = %.1f%% of the run's overhead\n", median(recorder),
                100.0 * median(recorder) / overhead);
    return 0;
}
