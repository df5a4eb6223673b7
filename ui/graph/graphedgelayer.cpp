#include "ui/graph/graphedgelayer.h"

#include "ui/graph/graphedgeitem.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace fanout {

GraphEdgeLayer::GraphEdgeLayer(const QList<GraphEdgeItem *> &edges)
    : m_edges(edges)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setFlag(ItemUsesExtendedStyleOption); // exposedRect: only the edges that cross it are drawn
    setCacheMode(DeviceCoordinateCache);
    for (const GraphEdgeItem *edge : m_edges)
        m_bounds |= edge->sceneBoundingRect();
}

void GraphEdgeLayer::edgeMoved(const QRectF &before, const QRectF &after)
{
    if (!m_bounds.contains(after)) {
        prepareGeometryChange();
        m_bounds |= after;
    }
    update(before);
    update(after);
}

void GraphEdgeLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF exposed = option->exposedRect;
    for (const GraphEdgeItem *edge : m_edges) {
        if (!edge->isVisible() || !edge->isPlain() || !edge->sceneBoundingRect().intersects(exposed))
            continue;
        // Where the edge is: its route is in its own coordinates, moved by its position (a drag
        // carries an edge whose two ends move). The layer sits at the scene's origin.
        const QPointF at = edge->pos();
        painter->translate(at);
        painter->setOpacity(edge->opacity());
        edge->draw(painter, lod);
        painter->translate(-at);
    }
}

} // namespace fanout
