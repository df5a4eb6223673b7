#include "ui/window/docklayout.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>

namespace fanout {

namespace {

// 2: the Problems dock; 3: the right column full height, for the Inspector's form; 4: History; 5: Forecast;
// 6: Targets
constexpr int kLayoutVersion = 6;

} // namespace

DockLayout::DockLayout(QMainWindow &window, const Panes &panes)
    : m_window(window)
    , m_resources(addPane(QObject::tr("Resources"), QStringLiteral("ResourcesDock"), panes.resources))
    , m_inspector(addPane(QObject::tr("Inspector"), QStringLiteral("InspectorDock"), panes.inspector))
    , m_timeline(addPane(QObject::tr("Timeline"), QStringLiteral("TimelineDock"), panes.timeline))
    , m_logs(addPane(QObject::tr("Logs"), QStringLiteral("LogsDock"), panes.logs))
    , m_problems(addPane(QObject::tr("Problems"), QStringLiteral("ProblemsDock"), panes.problems))
    , m_history(addPane(QObject::tr("History"), QStringLiteral("HistoryDock"), panes.history))
    , m_forecast(addPane(QObject::tr("Forecast"), QStringLiteral("ForecastDock"), panes.forecast))
    , m_targets(addPane(QObject::tr("Targets"), QStringLiteral("TargetsDock"), panes.targets))
{
    arrange();
    // The right column runs the window's full height, so that the Inspector's form has room; the
    // timeline and logs share the width below the graph.
    m_window.setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_window.resizeDocks({m_resources}, {430}, Qt::Horizontal);
    // The timeline gets the larger share below the graph: at 1440×900 its legend fits on two lines
    // and about half of the demo's 30 rows show, with the hint before a run whole.
    m_window.resizeDocks({m_timeline}, {420}, Qt::Vertical);
    m_window.resizeDocks({m_timeline, m_logs}, {640, 370}, Qt::Horizontal);
    m_window.resizeDocks({m_resources, m_inspector}, {230, 600}, Qt::Vertical);
}

QDockWidget *DockLayout::addPane(const QString &title, const QString &objectName, QWidget *widget)
{
    auto *dock = new QDockWidget(title, &m_window);
    dock->setObjectName(objectName); // saveState() restores docks by object name
    dock->setWidget(widget);
    return dock;
}

QList<QDockWidget *> DockLayout::docks() const
{
    return {m_resources, m_inspector, m_timeline, m_logs, m_problems, m_history, m_forecast, m_targets};
}

void DockLayout::arrange()
{
    m_window.addDockWidget(Qt::RightDockWidgetArea, m_resources);
    m_window.addDockWidget(Qt::RightDockWidgetArea, m_inspector);
    m_window.addDockWidget(Qt::BottomDockWidgetArea, m_timeline);
    m_window.addDockWidget(Qt::BottomDockWidgetArea, m_logs);
    m_window.splitDockWidget(m_resources, m_inspector, Qt::Vertical);
    m_window.splitDockWidget(m_timeline, m_logs, Qt::Horizontal);
    // Problems shares the logs' place: its tab title counts them, so they are seen without a pane of their own.
    m_window.addDockWidget(Qt::BottomDockWidgetArea, m_problems);
    m_window.tabifyDockWidget(m_logs, m_problems);
    // The forecast too: before a run the logs are empty, and it is what there is to read.
    m_window.addDockWidget(Qt::BottomDockWidgetArea, m_forecast);
    m_window.tabifyDockWidget(m_problems, m_forecast);
    // The targets' grid, for plans deployed to many regions or accounts: wide, as the logs are.
    m_window.addDockWidget(Qt::BottomDockWidgetArea, m_targets);
    m_window.tabifyDockWidget(m_forecast, m_targets);
    m_logs->raise();
    // The runs of the plan beside its resources: the list is narrow, and a replay shows on the others.
    m_window.addDockWidget(Qt::RightDockWidgetArea, m_history);
    m_window.tabifyDockWidget(m_resources, m_history);
    m_resources->raise();
}

void DockLayout::reset()
{
    for (QDockWidget *dock : docks()) {
        dock->setFloating(false);
        dock->show();
    }
    arrange();
}

void DockLayout::addToggles(QMenu *menu) const
{
    for (QDockWidget *dock : docks())
        menu->addAction(dock->toggleViewAction());
}

void DockLayout::restore()
{
    QSettings settings;
    if (settings.value(QStringLiteral("window/layoutVersion")).toInt() != kLayoutVersion)
        return;
    m_window.restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_window.restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
}

void DockLayout::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/layoutVersion"), kLayoutVersion);
    settings.setValue(QStringLiteral("window/geometry"), m_window.saveGeometry());
    settings.setValue(QStringLiteral("window/state"), m_window.saveState(kLayoutVersion));
}

} // namespace fanout
