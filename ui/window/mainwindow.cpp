#include "ui/window/mainwindow.h"

#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/estimatelearner.h"
#include "models/run/forecastrunner.h"
#include "models/run/historyrecorder.h"
#include "ui/graph/graphfollower.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/inspector/plansummary.h"
#include "ui/logs/logpanes.h"
#include "ui/panes/historypane.h"
#include "ui/panes/replaybar.h"
#include "ui/panes/targetspane.h"
#include "ui/panes/forecastpane.h"
#include "ui/panes/resourcespane.h"
#include "ui/panes/validationpane.h"
#include "ui/timeline/timelinepane.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/aboutinfo.h"
#include "ui/window/argoactions.h"
#include "ui/window/docklayout.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/resourcepalette.h"
#include "ui/window/runactions.h"
#include "ui/window/runstatus.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>

namespace fanout {

MainWindow::MainWindow(Layout layout, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(new Workspace(ExecutorRegistry::builtIn(), this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    resize(defaultSize());

    createPanes();
    m_files = new FileController(*m_workspace, *this, *m_graph, *m_timeline);
    m_edits = new EditActions(*m_workspace, *this, *m_graph);
    m_runs = new RunActions(*m_workspace, *this);
    m_argo = new ArgoActions(*m_workspace, *this);
    connect(m_runs, &RunActions::showResourceRequested, this, &MainWindow::showInGraph);
    createMenus();
    m_status = new RunStatus(m_workspace->deployment(), m_workspace->document(), *statusBar());
    m_status->setForecast(m_forecast);
    // Every run and teardown goes into the run history, as from the command line (docs/history.md).
    m_history = new HistoryRecorder(m_workspace->deployment(), RunHistory::defaultPath(), this);
    connect(m_history, &HistoryRecorder::recordFailed, this, [this](const QString &message) {
        statusBar()->showMessage(message, 15000);
    });
    connect(m_history, &HistoryRecorder::recorded, m_historyPane, &HistoryPane::refresh);
    m_historyPane->setHistoryPath(m_history->path());
    // What the plan's resources take is learned from it, off the GUI thread, and again after each run.
    m_learner = new EstimateLearner(m_workspace->deployment(), ExecutorRegistry::builtIn(), m_history->path(), this);
    connect(m_history, &HistoryRecorder::recorded, m_learner, &EstimateLearner::relearn);
    connect(m_learner, &EstimateLearner::learnFailed, this, [this](const QString &message) { statusBar()->showMessage(message, 15000); });
    if (layout == Layout::Restore)
        m_docks->restore();
    m_replayToolBar->hide(); // a replay is never restored

    connect(&m_workspace->document(), &PlanDocument::changed, this, &MainWindow::updateProblems);
    updateProblems();
    // A plan opened with errors: where they are listed, and fixed, comes to the front.
    connect(m_workspace, &Workspace::originChanged, this, [this] {
        if (m_workspace->document().hasErrors()) {
            m_docks->problems()->show();
            m_docks->problems()->raise();
        }
    });
    m_files->updateActions();
    m_edits->updateActions();
    m_runs->updateActions();
    m_files->updateTitle();
}

MainWindow::~MainWindow()
{
    // The panes and the actions hold on to the workspace, so they go first; and nothing the
    // workspace says on its way out may reach what is left.
    PlanDocument &document = m_workspace->document();
    for (QObject *source : std::initializer_list<QObject *>{m_workspace, &document, document.undoStack(), &m_workspace->deployment(),
                                                            &m_workspace->selection()})
        source->disconnect();
    delete m_docks;
    qDeleteAll(findChildren<QDockWidget *>(Qt::FindDirectChildrenOnly));
    delete takeCentralWidget();
    delete m_forecast; // waits for a forecast under way
    delete m_workspace;
}

void MainWindow::setHistoryPath(const QString &path)
{
    m_history->setPath(path);
    m_historyPane->setHistoryPath(path);
    m_learner->setPath(path);
    m_learner->relearn();
    m_forecast->setHistoryPath(path);
}

void MainWindow::createPanes()
{
    m_graph = new GraphPane(*m_workspace);
    setCentralWidget(m_graph);
    m_timeline = new TimelinePane(*m_workspace);
    m_logs = new LogPanes(*m_workspace);
    m_resources = new ResourcesPane(*m_workspace);
    m_inspector = new InspectorPane(*m_workspace);
    m_problems = new ValidationPane;
    m_historyPane = new HistoryPane(*m_workspace);
    m_inspector->summary()->setRunData(&m_timeline->view()->data()); // the peak, as the timeline counts it
    // Forecasts from the history the runs are recorded in (HistoryRecorder), off the GUI thread.
    m_forecast = new ForecastRunner(m_workspace->deployment(), ExecutorRegistry::builtIn(), RunHistory::defaultPath(), this);
    m_forecastPane = new ForecastPane(m_workspace->deployment(), *m_forecast);
    m_inspector->summary()->setForecast(m_forecast);
    m_timeline->view()->setForecast(m_forecast);
    m_targetsPane = new TargetsPane(*m_workspace);
    m_docks = new DockLayout(*this, {m_resources, m_inspector, m_timeline, m_logs, m_problems, m_historyPane, m_forecastPane, m_targetsPane});

    connect(m_graph, &GraphPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_timeline, &TimelinePane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_resources, &ResourcesPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_resources, &ResourcesPane::resourceActivated, this, &MainWindow::showInGraph);
    connect(m_inspector, &InspectorPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_problems, &ValidationPane::resourceActivated, this, &MainWindow::showProblem);
    connect(m_historyPane, &HistoryPane::problem, this, [this](const QString &message) { statusBar()->showMessage(message, 15000); });
}

void MainWindow::createReplayBar()
{
    // A banner across the window while a recorded run is shown: which run, read-only, its slider.
    m_replayBar = new ReplayBar;
    m_replayToolBar = new QToolBar(tr("Replay"), this); // placed below the others in createMenus()
    m_replayToolBar->setObjectName(QStringLiteral("ReplayToolBar"));
    m_replayToolBar->setMovable(false);
    m_replayToolBar->toggleViewAction()->setVisible(false);
    m_replayToolBar->addWidget(m_replayBar);
    m_replayToolBar->hide();
    m_closeReplay = new QAction(tr("Close &Replay"), this);
    m_closeReplay->setShortcut(Qt::Key_Escape);
    m_closeReplay->setToolTip(tr("Back to the open plan from the recorded run shown (Esc)"));
    m_closeReplay->setEnabled(false);
    connect(m_closeReplay, &QAction::triggered, m_historyPane, &HistoryPane::closeReplay);
    connect(m_replayBar, &ReplayBar::closeRequested, m_historyPane, &HistoryPane::closeReplay);
    connect(m_historyPane, &HistoryPane::replayStarted, this, [this](Replay *replay, const QString &title) {
        m_replayBar->setReplay(replay, title);
        m_replayToolBar->show();
        m_closeReplay->setEnabled(true);
        statusBar()->showMessage(tr("%1 — read-only. Drag the slider to any moment; Esc goes back to the open plan.").arg(title), 15000);
    });
    connect(m_historyPane, &HistoryPane::replayClosed, this, [this] {
        m_replayBar->setReplay(nullptr, QString());
        m_replayToolBar->hide();
        m_closeReplay->setEnabled(false);
        statusBar()->clearMessage();
    });
}

void MainWindow::createMenus()
{
    createReplayBar();
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_files->fillMenu(file);
    // Beside Export Argo Workflow: opening a workflow as one opens a file.
    const QList<QAction *> fileActions = file->actions();
    const qsizetype afterExport = fileActions.indexOf(m_files->exportArgoAction()) + 1;
    file->insertAction(afterExport > 0 && afterExport < fileActions.size() ? fileActions[afterExport] : nullptr, m_argo->attachAction());
    m_edits->fillMenu(menuBar()->addMenu(tr("&Edit")));
    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_runs->fillMenu(run);
    run->addSeparator();
    run->addAction(m_argo->runOnArgoAction());
    run->addAction(m_argo->stopFollowingAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_docks->addToggles(view);
    view->addSeparator();
    QAction *fit = view->addAction(tr("&Fit Graph to Window"), m_graph, &GraphPane::fitToWindow);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction *zoomIn = view->addAction(tr("Zoom &In"), m_graph, &GraphPane::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = view->addAction(tr("Zoom &Out"), m_graph, &GraphPane::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    addDirectionMenu(view->addMenu(tr("Graph &Direction")));
    // Off by default: the graph draws the transitive reduction, as `terraform graph` does, and a
    // selected resource shows all of its own.
    QAction *allDependencies = view->addAction(tr("Show &All Dependencies"));
    allDependencies->setObjectName(QStringLiteral("showAllDependencies"));
    allDependencies->setCheckable(true);
    allDependencies->setToolTip(tr("Also draw the dependencies that others imply (a → c when a → b → c)"));
    allDependencies->setChecked(QSettings().value(QStringLiteral("graph/showAllDependencies"), false).toBool());
    m_graph->view()->setShowAllDependencies(allDependencies->isChecked());
    connect(allDependencies, &QAction::toggled, this, [this](bool all) {
        QSettings().setValue(QStringLiteral("graph/showAllDependencies"), all);
        m_graph->view()->setShowAllDependencies(all);
    });
    // Large plans open with their groups collapsed (GraphView::collapseThreshold()).
    view->addSeparator();
    view->addAction(tr("E&xpand All Groups"), m_graph->view(), &GraphView::expandAllGroups);
    view->addAction(tr("&Collapse All Groups"), m_graph->view(), &GraphView::collapseAllGroups);
    view->addAction(tr("Collapse Groups of Plans &Over…"), this, [this] {
        bool ok = false;
        const int resources = QInputDialog::getInt(
            this, tr("Collapse Groups of Large Plans"),
            tr("Plans of more resources than this open with each group (a Terraform module, say) "
               "collapsed into one node; double-click a node to expand it."),
            GraphView::collapseThreshold(), 0, 10'000'000, 100, &ok);
        if (ok)
            GraphView::setCollapseThreshold(resources);
    });
    view->addSeparator();
    view->addAction(m_closeReplay);
    view->addSeparator();
    view->addAction(tr("&Reset Layout"), this, [this] { m_docks->reset(); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *documentation = help->addAction(tr("&Documentation"), this, &MainWindow::openDocumentation);
    documentation->setShortcut(QKeySequence::HelpContents);
    documentation->setObjectName(QStringLiteral("DocumentationAction"));
    help->addSeparator();
    help->addAction(tr("&About Fanout"), this, &MainWindow::about)->setObjectName(QStringLiteral("AboutAction"));

    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("RunToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_files->openAction());
    bar->addAction(m_files->importAction());
    bar->addAction(m_files->saveAction());
    bar->addSeparator();
    m_runs->fillToolBar(bar);
    addToolBar(m_edits->palette()); // beside the run tools: the plan is drawn with it
    addToolBarBreak();
    addToolBar(m_replayToolBar);
    m_replayToolBar->hide();
}

void MainWindow::addDirectionMenu(QMenu *menu)
{
    // Saved in the plan's layout section, as an edit (undoable, and the plan is then unsaved).
    auto *group = new QActionGroup(menu);
    const QList<std::pair<QString, QString>> directions = {
        {tr("To &Fit the Window"), QString()},
        {tr("&Top to Bottom"), QLatin1String(Plan::kTopToBottom)},
        {tr("&Left to Right"), QLatin1String(Plan::kLeftToRight)},
    };
    for (const auto &[text, direction] : directions) {
        QAction *action = menu->addAction(text);
        action->setCheckable(true);
        action->setData(direction);
        group->addAction(action);
        // An init-capture: clang 14 cannot capture a structured binding by name.
        connect(action, &QAction::triggered, this, [this, chosen = direction] {
            if (const Expected<void> set = m_workspace->document().setLayoutDirection(chosen); !set)
                statusBar()->showMessage(set.error(), 8000);
        });
    }
    menu->actions().constFirst()->setToolTip(tr("Top to bottom, unless the plan is far wider than the window and reads better left to right"));
    const auto showDirection = [this, group] {
        const QString current = m_workspace->deployment().plan().layoutDirection;
        for (QAction *action : group->actions())
            action->setChecked(action->data().toString() == current);
    };
    connect(&m_workspace->deployment(), &Deployment::planChanged, this, showDirection);
    showDirection();
}

QDockWidget *MainWindow::problemsDock() const
{
    return m_docks->problems();
}

QDockWidget *MainWindow::inspectorDock() const
{
    return m_docks->inspector();
}

QDockWidget *MainWindow::forecastDock() const
{
    return m_docks->forecast();
}

QDockWidget *MainWindow::targetsDock() const
{
    return m_docks->targets();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::updateProblems()
{
    const PlanDocument &document = m_workspace->document();
    const Diagnostics &diagnostics = document.diagnostics();
    m_problems->setDiagnostics(diagnostics, document.document());
    m_docks->problems()->setWindowTitle(diagnostics.isEmpty() ? tr("Problems") : tr("Problems (%1)").arg(diagnostics.size()));
}

void MainWindow::showProblem(const QString &id, const QString &field)
{
    const int resource = m_workspace->deployment().plan().indexOf(id);
    if (resource < 0) {
        // Added by the edit that left the errors: the panes do not show it yet.
        statusBar()->showMessage(tr("%1 is shown once the plan has no errors").arg(id), 10000);
        return;
    }
    m_workspace->selection().select(resource);
    m_docks->inspector()->show();
    m_docks->inspector()->raise();
    if (!field.isEmpty())
        m_inspector->focusField(field);
}

void MainWindow::showLogs(int resource)
{
    if (resource < 0)
        return;
    m_workspace->selection().select(resource);
    m_docks->logs()->show();
    m_docks->logs()->raise();
    m_logs->showResource(resource);
}

void MainWindow::showInGraph(int resource)
{
    if (resource < 0 || resource >= m_workspace->deployment().resourceCount())
        return;
    m_workspace->selection().select(resource);
    m_graph->follower()->setFollowing(false);
    m_graph->view()->showResource(resource);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Fanout"), AboutInfo::text());
}

void MainWindow::openDocumentation()
{
    const QUrl url = AboutInfo::documentation();
    if (url.isEmpty() || !QDesktopServices::openUrl(url)) {
        QMessageBox::information(this, tr("Documentation"),
                                 url.isEmpty() ? tr("The documentation is not installed here. It would be at %1.")
                                                     .arg(QDir::toNativeSeparators(AboutInfo::documentationCandidates().constFirst()))
                                               : tr("Nothing on this computer opens %1; open it with a text editor or a browser.")
                                                     .arg(QDir::toNativeSeparators(url.toLocalFile())));
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    Deployment &deployment = m_workspace->deployment();
    if (deployment.isRemote())
        m_argo->stopFollowing(); // a workflow shown runs on its cluster: it is not a run to cancel
    if (deployment.isReplaying())
        m_historyPane->closeReplay(); // a recorded run shown is not a run to cancel
    if (!m_quitting) {
        // Both questions first: a run is never cancelled for a quit that unsaved changes then stop.
        if ((deployment.isRunning() && !ask(QuitQuestion::CancelRun)) || !m_files->maybeSave()) {
            event->ignore();
            return;
        }
        m_quitting = true;
    }
    if (deployment.isRunning()) {
        event->ignore();
        stopThenClose();
        return;
    }
    m_docks->save();
    event->accept();
}

bool MainWindow::ask(QuitQuestion question)
{
    if (m_quitPrompt)
        return m_quitPrompt(question);
    const bool cancel = question == QuitQuestion::CancelRun;
    const auto answer = QMessageBox::question(
        this, cancel ? tr("A run is in progress") : tr("The run is stopping"),
        cancel ? tr("Resources are still being provisioned. Cancel the run and quit?\n\n"
                    "Running commands are asked to stop and get their grace period; the window closes once they have.")
               : tr("Running commands still have their grace period. Stop them at once (SIGKILL) and quit?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    return answer == QMessageBox::Yes;
}

void MainWindow::stopThenClose()
{
    Deployment &deployment = m_workspace->deployment();
    if (m_closeWhenStopped) {
        // Closed again while it stops: the grace period may be long.
        if (ask(QuitQuestion::StopAtOnce))
            deployment.stopAtOnce();
        return;
    }
    m_closeWhenStopped = true;
    // Queued: the run's last events reach every pane before the window goes.
    connect(&deployment, &Deployment::runFinished, this, &QWidget::close, Qt::QueuedConnection);
    deployment.cancel();
    statusBar()->showMessage(tr("Quitting once the run has stopped: %1 still stopping "
                                "(commands get their grace period; close again to stop them at once)")
                                 .arg(counted(deployment.count(ResourceState::Running), "resource")));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.constFirst().isLocalFile() && !m_workspace->deployment().isRunning())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.constFirst().isLocalFile()) {
        event->acceptProposedAction();
        (void)m_files->openPlan(urls.constFirst().toLocalFile());
    }
}

} // namespace fanout
