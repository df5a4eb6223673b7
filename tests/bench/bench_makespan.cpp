// Makespan: how close the scheduling policy comes to the best possible. Random deployment-like DAGs
// (200 to 2,000 resources, heterogeneous durations) run on a virtual clock through the real
// Dispatcher at limits 4, 8 and 16, once longest-path-first and once first-come. Each makespan is
// divided by the lower bound max(critical path, total work / limit); 1.00 is optimal. Then a plan
// with 20 targets x 50 resources through the same Dispatcher and the RolloutGate: what a rollout
// (some targets at a time, a canary wave first) costs in makespan, against every target at once.

#include "engine/plan/plangraph.h"
#include "engine/run/dispatcher.h"
#include "engine/run/rolloutgate.h"
#include "randomdag.h"
#include "targetsplan.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <queue>

using namespace fanout;

namespace {

// A run on a virtual clock: as soon as anything finishes, everything now possible starts (within
// the rollout, when there is a `gate`, as the scheduler follows it). A run that stalls ends the
// benchmark with exit status 1.
qint64 makespan(const PlanGraph &graph, const std::vector<qint64> &durations, const std::vector<qint64> &estimates,
                int limit, Dispatcher::Order order, RolloutGate *gate = nullptr)
{
    const int n = graph.size();
    Dispatcher dispatcher(graph, estimates, std::vector<int>(n, -1), {}, limit, order);
    const auto ready = [&](int r) {
        if (gate && !gate->admits(r))
            gate->hold(r);
        else
            dispatcher.enqueue(r);
    };
    for (int r = 0; r < n; ++r) {
        if (graph.dependencies(r).empty())
            ready(r);
    }
    using Finish = std::pair<qint64, int>;
    std::priority_queue<Finish, std::vector<Finish>, std::greater<Finish>> running;
    std::vector<int> released;
    std::vector<int> notStarted;
    qint64 now = 0;
    int finished = 0;
    while (finished < n) {
        if (gate) {
            released.clear();
            gate->admit(released, notStarted);
            for (const int r : released)
                dispatcher.enqueue(r);
        }
        for (int r = dispatcher.takeNext(); r >= 0; r = dispatcher.takeNext())
            running.push({now + durations[r], r});
        if (running.empty())
            break;
        now = running.top().first;
        while (!running.empty() && running.top().first == now) {
            const int r = running.top().second;
            running.pop();
            dispatcher.release(r);
            ++finished;
            if (gate && gate->targetOf(r) >= 0)
                gate->finished(r, false);
            for (const int d : dispatcher.satisfy(r))
                ready(d);
        }
    }
    if (finished < n) {
        // Nothing running and nothing ready: a deadlock. Its time is no makespan, and averaged in
        // it would look like an improvement, so the benchmark fails instead.
        std::fprintf(stderr, "error: the run stalled with %d of %d resources finished (limit %d)\n", finished, n, limit);
        std::exit(1);
    }
    return now;
}

// 20 targets x 50 resources with cloud-like durations: the makespan of a rollout (max_concurrent,
// a canary wave) against every target at once, and against the bound for one target at a time
// (each target's makespan, summed).
void printTargets()
{
    std::printf("\n20 targets x 50 resources (a random stack per target, cloud-like durations), makespan in minutes:\n");
    std::printf("%6s | %12s | %14s | %14s | %14s | %s\n", "limit", "all at once", "5 at a time", "canary, then 5", "1 at a time",
                "1 at a time / sum of the targets' own makespans");
    std::vector<qint64> durations;
    const Plan plan = bench::targetsPlan(20, 50, 7919, QStringLiteral("sim"),
                                         [&](Resource &, QRandomGenerator &random) { durations.push_back(bench::cloudLikeDurationMs(random)); });
    const PlanGraph graph(plan);
    for (const int limit : {8, 16, 64}) {
        const auto run = [&](std::optional<Rollout> rollout) {
            Plan withRollout = plan;
            withRollout.rollout = rollout;
            if (!rollout)
                return makespan(graph, durations, durations, limit, Dispatcher::Order::CriticalPath);
            RolloutGate gate(withRollout);
            return makespan(graph, durations, durations, limit, Dispatcher::Order::CriticalPath, &gate);
        };
        Rollout five;
        five.maxConcurrent = 5;
        Rollout canary = five;
        canary.waves = {{QStringLiteral("t0")}, {QStringLiteral("*")}};
        Rollout one;
        one.maxConcurrent = 1;
        // Each stack alone at this limit: one target at a time cannot beat the sum of those (plus
        // the shared zone before and dns after).
        qint64 sum = 0;
        Plan stack = plan;
        stack.resources = plan.resources.mid(1, 50);
        for (Resource &resource : stack.resources) {
            resource.target.clear();
            resource.dependsOn.removeAll(QStringLiteral("zone"));
        }
        const PlanGraph stackGraph(stack);
        for (int t = 0; t < int(plan.targets.size()); ++t) {
            const std::vector<qint64> own(durations.begin() + 1 + t * 50, durations.begin() + 1 + (t + 1) * 50);
            sum += makespan(stackGraph, own, own, limit, Dispatcher::Order::CriticalPath);
        }
        const double minutes = 60'000.0;
        const qint64 oneAtATime = run(one);
        std::printf("%6d | %12.1f | %14.1f | %14.1f | %14.1f | %.3f\n", limit, double(run(std::nullopt)) / minutes,
                    double(run(five)) / minutes, double(run(canary)) / minutes, double(oneAtATime) / minutes,
                    double(oneAtATime) / double(sum));
    }
}

struct Stats
{
    double sum = 0;
    double worst = 0;
    int count = 0;
    void add(double ratio)
    {
        sum += ratio;
        worst = std::max(worst, ratio);
        ++count;
    }
    double mean() const { return count ? sum / count : 0; }
};

} // namespace

int main()
{
    const std::vector<int> sizes = {200, 500, 1000, 2000};
    const std::vector<int> limits = {4, 8, 16};
    const int seeds = 10;
    std::printf("Makespan / lower bound on random DAGs (%d DAGs per size; 15%% of resources take 1-5 min, the rest 1-21 s)\n", seeds);
    std::printf("%6s %6s | %-26s | %-26s | %-26s | %s\n", "size", "limit", "critical path first", "  ...with estimates +-50%",
                "first come", "CP worse than FC");
    std::printf("%6s %6s | %12s %12s | %12s %12s | %12s %12s |\n", "", "", "mean", "worst", "mean", "worst", "mean", "worst");
    Stats allCritical, allNoisy, allFirst;
    int criticalWorse = 0;
    int runs = 0;
    for (const int size : sizes) {
        for (const int limit : limits) {
            Stats critical, noisy, first;
            int worse = 0;
            for (int seed = 1; seed <= seeds; ++seed) {
                std::vector<qint64> durations;
                const Plan plan = bench::randomDag({size, 3, 40}, quint32(seed * 7919 + size), QStringLiteral("sim"),
                                                   [&](Resource &, QRandomGenerator &random) { durations.push_back(bench::cloudLikeDurationMs(random)); });
                const PlanGraph graph(plan);
                qint64 total = 0;
                for (const qint64 d : durations)
                    total += d;
                const std::vector<qint64> paths = graph.remainingPathLengths(durations);
                const qint64 criticalPath = *std::max_element(paths.begin(), paths.end());
                const double bound = double(std::max(criticalPath, (total + limit - 1) / limit));

                // Estimates are rarely exact: the same policy with each estimate off by up to 50%.
                QRandomGenerator noise{quint32(seed)};
                std::vector<qint64> rough(durations.size());
                for (std::size_t r = 0; r < durations.size(); ++r)
                    rough[r] = qint64(double(durations[r]) * (0.5 + noise.generateDouble()));

                const double cp = double(makespan(graph, durations, durations, limit, Dispatcher::Order::CriticalPath)) / bound;
                const double cpRough = double(makespan(graph, durations, rough, limit, Dispatcher::Order::CriticalPath)) / bound;
                const double fc = double(makespan(graph, durations, durations, limit, Dispatcher::Order::FirstCome)) / bound;
                critical.add(cp);
                noisy.add(cpRough);
                first.add(fc);
                allCritical.add(cp);
                allNoisy.add(cpRough);
                allFirst.add(fc);
                worse += cp > fc + 1e-9;
                ++runs;
            }
            criticalWorse += worse;
            std::printf("%6d %6d | %12.4f %12.4f | %12.4f %12.4f | %12.4f %12.4f | %d of %d\n", size, limit, critical.mean(),
                        critical.worst, noisy.mean(), noisy.worst, first.mean(), first.worst, worse, seeds);
        }
    }
    std::printf("%13s | %12.4f %12.4f | %12.4f %12.4f | %12.4f %12.4f | %d of %d\n", "all", allCritical.mean(), allCritical.worst,
                allNoisy.mean(), allNoisy.worst, allFirst.mean(), allFirst.worst, criticalWorse, runs);
    std::printf("Target: critical path first within 1.02 of the bound on average, and never worse than first come.\n");
    printTargets();
    return 0;
}
