#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace fanout {

struct Plan;

// The rows of the timeline. Without targets, one per resource in plan order. In a plan with
// targets, swimlanes: the shared resources first, then one lane per target in the order the
// rollout admits them, each a header row (the target, its wave, its state and span) above its
// instances, which a click on the header hides and shows. Lanes start collapsed, as the graph's
// stacks do: a 20-region rollout reads as 20 rows, and the lane that interests you opens.
class TimelineRows
{
public:
    // Rebuilds the rows of `plan`; a lane collapsed (or opened) by hand stays so while its target
    // keeps its name.
    void build(const Plan &plan);

    int count() const { return int(m_rows.size()); }
    bool hasLanes() const { return !m_lanes.empty(); }
    // What row `row` shows: a resource (plan index), or -1 for a lane's header.
    int resourceAt(int row) const;
    // The lane of a header row (an index into lanes()), else -1.
    int laneAt(int row) const;
    // The row of `resource`; -1 when its lane is collapsed.
    int rowOf(int resource) const;
    int rowOfLane(int lane) const;
    // The lane `resource` is in; -1 for a shared resource (or without lanes).
    int laneOf(int resource) const;

    struct Lane
    {
        QString target;
        int wave = 0;
        std::vector<int> instances; // plan indices, in plan order
        bool collapsed = true;
    };
    const std::vector<Lane> &lanes() const { return m_lanes; }
    int waveCount() const { return m_waves; }
    void setCollapsed(int lane, bool collapsed);

private:
    void layOut();

    std::vector<Lane> m_lanes;
    std::vector<int> m_shared;     // resources in no lane, in plan order
    std::vector<int> m_rows;       // >= 0: a resource; < 0: the header of lane -1 - value
    std::vector<int> m_rowOf;      // by resource
    std::vector<int> m_laneOf;     // by resource
    std::vector<int> m_laneRow;    // by lane
    QStringList m_opened;          // targets opened by hand (or by selecting what is in them)
    int m_waves = 0;
};

} // namespace fanout
