#pragma once

#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QObject>
#include <QStringList>

#include <functional>

class QAction;
class QMainWindow;
class QMenu;

namespace fanout {

class GraphPane;
struct LoadedPlan;
class TimelinePane;
class Workspace;

// The File menu of the dashboard: new, open (plans and other tools' files, the demo, recent
// files), import, save and save as, the exports and the run report; asks before unsaved changes
// are dropped and keeps the window's title. What these do to the plan is the Workspace's; this
// adds the dialogs, the recent files and what the status bar says.
class FileController : public QObject
{
    Q_OBJECT

public:
    FileController(Workspace &workspace, QMainWindow &window, GraphPane &graph, TimelinePane &timeline);

    // Opens a plan file, or the built-in demo for "demo". Other tools' files (a Terraform plan or
    // graph, a CloudFormation template, a Compose file) are imported on the way, as `fanout import`
    // does: the window then holds the imported plan, unsaved. A plan with errors opens as far as it
    // could be read, its errors in the Problems tab (Run is off until they are fixed); a file that
    // cannot be read or parsed is not opened: the problems are shown, and returned.
    Expected<void> openPlan(const QString &path);
    // New Plan: an empty plan named "untitled", not saved. False when the user keeps the plan open.
    bool newPlan();
    // Save As without the dialog (Workspace::saveAs), with the recent files and the status bar.
    Expected<void> savePlanAs(const QString &path);

    // What to do with edits not saved, before closing the window or replacing the plan. A message
    // box asks, unless a prompt is set (tests set one, so that nothing blocks).
    enum class UnsavedAnswer { Save, Discard, Cancel };
    void setUnsavedChangesPrompt(std::function<UnsavedAnswer()> prompt) { m_unsavedPrompt = std::move(prompt); }
    // True when the plan may be replaced or the window closed: nothing unsaved, or the user chose.
    bool maybeSave();

    // Export Graph… and Export Timeline… without their dialogs; the format follows the extension
    // (graph: .svg, .png, .dot/.gv, .mmd; timeline: .png).
    Expected<void> exportGraph(const QString &path);
    Expected<void> exportTimeline(const QString &path);
    // The open plan as an Argo Workflow at `path` (and its ConfigMap beside it): the files written,
    // or the errors that stopped it; what the workflow leaves out goes to `warnings`.
    Expected<QStringList> exportArgo(const QString &path, QStringList *warnings);

    void fillMenu(QMenu *menu);
    QAction *newAction() const { return m_new; }
    QAction *openAction() const { return m_open; }
    QAction *importAction() const { return m_import; }
    QAction *saveAction() const { return m_save; }
    QAction *exportGraphAction() const { return m_exportGraph; }
    QAction *exportTimelineAction() const { return m_exportTimeline; }
    QAction *exportArgoAction() const { return m_exportArgo; }

    void updateActions();
    void updateTitle();

private:
    void createActions();
    void open();
    void importFile();
    void save();
    void saveAs();
    void exportTimelineWithDialog();
    void exportArgoWithDialog();
    void saveReport();
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void showOpenError(const QString &path, const Diagnostics &diagnostics, bool import);
    void showOpened(const QString &path, const LoadedPlan &loaded);
    UnsavedAnswer askAboutUnsavedChanges();
    QString chooseFile(const QString &title, const QString &filters);
    void showStatus(const QString &message, int timeoutMs = 0);

    Workspace &m_workspace;
    QMainWindow &m_window;
    GraphPane &m_graph;
    TimelinePane &m_timeline;
    std::function<UnsavedAnswer()> m_unsavedPrompt;

    QAction *m_new = nullptr;
    QAction *m_open = nullptr;
    QAction *m_openDemo = nullptr;
    QAction *m_import = nullptr;
    QAction *m_save = nullptr;
    QAction *m_saveAs = nullptr;
    QAction *m_exportGraph = nullptr;
    QAction *m_exportArgo = nullptr;
    QAction *m_exportTimeline = nullptr;
    QAction *m_saveReport = nullptr;
    QAction *m_quit = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace fanout
