#include "ui/logs/logdelegate.h"

#include "models/logs/ansitext.h"
#include "models/logs/logmodel.h"
#include "models/logs/logstyle.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace fanout {

namespace {

constexpr int kLineMargin = 4;

} // namespace

LogDelegate::LogDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QSize LogDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    // One text row. The width is only a minimum: in a top-to-bottom QListView every row is as wide
    // as the viewport, and lines longer than that are cut off rather than scrolled to.
    return QSize(1, option.fontMetrics.height() + 2);
}

void LogDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear(); // the panel only: the text is ours to draw
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
        : (opt.state & QStyle::State_Active)                                 ? QPalette::Normal
                                                                             : QPalette::Inactive;
    const QColor highlighted = opt.palette.color(group, QPalette::HighlightedText);
    const auto level = LogLevel(index.data(LogModel::LevelRole).toInt());
    QColor lineColor = LogStyle::levelColor(level);
    if (!lineColor.isValid())
        lineColor = opt.palette.color(group, QPalette::Text);

    painter->save();
    painter->setClipRect(opt.rect);
    const QFontMetrics metrics(opt.font);
    const int charWidth = std::max(1, metrics.horizontalAdvance(QLatin1Char('0')));
    const int baseline = opt.rect.top() + (opt.rect.height() - metrics.height()) / 2 + metrics.ascent();
    const int right = opt.rect.right() - kLineMargin;
    int x = opt.rect.left() + kLineMargin;

    const QString time = index.data(LogModel::TimestampRole).toString();
    painter->setFont(opt.font);
    painter->setPen(selected ? highlighted : LogStyle::timestampColor());
    painter->drawText(QPoint(x, baseline), time);
    x += metrics.horizontalAdvance(time) + charWidth;

    if (m_showResource) {
        // A column as wide as the longest id, so that the text starts in the same place on every line.
        const int column = std::clamp(m_resourceColumn, 1, kMaxResourceColumn) * charWidth;
        const QString id = index.data(LogModel::ResourceIdRole).toString();
        if (!id.isEmpty()) {
            painter->setPen(selected ? highlighted : LogStyle::resourceColor(id));
            painter->drawText(QPoint(x, baseline), metrics.elidedText(id, Qt::ElideMiddle, column));
        }
        x += column + charWidth;
    }

    // What Fanout says about the run stands out from the resources' own output.
    QFont baseFont = opt.font;
    if (index.data(LogModel::FromRunRole).toBool())
        baseFont.setBold(true);
    AnsiText text = AnsiText::parse(index.data(LogModel::TextRole).toString());
    text.plain.replace(QLatin1Char('\t'), QLatin1Char(' ')); // one column, so spans keep their places
    for (const AnsiText::Span &span : std::as_const(text.spans)) {
        if (x >= right)
            break;
        QFont font = baseFont;
        font.setBold(baseFont.bold() || span.style.bold);
        font.setItalic(span.style.italic);
        font.setUnderline(span.style.underline);
        const QFontMetrics spanMetrics(font);
        QString part = text.plain.mid(span.start, span.length);
        int width = spanMetrics.horizontalAdvance(part);
        if (x + width > right) {
            part = spanMetrics.elidedText(part, Qt::ElideRight, right - x);
            width = spanMetrics.horizontalAdvance(part);
        }
        if (span.style.background.isValid() && !selected)
            painter->fillRect(QRect(x, opt.rect.top(), width, opt.rect.height()), span.style.background);
        painter->setFont(font);
        painter->setPen(selected ? highlighted : span.style.foreground.isValid() ? span.style.foreground : lineColor);
        painter->drawText(QPoint(x, baseline), part);
        x += width;
    }
    painter->restore();
}

} // namespace fanout
