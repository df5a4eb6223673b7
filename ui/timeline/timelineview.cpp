#include "ui/timeline/timelineview.h"

#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/statestyle.h"
#include "ui/timeline/timelinepainter.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace fanout {

namespace {

constexpr int kStripHeight = 76;    // at most; less in a short view, down to kMinStripHeight
constexpr int kMinStripHeight = 50;
constexpr int kRightMargin = 18;
constexpr int kTickIntervalMs = 150;

QString outcomeText(AttemptRecord::Outcome outcome)
{
    switch (outcome) {
    case AttemptRecord::Outcome::Running: return QStringLiteral("is running");
    case AttemptRecord::Outcome::Succeeded: return QStringLiteral("succeeded");
    case AttemptRecord::Outcome::Failed: return QStringLiteral("failed");
    case AttemptRecord::Outcome::TimedOut: return QStringLiteral("timed out");
    case AttemptRecord::Outcome::Cancelled: return QStringLiteral("was cancelled");
    }
    return QString();
}

// The value of a step function at `timeMs` (0 before its first step).
int valueAt(const std::vector<TimelineStep> &steps, qint64 timeMs)
{
    const auto after = std::upper_bound(steps.begin(), steps.end(), timeMs,
                                        [](qint64 t, const TimelineStep &step) { return t < step.timeMs; });
    return after == steps.begin() ? 0 : std::prev(after)->value;
}

} // namespace

TimelineView::TimelineView(Workspace &workspace, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_data(m_deployment)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(kHeaderHeight + kMinStripHeight + 4 * kRowHeight);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setAutoFillBackground(false);
    m_tick.setInterval(kTickIntervalMs);
    connect(&m_tick, &QTimer::timeout, this, &TimelineView::onTick);

    connect(&m_deployment, &Deployment::planChanged, this, &TimelineView::onPlanChanged);
    connect(&m_deployment, &Deployment::runStarted, this, &TimelineView::onRunStarted);
    connect(&m_deployment, &Deployment::eventsRecorded, this, &TimelineView::onEventsRecorded);
    connect(&m_deployment, &Deployment::runFinished, this, &TimelineView::onRunFinished);
    connect(&m_selection, &ResourceSelection::currentChanged, this, &TimelineView::onSelectionChanged);

    onPlanChanged();
    if (m_deployment.hasRun()) {
        // Opened in the middle of (or after) a run: read what the journal holds so far.
        m_data.catchUp();
        if (m_deployment.isRunning())
            m_tick.start();
        updateFitExtent();
        relayout();
    }
}

TimelineView::~TimelineView() = default;

QList<int> TimelineView::criticalPath() const
{
    return m_data.criticalPath(nowMs());
}

// --- session ---------------------------------------------------------------------------------

void TimelineView::onPlanChanged()
{
    m_tick.stop();
    m_data.reset();
    m_rows.build(m_deployment.plan());
    m_selected = m_selection.current();

    // The label column fits the longest display name, within reason: long names are elided.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    int widest = metrics.horizontalAdvance(QStringLiteral("Running 10000, peak 10000"));
    for (const Resource &resource : m_deployment.plan().resources)
        widest = std::max(widest, metrics.horizontalAdvance(resource.displayName()));
    m_labelWanted = std::clamp(widest + 40, 170, 320);

    // Before a run the axis spans what the plan is expected to take.
    m_planEstimateMs = 0;
    const PlanGraph &graph = m_deployment.graph();
    if (graph.size() > 0 && graph.isAcyclic()) {
        std::vector<qint64> estimates(std::size_t(graph.size()));
        for (int r = 0; r < graph.size(); ++r)
            estimates[std::size_t(r)] = m_deployment.estimateMs(r);
        const std::vector<qint64> paths = graph.remainingPathLengths(estimates);
        m_planEstimateMs = *std::max_element(paths.begin(), paths.end());
    }
    verticalScrollBar()->setValue(0);
    setFitting(true);
    updateFitExtent();
    relayout();
    viewport()->update();
}

void TimelineView::onRunStarted()
{
    m_data.catchUp();
    m_tick.start();
    updateFitExtent();
    relayout();
    viewport()->update();
}

void TimelineView::onEventsRecorded(const QList<RunEvent> &events)
{
    const bool newRun = std::any_of(events.begin(), events.end(),
                                    [](const RunEvent &e) { return e.kind == RunEvent::Kind::RunStarted; });
    if (newRun)
        m_data.reset();
    m_data.catchUp();
    if (m_tick.isActive())
        return; // the next tick repaints, however many batches arrive before it
    updateFitExtent();
    relayout();
    viewport()->update();
}

void TimelineView::onRunFinished()
{
    m_data.catchUp();
    m_tick.stop();
    updateFitExtent();
    relayout();
    viewport()->update();
}

void TimelineView::onSelectionChanged(int resource)
{
    m_selected = resource;
    if (resource >= 0)
        ensureRowVisible(resource);
    viewport()->update();
}

void TimelineView::onTick()
{
    updateFitExtent();
    relayout();
    viewport()->update();
}

void TimelineView::setForecast(const ForecastRunner *runner)
{
    m_forecast = runner;
    if (runner)
        connect(runner, &ForecastRunner::forecastChanged, this, &TimelineView::onForecastChanged);
    onForecastChanged();
}

void TimelineView::onForecastChanged()
{
    if (m_tick.isActive())
        return; // the next tick relayouts
    updateFitExtent();
    relayout();
    viewport()->update();
}

qint64 TimelineView::forecastEndMs() const
{
    const Forecast *forecast = m_forecast ? m_forecast->forecast() : nullptr;
    if (!forecast || forecast->endMs.size() != std::size_t(m_data.rowCount()))
        return 0;
    // The bars' own end, as the p90 of the whole run may lie well beyond each one's median.
    const qint64 bars = forecast->endMs.empty() ? 0 : *std::max_element(forecast->endMs.begin(), forecast->endMs.end());
    return std::max(bars, forecast->medianMs);
}

// --- scale and scrolling ---------------------------------------------------------------------

qint64 TimelineView::nowMs() const
{
    if (m_deployment.isRunning())
        return std::max(m_deployment.elapsedMs(), m_data.lastEventMs());
    return m_data.finishedMs() >= 0 ? m_data.finishedMs() : m_data.lastEventMs();
}

qint64 TimelineView::contentEndMs() const
{
    return std::max(m_fitExtentMs, nowMs());
}

void TimelineView::updateFitExtent()
{
    const qint64 forecastEnd = forecastEndMs();
    if (!m_data.hasRun()) {
        const qint64 expected = forecastEnd > 0 ? forecastEnd : m_planEstimateMs;
        m_fitExtentMs = expected > 0 ? qint64(double(expected) * 1.1) : 10'000;
    } else if (!m_deployment.isRunning()) {
        // The forecast's bars stay beside the real ones: both fit.
        m_fitExtentMs = std::max<qint64>(200, qint64(double(std::max(nowMs(), forecastEnd)) * 1.03));
    } else {
        // While running, the axis spans the expected end of the run, so that bars grow across a
        // steady scale; it grows (or shrinks) in steps, not with every tick.
        const qint64 now = nowMs();
        const qint64 remaining = m_deployment.estimatedRemainingMs();
        const qint64 target = std::max<qint64>(
            1000, std::max(qint64(double(now) * 1.05), remaining >= 0 ? now + remaining : qint64(double(now) * 1.25)));
        if (target > m_fitExtentMs)
            m_fitExtentMs = qint64(double(target) * 1.2);
        else if (double(target) < double(m_fitExtentMs) * 0.5)
            m_fitExtentMs = qint64(double(target) * 1.1);
    }
}

void TimelineView::relayout()
{
    // Names get at most a third of a narrow view; longer ones are elided.
    m_labelWidth = std::min(m_labelWanted, std::max(150, viewport()->width() / 3));
    const int width = plotWidth();
    if (m_fitting)
        m_msPerPx = double(std::max<qint64>(1, m_fitExtentMs)) / double(width);

    const int rowsHeight = std::max(0, rowsBottom() - rowsTop());
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, std::max(0, m_rows.count() * kRowHeight - rowsHeight));
    vertical->setPageStep(std::max(kRowHeight, rowsHeight));
    vertical->setSingleStep(kRowHeight);

    QScrollBar *horizontal = horizontalScrollBar();
    const double contentPx = double(contentEndMs()) / m_msPerPx;
    horizontal->setRange(0, m_fitting ? 0 : std::max(0, int(std::ceil(contentPx)) - width));
    horizontal->setPageStep(width);
    horizontal->setSingleStep(std::max(1, width / 20));
}

void TimelineView::setFitting(bool fitting)
{
    if (fitting == m_fitting)
        return;
    m_fitting = fitting;
    emit fittingChanged(fitting);
}

void TimelineView::fit()
{
    setFitting(true);
    updateFitExtent();
    relayout();
    horizontalScrollBar()->setValue(0);
    viewport()->update();
}

void TimelineView::zoomIn()
{
    zoomBy(2.0, m_labelWidth + kPlotPadding + plotWidth() / 2);
}

void TimelineView::zoomOut()
{
    zoomBy(0.5, m_labelWidth + kPlotPadding + plotWidth() / 2);
}

void TimelineView::zoomBy(double factor, int anchorX)
{
    if (factor <= 0)
        return;
    const double anchor = std::clamp<double>(anchorX, m_labelWidth + kPlotPadding, m_labelWidth + kPlotPadding + plotWidth());
    const double anchorMs = timeAt(anchor);
    // Zooming out as far as everything fits is fitting, which then follows the run again.
    const double fitMsPerPx = double(std::max(contentEndMs(), m_fitExtentMs)) / double(plotWidth());
    const double msPerPx = std::max(0.01, m_msPerPx / factor);
    if (msPerPx >= fitMsPerPx * 0.999) {
        fit();
        return;
    }
    m_msPerPx = msPerPx;
    setFitting(false);
    relayout();
    horizontalScrollBar()->setValue(int(std::lround(anchorMs / m_msPerPx - (anchor - m_labelWidth - kPlotPadding))));
    viewport()->update();
}

void TimelineView::ensureRowVisible(int resource)
{
    if (m_rows.rowOf(resource) < 0 && m_rows.laneOf(resource) >= 0)
        setLaneCollapsed(m_rows.laneOf(resource), false); // what is selected is shown
    const int row = m_rows.rowOf(resource);
    if (row < 0)
        return;
    const int rowsHeight = rowsBottom() - rowsTop();
    QScrollBar *vertical = verticalScrollBar();
    const int top = row * kRowHeight;
    if (top < vertical->value())
        vertical->setValue(top);
    else if (top + kRowHeight > vertical->value() + rowsHeight)
        vertical->setValue(top + kRowHeight - rowsHeight);
}

// --- geometry --------------------------------------------------------------------------------

int TimelineView::rowsTop() const
{
    return kHeaderHeight;
}

int TimelineView::rowsBottom() const
{
    // The strip gives the rows room in a short view.
    const int strip = std::clamp(viewport()->height() / 5, kMinStripHeight, kStripHeight);
    return std::max(kHeaderHeight, viewport()->height() - strip);
}

int TimelineView::plotWidth() const
{
    return std::max(1, viewport()->width() - m_labelWidth - kPlotPadding - kRightMargin);
}

double TimelineView::xOf(qint64 timeMs) const
{
    return m_labelWidth + kPlotPadding + double(timeMs) / m_msPerPx - horizontalScrollBar()->value();
}

double TimelineView::timeAt(double x) const
{
    return (x - m_labelWidth - kPlotPadding + horizontalScrollBar()->value()) * m_msPerPx;
}

int TimelineView::firstVisibleRow() const
{
    return verticalScrollBar()->value() / kRowHeight;
}

QRect TimelineView::rowRect(int resource) const
{
    const int row = m_rows.rowOf(resource);
    return row < 0 ? QRect() : rowRectAt(row);
}

QRect TimelineView::rowRectAt(int row) const
{
    return QRect(0, rowsTop() + row * kRowHeight - verticalScrollBar()->value(), viewport()->width(), kRowHeight);
}

void TimelineView::setLaneCollapsed(int lane, bool collapsed)
{
    m_rows.setCollapsed(lane, collapsed);
    relayout();
    viewport()->update();
}

QRect TimelineView::plotRect() const
{
    return QRect(m_labelWidth, rowsTop(), viewport()->width() - m_labelWidth, rowsBottom() - rowsTop());
}

int TimelineView::heightForAllRows() const
{
    return kHeaderHeight + m_rows.count() * kRowHeight + kStripHeight + 2 * frameWidth();
}

QRect TimelineView::stripRect() const
{
    return QRect(0, rowsBottom(), viewport()->width(), viewport()->height() - rowsBottom());
}

QRect TimelineView::attemptRect(int resource, int attempt) const
{
    if (resource < 0 || resource >= m_data.rowCount() || attempt < 0 || attempt >= m_data.attempts(resource).size())
        return QRect();
    const AttemptRecord &record = m_data.attempts(resource)[attempt];
    const qint64 end = record.endMs >= 0 ? record.endMs : std::max(record.startMs, nowMs());
    const double left = xOf(record.startMs);
    const double right = std::max(xOf(end), left + 3); // the shortest attempt still shows
    const QRect row = rowRect(resource);
    return QRectF(left, row.top() + 3, right - left, kRowHeight - 6).toAlignedRect();
}

QRect TimelineView::forecastRect(int resource) const
{
    const Forecast *forecast = m_forecast ? m_forecast->forecast() : nullptr;
    if (!forecast || resource < 0 || std::size_t(resource) >= forecast->startMs.size() || forecast->endMs.size() != forecast->startMs.size()
        || forecast->startMs.size() != std::size_t(m_data.rowCount()))
        return QRect();
    const qint64 start = forecast->startMs[std::size_t(resource)];
    const qint64 end = forecast->endMs[std::size_t(resource)];
    if (start < 0 || end < 0)
        return QRect();
    const double left = xOf(start);
    const double right = std::max(xOf(end), left + 3);
    const QRect row = rowRect(resource);
    return QRectF(left, row.top() + 2, right - left, kRowHeight - 4).toAlignedRect();
}

QRect TimelineView::waitRect(int resource, int attempt) const
{
    if (resource < 0 || resource >= m_data.rowCount() || attempt < 0 || attempt >= m_data.attempts(resource).size())
        return QRect();
    const AttemptRecord &record = m_data.attempts(resource)[attempt];
    if (record.startMs <= record.readyMs)
        return QRect();
    const QRect row = rowRect(resource);
    const double left = xOf(record.readyMs);
    return QRectF(left, row.top() + 6, xOf(record.startMs) - left, kRowHeight - 12).toAlignedRect();
}

TimelineView::Hit TimelineView::hitTest(const QPoint &pos) const
{
    Hit hit;
    if (pos.y() < rowsTop() || pos.y() >= rowsBottom())
        return hit;
    const int row = (pos.y() - rowsTop() + verticalScrollBar()->value()) / kRowHeight;
    if (row < 0 || row >= m_rows.count())
        return hit;
    hit.lane = m_rows.laneAt(row);
    hit.resource = m_rows.resourceAt(row);
    if (hit.resource < 0 || pos.x() < m_labelWidth)
        return hit;
    const int resource = hit.resource;
    const QList<AttemptRecord> &attempts = m_data.attempts(resource);
    // Later attempts are drawn on top, so they win; a few pixels of slack make thin bars easy to hit.
    for (int i = int(attempts.size()) - 1; i >= 0; --i) {
        const QRect wait = waitRect(resource, i);
        const QRect bar = attemptRect(resource, i);
        const int left = (wait.isValid() ? wait.left() : bar.left()) - 3;
        const int right = bar.right() + (bar.width() < 16 ? 9 : 3); // a narrow bar's glyph sits past its end
        if (pos.x() >= left && pos.x() <= right) {
            hit.attempt = i;
            break;
        }
    }
    return hit;
}

// --- text ------------------------------------------------------------------------------------

QString TimelineView::toolTipText(int resource, int attempt) const
{
    if (resource < 0 || resource >= m_data.rowCount())
        return QString();
    if (attempt < 0 || attempt >= m_data.attempts(resource).size())
        return rowToolTip(resource);
    const Resource &res = m_deployment.plan().resources[resource];
    const AttemptRecord &record = m_data.attempts(resource)[attempt];
    QString text = QStringLiteral("<b>%1</b>").arg(res.displayName().toHtmlEscaped());
    if (!res.name.isEmpty())
        text += QStringLiteral(" <span style=\"color:#5f6368\">(%1)</span>").arg(res.id.toHtmlEscaped());
    text += QStringLiteral("<br>Attempt %1 %2").arg(record.number).arg(outcomeText(record.outcome));
    if (m_data.wasRetried(resource, record.number))
        text += QStringLiteral(", retried automatically");
    if (record.startMs > record.readyMs)
        text += QStringLiteral("<br>Waited %1 for a free slot").arg(formatDuration(record.startMs - record.readyMs));
    text += QStringLiteral("<br>Started at %1").arg(formatDuration(record.startMs));
    if (record.endMs >= 0) {
        text += QStringLiteral(", ended at %1, took %2")
                    .arg(formatDuration(record.endMs), formatDuration(record.endMs - record.startMs));
    } else {
        text += QStringLiteral(", running for %1").arg(formatDuration(std::max<qint64>(0, nowMs() - record.startMs)));
    }
    if (!record.error.isEmpty())
        text += QStringLiteral("<br><span style=\"color:#b31412\">Error: %1</span>").arg(record.error.toHtmlEscaped());
    if (m_data.isCritical(resource))
        text += QStringLiteral("<br><i>On the critical path</i>");
    return text;
}

QString TimelineView::rowToolTip(int resource) const
{
    const Resource &res = m_deployment.plan().resources[resource];
    QString text = QStringLiteral("<b>%1</b>").arg(res.displayName().toHtmlEscaped());
    if (!res.name.isEmpty())
        text += QStringLiteral(" <span style=\"color:#5f6368\">(%1)</span>").arg(res.id.toHtmlEscaped());
    const ResourceState state = m_data.state(resource);
    text += QStringLiteral("<br>%1").arg(StateStyle::label(state));
    const qsizetype attempts = m_data.attempts(resource).size();
    if (attempts > 0)
        text += attempts == 1 ? QStringLiteral(", 1 attempt") : QStringLiteral(", %1 attempts").arg(attempts);
    if (const qint64 since = m_data.readySinceMs(resource); since >= 0)
        text += QStringLiteral("<br>Waiting for a free slot since %1 (%2 so far)")
                    .arg(formatDuration(since), formatDuration(std::max<qint64>(0, nowMs() - since)));
    const QString reason = m_data.hasRun() ? m_deployment.status(resource).reason : QString();
    if (!reason.isEmpty())
        text += QStringLiteral("<br>%1").arg(reason.toHtmlEscaped());
    if (m_data.isCritical(resource))
        text += QStringLiteral("<br><i>On the critical path</i>");
    return text;
}

QString TimelineView::stripToolTip(const QPoint &pos) const
{
    if (!m_data.hasRun() || pos.x() < m_labelWidth)
        return QString();
    const qint64 t = std::max<qint64>(0, qint64(timeAt(pos.x())));
    if (t > nowMs())
        return QString();
    return QStringLiteral("At %1: %2 running, limit %3")
        .arg(formatDuration(t))
        .arg(valueAt(m_data.runningSteps(), t))
        .arg(valueAt(m_data.limitSteps(), t));
}

qint64 TimelineView::tickStepMs(double msPerPixel, int minSpacingPx)
{
    static const qint64 steps[] = {
        1, 2, 5, 10, 20, 50, 100, 200, 500,                     // below a second
        1'000, 2'000, 5'000, 10'000, 15'000, 30'000,            // seconds
        60'000, 120'000, 300'000, 600'000, 900'000, 1'800'000,  // minutes
        3'600'000, 7'200'000, 10'800'000, 21'600'000, 43'200'000, 86'400'000,
    };
    const double least = msPerPixel * minSpacingPx;
    for (const qint64 step : steps) {
        if (double(step) >= least)
            return step;
    }
    const qint64 day = 86'400'000;
    return day * qint64(std::ceil(least / double(day)));
}

QString TimelineView::tickLabel(qint64 timeMs, qint64 stepMs)
{
    if (stepMs < 1000 && timeMs % 1000 != 0) {
        const int decimals = stepMs % 100 == 0 ? 1 : stepMs % 10 == 0 ? 2 : 3;
        QString text = QString::number(double(timeMs) / 1000.0, 'f', decimals);
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        return text + QLatin1Char('s');
    }
    const qint64 totalSeconds = timeMs / 1000;
    if (totalSeconds < 60)
        return QStringLiteral("%1s").arg(totalSeconds);
    const qint64 hours = totalSeconds / 3600;
    const qint64 minutes = totalSeconds / 60 % 60;
    const qint64 seconds = totalSeconds % 60;
    QStringList parts;
    if (hours > 0)
        parts << QStringLiteral("%1h").arg(hours);
    if (minutes > 0)
        parts << QStringLiteral("%1m").arg(minutes);
    if (seconds > 0)
        parts << QStringLiteral("%1s").arg(seconds);
    return parts.join(QLatin1Char(' '));
}

// --- painting helpers, shared with the legend ------------------------------------------------

ResourceState TimelineView::stateOf(AttemptRecord::Outcome outcome)
{
    switch (outcome) {
    case AttemptRecord::Outcome::Running: return ResourceState::Running;
    case AttemptRecord::Outcome::Succeeded: return ResourceState::Succeeded;
    case AttemptRecord::Outcome::Failed:
    case AttemptRecord::Outcome::TimedOut: return ResourceState::Failed;
    case AttemptRecord::Outcome::Cancelled: return ResourceState::Cancelled;
    }
    return ResourceState::Running;
}

QColor TimelineView::criticalColor()
{
    return QColor(0x93, 0x34, 0xe6);
}

QColor TimelineView::selectionColor()
{
    return QColor(0xe2, 0xec, 0xfd);
}

void TimelineView::paintWait(QPainter *painter, const QRectF &rect)
{
    painter->save();
    painter->setPen(Qt::NoPen);
    painter->setBrush(StateStyle::fill(ResourceState::Ready));
    painter->drawRect(rect);
    QColor hatch = StateStyle::stroke(ResourceState::Ready);
    hatch.setAlpha(150);
    painter->setBrush(QBrush(hatch, Qt::BDiagPattern));
    painter->drawRect(rect);
    painter->restore();
}

void TimelineView::paintAttempt(QPainter *painter, const QRectF &rect, AttemptRecord::Outcome outcome, bool critical)
{
    const ResourceState state = stateOf(outcome);
    const QColor stroke = StateStyle::stroke(state);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(critical ? QPen(criticalColor(), 2.0) : QPen(stroke, 1.0));
    painter->setBrush(StateStyle::fill(state));
    painter->drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);

    // The outcome as a glyph at the bar's end, so that it never rests on colour alone: a check,
    // a cross, a clock for a timeout, a square for a cancel, a play sign while running.
    const ResourceState glyph = outcome == AttemptRecord::Outcome::TimedOut ? ResourceState::RetryWait : state;
    const qreal size = rect.height() - 4;
    if (rect.width() >= size + 6) {
        StateStyle::paintGlyph(painter, QRectF(rect.right() - size - 2, rect.top() + 2, size, size), glyph, stroke);
    } else {
        // Too narrow to hold it: a small badge on the bar's end.
        const QPointF centre(rect.right(), rect.center().y());
        const qreal radius = size / 2 + 1.5;
        painter->setPen(QPen(critical ? criticalColor() : stroke, critical ? 1.5 : 1.0));
        painter->setBrush(Qt::white);
        painter->drawEllipse(centre, radius, radius);
        StateStyle::paintGlyph(painter, QRectF(centre.x() - radius + 2, centre.y() - radius + 2, 2 * radius - 4, 2 * radius - 4),
                               glyph, stroke);
    }
    painter->restore();
}

void TimelineView::paintBackoff(QPainter *painter, qreal x1, qreal x2, qreal y)
{
    painter->save();
    painter->setPen(QPen(StateStyle::stroke(ResourceState::RetryWait), 1.5, Qt::DotLine));
    painter->drawLine(QPointF(x1, y), QPointF(x2, y));
    painter->restore();
}

// --- painting --------------------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    TimelinePainter(*this, painter).paint();
}

// --- input -----------------------------------------------------------------------------------

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void TimelineView::scrollContentsBy(int, int)
{
    // The axis, the labels and the strip stay put, so the whole view repaints rather than scrolls.
    viewport()->update();
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = event->angleDelta().y() / 120.0;
        if (steps != 0)
            zoomBy(std::pow(1.25, steps), int(event->position().x()));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton || event->button() == Qt::RightButton) {
        const Hit hit = hitTest(event->position().toPoint());
        if (hit.resource >= 0)
            m_selection.select(hit.resource);
        else if (hit.lane >= 0 && event->button() == Qt::LeftButton)
            setLaneCollapsed(hit.lane, !m_rows.lanes()[std::size_t(hit.lane)].collapsed);
    }
    QAbstractScrollArea::mousePressEvent(event);
}

void TimelineView::contextMenuEvent(QContextMenuEvent *event)
{
    const Hit hit = hitTest(event->pos());
    if (hit.resource < 0)
        return;
    QMenu *menu = createContextMenu(hit.resource, this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

QMenu *TimelineView::createContextMenu(int resource, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const QString id = m_deployment.plan().resources[resource].id;
    QAction *retry = menu->addAction(QStringLiteral("Retry"));
    retry->setEnabled(m_deployment.canRetry(resource));
    connect(retry, &QAction::triggered, this, [this, id] { m_deployment.retry({id}); });
    QAction *logs = menu->addAction(QStringLiteral("Show logs"));
    connect(logs, &QAction::triggered, this, [this, resource] { emit showLogsRequested(resource); });
    return menu;
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    // Through the rows as shown (a collapsed lane's instances are passed by; its header is not a
    // resource to select).
    const int n = m_rows.count();
    if (n == 0)
        return QAbstractScrollArea::keyPressEvent(event);
    const int page = std::max(1, (rowsBottom() - rowsTop()) / kRowHeight - 1);
    const int current = m_rows.rowOf(m_selected);
    int next = -2;
    int step = 1;
    switch (event->key()) {
    case Qt::Key_Up: next = current < 0 ? 0 : current - 1; step = -1; break;
    case Qt::Key_Down: next = current < 0 ? 0 : current + 1; break;
    case Qt::Key_PageUp: next = current - page; step = -1; break;
    case Qt::Key_PageDown: next = current + page; break;
    case Qt::Key_Home: next = 0; break;
    case Qt::Key_End: next = n - 1; step = -1; break;
    default: break;
    }
    if (next == -2)
        return QAbstractScrollArea::keyPressEvent(event);
    next = std::clamp(next, 0, n - 1);
    while (next >= 0 && next < n && m_rows.resourceAt(next) < 0)
        next += step;
    if (next >= 0 && next < n)
        m_selection.select(m_rows.resourceAt(next));
    event->accept();
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const Hit hit = hitTest(help->pos());
        QString text;
        QRect area;
        if (hit.lane >= 0) {
            const TimelineRows::Lane &lane = m_rows.lanes()[std::size_t(hit.lane)];
            text = tr("%1: %2 resources, wave %3. Click to %4.").arg(lane.target).arg(lane.instances.size()).arg(lane.wave + 1)
                       .arg(lane.collapsed ? tr("show them") : tr("fold them into this row"));
            area = rowRectAt(m_rows.rowOfLane(hit.lane));
        } else if (hit.resource >= 0) {
            text = toolTipText(hit.resource, hit.attempt);
            area = hit.attempt >= 0 ? attemptRect(hit.resource, hit.attempt) : rowRect(hit.resource);
        } else if (stripRect().contains(help->pos())) {
            text = stripToolTip(help->pos());
            area = QRect(help->pos(), QSize(1, 1)).adjusted(-2, -40, 2, 40);
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport(), area);
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace fanout
