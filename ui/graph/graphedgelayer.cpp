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

void GraphEdgeLayer::setQuick(bool quick)
{
    if (quick == m_quick)
        return;
    m_quick = quick;
    update();
}

// What is to be drawn, in the layer's (the scene's) coordinates. Qt's item cache passes the
// bounding rect of what it exposes as exposedRect: after a zoom that is the whole layer, though the
// cache holds only the viewport's pixels, and after a diagonal scroll (an L of two thin strips) the
// whole viewport. Every edge that crosses it would be stroked, and stroked across all of that rect
// before the clip drops the pixels: a frame of the run's follower stroked all 3,600 edges of a
// 2,000-resource plan (12-19 ms) where 500 were on screen, or 500 edges the width of the view where
// 300 cross the strips, a few pixels each. The painter's clip (whose pieces the cache sets) and its
// device say exactly what.
QList<QRectF> GraphEdgeLayer::areasToDraw(QPainter *painter, const QRectF &exposed)
{
    QRectF bounds = exposed;
    const QPaintDevice *device = painter->device();
    bool invertible = false;
    const QTransform toLayer = painter->combinedTransform().inverted(&invertible);
    if (!invertible)
        return {bounds};
    if (device && device->width() > 0 && device->height() > 0)
        bounds &= toLayer.mapRect(QRectF(0, 0, device->width(), device->height()));
    if (!painter->hasClipping())
        return {bounds};
    // The clip's pieces on the device, exactly (in the layer's units they would be rounded), and
    // back in the layer's: a clip to one of them is that piece again, to the pixel.
    painter->save();
    painter->resetTransform();
    const QRegion clip = painter->clipRegion();
    painter->restore();
    QList<QRectF> areas;
    for (const QRect &piece : clip) {
        if (const QRectF area = toLayer.mapRect(QRectF(piece)) & bounds; !area.isEmpty())
            areas.append(area);
    }
    return areas;
}

void GraphEdgeLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool clipped = painter->hasClipping();
    // An edge's antialiased pixels reach a little past its bounds, at any zoom.
    const qreal kNear = 2 / std::max(lod, 0.01);
    for (const QRectF &area : areasToDraw(painter, option->exposedRect)) {
        // One piece at a time, clipped to it: a line is then stroked only where it crosses it.
        // (The pieces do not overlap: no pixel is drawn twice.)
        if (clipped) {
            painter->save();
            painter->setClipRect(area, Qt::IntersectClip);
        }
        const QRectF near = area.adjusted(-kNear, -kNear, kNear, kNear);
        for (const GraphEdgeItem *edge : m_edges) {
            if (!edge->isVisible() || !edge->isPlain() || !edge->sceneBoundingRect().intersects(near))
                continue;
            // Where the edge is: its route is in its own coordinates, moved by its position (a drag
            // carries an edge whose two ends move). The layer sits at the scene's origin.
            const QPointF at = edge->pos();
            painter->translate(at);
            painter->setOpacity(edge->opacity());
            edge->draw(painter, lod, m_quick);
            painter->translate(-at);
        }
        if (clipped)
            painter->restore();
    }
}

} // namespace fanout
