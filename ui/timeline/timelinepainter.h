#pragma once

#include "engine/run/targetprogress.h"

#include <QtGlobal>

class QPainter;
class QRect;

namespace fanout {

class TimelineData;
class TimelineView;

// Paints a TimelineView, one frame at a time: the rows in view (backgrounds, bars, the critical
// path's links, labels), the header with its time axis, the strip of running resources against the
// parallelism limit, and the "now" line; before a run, a hint. It draws by the view's own geometry
// (where a time or a row is on screen), which is why it is the view's friend: that geometry is
// nobody else's business.
class TimelinePainter
{
public:
    TimelinePainter(const TimelineView &view, QPainter &painter);

    void paint(); // the whole viewport

private:
    // The strip's vertical scale: 0 at `base`, `max` at `top`.
    struct StripScale
    {
        double top = 0;
        double base = 0;
        int max = 1;
        double yOf(int value) const;
    };

    void paintGrid(qint64 step, int top, int bottom);
    void paintRowBackgrounds(int first, int last);
    void paintForecastBars(int first, int last); // faint, behind the real ones
    void paintBars(int first, int last);
    void paintLabels(int first, int last);
    void paintLaneLabel(int row);
    void paintLaneBars(int first, int last);
    void paintWaves();
    TargetProgress progressOf(int lane) const;
    void paintCriticalLinks();
    void paintHeader(qint64 step);
    void paintStrip();
    void paintStripFrame(const QRect &strip);
    // In the strip's label column, with the values now.
    void paintStripLegend(const QRect &strip, const StripScale &scale, int limitNow);
    void paintRunning(const StripScale &scale); // how many ran, as an area
    void paintLimit(const StripScale &scale);
    void paintNowLine();
    void paintHint();
    void paintForecastHint();

    const TimelineView &m_view;
    const TimelineData &m_data;
    QPainter &m_painter;
    const qint64 m_now;       // where running bars end
    const int m_labelWidth;   // the label column's
};

} // namespace fanout
