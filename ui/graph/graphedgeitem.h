#pragma once

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>

namespace fanout {

class GraphEdgeLayer;

// A dependency on the graph: the spline the layout routed from a dependency to what depends on
// it, with an arrowhead at the dependent's end. Emphasised while it lies on the selected
// resource's paths; drawn in the selection colour while selected itself (to delete it). The view
// handles clicks: the item takes no mouse buttons, and its shape is a band around the line so that
// a click near it hits it.
class GraphEdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 2 };

    // `path` is a cubic Bézier spline (start, then control, control, end triples) ending where the
    // arrowhead starts; `arrowTip` is where the arrowhead points.
    GraphEdgeItem(int from, int to, const QList<QPointF> &path, QPointF arrowTip);

    // A new route, for when an end was dragged elsewhere.
    void setRoute(const QList<QPointF> &path, QPointF arrowTip);

    int from() const { return m_from; }
    int to() const { return m_to; }
    bool isEmphasised() const { return m_emphasised; }
    void setEmphasised(bool emphasised);
    // Implied by others (a -> c when a -> b -> c), left out of the layout: drawn dashed, and only
    // while one of its ends is selected (GraphScene).
    bool isImplied() const { return m_implied; }
    void setImplied(bool implied);

    QPainterPath path() const { return m_path; }

    // Plain (neither emphasised nor selected), a shown edge is drawn by the scene's edge layer with
    // all the others, from its cache; this item then paints nothing. The layer hears of every
    // change that bears on it. Without a layer, the item draws itself.
    bool isPlain() const { return !m_emphasised && !isSelected(); }
    void setLayer(GraphEdgeLayer *layer);
    // The edge as seen at `lod` (QStyleOptionGraphicsItem::levelOfDetailFromTransform). `quick`:
    // while the view zooms, a plain edge that would be a smooth hairline is drawn without
    // antialiasing, in about half the time (GraphScene::setZooming).
    void draw(QPainter *painter, qreal lod, bool quick = false) const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;
    // Tell the scene (a GraphScene), which makes the edge stand out while the mouse is on it.
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    int m_from;
    int m_to;
    QPainterPath m_path;
    QPolygonF m_arrow;
    QRectF m_bounds;
    bool m_emphasised = false;
    bool m_implied = false;
    GraphEdgeLayer *m_layer = nullptr;
};

} // namespace fanout
