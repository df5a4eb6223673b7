#pragma once

#include <QMainWindow>

class QAction;
class QCheckBox;
class QDockWidget;
class QLabel;
class QMenu;
class QSpinBox;
class QTimer;

namespace fanout {

class GraphPane;
class InspectorPane;
class LogPanes;
class ResourcesPane;
class RunSession;
class TimelinePane;
struct RunEvent;

// The dashboard: the plan's dependency graph in the centre, the timeline and logs below, the
// resources table and the inspector on the right; run, cancel, retry and the parallelism limit
// in the toolbar. Window layout and recent files are remembered (QSettings).
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Layout { Restore, Default };
    explicit MainWindow(Layout layout = Layout::Restore, QWidget *parent = nullptr);
    ~MainWindow() override;

    RunSession &session() const { return *m_session; }

    // Opens a plan file, or the built-in demo for "demo". A plan with errors is not opened; the
    // problems are shown (and returned in `problems`).
    bool openPlan(const QString &path, QString *problems = nullptr);

    // Destroy…: tears down what the plan's state says exists (like `fanout destroy`), after asking
    // when `confirm`. True when the teardown run started.
    bool destroyDeployment(bool confirm = true);

    // The window's default size: room for the graph, timeline and logs at once.
    static QSize defaultSize() { return QSize(1440, 900); }

    QAction *runAction() const { return m_run; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *retryFailedAction() const { return m_retryFailed; }
    QAction *runAllAction() const { return m_runAll; }
    QAction *replaceSelectedAction() const { return m_replaceSelected; }
    QAction *destroyAction() const { return m_destroy; }
    QAction *failFastAction() const { return m_failFast; }
    QSpinBox *parallelismBox() const { return m_parallelism; }
    GraphPane *graphPane() const { return m_graph; }
    TimelinePane *timelinePane() const { return m_timeline; }
    LogPanes *logPanes() const { return m_logs; }
    ResourcesPane *resourcesPane() const { return m_resources; }
    InspectorPane *inspectorPane() const { return m_inspector; }
    QString statusText() const; // what the status bar says, for tests

public slots:
    void showLogs(int resource);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createPanes();
    void createActions();
    void createStatusBar();
    void restoreLayout();
    void saveLayout() const;
    void updateActions();
    void updateStatus();
    void updateTitle();
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void onEvents(const QList<RunEvent> &events);
    void runChanged();
    void replaceSelected();
    void open();
    void saveAs();
    void exportGraph();
    void saveReport();
    void about();
    QDockWidget *addPane(const QString &title, const QString &objectName, QWidget *widget, Qt::DockWidgetArea area);

    RunSession *m_session;
    QString m_planFile;      // the file the plan came from; empty for the demo
    QByteArray m_planText;   // its text, for Save As

    GraphPane *m_graph = nullptr;
    TimelinePane *m_timeline = nullptr;
    LogPanes *m_logs = nullptr;
    ResourcesPane *m_resources = nullptr;
    InspectorPane *m_inspector = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    QDockWidget *m_logsDock = nullptr;
    QDockWidget *m_resourcesDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;

    QAction *m_open = nullptr;
    QAction *m_save = nullptr;
    QAction *m_saveAs = nullptr;
    QAction *m_import = nullptr;
    QAction *m_exportGraph = nullptr;
    QAction *m_saveReport = nullptr;
    QAction *m_run = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_retryFailed = nullptr;
    QAction *m_runAll = nullptr;
    QAction *m_replaceSelected = nullptr;
    QAction *m_destroy = nullptr;
    QAction *m_failFast = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QSpinBox *m_parallelism = nullptr;

    QLabel *m_counts = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_remaining = nullptr;
    QTimer *m_clock = nullptr;
};

} // namespace fanout
