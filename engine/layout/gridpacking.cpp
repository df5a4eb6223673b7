#include "engine/layout/gridpacking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

namespace fanout {

namespace {

constexpr qreal kGapX = 24; // between the columns of a grid: room for the bus to pass
constexpr qreal kGapY = 28; // between its rows
constexpr qreal kBand = 20; // above and below the cells, where edges come in and go out

// A straight line from the last point of `path` (a Bézier: start, then control, control, end)
// to `to`.
void lineTo(QList<QPointF> &path, QPointF to)
{
    if (path.isEmpty()) {
        path.append(to);
        return;
    }
    const QPointF from = path.last();
    if (from == to)
        return;
    path.append(from + (to - from) / 3);
    path.append(from + (to - from) * 2 / 3);
    path.append(to);
}

std::vector<int> sortedUnique(std::vector<int> values)
{
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

} // namespace

GraphLayoutInput subInput(const GraphLayoutInput &input, const std::vector<int> &members, QList<int> *groupOf, QList<int> *edgeOf)
{
    GraphLayoutInput sub;
    sub.aspect = input.aspect;
    std::vector<int> local(input.nodes.size(), -1);
    std::vector<int> groupIndex(input.groups.size(), -1);
    for (int i : members) {
        GraphLayoutInput::Node node = input.nodes[i];
        if (node.group >= 0 && node.group < int(groupIndex.size())) {
            int &g = groupIndex[node.group];
            if (g < 0) {
                g = int(sub.groups.size());
                sub.groups.append(input.groups[node.group]);
                groupOf->append(node.group);
            }
            node.group = g;
        }
        local[i] = int(sub.nodes.size());
        sub.nodes.append(node);
    }
    for (int e = 0; e < input.edges.size(); ++e) {
        const auto [from, to] = input.edges[e];
        if (from >= 0 && from < int(local.size()) && local[from] >= 0 && to >= 0 && to < int(local.size()) && local[to] >= 0) {
            sub.edges.append({local[from], local[to]});
            edgeOf->append(e);
        }
    }
    return sub;
}

void translate(GraphLayout &layout, QPointF by)
{
    for (QRectF &r : layout.nodes)
        r.translate(by);
    for (GraphLayout::Edge &e : layout.edges) {
        for (QPointF &p : e.path)
            p += by;
        e.arrowTip += by;
    }
    for (GraphLayout::Cluster &c : layout.clusters) {
        c.rect.translate(by);
        c.labelRect.translate(by);
    }
    layout.bounds.translate(by);
}

std::vector<int> staggeredLengths(const GraphLayoutInput &input)
{
    constexpr int kMinFanOut = 6;
    constexpr int kMaxLevels = 6;
    const int n = int(input.nodes.size());
    std::vector<int> lengths(input.edges.size(), 1);
    std::vector<std::vector<int>> out(n); // edges from each node
    for (int e = 0; e < input.edges.size(); ++e) {
        const auto [from, to] = input.edges[e];
        if (from >= 0 && from < n && to >= 0 && to < n && from != to)
            out[from].push_back(e);
    }
    const qreal aspect = std::clamp(input.aspect, 0.25, 4.0);
    for (int u = 0; u < n; ++u) {
        const int k = int(out[u].size());
        if (k < kMinFanOut)
            continue;
        // k children of the mean size in L ranks: k / L * w wide and L * h tall.
        qreal w = 0, h = 0;
        for (int e : out[u]) {
            const QSizeF size = input.nodes[input.edges[e].second].size;
            w += size.width() + 13;
            h += size.height() + 30;
        }
        const int levels = std::clamp(int(std::ceil(std::sqrt(k * w / (h * aspect * 2)))), 1, kMaxLevels);
        for (int i = 0; i < k; ++i)
            lengths[std::size_t(out[u][i])] = 1 + i % levels;
    }
    return lengths;
}

GridPacker::GridPacker(const GraphLayoutInput &input)
    : m_input(input)
    , m_aspect(std::clamp(input.aspect, 0.25, 4.0))
{
    const int n = int(input.nodes.size());
    m_boxOf.assign(n, -1);
    m_cellOf.assign(n, -1);
    m_groupCellOf.assign(n, -1);
    findGroupClasses();
    std::vector<bool> inPackedGroup(n, false);
    for (const GroupToLayOut &group : m_groups) {
        for (int i : group.members)
            inPackedGroup[i] = true;
    }
    findNodeClasses(inPackedGroup);
}

void GridPacker::findGroupClasses()
{
    const int n = int(m_input.nodes.size());
    const int groupCount = int(m_input.groups.size());
    std::vector<std::vector<int>> members(groupCount);
    for (int i = 0; i < n; ++i) {
        const int g = m_input.nodes[i].group;
        if (g >= 0 && g < groupCount)
            members[g].push_back(i);
    }
    std::vector<std::vector<int>> outsideParents(groupCount), outsideChildren(groupCount);
    for (const auto &[from, to] : m_input.edges) {
        if (from < 0 || from >= n || to < 0 || to >= n)
            continue;
        const int a = m_input.nodes[from].group, b = m_input.nodes[to].group;
        if (a == b)
            continue;
        if (b >= 0 && b < groupCount)
            outsideParents[b].push_back(from);
        if (a >= 0 && a < groupCount)
            outsideChildren[a].push_back(to);
    }
    // Groups alike: the same nodes outside them that they depend on, and that depend on them.
    std::map<std::pair<std::vector<int>, std::vector<int>>, std::vector<int>> classes;
    for (int g = 0; g < groupCount; ++g) {
        if (!members[g].empty())
            classes[{sortedUnique(outsideParents[g]), sortedUnique(outsideChildren[g])}].push_back(g);
    }
    std::vector<std::vector<int>> packed;
    for (auto &[key, groups] : classes) {
        if (int(groups.size()) >= kMinGroups)
            packed.push_back(groups);
    }
    // In plan order, as the groups come.
    std::sort(packed.begin(), packed.end());
    for (const std::vector<int> &groups : packed) {
        Box box;
        for (int g : groups) {
            GroupToLayOut group;
            group.members = members[g];
            group.input = subInput(m_input, group.members, &group.groupOf, &group.edgeOf);
            const int index = int(m_groups.size());
            for (std::size_t k = 0; k < group.members.size(); ++k) {
                m_boxOf[group.members[k]] = int(m_boxes.size());
                m_cellOf[group.members[k]] = int(box.groups.size());
                m_groupCellOf[group.members[k]] = int(k);
            }
            box.groups.push_back(index);
            m_groups.push_back(std::move(group));
        }
        m_boxes.push_back(std::move(box));
    }
    m_groupLayouts.resize(m_groups.size());
}

void GridPacker::findNodeClasses(const std::vector<bool> &inPackedGroup)
{
    const int n = int(m_input.nodes.size());
    std::vector<std::vector<int>> parents(n), children(n);
    std::vector<bool> loops(n, false);
    for (const auto &[from, to] : m_input.edges) {
        if (from < 0 || from >= n || to < 0 || to >= n)
            continue;
        if (from == to)
            loops[from] = true;
        parents[to].push_back(from);
        children[from].push_back(to);
    }
    // Nodes alike: in the same group, with the same dependencies and the same dependents.
    std::map<std::tuple<int, std::vector<int>, std::vector<int>>, std::vector<int>> classes;
    for (int i = 0; i < n; ++i) {
        if (!inPackedGroup[i] && !loops[i])
            classes[{m_input.nodes[i].group, sortedUnique(parents[i]), sortedUnique(children[i])}].push_back(i);
    }
    std::vector<std::vector<int>> packed;
    for (auto &[key, nodes] : classes) {
        if (int(nodes.size()) >= kMinNodes)
            packed.push_back(nodes);
    }
    std::sort(packed.begin(), packed.end());
    for (std::vector<int> &nodes : packed) {
        Box box;
        box.group = m_input.nodes[nodes.front()].group;
        std::vector<QSizeF> cells;
        for (int i : nodes) {
            m_boxOf[i] = int(m_boxes.size());
            m_cellOf[i] = int(cells.size());
            cells.push_back(m_input.nodes[i].size);
        }
        box.nodes = std::move(nodes);
        // Wider than the window: siblings read more easily along a row than down a column.
        sizeBox(box, cells, 2 * m_aspect);
        m_boxes.push_back(std::move(box));
    }
}

void GridPacker::sizeBox(Box &box, const std::vector<QSizeF> &cells, qreal aspect)
{
    const int count = int(cells.size());
    qreal width = 0, height = 0;
    for (const QSizeF &cell : cells) {
        width += cell.width() + kGapX;
        height += cell.height() + kGapY;
    }
    // c columns of cells of the mean size are c * w wide and count / c * h tall.
    const qreal w = width / count, h = height / count;
    box.columns = std::clamp(int(std::lround(std::sqrt(count * aspect * h / w))), 1, count);
    const int rows = (count + box.columns - 1) / box.columns;
    box.columnWidths.assign(box.columns, 0);
    box.rowHeights.assign(rows, 0);
    for (int c = 0; c < count; ++c) {
        qreal &columnWidth = box.columnWidths[c % box.columns];
        qreal &rowHeight = box.rowHeights[c / box.columns];
        columnWidth = std::max(columnWidth, cells[c].width());
        rowHeight = std::max(rowHeight, cells[c].height());
    }
    box.size = QSizeF(std::accumulate(box.columnWidths.begin(), box.columnWidths.end(), 0.0) + box.columns * kGapX,
                      std::accumulate(box.rowHeights.begin(), box.rowHeights.end(), 0.0) + (rows - 1) * kGapY + 2 * kBand);
}

void GridPacker::setGroupLayout(int g, GraphLayout layout)
{
    m_groupLayouts[g] = std::move(layout);
}

const GraphLayoutInput &GridPacker::collapsed()
{
    if (m_built)
        return m_collapsed;
    m_built = true;
    for (Box &box : m_boxes) {
        if (box.groups.empty())
            continue;
        std::vector<QSizeF> cells;
        for (int g : box.groups)
            cells.push_back(m_groupLayouts[g].bounds.size());
        sizeBox(box, cells, m_aspect);
    }
    m_collapsed.groups = m_input.groups;
    m_collapsed.aspect = m_input.aspect;
    const int n = int(m_input.nodes.size());
    m_collapsedOf.assign(n, -1);
    m_boxNode.assign(m_boxes.size(), -1);
    for (int i = 0; i < n; ++i) {
        const int b = m_boxOf[i];
        if (b < 0) {
            m_collapsedOf[i] = int(m_collapsed.nodes.size());
            m_collapsed.nodes.append(m_input.nodes[i]);
            continue;
        }
        if (m_boxNode[b] < 0) {
            m_boxNode[b] = int(m_collapsed.nodes.size());
            // A box of groups is in none: each cell draws its own.
            m_collapsed.nodes.append({QString(), m_boxes[b].size, m_boxes[b].group, std::nullopt});
        }
        m_collapsedOf[i] = m_boxNode[b];
    }
    for (const auto &[from, to] : m_input.edges) {
        if (from < 0 || from >= n || to < 0 || to >= n)
            continue;
        const int a = m_collapsedOf[from], b = m_collapsedOf[to];
        if (a == b && from != to)
            continue; // inside a packed group: its own layout has it
        if (!m_collapsedEdge.contains({a, b})) {
            m_collapsedEdge.insert({a, b}, int(m_collapsed.edges.size()));
            m_collapsed.edges.append({a, b});
        }
    }
    return m_collapsed;
}

QRectF GridPacker::cellRect(const Box &box, const QRectF &boxRect, int cell) const
{
    const int row = cell / box.columns, column = cell % box.columns;
    const qreal x = boxRect.left() + kGapX / 2 + std::accumulate(box.columnWidths.begin(), box.columnWidths.begin() + column, 0.0) + column * kGapX;
    const qreal y = boxRect.top() + kBand + std::accumulate(box.rowHeights.begin(), box.rowHeights.begin() + row, 0.0) + row * kGapY;
    return QRectF(x, y, box.columnWidths[column], box.rowHeights[row]);
}

QList<QPointF> GridPacker::exitPath(int node, const QRectF &boxRect, QPointF border, const QList<QRectF> &nodes) const
{
    const Box &box = m_boxes[m_boxOf[node]];
    const QRectF cell = cellRect(box, boxRect, m_cellOf[node]);
    const QRectF from = nodes[node];
    const bool lastRow = m_cellOf[node] / box.columns == int(box.rowHeights.size()) - 1;
    const qreal busY = boxRect.bottom() - kBand / 2;
    QList<QPointF> points{QPointF(from.center().x(), from.bottom())};
    if (lastRow) {
        points.append(QPointF(from.center().x(), busY));
    } else {
        // Down the gap right of its column, to the bus below the grid.
        const qreal gapY = cell.bottom() + kGapY / 2, gapX = cell.right() + kGapX / 2;
        points << QPointF(from.center().x(), gapY) << QPointF(gapX, gapY) << QPointF(gapX, busY);
    }
    points << QPointF(border.x(), busY) << border;
    return points;
}

QList<QPointF> GridPacker::entryPath(int node, const QRectF &boxRect, QPointF border, const QList<QRectF> &nodes) const
{
    const Box &box = m_boxes[m_boxOf[node]];
    const QRectF cell = cellRect(box, boxRect, m_cellOf[node]);
    const QRectF to = nodes[node];
    const qreal busY = boxRect.top() + kBand / 2;
    QList<QPointF> points{border, QPointF(border.x(), busY)};
    if (m_cellOf[node] >= box.columns) {
        // Down the gap left of its column, to the gap above its row.
        const qreal gapY = cell.top() - kGapY / 2, gapX = cell.left() - kGapX / 2;
        points << QPointF(gapX, busY) << QPointF(gapX, gapY) << QPointF(to.center().x(), gapY);
    } else {
        points << QPointF(to.center().x(), busY);
    }
    points << QPointF(to.center().x(), to.top() - GraphLayout::kArrowLength);
    return points;
}

GraphLayout GridPacker::expand(const GraphLayout &layout) const
{
    GraphLayout result;
    result.bounds = layout.bounds;
    result.clusters = layout.clusters;
    const int n = int(m_input.nodes.size());
    result.nodes.resize(n);
    for (int i = 0; i < n; ++i) {
        if (m_boxOf[i] < 0)
            result.nodes[i] = layout.nodes[m_collapsedOf[i]];
    }
    QHash<int, GraphLayout::Edge> groupEdges; // input edge -> where its packed group's layout put it
    for (std::size_t b = 0; b < m_boxes.size(); ++b) {
        const Box &box = m_boxes[b];
        const QRectF boxRect = layout.nodes[m_boxNode[b]];
        for (std::size_t c = 0; c < box.nodes.size(); ++c) {
            const QRectF cell = cellRect(box, boxRect, int(c));
            const QSizeF size = m_input.nodes[box.nodes[c]].size;
            result.nodes[box.nodes[c]] = QRectF(QPointF(cell.center().x() - size.width() / 2, cell.top()), size);
        }
        for (std::size_t c = 0; c < box.groups.size(); ++c) {
            const GroupToLayOut &group = m_groups[box.groups[c]];
            GraphLayout cellLayout = m_groupLayouts[box.groups[c]];
            const QRectF cell = cellRect(box, boxRect, int(c));
            translate(cellLayout, QPointF(cell.center().x() - cellLayout.bounds.width() / 2, cell.top()) - cellLayout.bounds.topLeft());
            for (std::size_t k = 0; k < group.members.size(); ++k)
                result.nodes[group.members[k]] = cellLayout.nodes[qsizetype(k)];
            for (GraphLayout::Cluster cluster : std::as_const(cellLayout.clusters)) {
                cluster.group = group.groupOf[cluster.group];
                result.clusters.append(cluster);
            }
            for (int k = 0; k < group.edgeOf.size(); ++k) {
                GraphLayout::Edge edge = cellLayout.edges[k];
                edge.from = m_input.edges[group.edgeOf[k]].first;
                edge.to = m_input.edges[group.edgeOf[k]].second;
                groupEdges.insert(group.edgeOf[k], edge);
            }
        }
    }
    for (int e = 0; e < m_input.edges.size(); ++e) {
        const auto [from, to] = m_input.edges[e];
        if (from < 0 || from >= n || to < 0 || to >= n)
            continue;
        if (const auto inside = groupEdges.constFind(e); inside != groupEdges.cend()) {
            result.edges.append(*inside);
            continue;
        }
        const GraphLayout::Edge &routed = layout.edges[m_collapsedEdge.value({m_collapsedOf[from], m_collapsedOf[to]})];
        GraphLayout::Edge edge;
        edge.from = from;
        edge.to = to;
        if (m_boxOf[from] >= 0 && !routed.path.isEmpty()) {
            const QList<QPointF> exit = exitPath(from, layout.nodes[m_collapsedOf[from]], routed.path.first(), result.nodes);
            for (const QPointF &p : exit)
                lineTo(edge.path, p);
            edge.path.append(routed.path.mid(1));
        } else {
            edge.path = routed.path;
        }
        edge.arrowTip = routed.arrowTip;
        if (m_boxOf[to] >= 0 && !edge.path.isEmpty()) {
            const QList<QPointF> entry = entryPath(to, layout.nodes[m_collapsedOf[to]], edge.path.last(), result.nodes);
            for (const QPointF &p : entry)
                lineTo(edge.path, p);
            edge.arrowTip = QPointF(result.nodes[to].center().x(), result.nodes[to].top());
        }
        result.edges.append(edge);
    }
    return result;
}

} // namespace fanout
