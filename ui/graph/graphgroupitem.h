#pragma once

#include <QFont>
#include <QGraphicsItem>

namespace fanout {

// A group of resources on the graph: a labelled box behind its members.
class GraphGroupItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 3 };

    GraphGroupItem(int group, const QString &label, const QRectF &rect, const QRectF &labelRect);

    // The room the label needs, in scene units.
    static QSizeF labelSizeFor(const QString &label);

    int group() const { return m_group; }
    QString label() const { return m_label; }
    QRectF rect() const { return m_rect; }
    QRectF labelRect() const { return m_labelRect; }
    void setRect(const QRectF &rect, const QRectF &labelRect); // refitted around moved members

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    static QFont labelFont();

    int m_group;
    QString m_label;
    QRectF m_rect;
    QRectF m_labelRect;
};

} // namespace fanout
