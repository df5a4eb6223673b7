#include "ui/timeline/timelinelegend.h"

#include "ui/timeline/timelineview.h"

#include <QPainter>

#include <array>

namespace fanout {

namespace {

constexpr int kSwatchWidth = 26;
constexpr int kLegendGap = 14;      // between entries
constexpr int kLineGap = 2;   // between lines

constexpr std::array kEntries{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
// As GraphNodeItem paints them on a node's top edge.
const QColor kLegendConditional(0x7b, 0x4d, 0xb8);
const QColor kLegendPin(0x5f, 0x63, 0x68);

} // namespace

TimelineLegend::TimelineLegend(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

QString TimelineLegend::text(Entry entry)
{
    switch (entry) {
    case Entry::Waiting: return tr("Waiting for a slot");
    case Entry::Running: return tr("Running");
    case Entry::Succeeded: return tr("Succeeded");
    case Entry::Failed: return tr("Failed");
    case Entry::TimedOut: return tr("Timed out");
    case Entry::Cancelled: return tr("Cancelled");
    case Entry::Backoff: return tr("Retry backoff");
    case Entry::Critical: return tr("Critical path");
    case Entry::Conditional: return tr("Only if its condition holds");
    case Entry::Pinned: return tr("Placed by hand");
    }
    return QString();
}

QStringList TimelineLegend::entryTexts()
{
    QStringList texts;
    for (const int e : kEntries)
        texts.append(text(Entry(e)));
    return texts;
}

int TimelineLegend::entryWidth(Entry entry) const
{
    return kSwatchWidth + 5 + fontMetrics().horizontalAdvance(text(entry));
}

int TimelineLegend::layout(int width, QList<QPoint> *positions) const
{
    const int lineHeight = std::max(16, fontMetrics().height());
    int x = 0;
    int y = 0;
    for (const int e : kEntries) {
        const int w = entryWidth(Entry(e));
        if (x > 0 && x + w > width) {
            x = 0;
            y += lineHeight + kLineGap;
        }
        if (positions)
            positions->append(QPoint(x, y));
        x += w + kLegendGap;
    }
    return y + lineHeight;
}

QSize TimelineLegend::sizeHint() const
{
    int width = 0;
    for (const int e : kEntries)
        width += entryWidth(Entry(e)) + kLegendGap;
    return QSize(width - kLegendGap, layout(width, nullptr));
}

QSize TimelineLegend::minimumSizeHint() const
{
    int widest = 0;
    for (const int e : kEntries)
        widest = std::max(widest, entryWidth(Entry(e)));
    return QSize(widest, layout(widest, nullptr));
}

int TimelineLegend::heightForWidth(int width) const
{
    return layout(width, nullptr);
}

void TimelineLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    QList<QPoint> positions;
    const int used = layout(width(), &positions);
    const int lineHeight = std::max(16, fontMetrics().height());
    const int top = std::max(0, (height() - used) / 2);
    for (int i = 0; i < positions.size(); ++i) {
        const Entry entry = Entry(kEntries[std::size_t(i)]);
        const QPoint at = positions[i] + QPoint(0, top);
        const QRectF swatch(at.x(), at.y() + (lineHeight - 14) / 2.0, kSwatchWidth, 14);
        switch (entry) {
        case Entry::Waiting: TimelineView::paintWait(&painter, swatch.adjusted(0, 3, 0, -3)); break;
        case Entry::Running: TimelineView::paintAttempt(&painter, swatch, AttemptRecord::Outcome::Running, false); break;
        case Entry::Succeeded: TimelineView::paintAttempt(&painter, swatch, AttemptRecord::Outcome::Succeeded, false); break;
        case Entry::Failed: TimelineView::paintAttempt(&painter, swatch, AttemptRecord::Outcome::Failed, false); break;
        case Entry::TimedOut: TimelineView::paintAttempt(&painter, swatch, AttemptRecord::Outcome::TimedOut, false); break;
        case Entry::Cancelled: TimelineView::paintAttempt(&painter, swatch, AttemptRecord::Outcome::Cancelled, false); break;
        case Entry::Backoff:
            TimelineView::paintBackoff(&painter, swatch.left(), swatch.right(), swatch.center().y());
            break;
        case Entry::Critical: {
            // The outline the critical bars get, and the marker their rows get in the label column.
            painter.fillRect(QRectF(swatch.left(), swatch.top(), 4, swatch.height()), TimelineView::criticalColor());
            TimelineView::paintAttempt(&painter, swatch.adjusted(7, 0, 0, 0), AttemptRecord::Outcome::Succeeded, true);
            break;
        }
        case Entry::Conditional: {
            // The graph's tag on a resource that exists only when its condition (or profile) holds.
            QFont tag = painter.font();
            tag.setBold(true);
            tag.setPixelSize(10);
            painter.setFont(tag);
            painter.setPen(QPen(kLegendConditional, 1));
            painter.setBrush(Qt::white);
            painter.drawRoundedRect(swatch.adjusted(2.5, 0.5, -2.5, -0.5), 7, 7);
            painter.drawText(swatch, Qt::AlignCenter, QStringLiteral("if"));
            painter.setFont(font());
            break;
        }
        case Entry::Pinned:
            // The pin's head a node placed by hand carries on its top edge.
            painter.setPen(QPen(Qt::white, 1.5));
            painter.setBrush(kLegendPin);
            painter.drawEllipse(swatch.center(), 4, 4);
            break;
        }
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(at.x() + kSwatchWidth + 5, at.y(), width(), lineHeight), Qt::AlignVCenter | Qt::AlignLeft,
                         text(entry));
    }
}

} // namespace fanout
