#pragma once

#include <QStyledItemDelegate>

namespace fanout {

// Paints one log line on one text row: the time in grey, the resource's id in its own colour (in
// panes that mix resources), then the text with its ANSI colours, coloured by level where the text
// has no colour of its own. Lines too long for the pane are cut off with an ellipsis; the tooltip
// and Copy have all of them.
class LogDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit LogDelegate(QObject *parent = nullptr);

    // Whether lines show their resource's id (the All pane), and in how wide a column.
    void setShowResource(bool show) { m_showResource = show; }
    bool showsResource() const { return m_showResource; }
    void setResourceColumn(int characters) { m_resourceColumn = characters; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static constexpr int kMaxResourceColumn = 20; // characters; longer ids are cut off with "…"

private:
    bool m_showResource = true;
    int m_resourceColumn = 8;
};

} // namespace fanout
