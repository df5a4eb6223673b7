#include "engine/layout/groupfolding.h"

#include "engine/layout/gridpacking.h"

#include <QSet>

#include <algorithm>

namespace fanout {

namespace {

bool isFolded(const GraphLayoutInput &input, int node)
{
    const int group = input.nodes[node].group;
    return group >= 0 && group < input.groups.size() && input.groups[group].folded;
}

// A name for what a drawing shows that stays the same when groups fold or unfold: a node's input
// index, or -1 - group for a folded group's summary.
using Key = int;
Key summaryKey(int group)
{
    return -1 - group;
}

// What each end of a layout's edges is, by Key.
Key keyOf(const GraphLayout &layout, int end)
{
    const int nodes = int(layout.nodes.size());
    return end < nodes ? end : summaryKey(layout.summaries[end - nodes].group);
}

qint64 pairOf(Key from, Key to)
{
    return (qint64(from) << 32) ^ qint64(quint32(to));
}

// How things move to make room for `grown` growing (or shrinking) by dx and dy from its top-left
// corner: down by dy what lies below it, as every row below does; right by dx what lies right of
// it and not wholly above it, so that what is above (the resources a group of modules depends on,
// say) keeps its place and its edges. Half a point of slack for rounding.
struct Room
{
    QRectF grown;
    qreal dx = 0;
    qreal dy = 0;
    qreal gapY = 0; // in the gap between `grown` and what is wholly above it

    Room(const GraphLayout &layout, const QRectF &box, qreal byX, qreal byY)
        : grown(box)
        , dx(byX)
        , dy(byY)
    {
        // The lowest bottom of what lies wholly above: the gap's top.
        qreal above = box.top() - 24;
        const auto consider = [&](const QRectF &r) {
            if (!r.isNull() && r.bottom() <= box.top() + 0.5 && r != box)
                above = std::max(above, r.bottom());
        };
        for (const QRectF &node : layout.nodes)
            consider(node);
        for (const GraphLayout::Summary &summary : layout.summaries)
            consider(summary.rect);
        for (const GraphLayout::Cluster &cluster : layout.clusters)
            consider(cluster.rect);
        gapY = (std::min(above, box.top()) + box.top()) / 2;
    }
    QPointF offset(const QRectF &box) const
    {
        const bool right = box.left() >= grown.right() - 0.5 && box.bottom() > grown.top() + 0.5;
        return QPointF(right ? dx : 0, box.top() >= grown.bottom() - 0.5 ? dy : 0);
    }
    QPointF offset(QPointF point) const
    {
        const bool right = point.x() >= grown.right() - 0.5 && point.y() > gapY;
        return QPointF(right ? dx : 0, point.y() >= grown.bottom() - 0.5 ? dy : 0);
    }
};

// An edge whose ends moved apart, in the shape it had: its points (the ends of its Bézier pieces)
// move as the room made moved what was there, its ends with their boxes, and where a line
// crosses into what moved right it jogs right in the gap above `grown`, where nothing is drawn
// (a bus along a grid's gaps stays in the gaps). Curves become lines between their points.
GraphLayout::Edge reshaped(const GraphLayout::Edge &old, QPointF fromMoved, QPointF toMoved, const Room &room)
{
    QList<QPointF> points;
    for (int i = 0; i < old.path.size(); i += 3)
        points.append(old.path[i]);
    QList<QPointF> line{points.constFirst() + fromMoved};
    for (int i = 1; i < points.size(); ++i) {
        const QPointF a = points[i - 1];
        const QPointF b = points[i];
        const QPointF byA = i == 1 ? fromMoved : room.offset(a);
        const QPointF byB = i == points.size() - 1 ? toMoved : room.offset(b);
        if (byA.x() != byB.x() && (a.y() - room.gapY) * (b.y() - room.gapY) < 0) {
            const QPointF at = a + (b - a) * ((room.gapY - a.y()) / (b.y() - a.y()));
            line.append(QPointF(at.x() + byA.x(), at.y()));
            line.append(QPointF(at.x() + byB.x(), at.y()));
        }
        line.append(b + byB);
    }
    GraphLayout::Edge edge = old;
    edge.path = {line.constFirst()};
    for (int i = 1; i < line.size(); ++i) {
        const QPointF step = (line[i] - line[i - 1]) / 3;
        edge.path.append({line[i - 1] + step, line[i - 1] + 2 * step, line[i]});
    }
    edge.arrowTip += toMoved;
    return edge;
}

void moveEdge(GraphLayout::Edge &edge, QPointF by)
{
    for (QPointF &point : edge.path)
        point += by;
    edge.arrowTip += by;
}

// The edges of `result` (whose nodes, summaries and clusters are in place) drawn anew from the
// input's: one for each pair of things drawn. An edge `shown` had whose ends both moved by the same
// offset (most often none) keeps its route, moved along; one whose ends moved apart keeps its shape
// (see reshaped); `inside` gives routes by pair for
// edges laid out with the group just unfolded; the rest are routed straight between their boxes.
void redrawEdges(GraphLayout &result, const GraphLayout &shown, const GraphLayoutInput &input, const QHash<Key, QPointF> &moved,
                 const Room &room, const QHash<qint64, GraphLayout::Edge> &inside)
{
    const int nodes = int(result.nodes.size());
    QHash<int, int> summaryOf; // group -> index into result.summaries
    for (int k = 0; k < result.summaries.size(); ++k)
        summaryOf.insert(result.summaries[k].group, k);
    const auto endOf = [&](int node) {
        if (!result.nodes[node].isNull())
            return node;
        const auto summary = summaryOf.constFind(input.nodes[node].group);
        return summary == summaryOf.cend() ? -1 : nodes + *summary;
    };
    const auto rectOf = [&](int end) { return end < nodes ? result.nodes[end] : result.summaries[end - nodes].rect; };
    QHash<qint64, const GraphLayout::Edge *> before;
    for (const GraphLayout::Edge &edge : shown.edges)
        before.insert(pairOf(keyOf(shown, edge.from), keyOf(shown, edge.to)), &edge);

    result.edges.clear();
    QSet<qint64> drawn;
    for (const auto &[dependency, dependent] : input.edges) {
        if (dependency < 0 || dependent < 0 || dependency >= nodes || dependent >= nodes)
            continue;
        const int from = endOf(dependency);
        const int to = endOf(dependent);
        if (from < 0 || to < 0 || from == to)
            continue;
        const Key fromKey = keyOf(result, from);
        const Key toKey = keyOf(result, to);
        const qint64 pair = pairOf(fromKey, toKey);
        if (drawn.contains(pair))
            continue;
        drawn.insert(pair);
        GraphLayout::Edge edge;
        const QPointF fromMoved = moved.value(fromKey);
        if (const auto laidOut = inside.constFind(pair); laidOut != inside.cend()) {
            edge = *laidOut;
        } else if (const auto old = before.constFind(pair); old != before.cend() && fromMoved == moved.value(toKey)) {
            edge = **old;
            moveEdge(edge, fromMoved);
        } else if (old != before.cend() && (*old)->path.size() >= 4) {
            edge = reshaped(**old, fromMoved, moved.value(toKey), room);
        } else {
            edge = GraphLayout::route(from, to, rectOf(from), rectOf(to));
        }
        edge.from = from;
        edge.to = to;
        result.edges.append(edge);
    }
}

// Moves everything of `result` but the members of `group` aside (see Room), and says by how much in
// `moved`.
void moveAside(GraphLayout &result, int group, const GraphLayoutInput &input, const Room &room, QHash<Key, QPointF> *moved)
{
    for (int n = 0; n < result.nodes.size(); ++n) {
        QRectF &node = result.nodes[n];
        if (node.isNull() || input.nodes[n].group == group)
            continue;
        const QPointF by = room.offset(node);
        if (!by.isNull()) {
            node.translate(by);
            moved->insert(n, by);
        }
    }
    for (GraphLayout::Summary &summary : result.summaries) {
        const QPointF by = room.offset(summary.rect);
        if (!by.isNull()) {
            summary.rect.translate(by);
            moved->insert(summaryKey(summary.group), by);
        }
    }
    for (GraphLayout::Cluster &cluster : result.clusters) {
        const QPointF by = room.offset(cluster.rect);
        cluster.rect.translate(by);
        cluster.labelRect.translate(by);
    }
}

} // namespace

GroupFolding::GroupFolding(const GraphLayoutInput &input)
    : m_input(input)
{
    const bool anyGroupFolded = std::any_of(input.groups.cbegin(), input.groups.cend(),
                                            [](const GraphLayoutInput::Group &group) { return group.folded; });
    if (!anyGroupFolded)
        return; // drawn as it is: nothing to copy
    m_display.aspect = input.aspect;
    m_display.direction = input.direction;
    std::vector<int> displayGroup(input.groups.size(), -1);
    std::vector<int> summaryNode(input.groups.size(), -1); // display node of a folded group's summary
    std::vector<int> displayOf(input.nodes.size(), -1);
    for (int g = 0; g < input.groups.size(); ++g) {
        if (!input.groups[g].folded) {
            displayGroup[g] = int(m_display.groups.size());
            m_display.groups.append(input.groups[g]);
            m_groupOf.push_back(g);
        }
    }
    bool anyFolded = false;
    for (int n = 0; n < input.nodes.size(); ++n) {
        const GraphLayoutInput::Node &node = input.nodes[n];
        if (!isFolded(input, n)) {
            displayOf[n] = int(m_display.nodes.size());
            m_display.nodes.append(node);
            m_display.nodes.last().group = node.group >= 0 && node.group < input.groups.size() ? displayGroup[node.group] : -1;
            m_shownAs.push_back(n);
            continue;
        }
        anyFolded = true;
        int &summary = summaryNode[node.group];
        if (summary < 0) {
            summary = int(m_display.nodes.size());
            const GraphLayoutInput::Group &group = input.groups[node.group];
            m_display.nodes.append({QStringLiteral("group %1").arg(group.label), group.summarySize, -1, std::nullopt});
            m_shownAs.push_back(-1 - int(m_summaryGroups.size()));
            m_summaryGroups.push_back(node.group);
        }
        displayOf[n] = summary;
    }
    if (!anyFolded)
        return;
    QSet<qint64> seen;
    for (const auto &[from, to] : input.edges) {
        if (from < 0 || to < 0 || from >= input.nodes.size() || to >= input.nodes.size())
            continue;
        const int a = displayOf[from];
        const int b = displayOf[to];
        if (a == b || seen.contains(pairOf(a, b)))
            continue;
        seen.insert(pairOf(a, b));
        m_display.edges.append({a, b});
    }
}

GraphLayout GroupFolding::unfold(const GraphLayout &layout) const
{
    GraphLayout result;
    result.error = layout.error;
    result.elapsedMs = layout.elapsedMs;
    result.leftToRight = layout.leftToRight;
    result.bounds = layout.bounds;
    if (!layout.isValid() || layout.nodes.size() != int(m_shownAs.size()))
        return result;
    const int nodes = int(m_input.nodes.size());
    result.nodes.resize(nodes);
    result.summaries.resize(int(m_summaryGroups.size()));
    const auto endOf = [&](int displayNode) {
        const int shown = m_shownAs[std::size_t(displayNode)];
        return shown >= 0 ? shown : nodes + (-1 - shown);
    };
    for (int d = 0; d < layout.nodes.size(); ++d) {
        const int shown = m_shownAs[std::size_t(d)];
        if (shown >= 0) {
            result.nodes[shown] = layout.nodes[d];
        } else {
            const int k = -1 - shown;
            result.summaries[k] = {m_summaryGroups[std::size_t(k)], layout.nodes[d]};
        }
    }
    result.edges = layout.edges;
    for (GraphLayout::Edge &edge : result.edges) {
        edge.from = endOf(edge.from);
        edge.to = endOf(edge.to);
    }
    result.clusters = layout.clusters;
    for (GraphLayout::Cluster &cluster : result.clusters)
        cluster.group = m_groupOf[std::size_t(cluster.group)];
    return result;
}

GraphLayout withGroupUnfolded(const GraphLayout &shown, const GraphLayoutInput &input, int group,
                              const std::vector<int> &members, const GraphLayout &groupLayout)
{
    const auto summary = std::find_if(shown.summaries.cbegin(), shown.summaries.cend(),
                                      [group](const GraphLayout::Summary &s) { return s.group == group; });
    if (summary == shown.summaries.cend() || !groupLayout.isValid() || groupLayout.nodes.size() != int(members.size()))
        return shown;
    const QRectF was = summary->rect;
    GraphLayout result = shown;
    result.summaries.removeAt(int(summary - shown.summaries.cbegin()));

    // The group's box (withGroupFolded puts the summary back at its corner), not the margin round it.
    const QRectF box = groupLayout.clusters.isEmpty() ? groupLayout.bounds : groupLayout.clusters.constFirst().rect;
    GraphLayout placed = groupLayout;
    translate(placed, was.topLeft() - box.topLeft());
    const qreal dx = std::max<qreal>(0, box.width() - was.width());
    const qreal dy = std::max<qreal>(0, box.height() - was.height());
    QHash<Key, QPointF> moved;
    const Room room(result, was, dx, dy);
    moveAside(result, group, input, room, &moved);

    for (int i = 0; i < int(members.size()); ++i)
        result.nodes[members[std::size_t(i)]] = placed.nodes[i];
    for (GraphLayout::Cluster cluster : std::as_const(placed.clusters)) {
        cluster.group = group; // the group laid out alone is its layout's only one
        result.clusters.append(cluster);
    }
    QHash<qint64, GraphLayout::Edge> inside;
    for (const GraphLayout::Edge &edge : std::as_const(placed.edges)) {
        const int from = members[std::size_t(edge.from)];
        const int to = members[std::size_t(edge.to)];
        inside.insert(pairOf(from, to), edge);
    }
    redrawEdges(result, shown, input, moved, room, inside);
    result.updateBounds();
    return result;
}

GraphLayout withGroupFolded(const GraphLayout &shown, const GraphLayoutInput &input, int group)
{
    if (group < 0 || group >= input.groups.size())
        return shown;
    GraphLayout result = shown;
    QRectF box;
    for (int n = 0; n < result.nodes.size(); ++n) {
        if (input.nodes[n].group == group && !result.nodes[n].isNull()) {
            box |= result.nodes[n];
            result.nodes[n] = QRectF();
        }
    }
    const auto cluster = std::find_if(result.clusters.cbegin(), result.clusters.cend(),
                                      [group](const GraphLayout::Cluster &c) { return c.group == group; });
    if (cluster != result.clusters.cend()) {
        box = cluster->rect;
        result.clusters.removeAt(int(cluster - result.clusters.cbegin()));
    }
    if (box.isNull())
        return shown; // nothing of it is drawn
    const QRectF summary(box.topLeft(), input.groups[group].summarySize);
    result.summaries.append({group, summary});
    const qreal dx = std::max<qreal>(0, box.width() - summary.width());
    const qreal dy = std::max<qreal>(0, box.height() - summary.height());
    QHash<Key, QPointF> moved;
    const Room room(result, box, -dx, -dy);
    moveAside(result, group, input, room, &moved);
    redrawEdges(result, shown, input, moved, room, {});
    result.updateBounds();
    return result;
}

} // namespace fanout
