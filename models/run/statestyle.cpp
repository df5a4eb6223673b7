#include "models/run/statestyle.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace fanout {

QColor StateStyle::fill(ResourceState state)
{
    switch (state) {
    case ResourceState::Pending: return QColor(0xe8, 0xea, 0xed);
    case ResourceState::Ready: return QColor(0xd2, 0xe3, 0xfc);
    case ResourceState::Running: return QColor(0x8a, 0xb4, 0xf8);
    case ResourceState::RetryWait: return QColor(0xfd, 0xd6, 0x63);
    case ResourceState::Succeeded: return QColor(0x81, 0xc9, 0x95);
    case ResourceState::Failed: return QColor(0xf2, 0x8b, 0x82);
    case ResourceState::Skipped: return QColor(0xf1, 0xf3, 0xf4);
    case ResourceState::Cancelled: return QColor(0xda, 0xdc, 0xe0);
    }
    return Qt::white;
}

QColor StateStyle::stroke(ResourceState state)
{
    switch (state) {
    case ResourceState::Pending: return QColor(0x80, 0x86, 0x8b);
    case ResourceState::Ready: return QColor(0x19, 0x67, 0xd2);
    case ResourceState::Running: return QColor(0x17, 0x4e, 0xa6);
    case ResourceState::RetryWait: return QColor(0xb0, 0x60, 0x00);
    case ResourceState::Succeeded: return QColor(0x13, 0x73, 0x33);
    case ResourceState::Failed: return QColor(0xb3, 0x14, 0x12);
    case ResourceState::Skipped: return QColor(0x9a, 0xa0, 0xa6);
    case ResourceState::Cancelled: return QColor(0x5f, 0x63, 0x68);
    }
    return Qt::black;
}

QString StateStyle::label(ResourceState state)
{
    switch (state) {
    case ResourceState::Pending: return QStringLiteral("Pending");
    case ResourceState::Ready: return QStringLiteral("Ready");
    case ResourceState::Running: return QStringLiteral("Running");
    case ResourceState::RetryWait: return QStringLiteral("Retry wait");
    case ResourceState::Succeeded: return QStringLiteral("Succeeded");
    case ResourceState::Failed: return QStringLiteral("Failed");
    case ResourceState::Skipped: return QStringLiteral("Skipped");
    case ResourceState::Cancelled: return QStringLiteral("Cancelled");
    }
    return QString();
}

void StateStyle::paintGlyph(QPainter *painter, const QRectF &rect, ResourceState state, const QColor &color)
{
    const qreal s = qMin(rect.width(), rect.height());
    const QRectF r(rect.center().x() - s / 2, rect.center().y() - s / 2, s, s);
    const QPointF c = r.center();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPen pen(color, qMax<qreal>(1.2, s / 7), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    const auto at = [&](qreal x, qreal y) { return QPointF(r.left() + x * s, r.top() + y * s); };
    switch (state) {
    case ResourceState::Pending: // an empty circle: not started
        painter->drawEllipse(c, s * 0.35, s * 0.35);
        break;
    case ResourceState::Ready: { // a circle with a dot: about to start
        painter->drawEllipse(c, s * 0.35, s * 0.35);
        painter->setBrush(color);
        painter->drawEllipse(c, s * 0.1, s * 0.1);
        break;
    }
    case ResourceState::Running: { // play
        QPainterPath path(at(0.28, 0.18));
        path.lineTo(at(0.82, 0.5));
        path.lineTo(at(0.28, 0.82));
        path.closeSubpath();
        painter->setBrush(color);
        painter->drawPath(path);
        break;
    }
    case ResourceState::RetryWait: { // a clock: waiting to try again
        painter->drawEllipse(c, s * 0.38, s * 0.38);
        painter->drawLine(c, at(0.5, 0.25));
        painter->drawLine(c, at(0.7, 0.5));
        break;
    }
    case ResourceState::Succeeded: // a check mark
        painter->drawPolyline(QList<QPointF>{at(0.18, 0.52), at(0.42, 0.76), at(0.84, 0.26)});
        break;
    case ResourceState::Failed: // a cross
        painter->drawLine(at(0.22, 0.22), at(0.78, 0.78));
        painter->drawLine(at(0.78, 0.22), at(0.22, 0.78));
        break;
    case ResourceState::Skipped: // an arrow jumping over: passed by
        painter->drawArc(QRectF(at(0.15, 0.3), at(0.85, 1.0)), 0, 180 * 16);
        painter->drawLine(at(0.85, 0.65), at(0.70, 0.52));
        painter->drawLine(at(0.85, 0.65), at(0.95, 0.48));
        break;
    case ResourceState::Cancelled: // stop: a square
        painter->setBrush(color);
        painter->drawRect(QRectF(at(0.27, 0.27), at(0.73, 0.73)));
        break;
    }
    painter->restore();
}

QIcon StateStyle::icon(ResourceState state)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(state));
    if (it != cache.end())
        return *it;
    QIcon icon;
    for (int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill(state));
        painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1));
        paintGlyph(&painter, QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6), state, stroke(state));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return cache.insert(int(state), icon).value();
}

} // namespace fanout
