#include "ui/window/runstatus.h"

#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"
#include "models/plan/plandocument.h"
#include "models/run/forecastrunner.h"
#include "models/run/statestyle.h"

#include <QLabel>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace fanout {

namespace {

// The states the status bar counts, and the label for each; waiting covers pending and ready.
struct StatusCount
{
    QString label;
    QList<ResourceState> states;
};

QList<StatusCount> statusCounts()
{
    return {{QObject::tr("running"), {ResourceState::Running, ResourceState::RetryWait}},
            {QObject::tr("succeeded"), {ResourceState::Succeeded}},
            {QObject::tr("failed"), {ResourceState::Failed}},
            {QObject::tr("skipped"), {ResourceState::Skipped}},
            {QObject::tr("cancelled"), {ResourceState::Cancelled}},
            {QObject::tr("waiting"), {ResourceState::Pending, ResourceState::Ready}}};
}

} // namespace

RunStatus::RunStatus(const Deployment &deployment, const PlanDocument &document, QStatusBar &bar)
    : QObject(&bar)
    , m_deployment(deployment)
    , m_document(document)
    , m_counts(new QLabel)
    , m_elapsed(new QLabel)
    , m_remaining(new QLabel)
    , m_clock(new QTimer(this))
{
    m_counts->setTextFormat(Qt::RichText);
    bar.addPermanentWidget(m_counts);
    bar.addPermanentWidget(m_elapsed);
    bar.addPermanentWidget(m_remaining);
    m_clock->setInterval(500);
    connect(m_clock, &QTimer::timeout, this, &RunStatus::update);
    connect(&deployment, &Deployment::runStarted, this, [this] {
        m_clock->start();
        update();
    });
    connect(&deployment, &Deployment::runFinished, this, [this] {
        m_clock->stop();
        update();
    });
    connect(&deployment, &Deployment::planChanged, this, &RunStatus::update);
    connect(&deployment, &Deployment::statesChanged, this, &RunStatus::update);
    connect(&document, &PlanDocument::changed, this, &RunStatus::update);
    update();
}

void RunStatus::setForecast(const ForecastRunner *runner)
{
    m_forecast = runner;
    if (runner) {
        connect(runner, &ForecastRunner::forecastChanged, this, &RunStatus::update);
        connect(runner, &ForecastRunner::remainingChanged, this, &RunStatus::update);
    }
    update();
}

QString RunStatus::text() const
{
    return m_counts->text().remove(QRegularExpression(QStringLiteral("<[^>]*>"))) + QLatin1Char(' ') + m_elapsed->text()
        + QLatin1Char(' ') + m_remaining->text();
}

void RunStatus::update()
{
    QStringList parts;
    for (const StatusCount &count : statusCounts()) {
        int n = 0;
        for (ResourceState s : count.states)
            n += m_deployment.count(s);
        if (n == 0 && count.states.constFirst() != ResourceState::Succeeded)
            continue;
        // Colour and word together: the state is never told by colour alone.
        parts.append(QStringLiteral("<span style='color:%1'>&#9632;</span> %2 %3")
                         .arg(StateStyle::stroke(count.states.constFirst()).name()).arg(n).arg(count.label));
    }
    m_counts->setText(parts.join(QStringLiteral("&nbsp;&nbsp; ")));
    const int resources = m_deployment.resourceCount();
    if (!m_deployment.hasRun()) {
        if (const int errors = errorCount(m_document.diagnostics()); errors > 0)
            m_elapsed->setText(tr("%1; %2 to fix before it can run (Problems tab)").arg(counted(resources, "resource"), counted(errors, "error")));
        else if (!m_deployment.isStateReadable())
            m_elapsed->setText(tr("%1; the state file cannot be read").arg(counted(resources, "resource")));
        else if (m_deployment.provisioning().toRun() == 0 && resources > 0)
            m_elapsed->setText(tr("%1: %2, nothing to run").arg(counted(resources, "resource"), m_deployment.provisioningSummary()));
        else
            m_elapsed->setText(tr("%1: %2, press Run (F5) to start").arg(counted(resources, "resource"), m_deployment.provisioningSummary()));
        const Forecast *forecast = m_forecast ? m_forecast->forecast() : nullptr;
        if (forecast && m_forecast->hasWork() && errorCount(m_document.diagnostics()) == 0)
            m_remaining->setText(tr("Expected %1 at parallelism %2").arg(ForecastRunner::rangeText(*forecast)).arg(forecast->parallelism));
        else
            m_remaining->clear();
        return;
    }
    m_elapsed->setText(tr("Elapsed %1").arg(formatElapsed(m_deployment.elapsedMs(), m_deployment.isRunning())));
    const qint64 left = m_deployment.estimatedRemainingMs();
    const QString range = m_forecast && m_deployment.isRunning() ? m_forecast->timeLeftText(m_deployment.elapsedMs()) : QString();
    if (!range.isEmpty()) {
        m_remaining->setText(range); // a range from the forecast of what is left, narrowing as the run goes
    } else if (m_deployment.isRunning() && left >= 0) {
        m_remaining->setText(tr("About %1 left").arg(formatDuration(std::max<qint64>(1000, (left + 999) / 1000 * 1000))));
    } else {
        m_remaining->setText(m_deployment.isRunning() ? QString() : tr("Done"));
    }
}

} // namespace fanout
