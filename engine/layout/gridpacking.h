#pragma once

#include "engine/layout/graphlayout.h"

#include <QHash>
#include <QList>

#include <vector>

namespace fanout {

// The input of some of a layout's nodes: those nodes, the groups they are in and the edges between
// them, numbered from 0 in the order of `members`. `groupOf` and `edgeOf` get the input's number of
// each group and edge of the result.
GraphLayoutInput subInput(const GraphLayoutInput &input, const std::vector<int> &members, QList<int> *groupOf, QList<int> *edgeOf);
// Moves everything of `layout` by `by`.
void translate(GraphLayout &layout, QPointF by);

// How many ranks each edge of `input` spans at least (dot's minlen): 1, but the edges of a node
// that many others depend on are staggered over a few ranks, as Graphviz's unflatten does for
// leaves, so that a VPC's 28 subnets, route tables and gateways come in rows rather than one rank
// far wider than the window.
std::vector<int> staggeredLengths(const GraphLayoutInput &input);

// Infrastructure plans fan out: one resource (a VPC, a compartment) that dozens of others depend
// on, modules that repeat a shape. dot puts each such fan-out in one rank, and a drawing far wider
// than a window. GridPacker finds nodes that are alike (the same group, the same dependencies and
// the same dependents) and groups that are alike (the same dependencies and dependents outside
// them), and has dot lay out one box for each such class instead, sized for a grid of its members
// about the shape of the window; then puts the members in the grid, and routes their edges along
// the grid's gaps, as a bus from the box's edge.
//
//   GridPacker packer(input);
//   for (int g = 0; g < packer.groupsToLayOut().size(); ++g)      // each packed group, alone
//       packer.setGroupLayout(g, layoutOf(packer.groupsToLayOut()[g].input));
//   const GraphLayout laidOut = packer.expand(dot(packer.collapsed()));
class GridPacker
{
public:
    // Classes smaller than these stay as they are: a row of a few reads better than a grid.
    static constexpr int kMinNodes = 8;
    static constexpr int kMinGroups = 3;

    explicit GridPacker(const GraphLayoutInput &input);

    bool packs() const { return !m_boxes.empty(); } // false: lay out the input as it is

    struct GroupToLayOut
    {
        GraphLayoutInput input;  // the group's members and the edges between them
        std::vector<int> members; // input node of each of its nodes
        QList<int> edgeOf;       // input edge of each of its edges
        QList<int> groupOf;      // input group of its group
    };
    const std::vector<GroupToLayOut> &groupsToLayOut() const { return m_groups; }
    // The layout of groupsToLayOut()[g].input. Call for each, before collapsed().
    void setGroupLayout(int g, GraphLayout layout);

    // The input with one node for each class, sized for its grid; edges to and from its members
    // become one edge to or from it.
    const GraphLayoutInput &collapsed();
    // A layout of the input, from `layout` (of collapsed()).
    GraphLayout expand(const GraphLayout &layout) const;

private:
    // One node of collapsed() that stands for a class: its cells, in rows of `columns`.
    struct Box
    {
        std::vector<int> nodes;  // a class of nodes: the input node in each cell
        std::vector<int> groups; // a class of groups: index into m_groups of each cell
        int group = -1;          // the group the box is in (a class of nodes in a group)
        int columns = 1;
        std::vector<qreal> columnWidths;
        std::vector<qreal> rowHeights;
        QSizeF size;
    };
    void findNodeClasses(const std::vector<bool> &inPackedGroup);
    void findGroupClasses();
    void sizeBox(Box &box, const std::vector<QSizeF> &cells, qreal aspect);
    QRectF cellRect(const Box &box, const QRectF &boxRect, int cell) const;
    // Where an edge leaves input node `node`, or enters it, in the final layout: the points from
    // the node to `border` (the collapsed edge's end on its box) or from it to the node.
    QList<QPointF> exitPath(int node, const QRectF &boxRect, QPointF border, const QList<QRectF> &nodes) const;
    QList<QPointF> entryPath(int node, const QRectF &boxRect, QPointF border, const QList<QRectF> &nodes) const;

    const GraphLayoutInput &m_input;
    qreal m_aspect = 1.6;
    std::vector<GroupToLayOut> m_groups;
    std::vector<GraphLayout> m_groupLayouts;
    std::vector<Box> m_boxes;
    std::vector<int> m_boxOf;       // input node -> box, or -1
    std::vector<int> m_cellOf;      // input node -> its cell in its box
    std::vector<int> m_groupCellOf; // input node -> its index in its packed group, or -1
    GraphLayoutInput m_collapsed;
    std::vector<int> m_collapsedOf; // input node -> node of collapsed()
    std::vector<int> m_boxNode;     // box -> node of collapsed()
    QHash<QPair<int, int>, int> m_collapsedEdge; // (from, to) of collapsed() -> its edge
    bool m_built = false;
};

} // namespace fanout
