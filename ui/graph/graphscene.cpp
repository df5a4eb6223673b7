#include "ui/graph/graphscene.h"

#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphedgelayer.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphsummaryitem.h"

#include <QGraphicsPixmapItem>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace fanout {

namespace {

constexpr qreal kSceneMargin = 24;

// What a node's second line names: an imported resource's own kind ("aws_db_instance",
// "AWS::RDS::DBInstance", "service"), which says more than the executor that provisions it.
QString nodeType(const Resource &resource)
{
    if (resource.source.is_object()) {
        const auto type = resource.source.find("type");
        if (type != resource.source.end() && type->is_string() && !type->get<std::string>().empty())
            return QString::fromStdString(type->get<std::string>());
    }
    return resource.type;
}

// What a node is called: its name, or within a group (drawn as a labelled box around it) its id
// without the group's prefix, so that "module.vpc.aws_subnet.a[0]" reads "aws_subnet.a[0]" inside
// the box labelled module.vpc. The tooltip and the inspector have the whole id.
QString nodeName(const Resource &resource)
{
    if (resource.name.isEmpty() && !resource.group.isEmpty() && resource.id.size() > resource.group.size() + 1
        && resource.id.startsWith(resource.group) && resource.id[resource.group.size()] == QLatin1Char('.'))
        return resource.id.mid(resource.group.size() + 1);
    return resource.displayName();
}

// Created only under a condition: a CloudFormation Condition, a Compose profile.
bool isConditional(const Resource &resource)
{
    return resource.source.is_object() && (resource.source.contains("condition") || resource.source.contains("profiles"));
}

// For each name, how many of its last characters another name ends with too: what a short form
// must keep more of to tell them apart (GraphNodeItem::shortName). Names sorted by their ends put
// the ones ending alike next to each other.
std::vector<int> sharedTails(const QStringList &names)
{
    const auto common = [&](int a, int b) {
        const QString &x = names[a];
        const QString &y = names[b];
        int n = 0;
        while (n < x.size() && n < y.size() && x[x.size() - 1 - n] == y[y.size() - 1 - n])
            ++n;
        return n;
    };
    std::vector<int> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return std::lexicographical_compare(names[a].crbegin(), names[a].crend(), names[b].crbegin(), names[b].crend());
    });
    std::vector<int> shared(names.size(), 0);
    for (std::size_t i = 1; i < order.size(); ++i) {
        const int n = common(order[i - 1], order[i]);
        shared[order[i - 1]] = std::max(shared[order[i - 1]], n);
        shared[order[i]] = std::max(shared[order[i]], n);
    }
    return shared;
}

// An implied dependency's route: it shortcuts a way through other nodes, often in line with it
// (vpc, subnet, app in a column), where a straight route would run behind them. It goes round
// instead, out of the sides that face away from the layout's flow: the right ones of boxes one
// above the other, else the bottom ones.
GraphLayout::Edge bypass(int from, int to, const QRectF &a, const QRectF &b)
{
    const bool stacked = std::abs(b.center().y() - a.center().y()) >= std::abs(b.center().x() - a.center().x());
    constexpr qreal kOut = 36; // how far beyond the boxes it bends
    GraphLayout::Edge edge;
    edge.from = from;
    edge.to = to;
    if (stacked) {
        const QPointF start(a.right(), a.center().y());
        edge.arrowTip = QPointF(b.right(), b.center().y());
        const QPointF end = edge.arrowTip + QPointF(GraphLayout::kArrowLength, 0);
        const qreal side = std::max(a.right(), b.right()) + kOut;
        edge.path = {start, QPointF(side, start.y()), QPointF(side, end.y()), end};
    } else {
        const QPointF start(a.center().x(), a.bottom());
        edge.arrowTip = QPointF(b.center().x(), b.bottom());
        const QPointF end = edge.arrowTip + QPointF(0, GraphLayout::kArrowLength);
        const qreal side = std::max(a.bottom(), b.bottom()) + kOut;
        edge.path = {start, QPointF(start.x(), side), QPointF(end.x(), side), end};
    }
    return edge;
}

} // namespace

GraphScene::GraphScene(QObject *parent)
    : QGraphicsScene(parent)
{
    setBackgroundBrush(Qt::white);
}

GraphLayoutInput GraphScene::layoutInput(const Plan &plan, const std::vector<std::vector<int>> &leftOut)
{
    GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    if (!leftOut.empty()) {
        // Fewer edges for dot to route around nodes: the drawing is the transitive reduction's.
        input.edges.removeIf([&](const QPair<int, int> &edge) {
            const std::vector<int> &implied = leftOut[std::size_t(edge.second)];
            return std::binary_search(implied.begin(), implied.end(), edge.first);
        });
    }
    for (int r = 0; r < input.nodes.size(); ++r) {
        const Resource &resource = plan.resources[r];
        input.nodes[r].size = GraphNodeItem::sizeFor(nodeName(resource), nodeType(resource));
    }
    for (GraphLayoutInput::Group &group : input.groups) {
        group.labelSize = GraphGroupItem::labelSizeFor(group.label);
        group.summarySize = GraphSummaryItem::sizeFor(group.label);
    }
    return input;
}

GraphLayoutInput GraphScene::layoutInput(const Plan &plan, const PlanGraph &graph)
{
    m_implied.clear();
    if (!m_showAll && graph.size() == plan.resources.size())
        m_implied = graph.impliedDependencies();
    GraphLayoutInput input = layoutInput(plan, m_implied);
    for (int g = 0; g < plan.groups.size() && !m_collapsed.isEmpty(); ++g)
        input.groups[g].folded = m_collapsed.contains(plan.groups[g].name);
    return input;
}

void GraphScene::clearGraph()
{
    clear();
    m_nodes.clear();
    m_nodeOf.clear();
    m_summaries.clear();
    m_members.clear();
    m_summaryOf.clear();
    m_edges.clear();
    m_edgeLayer = nullptr; // clear() deleted it
    m_zooming = false;     // the new items are drawn as usual
    m_groups.clear();
    m_highlighted = -1;
    m_lit.clear();
    m_hovered = -1;
    m_hoveredEdge = nullptr;
    m_contentRect = QRectF();
    m_picture = nullptr; // clear() deleted it
    setSceneRect(QRectF());
}

void GraphScene::showPicture(const QImage &picture, const QRectF &at)
{
    delete m_picture;
    m_picture = addPixmap(QPixmap::fromImage(picture));
    m_picture->setTransformationMode(Qt::SmoothTransformation);
    m_picture->setPos(at.topLeft());
    m_picture->setScale(picture.width() > 0 ? at.width() / picture.width() : 1);
    m_picture->setAcceptedMouseButtons(Qt::NoButton);
    m_picture->setZValue(-3);
}

void GraphScene::build(const Plan &plan, const GraphLayout &layout)
{
    clearGraph();
    if (layout.nodes.size() != plan.resources.size())
        return; // not a layout of this plan (or no layout at all)

    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        const QString label = cluster.group < plan.groups.size()
            ? (plan.groups[cluster.group].label.isEmpty() ? plan.groups[cluster.group].name : plan.groups[cluster.group].label)
            : QString();
        auto *item = new GraphGroupItem(cluster.group, label, cluster.rect, cluster.labelRect);
        item->setZValue(-2);
        addItem(item);
        m_groups.append(item);
    }
    // A collapsed group's members, by summary.
    m_summaryOf.assign(std::size_t(plan.resources.size()), -1);
    m_members.resize(std::size_t(layout.summaries.size()));
    if (!layout.summaries.isEmpty()) {
        QHash<QString, int> summaryOfGroup;
        for (int k = 0; k < layout.summaries.size(); ++k)
            summaryOfGroup.insert(plan.groups.value(layout.summaries[k].group).name, k);
        for (int r = 0; r < plan.resources.size(); ++r) {
            const int k = layout.nodes[r].isNull() ? summaryOfGroup.value(plan.resources[r].group, -1) : -1;
            if (k >= 0) {
                m_summaryOf[std::size_t(r)] = k;
                m_members[std::size_t(k)].push_back(r);
            }
        }
    }
    for (int k = 0; k < layout.summaries.size(); ++k) {
        const GraphLayout::Summary &summary = layout.summaries[k];
        const fanout::Group group = plan.groups.value(summary.group);
        auto *item = new GraphSummaryItem(summary.group, group.label.isEmpty() ? group.name : group.label,
                                          int(m_members[std::size_t(k)].size()), summary.rect);
        addItem(item);
        m_summaries.append(item);
    }
    m_edges.reserve(layout.edges.size());
    for (const GraphLayout::Edge &edge : layout.edges) {
        auto *item = new GraphEdgeItem(edge.from, edge.to, edge.path, edge.arrowTip);
        item->setZValue(-1);
        addItem(item);
        m_edges.append(item);
    }
    if (m_implied.size() == std::size_t(plan.resources.size())) {
        for (int r = 0; r < plan.resources.size(); ++r) {
            for (const int dependency : m_implied[r]) {
                if (layout.nodes[dependency].isNull() || layout.nodes[r].isNull())
                    continue; // in a collapsed group
                const GraphLayout::Edge edge = bypass(dependency, r, layout.nodes[dependency], layout.nodes[r]);
                auto *item = new GraphEdgeItem(edge.from, edge.to, edge.path, edge.arrowTip);
                item->setZValue(-1);
                item->setImplied(true);
                item->setVisible(false);
                addItem(item);
                m_edges.append(item);
            }
        }
    }
    // Above the groups' boxes, below the edges that stand out (drawn by their own items).
    m_edgeLayer = new GraphEdgeLayer(m_edges);
    m_edgeLayer->setZValue(-1.5);
    addItem(m_edgeLayer);
    for (GraphEdgeItem *edge : std::as_const(m_edges))
        edge->setLayer(m_edgeLayer);
    m_nodeOf.fill(nullptr, plan.resources.size());
    QStringList names;
    names.reserve(plan.resources.size());
    for (const Resource &resource : plan.resources)
        names.append(nodeName(resource));
    const std::vector<int> shared = sharedTails(names);
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (layout.nodes[r].isNull())
            continue; // drawn in its group's summary
        const Resource &resource = plan.resources[r];
        auto *item = new GraphNodeItem(r, names[r], nodeType(resource), layout.nodes[r]);
        item->setSharedTail(shared[r]);
        item->setMarks(resource.run, isConditional(resource));
        item->setPinned(plan.positions.contains(resource.id));
        addItem(item);
        m_nodes.append(item);
        m_nodeOf[r] = item;
    }
    m_contentRect = layout.bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin);
    setSceneRect(m_contentRect);
}

void GraphScene::updateContentRect()
{
    QRectF bounds;
    for (const GraphNodeItem *node : std::as_const(m_nodes))
        bounds |= node->sceneRect();
    for (const GraphEdgeItem *edge : std::as_const(m_edges))
        bounds |= edge->sceneBoundingRect();
    for (const GraphGroupItem *group : std::as_const(m_groups))
        bounds |= group->rect();
    for (const GraphSummaryItem *summary : std::as_const(m_summaries))
        bounds |= summary->rect();
    m_contentRect = bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin);
    setSceneRect(sceneRect() | m_contentRect);
}

GraphNodeItem *GraphScene::nodeItem(int resource) const
{
    return resource >= 0 && resource < m_nodeOf.size() ? m_nodeOf[resource] : nullptr;
}

GraphSummaryItem *GraphScene::summaryItem(int resource) const
{
    const int k = resource >= 0 && std::size_t(resource) < m_summaryOf.size() ? m_summaryOf[std::size_t(resource)] : -1;
    return k >= 0 ? m_summaries[k] : nullptr;
}

GraphSummaryItem *GraphScene::summaryOfGroup(int group) const
{
    for (GraphSummaryItem *summary : m_summaries) {
        if (summary->group() == group)
            return summary;
    }
    return nullptr;
}

const std::vector<int> &GraphScene::members(const GraphSummaryItem *summary) const
{
    static const std::vector<int> none;
    const int k = int(m_summaries.indexOf(const_cast<GraphSummaryItem *>(summary)));
    return k >= 0 ? m_members[std::size_t(k)] : none;
}

QRectF GraphScene::edgeEndRect(int end) const
{
    if (const GraphNodeItem *node = nodeItem(end))
        return node->sceneRect();
    const int k = end - int(m_nodeOf.size());
    return k >= 0 && k < m_summaries.size() ? m_summaries[k]->rect() : QRectF();
}

QGraphicsItem *GraphScene::itemShowing(int resource) const
{
    if (GraphNodeItem *node = nodeItem(resource))
        return node;
    return summaryItem(resource);
}

void GraphScene::highlight(int resource, const PlanGraph &graph)
{
    const int resources = int(m_nodeOf.size());
    if (resource >= resources || resource >= graph.size())
        resource = -1;
    m_highlighted = resource;
    m_hovered = -1; // a click on the node hovered shows the selection's paths at once
    m_lit.assign(std::size_t(resources + m_summaries.size()), resource < 0);
    if (resource >= 0) {
        m_lit[resource] = true;
        for (int r : graph.upstream(resource))
            m_lit[r] = true;
        for (int r : graph.downstream(resource))
            m_lit[r] = true;
        // A summary is on the paths when any of its members is.
        for (int r = 0; r < resources; ++r) {
            if (m_lit[r] && m_summaryOf[std::size_t(r)] >= 0)
                m_lit[std::size_t(resources + m_summaryOf[std::size_t(r)])] = true;
        }
    }
    for (GraphNodeItem *node : std::as_const(m_nodes))
        node->setSelected(node->resource() == resource);
    showEmphasis();
}

void GraphScene::hoverNode(int resource)
{
    if (resource >= m_nodeOf.size())
        resource = -1;
    if (resource == m_hovered)
        return;
    m_hovered = resource;
    showEmphasis();
}

void GraphScene::hoverEdge(GraphEdgeItem *edge)
{
    if (edge == m_hoveredEdge)
        return;
    GraphEdgeItem *left = m_hoveredEdge;
    m_hoveredEdge = edge;
    if (left || edge)
        showEmphasis();
}

void GraphScene::showEmphasis()
{
    // The focus: the node under the mouse with its neighbours, else the selected one with its
    // paths (m_lit), else nothing faded. Edge ends number resources, then summaries.
    const int focus = m_hovered >= 0 ? m_hovered : m_highlighted;
    const std::size_t ends = std::size_t(m_nodeOf.size() + m_summaries.size());
    std::vector<bool> lit = m_lit;
    lit.resize(ends, m_highlighted < 0);
    if (m_hovered >= 0) {
        lit.assign(ends, false);
        lit[m_hovered] = true;
        for (const GraphEdgeItem *edge : std::as_const(m_edges)) {
            if (edge->from() == m_hovered || edge->to() == m_hovered)
                lit[edge->from()] = lit[edge->to()] = true;
        }
    }
    for (GraphNodeItem *node : std::as_const(m_nodes))
        node->setOpacity(lit[node->resource()] ? 1.0 : kFadedOpacity);
    for (int k = 0; k < m_summaries.size(); ++k)
        m_summaries[k]->setOpacity(lit[std::size_t(m_nodeOf.size() + k)] ? 1.0 : kFadedOpacity);
    for (GraphEdgeItem *edge : std::as_const(m_edges)) {
        const bool own = edge->from() == focus || edge->to() == focus;
        // An implied dependency shows only as the focus's own: on its paths, it would be drawn
        // again beside the way that implies it. Hovered, only the node's own edges stand out.
        const bool onPath = focus >= 0 && (edge->isImplied() || m_hovered >= 0 ? own : lit[edge->from()] && lit[edge->to()]);
        if (edge->isImplied())
            edge->setVisible(onPath);
        edge->setEmphasised(onPath || edge == m_hoveredEdge);
        edge->setOpacity(focus < 0 || onPath || edge == m_hoveredEdge ? 1.0 : kFadedOpacity);
    }
}

void GraphScene::setItemCaching(bool enabled)
{
    for (GraphNodeItem *node : std::as_const(m_nodes))
        node->setCacheMode(enabled ? QGraphicsItem::DeviceCoordinateCache : QGraphicsItem::NoCache);
    if (m_edgeLayer)
        m_edgeLayer->setCacheMode(enabled ? QGraphicsItem::DeviceCoordinateCache : QGraphicsItem::NoCache);
}

void GraphScene::setZooming(bool zooming)
{
    if (zooming == m_zooming)
        return;
    m_zooming = zooming;
    setItemCaching(!zooming);
    if (m_edgeLayer)
        m_edgeLayer->setQuick(zooming);
}

} // namespace fanout
