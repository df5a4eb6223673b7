#include "ui/window/filecontroller.h"

#include "engine/argo/argoworkflow.h"

#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "models/plan/plandocument.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphpane.h"
#include "ui/timeline/timelinepane.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace fanout {

namespace {

constexpr int kMaxRecentFiles = 8;

QString problemLines(const Diagnostics &diagnostics, const QString &path)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QFileInfo(path).fileName()));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

FileController::FileController(Workspace &workspace, QMainWindow &window, GraphPane &graph, TimelinePane &timeline)
    : QObject(&window)
    , m_workspace(workspace)
    , m_window(window)
    , m_graph(graph)
    , m_timeline(timeline)
{
    createActions();
    connect(&workspace, &Workspace::originChanged, this, [this] {
        updateTitle();
        updateActions();
    });
    // Saved under another name during a run: the state follows once the run is over, or says why not.
    connect(&workspace, &Workspace::stateMoveFailed, this, [this](const QString &why) {
        const QString statePath = m_workspace.deployment().statePath();
        showStatus(tr("Saved the plan, but its deployment state is still kept %1: %2")
                       .arg(statePath.isEmpty() ? tr("in memory only") : tr("in %1").arg(statePath), why),
                   30000);
    });
    connect(&workspace.document(), &PlanDocument::modifiedChanged, this, [this] {
        updateTitle();
        updateActions();
    });
    const Deployment &deployment = workspace.deployment();
    for (const auto signal : {&Deployment::planChanged, &Deployment::runStarted, &Deployment::runFinished}) {
        connect(&deployment, signal, this, [this] {
            updateTitle();
            updateActions();
        });
    }
}

void FileController::createActions()
{
    m_new = new QAction(QIcon::fromTheme(QStringLiteral("document-new")), tr("&New Plan"), this);
    m_new->setShortcut(QKeySequence::New);
    m_new->setToolTip(tr("Start an empty plan and add resources to it (%1)").arg(m_new->shortcut().toString(QKeySequence::NativeText)));
    connect(m_new, &QAction::triggered, this, &FileController::newPlan);
    m_open = new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this);
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a plan file, or import another tool's (%1)").arg(m_open->shortcut().toString(QKeySequence::NativeText)));
    connect(m_open, &QAction::triggered, this, &FileController::open);
    m_openDemo = new QAction(tr("Open the &Demo Plan"), this);
    connect(m_openDemo, &QAction::triggered, this, [this] { (void)openPlan(QStringLiteral("demo")); });
    m_import = new QAction(tr("&Import…"), this);
    m_import->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_import->setToolTip(tr("Import a Terraform plan or graph, a CloudFormation template or a Compose file as a plan (Ctrl+I)"));
    connect(m_import, &QAction::triggered, this, &FileController::importFile);
    m_save = new QAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Save"), this);
    m_save->setShortcut(QKeySequence::Save);
    connect(m_save, &QAction::triggered, this, &FileController::save);
    m_saveAs = new QAction(tr("Save &As…"), this);
    m_saveAs->setShortcut(QKeySequence::SaveAs);
    m_saveAs->setToolTip(tr("Save the plan as a Fanout plan file"));
    connect(m_saveAs, &QAction::triggered, this, &FileController::saveAs);
    m_exportGraph = new QAction(tr("&Export Graph…"), this);
    m_exportGraph->setToolTip(tr("Save the dependency graph as an SVG or PNG image, Graphviz DOT or Mermaid"));
    connect(m_exportGraph, &QAction::triggered, &m_graph, &GraphPane::exportWithDialog);
    m_exportTimeline = new QAction(tr("Export &Timeline…"), this);
    m_exportTimeline->setToolTip(tr("Save the whole timeline of the run as a PNG image"));
    connect(m_exportTimeline, &QAction::triggered, this, &FileController::exportTimelineWithDialog);
    m_exportArgo = new QAction(tr("Export Argo &Workflow…"), this);
    m_exportArgo->setToolTip(tr("Save the plan as an Argo Workflow, to run it on a Kubernetes cluster with argo submit"));
    connect(m_exportArgo, &QAction::triggered, this, &FileController::exportArgoWithDialog);
    m_saveReport = new QAction(tr("Save Run &Report…"), this);
    m_saveReport->setToolTip(tr("Save the run as a JSON report or JUnit XML"));
    connect(m_saveReport, &QAction::triggered, this, &FileController::saveReport);
    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    connect(m_quit, &QAction::triggered, &m_window, &QWidget::close);
}

void FileController::fillMenu(QMenu *menu)
{
    menu->addAction(m_new);
    menu->addAction(m_open);
    menu->addAction(m_openDemo);
    m_recentMenu = menu->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    menu->addAction(m_import);
    menu->addSeparator();
    menu->addAction(m_save);
    menu->addAction(m_saveAs);
    menu->addSeparator();
    menu->addAction(m_exportGraph);
    menu->addAction(m_exportTimeline);
    menu->addAction(m_exportArgo);
    menu->addAction(m_saveReport);
    menu->addSeparator();
    menu->addAction(m_quit);
}

void FileController::showStatus(const QString &message, int timeoutMs)
{
    m_window.statusBar()->showMessage(message, timeoutMs);
}

void FileController::updateActions()
{
    const Deployment &deployment = m_workspace.deployment();
    const bool running = deployment.isRunning();
    const bool hasPlan = deployment.resourceCount() > 0;
    const bool unsaved = m_workspace.hasUnsavedChanges();
    m_new->setEnabled(!running);
    m_open->setEnabled(!running);
    m_import->setEnabled(!running);
    if (m_recentMenu)
        m_recentMenu->setEnabled(!running);
    m_saveReport->setEnabled(deployment.hasRun() && !running);
    m_save->setEnabled(hasPlan && unsaved);
    m_save->setToolTip(!unsaved                                                   ? tr("The plan has no unsaved changes")
                       : m_workspace.origin() == Workspace::Origin::Import ? tr("Save the imported plan as a Fanout plan file (its source is left as it is)")
                                                                               : tr("Save the plan to a file"));
    m_exportGraph->setEnabled(hasPlan);
    m_exportTimeline->setEnabled(hasPlan);
    m_exportArgo->setEnabled(hasPlan && !m_workspace.document().hasErrors());
    m_exportArgo->setToolTip(m_workspace.document().hasErrors() ? tr("The plan has errors: fix them in the Problems tab first")
                                                               : tr("Save the plan as an Argo Workflow, to run it on a Kubernetes cluster with argo submit"));
}

void FileController::updateTitle()
{
    const QString name = m_workspace.deployment().plan().name;
    QString where;
    switch (m_workspace.origin()) {
    case Workspace::Origin::Import: where = tr("imported from %1, not saved").arg(QFileInfo(m_workspace.importedFrom()).fileName()); break;
    case Workspace::Origin::Demo: where = tr("built-in demo"); break;
    case Workspace::Origin::File: where = QFileInfo(m_workspace.file()).fileName(); break;
    case Workspace::Origin::New: where = tr("new plan, not saved"); break;
    }
    const bool saved = m_workspace.origin() == Workspace::Origin::File || m_workspace.origin() == Workspace::Origin::Demo;
    if (saved && m_workspace.document().isModified())
        where += tr(", changes not saved");
    const QString teardown = m_workspace.deployment().isTeardown() ? tr(" (teardown)") : QString();
    // "[*]": the platform's unsaved-changes mark (an asterisk, or a dot in the close button).
    m_window.setWindowTitle(name.isEmpty() ? tr("Fanout[*]") : tr("%1 (%2)%3[*] — Fanout").arg(name, where, teardown));
    m_window.setWindowModified(m_workspace.hasUnsavedChanges());
}

void FileController::showOpenError(const QString &path, const Diagnostics &diagnostics, bool import)
{
    auto *box = new QMessageBox(QMessageBox::Warning, import ? tr("Cannot import the file") : tr("Cannot open the plan"),
                                tr("%1 has %2 and cannot be %3. Fix them and try again.")
                                    .arg(QFileInfo(path).fileName(), counted(errorCount(diagnostics), "error"),
                                         import ? tr("imported") : tr("opened")),
                                QMessageBox::Ok, &m_window);
    box->setDetailedText(problemLines(diagnostics, path));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not exec(): the window keeps working (and tests never block)
}

Expected<void> FileController::openPlan(const QString &path)
{
    if (m_workspace.deployment().isRunning())
        return unexpected(tr("A run is in progress"));
    // What the file is decides how it is read: a Fanout plan as it is, anything else through the
    // importer, as `fanout import` does, keeping the plan it makes.
    const LoadedPlan loaded = m_workspace.read(path);
    const PlanReadResult &read = loaded.read;
    // A plan with errors opens, for them to be fixed in the Problems tab; a file that cannot be
    // read or parsed has nothing to show.
    if (!Workspace::canOpen(loaded)) {
        showOpenError(path, read.diagnostics, loaded.isImport());
        return unexpected(problemLines(read.diagnostics, path));
    }
    if (!maybeSave())
        return unexpected(tr("The plan open has changes not saved; they are kept"));
    const bool readable = m_workspace.open(path, loaded);
    if (m_workspace.origin() != Workspace::Origin::Demo)
        addRecentFile(QFileInfo(path).absoluteFilePath());
    if (const int errors = errorCount(read.diagnostics); errors > 0) {
        showStatus(tr("Opened %1 with %2: the Problems tab lists them, click one to go to it; Run is off until they are fixed")
                       .arg(QFileInfo(path).fileName(), counted(errors, "error")));
        return {};
    }
    if (!readable) {
        showStatus(tr("Opened %1, but its state file cannot be read, so Run and Destroy are off: %2")
                       .arg(read.plan.name, m_workspace.deployment().stateError().replace(QLatin1Char('\n'), QLatin1Char(' '))));
        return {};
    }
    showOpened(path, loaded);
    // What a crash left in flight, and a state file others can read: said before anything runs.
    // Another Fanout running with the state says so instead: its resources are in flight there.
    QStringList notes = m_workspace.deployment().stateWarnings();
    if (const QString inUse = m_workspace.deployment().stateInUse(); !inUse.isEmpty())
        notes.prepend(inUse);
    else if (const QString interrupted = m_workspace.deployment().interruptionNotice(); !interrupted.isEmpty())
        notes.prepend(tr("%1; Run replaces them (destroys them first where they have a destroy action).").arg(interrupted));
    if (!notes.isEmpty())
        showStatus(notes.join(QLatin1Char(' ')), 60000);
    return {};
}

void FileController::showOpened(const QString &path, const LoadedPlan &loaded)
{
    const Plan &plan = m_workspace.deployment().plan();
    const int warnings = warningCount(loaded.read.diagnostics);
    if (!loaded.isImport()) {
        showStatus(warnings ? tr("Opened %1 with %2").arg(plan.name, counted(warnings, "warning")) : tr("Opened %1").arg(plan.name), 5000);
        return;
    }
    int notRun = 0;
    for (const Resource &r : plan.resources)
        notRun += r.run ? 0 : 1;
    QString message = tr("Imported %1, %2 from %3 (%4)")
                          .arg(counted(loaded.importedResources, "resource"), counted(loaded.importedDependencies, "dependency", "dependencies"),
                               QFileInfo(path).fileName(), formatDescription(*loaded.format));
    if (notRun > 0)
        message += tr("; %1 not run (data sources, no-ops)").arg(notRun);
    if (warnings > 0)
        message += tr("; %1").arg(counted(warnings, "warning"));
    showStatus(message, 30000);
}

bool FileController::newPlan()
{
    if (m_workspace.deployment().isRunning() || !maybeSave())
        return false;
    m_workspace.newPlan();
    showStatus(tr("A new plan: add resources from Edit → Add Resource (Ctrl+Shift+A adds a %1 resource)")
                   .arg(m_workspace.registry().types().value(0)),
               15000);
    return true;
}

FileController::UnsavedAnswer FileController::askAboutUnsavedChanges()
{
    const QString planName = m_workspace.deployment().plan().name;
    const QString name = planName.isEmpty() ? tr("The plan") : tr("The plan %1").arg(planName);
    const auto answer = QMessageBox::question(&m_window, tr("Changes not saved"), tr("%1 has changes that are not saved. Save them?").arg(name),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    return answer == QMessageBox::Save ? UnsavedAnswer::Save : answer == QMessageBox::Discard ? UnsavedAnswer::Discard : UnsavedAnswer::Cancel;
}

bool FileController::maybeSave()
{
    if (!m_workspace.document().isModified())
        return true;
    switch (m_unsavedPrompt ? m_unsavedPrompt() : askAboutUnsavedChanges()) {
    case UnsavedAnswer::Discard:
        return true;
    case UnsavedAnswer::Cancel:
        return false;
    case UnsavedAnswer::Save:
        save();
        return !m_workspace.document().isModified(); // the save failed, or its dialog was cancelled
    }
    return false;
}

QString FileController::chooseFile(const QString &title, const QString &filters)
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    const QString path = QFileDialog::getOpenFileName(&m_window, title, dir, filters);
    if (!path.isEmpty())
        settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    return path;
}

void FileController::open()
{
    const QString path = chooseFile(tr("Open Plan"), tr("Plans and importable files (*.json *.yaml *.yml *.template *.dot *.gv);;"
                                                        "Fanout plans (*.json);;All files (*)"));
    if (!path.isEmpty())
        (void)openPlan(path);
}

void FileController::importFile()
{
    const QString path = chooseFile(tr("Import"), tr("Importable files (*.json *.dot *.gv *.yaml *.yml *.template);;"
                                                     "Terraform JSON plan, from terraform show -json (*.json);;"
                                                     "Terraform graph, from terraform graph (*.dot *.gv);;"
                                                     "CloudFormation template (*.json *.yaml *.yml *.template);;"
                                                     "Compose file (*.yaml *.yml);;"
                                                     "All files (*)"));
    if (!path.isEmpty())
        (void)openPlan(path); // the format is told from the content, whichever filter was chosen
}

void FileController::save()
{
    // A plan file is saved where it is; anything else (the demo, an imported file) needs a name,
    // so that a source file is never overwritten with a plan.
    if (m_workspace.origin() != Workspace::Origin::File) {
        saveAs();
        return;
    }
    if (const Expected<void> saved = savePlanAs(m_workspace.file()); !saved)
        QMessageBox::warning(&m_window, tr("Cannot save the plan"), saved.error());
}

Expected<void> FileController::savePlanAs(const QString &path)
{
    if (const Expected<void> saved = m_workspace.saveAs(path); !saved)
        return saved;
    addRecentFile(m_workspace.file());
    showStatus(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    if (const QString why = m_workspace.stateMoveError(); !why.isEmpty()) {
        const QString statePath = m_workspace.deployment().statePath();
        showStatus(tr("Saved the plan, but its deployment state is still kept %1: %2")
                       .arg(statePath.isEmpty() ? tr("in memory only") : tr("in %1").arg(statePath), why),
                   30000);
    }
    return {};
}

void FileController::saveAs()
{
    const QString name = m_workspace.deployment().plan().name;
    QString suggested = name.isEmpty() ? QStringLiteral("plan.json") : name + QStringLiteral(".json");
    if (m_workspace.origin() == Workspace::Origin::Import) {
        // Beside the source, under a name that cannot be the source's own.
        const QFileInfo source(m_workspace.importedFrom());
        suggested = source.dir().filePath(source.completeBaseName() + QStringLiteral("-fanout.json"));
    } else if (!m_workspace.file().isEmpty()) {
        suggested = m_workspace.file();
    }
    const QString path = QFileDialog::getSaveFileName(&m_window, tr("Save Plan"), suggested, tr("Fanout plans (*.json)"));
    if (path.isEmpty())
        return;
    if (const Expected<void> saved = savePlanAs(path); !saved)
        QMessageBox::warning(&m_window, tr("Cannot save the plan"), saved.error());
}

Expected<void> FileController::exportGraph(const QString &path)
{
    return m_graph.exportTo(path);
}

Expected<void> FileController::exportTimeline(const QString &path)
{
    return m_timeline.exportTo(path);
}

void FileController::exportTimelineWithDialog()
{
    const QString planName = m_workspace.deployment().plan().name;
    const QString name = planName.isEmpty() ? QStringLiteral("timeline") : planName + QStringLiteral("-timeline");
    QString path = QFileDialog::getSaveFileName(&m_window, tr("Export Timeline"), name + QStringLiteral(".png"), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    if (const Expected<void> exported = exportTimeline(path); !exported)
        QMessageBox::warning(&m_window, tr("Cannot export the timeline"), tr("%1: %2").arg(path, exported.error()));
    else
        showStatus(tr("Saved the timeline to %1").arg(QFileInfo(path).fileName()), 5000);
}

Expected<QStringList> FileController::exportArgo(const QString &path, QStringList *warnings)
{
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(m_workspace.deployment().plan());
    QStringList errors;
    for (const Diagnostic &d : exported.problems)
        (d.isError() ? errors : *warnings).append(d.message);
    if (exported.workflow.is_null())
        return unexpected(errors.join(QLatin1Char('\n')));
    return ArgoWorkflow::write(exported, path);
}

void FileController::exportArgoWithDialog()
{
    const QString planName = m_workspace.deployment().plan().name;
    const QString name = ArgoWorkflow::kubernetesName(planName.isEmpty() ? QStringLiteral("plan") : planName) + QStringLiteral(".yaml");
    QString path = QFileDialog::getSaveFileName(&m_window, tr("Export Argo Workflow"), name, tr("Argo Workflow (*.yaml *.yml *.json)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".yaml");
    QStringList warnings;
    const Expected<QStringList> written = exportArgo(path, &warnings);
    if (!written) {
        QMessageBox::warning(&m_window, tr("Cannot export the Argo Workflow"),
                             tr("Nothing was written: %1.\n\n%2\n\nThe plan still runs here; docs/argo.md says what maps onto Argo.")
                                 .arg(QFileInfo(path).fileName(), written.error()));
        return;
    }
    QStringList names;
    for (const QString &file : *written)
        names.append(QFileInfo(file).fileName());
    if (!warnings.isEmpty()) {
        QMessageBox::information(&m_window, tr("Argo Workflow exported, with what it leaves out"),
                                 tr("Saved %1. Left out:\n\n%2").arg(names.join(tr(" and ")), warnings.join(QLatin1Char('\n'))));
    }
    const QString next = written->size() > 1 ? tr("kubectl apply -f %1, then argo submit %2").arg(names.constFirst(), names.constLast())
                                             : tr("argo submit %1").arg(names.constLast());
    showStatus(tr("Saved %1; to run it on the cluster: %2").arg(names.join(tr(" and ")), next), 10000);
}

void FileController::saveReport()
{
    const Deployment &deployment = m_workspace.deployment();
    QString chosenFormat;
    const QString path = QFileDialog::getSaveFileName(&m_window, tr("Save Run Report"), deployment.plan().name + QStringLiteral("-run.json"),
                                                      tr("JSON report (*.json);;JUnit XML (*.xml)"), &chosenFormat);
    if (path.isEmpty())
        return;
    const bool junit = path.endsWith(QLatin1String(".xml"), Qt::CaseInsensitive) || chosenFormat.contains(QLatin1String("JUnit"));
    if (const Expected<void> written = junit ? deployment.writeJUnit(path) : deployment.writeReport(path); !written)
        QMessageBox::warning(&m_window, tr("Cannot save the report"), tr("%1: %2").arg(path, written.error()));
}

void FileController::addRecentFile(const QString &path)
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

void FileController::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList files = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()), this,
                                                  [this, path] { (void)openPlan(path); });
        action->setToolTip(path);
        action->setStatusTip(path);
    }
    if (files.isEmpty()) {
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear Recent Files"), this, [this] {
        QSettings().remove(QStringLiteral("recentFiles"));
        updateRecentMenu();
    });
}

} // namespace fanout
