#pragma once

#include <QList>

#include <vector>

namespace fanout {

struct Plan;

// The dependency graph of a plan, by resource index: who each resource waits for and who waits for
// it, in which order they can run, and how long the longest path from each one is.
class PlanGraph
{
public:
    explicit PlanGraph(const Plan &plan); // dependencies on unknown ids are left out

    int size() const { return int(m_dependencies.size()); }
    const std::vector<int> &dependencies(int resource) const { return m_dependencies[resource]; }
    const std::vector<int> &dependents(int resource) const { return m_dependents[resource]; }

    // Dependencies before dependents, plan order among equals. Incomplete when there is a cycle.
    const std::vector<int> &topologicalOrder() const { return m_order; }
    bool isAcyclic() const { return int(m_order.size()) == size(); }

    // One cycle from each group of resources that wait for each other, each starting and ending
    // with its lowest index: {a, b, c, a} means a depends on b, b on c, c on a.
    QList<QList<int>> cycles() const;

    // For each resource, the longest path from its start to the end of the plan: its own estimate
    // plus the longest such path among its dependents (the "bottom level"). Needs an acyclic graph.
    std::vector<qint64> remainingPathLengths(const std::vector<qint64> &estimates) const;
    // The critical path by `estimates`: the chain of dependencies whose estimates add up to the
    // longest of remainingPathLengths(), root first (ties to plan order); empty for an empty or
    // cyclic graph. Its length is the first one's remaining path length.
    QList<int> longestPath(const std::vector<qint64> &estimates) const;

    // Everything `resource` waits for, or that waits for it, directly or not.
    std::vector<int> upstream(int resource) const;
    std::vector<int> downstream(int resource) const;

    // For each resource, those of its dependencies that another of its dependencies already waits
    // for, directly or not (a -> c when a -> b -> c), sorted. Leaving them out draws the transitive
    // reduction, as `terraform graph` does; the dependencies themselves stay as they are. All lists
    // are empty when there is a cycle. Computed on each call (some milliseconds on 10,000
    // resources): keep the result.
    std::vector<std::vector<int>> impliedDependencies() const;

private:
    std::vector<int> reachable(int from, const std::vector<std::vector<int>> &edges) const;

    std::vector<std::vector<int>> m_dependencies;
    std::vector<std::vector<int>> m_dependents;
    std::vector<int> m_order;
};

} // namespace fanout
