#include "models/run/forecastrunner.h"

#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "engine/support/handover.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <functional>

namespace fanout {

namespace {

constexpr int kRefreshMs = 2000; // during a run, again this often even when nothing ends

// What a computation needs to build the forecaster when the runner has none for the plan yet:
// copies, so that the window may change anything meanwhile.
struct ForecasterInputs
{
    Plan plan;
    std::vector<bool> willRun;
    std::vector<Estimate> estimates; // given; empty: learned from the history
    QString historyPath;
};

} // namespace

struct ForecastRunner::Result
{
    Kind kind = Kind::Plan;
    quint64 generation = 0;
    int parallelism = 1;
    std::shared_ptr<const Forecaster> forecaster;
    std::vector<Estimate> estimates;
    QString historyError;
    Forecast forecast;
    QList<Forecast> sweep;
    int knee = 0;
};

const QList<int> &ForecastRunner::sweepLimits()
{
    static const QList<int> limits = {1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64};
    return limits;
}

QString ForecastRunner::rangeText(qint64 medianMs, qint64 p10Ms, qint64 p90Ms)
{
    const QString median = formatDuration(medianMs);
    const QString low = formatDuration(p10Ms);
    const QString high = formatDuration(p90Ms);
    if (low == high)
        return median;
    return QStringLiteral("%1 (%2\u2013%3)").arg(median, low, high);
}

QString ForecastRunner::rangeText(const Forecast &forecast)
{
    return rangeText(forecast.medianMs, forecast.p10Ms, forecast.p90Ms);
}

QString ForecastRunner::pathText(const Plan &plan, const QList<int> &path)
{
    QStringList ids;
    for (int i = 0; i < path.size(); ++i) {
        if (path.size() > 6 && i == 2) {
            ids.append(QStringLiteral("\u2026"));
            i = int(path.size()) - 3;
            continue;
        }
        if (path[i] >= 0 && path[i] < int(plan.resources.size()))
            ids.append(plan.resources[path[i]].id);
    }
    return ids.join(QStringLiteral(" \u2192 "));
}

bool ForecastRunner::timeLeft(qint64 nowMs, qint64 *medianMs, qint64 *p10Ms, qint64 *p90Ms) const
{
    if (!m_remaining)
        return false;
    // The forecast was made a moment ago: what has run since comes off, never below nothing.
    *medianMs = std::max<qint64>(0, m_remaining->medianMs - nowMs);
    *p10Ms = std::max<qint64>(0, m_remaining->p10Ms - nowMs);
    *p90Ms = std::max<qint64>(*medianMs, m_remaining->p90Ms - nowMs);
    return true;
}

QString ForecastRunner::timeLeftText(qint64 nowMs) const
{
    qint64 median = 0;
    qint64 low = 0;
    qint64 high = 0;
    if (!timeLeft(nowMs, &median, &low, &high))
        return QString();
    const auto roundUp = [](qint64 ms) {
        const qint64 unit = ms < 10'000 ? 100 : 1000;
        return std::max<qint64>(unit, (ms + unit - 1) / unit * unit);
    };
    const QString from = formatDuration(roundUp(low));
    const QString to = formatDuration(roundUp(high));
    return from == to ? tr("About %1 left").arg(formatDuration(roundUp(median)))
                      : tr("About %1 left (%2\u2013%3)").arg(formatDuration(roundUp(median)), from, to);
}

ForecastRunner::ForecastRunner(Deployment &deployment, const ExecutorRegistry &registry, QString historyPath, QObject *parent)
    : QObject(parent)
    , m_deployment(deployment)
    , m_registry(registry)
    , m_historyPath(std::move(historyPath))
{
    // One computation at a time; its sweep spreads over a pool of its own rather than Qt's global
    // one, which the GUI thread waits for when it converts or scales images while painting.
    m_pool.setMaxThreadCount(1);
    m_sweepPool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    // Idle priority (SCHED_IDLE on Linux): a forecast takes only the time no one else wants. A new
    // 2,000-resource plan's sweep takes both cores of a small machine for seconds; at normal
    // priority it overlapped the first seconds of a run and the window's frames took twice as long.
    m_pool.setThreadPriority(QThread::IdlePriority);
    m_sweepPool.setThreadPriority(QThread::IdlePriority);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(kThrottleMs);
    connect(&m_throttle, &QTimer::timeout, this, [this] { request(Kind::Remaining); });
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &ForecastRunner::onStatesChanged);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &ForecastRunner::onComputed);
    connect(&m_deployment, &Deployment::planChanged, this, &ForecastRunner::onPlanChanged);
    connect(&m_deployment, &Deployment::parallelismChanged, this, &ForecastRunner::onParallelismChanged);
    connect(&m_deployment, &Deployment::runStarted, this, &ForecastRunner::onRunStarted);
    connect(&m_deployment, &Deployment::statesChanged, this, &ForecastRunner::onStatesChanged);
    connect(&m_deployment, &Deployment::runFinished, this, &ForecastRunner::onRunFinished);
    onPlanChanged();
}

ForecastRunner::~ForecastRunner()
{
    m_pending.reset();
    m_watcher.waitForFinished();
}

void ForecastRunner::setHistoryPath(const QString &path)
{
    if (path == m_historyPath)
        return;
    m_historyPath = path;
    if (!m_deployment.hasRun())
        onPlanChanged();
}

void ForecastRunner::setEstimates(std::vector<Estimate> estimates)
{
    if (estimates.size() != std::size_t(m_deployment.resourceCount()))
        return;
    m_givenEstimates = std::move(estimates);
    ++m_generation;
    m_forecaster.reset();
    if (!m_deployment.hasRun())
        request(Kind::Plan);
}

void ForecastRunner::waitForIdle()
{
    while (m_computing || m_pending) {
        m_watcher.waitForFinished();
        onComputed(); // what the queued signal would do; it then finds nothing to take in
    }
}

// --- what changed ----------------------------------------------------------------------------

void ForecastRunner::onPlanChanged()
{
    ++m_generation;
    m_forecaster.reset();
    m_givenEstimates.clear();
    m_forecast.reset();
    m_sweep.clear();
    m_knee = 0;
    m_remaining.reset();
    m_actualMs = -1;
    m_throttle.stop();
    m_refresh.stop();
    m_hasWork = false;
    const int n = m_deployment.isReplaying() ? 0 : m_deployment.resourceCount();
    for (int r = 0; r < n && !m_hasWork; ++r)
        m_hasWork = m_deployment.isTeardown() || !m_deployment.isProvisioned(r);
    if (m_hasWork)
        request(Kind::Plan);
    else
        m_pending.reset();
    emit forecastChanged();
    emit remainingChanged();
}

void ForecastRunner::onParallelismChanged(int limit)
{
    if (m_deployment.isReplaying())
        return;
    if (m_deployment.isRunning()) {
        onStatesChanged();
        return;
    }
    if (m_deployment.hasRun() || !m_hasWork)
        return; // after a run, its forecast stays beside its actual
    if (std::optional<Forecast> swept = fromSweep(limit)) {
        m_forecast = std::move(swept);
        emit forecastChanged();
    } else if (!m_sweep.isEmpty() || !m_pending) {
        request(Kind::Limit);
    }
}

void ForecastRunner::onRunStarted()
{
    if (m_deployment.isReplaying())
        return; // a replay moved back to its start
    m_remaining.reset();
    m_actualMs = -1;
    // Run All Again, Replace: the run starts what the forecast took as up to date; it is then
    // forecast from the run's first moment instead.
    m_forecastForThisRun = false;
    if (m_forecast && m_forecast->medianMs > 0 && m_forecast->startMs.size() == std::size_t(m_deployment.resourceCount())) {
        m_forecastForThisRun = true;
        for (int r = 0; r < m_deployment.resourceCount() && m_forecastForThisRun; ++r) {
            const bool starts = !isFinal(m_deployment.state(r));
            m_forecastForThisRun = starts == (m_forecast->startMs[std::size_t(r)] >= 0);
        }
    }
    if (!m_forecastForThisRun)
        m_forecaster.reset(); // it leaves out what this run starts
    m_pending.reset(); // what was asked before the run is stale
    request(Kind::Remaining);
    m_refresh.start();
    emit forecastChanged();
    emit remainingChanged();
}

void ForecastRunner::onStatesChanged()
{
    if (m_deployment.isRunning() && !m_deployment.isReplaying() && !m_throttle.isActive())
        m_throttle.start();
}

void ForecastRunner::onRunFinished()
{
    if (m_deployment.isReplaying())
        return;
    m_throttle.stop();
    m_refresh.stop();
    m_pending.reset();
    ++m_generation; // what is up to date changed: remaining forecasts in flight are stale
    m_forecaster.reset();
    m_remaining.reset();
    m_actualMs = m_deployment.elapsedMs();
    m_actualParallelism = m_deployment.parallelism();
    emit remainingChanged();
    emit forecastChanged();
}

std::optional<Forecast> ForecastRunner::fromSweep(int parallelism) const
{
    for (const Forecast &forecast : m_sweep) {
        if (forecast.parallelism == parallelism)
            return forecast;
    }
    return std::nullopt;
}

Forecaster::Progress ForecastRunner::progress() const
{
    const int n = m_deployment.resourceCount();
    Forecaster::Progress progress;
    progress.nowMs = m_deployment.elapsedMs();
    progress.states.resize(std::size_t(n));
    progress.runningSinceMs.assign(std::size_t(n), -1);
    progress.attemptsMade.assign(std::size_t(n), 0);
    for (int r = 0; r < n; ++r) {
        const ResourceStatus status = m_deployment.status(r);
        progress.states[std::size_t(r)] = status.state;
        progress.attemptsMade[std::size_t(r)] = int(status.attempts.size());
        if (status.state == ResourceState::Running && !status.attempts.isEmpty())
            progress.runningSinceMs[std::size_t(r)] = status.attempts.constLast().startMs;
    }
    return progress;
}

// --- computing -------------------------------------------------------------------------------

void ForecastRunner::request(Kind kind)
{
    if (kind == Kind::Limit && m_pending && m_pending->kind == Kind::Plan)
        kind = Kind::Plan; // the plan's forecast is at the limit of the moment too
    m_pending = Request{kind, m_generation, m_deployment.parallelism(), {}};
    if (!m_computing)
        startNext();
}

namespace {

std::shared_ptr<const Forecaster> buildForecaster(ForecasterInputs inputs, const ExecutorRegistry &registry,
                                                  std::vector<Estimate> *estimates, QString *historyError)
{
    if (inputs.estimates.size() == std::size_t(inputs.plan.resources.size())) {
        *estimates = std::move(inputs.estimates);
    } else if (inputs.historyPath.isEmpty()) {
        *estimates = LearnedEstimates::withoutHistory(inputs.plan, registry);
    } else {
        RunHistory history(inputs.historyPath);
        Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, inputs.plan, registry);
        if (learned) {
            *estimates = std::move(*learned);
        } else {
            *historyError = learned.error();
            *estimates = LearnedEstimates::withoutHistory(inputs.plan, registry);
        }
    }
    return std::make_shared<const Forecaster>(inputs.plan, *estimates, std::move(inputs.willRun));
}

} // namespace

void ForecastRunner::startNext()
{
    if (!m_pending || m_computing)
        return;
    Request request = std::move(*m_pending);
    m_pending.reset();
    if (request.kind == Kind::Remaining && !m_deployment.isRunning())
        return;
    request.generation = m_generation;
    request.parallelism = m_deployment.parallelism();
    if (request.kind == Kind::Remaining)
        request.progress = progress();

    // Copied on this thread only when there is no forecaster for the plan yet.
    std::optional<ForecasterInputs> inputs;
    if (!m_forecaster) {
        inputs.emplace();
        inputs->plan = m_deployment.plan();
        const int n = m_deployment.resourceCount();
        inputs->willRun.resize(std::size_t(n));
        for (int r = 0; r < n; ++r)
            inputs->willRun[std::size_t(r)] = m_deployment.isTeardown() || !m_deployment.isProvisioned(r);
        if (request.kind == Kind::Remaining) {
            // The run decides what runs: what it started with as final takes no time anyway.
            std::fill(inputs->willRun.begin(), inputs->willRun.end(), true);
        }
        inputs->estimates = m_givenEstimates;
        inputs->historyPath = m_historyPath;
    }
    const ExecutorRegistry &registry = m_registry;
    m_computing = true;
    QThreadPool *sweepPool = &m_sweepPool;
    m_watcher.setFuture(runOnPool(m_pool, [request = std::move(request), inputs = std::move(inputs),
                                           forecaster = m_forecaster, &registry, sweepPool]() mutable {
        auto result = std::make_shared<Result>();
        result->kind = request.kind;
        result->generation = request.generation;
        result->parallelism = request.parallelism;
        result->forecaster = inputs ? buildForecaster(std::move(*inputs), registry, &result->estimates, &result->historyError)
                                    : std::move(forecaster);
        switch (request.kind) {
        case Kind::Plan:
        {
            const Forecaster &model = *result->forecaster;
            result->sweep = mapOnPool(*sweepPool, sweepLimits(),
                                      [&model](const int &limit) { return model.forecast(limit, kSamples, kSeed); });
        }
            result->knee = Forecaster::knee(result->sweep);
            if (const auto at = std::find_if(result->sweep.cbegin(), result->sweep.cend(),
                                             [&](const Forecast &f) { return f.parallelism == request.parallelism; });
                at != result->sweep.cend())
                result->forecast = *at;
            else
                result->forecast = result->forecaster->forecast(request.parallelism, kSamples, kSeed);
            break;
        case Kind::Limit:
            result->forecast = result->forecaster->forecast(request.parallelism, kSamples, kSeed);
            break;
        case Kind::Remaining:
            result->forecast = result->forecaster->remaining(request.progress, request.parallelism, kRemainingSamples, kSeed);
            break;
        }
        return result;
    }));
}

void ForecastRunner::onComputed()
{
    if (!m_computing || m_watcher.isRunning()) {
        startNext();
        return;
    }
    m_computing = false; // taken in once, by the signal or by waitForIdle()
    std::shared_ptr<Result> result = m_watcher.result();
    QElapsedTimer clock;
    clock.start();
    const bool current = result->generation == m_generation;
    if (current) {
        if (!result->estimates.empty()) {
            m_estimates = std::move(result->estimates);
            m_historyError = result->historyError;
        }
        // A forecaster built for a run counts every resource as running: not the one before it.
        if (result->kind != Kind::Remaining || m_deployment.hasRun())
            m_forecaster = result->forecaster;
    }
    if (current && result->kind == Kind::Remaining && m_deployment.isRunning()) {
        m_remaining = std::move(result->forecast);
        if (!m_forecastForThisRun) {
            m_forecast = m_remaining;
            m_forecastForThisRun = true;
            emit forecastChanged();
        }
        emit remainingChanged();
    } else if (current && result->kind != Kind::Remaining && !m_deployment.hasRun()) {
        if (result->kind == Kind::Plan) {
            m_sweep = std::move(result->sweep);
            m_knee = result->knee;
        }
        if (result->parallelism == m_deployment.parallelism())
            m_forecast = std::move(result->forecast);
        else if (std::optional<Forecast> swept = fromSweep(m_deployment.parallelism()))
            m_forecast = std::move(swept);
        else if (!m_pending)
            m_pending = Request{Kind::Limit, m_generation, m_deployment.parallelism(), {}};
        emit forecastChanged();
    }
    m_landingNs = clock.nsecsElapsed();
    startNext();
}

} // namespace fanout
