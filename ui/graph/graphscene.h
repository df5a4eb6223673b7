#pragma once

#include "engine/layout/graphlayout.h"

#include <QGraphicsScene>
#include <QList>

namespace fanout {

class GraphEdgeItem;
class GraphGroupItem;
class GraphNodeItem;
class PlanGraph;
struct Plan;

// The items of a laid-out plan graph: groups behind, then edges, then one node per resource, and
// which of them stand out when a resource is selected. Holds no run state: the view pushes it.
class GraphScene : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit GraphScene(QObject *parent = nullptr);

    // What to ask the layouter for: `plan` with the room every node and group label needs in the
    // fonts the items paint with.
    static GraphLayoutInput layoutInput(const Plan &plan);

    // Replaces every item with those of `plan` placed by `layout` (a layout of layoutInput(plan)).
    void build(const Plan &plan, const GraphLayout &layout);
    void clearGraph();

    // Where the graph is drawn, with a margin: what Fit shows and export writes. The scene rect
    // may be larger, so that the view can keep a node in place when an edit shrinks the graph.
    QRectF contentRect() const { return m_contentRect; }
    // After nodes were dragged: the content rect (and the scene rect) grow to include every item.
    void updateContentRect();

    GraphNodeItem *nodeItem(int resource) const; // null when there is none
    const QList<GraphNodeItem *> &nodeItems() const { return m_nodes; }
    const QList<GraphEdgeItem *> &edgeItems() const { return m_edges; }
    const QList<GraphGroupItem *> &groupItems() const { return m_groups; }

    // Selects `resource` and fades everything that is neither upstream nor downstream of it;
    // -1 shows everything plainly again.
    void highlight(int resource, const PlanGraph &graph);
    int highlighted() const { return m_highlighted; }

    // Off for export: cached items would turn into bitmaps in an SVG.
    void setItemCaching(bool enabled);

    static constexpr qreal kFadedOpacity = 0.25;

private:
    QList<GraphNodeItem *> m_nodes; // by resource index
    QList<GraphEdgeItem *> m_edges;
    QList<GraphGroupItem *> m_groups;
    int m_highlighted = -1;
    QRectF m_contentRect;
};

} // namespace fanout
