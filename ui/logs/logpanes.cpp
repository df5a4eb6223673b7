#include "ui/logs/logpanes.h"

#include "engine/run/deployment.h"
#include "models/logs/logmodel.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "ui/logs/logpane.h"

#include <QTabBar>

namespace fanout {

LogPanes::LogPanes(Workspace &workspace, QWidget *parent)
    : QTabWidget(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_model(new LogModel(this))
{
    setDocumentMode(true);
    setTabsClosable(true);
    setMovable(false);
    setUsesScrollButtons(true);
    setElideMode(Qt::ElideMiddle);
    m_model->setDeployment(&m_deployment);

    m_all = new LogPane(m_model, LogFilterModel::kAllResources, this);
    addTab(m_all, tr("All"));
    setTabToolTip(0, tr("Every line of the run, from every resource"));
    // The All tab stays: take away its close button whichever side the style puts it on.
    tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);

    connect(m_all, &LogPane::resourceClicked, this, [this](int resource) {
        if (resource >= 0)
            m_selection.select(resource);
    });
    connect(m_all, &LogPane::resourceActivated, this, [this](int resource) {
        if (resource >= 0)
            showResource(resource);
    });
    connect(this, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto *logs = qobject_cast<LogPane *>(widget(index)); logs && logs != m_all)
            closeResource(logs->resource());
    });
    connect(&m_deployment, &Deployment::planChanged, this, &LogPanes::closeResourceTabs);
    connect(&m_deployment, &Deployment::eventsRecorded, this, [this](const QList<RunEvent> &events) {
        // Few tabs are open, and a burst may hold thousands of events.
        const QList<int> open = openResources();
        QList<int> changed;
        for (const RunEvent &event : events) {
            if (event.kind == RunEvent::Kind::StateChanged && open.contains(event.resource)
                && !changed.contains(event.resource))
                changed.append(event.resource);
        }
        updateTabIcons(changed);
    });
}

LogPanes::~LogPanes() = default;

LogPane *LogPanes::pane(int resource) const
{
    for (int i = 1; i < count(); ++i) {
        if (auto *logs = qobject_cast<LogPane *>(widget(i)); logs && logs->resource() == resource)
            return logs;
    }
    return nullptr;
}

LogPane *LogPanes::currentPane() const
{
    return qobject_cast<LogPane *>(currentWidget());
}

QList<int> LogPanes::openResources() const
{
    QList<int> resources;
    for (int i = 1; i < count(); ++i) {
        if (auto *logs = qobject_cast<LogPane *>(widget(i)))
            resources.append(logs->resource());
    }
    return resources;
}

void LogPanes::showResource(int resource)
{
    if (resource < 0 || resource >= m_deployment.resourceCount())
        return;
    LogPane *logs = pane(resource);
    if (!logs) {
        logs = new LogPane(m_model, resource, this);
        const Resource &r = m_deployment.plan().resources[resource];
        const int index = addTab(logs, r.id);
        setTabToolTip(index, r.displayName() == r.id ? tr("Log of %1").arg(r.id)
                                                     : tr("Log of %1 (%2)").arg(r.displayName(), r.id));
        updateTabIcons({resource});
    }
    setCurrentWidget(logs);
}

void LogPanes::showAll()
{
    setCurrentWidget(m_all);
}

void LogPanes::closeResource(int resource)
{
    if (LogPane *logs = pane(resource)) {
        removeTab(indexOf(logs));
        logs->deleteLater();
    }
}

void LogPanes::closeResourceTabs()
{
    while (count() > 1) {
        QWidget *logs = widget(count() - 1);
        removeTab(count() - 1);
        logs->deleteLater();
    }
}

void LogPanes::updateTabIcons(const QList<int> &resources)
{
    for (const int resource : resources) {
        if (LogPane *logs = pane(resource)) {
            const int index = indexOf(logs);
            const ResourceState state = m_deployment.state(resource);
            setTabIcon(index, StateStyle::icon(state));
            setTabToolTip(index, tabToolTip(index).section(QLatin1Char('\n'), 0, 0) + QLatin1Char('\n')
                                     + StateStyle::label(state));
        }
    }
}

} // namespace fanout
