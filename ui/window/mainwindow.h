#pragma once

#include "engine/support/diagnostic.h"

#include <QMainWindow>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

class QAction;
class QCheckBox;
class QDialog;
class QDockWidget;
class QLabel;
class QMenu;
class QSpinBox;
class QTimer;

namespace fanout {

class GraphPane;
class InspectorPane;
class PlanDocument;
class LogPanes;
class ResourcePalette;
class ResourcesPane;
class RunSession;
class TimelinePane;
class ValidationPane;
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
    // The plan being edited: every edit (Edit menu, mapping dialog) is a step on its undo stack.
    PlanDocument &document() const { return *m_document; }

    // Opens a plan file, or the built-in demo for "demo". Other tools' files (a Terraform plan or
    // graph, a CloudFormation template, a Compose file) are imported on the way, as `fanout import`
    // does: the window then holds the imported plan, unsaved. A plan with errors is not opened; the
    // problems are shown (and returned in `problems`).
    bool openPlan(const QString &path, QString *problems = nullptr);

    // New Plan: an empty plan named "untitled", not saved. False when the user keeps the plan open.
    bool newPlan();

    // The plan as its file says until it is edited (for an imported plan: as `fanout import` writes
    // it), then the edited document; what Save writes.
    QByteArray planText() const;
    nlohmann::ordered_json planDocument() const;
    QString planFile() const { return m_planFile; }         // the Fanout plan file; empty when not saved
    QString importedFrom() const { return m_importedFrom; } // the file an unsaved imported plan came from
    bool hasUnsavedChanges() const;

    // What to do with edits not saved, before closing the window or replacing the plan. A message
    // box asks, unless a prompt is set (tests set one, so that nothing blocks).
    enum class UnsavedAnswer { Save, Discard, Cancel };
    void setUnsavedChangesPrompt(std::function<UnsavedAnswer()> prompt) { m_unsavedPrompt = std::move(prompt); }

    // Save As without the dialog: writes the plan to `path`, which then is the plan's file. Refuses
    // to overwrite the file the plan was imported from. The deployment state moves beside the new
    // file (DeploymentState::defaultPath), where opening it looks, once any run is over.
    bool savePlanAs(const QString &path, QString *error = nullptr);

    // Replaces the plan's "mapping" with `rules` and reads the plan again, as Executor Mapping…'s OK
    // does. False (and why, in `problems`) when the plan then has errors, or while a run is going.
    bool applyMapping(const nlohmann::ordered_json &rules, QString *problems = nullptr);

    // Export Graph… and Export Timeline… without their dialogs; the format follows the extension
    // (graph: .svg, .png, .dot/.gv, .mmd; timeline: .png).
    bool exportGraph(const QString &path, QString *error = nullptr);
    bool exportTimeline(const QString &path, QString *error = nullptr);

    // Adds a resource of executor `type` (Edit → Add Resource, the palette, a drop on the graph),
    // pinned at `at` (graph coordinates), or when none is given next to the resource selected on
    // the graph (else amid what the graph shows). Selects it.
    bool addResourceAt(const QString &type, std::optional<QPointF> at, QString *id = nullptr);
    // The resources selected on the graph (several after Ctrl+click or a rubber band), else the one
    // selected everywhere; in plan order.
    QStringList selectedResourceIds() const;
    // Edit → Copy: the selected resources (and their pinned positions) on the clipboard as JSON,
    // {"resources": [...], "layout": {"positions": {...}}}, which Paste in any plan takes back.
    bool copySelected();
    // Edit → Paste: resources from the clipboard, as Copy puts them or as a list of resource
    // objects, or one. Taken ids get the next free "ID-N"; dependencies among the pasted follow;
    // dependencies on resources this plan lacks are dropped (the status bar lists them).
    bool paste(QString *error = nullptr);
    // Edit → Duplicate: copies of the selected resources next to them, in one step.
    bool duplicateSelected();

    // Destroy…: tears down what the plan's state says exists (like `fanout destroy`), after asking
    // when `confirm`. True when the teardown run started.
    bool destroyDeployment(bool confirm = true);

    // The window's default size: room for the graph, timeline and logs at once.
    static QSize defaultSize() { return QSize(1440, 900); }

    QAction *newAction() const { return m_new; }
    QAction *openAction() const { return m_open; }
    QAction *importAction() const { return m_import; }
    QAction *saveAction() const { return m_save; }
    QAction *mappingAction() const { return m_mapping; }
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QAction *addResourceAction(const QString &type) const; // Edit → Add Resource → TYPE
    QAction *deleteAction() const { return m_delete; }
    QAction *cutAction() const { return m_cut; }
    QAction *copyAction() const { return m_copy; }
    QAction *pasteAction() const { return m_paste; }
    QAction *duplicateAction() const { return m_duplicate; }
    QAction *unpinAllAction() const { return m_unpinAll; }
    ResourcePalette *resourcePalette() const { return m_palette; }
    QAction *historyAction() const { return m_historyAction; }
    QAction *exportGraphAction() const { return m_exportGraph; }
    QAction *exportTimelineAction() const { return m_exportTimeline; }
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
    ValidationPane *problemsPane() const { return m_problems; }
    QDockWidget *problemsDock() const { return m_problemsDock; }
    QDockWidget *inspectorDock() const { return m_inspectorDock; }
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
    bool maybeSave();
    UnsavedAnswer askAboutUnsavedChanges();
    void documentChanged();
    void updateProblems();
    void showProblem(const QString &id, const QString &field);
    void addResource(const QString &type);
    void deleteSelected();
    void removeResources(const QStringList &ids);
    void removeDependency(const QString &dependent, const QString &dependency);
    void cutSelected();
    void unpinAll();
    // Resources with an attempt running: their definitions are locked until it ends.
    QStringList runningIds() const;
    // Whether undoing (redoing) the step at `index` of the undo stack changes no running resource.
    bool stepIsFree(int index) const;
    void showHistory();
    void importFile();
    void save();
    void saveAs();
    // After Save As: the deployment state goes where opening the plan's new file looks for it.
    void keepStateBesidePlan();
    void editMapping();
    void exportGraphWithDialog();
    void exportTimelineWithDialog();
    void showOpenError(const QString &path, const Diagnostics &diagnostics, bool import);
    void saveReport();
    void about();
    QDockWidget *addPane(const QString &title, const QString &objectName, QWidget *widget, Qt::DockWidgetArea area);

    RunSession *m_session;
    QString m_planFile;      // the Fanout plan file the plan is saved in; empty for the demo and an unsaved import
    QString m_importedFrom;  // the file an imported plan was read from, until it is saved as a plan
    PlanDocument *m_document;
    QByteArray m_loadedText; // the plan's text as opened: what Save writes until it is edited
    bool m_demo = false;     // the plan is the built-in demo
    bool m_loading = false;  // the document is being replaced, by openPlan() or newPlan()
    bool m_planPending = false; // the document changed during a run: shown when the run is over
    bool m_stateMovePending = false; // saved under another name during a run: the state follows after it
    std::function<UnsavedAnswer()> m_unsavedPrompt;

    GraphPane *m_graph = nullptr;
    TimelinePane *m_timeline = nullptr;
    LogPanes *m_logs = nullptr;
    ResourcesPane *m_resources = nullptr;
    InspectorPane *m_inspector = nullptr;
    ValidationPane *m_problems = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    QDockWidget *m_logsDock = nullptr;
    QDockWidget *m_resourcesDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_problemsDock = nullptr;

    QAction *m_new = nullptr;
    QAction *m_open = nullptr;
    QAction *m_save = nullptr;
    QAction *m_saveAs = nullptr;
    QAction *m_import = nullptr;
    QAction *m_exportGraph = nullptr;
    QAction *m_exportTimeline = nullptr;
    QAction *m_mapping = nullptr;
    QAction *m_saveReport = nullptr;
    QAction *m_run = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_retryFailed = nullptr;
    QAction *m_runAll = nullptr;
    QAction *m_replaceSelected = nullptr;
    QAction *m_destroy = nullptr;
    QAction *m_failFast = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_historyAction = nullptr;
    QAction *m_cut = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_paste = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_unpinAll = nullptr;
    ResourcePalette *m_palette = nullptr;
    QList<QAction *> m_addResource;
    QMenu *m_addResourceMenu = nullptr;
    QDialog *m_history = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QSpinBox *m_parallelism = nullptr;

    QLabel *m_counts = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_remaining = nullptr;
    QTimer *m_clock = nullptr;
};

} // namespace fanout
