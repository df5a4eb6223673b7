// Engine overhead: how much time the scheduler itself costs per resource. A 10,000-resource random
// DAG of zero-duration sim resources runs at -j 8; everything measured is bookkeeping (ready queue,
// journal, mailbox, thread pool hand-offs). Then a plan with 20 targets x 50 resources, with and
// without a rollout (5 targets at a time, a canary wave): what following the rollout costs. For reference, the same machine's cost of a bare
// QtConcurrent loop (run an empty task, hear back on the owning thread, start the next) is
// measured first. Then sleeping attempts all at once (sim and command, 1 s each, -j N): wall time
// and the most threads the process had.

#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"
#include "randomdag.h"
#include "targetsplan.h"
#include "tests/threadsampler.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace fanout;

namespace {

long contextSwitches()
{
    rusage usage = {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_nvcsw + usage.ru_nivcsw;
}

long peakRssMiB()
{
    rusage usage = {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

// N empty tasks, `inFlight` at a time, each completion heard on this thread through a queued
// call, the way the scheduler hears from its attempts.
double bareQtConcurrentMicroseconds(int tasks, int inFlight)
{
    QThreadPool pool;
    pool.setMaxThreadCount(inFlight);
    QEventLoop loop;
    QObject receiver;
    int started = 0;
    int done = 0;
    std::function<void()> startOne = [&] {
        ++started;
        (void)QtConcurrent::run(&pool, [&receiver, &done, &started, &startOne, &loop, tasks] {
            QMetaObject::invokeMethod(&receiver, [&done, &started, &startOne, &loop, tasks] {
                ++done;
                if (started < tasks)
                    startOne();
                if (done == tasks)
                    loop.quit();
            }, Qt::QueuedConnection);
        });
    };
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < inFlight; ++i)
        startOne();
    loop.exec();
    return double(clock.nsecsElapsed()) / 1000.0 / tasks;
}

// `count` independent resources made by `make`, all at once (-j count): the run's wall time and the
// most threads this process had meanwhile (sampled every 5 ms by one more thread, counted).
bool printSleepers(const char *what, int count, const std::function<nlohmann::ordered_json(int)> &make)
{
    nlohmann::ordered_json resources = nlohmann::ordered_json::array();
    for (int i = 0; i < count; ++i)
        resources.push_back(make(i));
    const PlanReadResult read = PlanReader::readJson({{"name", "sleepers"}, {"parallelism", count}, {"resources", resources}},
                                                     ExecutorRegistry::builtIn());
    if (read.hasErrors()) {
        std::printf("  %s: the plan is invalid\n", what);
        return false;
    }
    Scheduler scheduler(ExecutorRegistry::builtIn());
    QEventLoop loop;
    QObject::connect(&scheduler, &Scheduler::finished, &loop, &QEventLoop::quit);
    test::ThreadSampler sampler;
    QElapsedTimer clock;
    clock.start();
    scheduler.start(read.plan);
    if (scheduler.isRunning())
        loop.exec();
    const qint64 ms = clock.elapsed();
    const int peak = sampler.stop();
    std::printf("  %-34s %6lld ms for %d at -j %d, peak %d threads, %d succeeded\n", what, ms, count, count, peak,
                scheduler.count(ResourceState::Succeeded));
    return scheduler.count(ResourceState::Succeeded) == count;
}

// Runs `plan` `rounds` times at -j `parallelism`; the median microseconds per resource, or -1 when
// a run did not succeed whole.
double medianRunMicroseconds(const Plan &plan, int parallelism, int rounds)
{
    std::vector<double> perResource;
    const int n = int(plan.resources.size());
    for (int round = 0; round < rounds; ++round) {
        Scheduler scheduler(ExecutorRegistry::builtIn());
        QEventLoop loop;
        QObject::connect(&scheduler, &Scheduler::finished, &loop, &QEventLoop::quit);
        QElapsedTimer clock;
        clock.start();
        scheduler.start(plan, RunOptions{parallelism, {}, 1, {}, {}, {}, {}});
        if (scheduler.isRunning())
            loop.exec();
        if (scheduler.count(ResourceState::Succeeded) != n)
            return -1;
        perResource.push_back(double(clock.nsecsElapsed()) / 1000.0 / n);
    }
    std::sort(perResource.begin(), perResource.end());
    return perResource[perResource.size() / 2];
}

bool printTargets(int parallelism)
{
    Plan plan = bench::targetsPlan(20, 50, 42, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &) { r.params["duration"] = 0; });
    const int rounds = 15;
    const double without = medianRunMicroseconds(plan, parallelism, rounds);
    Rollout rollout;
    rollout.maxConcurrent = 5;
    rollout.failureTolerance = 2;
    rollout.waves = {{QStringLiteral("t0")}, {QStringLiteral("*")}};
    plan.rollout = rollout;
    const double with = medianRunMicroseconds(plan, parallelism, rounds);
    std::printf("20 targets x 50 resources (%lld with 2 shared), zero-duration sims, -j %d, median of %d runs:\n",
                qint64(plan.resources.size()), parallelism, rounds);
    std::printf("  every target at once (no rollout):   %6.2f us per resource\n", without);
    std::printf("  rollout, 5 at a time, canary wave:   %6.2f us per resource\n", with);
    return without > 0 && with > 0;
}

// What the graph hides by default (a -> c when a -> b -> c): the dashboard computes it once per plan.
void printReduction(const char *what, const Plan &plan)
{
    const PlanGraph graph(plan);
    std::vector<double> ms;
    std::size_t implied = 0;
    for (int round = 0; round < 5; ++round) {
        QElapsedTimer clock;
        clock.start();
        const auto found = graph.impliedDependencies();
        ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        implied = 0;
        for (const auto &list : found)
            implied += list.size();
    }
    std::sort(ms.begin(), ms.end());
    std::size_t edges = 0;
    for (int r = 0; r < graph.size(); ++r)
        edges += graph.dependencies(r).size();
    std::printf("  transitive reduction, %-22s %6.2f ms for %d resources (median of 5), %zu of %zu dependencies implied\n",
                what, ms[2], graph.size(), implied, edges);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int resources = argc > 1 ? std::atoi(argv[1]) : 10'000;
    const int parallelism = 8;
    const int rounds = 5;

    std::printf("Engine overhead: %d zero-duration sim resources, random DAG, -j %d, %d rounds\n", resources, parallelism, rounds);
    double bare = 1e9;
    const long bareSwitchesBefore = contextSwitches();
    for (int round = 0; round < rounds; ++round)
        bare = std::min(bare, bareQtConcurrentMicroseconds(resources, parallelism));
    std::printf("  bare QtConcurrent loop (reference):   %6.2f us per task (best of %d), %.2f context switches per task\n", bare, rounds,
                double(contextSwitches() - bareSwitchesBefore) / resources / rounds);

    const Plan plan = bench::randomDag({resources, 3, 50}, 42, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &) {
        r.params["duration"] = 0;
    });
    const long rssBefore = peakRssMiB();
    std::vector<double> perResource;
    for (int round = 0; round < rounds; ++round) {
        Scheduler scheduler(ExecutorRegistry::builtIn());
        QEventLoop loop;
        QObject::connect(&scheduler, &Scheduler::finished, &loop, &QEventLoop::quit);
        const long switchesBefore = contextSwitches();
        QElapsedTimer clock;
        clock.start();
        scheduler.start(plan, RunOptions{parallelism, {}, 1, {}, {}, {}, {}});
        if (scheduler.isRunning())
            loop.exec();
        const double us = double(clock.nsecsElapsed()) / 1000.0 / resources;
        if (scheduler.count(ResourceState::Succeeded) != resources) {
            std::printf("  run %d: only %d of %d succeeded\n", round, scheduler.count(ResourceState::Succeeded), resources);
            return 1;
        }
        perResource.push_back(us);
        std::printf("  round %d: %6.2f us per resource, %.2f context switches per resource, journal of %zu events\n", round + 1, us,
                    double(contextSwitches() - switchesBefore) / resources, scheduler.journal().size());
    }
    std::sort(perResource.begin(), perResource.end());
    std::printf("  scheduler, start to finished():       %6.2f us per resource (median), %6.2f best (target: under 10)\n",
                perResource[perResource.size() / 2], perResource.front());
    std::printf("  peak memory: %ld MiB (%ld MiB before the runs)\n", peakRssMiB(), rssBefore);
    printReduction("random DAG", plan);
    Plan rooted = plan; // and every resource also waiting for the first, as a VPC: most of those are implied
    for (int r = 2; r < rooted.resources.size(); ++r)
        rooted.resources[r].dependsOn.append(rooted.resources[0].id);
    printReduction("random DAG, all on r0", rooted);

    if (!printTargets(parallelism))
        return 1;

    // Waiting attempts hold no thread each: sim attempts wait on timers, commands are watched from
    // one thread.
    const int sleepers = argc > 2 ? std::atoi(argv[2]) : 1000;
    std::printf("Sleeping attempts, all at once:\n");
    const bool sims = printSleepers("sim, 1 s each:", sleepers, [](int i) {
        return nlohmann::ordered_json{{"id", "sim-" + std::to_string(i)}, {"type", "sim"}, {"duration", "1s"}};
    });
    const bool commands = printSleepers("command, sleep 1 each:", sleepers, [](int i) {
        return nlohmann::ordered_json{{"id", "sleep-" + std::to_string(i)}, {"type", "command"}, {"command", {"sleep", "1"}}};
    });
    return sims && commands ? 0 : 1;
}
