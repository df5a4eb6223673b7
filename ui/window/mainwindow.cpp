#include "ui/window/mainwindow.h"

#include "engine/support/atomicfile.h"
#include "engine/state/deploymentstate.h"
#include "engine/support/duration.h"
#include "engine/executors/executorregistry.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/logs/logpanes.h"
#include "ui/dialogs/mappingdialog.h"
#include "models/plan/plandocument.h"
#include "engine/import/planimporter.h"
#include "engine/plan/planreader.h"
#include "ui/window/executoricon.h"
#include "ui/window/resourcepalette.h"
#include "ui/panes/resourcespane.h"
#include "engine/run/runreport.h"
#include "models/run/runsession.h"
#include "models/run/statestyle.h"
#include "ui/timeline/timelinepane.h"
#include "ui/panes/validationpane.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>
#include <QVBoxLayout>

namespace fanout {

namespace {

const char kDemo[] = "demo";
const char kDemoPath[] = ":/plans/demo.json";
constexpr int kMaxRecentFiles = 8;
constexpr int kLayoutVersion = 3; // 2: the Problems dock; 3: the right column full height, for the Inspector's form

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

MainWindow::MainWindow(Layout layout, QWidget *parent)
    : QMainWindow(parent)
    , m_session(new RunSession(ExecutorRegistry::builtIn(), this))
    , m_document(new PlanDocument(ExecutorRegistry::builtIn(), this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    resize(defaultSize());

    createPanes();
    createActions();
    createStatusBar();
    if (layout == Layout::Restore)
        restoreLayout();

    connect(m_session, &RunSession::runStarted, this, [this] {
        m_clock->start();
        updateActions();
        updateStatus();
    });
    connect(m_session, &RunSession::runFinished, this, [this] {
        m_clock->stop();
        if (m_stateMovePending)
            keepStateBesidePlan(); // saved under another name while it ran
        if (m_planPending)
            documentChanged(); // edits made (through the API) while it ran
        updateActions();
        updateStatus();
        const QStringList failed = m_session->failedIds();
        if (!m_session->stateSaveError().isEmpty())
            statusBar()->showMessage(tr("Finished, but the state file %1 cannot be written: %2")
                                         .arg(m_session->statePath(), m_session->stateSaveError()), 30000);
        else if (m_session->isTeardown() && failed.isEmpty())
            statusBar()->showMessage(tr("Teardown finished: %1 destroyed, %2 still recorded in the state")
                                         .arg(m_session->count(ResourceState::Succeeded)).arg(m_session->deploymentState().size()), 15000);
        else if (!failed.isEmpty())
            statusBar()->showMessage(tr("Finished: %1 failed (%2). Right-click it, or press Retry failed.")
                                         .arg(failed.size()).arg(failed.join(QStringLiteral(", "))), 15000);
    });
    connect(m_session, &RunSession::eventsRecorded, this, &MainWindow::onEvents);
    connect(m_session, &RunSession::planChanged, this, [this] {
        updateTitle();
        updateActions();
        updateStatus();
    });
    connect(m_session, &RunSession::selectionChanged, this, &MainWindow::updateActions);
    connect(m_session, &RunSession::stateSaveFailed, this, [this](const QString &error) {
        statusBar()->showMessage(tr("Cannot write the state file %1: %2 (tried again after every resource)")
                                     .arg(m_session->statePath(), error), 15000);
    });
    connect(m_session, &RunSession::parallelismChanged, m_parallelism, &QSpinBox::setValue);
    connect(m_session, &RunSession::failFastChanged, m_failFast, &QAction::setChecked);
    connect(m_document, &PlanDocument::changed, this, &MainWindow::documentChanged);
    connect(m_document, &PlanDocument::changed, this, &MainWindow::updateProblems);
    connect(m_document, &PlanDocument::modifiedChanged, this, [this] {
        updateTitle();
        updateActions();
    });
    QUndoStack *stack = m_document->undoStack();
    for (const auto signal : {&QUndoStack::canUndoChanged, &QUndoStack::canRedoChanged})
        connect(stack, signal, this, &MainWindow::updateActions);
    for (const auto signal : {&QUndoStack::undoTextChanged, &QUndoStack::redoTextChanged})
        connect(stack, signal, this, &MainWindow::updateActions);
    updateProblems();
    updateActions();
    updateStatus();
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The document outlives the actions as a child: its stack's last signals must not reach them.
    m_document->undoStack()->disconnect(this);
    m_document->disconnect(this);
}

QDockWidget *MainWindow::addPane(const QString &title, const QString &objectName, QWidget *widget, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() restores docks by object name
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createPanes()
{
    m_graph = new GraphPane(*m_session);
    setCentralWidget(m_graph);
    // Edits drawn on the graph go through the document, like every other edit; a refused one (a
    // dependency that would close a cycle) says why over the graph.
    connect(m_graph, &GraphPane::dependencyRequested, this, [this](const QString &dependent, const QString &dependency) {
        QString error;
        if (m_document->addDependency(dependent, dependency, &error))
            statusBar()->showMessage(tr("%1 now depends on %2; Undo (Ctrl+Z) takes it back").arg(dependent, dependency), 5000);
        else
            m_graph->showEditMessage(error);
    });
    connect(m_graph, &GraphPane::dependencyRemovalRequested, this, &MainWindow::removeDependency);
    connect(m_graph, &GraphPane::resourcesRemovalRequested, this, &MainWindow::removeResources);
    connect(m_graph, &GraphPane::resourceAddRequested, this, [this](const QString &type, const QPointF &centre) { addResourceAt(type, centre); });
    connect(m_graph, &GraphPane::resourcesMoved, this, [this](const QHash<QString, QPointF> &centres) {
        QString error;
        if (!m_document->moveResources(centres, &error))
            m_graph->showEditMessage(error);
    });
    connect(m_graph, &GraphPane::unpinRequested, this, [this](const QStringList &ids) {
        QString error;
        if (!m_document->unpinResources(ids, &error))
            m_graph->showEditMessage(error);
    });

    m_timeline = new TimelinePane(*m_session);
    m_logs = new LogPanes(*m_session);
    m_resources = new ResourcesPane(*m_session);
    m_inspector = new InspectorPane(*m_session);
    m_inspector->setDocument(m_document);
    m_problems = new ValidationPane;

    m_resourcesDock = addPane(tr("Resources"), QStringLiteral("ResourcesDock"), m_resources, Qt::RightDockWidgetArea);
    m_inspectorDock = addPane(tr("Inspector"), QStringLiteral("InspectorDock"), m_inspector, Qt::RightDockWidgetArea);
    m_timelineDock = addPane(tr("Timeline"), QStringLiteral("TimelineDock"), m_timeline, Qt::BottomDockWidgetArea);
    m_logsDock = addPane(tr("Logs"), QStringLiteral("LogsDock"), m_logs, Qt::BottomDockWidgetArea);
    splitDockWidget(m_resourcesDock, m_inspectorDock, Qt::Vertical);
    splitDockWidget(m_timelineDock, m_logsDock, Qt::Horizontal);
    // Problems shares the logs' place: its tab title counts them, so they are seen without a pane of their own.
    m_problemsDock = addPane(tr("Problems"), QStringLiteral("ProblemsDock"), m_problems, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_logsDock, m_problemsDock);
    m_logsDock->raise();
    // The right column runs the window's full height, so that the Inspector's form has room; the
    // timeline and logs share the width below the graph.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({m_resourcesDock}, {430}, Qt::Horizontal);
    resizeDocks({m_timelineDock}, {330}, Qt::Vertical);
    resizeDocks({m_timelineDock, m_logsDock}, {500, 510}, Qt::Horizontal);
    resizeDocks({m_resourcesDock, m_inspectorDock}, {230, 600}, Qt::Vertical);

    connect(m_graph, &GraphPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_timeline, &TimelinePane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_resources, &ResourcesPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_inspector, &InspectorPane::showLogsRequested, this, &MainWindow::showLogs);
    connect(m_problems, &ValidationPane::resourceActivated, this, &MainWindow::showProblem);
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_new = file->addAction(QIcon::fromTheme(QStringLiteral("document-new")), tr("&New Plan"), this, &MainWindow::newPlan);
    m_new->setShortcut(QKeySequence::New);
    m_new->setToolTip(tr("Start an empty plan and add resources to it (%1)").arg(m_new->shortcut().toString(QKeySequence::NativeText)));
    m_open = file->addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this, &MainWindow::open);
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a plan file, or import another tool's (%1)").arg(m_open->shortcut().toString(QKeySequence::NativeText)));
    file->addAction(tr("Open the &Demo Plan"), this, [this] { openPlan(QString::fromLatin1(kDemo)); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    m_import = file->addAction(tr("&Import…"), this, &MainWindow::importFile);
    m_import->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_import->setToolTip(tr("Import a Terraform plan or graph, a CloudFormation template or a Compose file as a plan (Ctrl+I)"));
    file->addSeparator();
    m_save = file->addAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Save"), this, &MainWindow::save);
    m_save->setShortcut(QKeySequence::Save);
    m_saveAs = file->addAction(tr("Save &As…"), this, &MainWindow::saveAs);
    m_saveAs->setShortcut(QKeySequence::SaveAs);
    m_saveAs->setToolTip(tr("Save the plan as a Fanout plan file"));
    file->addSeparator();
    m_exportGraph = file->addAction(tr("&Export Graph…"), this, &MainWindow::exportGraphWithDialog);
    m_exportGraph->setToolTip(tr("Save the dependency graph as an SVG or PNG image, Graphviz DOT or Mermaid"));
    m_exportTimeline = file->addAction(tr("Export &Timeline…"), this, &MainWindow::exportTimelineWithDialog);
    m_exportTimeline->setToolTip(tr("Save the whole timeline of the run as a PNG image"));
    m_saveReport = file->addAction(tr("Save Run &Report…"), this, &MainWindow::saveReport);
    m_saveReport->setToolTip(tr("Save the run as a JSON report or JUnit XML"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    // Edits go through the document's undo stack; these actions are off while a run is going.
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undo = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-undo")), tr("&Undo"), m_document->undoStack(), &QUndoStack::undo);
    m_undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    m_redo = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-redo")), tr("&Redo"), m_document->undoStack(), &QUndoStack::redo);
    m_redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    edit->addSeparator();
    m_addResourceMenu = edit->addMenu(tr("&Add Resource"));
    for (const QString &type : ExecutorRegistry::builtIn().types()) {
        const ExecutorDescription &described = ExecutorRegistry::builtIn().find(type)->description();
        QAction *add = m_addResourceMenu->addAction(executorIcon(described), type, this, [this, type] { addResource(type); });
        add->setData(type);
        add->setStatusTip(described.summary);
        if (m_addResource.isEmpty()) // the first the registry lists: the simulation, to try things out
            add->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
        m_addResource.append(add);
    }
    m_delete = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-delete")), tr("&Delete"), this, &MainWindow::deleteSelected);
    m_delete->setShortcut(QKeySequence::Delete);
    edit->addSeparator();
    // Text fields and the logs keep these keys for their own text (Qt asks the focus widget first).
    m_cut = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-cut")), tr("Cu&t"), this, &MainWindow::cutSelected);
    m_cut->setShortcut(QKeySequence::Cut);
    m_copy = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("&Copy"), this, &MainWindow::copySelected);
    m_copy->setShortcut(QKeySequence::Copy);
    m_paste = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-paste")), tr("&Paste"), this, [this] { paste(); });
    m_paste->setShortcut(QKeySequence::Paste);
    m_duplicate = edit->addAction(tr("D&uplicate"), this, &MainWindow::duplicateSelected);
    m_duplicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    edit->addSeparator();
    m_unpinAll = edit->addAction(tr("Unpin All &Positions"), this, &MainWindow::unpinAll);
    m_unpinAll->setToolTip(tr("Let the layout place every resource again, forgetting where they were dragged"));
    edit->addSeparator();
    m_historyAction = edit->addAction(tr("&History…"), this, &MainWindow::showHistory);
    m_historyAction->setToolTip(tr("Every edit of the plan; click one to go back to it"));

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_run = run->addAction(tr("&Run"), this, &MainWindow::runChanged);
    m_run->setShortcut(Qt::Key_F5);
    m_run->setIcon(StateStyle::icon(ResourceState::Running));
    m_run->setToolTip(tr("Provision every resource, in parallel (F5)"));
    m_cancel = run->addAction(tr("&Cancel"), this, [this] { m_session->cancel(); });
    m_cancel->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_cancel->setIcon(StateStyle::icon(ResourceState::Cancelled));
    m_cancel->setToolTip(tr("Start nothing new and stop what is running (Shift+F5)"));
    m_retryFailed = run->addAction(tr("Retry &Failed"), this, [this] { m_session->retryFailed(); });
    m_retryFailed->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryFailed->setIcon(StateStyle::icon(ResourceState::RetryWait));
    m_retryFailed->setToolTip(tr("Run every failed resource again; what was skipped because of them continues (Ctrl+Shift+R)"));
    run->addSeparator();
    m_runAll = run->addAction(tr("Run &All Again"), this, [this] { m_session->startAll(); });
    m_runAll->setToolTip(tr("Run every resource again, up to date or not"));
    m_replaceSelected = run->addAction(tr("Re&place Selected"), this, &MainWindow::replaceSelected);
    m_replaceSelected->setToolTip(tr("Run the selected resource again although it is up to date"));
    m_destroy = run->addAction(tr("&Destroy…"), this, [this] { destroyDeployment(); });
    m_destroy->setIcon(StateStyle::icon(ResourceState::Failed));
    run->addSeparator();
    m_failFast = run->addAction(tr("Stop at First &Failure"));
    m_failFast->setCheckable(true);
    m_failFast->setToolTip(tr("Fail fast: once a resource has failed, start nothing new"));
    connect(m_failFast, &QAction::toggled, m_session, &RunSession::setFailFast);
    run->addSeparator();
    m_mapping = run->addAction(tr("Executor &Mapping…"), this, &MainWindow::editMapping);
    m_mapping->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : {m_resourcesDock, m_inspectorDock, m_timelineDock, m_logsDock, m_problemsDock})
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    QAction *fit = m_viewMenu->addAction(tr("&Fit Graph to Window"), m_graph, &GraphPane::fitToWindow);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction *zoomIn = m_viewMenu->addAction(tr("Zoom &In"), m_graph, &GraphPane::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = m_viewMenu->addAction(tr("Zoom &Out"), m_graph, &GraphPane::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("&Reset Layout"), this, [this] {
        for (QDockWidget *dock : {m_resourcesDock, m_inspectorDock, m_timelineDock, m_logsDock, m_problemsDock}) {
            dock->setFloating(false);
            dock->show();
        }
        addDockWidget(Qt::RightDockWidgetArea, m_resourcesDock);
        addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
        addDockWidget(Qt::BottomDockWidgetArea, m_timelineDock);
        addDockWidget(Qt::BottomDockWidgetArea, m_logsDock);
        splitDockWidget(m_resourcesDock, m_inspectorDock, Qt::Vertical);
        splitDockWidget(m_timelineDock, m_logsDock, Qt::Horizontal);
        addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
        tabifyDockWidget(m_logsDock, m_problemsDock);
        m_logsDock->raise();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Fanout"), this, &MainWindow::about);

    m_palette = new ResourcePalette(ExecutorRegistry::builtIn(), this);
    connect(m_palette, &ResourcePalette::addRequested, this, &MainWindow::addResource);

    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("RunToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_open);
    bar->addAction(m_import);
    bar->addAction(m_save);
    bar->addSeparator();
    bar->addAction(m_run);
    bar->addAction(m_cancel);
    bar->addAction(m_retryFailed);
    bar->addAction(m_destroy);
    bar->addSeparator();
    auto *limitLabel = new QLabel(tr("Parallelism "));
    m_parallelism = new QSpinBox;
    m_parallelism->setRange(1, 1000);
    m_parallelism->setValue(m_session->parallelism());
    m_parallelism->setToolTip(tr("How many resources may run at once; a change takes effect at once, also during a run"));
    limitLabel->setBuddy(m_parallelism);
    bar->addWidget(limitLabel);
    bar->addWidget(m_parallelism);
    connect(m_parallelism, &QSpinBox::valueChanged, m_session, &RunSession::setParallelism);
    bar->addSeparator();
    bar->addAction(m_failFast);
    addToolBar(m_palette); // beside the run tools: the plan is drawn with it
}

void MainWindow::createStatusBar()
{
    m_counts = new QLabel;
    m_counts->setTextFormat(Qt::RichText);
    m_elapsed = new QLabel;
    m_remaining = new QLabel;
    statusBar()->addPermanentWidget(m_counts);
    statusBar()->addPermanentWidget(m_elapsed);
    statusBar()->addPermanentWidget(m_remaining);
    m_clock = new QTimer(this);
    m_clock->setInterval(500);
    connect(m_clock, &QTimer::timeout, this, &MainWindow::updateStatus);
}

QString MainWindow::statusText() const
{
    return m_counts->text().remove(QRegularExpression(QStringLiteral("<[^>]*>"))) + QLatin1Char(' ') + m_elapsed->text()
        + QLatin1Char(' ') + m_remaining->text();
}

void MainWindow::updateStatus()
{
    QStringList parts;
    for (const StatusCount &count : statusCounts()) {
        int n = 0;
        for (ResourceState s : count.states)
            n += m_session->count(s);
        if (n == 0 && count.states.constFirst() != ResourceState::Succeeded)
            continue;
        // Colour and word together: the state is never told by colour alone.
        parts.append(QStringLiteral("<span style='color:%1'>&#9632;</span> %2 %3")
                         .arg(StateStyle::stroke(count.states.constFirst()).name()).arg(n).arg(count.label));
    }
    m_counts->setText(parts.join(QStringLiteral("&nbsp;&nbsp; ")));
    if (!m_session->hasRun()) {
        if (!m_session->isStateReadable())
            m_elapsed->setText(tr("%1 resources; the state file cannot be read").arg(m_session->resourceCount()));
        else if (m_session->provisioning().toRun() == 0 && m_session->resourceCount() > 0)
            m_elapsed->setText(tr("%1 resources: %2, nothing to run").arg(m_session->resourceCount()).arg(m_session->provisioningSummary()));
        else
            m_elapsed->setText(tr("%1 resources: %2, press Run (F5) to start")
                                   .arg(m_session->resourceCount()).arg(m_session->provisioningSummary()));
        m_remaining->clear();
        return;
    }
    m_elapsed->setText(tr("Elapsed %1").arg(formatDuration(m_session->elapsedMs() / 1000 * 1000)));
    const qint64 left = m_session->estimatedRemainingMs();
    if (m_session->isRunning() && left >= 0)
        m_remaining->setText(tr("About %1 left").arg(formatDuration(std::max<qint64>(1000, (left + 999) / 1000 * 1000))));
    else
        m_remaining->setText(m_session->isRunning() ? QString() : tr("Done"));
}

void MainWindow::updateActions()
{
    const bool running = m_session->isRunning();
    const bool hasPlan = m_session->resourceCount() > 0;
    const bool readable = m_session->isStateReadable();
    const QString unreadable = tr("The state file cannot be read, so nothing can run:\n%1").arg(m_session->stateError());
    // An edit that left errors: the panes still show the plan before it, which must not run.
    const bool editErrors = !running && m_document->undoStack()->index() > 0 && m_document->hasErrors();
    QString firstError;
    for (const Diagnostic &d : m_document->diagnostics()) {
        if (editErrors && d.isError()) {
            firstError = tr("The plan has %n error(s); fix them or undo the edit:\n%1\nView → Problems lists every one.", nullptr,
                            errorCount(m_document->diagnostics()))
                             .arg(d.toString());
            break;
        }
    }
    m_run->setEnabled(hasPlan && !running && readable && !editErrors);
    m_run->setToolTip(running       ? tr("A run is in progress")
                      : !readable  ? unreadable
                      : editErrors ? firstError
                                   : tr("Provision what is new or changed, in parallel (F5)"));
    m_runAll->setEnabled(hasPlan && !running && readable && !editErrors);
    m_runAll->setToolTip(!readable ? unreadable : editErrors ? firstError : tr("Run every resource again, up to date or not"));
    const int selected = m_session->selected();
    m_replaceSelected->setEnabled(!running && readable && !editErrors && m_session->isProvisioned(selected));
    m_replaceSelected->setToolTip(!readable ? unreadable
                                  : editErrors ? firstError
                                  : selected < 0 ? tr("Select a provisioned resource to run it again")
                                                 : tr("Run the selected resource again although it is up to date"));
    m_destroy->setEnabled(!running && readable && m_session->destroyCount() > 0);
    m_destroy->setToolTip(!readable ? unreadable
                          : m_session->destroyCount() > 0
                              ? tr("Tear down the %n resource(s) the state records, in reverse dependency order", nullptr,
                                   m_session->destroyCount())
                              : tr("Nothing is recorded as provisioned"));
    m_cancel->setEnabled(running && !m_session->scheduler().isCancelling());
    m_retryFailed->setEnabled(!m_session->failedIds().isEmpty());
    m_open->setEnabled(!running);
    m_recentMenu->setEnabled(!running);
    m_saveReport->setEnabled(m_session->hasRun() && !running);
    m_save->setEnabled(hasPlan && hasUnsavedChanges());
    m_save->setToolTip(!hasUnsavedChanges()         ? tr("The plan has no unsaved changes")
                       : !m_importedFrom.isEmpty() ? tr("Save the imported plan as a Fanout plan file (its source is left as it is)")
                                                   : tr("Save the plan to a file"));
    m_import->setEnabled(!running);
    m_mapping->setEnabled(hasPlan && !running && !m_session->isTeardown());
    m_mapping->setToolTip(running ? tr("A run is in progress")
                                  : tr("Choose which executor provisions each imported resource (Ctrl+Shift+M)"));
    m_exportGraph->setEnabled(hasPlan);
    m_exportTimeline->setEnabled(hasPlan);

    // During a run the graph shows the plan the run started with, so its shape waits for the run to
    // end; the Inspector still edits every resource that is not running (for the next run), and
    // undo and redo work for steps that change no running resource.
    const QString locked = tr("A run is in progress: resources can be added, deleted and connected when it is over "
                              "(the Inspector edits those not running now)");
    const QString lockedStep = tr("This step changes a resource that is running: it can be undone when its attempt ends");
    const QUndoStack *stack = m_document->undoStack();
    m_new->setEnabled(!running);
    const bool undoFree = stack->canUndo() && stepIsFree(stack->index() - 1);
    m_undo->setEnabled(undoFree);
    m_undo->setText(stack->canUndo() ? tr("&Undo %1").arg(stack->undoText()) : tr("&Undo"));
    m_undo->setToolTip(stack->canUndo() && !undoFree ? lockedStep : m_undo->text().remove(QLatin1Char('&')));
    const bool redoFree = stack->canRedo() && stepIsFree(stack->index());
    m_redo->setEnabled(redoFree);
    m_redo->setText(stack->canRedo() ? tr("&Redo %1").arg(stack->redoText()) : tr("&Redo"));
    m_redo->setToolTip(stack->canRedo() && !redoFree ? lockedStep : m_redo->text().remove(QLatin1Char('&')));
    const bool editable = !running && !m_session->isTeardown() && m_document->document().is_object();
    m_addResourceMenu->setEnabled(editable);
    m_addResourceMenu->setToolTip(running ? locked : QString());
    for (QAction *add : std::as_const(m_addResource)) {
        add->setEnabled(editable);
        add->setToolTip(running ? locked : tr("Add a resource provisioned by the %1 executor").arg(add->data().toString()));
    }
    m_palette->setEnabled(editable);
    m_palette->setToolTip(running ? locked : QString());
    m_graph->setEditable(editable);
    const bool hasSelection = m_session->selected() >= 0 || !m_graph->selectedIds().isEmpty();
    const bool canDelete = editable && hasSelection;
    m_delete->setEnabled(canDelete);
    m_delete->setToolTip(running       ? locked
                         : !canDelete ? tr("Select a resource to delete it")
                                      : tr("Delete the selected resource and every dependency on it"));
    m_cut->setEnabled(canDelete);
    m_cut->setToolTip(running ? locked : tr("Copy the selected resources to the clipboard as JSON and delete them"));
    m_copy->setEnabled(hasSelection);
    m_copy->setToolTip(tr("Copy the selected resources to the clipboard as JSON; Paste adds them to this plan or another"));
    m_paste->setEnabled(editable);
    m_paste->setToolTip(running ? locked : tr("Add the resources on the clipboard (JSON) to the plan"));
    m_duplicate->setEnabled(canDelete);
    m_duplicate->setToolTip(running ? locked : tr("Add copies of the selected resources, with new ids"));
    m_unpinAll->setEnabled(editable && !m_document->pinnedPositions().isEmpty());
    if (m_history)
        m_history->setEnabled(!running);
}

void MainWindow::runChanged()
{
    if (m_session->start() || m_session->isRunning() || !m_session->isStateReadable() || m_session->resourceCount() == 0)
        return;
    statusBar()->showMessage(tr("Nothing to run: all %n resource(s) are up to date. Run All Again or Replace Selected runs them anyway.",
                                nullptr, m_session->resourceCount()),
                             15000);
}

void MainWindow::replaceSelected()
{
    const int selected = m_session->selected();
    if (m_session->isProvisioned(selected))
        m_session->replace({m_session->plan().resources[selected].id});
}

bool MainWindow::destroyDeployment(bool confirm)
{
    if (m_session->isRunning() || !m_session->isStateReadable())
        return false;
    const int count = m_session->destroyCount();
    if (count == 0) {
        statusBar()->showMessage(tr("Nothing to destroy: no resources are recorded as provisioned."), 15000);
        return false;
    }
    if (confirm) {
        const QString where = m_session->statePath().isEmpty() ? tr("for the built-in demo")
                                                                : tr("in %1").arg(QFileInfo(m_session->statePath()).fileName());
        const auto answer = QMessageBox::question(
            this, tr("Destroy"),
            tr("Tear down the %n resource(s) recorded %1? Each runs its destroy action, in reverse dependency order. "
               "This cannot be undone.", nullptr, count).arg(where),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return false;
    }
    QString message;
    const bool started = m_session->destroy(&message);
    if (!message.isEmpty())
        statusBar()->showMessage(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')), 30000);
    if (!started && message.contains(QLatin1String("error"))) {
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot destroy"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // not exec(): the window keeps working (and tests never block)
    }
    return started;
}

void MainWindow::updateTitle()
{
    const QString name = m_session->plan().name;
    QString where = !m_importedFrom.isEmpty() ? tr("imported from %1, not saved").arg(QFileInfo(m_importedFrom).fileName())
                    : m_planFile.isEmpty()    ? tr("built-in demo")
                                              : QFileInfo(m_planFile).fileName();
    if (m_importedFrom.isEmpty() && m_planFile.isEmpty() && !m_demo)
        where = tr("new plan, not saved");
    else if (m_document->isModified() && m_importedFrom.isEmpty())
        where += tr(", changes not saved");
    const QString teardown = m_session->isTeardown() ? tr(" (teardown)") : QString();
    // "[*]": the platform's unsaved-changes mark (an asterisk, or a dot in the close button).
    setWindowTitle(name.isEmpty() ? tr("Fanout[*]") : tr("%1 (%2)%3[*] — Fanout").arg(name, where, teardown));
    setWindowModified(hasUnsavedChanges());
}

void MainWindow::onEvents(const QList<RunEvent> &events)
{
    bool stateChanged = false;
    for (const RunEvent &event : events) {
        if (event.kind != RunEvent::Kind::Log) {
            stateChanged = true;
            break;
        }
    }
    if (stateChanged) {
        updateActions();
        updateStatus();
    }
}

void MainWindow::showOpenError(const QString &path, const Diagnostics &diagnostics, bool import)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QFileInfo(path).fileName()));
    auto *box = new QMessageBox(QMessageBox::Warning, import ? tr("Cannot import the file") : tr("Cannot open the plan"),
                                tr("%1 has %2 and cannot be %3. Fix them and try again.")
                                    .arg(QFileInfo(path).fileName(), tr("%n error(s)", nullptr, errorCount(diagnostics)),
                                         import ? tr("imported") : tr("opened")),
                                QMessageBox::Ok, this);
    box->setDetailedText(lines.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not exec(): the window keeps working (and tests never block)
}

bool MainWindow::openPlan(const QString &path, QString *problems)
{
    if (m_session->isRunning()) {
        if (problems)
            *problems = tr("A run is in progress");
        return false;
    }
    const bool demo = path == QLatin1String(kDemo);
    const QString file = demo ? QString::fromLatin1(kDemoPath) : path;

    // What the file is decides how it is read: a Fanout plan as it is, anything else through the
    // importer, as `fanout import` does, keeping the plan it makes.
    const LoadedPlan loaded = PlanImporter::load(file, ExecutorRegistry::builtIn());
    const PlanReadResult &read = loaded.read;
    const bool import = loaded.isImport();
    if (read.hasErrors()) {
        if (problems) {
            QStringList lines;
            for (const Diagnostic &d : read.diagnostics)
                lines.append(d.toString(QFileInfo(path).fileName()));
            *problems = lines.join(QLatin1Char('\n'));
        }
        showOpenError(path, read.diagnostics, import);
        return false;
    }
    if (!maybeSave()) {
        if (problems)
            *problems = tr("The plan open has changes not saved; they are kept");
        return false;
    }
    const QString absolute = demo ? QString() : QFileInfo(path).absoluteFilePath();
    m_loadedText = import ? QByteArray::fromStdString(loaded.document.dump(2)) + '\n' : loaded.bytes;
    m_planFile = import ? QString() : absolute;
    m_importedFrom = import ? absolute : QString();
    m_demo = demo;
    m_loading = true;
    m_document->load(loaded.document, m_planFile);
    m_loading = false;
    m_planPending = false;
    // The demo's state is kept in memory only, as `fanout run demo` does; an imported file's is
    // beside it, as `fanout run FILE` keeps it.
    m_session->setPlan(read.plan, demo ? QStringLiteral("demo (built in)") : absolute,
                       demo ? QString() : DeploymentState::defaultPath(absolute));
    if (!demo)
        addRecentFile(absolute);
    updateTitle();
    updateActions();
    if (!m_session->isStateReadable()) {
        statusBar()->showMessage(tr("Opened %1, but its state file cannot be read, so Run and Destroy are off: %2")
                                     .arg(read.plan.name, QString(m_session->stateError()).replace(QLatin1Char('\n'), QLatin1Char(' '))));
        return true;
    }
    const int warnings = warningCount(read.diagnostics);
    if (import) {
        int notRun = 0;
        for (const Resource &r : read.plan.resources)
            notRun += r.run ? 0 : 1;
        QString message = tr("Imported %1 resources, %2 dependencies from %3 (%4)")
                              .arg(loaded.importedResources)
                              .arg(loaded.importedDependencies)
                              .arg(QFileInfo(path).fileName(), formatDescription(*loaded.format));
        if (notRun > 0)
            message += tr("; %1 not run (data sources, no-ops)").arg(notRun);
        if (warnings > 0)
            message += tr("; %n warning(s)", nullptr, warnings);
        statusBar()->showMessage(message, 30000);
        return true;
    }
    statusBar()->showMessage(warnings ? tr("Opened %1 with %n warning(s)", nullptr, warnings).arg(read.plan.name)
                                      : tr("Opened %1").arg(read.plan.name),
                             5000);
    return true;
}

bool MainWindow::newPlan()
{
    if (m_session->isRunning() || !maybeSave())
        return false;
    m_planFile.clear();
    m_importedFrom.clear();
    m_demo = false;
    m_loading = true;
    m_document->load(PlanDocument::emptyDocument());
    m_loading = false;
    m_planPending = false;
    m_loadedText = m_document->toText();
    m_session->setPlan(m_document->plan(), tr("untitled (not saved)"));
    updateTitle();
    updateActions();
    statusBar()->showMessage(tr("A new plan: add resources from Edit → Add Resource (Ctrl+Shift+A adds a %1 resource)")
                                 .arg(ExecutorRegistry::builtIn().types().value(0)), 15000);
    return true;
}

QByteArray MainWindow::planText() const
{
    return m_document->undoStack()->count() == 0 ? m_loadedText : m_document->toText();
}

nlohmann::ordered_json MainWindow::planDocument() const
{
    return m_document->document();
}

bool MainWindow::hasUnsavedChanges() const
{
    return m_planFile.isEmpty() || m_document->isModified();
}

QAction *MainWindow::addResourceAction(const QString &type) const
{
    for (QAction *add : m_addResource) {
        if (add->data().toString() == type)
            return add;
    }
    return nullptr;
}

void MainWindow::documentChanged()
{
    if (m_loading)
        return; // openPlan() and newPlan() show the plan themselves
    if (m_session->isRunning()) {
        m_planPending = true; // the run keeps the plan it started with
        return;
    }
    m_planPending = false;
    if (m_document->hasErrors()) {
        // The panes keep the last plan without errors; a run must never start with errors.
        for (const Diagnostic &d : m_document->diagnostics()) {
            if (d.isError()) {
                statusBar()->showMessage(tr("The plan has %n error(s), so the panes show it as it was before: %1", nullptr,
                                            errorCount(m_document->diagnostics()))
                                             .arg(d.toString()),
                                         30000);
                break;
            }
        }
        updateTitle();
        updateActions();
        return;
    }
    const QString selectedId = m_session->selected() >= 0 && m_session->selected() < m_session->resourceCount()
                                   ? m_session->plan().resources[m_session->selected()].id
                                   : QString();
    int select = m_document->plan().indexOf(selectedId);
    // Renamed (or the rename undone): the resource is where it was.
    if (select < 0 && !selectedId.isEmpty() && m_document->plan().resources.size() == m_session->resourceCount())
        select = m_session->selected();
    m_session->setPlan(m_document->plan(), m_session->file(), m_session->statePath());
    m_session->select(select);
    updateTitle();
    updateActions();
}

void MainWindow::updateProblems()
{
    const Diagnostics &diagnostics = m_document->diagnostics();
    m_problems->setDiagnostics(diagnostics, m_document->document());
    m_problemsDock->setWindowTitle(diagnostics.isEmpty() ? tr("Problems") : tr("Problems (%1)").arg(diagnostics.size()));
}

void MainWindow::showProblem(const QString &id, const QString &field)
{
    const int resource = m_session->plan().indexOf(id);
    if (resource < 0) {
        // Added by the edit that left the errors: the panes do not show it yet.
        statusBar()->showMessage(tr("%1 is shown once the plan has no errors").arg(id), 10000);
        return;
    }
    m_session->select(resource);
    m_inspectorDock->show();
    m_inspectorDock->raise();
    if (!field.isEmpty())
        m_inspector->focusField(field);
}

void MainWindow::addResource(const QString &type)
{
    addResourceAt(type, std::nullopt);
}

bool MainWindow::addResourceAt(const QString &type, std::optional<QPointF> at, QString *id)
{
    if (m_session->isRunning() || m_session->isTeardown())
        return false;
    QString newId;
    QString error;
    if (!at)
        at = m_graph->newResourcePosition(); // beside the selection, else amid what is in view
    if (!m_document->addResource(type, &newId, &error, at)) {
        statusBar()->showMessage(error, 15000);
        return false;
    }
    m_session->select(m_session->plan().indexOf(newId));
    statusBar()->showMessage(tr("Added %1: edit it in the Inspector; drag the dot on another resource's lower edge to it to make it wait for that one").arg(newId), 8000);
    if (id)
        *id = newId;
    return true;
}

QStringList MainWindow::selectedResourceIds() const
{
    QStringList ids = m_graph->selectedIds();
    const int selected = m_session->selected();
    if (ids.isEmpty() && selected >= 0 && selected < m_session->resourceCount())
        ids.append(m_session->plan().resources[selected].id);
    return ids;
}

bool MainWindow::copySelected()
{
    const QStringList ids = selectedResourceIds();
    const nlohmann::ordered_json resources = m_document->resourceObjects(ids);
    if (resources.empty()) {
        statusBar()->showMessage(tr("Select the resources to copy first"), 5000);
        return false;
    }
    nlohmann::ordered_json clip = {{"resources", resources}};
    const QHash<QString, QPointF> pinned = m_document->pinnedPositions();
    for (const QString &id : ids) {
        if (pinned.contains(id))
            clip["layout"]["positions"][id.toStdString()] = {{"x", pinned.value(id).x()}, {"y", pinned.value(id).y()}};
    }
    const QByteArray text = QByteArray::fromStdString(clip.dump(2)) + '\n';
    auto *mime = new QMimeData;
    mime->setText(QString::fromUtf8(text));
    mime->setData(QStringLiteral("application/x-fanout-resources"), text);
    QGuiApplication::clipboard()->setMimeData(mime);
    statusBar()->showMessage(tr("Copied %1 as JSON; Paste (Ctrl+V) adds %2 to this plan or another").arg(ids.join(QStringLiteral(", ")), ids.size() == 1 ? tr("it") : tr("them")), 5000);
    return true;
}

bool MainWindow::paste(QString *error)
{
    const auto fail = [&](const QString &why) {
        statusBar()->showMessage(why, 15000);
        if (error)
            *error = why;
        return false;
    };
    if (m_session->isRunning() || m_session->isTeardown())
        return fail(tr("A run is in progress: paste when it is over"));
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    QByteArray text;
    if (mime && mime->hasFormat(QStringLiteral("application/x-fanout-resources")))
        text = mime->data(QStringLiteral("application/x-fanout-resources"));
    else if (mime && mime->hasText())
        text = mime->text().toUtf8();
    if (text.trimmed().isEmpty())
        return fail(tr("The clipboard is empty: copy resources (Ctrl+C) or their JSON first"));
    const nlohmann::ordered_json clip = nlohmann::ordered_json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
    if (clip.is_discarded())
        return fail(tr("The clipboard holds no resources: its text is not JSON"));
    // As Copy puts them, a list of resource objects, or one resource.
    nlohmann::ordered_json resources;
    QHash<QString, QPointF> positions;
    if (clip.is_object() && clip.contains("resources")) {
        resources = clip["resources"];
        if (const auto layout = clip.find("layout"); layout != clip.end() && layout->is_object() && layout->contains("positions")
            && (*layout)["positions"].is_object()) {
            for (const auto &[id, at] : (*layout)["positions"].items()) {
                if (at.is_object() && at.contains("x") && at.contains("y") && at["x"].is_number() && at["y"].is_number())
                    positions.insert(QString::fromStdString(id), QPointF(at["x"].get<double>(), at["y"].get<double>()));
            }
        }
    } else if (clip.is_array()) {
        resources = clip;
    } else if (clip.is_object() && clip.contains("id")) {
        resources = nlohmann::ordered_json::array({clip});
    } else {
        return fail(tr("The clipboard's JSON holds no resources: expected {\"resources\": [...]}, a list of resources or one resource"));
    }
    // Pasted into the plan they were copied from, the copies go beside the originals.
    bool beside = false;
    for (auto it = positions.cbegin(); it != positions.cend() && !beside; ++it)
        beside = m_document->pinnedPositions().contains(it.key());
    QStringList ids;
    QStringList dropped;
    QString why;
    if (!m_document->insertResources(resources, positions, beside ? QPointF(40, 40) : QPointF(), tr("Paste %n resource(s)", nullptr, int(resources.size())),
                                     &ids, &dropped, &why))
        return fail(why);
    m_session->select(m_session->plan().indexOf(ids.constLast()));
    statusBar()->showMessage(dropped.isEmpty() ? tr("Pasted %1").arg(ids.join(QStringLiteral(", ")))
                                               : tr("Pasted %1; dependencies on resources this plan does not have were left out: %2")
                                                     .arg(ids.join(QStringLiteral(", ")), dropped.join(QStringLiteral(", "))),
                             15000);
    return true;
}

bool MainWindow::duplicateSelected()
{
    if (m_session->isRunning() || m_session->isTeardown())
        return false;
    const QStringList ids = selectedResourceIds();
    const nlohmann::ordered_json resources = m_document->resourceObjects(ids);
    if (resources.empty())
        return false;
    QStringList added;
    QString error;
    const QString text = ids.size() == 1 ? tr("Duplicate %1").arg(ids.constFirst()) : tr("Duplicate %n resource(s)", nullptr, int(ids.size()));
    if (!m_document->insertResources(resources, m_document->pinnedPositions(), QPointF(40, 40), text, &added, nullptr, &error)) {
        statusBar()->showMessage(error, 15000);
        return false;
    }
    m_session->select(m_session->plan().indexOf(added.constLast()));
    statusBar()->showMessage(tr("Added %1; Undo (Ctrl+Z) takes %2 back").arg(added.join(QStringLiteral(", ")), added.size() == 1 ? tr("it") : tr("them")), 5000);
    return true;
}

void MainWindow::cutSelected()
{
    if (m_session->isRunning() || m_session->isTeardown())
        return;
    const QStringList ids = selectedResourceIds();
    if (copySelected())
        removeResources(ids);
}

void MainWindow::unpinAll()
{
    QString error;
    if (!m_document->unpinResources(m_document->pinnedPositions().keys(), &error))
        statusBar()->showMessage(error, 10000);
}

QStringList MainWindow::runningIds() const
{
    QStringList ids;
    if (!m_session->isRunning())
        return ids;
    for (int r = 0; r < m_session->resourceCount(); ++r) {
        const ResourceState state = m_session->state(r);
        if (state == ResourceState::Running || state == ResourceState::RetryWait)
            ids.append(m_session->plan().resources[r].id);
    }
    return ids;
}

bool MainWindow::stepIsFree(int index) const
{
    if (m_session->isTeardown())
        return false;
    if (!m_session->isRunning())
        return true;
    const QStringList running = runningIds();
    const QStringList changed = m_document->resourcesChangedBy(index);
    return std::none_of(changed.cbegin(), changed.cend(), [&](const QString &id) { return running.contains(id); });
}

void MainWindow::deleteSelected()
{
    if (m_session->isRunning() || m_session->isTeardown())
        return;
    // What is selected on the graph: an edge, several resources, or else the one selected everywhere.
    if (const GraphEdgeItem *edge = m_graph->view()->selectedEdge()) {
        const Plan &plan = m_session->plan();
        if (edge->from() >= 0 && edge->from() < plan.resources.size() && edge->to() >= 0 && edge->to() < plan.resources.size())
            removeDependency(plan.resources[edge->to()].id, plan.resources[edge->from()].id);
        return;
    }
    removeResources(selectedResourceIds());
}

void MainWindow::removeResources(const QStringList &ids)
{
    if (ids.isEmpty() || m_session->isRunning() || m_session->isTeardown())
        return;
    QString error;
    if (!m_document->removeResources(ids, &error))
        statusBar()->showMessage(error, 15000);
    else
        statusBar()->showMessage(tr("Deleted %1; Undo (Ctrl+Z) brings %2 back")
                                     .arg(ids.join(QStringLiteral(", ")), ids.size() == 1 ? tr("it") : tr("them")),
                                 5000);
}

void MainWindow::removeDependency(const QString &dependent, const QString &dependency)
{
    if (m_session->isRunning() || m_session->isTeardown())
        return;
    QString error;
    if (!m_document->removeDependency(dependent, dependency, &error))
        m_graph->showEditMessage(error);
    else
        statusBar()->showMessage(tr("%1 no longer depends on %2; Undo (Ctrl+Z) takes it back").arg(dependent, dependency), 5000);
}

void MainWindow::showHistory()
{
    if (!m_history) {
        m_history = new QDialog(this);
        m_history->setObjectName(QStringLiteral("HistoryDialog"));
        m_history->setWindowTitle(tr("History"));
        auto *view = new QUndoView(m_document->undoStack());
        view->setEmptyLabel(tr("<plan as opened>"));
        view->setCleanIcon(QIcon::fromTheme(QStringLiteral("document-save")));
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, m_history, &QDialog::hide);
        auto *layout = new QVBoxLayout(m_history);
        layout->addWidget(view);
        layout->addWidget(buttons);
        m_history->resize(360, 420);
        m_history->setEnabled(!m_session->isRunning());
    }
    m_history->show();
    m_history->raise();
    m_history->activateWindow();
}

MainWindow::UnsavedAnswer MainWindow::askAboutUnsavedChanges()
{
    const QString name = m_session->plan().name.isEmpty() ? tr("The plan") : tr("The plan %1").arg(m_session->plan().name);
    const auto answer = QMessageBox::question(this, tr("Changes not saved"), tr("%1 has changes that are not saved. Save them?").arg(name),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    return answer == QMessageBox::Save ? UnsavedAnswer::Save : answer == QMessageBox::Discard ? UnsavedAnswer::Discard : UnsavedAnswer::Cancel;
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified())
        return true;
    switch (m_unsavedPrompt ? m_unsavedPrompt() : askAboutUnsavedChanges()) {
    case UnsavedAnswer::Discard:
        return true;
    case UnsavedAnswer::Cancel:
        return false;
    case UnsavedAnswer::Save:
        save();
        return !m_document->isModified(); // the save failed, or its dialog was cancelled
    }
    return false;
}

void MainWindow::open()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Plan"), dir,
        tr("Plans and importable files (*.json *.yaml *.yml *.template *.dot *.gv);;Fanout plans (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    openPlan(path);
}

void MainWindow::importFile()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import"), dir,
        tr("Importable files (*.json *.dot *.gv *.yaml *.yml *.template);;"
           "Terraform JSON plan, from terraform show -json (*.json);;"
           "Terraform graph, from terraform graph (*.dot *.gv);;"
           "CloudFormation template (*.json *.yaml *.yml *.template);;"
           "Compose file (*.yaml *.yml);;"
           "All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    openPlan(path); // the format is told from the content, whichever filter was chosen
}

void MainWindow::save()
{
    // A plan file is saved where it is; anything else (the demo, an imported file) needs a name,
    // so that a source file is never overwritten with a plan.
    if (m_planFile.isEmpty() || !m_importedFrom.isEmpty()) {
        saveAs();
        return;
    }
    QString error;
    if (!savePlanAs(m_planFile, &error))
        QMessageBox::warning(this, tr("Cannot save the plan"), error);
}

bool MainWindow::savePlanAs(const QString &path, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QString why;
    if (!m_importedFrom.isEmpty() && absolute == m_importedFrom)
        why = tr("%1 is the file the plan was imported from; save the plan under another name").arg(path);
    else if (const Expected<void> written = AtomicFile::write(path, planText()); !written)
        why = tr("%1: %2").arg(path, written.error());
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    m_planFile = absolute;
    m_importedFrom.clear();
    m_demo = false;
    m_document->setFile(absolute);
    m_document->markSaved();
    addRecentFile(m_planFile);
    updateTitle();
    updateActions();
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    // What was provisioned is recorded beside the plan's new file, where opening it will look.
    if (m_session->isRunning())
        m_stateMovePending = true;
    else
        keepStateBesidePlan();
    return true;
}

void MainWindow::keepStateBesidePlan()
{
    m_stateMovePending = false;
    const QString statePath = DeploymentState::defaultPath(m_planFile);
    if (m_planFile.isEmpty() || m_session->statePath() == statePath)
        return;
    if (QFileInfo::exists(statePath) && m_session->deploymentState().isEmpty() && !m_session->hasRun()) {
        // Saved over a plan with a state of its own, and nothing recorded here: that state is the plan's.
        m_session->setPlan(m_session->plan(), m_planFile, statePath);
        return;
    }
    QString why;
    if (!m_session->moveStateTo(statePath, &why))
        statusBar()->showMessage(tr("Saved the plan, but its deployment state is still kept %1: %2")
                                     .arg(m_session->statePath().isEmpty() ? tr("in memory only") : tr("in %1").arg(m_session->statePath()), why),
                                 30000);
}

void MainWindow::saveAs()
{
    QString suggested = m_session->plan().name.isEmpty() ? QStringLiteral("plan.json") : m_session->plan().name + QStringLiteral(".json");
    if (!m_importedFrom.isEmpty()) {
        // Beside the source, under a name that cannot be the source's own.
        const QFileInfo source(m_importedFrom);
        suggested = source.dir().filePath(source.completeBaseName() + QStringLiteral("-fanout.json"));
    } else if (!m_planFile.isEmpty()) {
        suggested = m_planFile;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Plan"), suggested, tr("Fanout plans (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!savePlanAs(path, &error))
        QMessageBox::warning(this, tr("Cannot save the plan"), error);
}

bool MainWindow::applyMapping(const nlohmann::ordered_json &rules, QString *problems)
{
    const auto fail = [problems](const QString &why) {
        if (problems)
            *problems = why;
        return false;
    };
    if (m_session->isRunning())
        return fail(tr("A run is in progress"));
    nlohmann::ordered_json document = planDocument();
    if (!document.is_object())
        return fail(tr("The plan's text cannot be read again"));
    document["mapping"] = rules;
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    if (read.hasErrors()) {
        QStringList lines;
        for (const Diagnostic &d : read.diagnostics) {
            if (d.isError())
                lines.append(d.toString());
        }
        return fail(lines.join(QLatin1Char('\n')));
    }
    // One undoable step; the plan is shown again through documentChanged().
    if (document != m_document->document()) {
        QString why;
        if (!m_document->setMapping(rules, &why))
            return fail(why);
    }
    int byRules = 0;
    for (const Resource &r : read.plan.resources)
        byRules += r.mappedBy.startsWith(QLatin1String("mapping[")) ? 1 : 0;
    statusBar()->showMessage(tr("Mapping applied: the plan's rules provision %n resource(s); save the plan to keep it", nullptr, byRules), 15000);
    return true;
}

void MainWindow::editMapping()
{
    if (m_session->isRunning() || m_session->resourceCount() == 0)
        return;
    auto *dialog = new MappingDialog(planDocument(), ExecutorRegistry::builtIn(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QString problems;
        if (!applyMapping(dialog->mapping(), &problems))
            QMessageBox::warning(this, tr("Cannot apply the mapping"), problems);
    });
    // A run started meanwhile (from the toolbar) must not have its plan replaced under it.
    connect(m_session, &RunSession::runStarted, dialog, &QDialog::reject);
    dialog->open();
}

bool MainWindow::exportGraph(const QString &path, QString *error)
{
    return m_graph->exportTo(path, error);
}

void MainWindow::exportGraphWithDialog()
{
    m_graph->exportWithDialog();
}

bool MainWindow::exportTimeline(const QString &path, QString *error)
{
    return m_timeline->exportTo(path, error);
}

void MainWindow::exportTimelineWithDialog()
{
    const QString name = m_session->plan().name.isEmpty() ? QStringLiteral("timeline") : m_session->plan().name + QStringLiteral("-timeline");
    QString path = QFileDialog::getSaveFileName(this, tr("Export Timeline"), name + QStringLiteral(".png"), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    QString error;
    if (!exportTimeline(path, &error))
        QMessageBox::warning(this, tr("Cannot export the timeline"), tr("%1: %2").arg(path, error));
    else
        statusBar()->showMessage(tr("Saved the timeline to %1").arg(QFileInfo(path).fileName()), 5000);
}

void MainWindow::saveReport()
{
    QString chosenFormat;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Run Report"), m_session->plan().name + QStringLiteral("-run.json"),
                                                      tr("JSON report (*.json);;JUnit XML (*.xml)"), &chosenFormat);
    if (path.isEmpty())
        return;
    const bool junit = path.endsWith(QLatin1String(".xml"), Qt::CaseInsensitive) || chosenFormat.contains(QLatin1String("JUnit"));
    const QByteArray report = junit ? RunReport::toJUnit(m_session->scheduler())
                                    : QByteArray::fromStdString(RunReport::toJson(m_session->scheduler(), m_session->file()).dump(2) + '\n');
    if (const Expected<void> written = AtomicFile::write(path, report); !written)
        QMessageBox::warning(this, tr("Cannot save the report"), tr("%1: %2").arg(path, written.error()));
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Fanout"),
                       tr("<h3>Fanout %1</h3><p>Deploy cloud infrastructure in parallel, and see it happen.</p>"
                          "<p>Press <b>Run</b> (F5) to provision every resource; right-click a failed one to retry it.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::showLogs(int resource)
{
    if (resource < 0)
        return;
    m_session->select(resource);
    m_logsDock->show();
    m_logsDock->raise();
    m_logs->showResource(resource);
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList files = settings.value(QStringLiteral("recentFiles")).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()), this,
                                                  [this, path] { openPlan(path); });
        action->setToolTip(path);
        action->setStatusTip(path);
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("&Clear Recent Files"), this, [this] {
            QSettings().remove(QStringLiteral("recentFiles"));
            updateRecentMenu();
        });
    }
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    if (settings.value(QStringLiteral("window/layoutVersion")).toInt() != kLayoutVersion)
        return;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/layoutVersion"), kLayoutVersion);
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_session->isRunning()) {
        const auto answer = QMessageBox::question(this, tr("A run is in progress"),
                                                  tr("Resources are still being provisioned. Cancel the run and quit?"),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_session->cancel();
    }
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    saveLayout();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.constFirst().isLocalFile() && !m_session->isRunning())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.constFirst().isLocalFile()) {
        event->acceptProposedAction();
        openPlan(urls.constFirst().toLocalFile());
    }
}

} // namespace fanout
