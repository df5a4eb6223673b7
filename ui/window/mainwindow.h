#pragma once

#include <QMainWindow>

#include <functional>

class QAction;
class QDockWidget;
class QMenu;
class QToolBar;

namespace fanout {

class ArgoActions;
class DockLayout;
class EditActions;
class EstimateLearner;
class FileController;
class ForecastPane;
class TargetsPane;
class ForecastRunner;
class GraphPane;
class HistoryPane;
class InspectorPane;
class LogPanes;
class ResourcesPane;
class HistoryRecorder;
class ReplayBar;
class RunActions;
class RunStatus;
class TimelinePane;
class ValidationPane;
class Workspace;

// The dashboard: the plan's dependency graph in the centre, the timeline and logs below, the
// resources table and the inspector on the right; run, cancel, retry and the parallelism limit in
// the toolbar. The window only wires: the open plan, its deployment and the selection are the
// Workspace's; the File, Edit and Run menus are FileController, EditActions and RunActions; where
// the panes go is DockLayout's; the status bar's figures RunStatus's.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Layout { Restore, Default };
    explicit MainWindow(Layout layout = Layout::Restore, QWidget *parent = nullptr);
    ~MainWindow() override;

    Workspace &workspace() const { return *m_workspace; }
    FileController &files() const { return *m_files; }
    EditActions &edits() const { return *m_edits; }
    RunActions &runs() const { return *m_runs; }
    ArgoActions &argo() const { return *m_argo; }
    HistoryRecorder &history() const { return *m_history; }
    ForecastRunner &forecast() const { return *m_forecast; }

    // The window's default size: room for the graph, timeline and logs at once.
    static QSize defaultSize() { return QSize(1440, 900); }

    GraphPane *graphPane() const { return m_graph; }
    TimelinePane *timelinePane() const { return m_timeline; }
    LogPanes *logPanes() const { return m_logs; }
    ResourcesPane *resourcesPane() const { return m_resources; }
    InspectorPane *inspectorPane() const { return m_inspector; }
    ValidationPane *problemsPane() const { return m_problems; }
    HistoryPane *historyPane() const { return m_historyPane; }
    ReplayBar *replayBar() const { return m_replayBar; } // shown while a recorded run is replayed
    QAction *closeReplayAction() const { return m_closeReplay; }
    QDockWidget *problemsDock() const;
    QDockWidget *inspectorDock() const;
    ForecastPane *forecastPane() const { return m_forecastPane; }
    TargetsPane *targetsPane() const { return m_targetsPane; }
    // The run history that runs are recorded in, listed, learned from and forecast with (empty:
    // none); RunHistory::defaultPath() unless set.
    void setHistoryPath(const QString &path);
    QDockWidget *forecastDock() const;
    QDockWidget *targetsDock() const;
    QString statusText() const; // what the status bar's figures say, for tests

    // Closing during a run asks whether to cancel it and quit; closing again while it stops, whether
    // to stop at once (no grace period). Tests answer instead of a person.
    enum class QuitQuestion { CancelRun, StopAtOnce };
    void setQuitPrompt(std::function<bool(QuitQuestion)> prompt) { m_quitPrompt = std::move(prompt); }
    // Quitting waits for a cancelled run to stop (commands get their grace period): meanwhile the
    // window stays open and answers, and it closes once the run has ended.
    bool isQuitting() const { return m_quitting; }

public slots:
    void showLogs(int resource);
    // Selects `resource` and centres the graph on it; Follow Run stops, as the user chose where to look.
    void showInGraph(int resource);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createPanes();
    void createMenus();
    void addDirectionMenu(QMenu *menu); // View → Graph Direction
    void updateProblems();
    void showProblem(const QString &id, const QString &field);
    void about();
    void openDocumentation(); // Help → Documentation: the README, installed or of this build
    bool ask(QuitQuestion question);
    void stopThenClose();
    void createReplayBar();

    Workspace *m_workspace;
    GraphPane *m_graph = nullptr;
    TimelinePane *m_timeline = nullptr;
    LogPanes *m_logs = nullptr;
    ResourcesPane *m_resources = nullptr;
    InspectorPane *m_inspector = nullptr;
    ValidationPane *m_problems = nullptr;
    HistoryPane *m_historyPane = nullptr;
    ReplayBar *m_replayBar = nullptr;
    QToolBar *m_replayToolBar = nullptr;
    QAction *m_closeReplay = nullptr;
    ForecastRunner *m_forecast = nullptr;
    EstimateLearner *m_learner = nullptr;
    ForecastPane *m_forecastPane = nullptr;
    TargetsPane *m_targetsPane = nullptr;
    DockLayout *m_docks = nullptr;
    FileController *m_files = nullptr;
    EditActions *m_edits = nullptr;
    RunActions *m_runs = nullptr;
    ArgoActions *m_argo = nullptr;
    HistoryRecorder *m_history = nullptr;
    RunStatus *m_status = nullptr;
    std::function<bool(QuitQuestion)> m_quitPrompt;
    bool m_quitting = false;
    bool m_closeWhenStopped = false;
};

} // namespace fanout
