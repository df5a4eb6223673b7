#include "ui/inspector/plansummary.h"

#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"
#include "models/plan/plandocument.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/statestyle.h"
#include "models/run/timelinedata.h"

#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

namespace {

QLabel *textLabel()
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

QLabel *inspectorTitle()
{
    auto *label = new QLabel;
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QLabel *inspectorHeading(const QString &text)
{
    auto *label = new QLabel(text);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

PlanSummary::PlanSummary(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_deployment(workspace.deployment())
    , m_document(workspace.document())
    , m_title(inspectorTitle())
    , m_file(new QLabel)
    , m_errors(textLabel())
    , m_states(textLabel())
    , m_run(textLabel())
    , m_critical(textLabel())
    , m_parallelism(textLabel())
{
    setObjectName(QStringLiteral("PlanSummary"));
    m_title->setWordWrap(true);
    m_file->setWordWrap(true);
    m_file->setStyleSheet(QStringLiteral("color: #5f6368"));
    m_errors->setStyleSheet(QStringLiteral("color: #c5221f"));
    m_critical->setObjectName(QStringLiteral("CriticalPath"));
    m_critical->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_critical->setToolTip(tr("The chain of dependencies expected to take longest, by the resources' estimates: the run cannot end sooner. "
                              "Click a name to select it."));
    connect(m_critical, &QLabel::linkActivated, this, [this](const QString &link) {
        bool ok = false;
        const int resource = link.toInt(&ok);
        if (ok && resource >= 0 && resource < m_deployment.resourceCount())
            emit resourceActivated(resource);
    });
    auto *hint = new QLabel(tr("Select a resource in the graph, the table or the timeline to see its details here."));
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: #5f6368"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_file);
    layout->addWidget(m_errors);
    layout->addWidget(inspectorHeading(tr("Resources")));
    layout->addWidget(m_states);
    layout->addWidget(inspectorHeading(tr("Run")));
    layout->addWidget(m_run);
    layout->addWidget(inspectorHeading(tr("Critical path")));
    layout->addWidget(m_critical);
    layout->addWidget(inspectorHeading(tr("Parallelism")));
    layout->addWidget(m_parallelism);
    layout->addSpacing(12);
    layout->addWidget(hint);
    layout->addStretch();

    // Events only ask for a refresh; one comes at most every kRefreshMs, and only while shown.
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &PlanSummary::refreshNow);
    // A new plan, a run that starts or ends, an edit: once each, said at once. States and the limit
    // change many times a second in a run: coalesced.
    connect(&m_deployment, &Deployment::planChanged, this, [this] {
        m_pathDirty = true;
        refreshNow();
    });
    for (const auto signal : {&Deployment::runStarted, &Deployment::runFinished})
        connect(&m_deployment, signal, this, &PlanSummary::refreshNow);
    connect(&m_document, &PlanDocument::changed, this, &PlanSummary::refreshNow);
    connect(&m_deployment, &Deployment::statesChanged, this, &PlanSummary::scheduleRefresh);
    connect(&m_deployment, &Deployment::parallelismChanged, this, &PlanSummary::scheduleRefresh);
}

void PlanSummary::setForecast(const ForecastRunner *forecast)
{
    m_forecast = forecast;
    connect(forecast, &ForecastRunner::forecastChanged, this, &PlanSummary::refreshNow); // rare: once per forecast
    connect(forecast, &ForecastRunner::remainingChanged, this, &PlanSummary::scheduleRefresh);
    scheduleRefresh();
}

void PlanSummary::setRunData(const TimelineData *runData)
{
    m_runData = runData;
    scheduleRefresh();
}

void PlanSummary::scheduleRefresh()
{
    if (!m_refresh.isActive())
        m_refresh.start();
}

void PlanSummary::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshNow(); // what changed while it was hidden
}

void PlanSummary::computePath()
{
    m_pathDirty = false;
    const PlanGraph &graph = m_deployment.graph();
    std::vector<qint64> estimates(std::size_t(graph.size()));
    for (int r = 0; r < graph.size(); ++r)
        estimates[std::size_t(r)] = m_deployment.estimateMs(r);
    m_path = graph.longestPath(estimates);
    m_pathMs = 0;
    for (const int r : std::as_const(m_path))
        m_pathMs += estimates[std::size_t(r)];
}

void PlanSummary::refreshNow()
{
    m_refresh.stop();
    if (!isVisible())
        return; // showEvent() refreshes
    if (m_pathDirty)
        computePath();
    const Plan &plan = m_deployment.plan();
    m_title->setText(plan.name.isEmpty() ? tr("Untitled plan") : plan.name);
    m_file->setText(m_deployment.planFile());
    const int errors = errorCount(m_document.diagnostics());
    m_errors->setVisible(errors > 0);
    m_errors->setText(tr("%1: the Problems tab lists them. Nothing runs until they are fixed.").arg(counted(errors, "error")));
    m_states->setText(statesHtml());
    m_run->setText(runText().toHtmlEscaped());
    QString critical = pathHtml(m_path);
    if (!m_path.isEmpty()) {
        critical += QStringLiteral("<br>")
            + (m_path.size() == 1 ? tr("It takes about %1 on its own.").arg(formatDuration(m_pathMs))
                                  : tr("About %1 on its own: %2 resources, one after another.").arg(formatDuration(m_pathMs)).arg(m_path.size()));
        // The whole run takes longer (slots, group limits, retries): the forecast says how much.
        if (m_forecast && m_forecast->forecast() && !m_deployment.hasRun())
            critical += QStringLiteral("<br>")
                + tr("The whole run: expected %1 at parallelism %2 (the Forecast tab).")
                      .arg(ForecastRunner::rangeText(*m_forecast->forecast()))
                      .arg(m_forecast->forecast()->parallelism);
    }
    else if (m_deployment.resourceCount() > 0)
        critical = tr("Not known while the dependencies form a cycle.");
    else
        critical = tr("None: the plan has no resources.");
    // After a run, the chain that decided when it ended, as the timeline marks it.
    if (m_runData && m_runData->isFinished() && m_deployment.hasRun() && !m_deployment.isRunning()) {
        const QList<int> &ran = m_runData->criticalPath(m_runData->finishedMs());
        if (!ran.isEmpty())
            critical += QStringLiteral("<br><br>") + tr("In this run: %1, %2.").arg(pathHtml(ran), formatDuration(m_runData->finishedMs()));
    }
    m_critical->setText(critical);
    m_parallelism->setText(peakText().toHtmlEscaped());
    if (m_deployment.isRunning())
        scheduleRefresh(); // the time elapsed moves on
}

QString PlanSummary::statesHtml() const
{
    // Colour and word together, as on the graph; states no resource is in are left out.
    static const ResourceState kStates[] = {ResourceState::Running, ResourceState::RetryWait, ResourceState::Ready, ResourceState::Pending,
                                            ResourceState::Succeeded, ResourceState::Failed, ResourceState::Skipped, ResourceState::Cancelled};
    QString rows;
    for (const ResourceState state : kStates) {
        const int n = m_deployment.count(state);
        if (n == 0)
            continue;
        QString label = StateStyle::label(state);
        if (state == ResourceState::Succeeded && !m_deployment.hasRun())
            label = tr("Up to date");
        rows += QStringLiteral("<tr><td><span style='color:%1'>&#9632;</span> %2</td><td align='right' style='padding-left:12px'>%3</td></tr>")
                    .arg(StateStyle::stroke(state).name(), label.toHtmlEscaped())
                    .arg(n);
    }
    rows += QStringLiteral("<tr><td style='color:#5f6368'>%1</td><td align='right' style='padding-left:12px'>%2</td></tr>")
                .arg(tr("All").toHtmlEscaped())
                .arg(m_deployment.resourceCount());
    return QStringLiteral("<table>") + rows + QStringLiteral("</table>");
}

QString PlanSummary::runText() const
{
    if (!m_deployment.hasRun())
        return tr("Not run yet: %1.").arg(m_deployment.provisioningSummary());
    const QString what = m_deployment.isTeardown() ? tr("Teardown") : tr("Run");
    if (m_deployment.isRunning()) {
        const qint64 left = m_deployment.estimatedRemainingMs();
        QString text = tr("%1 in progress for %2").arg(what, formatElapsed(m_deployment.elapsedMs(), true));
        const QString forecastLeft = m_forecast ? m_forecast->timeLeftText(m_deployment.elapsedMs()) : QString();
        if (!forecastLeft.isEmpty())
            text += QStringLiteral(", ") + forecastLeft.left(1).toLower() + forecastLeft.mid(1);
        else if (left >= 0)
            text += tr(", about %1 left").arg(formatDuration(std::max<qint64>(1000, (left + 999) / 1000 * 1000)));
        return text + QLatin1Char('.');
    }
    return tr("%1 %2 after %3.").arg(what, m_deployment.outcome(), formatElapsed(m_deployment.elapsedMs(), false));
}

QString PlanSummary::pathHtml(const QList<int> &path) const
{
    // Every name a link; a long chain keeps its ends and says how many are between.
    constexpr int kEnds = 3;
    const Plan &plan = m_deployment.plan();
    const auto link = [&](int r) {
        return QStringLiteral("<a href=\"%1\">%2</a>").arg(r).arg(plan.resources[std::size_t(r)].id.toHtmlEscaped());
    };
    QStringList names;
    const int n = int(path.size());
    for (int i = 0; i < n; ++i) {
        if (n > 2 * kEnds + 1 && i == kEnds) {
            names.append(tr("… %n more …", nullptr, n - 2 * kEnds));
            i = n - kEnds - 1;
            continue;
        }
        if (path[i] >= 0 && path[i] < m_deployment.resourceCount())
            names.append(link(path[i]));
    }
    return names.join(QStringLiteral(" → "));
}

QString PlanSummary::peakText() const
{
    const int limit = m_deployment.parallelism();
    if (!m_runData || !m_runData->hasRun() || !m_deployment.hasRun())
        return tr("Up to %n at once (the limit in the toolbar).", nullptr, limit);
    if (m_deployment.isRunning())
        return tr("%1 running now, at most %2 at once so far; the limit is %3.")
            .arg(m_deployment.count(ResourceState::Running))
            .arg(m_runData->maxRunning())
            .arg(limit);
    return tr("At most %1 ran at once; the limit is %2.").arg(m_runData->maxRunning()).arg(limit);
}

QString PlanSummary::text() const
{
    QStringList parts;
    for (const QLabel *label : {m_title, m_file, m_errors, m_states, m_run, m_critical, m_parallelism}) {
        if (label->isVisibleTo(this) || label != m_errors)
            parts.append(QString(label->text())
                             .replace(QStringLiteral("<br>"), QStringLiteral("\n"))
                             .replace(QStringLiteral("</tr>"), QStringLiteral("\n"))
                             .replace(QStringLiteral("</td><td"), QStringLiteral("</td> <td")));
    }
    return parts.join(QLatin1Char('\n')).remove(QRegularExpression(QStringLiteral("<[^>]*>"))).replace(QStringLiteral("&#9632;"), QStringLiteral("■"));
}

} // namespace fanout
