#include "models/run/timelinerows.h"

#include "engine/plan/plan.h"
#include "engine/run/rolloutgate.h"

#include <QHash>

#include <algorithm>

namespace fanout {

void TimelineRows::build(const Plan &plan)
{
    const int n = int(plan.resources.size());
    m_lanes.clear();
    m_shared.clear();
    m_laneOf.assign(std::size_t(n), -1);
    m_waves = 0;
    if (!plan.targets.isEmpty()) {
        std::vector<int> waveOf;
        const std::vector<int> order = RolloutGate::admissionOrder(plan, &waveOf);
        QHash<QString, int> laneOfTarget;
        for (const int t : order) {
            Lane lane;
            lane.target = plan.targets[t].name;
            lane.wave = waveOf[std::size_t(t)];
            lane.collapsed = !m_opened.contains(lane.target);
            m_waves = std::max(m_waves, lane.wave + 1);
            laneOfTarget.insert(lane.target, int(m_lanes.size()));
            m_lanes.push_back(std::move(lane));
        }
        for (int r = 0; r < n; ++r) {
            if (const auto it = laneOfTarget.constFind(plan.resources[r].target); it != laneOfTarget.cend()) {
                m_lanes[std::size_t(*it)].instances.push_back(r);
                m_laneOf[std::size_t(r)] = *it;
            }
        }
    }
    for (int r = 0; r < n; ++r) {
        if (m_laneOf[std::size_t(r)] < 0)
            m_shared.push_back(r);
    }
    layOut();
}

void TimelineRows::layOut()
{
    m_rows.clear();
    m_rowOf.assign(m_laneOf.size(), -1);
    m_laneRow.assign(m_lanes.size(), -1);
    for (const int r : m_shared) {
        m_rowOf[std::size_t(r)] = int(m_rows.size());
        m_rows.push_back(r);
    }
    for (std::size_t l = 0; l < m_lanes.size(); ++l) {
        m_laneRow[l] = int(m_rows.size());
        m_rows.push_back(-1 - int(l));
        if (m_lanes[l].collapsed)
            continue;
        for (const int r : m_lanes[l].instances) {
            m_rowOf[std::size_t(r)] = int(m_rows.size());
            m_rows.push_back(r);
        }
    }
}

int TimelineRows::resourceAt(int row) const
{
    return row >= 0 && row < count() && m_rows[std::size_t(row)] >= 0 ? m_rows[std::size_t(row)] : -1;
}

int TimelineRows::laneAt(int row) const
{
    return row >= 0 && row < count() && m_rows[std::size_t(row)] < 0 ? -1 - m_rows[std::size_t(row)] : -1;
}

int TimelineRows::rowOf(int resource) const
{
    return resource >= 0 && std::size_t(resource) < m_rowOf.size() ? m_rowOf[std::size_t(resource)] : -1;
}

int TimelineRows::rowOfLane(int lane) const
{
    return lane >= 0 && std::size_t(lane) < m_laneRow.size() ? m_laneRow[std::size_t(lane)] : -1;
}

int TimelineRows::laneOf(int resource) const
{
    return resource >= 0 && std::size_t(resource) < m_laneOf.size() ? m_laneOf[std::size_t(resource)] : -1;
}

void TimelineRows::setCollapsed(int lane, bool collapsed)
{
    if (lane < 0 || std::size_t(lane) >= m_lanes.size() || m_lanes[std::size_t(lane)].collapsed == collapsed)
        return;
    Lane &l = m_lanes[std::size_t(lane)];
    l.collapsed = collapsed;
    m_opened.removeAll(l.target);
    if (!collapsed)
        m_opened.append(l.target);
    layOut();
}

} // namespace fanout
