#pragma once

#include "engine/layout/graphlayout.h"

#include <QGraphicsScene>
#include <QImage>
#include <QList>
#include <QSet>

#include <vector>

class QGraphicsPixmapItem;

namespace fanout {

class GraphEdgeItem;
class GraphEdgeLayer;
class GraphGroupItem;
class GraphNodeItem;
class GraphSummaryItem;
class PlanGraph;
struct Plan;

// The items of a laid-out plan graph: groups behind, then edges, then one node per resource, and
// which of them stand out when a resource is selected. Holds no run state: the view pushes it.
// Unless it shows all dependencies, a dependency that others imply (a -> c when a -> b -> c) is
// left out of the layout and drawn only while one of its ends is selected, as `terraform graph`
// draws the transitive reduction.
class GraphScene : public QGraphicsScene
{
    Q_OBJECT

public:
    explicit GraphScene(QObject *parent = nullptr);

    // What to ask the layouter for: `plan` with the room every node and group label needs in the
    // fonts the items paint with.
    // Dependencies listed in `leftOut` (by dependent, as PlanGraph::impliedDependencies gives them)
    // are not laid out.
    static GraphLayoutInput layoutInput(const Plan &plan, const std::vector<std::vector<int>> &leftOut = {});
    // The same for what this scene shows: implied dependencies left out unless it shows them all.
    // Remembers them, for build() to draw when an end is selected.
    GraphLayoutInput layoutInput(const Plan &plan, const PlanGraph &graph);

    // Whether implied dependencies are drawn (and laid out) like the others. Takes effect with the
    // next layoutInput().
    void setShowAllDependencies(bool all) { m_showAll = all; }
    bool showsAllDependencies() const { return m_showAll; }

    // The groups drawn collapsed, each as one summary node (GraphSummaryItem), by name. Takes
    // effect with the next layoutInput().
    void setCollapsedGroups(const QSet<QString> &names) { m_collapsed = names; }
    const QSet<QString> &collapsedGroups() const { return m_collapsed; }

    // Replaces every item with those of `plan` placed by `layout` (a layout of layoutInput(plan)).
    // Implied dependencies the layout left out get edges routed straight between their ends,
    // hidden until an end is selected.
    void build(const Plan &plan, const GraphLayout &layout);
    void clearGraph();
    // While an edit's layout is on its way: a picture of what was drawn, over `at` (scene
    // coordinates), so that the graph never goes blank; build() and clearGraph() take it away.
    void showPicture(const QImage &picture, const QRectF &at);
    bool showsPicture() const { return m_picture != nullptr; }

    // Where the graph is drawn, with a margin: what Fit shows and export writes. The scene rect
    // may be larger, so that the view can keep a node in place when an edit shrinks the graph.
    QRectF contentRect() const { return m_contentRect; }
    // After nodes were dragged: the content rect (and the scene rect) grow to include every item.
    void updateContentRect();

    GraphNodeItem *nodeItem(int resource) const; // null when there is none, or its group is collapsed
    const QList<GraphNodeItem *> &nodeItems() const { return m_nodes; } // those drawn
    const QList<GraphSummaryItem *> &summaryItems() const { return m_summaries; }
    bool hasGraph() const { return !m_nodes.isEmpty() || !m_summaries.isEmpty(); } // anything drawn
    // The summary a resource of a collapsed group is drawn in; null when it is drawn itself.
    GraphSummaryItem *summaryItem(int resource) const;
    GraphSummaryItem *summaryOfGroup(int group) const;
    // The members of a summary, by resource index.
    const std::vector<int> &members(const GraphSummaryItem *summary) const;
    // Where `resource` is drawn: its node, or its group's summary; null before the layout.
    QGraphicsItem *itemShowing(int resource) const;
    // The box an edge ends at: a resource's node, or (numbered after the resources) a summary's;
    // a null rect when there is none.
    QRectF edgeEndRect(int end) const;
    const QList<GraphEdgeItem *> &edgeItems() const { return m_edges; }
    const QList<GraphGroupItem *> &groupItems() const { return m_groups; }

    // Selects `resource` and fades everything that is neither upstream nor downstream of it, and
    // shows all of its own dependencies and dependents, implied ones too; -1 shows everything
    // plainly again.
    void highlight(int resource, const PlanGraph &graph);
    int highlighted() const { return m_highlighted; }

    // While the mouse is over a node: its own edges stand out (implied ones shown) and everything
    // but its neighbours fades, by the same means as a selection; -1 goes back to the selection's.
    // Over an edge: that edge stands out (its tooltip names both ends). The items call these.
    void hoverNode(int resource);
    void hoverEdge(GraphEdgeItem *edge); // null: left it
    int hoveredNode() const { return m_hovered; }

    // Off for export: cached items would turn into bitmaps in an SVG.
    void setItemCaching(bool enabled);
    // While the view zooms in steps (the run's follower, GraphFollower), each frame is at a new
    // scale: the items' caches would only be drawn into and thrown away, and smooth hairlines are
    // the most of a frame. The graph is drawn the quick way until it stops, then smoothly.
    void setZooming(bool zooming);
    bool isZooming() const { return m_zooming; }

    static constexpr qreal kFadedOpacity = 0.25;

private:
    void showEmphasis(); // fades and emphasis for the hovered node, else for the highlighted one

    QList<GraphNodeItem *> m_nodes;  // those drawn, in plan order
    QList<GraphNodeItem *> m_nodeOf; // by resource index; null for a member of a collapsed group
    QList<GraphSummaryItem *> m_summaries;
    std::vector<std::vector<int>> m_members; // by summary: its resources
    std::vector<int> m_summaryOf;            // by resource: index into m_summaries, or -1
    QSet<QString> m_collapsed;
    QList<GraphEdgeItem *> m_edges;
    GraphEdgeLayer *m_edgeLayer = nullptr; // draws the plain ones, cached
    QList<GraphGroupItem *> m_groups;
    std::vector<std::vector<int>> m_implied; // left out of the layout, by dependent
    bool m_showAll = false;
    bool m_zooming = false;
    int m_highlighted = -1;
    // On the highlighted resource's paths (all when none), by resource and then by summary, as edge
    // ends are numbered (see GraphLayout::edges).
    std::vector<bool> m_lit;
    int m_hovered = -1;
    GraphEdgeItem *m_hoveredEdge = nullptr;
    QRectF m_contentRect;
    QGraphicsPixmapItem *m_picture = nullptr;
};

} // namespace fanout
