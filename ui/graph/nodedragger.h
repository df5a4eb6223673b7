#pragma once

#include "engine/layout/graphlayout.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSet>

namespace fanout {

class GraphEdgeItem;
class GraphGroupItem;
class GraphScene;
struct Plan;

// Moves nodes of a GraphScene as a drag goes, with what hangs on them: an edge with one end moving
// is routed anew, an edge with both ends moving is carried along, and a group with a moving member
// is refitted around its members. Only the items move: where the nodes went is told when the drag
// finishes, for the view to ask that their positions be pinned in the plan.
class NodeDragger
{
public:
    explicit NodeDragger(GraphScene &scene);

    // Starts moving the nodes of `resources` (those that have one) from where they are; `plan` is
    // the one the scene was built from, which says who is in which group. False, and nothing
    // moves, when none of them has a node.
    bool start(const QList<int> &resources, const Plan &plan);
    bool isMoving() const { return m_moving; }
    // Puts the nodes `offset` (in scene units) away from where they were when the drag started.
    void moveBy(QPointF offset);
    // Ends the drag where the nodes are. Returns the new centres of those that moved, by resource,
    // in whole scene units.
    QHash<int, QPointF> finish();
    // Ends the drag with everything back where it was.
    void cancel();

private:
    void collectEdges(const QSet<int> &moving);
    void collectGroups(const QSet<int> &moving, const Plan &plan);
    void forget();

    GraphScene &m_scene;
    bool m_moving = false;
    QList<int> m_nodes;                // the resources whose nodes move
    QList<QPointF> m_nodesFrom;        // their item positions when it started
    QList<GraphEdgeItem *> m_rerouted; // edges with one end moving
    QList<GraphEdgeItem *> m_carried;  // edges with both ends moving
    QList<QPointF> m_carriedFrom;
    struct Group
    {
        GraphGroupItem *item = nullptr;
        GraphLayout::Cluster cluster;
        QRectF membersBefore;
        QList<int> members;
    };
    QList<Group> m_groups;
};

} // namespace fanout
