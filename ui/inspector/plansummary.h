#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace fanout {

class Deployment;
class PlanDocument;
class TimelineData;
class Workspace;

// How the Inspector writes its title (larger, bold) and the heading of a section (bold), the same
// for a resource and for the plan.
QLabel *inspectorTitle();
QLabel *inspectorHeading(const QString &text);

// What the Inspector shows when nothing is selected: the plan and its run at a glance. The plan's
// name and errors, how many resources are in each state, how the run went, the critical path (the
// chain of dependencies expected to take longest, by the estimates: PlanGraph::longestPath) and its
// length, and during and after a run the most resources that ran at once against the parallelism
// limit. During a run it is refreshed at most every kRefreshMs while it is shown, never per event
// (a new plan, the start and end of a run are said at once): the counts come from the scheduler's
// own tallies, the peak from the timeline's data (setRunData).
class ForecastRunner;

class PlanSummary : public QWidget
{
    Q_OBJECT

public:
    explicit PlanSummary(Workspace &workspace, QWidget *parent = nullptr);

    // The run's data as the timeline keeps it, for the peak and the run's own critical path; null
    // (the default) leaves them out.
    void setRunData(const TimelineData *runData);
    // The dashboard's forecast: the expected makespan and the time left then come from it, as in
    // the status bar and the Forecast pane, rather than from the critical path alone.
    void setForecast(const ForecastRunner *forecast);

    QString text() const; // what it says, without markup, for tests
    QList<int> criticalPath() const { return m_path; } // expected, root first
    void refreshNow();

    static constexpr int kRefreshMs = 250;

signals:
    void resourceActivated(int resource); // a name of the critical path was clicked

protected:
    void showEvent(QShowEvent *event) override;

private:
    void scheduleRefresh();
    void computePath(); // when the plan changed
    QString statesHtml() const;
    QString runText() const;
    QString pathHtml(const QList<int> &path) const;
    QString peakText() const;

    const Deployment &m_deployment;
    const PlanDocument &m_document;
    const TimelineData *m_runData = nullptr;
    const ForecastRunner *m_forecast = nullptr;
    QTimer m_refresh;
    bool m_pathDirty = true;
    QList<int> m_path;      // expected critical path, root first
    qint64 m_pathMs = 0;    // its length in estimates
    QLabel *m_title;
    QLabel *m_file;
    QLabel *m_errors;
    QLabel *m_states;
    QLabel *m_run;
    QLabel *m_critical;
    QLabel *m_parallelism;
};

} // namespace fanout
