#pragma once

// Timing what a user waits for on the Graph pane, for the benchmarks.

#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>

#include <functional>

namespace fanout::bench {

// Milliseconds from `act` until the pane's graph is drawn (layoutFinished) and painted once.
inline double timeToPicture(GraphPane &pane, const std::function<void()> &act)
{
    GraphView *view = pane.view();
    bool drawn = false;
    QEventLoop loop;
    const auto connection = QObject::connect(view, &GraphView::layoutFinished, &loop, [&] {
        drawn = true;
        if (!view->isLayingOut() && !view->isExpanding())
            loop.quit();
    });
    QElapsedTimer clock;
    clock.start();
    act();
    if (!drawn || view->isLayingOut() || view->isExpanding())
        loop.exec();
    QObject::disconnect(connection);
    QImage frame(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    view->viewport()->render(&frame);
    return double(clock.nsecsElapsed()) / 1e6;
}

} // namespace fanout::bench
