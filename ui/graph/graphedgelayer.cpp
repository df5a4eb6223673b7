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
    routesChanged();
}

void GraphEdgeLayer::routesChanged()
{
    QRectF bounds;
    for (const GraphEdgeItem *edge : m_edges)
        bounds |= edge->boundingRect();
    if (bounds == m_bounds) {
        update();
        return;
    }
    prepareGeometryChange();
    m_bounds = bounds;
}

void GraphEdgeLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF exposed = option->exposedRect;
    for (const GraphEdgeItem *edge : m_edges) {
        if (!edge->isVisible() || !edge->isPlain() || !edge->boundingRect().intersects(exposed))
            continue;
        painter->setOpacity(edge->opacity());
        edge->draw(painter, lod);
    }
}

} // namespace fanout
