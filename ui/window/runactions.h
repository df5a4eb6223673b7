#pragma once

#include "engine/support/expected.h"

#include <QObject>

#include <nlohmann/json.hpp>

class QAction;
class QCheckBox;
class QMainWindow;
class QMenu;
class QSpinBox;
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

    void updateActions();

private:
    void createActions();
    void run();
    void replaceSelected();
    void editMapping();
    void runFinished();
    void showStatus(const QString &message, int timeoutMs);
    void showOutcome(const QString &message, int timeoutMs); // how a run ended: cleared when the next starts
    void clearOutcome();

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
    QString m_outcome; // the status bar's message about the last run, while it may be up
};

} // namespace fanout
