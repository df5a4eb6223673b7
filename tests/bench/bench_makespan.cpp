// Makespan: how close the scheduling policy comes to the best possible. Random deployment-like DAGs
// (200 to 2,000 resources, heterogeneous durations) run on a virtual clock through the real
// Dispatcher at limits 4, 8 and 16, once longest-path-first and once first-come. Each makespan is
// divided by the lower bound max(critical path, total work / limit); 1.00 is optimal.

#include "engine/plan/plangraph.h"
#include "engine/run/dispatcher.h"
#include "randomdag.h"

#include <cstdio>
#include <queue>

using namespace fanout;

namespace {

// A run on a virtual clock: as soon as anything finishes, everything now possible starts.
qint64 makespan(const PlanGraph &graph, const std::vector<qint64> &durations, const std::vector<qint64> &estimates,
                int limit, Dispatcher::Order order)
{
    const int n = graph.size();
    Dispatcher dispatcher(graph, estimates, std::vector<int>(n, -1), {}, limit, order);
    for (int r = 0; r < n; ++r) {
        if (graph.dependencies(r).empty())
            dispatcher.enqueue(r);
    }
    using Finish = std::pair<qint64, int>;
    std::priority_queue<Finish, std::vector<Finish>, std::greater<Finish>> running;
    qint64 now = 0;
    int finished = 0;
    while (finished < n) {
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
            for (const int d : dispatcher.satisfy(r))
                dispatcher.enqueue(d);
        }
    }
    return finished == n ? now : -1;
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
    return 0;
}
