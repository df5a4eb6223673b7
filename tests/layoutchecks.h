#pragma once

// What the layout's tests share: waiting for a layout, and measuring where edges end.

#include "engine/layout/graphlayout.h"
#include "engine/layout/graphlayouter.h"

#include <QDeadlineTimer>
#include <QRectF>
#include <QSignalSpy>

#include <algorithm>
#include <cmath>

namespace fanout::test {

// Requests a layout and waits for it (or for `timeoutMs` to pass: an invalid layout).
inline GraphLayout layOut(GraphLayouter &layouter, const GraphLayoutInput &input, int timeoutMs = 60'000)
{
    QSignalSpy spy(&layouter, &GraphLayouter::laidOut);
    const quint64 generation = layouter.request(input);
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        for (const QList<QVariant> &arguments : std::as_const(spy)) {
            if (arguments.at(0).value<quint64>() == generation)
                return arguments.at(1).value<GraphLayout>();
        }
        spy.wait(100);
    }
    GraphLayout timedOut;
    timedOut.error = QStringLiteral("no layout within %1 ms").arg(timeoutMs);
    return timedOut;
}

// How far `p` is from the outline of `rect`, inside or out.
inline qreal distanceToBorder(const QRectF &rect, QPointF p)
{
    if (rect.contains(p))
        return std::min({p.x() - rect.left(), rect.right() - p.x(), p.y() - rect.top(), rect.bottom() - p.y()});
    const qreal dx = std::max({rect.left() - p.x(), 0.0, p.x() - rect.right()});
    const qreal dy = std::max({rect.top() - p.y(), 0.0, p.y() - rect.bottom()});
    return std::hypot(dx, dy);
}

} // namespace fanout::test
