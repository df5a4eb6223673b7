#pragma once

#include <QList>
#include <QMetaType>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <optional>

namespace fanout {

struct Plan;

// What the graph pane asks to have laid out: a copy of the plan's shape, with the size each node
// and each group label needs on screen (in points, which are scene units), so that the layout can
// be computed on another thread while the plan and the fonts stay where they are.
struct GraphLayoutInput
{
    struct Node
    {
        QString id;
        QSizeF size;    // room for the node's text
        int group = -1; // index into groups; -1 = none
        std::optional<QPointF> pinned = std::nullopt; // where the user put the node's centre; none = automatic

        bool operator==(const Node &) const = default;
    };
    struct Group
    {
        QString label;
        QSizeF labelSize; // room for the label above the group's members
        // Folded: drawn as one summary node of summarySize in place of its members (GroupFolding),
        // for plans too large to draw whole.
        bool folded = false;
        QSizeF summarySize = QSizeF(240, 64);

        bool operator==(const Group &) const = default;
    };

    QList<Node> nodes;
    QList<Group> groups;
    // From a dependency to what depends on it, by node index, so that dependencies are drawn above.
    // Edges naming a node that does not exist are left out of the layout.
    QList<QPair<int, int>> edges;
    // Width : height of the window the drawing is for: fan-outs and modules are packed in grids of
    // about this shape (GridPacker), and Auto picks the direction whose drawing is nearer to it.
    qreal aspect = 1.6;
    // Which way dependencies point: down (each resource below what it depends on), or to the
    // right. Auto: down, unless that drawing is too large to show whole at full size and more than
    // 3 times wider or taller than the window, and the other is nearer the window's shape.
    enum class Direction : quint8 { Auto, TopToBottom, LeftToRight };
    Direction direction = Direction::Auto;

    // The same graph turned a quarter: widths for heights, for a layout drawn left to right.
    GraphLayoutInput transposed() const;

    // Nodes in plan order (resource index = node index) with edges for every known dependency;
    // dependencies on unknown ids are left out; pins from the plan's positions. Sizes are
    // placeholders for whoever has no fonts.
    static GraphLayoutInput fromPlan(const Plan &plan, QSizeF nodeSize = QSizeF(160, 48),
                                     QSizeF labelSize = QSizeF(120, 18));

    // Equal inputs lay out the same: an edit that changes neither (a timeout, a command) needs no
    // new layout.
    bool operator==(const GraphLayoutInput &) const = default;
};

// Where everything goes: a layered ("dot") drawing of a GraphLayoutInput in Qt's coordinates
// (y grows downwards). Without pinned nodes the bounding box starts at 0,0; a pinned node may lie
// anywhere, at negative coordinates too, and the bounds then grow to include it.
struct GraphLayout
{
    struct Edge
    {
        int from = -1;
        int to = -1;
        // A cubic Bézier spline: the start point, then (control, control, end) triples. It ends
        // where the arrowhead starts; arrowTip is where the arrowhead points.
        QList<QPointF> path;
        QPointF arrowTip;
    };
    struct Cluster
    {
        int group = -1;   // index into GraphLayoutInput::groups
        QRectF rect;      // encloses the label and every member
        QRectF labelRect; // where the label goes, inside rect
    };
    // A folded group's node: it stands for all of the group's members.
    struct Summary
    {
        int group = -1; // index into GraphLayoutInput::groups
        QRectF rect;
    };

    QList<QRectF> nodes; // by node index; a null rect for a member of a folded group
    // In the order of GraphLayoutInput::edges, invalid ones left out; with folded groups, one edge
    // for all those between the same two nodes drawn, where an end numbered nodes.size() + k is
    // summaries[k].
    QList<Edge> edges;
    QList<Cluster> clusters;
    QList<Summary> summaries;
    QRectF bounds;
    bool leftToRight = false; // which way it was drawn (GraphLayoutInput::Direction)
    QString error;       // why there is no layout; empty when it worked
    qint64 elapsedMs = 0; // how long Graphviz took, for the benchmark

    bool isValid() const { return error.isEmpty(); }
    // Width : height of the drawing; 0 when it is empty.
    qreal aspect() const { return bounds.height() > 0 ? bounds.width() / bounds.height() : 0; }
    // The layout of GraphLayoutInput::transposed() turned back: x for y, so that what was drawn top
    // to bottom reads left to right.
    GraphLayout transposed() const;

    // Moves every pinned node of `input` (a layout of which this is) to its pin, and re-routes
    // its edges, refits the clusters around their members and recomputes the bounds. The rest
    // stays where the automatic layout put it.
    void applyPins(const GraphLayoutInput &input);
    // Sets the bounds around everything drawn: nodes, summaries, clusters and edges.
    void updateBounds();

    // An edge between two boxes, for a node that was moved after the layout routed its edges:
    // a cubic Bézier from the dependency's border to the dependent's, leaving and arriving on the
    // sides that face each other (bottom to top when the dependent is below, as dot draws them).
    static Edge route(int from, int to, const QRectF &fromRect, const QRectF &toRect);

    // `cluster` refitted around its members after some moved: `membersBefore` is the box around
    // them as laid out (whose margins and label placement are kept), `membersNow` as they are.
    static Cluster refit(const Cluster &cluster, const QRectF &membersBefore, const QRectF &membersNow);

    static constexpr qreal kArrowLength = 8; // dot's arrowhead at arrowsize 0.8
};

} // namespace fanout

Q_DECLARE_METATYPE(fanout::GraphLayout)
