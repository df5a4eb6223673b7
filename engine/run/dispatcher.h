#pragma once

#include "engine/plan/plangraph.h"

#include <set>
#include <utility>
#include <vector>

namespace fanout {

// The scheduling policy, free of threads and clocks: which resources are ready, which ready one
// starts next, and whether a slot is free (the run's limit and each group's limit). The Scheduler
// drives it in real time; the makespan benchmark drives the very same object on a virtual clock.
class Dispatcher
{
public:
    enum class Order {
        CriticalPath, // the longest remaining path first, plan order to break ties
        FirstCome,    // in the order resources became ready
    };

    // `groupOf[r]` is resource r's group index or -1; `groupLimits[g]` is 0 for no limit.
    Dispatcher(const PlanGraph &graph, const std::vector<qint64> &estimates, std::vector<int> groupOf,
               std::vector<int> groupLimits, int limit, Order order = Order::CriticalPath);

    void setLimit(int limit);
    int limit() const { return m_limit; }
    int running() const { return m_running; }
    int runningInGroup(int group) const { return m_runningInGroup[group]; }
    int readyCount() const { return m_readyCount; }
    bool isReady(int resource) const { return m_queued[resource]; }
    qint64 remainingPathLength(int resource) const { return m_pathLength[resource]; }

    void enqueue(int resource);      // it is ready
    bool remove(int resource);       // no longer ready (cancelled); false if it was not queued
    void clear();                    // nothing is ready
    // Back to how it was constructed (nothing ready or running, every dependency unmet), keeping
    // its limit and memory: a forecast reuses one dispatcher for many simulated runs.
    void reset();

    // The best ready resource that may start now, counted as running from here on; -1 when none
    // (nothing ready, the run is at its limit, or every ready resource's group is).
    int takeNext();
    void release(int resource);      // an attempt of it ended; its slot is free

    // `resource` succeeded: its dependents that now have every dependency done, in plan order.
    std::vector<int> satisfy(int resource);
    // The same, appended to `nowReady` (which is not cleared), without allocating.
    void satisfy(int resource, std::vector<int> &nowReady);
    int unmetDependencies(int resource) const { return m_unmet[resource]; }

private:
    using Key = std::pair<qint64, int>; // (priority, resource): smaller starts first
    Key keyOf(int resource) const { return {m_keys[resource], resource}; }

    const PlanGraph &m_graph;
    const Order m_order;
    std::vector<qint64> m_pathLength;
    std::vector<int> m_groupOf;         // group index, or the extra "no group" queue at the end
    std::vector<int> m_groupLimits;
    std::vector<std::set<Key>> m_ready; // one queue per group
    std::vector<int> m_runningInGroup;
    std::vector<qint64> m_keys;
    std::vector<bool> m_queued;
    std::vector<int> m_unmet;
    qint64 m_sequence = 0;
    int m_limit;
    int m_running = 0;
    int m_readyCount = 0;
};

} // namespace fanout
