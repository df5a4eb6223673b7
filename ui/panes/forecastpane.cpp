#include "ui/panes/forecastpane.h"

#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "models/run/forecastrunner.h"
#include "ui/panes/forecastchart.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

ForecastPane::ForecastPane(Deployment &deployment, ForecastRunner &runner, QWidget *parent)
    : QWidget(parent)
    , m_deployment(deployment)
    , m_runner(runner)
    , m_caption(new QLabel)
    , m_chart(new ForecastChart)
    , m_empty(new QLabel)
    , m_sources(new QLabel)
{
    setObjectName(QStringLiteral("ForecastPane"));
    m_caption->setObjectName(QStringLiteral("forecastCaption"));
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(16);
    m_sources->setWordWrap(true);
    m_sources->setForegroundRole(QPalette::PlaceholderText);
    QFont small = m_sources->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_sources->setFont(small);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_caption);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_sources);

    connect(m_chart, &ForecastChart::limitClicked, &m_deployment, &Deployment::setParallelism);
    connect(&m_runner, &ForecastRunner::forecastChanged, this, &ForecastPane::update);
    connect(&m_runner, &ForecastRunner::remainingChanged, this, &ForecastPane::update);
    connect(&m_deployment, &Deployment::parallelismChanged, this, &ForecastPane::update);
    // The time left counts down between forecasts, as the status bar's does.
    auto *clock = new QTimer(this);
    clock->setInterval(500);
    connect(clock, &QTimer::timeout, this, [this] {
        if (m_deployment.isRunning() && !m_deployment.isReplaying())
            m_caption->setText(duringRun());
    });
    connect(&m_deployment, &Deployment::runStarted, clock, qOverload<>(&QTimer::start));
    connect(&m_deployment, &Deployment::runFinished, clock, &QTimer::stop);
    update();
}

QString ForecastPane::caption() const
{
    return m_caption->text().remove(QRegularExpression(QStringLiteral("<[^>]*>"))).replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
}

QString ForecastPane::emptyText() const
{
    return m_empty->isVisibleTo(this) ? m_empty->text() : QString();
}

void ForecastPane::update()
{
    const Forecast *forecast = m_runner.forecast();
    QString empty;
    if (m_deployment.isReplaying())
        empty = tr("A recorded run from the run history is shown. Close the replay to see the forecast for the open plan.");
    else if (m_deployment.resourceCount() == 0)
        empty = tr("This plan has no resources yet. Add some from the palette, or open a plan (File → Open), to see how long "
                   "running it would take.");
    else if (!m_runner.hasWork() && !m_deployment.hasRun())
        empty = tr("Everything in this plan is up to date: a run would start nothing, so there is nothing to forecast. "
                   "Run → Run All Again runs every resource anyway; edit the plan to see what a change would take.");
    else if (m_runner.sweep().isEmpty() && !forecast)
        empty = tr("Forecasting how long a run would take…");
    m_empty->setText(empty);
    m_empty->setVisible(!empty.isEmpty());
    m_chart->setVisible(empty.isEmpty());
    m_chart->setSweep(m_runner.sweep(), m_runner.knee());
    m_chart->setLimit(m_deployment.parallelism());
    m_chart->setActual(m_runner.actualMs(), m_runner.actualParallelism());

    if (!empty.isEmpty() || !forecast)
        m_caption->setText(m_deployment.isRunning() && !m_deployment.isReplaying() ? duringRun() : QString());
    else if (m_deployment.isRunning())
        m_caption->setText(duringRun());
    else if (m_runner.actualMs() >= 0)
        m_caption->setText(afterRun());
    else
        m_caption->setText(beforeRun());
    m_caption->setVisible(!m_caption->text().isEmpty());
    m_sources->setText(m_deployment.isReplaying() ? QString() : sourcesText());
    m_sources->setVisible(!m_sources->text().isEmpty());
}

QString ForecastPane::beforeRun() const
{
    const Forecast &forecast = *m_runner.forecast();
    QString text = tr("<b>Expected %1</b> at parallelism %2").arg(ForecastRunner::rangeText(forecast).toHtmlEscaped()).arg(forecast.parallelism);
    if (!forecast.criticalPath.isEmpty())
        text += tr(" · critical path %1 %2")
                    .arg(ForecastRunner::pathText(m_deployment.plan(), forecast.criticalPath).toHtmlEscaped(),
                         formatDuration(forecast.criticalPathMs));
    if (const int knee = m_runner.knee(); knee > 0 && m_runner.sweep().size() > 1 && knee < m_runner.sweep().constLast().parallelism)
        text += tr("<br>Beyond parallelism %1 a run gets less than 5% faster. Click a point to run at its limit.").arg(knee);
    else
        text += tr("<br>Click a point to run at its limit.");
    return text;
}

QString ForecastPane::duringRun() const
{
    QString text;
    if (const Forecast *forecast = m_runner.forecast())
        text = tr("Forecast %1").arg(ForecastRunner::rangeText(*forecast).toHtmlEscaped());
    if (const QString left = m_runner.timeLeftText(m_deployment.elapsedMs()); !left.isEmpty()) {
        if (!text.isEmpty())
            text += QStringLiteral(" · ");
        text += QStringLiteral("<b>%1</b>").arg(left.toHtmlEscaped());
    }
    return text;
}

QString ForecastPane::afterRun() const
{
    const Forecast &forecast = *m_runner.forecast();
    const qint64 actual = m_runner.actualMs();
    QString text = tr("Forecast %1 · <b>actual %2</b>").arg(ForecastRunner::rangeText(forecast).toHtmlEscaped(), formatDuration(actual));
    if (actual < forecast.p10Ms)
        text += tr(", faster than forecast");
    else if (actual > forecast.p90Ms)
        text += tr(", slower than forecast");
    else
        text += tr(", within the forecast's range");
    if (m_deployment.outcome() != QLatin1String("succeeded"))
        text += tr(" (the run %1)").arg(m_deployment.outcome());
    return text;
}

QString ForecastPane::sourcesText() const
{
    const std::vector<Estimate> &estimates = m_runner.estimates();
    if (estimates.empty() || m_deployment.resourceCount() == 0)
        return QString();
    int learned = 0;
    for (const Estimate &estimate : estimates)
        learned += estimate.source == Estimate::Source::Definition || estimate.source == Estimate::Source::Resource
            || estimate.source == Estimate::Source::Type;
    QString text;
    if (!m_runner.historyError().isEmpty())
        text = tr("The run history cannot be read (%1), so the estimates come from the plan.").arg(m_runner.historyError());
    else if (m_runner.historyPath().isEmpty())
        text = tr("No run history: the estimates come from the plan (its estimate fields, sims' durations) and executors' defaults.");
    else if (learned == 0)
        text = tr("Nothing like these resources is in the run history yet: the estimates come from the plan and executors' "
                  "defaults, and get better with every run.");
    else if (learned == int(estimates.size()))
        text = tr("Every resource's duration is estimated from past runs in the run history.");
    else
        text = tr("%1 of %2 resources estimated from past runs, the rest from the plan.").arg(learned).arg(estimates.size());
    return text + tr(" Each point: %1 simulated runs.").arg(ForecastRunner::kSamples);
}

} // namespace fanout
