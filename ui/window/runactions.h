#pragma once

#include "engine/support/expected.h"

#include <QObject>

#include <nlohmann/json.hpp>

class QAction;
class QCheckBox;
class QLabel;
class QMainWindow;
class QMenu;
class QSpinBox;
class QTimer;
class QToolBar;

namespace fanout {

class Workspace;

// The Run menu and the run tools of the toolbar: run, cancel, retry what failed, run all again,
// replace the selected resource, destroy, the parallelism limit and fail-fast, and the executor
// mapping. Each is a call of the workspace's Deployment (what a test makes without a window); this
// adds what the user sees: when each is possible and why not, questions before destroying, and
// what the status bar says when a run ends.
class RunActions : public QObject
{
    Q_OBJECT

public:
    RunActions(Workspace &workspace, QMainWindow &window);

    // Destroy…: tears down what the plan's state says exists (like `fanout destroy`), after asking
    // when `confirm`. True when the teardown run started.
    bool destroyDeployment(bool confirm = true);
    // Executor Mapping…'s OK without the dialog (Workspace::applyMapping), with the status bar.
    Expected<void> applyMapping(const nlohmann::ordered_json &rules);

    void fillMenu(QMenu *menu);
    void fillToolBar(QToolBar *bar);
    QAction *runAction() const { return m_run; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *retryFailedAction() const { return m_retryFailed; }
    QAction *runAllAction() const { return m_runAll; }
    QAction *replaceSelectedAction() const { return m_replaceSelected; }
    QAction *destroyAction() const { return m_destroy; }
    QAction *failFastAction() const { return m_failFast; }
    QAction *mappingAction() const { return m_mapping; }
    QSpinBox *parallelismBox() const { return m_parallelism; }
    QCheckBox *failFastBox() const { return m_failFastBox; } // the tool bar's toggle; null before fillToolBar()
    // How the last run ended, in the status bar ("Finished: 1 failed (cdn)…"), the failed names as
    // links (mouse or Tab, then Enter); hidden when there is nothing to say.
    QLabel *outcomeLabel() const { return m_outcomeLabel; }

    void updateActions();

signals:
    // A failed resource's name in the outcome was activated: select it and centre the graph on it.
    void showResourceRequested(int resource);

private:
    void createActions();
    void run();
    void replaceSelected();
    void editMapping();
    void runFinished();
    QString failureOutcome(const QStringList &failed) const; // "Finished: 1 failed (cdn)…", names as links
    void showStatus(const QString &message, int timeoutMs);
    // How a run ended (rich text), until the next run starts, the run's failures are gone (another
    // plan, an edit), or `timeoutMs` passes (0: no time limit).
    void showOutcome(const QString &html, int timeoutMs);
    void clearOutcome();
    void onOutcomeLink(const QString &link);

    Workspace &m_workspace;
    QMainWindow &m_window;
    QAction *m_run = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_retryFailed = nullptr;
    QAction *m_runAll = nullptr;
    QAction *m_replaceSelected = nullptr;
    QAction *m_destroy = nullptr;
    QAction *m_failFast = nullptr;
    QAction *m_mapping = nullptr;
    QSpinBox *m_parallelism = nullptr;
    QCheckBox *m_failFastBox = nullptr;
    QLabel *m_outcomeLabel = nullptr;
    QTimer *m_outcomeTimer = nullptr;
};

} // namespace fanout
