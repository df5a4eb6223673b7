#include "ui/panes/sparkline.h"

#include "engine/support/counted.h"
#include "engine/support/duration.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace fanout {

Sparkline::Sparkline(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize Sparkline::sizeHint() const
{
    return QSize(200, fontMetrics().height() * 2 + 8);
}

void Sparkline::setPoints(QList<Point> points)
{
    m_points = std::move(points);
    if (m_points.isEmpty()) {
        setToolTip(QString());
    } else {
        const auto [low, high] = std::minmax_element(m_points.cbegin(), m_points.cend(),
                                                     [](const Point &a, const Point &b) { return a.valueMs < b.valueMs; });
        setToolTip(tr("How long each of the last %1 took, oldest on the left: from %2 to %3; the latest took %4.")
                       .arg(counted(m_points.size(), "run"), formatDuration(low->valueMs), formatDuration(high->valueMs),
                            formatDuration(m_points.constLast().valueMs)));
    }
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    if (m_points.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter, tr("No recorded runs of this plan yet"));
        return;
    }
    qint64 high = 1;
    for (const Point &p : std::as_const(m_points))
        high = std::max(high, p.valueMs);
    const int n = int(m_points.size());
    const auto at = [&](int i) {
        const double x = n == 1 ? area.center().x() : area.left() + area.width() * i / (n - 1);
        return QPointF(x, area.bottom() - area.height() * double(m_points[i].valueMs) / double(high));
    };
    QPainterPath line(at(0));
    for (int i = 1; i < n; ++i)
        line.lineTo(at(i));
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    painter.drawPath(line);
    painter.setPen(Qt::NoPen);
    for (int i = 0; i < n; ++i) {
        if (!m_points[i].succeeded || i == n - 1) {
            painter.setBrush(m_points[i].succeeded ? palette().color(QPalette::Highlight) : QColor(0xc0, 0x30, 0x20));
            painter.drawEllipse(at(i), 2.5, 2.5);
        }
    }
}

} // namespace fanout
