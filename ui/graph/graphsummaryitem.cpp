#include "ui/graph/graphsummaryitem.h"

#include "models/run/statestyle.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace fanout {

namespace {

const QColor kSummaryFill(0xf8, 0xf9, 0xfa);
const QColor kSummaryBorder(0x9a, 0xa0, 0xa6);
const QColor kSummaryText(0x20, 0x21, 0x24);
const QColor kSecondary(0x5f, 0x63, 0x68);
const QColor kTrack(0xe8, 0xea, 0xed);
constexpr qreal kSummaryRadius = 8;
constexpr qreal kSummaryPadding = 10;
constexpr qreal kSummaryBarHeight = 6;
constexpr qreal kStack = 4; // the cards drawn behind, to say that it holds many

} // namespace

GraphSummaryItem::GraphSummaryItem(int group, const QString &label, int members, const QRectF &rect)
    : m_group(group)
    , m_label(label)
    , m_members(members)
    , m_rect(rect)
{
    m_counts[int(ResourceState::Pending)] = members;
    setCursor(Qt::PointingHandCursor);
    updateToolTip();
}

void GraphSummaryItem::updateToolTip()
{
    setToolTip(QStringLiteral("<b>%1</b><br>%2<br><span style='color:#5f6368'>%3</span>")
                   .arg(m_label.toHtmlEscaped(), summary().toHtmlEscaped(),
                        tr("Double-click to expand it; View → Expand All Groups expands every one").toHtmlEscaped()));
}

QFont GraphSummaryItem::titleFont()
{
    QFont font = QGuiApplication::font();
    font.setBold(true);
    return font;
}

QSizeF GraphSummaryItem::sizeFor(const QString &label)
{
    const QFontMetricsF title(titleFont());
    const QFontMetricsF text(QGuiApplication::font());
    // Room for the title, and for the longest second line a group is likely to need.
    const qreal width = std::max({title.horizontalAdvance(label), text.horizontalAdvance(
        tr("9999 resources — 9999 done, 999 running, 999 failed")), 200.0});
    return QSizeF(std::ceil(width + 2 * kSummaryPadding + kStack), std::ceil(title.height() + text.height() + kSummaryBarHeight + 2 * kSummaryPadding + 8 + kStack));
}

void GraphSummaryItem::setCounts(const Counts &counts)
{
    if (counts == m_counts)
        return;
    m_counts = counts;
    updateToolTip();
    update();
}

QString GraphSummaryItem::summary() const
{
    const auto count = [&](ResourceState state) { return m_counts[int(state)]; };
    QStringList parts;
    if (const int done = count(ResourceState::Succeeded))
        parts.append(tr("%1 done").arg(done));
    if (const int running = count(ResourceState::Running) + count(ResourceState::RetryWait))
        parts.append(tr("%1 running").arg(running));
    if (const int failed = count(ResourceState::Failed))
        parts.append(tr("%1 failed").arg(failed));
    if (const int skipped = count(ResourceState::Skipped) + count(ResourceState::Cancelled))
        parts.append(tr("%1 skipped").arg(skipped));
    // Once something has moved, what has not yet: "3 done, 1 running, 1 waiting".
    if (const int waiting = count(ResourceState::Pending) + count(ResourceState::Ready); waiting > 0 && !parts.isEmpty())
        parts.append(tr("%1 waiting").arg(waiting));
    const QString held = m_members == 1 ? tr("1 resource") : tr("%1 resources").arg(m_members);
    return parts.isEmpty() ? held : held + QStringLiteral(" — ") + parts.join(QStringLiteral(", "));
}

QRectF GraphSummaryItem::boundingRect() const
{
    return m_rect.adjusted(-1, -1, 1, 1);
}

void GraphSummaryItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    painter->setRenderHint(QPainter::Antialiasing);
    // Two cards behind the front one: a stack of resources.
    const QRectF front = m_rect.adjusted(0, 0, -kStack, -kStack);
    painter->setPen(QPen(kSummaryBorder, 1));
    painter->setBrush(kTrack);
    painter->drawRoundedRect(front.translated(kStack, kStack), kSummaryRadius, kSummaryRadius);
    painter->setBrush(kSummaryFill);
    const bool failed = m_counts[int(ResourceState::Failed)] > 0;
    painter->setPen(QPen(failed ? StateStyle::stroke(ResourceState::Failed) : kSummaryBorder, failed ? 2 : 1.2));
    painter->drawRoundedRect(front, kSummaryRadius, kSummaryRadius);

    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF inner = front.adjusted(kSummaryPadding, kSummaryPadding, -kSummaryPadding, -kSummaryPadding);
    // The bar: done, running, failed, skipped, in the states' colours, over a grey track.
    const QRectF bar(inner.left(), inner.bottom() - kSummaryBarHeight, inner.width(), kSummaryBarHeight);
    painter->setPen(Qt::NoPen);
    painter->setBrush(kTrack);
    painter->drawRoundedRect(bar, 3, 3);
    qreal x = bar.left();
    for (const ResourceState state : {ResourceState::Succeeded, ResourceState::Running, ResourceState::RetryWait,
                                      ResourceState::Failed, ResourceState::Skipped, ResourceState::Cancelled}) {
        if (m_members <= 0 || m_counts[int(state)] == 0)
            continue;
        const qreal width = bar.width() * m_counts[int(state)] / m_members;
        painter->setBrush(StateStyle::fill(state));
        painter->drawRect(QRectF(x, bar.top(), width, bar.height()));
        x += width;
    }
    if (lod < 0.2)
        return;
    const QFont title = titleFont();
    const QFontMetricsF titleMetrics(title);
    painter->setFont(title);
    painter->setPen(kSummaryText);
    const QRectF titleRect(inner.left(), inner.top(), inner.width(), titleMetrics.height());
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, titleMetrics.elidedText(m_label, Qt::ElideMiddle, inner.width()));
    const QFont font = QGuiApplication::font();
    painter->setFont(font);
    painter->setPen(failed ? StateStyle::stroke(ResourceState::Failed) : kSecondary);
    const QRectF line(inner.left(), titleRect.bottom() + 2, inner.width(), QFontMetricsF(font).height());
    painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter, QFontMetricsF(font).elidedText(summary(), Qt::ElideRight, inner.width()));
}

} // namespace fanout
