#include "ui/timeline/timelinepainter.h"

#include "engine/run/deployment.h"
#include "engine/run/targetprogress.h"
#include "engine/support/duration.h"
#include "models/run/statestyle.h"
#include "ui/timeline/timelineview.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>

#include <algorithm>
#include <cmath>

namespace fanout {

namespace {

const QColor kChrome(0xf8, 0xf9, 0xfa);      // label column, header
const QColor kBorder(0xda, 0xdc, 0xe0);
const QColor kGrid(0xec, 0xed, 0xef);
const QColor kAlternate(0xfb, 0xfb, 0xfc);
const QColor kMuted(0x5f, 0x63, 0x68);
const QColor kNow(0x20, 0x21, 0x24);
const QColor kLimit(0xc5, 0x22, 0x1f);

// A target's state as the resource state whose glyph and colours show it.
ResourceState glyphState(TargetProgress::State state)
{
    switch (state) {
    case TargetProgress::State::Failed: return ResourceState::Failed;
    case TargetProgress::State::Succeeded: return ResourceState::Succeeded;
    case TargetProgress::State::Running: return ResourceState::Running;
    case TargetProgress::State::Waiting: return ResourceState::Pending;
    case TargetProgress::State::Cancelled: return ResourceState::Cancelled;
    case TargetProgress::State::NotStarted:
    case TargetProgress::State::Skipped: return ResourceState::Skipped;
    }
    return ResourceState::Pending;
}

} // namespace

TimelinePainter::TimelinePainter(const TimelineView &view, QPainter &painter)
    : m_view(view)
    , m_data(view.m_data)
    , m_painter(painter)
    , m_now(view.nowMs())
    , m_labelWidth(view.m_labelWidth)
{
}

void TimelinePainter::paint()
{
    m_painter.fillRect(m_view.viewport()->rect(), m_view.palette().base());
    const qint64 step = TimelineView::tickStepMs(m_view.m_msPerPx, TimelineView::kTickSpacing);
    const int first = m_view.firstVisibleRow();
    const int rowsHeight = m_view.rowsBottom() - m_view.rowsTop();
    const int last = std::min(m_view.m_rows.count() - 1, (m_view.verticalScrollBar()->value() + rowsHeight) / TimelineView::kRowHeight);
    if (m_data.hasRun())
        m_data.criticalPath(m_now); // refreshes which rows are critical

    m_painter.save();
    m_painter.setClipRect(m_view.plotRect());
    paintRowBackgrounds(first, last);
    paintForecastBars(first, last);
    paintCriticalLinks(); // beneath the bars, which it joins
    paintBars(first, last);
    paintLaneBars(first, last);
    paintWaves();
    m_painter.restore();
    m_painter.save();
    m_painter.setClipRect(QRect(0, m_view.rowsTop(), m_labelWidth, m_view.rowsBottom() - m_view.rowsTop()));
    paintLabels(first, last);
    m_painter.restore();

    paintHeader(step);
    paintStrip();
    if (!m_data.hasRun())
        paintHint();
    paintNowLine();
}

void TimelinePainter::paintGrid(qint64 step, int top, int bottom)
{
    const qint64 firstTick = std::max<qint64>(0, qint64(m_view.timeAt(m_labelWidth) / double(step)) * step);
    const double right = m_view.viewport()->width();
    m_painter.setPen(QPen(kGrid, 1));
    for (qint64 t = firstTick;; t += step) {
        const double x = std::round(m_view.xOf(t)) + 0.5;
        if (x > right)
            break;
        if (x >= m_labelWidth)
            m_painter.drawLine(QPointF(x, top), QPointF(x, bottom));
    }
}

void TimelinePainter::paintRowBackgrounds(int first, int last)
{
    const int width = m_view.viewport()->width();
    for (int at = first; at <= last; ++at) {
        const int r = m_view.m_rows.resourceAt(at);
        const QRect row = m_view.rowRectAt(at);
        const QRect band(m_labelWidth, row.top(), width - m_labelWidth, TimelineView::kRowHeight);
        if (r < 0) {
            m_painter.fillRect(band, kChrome); // a lane's header
            m_painter.fillRect(QRect(band.left(), band.top(), band.width(), 1), kBorder);
        } else if (r == m_view.m_selected) {
            m_painter.fillRect(band, TimelineView::selectionColor());
        } else if (at % 2 == 1) {
            m_painter.fillRect(band, kAlternate);
        }
    }
    paintGrid(TimelineView::tickStepMs(m_view.m_msPerPx, TimelineView::kTickSpacing), m_view.rowsTop(),
              m_view.rowsBottom());
}

void TimelinePainter::paintForecastBars(int first, int last)
{
    QColor fill = StateStyle::fill(ResourceState::Ready);
    fill.setAlpha(150);
    QColor edge = StateStyle::stroke(ResourceState::Ready);
    edge.setAlpha(80);
    m_painter.setPen(QPen(edge, 1, Qt::DashLine));
    m_painter.setBrush(fill);
    for (int at = first; at <= last; ++at) {
        const int r = m_view.m_rows.resourceAt(at);
        const QRect bar = r < 0 ? QRect() : m_view.forecastRect(r);
        if (bar.isValid())
            m_painter.drawRect(QRectF(bar).adjusted(0.5, 0.5, -0.5, -0.5));
    }
    m_painter.setBrush(Qt::NoBrush);
}

void TimelinePainter::paintBars(int first, int last)
{
    QFont small = m_view.font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_painter.setFont(small);
    for (int at = first; at <= last; ++at) {
        const int r = m_view.m_rows.resourceAt(at);
        if (r < 0)
            continue; // a lane's header: paintLaneBars()
        const QList<AttemptRecord> &attempts = m_data.attempts(r);
        const bool critical = m_data.isCritical(r);
        const double middle = m_view.rowRect(r).center().y() + 0.5;
        for (int i = 0; i < attempts.size(); ++i) {
            const AttemptRecord &record = attempts[i];
            if (i > 0 && m_data.wasRetried(r, attempts[i - 1].number) && attempts[i - 1].endMs >= 0)
                TimelineView::paintBackoff(&m_painter, m_view.xOf(attempts[i - 1].endMs), m_view.xOf(record.readyMs),
                                           middle);
            const QRect wait = m_view.waitRect(r, i);
            if (wait.isValid())
                TimelineView::paintWait(&m_painter, wait);
            const QRect bar = m_view.attemptRect(r, i);
            TimelineView::paintAttempt(&m_painter, bar, record.outcome, critical);
            // Numbering tells retries apart when a resource took more than one attempt.
            if (attempts.size() > 1 && bar.width() >= 34) {
                m_painter.setPen(StateStyle::stroke(TimelineView::stateOf(record.outcome)));
                m_painter.drawText(bar.adjusted(4, 0, -16, 0), Qt::AlignVCenter | Qt::AlignLeft,
                                   QStringLiteral("#%1").arg(record.number));
            }
        }
        // Waiting out a backoff, or for a slot, right now: the mark grows to the "now" line.
        if (m_data.state(r) == ResourceState::RetryWait && !attempts.isEmpty() && attempts.constLast().endMs >= 0)
            TimelineView::paintBackoff(&m_painter, m_view.xOf(attempts.constLast().endMs), m_view.xOf(m_now), middle);
        if (const qint64 since = m_data.readySinceMs(r); since >= 0) {
            const QRect row = m_view.rowRect(r);
            TimelineView::paintWait(&m_painter, QRectF(m_view.xOf(since), row.top() + 6,
                                                       std::max(2.0, m_view.xOf(m_now) - m_view.xOf(since)),
                                                       TimelineView::kRowHeight - 12));
        }
    }
    m_painter.setFont(m_view.font());
}

void TimelinePainter::paintCriticalLinks()
{
    if (!m_data.hasRun())
        return;
    const QList<int> &path = m_data.criticalPath(m_now);
    QColor color = TimelineView::criticalColor();
    color.setAlpha(170);
    m_painter.setRenderHint(QPainter::Antialiasing);
    m_painter.setPen(QPen(color, 1.5));
    // Each step of the path: from the end of a dependency down (or up) to when its dependent
    // became ready.
    for (int k = 1; k < path.size(); ++k) {
        const int from = path[k - 1];
        const int to = path[k];
        const QList<AttemptRecord> &before = m_data.attempts(from);
        const QList<AttemptRecord> &after = m_data.attempts(to);
        if (before.isEmpty() || after.isEmpty())
            continue;
        if (!m_view.rowRect(from).isValid() || !m_view.rowRect(to).isValid())
            continue; // in a folded lane
        const double x = m_view.xOf(before.constLast().endMs >= 0 ? before.constLast().endMs : m_now);
        const double y1 = m_view.rowRect(from).center().y() + 0.5;
        const double y2 = m_view.rowRect(to).center().y() + 0.5;
        const double x2 = m_view.xOf(after.constFirst().readyMs);
        if (std::max(y1, y2) < m_view.rowsTop() || std::min(y1, y2) > m_view.rowsBottom())
            continue;
        const double yStart = y1 + (y2 > y1 ? 7 : -7);
        const double yEnd = y2 + (y2 > y1 ? -7 : 7);
        m_painter.drawLine(QPointF(x, yStart), QPointF(x, yEnd));
        if (x2 > x + 1)
            m_painter.drawLine(QPointF(x, yEnd), QPointF(x2, yEnd));
    }
}

void TimelinePainter::paintLabels(int first, int last)
{
    m_painter.fillRect(QRect(0, m_view.rowsTop(), m_labelWidth, m_view.rowsBottom() - m_view.rowsTop()), kChrome);
    const QFont normal = m_view.font();
    QFont bold = normal;
    bold.setBold(true);
    for (int at = first; at <= last; ++at) {
        const int r = m_view.m_rows.resourceAt(at);
        if (r < 0) {
            paintLaneLabel(at);
            continue;
        }
        const QRect row = m_view.rowRectAt(at);
        const ResourceState state = m_data.state(r);
        if (r == m_view.m_selected)
            m_painter.fillRect(QRect(0, row.top(), m_labelWidth, TimelineView::kRowHeight),
                               StateStyle::fill(ResourceState::Ready));
        if (m_data.isCritical(r))
            m_painter.fillRect(QRect(0, row.top() + 1, 4, TimelineView::kRowHeight - 2), TimelineView::criticalColor());
        StateStyle::paintGlyph(&m_painter, QRectF(9, row.top() + 4, 12, 12), state, StateStyle::stroke(state));
        const bool muted = state == ResourceState::Skipped || state == ResourceState::Cancelled;
        m_painter.setFont(r == m_view.m_selected ? bold : normal);
        m_painter.setPen(muted ? kMuted : m_view.palette().color(QPalette::Text));
        const int indent = m_view.m_rows.laneOf(r) >= 0 ? 12 : 0; // inside a lane, under its header
        const QRect text(27 + indent, row.top(), m_labelWidth - 27 - 8 - indent, TimelineView::kRowHeight);
        const QString name = m_view.m_deployment.plan().resources[r].displayName();
        m_painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                           m_painter.fontMetrics().elidedText(name, Qt::ElideMiddle, text.width()));
    }
    m_painter.setFont(normal);
    m_painter.setPen(kBorder);
    m_painter.drawLine(m_labelWidth - 1, m_view.rowsTop(), m_labelWidth - 1, m_view.rowsBottom());
}

TargetProgress TimelinePainter::progressOf(int lane) const
{
    const Deployment &deployment = m_view.m_deployment;
    return TargetProgress::of(deployment.plan(), m_view.m_rows.lanes()[std::size_t(lane)].instances,
                              [&deployment](int r) { return deployment.status(r); });
}

// A lane's header in the label column: an arrow that opens or folds it, the target, its wave and
// how far it has got.
void TimelinePainter::paintLaneLabel(int row)
{
    const int lane = m_view.m_rows.laneAt(row);
    const TimelineRows::Lane &l = m_view.m_rows.lanes()[std::size_t(lane)];
    const QRect rect = m_view.rowRectAt(row);
    m_painter.fillRect(QRect(0, rect.top(), m_labelWidth, TimelineView::kRowHeight), kChrome.darker(104));
    m_painter.fillRect(QRect(0, rect.top(), m_labelWidth, 1), kBorder);
    // The arrow: right when folded, down when open.
    m_painter.save();
    m_painter.setRenderHint(QPainter::Antialiasing);
    m_painter.setPen(Qt::NoPen);
    m_painter.setBrush(kMuted);
    const QPointF c(11, rect.center().y() + 0.5);
    QPolygonF arrow = l.collapsed ? QPolygonF({c + QPointF(-3, -5), c + QPointF(3, 0), c + QPointF(-3, 5)})
                                  : QPolygonF({c + QPointF(-5, -3), c + QPointF(5, -3), c + QPointF(0, 3)});
    m_painter.drawPolygon(arrow);
    m_painter.restore();
    const TargetProgress progress = progressOf(lane);
    const ResourceState shown = glyphState(progress.state);
    StateStyle::paintGlyph(&m_painter, QRectF(20, rect.top() + 4, 12, 12), shown, StateStyle::stroke(shown));
    QFont bold = m_view.font();
    bold.setBold(true);
    m_painter.setFont(bold);
    m_painter.setPen(m_view.palette().color(QPalette::Text));
    // Right: its wave (when there are several) and how many of its resources are done.
    const QString counts = m_view.m_rows.waveCount() > 1 ? QStringLiteral("w%1 · %2/%3").arg(l.wave + 1).arg(progress.succeeded).arg(progress.instances)
                                                         : QStringLiteral("%1/%2").arg(progress.succeeded).arg(progress.instances);
    const QRect text(37, rect.top(), m_labelWidth - 37 - 8, TimelineView::kRowHeight);
    const int countsWidth = QFontMetrics(m_view.font()).horizontalAdvance(counts) + 8;
    m_painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                       m_painter.fontMetrics().elidedText(l.target, Qt::ElideMiddle, text.width() - countsWidth));
    m_painter.setFont(m_view.font());
    m_painter.setPen(kMuted);
    m_painter.drawText(text, Qt::AlignVCenter | Qt::AlignRight, counts);
}

// Each lane's header carries one bar from its first attempt's start to its last one's end (to
// now while it runs), in the colour of how it is doing; a lane the rollout never started says so.
void TimelinePainter::paintLaneBars(int first, int last)
{
    for (int at = first; at <= last; ++at) {
        const int lane = m_view.m_rows.laneAt(at);
        if (lane < 0)
            continue;
        const TargetProgress progress = progressOf(lane);
        const QRect row = m_view.rowRectAt(at);
        if (progress.state == TargetProgress::State::NotStarted) {
            m_painter.setPen(kMuted);
            m_painter.drawText(QRect(int(m_view.xOf(0)) + 4, row.top(), 400, TimelineView::kRowHeight), Qt::AlignVCenter | Qt::AlignLeft,
                               QStringLiteral("not started: %1").arg(progress.notStartedReason));
            continue;
        }
        if (progress.startMs < 0)
            continue;
        const qint64 end = progress.endMs >= 0 ? progress.endMs : m_now;
        const QRectF bar(m_view.xOf(progress.startMs), row.top() + 5, std::max(2.0, m_view.xOf(end) - m_view.xOf(progress.startMs)),
                         TimelineView::kRowHeight - 10);
        const ResourceState shown = glyphState(progress.state);
        m_painter.setPen(QPen(StateStyle::stroke(shown), 1));
        m_painter.setBrush(StateStyle::fill(shown));
        m_painter.drawRect(bar.adjusted(0.5, 0.5, -0.5, -0.5));
        m_painter.setBrush(Qt::NoBrush);
    }
}

// Where each wave of the rollout began: a dashed line down the plot at its first attempt, named.
void TimelinePainter::paintWaves()
{
    const TimelineRows &rows = m_view.m_rows;
    if (rows.waveCount() < 2 || !m_data.hasRun())
        return;
    std::vector<qint64> begins(std::size_t(rows.waveCount()), -1);
    for (const TimelineRows::Lane &lane : rows.lanes()) {
        for (const int r : lane.instances) {
            const QList<AttemptRecord> &attempts = m_data.attempts(r);
            if (attempts.isEmpty())
                continue;
            qint64 &begin = begins[std::size_t(lane.wave)];
            begin = begin < 0 ? attempts.constFirst().startMs : std::min(begin, attempts.constFirst().startMs);
        }
    }
    QFont small = m_view.font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_painter.setFont(small);
    for (int w = 0; w < int(begins.size()); ++w) {
        if (begins[std::size_t(w)] < 0)
            continue;
        const double x = std::round(m_view.xOf(begins[std::size_t(w)])) + 0.5;
        m_painter.setPen(QPen(kMuted, 1, Qt::DashLine));
        m_painter.drawLine(QPointF(x, m_view.rowsTop()), QPointF(x, m_view.rowsBottom()));
        const QString label = QStringLiteral("wave %1").arg(w + 1);
        const QRect box(int(x) + 3, m_view.rowsTop() + 1, m_painter.fontMetrics().horizontalAdvance(label) + 6, 14);
        m_painter.fillRect(box, m_view.palette().base());
        m_painter.setPen(kMuted);
        m_painter.drawText(box, Qt::AlignCenter, label);
    }
    m_painter.setFont(m_view.font());
}

void TimelinePainter::paintHeader(qint64 step)
{
    const int width = m_view.viewport()->width();
    m_painter.fillRect(QRect(0, 0, width, TimelineView::kHeaderHeight), kChrome);
    m_painter.setPen(kBorder);
    m_painter.drawLine(0, TimelineView::kHeaderHeight - 1, width, TimelineView::kHeaderHeight - 1);
    m_painter.drawLine(m_labelWidth - 1, 0, m_labelWidth - 1, TimelineView::kHeaderHeight);

    QFont small = m_view.font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_painter.setFont(small);
    m_painter.setPen(kMuted);
    m_painter.drawText(QRect(9, 0, m_labelWidth - 18, TimelineView::kHeaderHeight), Qt::AlignVCenter | Qt::AlignLeft,
                       QStringLiteral("%1 resources").arg(m_data.rowCount()));

    m_painter.save();
    m_painter.setClipRect(QRect(m_labelWidth, 0, width - m_labelWidth, TimelineView::kHeaderHeight));
    const qint64 firstTick = std::max<qint64>(0, qint64(m_view.timeAt(m_labelWidth) / double(step)) * step);
    const QFontMetrics metrics(small);
    for (qint64 t = firstTick;; t += step) {
        const double x = std::round(m_view.xOf(t)) + 0.5;
        if (x > width)
            break;
        m_painter.setPen(kBorder);
        m_painter.drawLine(QPointF(x, TimelineView::kHeaderHeight - 6), QPointF(x, TimelineView::kHeaderHeight - 1));
        const QString label = TimelineView::tickLabel(t, step);
        const int labelWidth = metrics.horizontalAdvance(label);
        // Centred on its tick, but never cut by the label column.
        const double left = std::max<double>(m_labelWidth + 3, x - labelWidth / 2.0);
        m_painter.setPen(kMuted);
        m_painter.drawText(QRectF(left, 0, labelWidth + 2, TimelineView::kHeaderHeight - 6), Qt::AlignCenter, label);
    }

    // Where the run is: a tag on the axis above the "now" (or finish) line.
    if (m_data.hasRun()) {
        const QString tag = m_view.m_deployment.isRunning() ? formatDuration(m_now)
                                                  : QStringLiteral("done in %1").arg(formatDuration(m_now));
        QFont bold = small;
        bold.setBold(true);
        m_painter.setFont(bold);
        const int tagWidth = QFontMetrics(bold).horizontalAdvance(tag) + 10;
        const double x = m_view.xOf(m_now);
        const QRectF box(std::clamp(x - tagWidth / 2.0, double(m_labelWidth + 1), double(width - tagWidth - 1)), 3,
                         tagWidth, TimelineView::kHeaderHeight - 8);
        if (x >= m_labelWidth && x <= width) {
            m_painter.setRenderHint(QPainter::Antialiasing);
            m_painter.setPen(Qt::NoPen);
            m_painter.setBrush(kNow);
            m_painter.drawRoundedRect(box, 3, 3);
            m_painter.setPen(Qt::white);
            m_painter.drawText(box, Qt::AlignCenter, tag);
        }
    }
    m_painter.restore();
    m_painter.setFont(m_view.font());
}

void TimelinePainter::paintStrip()
{
    const QRect strip = m_view.stripRect();
    paintStripFrame(strip);
    const std::vector<TimelineStep> &limits = m_data.limitSteps();
    const int limitNow = limits.empty() ? m_view.m_deployment.parallelism() : limits.back().value;
    StripScale scale;
    scale.top = strip.top() + 12;
    scale.base = strip.bottom() - 6;
    scale.max = std::max({1, m_data.maxLimit(), m_data.maxRunning(), limitNow});
    paintStripLegend(strip, scale, limitNow);
    if (!m_data.hasRun())
        return;
    m_painter.save();
    m_painter.setClipRect(QRect(m_labelWidth, strip.top() + 1, m_view.viewport()->width() - m_labelWidth, strip.height() - 1));
    m_painter.setRenderHint(QPainter::Antialiasing);
    paintRunning(scale);
    paintLimit(scale);
    m_painter.restore();
}

double TimelinePainter::StripScale::yOf(int value) const
{
    return base - (base - top) * value / max;
}

void TimelinePainter::paintStripFrame(const QRect &strip)
{
    const int width = m_view.viewport()->width();
    m_painter.fillRect(strip, m_view.palette().base());
    m_painter.fillRect(QRect(0, strip.top(), m_labelWidth, strip.height()), kChrome);
    m_painter.setPen(kBorder);
    m_painter.drawLine(0, strip.top(), width, strip.top());
    m_painter.drawLine(m_labelWidth - 1, strip.top(), m_labelWidth - 1, strip.bottom());
    m_painter.save();
    m_painter.setClipRect(QRect(m_labelWidth, strip.top() + 1, width - m_labelWidth, strip.height() - 1));
    paintGrid(TimelineView::tickStepMs(m_view.m_msPerPx, TimelineView::kTickSpacing), strip.top() + 1, strip.bottom());
    m_painter.restore();
}

void TimelinePainter::paintStripLegend(const QRect &strip, const StripScale &scale, int limitNow)
{
    const std::vector<TimelineStep> &running = m_data.runningSteps();
    const int runningNow = running.empty() ? 0 : running.back().value;
    QFont small = m_view.font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_painter.setFont(small);
    const QFontMetrics metrics(small);
    const int line = metrics.height() + 4;
    const int textTop = strip.top() + 8;
    m_painter.fillRect(QRectF(9, textTop + line / 2.0 - 4, 12, 8), StateStyle::fill(ResourceState::Running));
    m_painter.setPen(m_view.palette().color(QPalette::Text));
    m_painter.drawText(QRect(27, textTop, m_labelWidth - 60, line), Qt::AlignVCenter | Qt::AlignLeft,
                       m_data.hasRun() ? QStringLiteral("Running %1, peak %2").arg(runningNow).arg(m_data.maxRunning())
                                       : QStringLiteral("Running"));
    m_painter.setPen(QPen(kLimit, 1.5, Qt::DashLine));
    m_painter.drawLine(QPointF(9, textTop + line * 1.5), QPointF(21, textTop + line * 1.5));
    m_painter.setPen(m_view.palette().color(QPalette::Text));
    m_painter.drawText(QRect(27, textTop + line, m_labelWidth - 60, line), Qt::AlignVCenter | Qt::AlignLeft,
                       QStringLiteral("Limit %1").arg(limitNow));
    // The scale, at the column's right edge.
    m_painter.setPen(kMuted);
    m_painter.drawText(QRectF(m_labelWidth - 40, scale.top - line / 2.0, 34, line), Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(scale.max));
    m_painter.drawText(QRectF(m_labelWidth - 40, scale.base - line / 2.0, 34, line), Qt::AlignRight | Qt::AlignVCenter,
                       QStringLiteral("0"));
    m_painter.setFont(m_view.font());
}

void TimelinePainter::paintRunning(const StripScale &scale)
{
    // Steps outside the view are skipped. Steps within one pixel column are merged into their
    // peak (then the value they end with), so that a slot freed and taken again a millisecond
    // later does not draw a hairline, and thousands of steps cost at most one point per pixel.
    const std::vector<TimelineStep> &running = m_data.runningSteps();
    const double left = m_view.timeAt(m_labelWidth) - m_view.m_msPerPx * 2;
    const double right = m_view.timeAt(m_view.viewport()->width()) + m_view.m_msPerPx * 2;
    const double startX = std::max(m_view.xOf(0), m_view.xOf(qint64(left)));
    auto from = running.begin();
    int value = 0;
    for (; from != running.end() && double(from->timeMs) < left; ++from)
        value = from->value;
    QPainterPath area(QPointF(startX, scale.base));
    area.lineTo(startX, scale.yOf(value));
    int drawn = value; // the level the path is at
    const auto stepTo = [&](double x, int next) {
        if (next == drawn)
            return;
        area.lineTo(x, scale.yOf(drawn));
        area.lineTo(x, scale.yOf(next));
        drawn = next;
    };
    // After a column's peak the path falls back to `value`, at `dropAt`. (Not a std::optional: GCC 12
    // warns that one may be used uninitialized once this loop is in a function of its own.)
    bool dropping = false;
    double dropAt = 0;
    for (auto s = from; s != running.end() && double(s->timeMs) <= right;) {
        const double column = std::floor(m_view.xOf(s->timeMs));
        if (dropping && dropAt < column)
            stepTo(dropAt, value);
        dropping = false;
        int highest = value;
        for (; s != running.end() && std::floor(m_view.xOf(s->timeMs)) == column; ++s) {
            highest = std::max(highest, s->value);
            value = s->value;
        }
        stepTo(column, highest);
        if (value != highest) {
            dropping = true;
            dropAt = column + 1;
        }
    }
    if (dropping)
        stepTo(dropAt, value);
    const double end = m_view.xOf(std::min<qint64>(m_now, qint64(right)));
    area.lineTo(end, scale.yOf(drawn));
    area.lineTo(end, scale.base);
    area.closeSubpath();
    QColor fill = StateStyle::fill(ResourceState::Running);
    fill.setAlpha(200);
    m_painter.setPen(QPen(StateStyle::stroke(ResourceState::Running), 1.0));
    m_painter.setBrush(fill);
    m_painter.drawPath(area);
}

void TimelinePainter::paintLimit(const StripScale &scale)
{
    // A dashed step line from the run's start to now.
    const std::vector<TimelineStep> &limits = m_data.limitSteps();
    QPainterPath limit;
    for (std::size_t i = 0; i < limits.size(); ++i) {
        const double x = m_view.xOf(limits[i].timeMs);
        if (i == 0)
            limit.moveTo(x, scale.yOf(limits[i].value));
        else {
            limit.lineTo(x, scale.yOf(limits[i - 1].value));
            limit.lineTo(x, scale.yOf(limits[i].value));
        }
    }
    if (!limits.empty())
        limit.lineTo(std::max(m_view.xOf(m_now), m_view.xOf(limits.back().timeMs)), scale.yOf(limits.back().value));
    m_painter.setPen(QPen(kLimit, 2.0, Qt::DashLine));
    m_painter.setBrush(Qt::NoBrush);
    m_painter.drawPath(limit);
}

void TimelinePainter::paintNowLine()
{
    if (!m_data.hasRun())
        return;
    const double x = std::round(m_view.xOf(m_now)) + 0.5;
    if (x < m_labelWidth || x > m_view.viewport()->width())
        return;
    const bool running = m_view.m_deployment.isRunning();
    m_painter.setPen(QPen(kNow, running ? 1.5 : 1.0, running ? Qt::SolidLine : Qt::DashLine));
    m_painter.drawLine(QPointF(x, TimelineView::kHeaderHeight - 3), QPointF(x, m_view.viewport()->height()));
}

void TimelinePainter::paintForecastHint()
{
    // The rows show the forecast's bars: the hint goes to the strip, empty before a run.
    const QRect strip = m_view.stripRect();
    const QRect area(m_labelWidth + TimelineView::kPlotPadding, strip.top() + 4, m_view.plotWidth(), strip.height() - 8);
    QFont bold = m_view.font();
    bold.setBold(true);
    const QString title = QStringLiteral("Press Run to start.");
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(title) + 6;
    const QString detail = QStringLiteral("The faint bars are the forecast: where each resource is expected to run. "
                                          "Each attempt becomes a bar of its own as it happens.");
    m_painter.setFont(bold);
    m_painter.setPen(kMuted);
    m_painter.drawText(QRect(area.left(), area.top(), titleWidth, area.height()), Qt::AlignLeft | Qt::AlignVCenter, title);
    m_painter.setFont(m_view.font());
    m_painter.drawText(area.adjusted(titleWidth, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, detail);
}

void TimelinePainter::paintHint()
{
    if (m_data.rowCount() > 0 && m_view.forecastEndMs() > 0) {
        paintForecastHint();
        return;
    }
    const QRect area(m_labelWidth + TimelineView::kPlotPadding, m_view.rowsTop(), m_view.plotWidth(),
                     m_view.rowsBottom() - m_view.rowsTop());
    if (area.height() < 30)
        return;
    QFont big = m_view.font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    m_painter.setFont(big);
    m_painter.setPen(kMuted);
    const QString title = m_data.rowCount() == 0 ? QStringLiteral("This plan has no resources")
                                                 : QStringLiteral("Press Run to start");
    const int titleHeight = QFontMetrics(big).height();
    QString detail;
    if (m_data.rowCount() > 0) {
        detail = QStringLiteral("Each attempt becomes a bar as it happens: waiting for a slot, running, and how it ended.");
        if (m_view.m_planEstimateMs > 0)
            detail += QStringLiteral("\nIts longest chain of dependencies is expected to take about %1.")
                          .arg(formatDuration(m_view.m_planEstimateMs));
    }
    // Word-wrapped and inset, as high as its lines need: a narrow dock shows all of it, not the
    // first lines cut off mid-sentence.
    const QRect detailWidth(area.left() + 8, 0, area.width() - 16, area.height());
    const int flags = Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap;
    const int detailHeight = detail.isEmpty() ? 0 : QFontMetrics(m_view.font()).boundingRect(detailWidth, flags, detail).height();
    const int needed = titleHeight + 4 + detailHeight;
    const int y = area.top() + std::max(6, std::min((area.height() - needed) / 3, 90));
    m_painter.fillRect(QRect(area.left(), y - 6, area.width(), needed + 12), QColor(255, 255, 255, 220));
    m_painter.drawText(QRect(area.left(), y, area.width(), titleHeight), Qt::AlignHCenter | Qt::AlignTop, title);
    m_painter.setFont(m_view.font());
    if (!detail.isEmpty())
        m_painter.drawText(detailWidth.translated(0, y + titleHeight + 4).adjusted(0, 0, 0, detailHeight - area.height()), flags, detail);
}

} // namespace fanout
