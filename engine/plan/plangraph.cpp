#include "engine/plan/plangraph.h"

#include "engine/plan/plan.h"

#include <QHash>

#include <algorithm>
#include <queue>

namespace fanout {

namespace {

// The strongly connected components of a graph: each node's component, numbered from 0.
struct StrongComponents
{
    std::vector<int> of;
    int count = 0;
};

// Tarjan's strongly connected components, iteratively: a plan may be a 10,000-long chain.
StrongComponents strongComponents(const std::vector<std::vector<int>> &dependencies)
{
    const int n = int(dependencies.size());
    std::vector<int> index(n, -1), low(n, 0), component(n, -1);
    std::vector<bool> onStack(n, false);
    std::vector<int> stack;
    int nextIndex = 0;
    int components = 0;
    struct Frame { int node; std::size_t edge; };
    std::vector<Frame> calls;
    for (int root = 0; root < n; ++root) {
        if (index[root] >= 0)
            continue;
        calls.push_back({root, 0});
        while (!calls.empty()) {
            Frame &frame = calls.back();
            const int v = frame.node;
            if (frame.edge == 0 && index[v] < 0) {
                index[v] = low[v] = nextIndex++;
                stack.push_back(v);
                onStack[v] = true;
            }
            const auto &edges = dependencies[v];
            if (frame.edge < edges.size()) {
                const int w = edges[frame.edge++];
                if (index[w] < 0)
                    calls.push_back({w, 0});
                else if (onStack[w])
                    low[v] = std::min(low[v], index[w]);
                continue;
            }
            if (low[v] == index[v]) {
                int w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    onStack[w] = false;
                    component[w] = components;
                } while (w != v);
                ++components;
            }
            calls.pop_back();
            if (!calls.empty())
                low[calls.back().node] = std::min(low[calls.back().node], low[v]);
        }
    }
    return StrongComponents{component, components};
}

// The shortest way from `start` back to itself inside its component, by breadth-first search:
// {start, ..., start}.
QList<int> shortestCycle(const std::vector<std::vector<int>> &dependencies, const std::vector<int> &component, int start)
{
    const int c = component[start];
    std::vector<int> previous(dependencies.size(), -1);
    std::queue<int> queue;
    queue.push(start);
    previous[start] = start;
    int last = -1;
    while (!queue.empty() && last < 0) {
        const int v = queue.front();
        queue.pop();
        for (const int w : dependencies[v]) {
            if (component[w] != c)
                continue;
            if (w == start) {
                last = v;
                break;
            }
            if (previous[w] < 0) {
                previous[w] = v;
                queue.push(w);
            }
        }
    }
    Q_ASSERT(last >= 0);
    QList<int> cycle;
    for (int v = last; v != start; v = previous[v])
        cycle.prepend(v);
    cycle.prepend(start);
    cycle.append(start);
    return cycle;
}

} // namespace

PlanGraph::PlanGraph(const Plan &plan)
{
    const int n = int(plan.resources.size());
    m_dependencies.resize(n);
    m_dependents.resize(n);
    QHash<QString, int> indexOf;
    indexOf.reserve(n);
    for (int i = 0; i < n; ++i) {
        if (!indexOf.contains(plan.resources[i].id))
            indexOf.insert(plan.resources[i].id, i); // the first of duplicates; validation reports them
    }
    for (int i = 0; i < n; ++i) {
        for (const QString &id : plan.resources[i].dependsOn) {
            const auto it = indexOf.constFind(id);
            if (it == indexOf.cend() || *it == i)
                continue;
            auto &deps = m_dependencies[i];
            if (std::find(deps.begin(), deps.end(), *it) == deps.end()) {
                deps.push_back(*it);
                m_dependents[*it].push_back(i);
            }
        }
    }
    for (auto &list : m_dependents)
        std::sort(list.begin(), list.end());

    // Kahn's algorithm with a min-heap, so that independent resources keep plan order.
    std::vector<int> remaining(n);
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int i = 0; i < n; ++i) {
        remaining[i] = int(m_dependencies[i].size());
        if (remaining[i] == 0)
            ready.push(i);
    }
    m_order.reserve(n);
    while (!ready.empty()) {
        const int r = ready.top();
        ready.pop();
        m_order.push_back(r);
        for (const int d : m_dependents[r]) {
            if (--remaining[d] == 0)
                ready.push(d);
        }
    }
}

QList<QList<int>> PlanGraph::cycles() const
{
    const int n = size();
    const StrongComponents strong = strongComponents(m_dependencies);
    std::vector<int> componentSize(strong.count, 0);
    for (int v = 0; v < n; ++v)
        ++componentSize[strong.of[v]];

    QList<QList<int>> result;
    std::vector<bool> reported(strong.count, false);
    for (int start = 0; start < n; ++start) { // lowest index of each component comes first
        const int c = strong.of[start];
        if (componentSize[c] < 2 || reported[c])
            continue;
        reported[c] = true;
        result.append(shortestCycle(m_dependencies, strong.of, start));
    }
    return result;
}

std::vector<qint64> PlanGraph::remainingPathLengths(const std::vector<qint64> &estimates) const
{
    Q_ASSERT(isAcyclic() && int(estimates.size()) == size());
    std::vector<qint64> length(size(), 0);
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        qint64 longestAfter = 0;
        for (const int d : m_dependents[*it])
            longestAfter = std::max(longestAfter, length[d]);
        length[*it] = estimates[*it] + longestAfter;
    }
    return length;
}

QList<int> PlanGraph::longestPath(const std::vector<qint64> &estimates) const
{
    if (size() == 0 || !isAcyclic())
        return {};
    // Down from the resource with the longest remaining path (a root), each time to the dependent
    // whose remaining path is the rest of it.
    const std::vector<qint64> length = remainingPathLengths(estimates);
    int at = int(std::max_element(length.begin(), length.end()) - length.begin());
    QList<int> path{at};
    while (!m_dependents[at].empty()) {
        const std::vector<int> &next = m_dependents[at];
        at = *std::max_element(next.begin(), next.end(), [&](int a, int b) { return length[a] < length[b] || (length[a] == length[b] && a > b); });
        path.append(at);
    }
    return path;
}

std::vector<int> PlanGraph::reachable(int from, const std::vector<std::vector<int>> &edges) const
{
    std::vector<bool> seen(size(), false);
    std::vector<int> todo{from};
    std::vector<int> found;
    seen[from] = true;
    while (!todo.empty()) {
        const int v = todo.back();
        todo.pop_back();
        for (const int w : edges[v]) {
            if (!seen[w]) {
                seen[w] = true;
                found.push_back(w);
                todo.push_back(w);
            }
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<std::vector<int>> PlanGraph::impliedDependencies() const
{
    const int n = size();
    std::vector<std::vector<int>> implied(n);
    if (!isAcyclic())
        return implied;
    // Reachability as bit sets over positions in the topological order, a block of positions at a
    // time so that memory stays linear: 10,000 resources need 10,000 x 10,000 bits otherwise.
    // `d` of `v` is implied when it is among the (transitive) dependencies of another of v's
    // dependencies. A resource only reaches positions before its own, so a block is filled from
    // its first position on.
    std::vector<int> position(n);
    for (int i = 0; i < n; ++i)
        position[m_order[i]] = i;
    constexpr int kBlockWords = 64; // 4,096 positions: 512 bytes a resource
    constexpr int kBlock = kBlockWords * 64;
    std::vector<quint64> reach; // per resource, what it waits for among the block's positions
    std::vector<quint64> others(kBlockWords);
    for (int begin = 0; begin < n; begin += kBlock) {
        const int end = std::min(n, begin + kBlock);
        const int words = (end - begin + 63) / 64;
        reach.assign(std::size_t(n) * words, 0);
        for (int i = begin; i < n; ++i) {
            const int v = m_order[i];
            const auto &deps = m_dependencies[v];
            quint64 *own = &reach[std::size_t(v) * words];
            std::fill(others.begin(), others.begin() + words, 0);
            for (const int d : deps) {
                const int p = position[d];
                if (p < begin)
                    continue;
                const quint64 *theirs = &reach[std::size_t(d) * words];
                for (int w = 0; w < words; ++w)
                    others[w] |= theirs[w];
                if (p < end)
                    own[(p - begin) / 64] |= quint64(1) << ((p - begin) % 64);
            }
            for (int w = 0; w < words; ++w)
                own[w] |= others[w];
            if (deps.size() < 2)
                continue; // a single dependency is never implied
            for (const int d : deps) {
                const int p = position[d];
                if (p >= begin && p < end && (others[(p - begin) / 64] >> ((p - begin) % 64) & 1))
                    implied[v].push_back(d);
            }
        }
    }
    for (auto &list : implied)
        std::sort(list.begin(), list.end());
    return implied;
}

std::vector<int> PlanGraph::upstream(int resource) const
{
    return reachable(resource, m_dependencies);
}

std::vector<int> PlanGraph::downstream(int resource) const
{
    return reachable(resource, m_dependents);
}

} // namespace fanout
