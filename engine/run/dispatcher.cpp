#include "engine/run/dispatcher.h"

#include <QtGlobal>

#include <algorithm>

namespace fanout {

Dispatcher::Dispatcher(const PlanGraph &graph, const std::vector<qint64> &estimates, std::vector<int> groupOf,
                       std::vector<int> groupLimits, int limit, Order order)
    : m_graph(graph)
    , m_order(order)
    , m_pathLength(graph.remainingPathLengths(estimates))
    , m_groupOf(std::move(groupOf))
    , m_groupLimits(std::move(groupLimits))
    , m_limit(limit)
{
    const int n = graph.size();
    Q_ASSERT(int(m_groupOf.size()) == n);
    const int ungrouped = int(m_groupLimits.size());
    m_groupLimits.push_back(0);
    for (int &g : m_groupOf) {
        if (g < 0)
            g = ungrouped;
        Q_ASSERT(g < int(m_groupLimits.size()));
    }
    m_ready.resize(m_groupLimits.size());
    m_runningInGroup.assign(m_groupLimits.size(), 0);
    m_keys.assign(n, 0);
    m_queued.assign(n, false);
    m_unmet.resize(n);
    for (int r = 0; r < n; ++r)
        m_unmet[r] = int(graph.dependencies(r).size());
}

void Dispatcher::setLimit(int limit)
{
    Q_ASSERT(limit >= 1);
    m_limit = limit;
}

void Dispatcher::enqueue(int resource)
{
    if (m_queued[resource])
        return;
    m_keys[resource] = m_order == Order::CriticalPath ? -m_pathLength[resource] : m_sequence++;
    m_ready[m_groupOf[resource]].insert(keyOf(resource));
    m_queued[resource] = true;
    ++m_readyCount;
}

bool Dispatcher::remove(int resource)
{
    if (!m_queued[resource])
        return false;
    m_ready[m_groupOf[resource]].erase(keyOf(resource));
    m_queued[resource] = false;
    --m_readyCount;
    return true;
}

void Dispatcher::clear()
{
    for (auto &queue : m_ready) {
        for (const Key &key : queue)
            m_queued[key.second] = false;
        queue.clear();
    }
    m_readyCount = 0;
}

void Dispatcher::reset()
{
    clear();
    std::fill(m_runningInGroup.begin(), m_runningInGroup.end(), 0);
    for (int r = 0; r < int(m_unmet.size()); ++r)
        m_unmet[r] = int(m_graph.dependencies(r).size());
    m_sequence = 0;
    m_running = 0;
}

int Dispatcher::takeNext()
{
    if (m_running >= m_limit || m_readyCount == 0)
        return -1;
    int bestGroup = -1;
    for (int g = 0; g < int(m_ready.size()); ++g) {
        if (m_ready[g].empty())
            continue;
        if (m_groupLimits[g] > 0 && m_runningInGroup[g] >= m_groupLimits[g])
            continue;
        if (bestGroup < 0 || *m_ready[g].begin() < *m_ready[bestGroup].begin())
            bestGroup = g;
    }
    if (bestGroup < 0)
        return -1;
    const int resource = m_ready[bestGroup].begin()->second;
    m_ready[bestGroup].erase(m_ready[bestGroup].begin());
    m_queued[resource] = false;
    --m_readyCount;
    ++m_running;
    ++m_runningInGroup[bestGroup];
    return resource;
}

void Dispatcher::release(int resource)
{
    Q_ASSERT(m_running > 0 && m_runningInGroup[m_groupOf[resource]] > 0);
    --m_running;
    --m_runningInGroup[m_groupOf[resource]];
}

std::vector<int> Dispatcher::satisfy(int resource)
{
    std::vector<int> nowReady;
    satisfy(resource, nowReady);
    return nowReady;
}

void Dispatcher::satisfy(int resource, std::vector<int> &nowReady)
{
    for (const int d : m_graph.dependents(resource)) {
        Q_ASSERT(m_unmet[d] > 0);
        if (--m_unmet[d] == 0)
            nowReady.push_back(d);
    }
}

} // namespace fanout
