#pragma once

#include "engine/forecast/estimate.h"
#include "engine/forecast/forecaster.h"

#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace fanout {

class Deployment;
class ExecutorRegistry;

// The dashboard's forecast of the Deployment's plan (engine/forecast/Forecaster), computed off the
// GUI thread so that the window never waits for it. Before a run: the forecast at the current
// limit and a sweep of limits from 1 to 64, for the Forecast pane, the timeline's faint bars and the
// status bar. During a run: the time left, forecast again from where the run is as attempts end (at
// most every half second). After it: the forecast made before it, beside what it took. While a
// recorded run is replayed it forecasts nothing (and holds no forecast): the replay shows what
// happened, and its seeks must not share the two cores with simulations nobody asked for.
//
// One computation at a time: a new plan, limit or state while one is under way makes its result
// stale (by generation) and the newest request runs next; stale results are dropped.
class ForecastRunner : public QObject
{
    Q_OBJECT

public:
    // The limits of the sweep: 1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64.
    static const QList<int> &sweepLimits();
    static constexpr int kSamples = 200;          // simulated runs per limit, before a run
    static constexpr int kRemainingSamples = 100; // per forecast of the time left
    static constexpr int kThrottleMs = 500;       // at most this often during a run
    static constexpr quint64 kSeed = 1;           // the same plan gives the same forecast

    // `historyPath`: the run history estimates are learned from; empty for none.
    ForecastRunner(Deployment &deployment, const ExecutorRegistry &registry, QString historyPath, QObject *parent = nullptr);
    ~ForecastRunner() override;

    QString historyPath() const { return m_historyPath; }
    void setHistoryPath(const QString &path); // forecasts again
    // Estimates learned elsewhere (one per resource of the plan shown, in plan order), used rather
    // than learning them here; forgotten when the plan changes.
    void setEstimates(std::vector<Estimate> estimates);

    // The forecast for the run of the plan shown: before a run, at the current limit; during and
    // after one, the one made before it started (for "forecast vs actual"). Null until computed.
    const Forecast *forecast() const { return m_forecast ? &*m_forecast : nullptr; }
    const QList<Forecast> &sweep() const { return m_sweep; }
    int knee() const { return m_knee; }            // 0 without a sweep
    // During a run, the latest forecast of its makespan from where it is (null until one landed).
    const Forecast *remaining() const { return m_remaining ? &*m_remaining : nullptr; }
    // After a run: its makespan; -1 before or during one.
    qint64 actualMs() const { return m_actualMs; }
    int actualParallelism() const { return m_actualParallelism; }
    // Whether a run would start anything: false for an empty plan, or when all is up to date.
    bool hasWork() const { return m_hasWork; }
    bool isComputing() const { return m_computing; }
    // Why estimates could not be learned from the history (the forecast uses the plan's), else empty.
    QString historyError() const { return m_historyError; }
    // The estimates of the last forecast (one per resource; empty until one landed).
    const std::vector<Estimate> &estimates() const { return m_estimates; }
    // How long the GUI thread spent taking the last result in, for the benchmark.
    qint64 lastLandingNs() const { return m_landingNs; }

    // "4m10s (3m50s–4m40s)": the median and, when it is a range, p10–p90.
    static QString rangeText(qint64 medianMs, qint64 p10Ms, qint64 p90Ms);
    static QString rangeText(const Forecast &forecast);
    // "db → app → lb", the middle left out of a long path.
    static QString pathText(const Plan &plan, const QList<int> &path);
    // During a run, the time left by the latest forecast, as of `nowMs`: median, p10, p90
    // (each at least 0); false before one landed.
    bool timeLeft(qint64 nowMs, qint64 *medianMs, qint64 *p10Ms, qint64 *p90Ms) const;
    // "About 1m20s left (1m05s–1m40s)", rounded up to seconds (tenths below ten seconds); empty
    // before a forecast of the time left landed. The status bar and the Forecast pane say this.
    QString timeLeftText(qint64 nowMs) const;

    // Until the computation under way (and the ones queued after it) are done: for tests.
    void waitForIdle();

signals:
    void forecastChanged(); // the forecast, its sweep, or the actual makespan
    void remainingChanged();

private:
    enum class Kind : quint8 { Plan, Limit, Remaining };
    struct Request
    {
        Kind kind = Kind::Plan;
        quint64 generation = 0;
        int parallelism = 1;
        Forecaster::Progress progress;
    };
    struct Result;

    void onPlanChanged();
    void onParallelismChanged(int limit);
    void onRunStarted();
    void onStatesChanged();
    void onRunFinished();
    void request(Kind kind);
    void startNext();
    void onComputed();
    Forecaster::Progress progress() const;
    std::optional<Forecast> fromSweep(int parallelism) const;

    Deployment &m_deployment;
    const ExecutorRegistry &m_registry;
    QString m_historyPath;
    QThreadPool m_sweepPool; // a sweep's limits, side by side
    QThreadPool m_pool; // one thread: the computations run one after the other
    QFutureWatcher<std::shared_ptr<Result>> m_watcher;
    std::optional<Request> m_pending;
    bool m_computing = false; // a computation was started and its result not taken in yet
    QTimer m_throttle; // after a state change, forecast the time left once this has run out
    QTimer m_refresh;  // and this often anyway, as running resources take longer than expected

    quint64 m_generation = 0; // of the plan, its state and the estimates: older results are stale
    std::shared_ptr<const Forecaster> m_forecaster; // of m_generation, once built
    std::vector<Estimate> m_givenEstimates;
    std::vector<Estimate> m_estimates;
    std::optional<Forecast> m_forecast;
    bool m_forecastForThisRun = true; // false: a run started what the forecast left out (Run All Again)
    QList<Forecast> m_sweep;
    int m_knee = 0;
    std::optional<Forecast> m_remaining;
    qint64 m_actualMs = -1;
    int m_actualParallelism = 0;
    bool m_hasWork = false;
    QString m_historyError;
    qint64 m_landingNs = 0;
};

} // namespace fanout
