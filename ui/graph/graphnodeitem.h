#pragma once

#include "engine/run/runevent.h"

#include <QColor>
#include <QFontMetricsF>
#include <QFont>
#include <QGraphicsItem>

namespace fanout {

// One resource on the graph: a rounded box in its state's colours with the state's glyph (so that
// state is never colour alone), its name and type, the attempt number after a retry and, while it
// runs, its elapsed time against its estimate. Far out it is just the coloured box. A resource that
// is never run (a data source, a no-op) is drawn muted with a dashed outline; one that exists only
// under a condition carries an "if" tag.
class GraphNodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    GraphNodeItem(int resource, const QString &name, const QString &type, const QRectF &rect);

    // The size a node needs for this text, in scene units; the layout makes every node this big.
    static QSizeF sizeFor(const QString &name, const QString &type);

    // `name` as drawn in `width`: whole when it fits, else a short form that keeps what tells it
    // apart, which in resource names is their end: "…private-a" for subnet-private-a, cut where a
    // word starts ("-", ".", "_", "[", a capital). `sharedTail` is how many of its last characters
    // another name of the plan ends with too: the form then keeps the word where they differ,
    // "…Subnet2B…Association" for PrivateSubnet2BRouteTableAssociation beside
    // PrivateSubnet2ARouteTableAssociation. The tooltip has the name whole.
    static QString shortName(const QString &name, const QFontMetricsF &metrics, qreal width, int sharedTail = 0);
    // See shortName(); the scene sets it from the names of the whole plan.
    void setSharedTail(int characters) { m_sharedTail = characters; }
    int sharedTail() const { return m_sharedTail; }

    int resource() const { return m_resource; }
    ResourceState state() const { return m_state; }
    int attempt() const { return m_attempt; }
    QRectF rect() const { return m_rect; }

    // Marks of an imported resource: never run, or created only under a condition.
    void setMarks(bool runs, bool conditional);
    bool runs() const { return m_runs; }
    bool isConditional() const { return m_conditional; }

    // Marks a node the user placed by hand (its position is saved in the plan): a small pin.
    void setPinned(bool pinned);
    bool isPinned() const { return m_pinned; }
    QRectF sceneRect() const { return mapRectToScene(m_rect); } // where it is, dragged or not

    // The connector: a dot on the bottom edge (shown while the mouse is over an editable graph's
    // node) to drag to another resource, which then depends on this one.
    void setConnectorShown(bool shown);
    bool isConnectorShown() const { return m_connectorShown; }
    QPointF connectorCentre() const { return mapToScene(QPointF(m_rect.center().x(), m_rect.bottom())); } // in the scene
    static constexpr qreal kConnectorRadius = 5;

    void setStatus(ResourceState state, int attempt);
    // Running time of the current attempt against the estimate; elapsedMs < 0 hides the progress.
    void setProgress(qint64 elapsedMs, qint64 estimateMs);
    QString progressText() const; // "12s / 30s", empty when hidden

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    // Tell the scene (a GraphScene), which shows the node's own edges and fades the rest.
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;

private:
    static QFont nameFont();
    static QFont detailFont();
    // The steps of paint(). Far out (below the text's level of detail) a node is only its box,
    // with the glyph and the start of the name where they still show.
    void paintFarOut(QPainter *painter, qreal lod, const QColor &fill, const QColor &stroke) const;
    void paintBox(QPainter *painter, const QColor &fill, const QColor &stroke) const; // and the selection ring
    void paintMarks(QPainter *painter) const; // on the box's edges: connector, pin, "if" tag
    QRectF paintText(QPainter *painter, const QColor &stroke) const; // glyph, name, detail; returns the detail line
    void paintProgress(QPainter *painter, const QRectF &detailLine, const QColor &stroke) const; // below that line

    int m_resource;
    QString m_name;
    QString m_type;
    QRectF m_rect;
    ResourceState m_state = ResourceState::Pending;
    int m_attempt = 0;
    qint64 m_elapsedMs = -1;
    qint64 m_estimateMs = 0;
    bool m_runs = true;
    bool m_conditional = false;
    bool m_pinned = false;
    bool m_connectorShown = false;
    int m_sharedTail = 0;
};

} // namespace fanout
