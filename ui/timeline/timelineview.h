#pragma once

#include "engine/run/resourcestatus.h"
#include "models/run/timelinedata.h"
#include "models/run/timelinerows.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QTimer>

class QMenu;
class QPainter;

namespace fanout {

class Deployment;
class ForecastRunner;
class ResourceSelection;
class Workspace;

// The run as a sequence diagram: a row per resource in plan order, a bar per attempt (the wait for
// a slot, the run, how it ended), a "now" line, the critical path, and under the rows a strip of
// how many resources were running against the parallelism limit. Paints only the rows in view and
// follows the run from its journal, batch by batch, so that thousands of rows stay smooth.
// Ctrl+wheel zooms around the cursor; Fit (the default, kept while the run grows) shows it all.
class TimelineView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    // What is under a point: a resource's row and, on a bar, which of its attempts (an index into
    // its attempts, -1 for the row itself).
    struct Hit
    {
        int resource = -1;
        int attempt = -1;
        int lane = -1; // a swimlane's header (TimelineRows::lanes())
    };

    explicit TimelineView(Workspace &workspace, QWidget *parent = nullptr);
    ~TimelineView() override;

    const TimelineData &data() const { return m_data; }
    // The rows: one per resource, or swimlanes by target in a plan with targets.
    const TimelineRows &rows() const { return m_rows; }
    // Opens or closes a target's swimlane (a click on its header does).
    void setLaneCollapsed(int lane, bool collapsed);
    // The forecast's faint bars: where each resource is expected to run, behind the real ones;
    // before a run, the time axis spans the forecast.
    void setForecast(const ForecastRunner *runner);
    // The run's critical path so far, root first.
    QList<int> criticalPath() const;
    bool isFitting() const { return m_fitting; }
    double msPerPixel() const { return m_msPerPx; }

    // Geometry in viewport coordinates (rows out of view give rectangles outside the viewport).
    QRect rowRect(int resource) const;                  // the whole row, label column included; empty when hidden
    QRect rowRectAt(int row) const;                     // of a row, whatever it shows
    QRect attemptRect(int resource, int attempt) const; // the running part of an attempt's bar
    QRect waitRect(int resource, int attempt) const;    // its wait for a slot; empty when none
    QRect forecastRect(int resource) const;             // its faint forecast bar; empty without one
    QRect plotRect() const;                             // where the rows' bars are drawn
    QRect stripRect() const;                            // the running-resources strip
    // The height at which every row shows at once, with the header and the strip, for an export.
    int heightForAllRows() const;
    Hit hitTest(const QPoint &pos) const;
    QString toolTipText(int resource, int attempt) const;
    // Retry and Show logs for `resource`; the caller owns (and usually execs) the menu.
    QMenu *createContextMenu(int resource, QWidget *parent);

    // The time axis: a tick step of 1, 2 or 5 × 10^k ms below a second, then 1, 2, 5, 10, 15, 30
    // seconds or minutes and 1, 2, 3, 6, 12, 24 hours, the smallest at least `minSpacingPx` apart.
    static qint64 tickStepMs(double msPerPixel, int minSpacingPx);
    static QString tickLabel(qint64 timeMs, qint64 stepMs); // "0s", "2.5s", "1m 30s", "2h"

    // How the view draws things, shared with its legend so that the two always agree.
    static QColor criticalColor();
    static QColor selectionColor();
    static void paintWait(QPainter *painter, const QRectF &rect);
    static void paintAttempt(QPainter *painter, const QRectF &rect, AttemptRecord::Outcome outcome, bool critical);
    static void paintBackoff(QPainter *painter, qreal x1, qreal x2, qreal y);

public slots:
    void fit();
    void zoomIn();
    void zoomOut();
    // Zooms by `factor` (above 1: in) keeping the time under viewport x `anchorX` in place.
    void zoomBy(double factor, int anchorX);

signals:
    void showLogsRequested(int resource);
    void fittingChanged(bool fitting);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    // Paints the view by its geometry below (xOf, the rows in view, the label column).
    friend class TimelinePainter;

    // The geometry the view and its painter share.
    static constexpr int kRowHeight = 20;
    static constexpr int kHeaderHeight = 26;
    static constexpr int kPlotPadding = 10; // between the label column and time 0
    static constexpr int kTickSpacing = 70; // at least this many pixels between labelled ticks
    // The state whose colours show an attempt that ended so.
    static ResourceState stateOf(AttemptRecord::Outcome outcome);

    void onPlanChanged();
    void onRunStarted();
    void onEventsRecorded(const QList<RunEvent> &events);
    void onRunFinished();
    void onSelectionChanged(int resource);
    void onTick();
    void onForecastChanged();
    qint64 forecastEndMs() const; // where the forecast expects the run to end; 0 without one

    qint64 nowMs() const;          // the end of running bars: elapsed while running, else the last event
    qint64 contentEndMs() const;   // how far the horizontal scroll goes
    void updateFitExtent();
    void relayout();               // the scale (when fitting) and the scroll bars
    void ensureRowVisible(int resource);
    void setFitting(bool fitting);

    double xOf(qint64 timeMs) const;
    double timeAt(double x) const;
    int rowsTop() const;
    int rowsBottom() const;
    int plotWidth() const;
    int firstVisibleRow() const;

    QString stripToolTip(const QPoint &pos) const;
    QString rowToolTip(int resource) const;

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    TimelineData m_data;
    TimelineRows m_rows;
    QTimer m_tick;               // repaints the growing bars and the "now" line while running
    double m_msPerPx = 10.0;
    qint64 m_fitExtentMs = 10'000;
    qint64 m_planEstimateMs = 0; // the plan's longest path, measured in estimates
    const ForecastRunner *m_forecast = nullptr;
    int m_labelWidth = 200;      // the label column's
    int m_labelWanted = 200;     // what the longest name needs
    int m_selected = -1;
    bool m_fitting = true;
};

} // namespace fanout
