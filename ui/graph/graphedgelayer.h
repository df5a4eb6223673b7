#pragma once

#include <QGraphicsItem>
#include <QList>
#include <QPainterPath>

namespace fanout {

class GraphEdgeItem;

// Every plain edge of the graph (neither emphasised nor selected), drawn as one item whose pixels
// are cached in device coordinates: during a run only the nodes change, and a repaint blits the
// edges rather than stroking thousands of splines again (the dashboard's longest stalls came from
// that). The edge items stay, for hit-testing, tooltips and the edges that stand out, and tell the
// layer when they change (GraphEdgeItem::setLayer).
class GraphEdgeLayer : public QGraphicsItem
{
public:
    enum { Type = UserType + 6 };

    explicit GraphEdgeLayer(const QList<GraphEdgeItem *> &edges);

    // An edge moved (a new route, or carried with its two ends by a drag), from `before` to
    // `after` in the scene: both are drawn again, and the layer grows to take it in (it does not
    // shrink; a new layout builds a new layer).
    void edgeMoved(const QRectF &before, const QRectF &after);
    // While the view zooms, hairlines are drawn the quick way (GraphEdgeItem::draw); after, the
    // layer is drawn again, smoothly.
    void setQuick(bool quick);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override { return {}; } // never hit: clicks are for the edges' own items
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    // The parts of the layer, in its own coordinates, that a paint with this painter and exposed
    // rect must draw (the pieces of the painter's clip, within its device): each is drawn clipped
    // to itself, with the edges that cross it.
    static QList<QRectF> areasToDraw(QPainter *painter, const QRectF &exposed);

private:
    const QList<GraphEdgeItem *> &m_edges; // the scene's, which outlive this item
    QRectF m_bounds;
    bool m_quick = false;
};

} // namespace fanout
