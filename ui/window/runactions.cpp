#include "ui/window/runactions.h"

#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "engine/run/remoterun.h"
#include "engine/support/counted.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "ui/dialogs/mappingdialog.h"

#include <QAction>
#include <QCheckBox>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSpinBox>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUrl>

namespace fanout {

RunActions::RunActions(Workspace &workspace, QMainWindow &window)
    : QObject(&window)
    , m_workspace(workspace)
    , m_window(window)
{
    createActions();
    // A widget of the status bar rather than a message, for links; a message of the moment covers
    // it while shown.
    m_outcomeLabel = new QLabel;
    m_outcomeLabel->setObjectName(QStringLiteral("RunOutcome"));
    m_outcomeLabel->setTextFormat(Qt::RichText);
    m_outcomeLabel->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_outcomeLabel->hide();
    window.statusBar()->addWidget(m_outcomeLabel, 1);
    connect(m_outcomeLabel, &QLabel::linkActivated, this, &RunActions::onOutcomeLink);
    m_outcomeTimer = new QTimer(this);
    m_outcomeTimer->setSingleShot(true);
    connect(m_outcomeTimer, &QTimer::timeout, this, &RunActions::clearOutcome);
    Deployment &deployment = workspace.deployment();
    for (const auto signal : {&Deployment::planChanged, &Deployment::runStarted})
        connect(&deployment, signal, this, &RunActions::updateActions);
    connect(&deployment, &Deployment::runStarted, this, &RunActions::clearOutcome);
    connect(&deployment, &Deployment::planChanged, this, [this] {
        // Another plan, or an edit shown between runs: the run it speaks of is no longer shown.
        if (!m_workspace.deployment().hasRun())
            clearOutcome();
    });
    connect(&deployment, &Deployment::runFinished, this, &RunActions::runFinished);
    connect(&deployment, &Deployment::statesChanged, this, &RunActions::updateActions);
    connect(&deployment, &Deployment::stateSaveFailed, this, [this](const QString &error) {
        showStatus(tr("Cannot write the state file %1: %2 (tried again after every resource)").arg(m_workspace.deployment().statePath(), error), 15000);
    });
    connect(&deployment, &Deployment::parallelismChanged, m_parallelism, &QSpinBox::setValue);
    connect(&deployment, &Deployment::failFastChanged, m_failFast, &QAction::setChecked);
    connect(&workspace.selection(), &ResourceSelection::changed, this, &RunActions::updateActions);
    // After the stack has counted the step (a plan left with errors by an edit must not run).
    connect(workspace.document().undoStack(), &QUndoStack::indexChanged, this, &RunActions::updateActions);
}

void RunActions::createActions()
{
    Deployment &deployment = m_workspace.deployment();
    m_run = new QAction(StateStyle::icon(ResourceState::Running), tr("&Run"), this);
    m_run->setShortcut(Qt::Key_F5);
    m_run->setToolTip(tr("Provision every resource, in parallel (F5)"));
    connect(m_run, &QAction::triggered, this, &RunActions::run);
    m_cancel = new QAction(StateStyle::icon(ResourceState::Cancelled), tr("&Cancel"), this);
    m_cancel->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_cancel->setToolTip(tr("Start nothing new and stop what is running (Shift+F5)"));
    connect(m_cancel, &QAction::triggered, &deployment, &Deployment::cancel);
    m_retryFailed = new QAction(StateStyle::icon(ResourceState::RetryWait), tr("Retry &Failed"), this);
    m_retryFailed->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryFailed->setToolTip(tr("Run every failed resource again; what was skipped because of them continues (Ctrl+Shift+R)"));
    connect(m_retryFailed, &QAction::triggered, &deployment, &Deployment::retryFailed);
    m_runAll = new QAction(tr("Run &All Again"), this);
    m_runAll->setToolTip(tr("Run every resource again, up to date or not"));
    connect(m_runAll, &QAction::triggered, &deployment, &Deployment::startAll);
    m_replaceSelected = new QAction(tr("Re&place Selected"), this);
    m_replaceSelected->setToolTip(tr("Run the selected resource again although it is up to date"));
    connect(m_replaceSelected, &QAction::triggered, this, &RunActions::replaceSelected);
    m_destroy = new QAction(StateStyle::icon(ResourceState::Failed), tr("&Destroy…"), this);
    connect(m_destroy, &QAction::triggered, this, [this] { destroyDeployment(); });
    m_failFast = new QAction(tr("Stop at First &Failure"), this);
    m_failFast->setCheckable(true);
    m_failFast->setToolTip(tr("Fail fast: once a resource has failed, start nothing new"));
    connect(m_failFast, &QAction::toggled, &deployment, &Deployment::setFailFast);
    m_mapping = new QAction(tr("Executor &Mapping…"), this);
    m_mapping->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    connect(m_mapping, &QAction::triggered, this, &RunActions::editMapping);

    m_parallelism = new QSpinBox;
    m_parallelism->setRange(1, 1000);
    m_parallelism->setValue(deployment.parallelism());
    m_parallelism->setToolTip(tr("How many resources may run at once; a change takes effect at once, also during a run"));
    connect(m_parallelism, &QSpinBox::valueChanged, &deployment, &Deployment::setParallelism);
}

void RunActions::fillMenu(QMenu *menu)
{
    menu->addAction(m_run);
    menu->addAction(m_cancel);
    menu->addAction(m_retryFailed);
    menu->addSeparator();
    menu->addAction(m_runAll);
    menu->addAction(m_replaceSelected);
    menu->addAction(m_destroy);
    menu->addSeparator();
    menu->addAction(m_failFast);
    menu->addSeparator();
    menu->addAction(m_mapping);
}

void RunActions::fillToolBar(QToolBar *bar)
{
    bar->addAction(m_run);
    bar->addAction(m_cancel);
    bar->addAction(m_retryFailed);
    bar->addAction(m_destroy);
    bar->addSeparator();
    auto *limitLabel = new QLabel(tr("Parallelism "));
    limitLabel->setBuddy(m_parallelism);
    bar->addWidget(limitLabel);
    bar->addWidget(m_parallelism);
    bar->addSeparator();
    // A checkable action without an icon is a flat word in a tool bar that reads as a label: a
    // check box shows that it is a setting, and whether it is on.
    m_failFastBox = new QCheckBox(tr("Stop at first failure"));
    m_failFastBox->setToolTip(m_failFast->toolTip());
    m_failFastBox->setChecked(m_failFast->isChecked());
    connect(m_failFastBox, &QCheckBox::toggled, m_failFast, &QAction::setChecked);
    connect(m_failFast, &QAction::toggled, m_failFastBox, &QCheckBox::setChecked);
    bar->addWidget(m_failFastBox);
}

void RunActions::showStatus(const QString &message, int timeoutMs)
{
    m_window.statusBar()->showMessage(message, timeoutMs);
}

void RunActions::showOutcome(const QString &html, int timeoutMs)
{
    m_window.statusBar()->clearMessage(); // what was said before the run ended covers it otherwise
    m_outcomeLabel->setText(html);
    m_outcomeLabel->show();
    if (timeoutMs > 0)
        m_outcomeTimer->start(timeoutMs);
    else
        m_outcomeTimer->stop();
}

void RunActions::clearOutcome()
{
    // What the last run ended with is not true of the run that starts (a retry, Run All Again):
    // "Finished: 1 failed (cdn)" must not stay up while cdn runs again.
    m_outcomeTimer->stop();
    m_outcomeLabel->hide();
    m_outcomeLabel->clear();
}

void RunActions::onOutcomeLink(const QString &link)
{
    const int resource = m_workspace.deployment().plan().indexOf(QUrl::fromPercentEncoding(link.toUtf8()));
    if (resource >= 0)
        emit showResourceRequested(resource);
}

void RunActions::updateActions()
{
    const Deployment &deployment = m_workspace.deployment();
    const PlanDocument &document = m_workspace.document();
    const bool running = deployment.isRunning();
    const bool hasPlan = deployment.resourceCount() > 0;
    const bool readable = deployment.isStateReadable();
    const QString unreadable = tr("The state file cannot be read, so nothing can run:\n%1").arg(deployment.stateError());
    // Errors: the plan opened with them (shown as far as it was read), or an edit left them (the
    // panes still show the plan before it); neither must run.
    const bool editErrors = !running && document.hasErrors();
    const bool edited = document.undoStack()->index() > 0;
    QString firstError;
    for (const Diagnostic &d : document.diagnostics()) {
        if (editErrors && d.isError()) {
            firstError = (edited ? tr("The plan has %1; fix them or undo the edit:\n%2\nView → Problems lists every one.")
                                      .arg(counted(errorCount(document.diagnostics()), "error"))
                                 : tr("The plan has %1; fix them first:\n%2\nView → Problems lists every one.")
                                      .arg(counted(errorCount(document.diagnostics()), "error")))
                             .arg(d.toString());
            break;
        }
    }
    const bool canRun = hasPlan && !running && readable && !editErrors;
    m_run->setEnabled(canRun);
    m_run->setToolTip(running       ? tr("A run is in progress")
                      : !readable  ? unreadable
                      : editErrors ? firstError
                                   : tr("Provision what is new or changed, in parallel (F5)"));
    m_runAll->setEnabled(canRun);
    m_runAll->setToolTip(!readable ? unreadable : editErrors ? firstError : tr("Run every resource again, up to date or not"));
    const int selected = m_workspace.selection().current();
    m_replaceSelected->setEnabled(!running && readable && !editErrors && deployment.isProvisioned(selected));
    m_replaceSelected->setToolTip(!readable ? unreadable
                                  : editErrors ? firstError
                                  : selected < 0 ? tr("Select a provisioned resource to run it again")
                                                 : tr("Run the selected resource again although it is up to date"));
    // Nor tear down: which destroy actions apply is not known while the plan does not read.
    m_destroy->setEnabled(!running && readable && !editErrors && deployment.destroyCount() > 0);
    m_destroy->setToolTip(!readable ? unreadable
                          : editErrors ? firstError
                          : deployment.destroyCount() > 0
                              ? tr("Tear down the %1 the state records, in reverse dependency order").arg(counted(deployment.destroyCount(), "resource"))
                              : tr("Nothing is recorded as provisioned"));
    m_cancel->setEnabled(running && !deployment.isCancelling());
    m_cancel->setToolTip(tr("Start nothing new and stop what is running (Shift+F5)"));
    m_retryFailed->setEnabled(!deployment.failedIds().isEmpty());
    m_retryFailed->setToolTip(tr("Run every failed resource again; what was skipped because of them continues (Ctrl+Shift+R)"));
    m_mapping->setEnabled(hasPlan && !running && !deployment.isTeardown());
    m_mapping->setToolTip(running ? tr("A run is in progress") : tr("Choose which executor provisions each imported resource (Ctrl+Shift+M)"));
    if (const RemoteRun *remote = deployment.remote()) {
        // A run elsewhere is shown: it is cancelled and retried there; nothing else runs here meanwhile.
        const QString shown = tr("A workflow on Argo Workflows is shown: Run → Stop Following the Workflow shows the plan again");
        for (QAction *action : {m_run, m_runAll, m_replaceSelected, m_destroy, m_mapping}) {
            action->setEnabled(false);
            action->setToolTip(shown);
        }
        m_cancel->setEnabled(running);
        m_cancel->setToolTip(remote->isStopping() ? tr("Terminate the workflow: its running steps are stopped too (Shift+F5)")
                                                  : tr("Stop the workflow: nothing new starts, running steps finish; press again to terminate them (Shift+F5)"));
        bool retryable = false;
        for (const QString &id : deployment.failedIds())
            retryable = retryable || deployment.canRetry(deployment.plan().indexOf(id));
        m_retryFailed->setEnabled(retryable);
        m_retryFailed->setToolTip(running ? tr("Argo retries a workflow once it has ended") : tr("Ask Argo to run every failed step again; what waited for them follows (Ctrl+Shift+R)"));
    } else if (deployment.isReplaying()) {
        // A recorded run is shown: nothing of it can run again, be retried or changed.
        const QString replaying = tr("A recorded run is shown, read-only: close the replay (Esc) to run the plan");
        for (QAction *action : {m_run, m_runAll, m_replaceSelected, m_destroy, m_mapping}) {
            action->setEnabled(false);
            action->setToolTip(replaying);
        }
        m_cancel->setEnabled(false);
        m_retryFailed->setEnabled(false);
    }
    m_failFast->setEnabled(!deployment.isReplaying());
    m_parallelism->setEnabled(!deployment.isReplaying());
    if (m_failFastBox)
        m_failFastBox->setEnabled(!deployment.isReplaying());
}

void RunActions::run()
{
    Deployment &deployment = m_workspace.deployment();
    if (m_workspace.document().hasErrors())
        return; // Run is off, and says why
    if (deployment.start() || deployment.isRunning() || !deployment.isStateReadable() || deployment.resourceCount() == 0)
        return;
    if (const QString refusal = deployment.provisionRefusal(); !refusal.isEmpty()) {
        showStatus(QString(refusal).replace(QLatin1Char('\n'), QLatin1Char(' ')), 30000);
        return;
    }
    showStatus(tr("Nothing to run: %1 up to date. Run All Again or Replace Selected runs them anyway.")
                   .arg(deployment.resourceCount() == 1 ? tr("the one resource is") : tr("all %1 resources are").arg(deployment.resourceCount())),
               15000);
}

void RunActions::replaceSelected()
{
    Deployment &deployment = m_workspace.deployment();
    const int selected = m_workspace.selection().current();
    if (deployment.isProvisioned(selected))
        deployment.replace({deployment.plan().resources[selected].id});
}

void RunActions::runFinished()
{
    updateActions();
    const Deployment &deployment = m_workspace.deployment();
    const QStringList failed = deployment.failedIds();
    if (!deployment.stateSaveError().isEmpty())
        showOutcome(tr("Finished, but the state file %1 cannot be written: %2").arg(deployment.statePath(), deployment.stateSaveError()).toHtmlEscaped(), 30000);
    else if (deployment.isTeardown() && failed.isEmpty())
        showOutcome(tr("Teardown finished: %1 destroyed, %2 still recorded in the state")
                        .arg(deployment.count(ResourceState::Succeeded)).arg(deployment.deploymentState().size()),
                    15000);
    else if (!failed.isEmpty())
        showOutcome(failureOutcome(failed), 0); // true until the next run: its links stay
}

QString RunActions::failureOutcome(const QStringList &failed) const
{
    // Each name a link that shows it in the graph; a long list ends with how many more (the
    // Resources table's Failed filter lists them all).
    constexpr int kMaxNames = 5;
    QStringList names;
    for (const QString &id : failed.mid(0, kMaxNames))
        names.append(QStringLiteral("<a href=\"%1\">%2</a>").arg(QString::fromLatin1(QUrl::toPercentEncoding(id)), id.toHtmlEscaped()));
    if (failed.size() > kMaxNames)
        names.append(tr("and %n more", nullptr, int(failed.size()) - kMaxNames));
    return tr("Finished: %1 failed (%2). Click a name to show it in the graph; right-click it there, or press Retry failed.")
        .arg(failed.size())
        .arg(names.join(QStringLiteral(", ")));
}

bool RunActions::destroyDeployment(bool confirm)
{
    Deployment &deployment = m_workspace.deployment();
    if (deployment.isRunning() || !deployment.isStateReadable() || m_workspace.document().hasErrors())
        return false;
    const int count = deployment.destroyCount();
    if (count == 0) {
        showStatus(tr("Nothing to destroy: no resources are recorded as provisioned."), 15000);
        return false;
    }
    if (confirm) {
        const QString where = deployment.statePath().isEmpty() ? tr("for the built-in demo") : tr("in %1").arg(QFileInfo(deployment.statePath()).fileName());
        const auto answer = QMessageBox::question(&m_window, tr("Destroy"),
                                                  tr("Tear down the %1 recorded %2? Each runs its destroy action, in reverse dependency order. "
                                                     "This cannot be undone.")
                                                      .arg(counted(count, "resource"), where),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return false;
    }
    const Deployment::Teardown teardown = deployment.destroy();
    QString message = teardown.message;
    if (!teardown.forgotten.isEmpty())
        message = tr("Nothing to run to destroy %1: removed from the state.").arg(teardown.forgotten.join(QStringLiteral(", ")));
    if (teardown.outcome == Deployment::Teardown::Outcome::Ready && !teardown.notes.isEmpty())
        message = (message.isEmpty() ? QString() : message + QLatin1Char(' ')) + teardown.notes.join(QStringLiteral("; ")) + QLatin1Char('.');
    if (!message.isEmpty())
        showStatus(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')), 30000);
    // Destroy actions to fix, or a state file that cannot be read: worth a box, not only a line.
    using Refusal = Deployment::Teardown::Refusal;
    if (teardown.refusal == Refusal::InvalidActions || teardown.refusal == Refusal::StateUnreadable) {
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot destroy"), teardown.message, QMessageBox::Ok, &m_window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // not exec(): the window keeps working (and tests never block)
    }
    return teardown.outcome == Deployment::Teardown::Outcome::Ready;
}

Expected<void> RunActions::applyMapping(const nlohmann::ordered_json &rules)
{
    const Expected<int> applied = m_workspace.applyMapping(rules);
    if (!applied)
        return unexpected(applied.error());
    showStatus(tr("Mapping applied: the plan's rules provision %1; save the plan to keep it").arg(counted(*applied, "resource")), 15000);
    return {};
}

void RunActions::editMapping()
{
    const Deployment &deployment = m_workspace.deployment();
    if (deployment.isRunning() || deployment.resourceCount() == 0)
        return;
    auto *dialog = new MappingDialog(m_workspace.document().document(), m_workspace.registry(), &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const Expected<void> applied = applyMapping(dialog->mapping()); !applied)
            QMessageBox::warning(&m_window, tr("Cannot apply the mapping"), applied.error());
    });
    // A run started meanwhile (from the toolbar) must not have its plan replaced under it.
    connect(&deployment, &Deployment::runStarted, dialog, &QDialog::reject);
    dialog->open();
}

} // namespace fanout
