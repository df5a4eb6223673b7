#pragma once

#include "engine/argo/argorun.h"

#include <QObject>
#include <QPointer>

class QAction;
class QLabel;
class QMainWindow;

namespace fanout {

class Workspace;

// Run → Run on Argo Workflows…, File → Attach to Argo Workflow… and Run → Stop Following the
// Workflow: a workflow on Argo Workflows shown in the window as a run here is (engine/argo/ArgoRun
// on the workspace's Deployment), so that the graph, the timeline, the logs and the Inspector follow
// it, and Retry and Cancel act on it. What Argo says goes to the status bar; what stops the
// following (the server refuses, the workflow is gone) in a message box.
class ArgoActions : public QObject
{
    Q_OBJECT

public:
    ArgoActions(Workspace &workspace, QMainWindow &window);
    ~ArgoActions() override;

    QAction *runOnArgoAction() const { return m_runOnArgo; }
    QAction *attachAction() const { return m_attach; }
    QAction *stopFollowingAction() const { return m_stopFollowing; }
    QLabel *workflowLabel() const { return m_where; } // in the status bar while a workflow is shown

    // Without the dialogs (what OK does): submits the open plan, or shows workflow `name`. False
    // when nothing was asked of the server (the plan has errors, or cannot be a workflow: the
    // status bar says why).
    bool runOnArgo(const ArgoConnection &connection);
    bool attach(const ArgoConnection &connection, const QString &name);
    void stopFollowing(); // the workflow goes on; the window shows its plan again

    ArgoRun *current() const { return m_run; } // null when no workflow is shown

    void updateActions();

signals:
    void started(const QString &workflow);
    void failed(const QString &problem);

private:
    void runOnArgoWithDialog();
    void attachWithDialog();
    ArgoRun *makeRun(const ArgoConnection &connection);
    void showStatus(const QString &message, int timeoutMs = 15000);

    Workspace &m_workspace;
    QMainWindow &m_window;
    QPointer<ArgoRun> m_run;
    QAction *m_runOnArgo = nullptr;
    QAction *m_attach = nullptr;
    QAction *m_stopFollowing = nullptr;
    QLabel *m_where = nullptr;
};

} // namespace fanout
