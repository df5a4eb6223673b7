#include "ui/graph/nodedragger.h"

#include "engine/plan/plan.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"

namespace fanout {

NodeDragger::NodeDragger(GraphScene &scene)
    : m_scene(scene)
{
}

bool NodeDragger::start(const QList<int> &resources, const Plan &plan)
{
    m_nodes.clear();
    m_nodesFrom.clear();
    QSet<int> moving;
    for (int r : resources) {
        if (GraphNodeItem *node = m_scene.nodeItem(r)) {
            m_nodes.append(r);
            m_nodesFrom.append(node->pos());
            moving.insert(r);
        }
    }
    if (m_nodes.isEmpty())
        return false;
    m_moving = true;
    collectEdges(moving);
    collectGroups(moving, plan);
    return true;
}

void NodeDragger::collectEdges(const QSet<int> &moving)
{
    for (GraphEdgeItem *edge : m_scene.edgeItems()) {
        const bool from = moving.contains(edge->from());
        const bool to = moving.contains(edge->to());
        if (from && to) {
            m_carried.append(edge);
            m_carriedFrom.append(edge->pos());
        } else if (from || to) {
            m_rerouted.append(edge);
        }
    }
}

void NodeDragger::collectGroups(const QSet<int> &moving, const Plan &plan)
{
    for (GraphGroupItem *item : m_scene.groupItems()) {
        Group group;
        bool affected = false;
        for (int r = 0; r < plan.resources.size(); ++r) {
            const GraphNodeItem *node = m_scene.nodeItem(r);
            if (!node || plan.resources[r].group.isEmpty() || plan.groupIndex(plan.resources[r].group) != item->group())
                continue;
            group.members.append(r);
            group.membersBefore |= node->sceneRect();
            affected = affected || moving.contains(r);
        }
        if (!affected)
            continue;
        group.item = item;
        group.cluster.group = item->group();
        group.cluster.rect = item->rect();
        group.cluster.labelRect = item->labelRect();
        m_groups.append(group);
    }
}

void NodeDragger::moveBy(QPointF offset)
{
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (GraphNodeItem *node = m_scene.nodeItem(m_nodes[i]))
            node->setPos(m_nodesFrom[i] + offset);
    }
    for (int i = 0; i < m_carried.size(); ++i)
        m_carried[i]->setPos(m_carriedFrom[i] + offset);
    for (GraphEdgeItem *edge : std::as_const(m_rerouted)) {
        const QRectF from = m_scene.edgeEndRect(edge->from());
        const QRectF to = m_scene.edgeEndRect(edge->to());
        if (from.isNull() || to.isNull())
            continue;
        const GraphLayout::Edge route = GraphLayout::route(edge->from(), edge->to(), from, to);
        edge->setPos(0, 0);
        edge->setRoute(route.path, route.arrowTip);
    }
    for (const Group &group : std::as_const(m_groups)) {
        QRectF now;
        for (int r : group.members) {
            if (const GraphNodeItem *node = m_scene.nodeItem(r))
                now |= node->sceneRect();
        }
        const GraphLayout::Cluster fitted = GraphLayout::refit(group.cluster, group.membersBefore, now);
        group.item->setRect(fitted.rect, fitted.labelRect);
    }
}

QHash<int, QPointF> NodeDragger::finish()
{
    QHash<int, QPointF> centres;
    for (int i = 0; i < m_nodes.size(); ++i) {
        const GraphNodeItem *node = m_scene.nodeItem(m_nodes[i]);
        if (!node || node->pos() == m_nodesFrom[i])
            continue;
        const QPointF centre = node->sceneRect().center();
        centres.insert(m_nodes[i], QPointF(qRound(centre.x()), qRound(centre.y())));
    }
    forget();
    return centres;
}

void NodeDragger::cancel()
{
    moveBy(QPointF(0, 0));
    forget();
}

void NodeDragger::forget()
{
    m_moving = false;
    m_nodes.clear();
    m_nodesFrom.clear();
    m_rerouted.clear();
    m_carried.clear();
    m_carriedFrom.clear();
    m_groups.clear();
}

} // namespace fanout
