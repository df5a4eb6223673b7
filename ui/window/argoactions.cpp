#include "ui/window/argoactions.h"

#include "engine/argo/argorun.h"
#include "engine/run/deployment.h"
#include "models/plan/plandocument.h"
#include "models/plan/workspace.h"
#include "ui/dialogs/argodialog.h"

#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>

namespace fanout {

ArgoActions::ArgoActions(Workspace &workspace, QMainWindow &window)
    : QObject(&window)
    , m_workspace(workspace)
    , m_window(window)
{
    m_runOnArgo = new QAction(tr("Run on Argo &Workflows…"), this);
    m_runOnArgo->setToolTip(tr("Submit the plan to an Argo Server and watch it run on the cluster here"));
    connect(m_runOnArgo, &QAction::triggered, this, &ArgoActions::runOnArgoWithDialog);
    m_attach = new QAction(tr("Attach to Argo Wor&kflow…"), this);
    m_attach->setToolTip(tr("Show a workflow running (or run) on an Argo Server, submitted from here, from CI or by anyone"));
    connect(m_attach, &QAction::triggered, this, &ArgoActions::attachWithDialog);
    m_stopFollowing = new QAction(tr("St&op Following the Workflow"), this);
    m_stopFollowing->setToolTip(tr("Show the plan again; the workflow goes on on the cluster"));
    connect(m_stopFollowing, &QAction::triggered, this, &ArgoActions::stopFollowing);
    // While a workflow is shown, the status bar says which, for as long as it is.
    m_where = new QLabel;
    m_where->setObjectName(QStringLiteral("ArgoWorkflowShown"));
    m_where->hide();
    window.statusBar()->addPermanentWidget(m_where);
    Deployment &deployment = workspace.deployment();
    for (const auto signal : {&Deployment::runStarted, &Deployment::runFinished, &Deployment::planChanged})
        connect(&deployment, signal, this, &ArgoActions::updateActions);
    connect(&deployment, &Deployment::replayingChanged, this, &ArgoActions::updateActions);
    connect(&workspace.document(), &PlanDocument::changed, this, &ArgoActions::updateActions);
    updateActions();
}

ArgoActions::~ArgoActions()
{
    delete m_run; // before the Deployment it shows on
}

void ArgoActions::updateActions()
{
    const Deployment &deployment = m_workspace.deployment();
    const bool runningHere = deployment.isRunning() && !deployment.isReplaying();
    const bool errors = m_workspace.document().hasErrors();
    m_runOnArgo->setEnabled(deployment.targetPlan().resources.size() > 0 && !runningHere && !errors);
    m_runOnArgo->setToolTip(runningHere ? tr("A run is in progress here")
                            : errors    ? tr("The plan has errors: fix them in the Problems tab first")
                                        : tr("Submit the plan to an Argo Server and watch it run on the cluster here"));
    m_attach->setEnabled(!runningHere);
    const bool shown = m_run && m_run->isShown();
    m_stopFollowing->setEnabled(shown);
    m_where->setVisible(shown);
    if (shown) {
        m_where->setText(tr("On Argo Workflows: %1").arg(m_run->workflowName()));
        m_where->setToolTip(tr("This window shows %1; Run → Stop Following the Workflow shows the plan again").arg(m_run->where()));
    }
}

bool ArgoActions::runOnArgo(const ArgoConnection &connection)
{
    const Deployment &deployment = m_workspace.deployment();
    if (m_workspace.document().hasErrors() || (deployment.isRunning() && !deployment.isReplaying()))
        return false;
    ArgoRun *run = makeRun(connection);
    const QStringList refused = run->submit(deployment.targetPlan());
    if (!refused.isEmpty()) {
        delete run;
        const QString why = tr("The plan cannot run on Argo Workflows as it is: %1").arg(refused.join(QStringLiteral("; ")));
        showStatus(why, 30000);
        emit failed(why);
        return false;
    }
    showStatus(tr("Submitting the plan to %1…").arg(connection.server.toString(QUrl::RemoveUserInfo)), 0);
    return true;
}

bool ArgoActions::attach(const ArgoConnection &connection, const QString &name)
{
    const Deployment &deployment = m_workspace.deployment();
    if (name.isEmpty() || (deployment.isRunning() && !deployment.isReplaying()))
        return false;
    makeRun(connection)->attach(name);
    showStatus(tr("Opening %1 on %2…").arg(name, connection.server.toString(QUrl::RemoveUserInfo)), 0);
    return true;
}

void ArgoActions::stopFollowing()
{
    if (m_run)
        m_run->close();
}

ArgoRun *ArgoActions::makeRun(const ArgoConnection &connection)
{
    delete m_run; // one workflow shown at a time
    auto *run = new ArgoRun(m_workspace.deployment(), connection, this);
    m_run = run;
    connect(run, &ArgoRun::started, this, [this, run](const QString &workflow) {
        showStatus(tr("Following %1: Cancel stops it (again: terminates), Retry runs a failed step again once it has ended; "
                      "closing the window leaves it running")
                       .arg(run->where()),
                   30000);
        updateActions();
        emit started(workflow);
    });
    connect(run, &ArgoRun::said, this, [this](const QString &message) { showStatus(message); });
    connect(run, &ArgoRun::ended, this, [this](const QString &summary) { showStatus(tr("Workflow %1").arg(summary), 30000); });
    connect(run, &ArgoRun::failed, this, [this, run](const QString &problem) {
        showStatus(problem, 30000);
        emit failed(problem);
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Argo Workflows"), problem, QMessageBox::Ok, &m_window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // not exec(): the window keeps working (and tests never block)
        if (!run->isShown())
            run->deleteLater();
    });
    connect(run, &ArgoRun::closed, this, [this, run] {
        showStatus(tr("No longer following %1; it goes on on the cluster").arg(run->workflowName().isEmpty() ? tr("the workflow") : run->where()));
        run->deleteLater();
        updateActions();
    });
    return run;
}

void ArgoActions::runOnArgoWithDialog()
{
    ArgoDialog dialog(ArgoDialog::Mode::Submit, &m_window);
    if (dialog.exec() == QDialog::Accepted)
        runOnArgo(dialog.connection());
}

void ArgoActions::attachWithDialog()
{
    ArgoDialog dialog(ArgoDialog::Mode::Attach, &m_window);
    if (dialog.exec() == QDialog::Accepted)
        attach(dialog.connection(), dialog.workflow());
}

void ArgoActions::showStatus(const QString &message, int timeoutMs)
{
    m_window.statusBar()->showMessage(message, timeoutMs);
}

} // namespace fanout
