#pragma once

#include <QWidget>

class QLabel;

namespace fanout {

class Deployment;
class ForecastChart;
class ForecastRunner;

// The Forecast dock: how long a run of the plan shown would take, and how that changes with the
// parallelism limit (a ForecastChart of the runner's sweep; clicking a point sets the limit).
// Above it a caption: before a run "Expected 4m10s (3m50s–4m40s) at parallelism 10 · critical path
// db → app → lb 3m05s", during one the time left, after it the forecast beside the actual time;
// below it where the estimates came from. Without anything to forecast, it says what to do.
class ForecastPane : public QWidget
{
    Q_OBJECT

public:
    ForecastPane(Deployment &deployment, ForecastRunner &runner, QWidget *parent = nullptr);

    ForecastChart *chart() const { return m_chart; }
    QString caption() const;    // what the caption says, without markup, for tests
    QString emptyText() const;  // what the pane says instead of a chart; empty with one

private:
    void update();
    QString beforeRun() const;
    QString duringRun() const;
    QString afterRun() const;
    QString sourcesText() const;

    Deployment &m_deployment;
    ForecastRunner &m_runner;
    QLabel *m_caption;
    ForecastChart *m_chart;
    QLabel *m_empty;
    QLabel *m_sources;
};

} // namespace fanout
