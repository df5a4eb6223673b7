#include "ui/graph/graphedgelayer.h"

#include "ui/graph/graphedgeitem.h"

#include <QPainter>
#include <QPaintDevice>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

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

// What is to be drawn, in the layer's (the scene's) coordinates. Qt's item cache passes the
// bounding rect of what it exposes as exposedRect: after a zoom that is the whole layer, though the
// cache holds only the viewport's pixels, and after a diagonal scroll (an L of two thin strips) the
// whole viewport. Every edge that crosses it would be stroked, clipped away pixel by pixel: a frame
// of the run's follower stroked all 3,600 edges of a 2,000-resource plan (12-19 ms) where 500 were
// on screen, or 500 where 300 cross the strips. The painter's clip and its device say exactly what.
QList<QRectF> GraphEdgeLayer::areasToDraw(const QPainter *painter, const QRectF &exposed)
{
    QRectF bounds = exposed;
    const QPaintDevice *device = painter->device();
    bool invertible = false;
    const QTransform toLayer = painter->combinedTransform().inverted(&invertible);
    if (invertible && device && device->width() > 0 && device->height() > 0)
        bounds &= toLayer.mapRect(QRectF(0, 0, device->width(), device->height()));
    if (!painter->hasClipping())
        return {bounds};
    // In logical coordinates, whole units: a margin keeps an edge that rounding would lose.
    constexpr qreal kMargin = 2;
    QList<QRectF> areas;
    for (const QRect &rect : painter->clipRegion())
        if (const QRectF area = QRectF(rect).adjusted(-kMargin, -kMargin, kMargin, kMargin) & bounds; !area.isEmpty())
            areas.append(area);
    return areas;
}

void GraphEdgeLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QList<QRectF> areas = areasToDraw(painter, option->exposedRect);
    const auto crosses = [&areas](const QRectF &bounds) {
        return std::any_of(areas.begin(), areas.end(), [&bounds](const QRectF &area) { return bounds.intersects(area); });
    };
    for (const GraphEdgeItem *edge : m_edges) {
        if (!edge->isVisible() || !edge->isPlain() || !crosses(edge->sceneBoundingRect()))
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
