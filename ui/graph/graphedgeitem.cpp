#include "ui/graph/graphedgeitem.h"

#include "ui/graph/graphedgelayer.h"
#include "ui/graph/graphscene.h"

#include <QLineF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

namespace fanout {

namespace {

const QColor kEdge(0x80, 0x86, 0x8b);
const QColor kEmphasisedEdge(0x20, 0x21, 0x24);
constexpr qreal kWidth = 1.3;
constexpr qreal kEmphasisedWidth = 2.2;
const QColor kSelectedEdge(0x1a, 0x73, 0xe8); // the nodes' selection ring
constexpr qreal kSelectedWidth = 3.0;
constexpr qreal kHitWidth = 8; // a click this close to the line selects it
// Below this zoom edges are drawn as plain hairlines (see paint()); below the next, without arrowheads.
constexpr qreal kDetailedLevelOfDetail = 0.45;
constexpr qreal kArrowLevelOfDetail = 0.2;
constexpr qreal kHairlineWidth = 1.5; // on screen, in pixels: up to this a plain edge is a hairline

} // namespace

GraphEdgeItem::GraphEdgeItem(int from, int to, const QList<QPointF> &path, QPointF arrowTip)
    : m_from(from)
    , m_to(to)
{
    setFlag(ItemIsSelectable);
    setFlag(ItemSendsGeometryChanges); // a move is told to the edge layer
    setAcceptedMouseButtons(Qt::NoButton);
    setAcceptHoverEvents(true);
    setRoute(path, arrowTip);
}

void GraphEdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    if (auto *graph = qobject_cast<GraphScene *>(scene()))
        graph->hoverEdge(this);
    QGraphicsItem::hoverEnterEvent(event);
}

void GraphEdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *event)
{
    if (auto *graph = qobject_cast<GraphScene *>(scene()))
        graph->hoverEdge(nullptr);
    QGraphicsItem::hoverLeaveEvent(event);
}

void GraphEdgeItem::setRoute(const QList<QPointF> &path, QPointF arrowTip)
{
    const QRectF before = sceneBoundingRect();
    prepareGeometryChange();
    m_path = QPainterPath();
    if (!path.isEmpty()) {
        m_path.moveTo(path.first());
        for (int i = 1; i + 2 < path.size(); i += 3)
            m_path.cubicTo(path[i], path[i + 1], path[i + 2]);
        if ((path.size() - 1) % 3 != 0) // not a whole spline: join the points
            m_path.lineTo(path.last());
    }
    // The arrowhead spans from the end of the spline to the tip; without room for one, it points
    // along the spline's last direction.
    const QPointF base = m_path.currentPosition();
    QLineF axis(base, arrowTip);
    if (axis.length() < 1) {
        QLineF direction(m_path.pointAtPercent(0.95), base);
        direction.setLength(8);
        axis = QLineF(base, base + (direction.p2() - direction.p1()));
    }
    const QLineF normal = axis.normalVector().unitVector();
    const QPointF side = (normal.p2() - normal.p1()) * axis.length() * 0.42;
    m_arrow = QPolygonF({axis.p2(), axis.p1() + side, axis.p1() - side});
    m_bounds = m_path.boundingRect().united(m_arrow.boundingRect()).adjusted(-2, -2, 2, 2);
    if (m_layer)
        m_layer->edgeMoved(before, sceneBoundingRect());
}

void GraphEdgeItem::setLayer(GraphEdgeLayer *layer)
{
    m_layer = layer;
    update();
}

QVariant GraphEdgeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (m_layer && change == ItemPositionChange)
        m_layer->edgeMoved(sceneBoundingRect(), m_bounds.translated(value.toPointF()));
    if (m_layer && (change == ItemSelectedHasChanged || change == ItemVisibleHasChanged || change == ItemOpacityHasChanged))
        m_layer->update(sceneBoundingRect());
    return QGraphicsItem::itemChange(change, value);
}

void GraphEdgeItem::setEmphasised(bool emphasised)
{
    if (emphasised == m_emphasised)
        return;
    m_emphasised = emphasised;
    update();
    if (m_layer)
        m_layer->update(sceneBoundingRect());
}

void GraphEdgeItem::setImplied(bool implied)
{
    if (implied == m_implied)
        return;
    m_implied = implied;
    update();
    if (m_layer)
        m_layer->update(sceneBoundingRect());
}

QRectF GraphEdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath GraphEdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(kHitWidth);
    QPainterPath band = stroker.createStroke(m_path);
    band.addPolygon(m_arrow);
    return band;
}

void GraphEdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    if (m_layer && isPlain())
        return; // drawn by the layer
    draw(painter, option->levelOfDetailFromTransform(painter->worldTransform()));
}

void GraphEdgeItem::draw(QPainter *painter, qreal lod, bool quick) const
{
    const bool selected = isSelected();
    const QColor color = selected ? kSelectedEdge : m_emphasised ? kEmphasisedEdge : kEdge;
    const bool plain = !selected && !m_emphasised;
    // Where a plain edge would be about a pixel wide on screen (see below).
    const bool hairline = plain && kWidth * lod <= kHairlineWidth;
    if ((plain && lod < kDetailedLevelOfDetail) || (quick && hairline)) {
        // Zoomed out, a large plan has thousands of edges, and every repaint strokes them all:
        // hairlines without antialiasing cost a fraction of smooth curves, and look the same there.
        // While the view zooms, every frame strokes every edge on screen: the same, until it stops.
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(QPen(color, 0));
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(m_path);
        if (lod >= kArrowLevelOfDetail) { // direction still matters while nodes can be told apart
            painter->setPen(Qt::NoPen);
            painter->setBrush(color);
            painter->drawPolygon(m_arrow);
        }
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    // Dashed: routed straight across, not around the nodes, and shown only for its ends' sake.
    // Where a plain edge would be about a pixel wide on screen, it is a smooth one-pixel line:
    // Qt strokes those along the screen's pixels, clipped to them, while a wider pen is turned into
    // a polygon the whole length of the curve first (a large plan's long edges cost 200 ms a frame).
    painter->setPen(QPen(color, hairline ? 0 : selected ? kSelectedWidth : m_emphasised ? kEmphasisedWidth : kWidth,
                         m_implied ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(QPen(color, 1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(color);
    painter->drawPolygon(m_arrow);
}

} // namespace fanout
