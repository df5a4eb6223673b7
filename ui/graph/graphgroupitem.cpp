#include "ui/graph/graphgroupitem.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace fanout {

namespace {

const QColor kGroupFill(0xf8, 0xf9, 0xfa);
const QColor kGroupBorder(0xda, 0xdc, 0xe0);
const QColor kLabel(0x5f, 0x63, 0x68);
constexpr qreal kGroupRadius = 10;

} // namespace

GraphGroupItem::GraphGroupItem(int group, const QString &label, const QRectF &rect, const QRectF &labelRect)
    : m_group(group)
    , m_label(label)
    , m_rect(rect)
    , m_labelRect(labelRect)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setToolTip(label);
}

void GraphGroupItem::setRect(const QRectF &rect, const QRectF &labelRect)
{
    prepareGeometryChange();
    m_rect = rect;
    m_labelRect = labelRect;
    update();
}

QFont GraphGroupItem::labelFont()
{
    QFont font = QGuiApplication::font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.95);
    return font;
}

QSizeF GraphGroupItem::labelSizeFor(const QString &label)
{
    const QFontMetricsF metrics(labelFont());
    return QSizeF(std::ceil(metrics.horizontalAdvance(label)) + 4, std::ceil(metrics.height()) + 4);
}

QRectF GraphGroupItem::boundingRect() const
{
    return m_rect.adjusted(-1, -1, 1, 1);
}

void GraphGroupItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(kGroupBorder, 1));
    painter->setBrush(kGroupFill);
    painter->drawRoundedRect(m_rect, kGroupRadius, kGroupRadius);
    // Zoomed out, the label keeps a readable size (about 10 px on screen) and may then run over
    // the room the layout left for it; it is behind the nodes, so it never hides one.
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (m_labelRect.isEmpty() || lod < 0.15)
        return;
    QFont font = labelFont();
    if (QFontMetricsF(font).height() * lod < 12)
        font.setPixelSize(qRound(10 / lod));
    painter->setFont(font);
    painter->setPen(kLabel);
    const QRectF text(m_labelRect.left() + 2, m_labelRect.top(), m_rect.right() - m_labelRect.left() - 6,
                      std::max(m_labelRect.height(), QFontMetricsF(font).height()));
    painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(font).elidedText(m_label, Qt::ElideRight, text.width()));
}

} // namespace fanout
