#pragma once

#include "engine/run/runevent.h"

#include <QCoreApplication>
#include <QFont>
#include <QGraphicsItem>

#include <array>

namespace fanout {

// A collapsed group on the graph (folded, in GroupFolding's words): one box for all of its members, that says what
// it holds and how far the run has got with them ("212 resources — 180 done, 12 running, 2
// failed") over a bar of their states. Double-clicking it expands the group (the view does that).
class GraphSummaryItem : public QGraphicsItem
{
    Q_DECLARE_TR_FUNCTIONS(GraphSummaryItem)

public:
    enum { Type = UserType + 5 };

    GraphSummaryItem(int group, const QString &label, int members, const QRectF &rect);

    // The room a summary of `label` needs, in scene units.
    static QSizeF sizeFor(const QString &label);

    int group() const { return m_group; }
    QString label() const { return m_label; }
    int memberCount() const { return m_members; }
    QRectF rect() const { return m_rect; }

    // How many members are in each state, by ResourceState.
    using Counts = std::array<int, kResourceStateCount>;
    void setCounts(const Counts &counts);
    const Counts &counts() const { return m_counts; }
    // The second line: how many it holds, and how many done, running, failed...
    QString summary() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    static QFont titleFont();
    void updateToolTip();

    int m_group;
    QString m_label;
    int m_members;
    QRectF m_rect;
    Counts m_counts{};
};

} // namespace fanout
