#pragma once

#include <QObject>
#include <QString>

class QLabel;
class QStatusBar;
class QTimer;

namespace fanout {

class Deployment;
class ForecastRunner;
class PlanDocument;

// The run's figures in the status bar, always there: how many resources are in each state (colour
// and word), and before a run what it would do and how long it is expected to take, during it the
// time elapsed and the time left (a range, from the ForecastRunner), after it "Done"; while the plan has errors, that they stop it from running. Messages of the moment
// (what an action did) go beside them, from the actions.
class RunStatus : public QObject
{
    Q_OBJECT

public:
    RunStatus(const Deployment &deployment, const PlanDocument &document, QStatusBar &bar);

    QString text() const; // what it says, without markup, for tests
    void update();
    // Before a run, the forecast's expected time; during one, the time left as a range.
    void setForecast(const ForecastRunner *runner);

private:
    const Deployment &m_deployment;
    const PlanDocument &m_document;
    const ForecastRunner *m_forecast = nullptr;
    QLabel *m_counts;
    QLabel *m_elapsed;
    QLabel *m_remaining;
    QTimer *m_clock;
};

} // namespace fanout
