#pragma once

#include "engine/support/expected.h"

#include <QObject>
#include <QPointF>
#include <QStringList>

#include <optional>

class QAction;
class QDialog;
class QMainWindow;
class QMenu;

namespace fanout {

class GraphPane;
class ResourcePalette;
class Workspace;

// The Edit menu and the palette: undo and redo, adding resources (by type, beside the selection or
// where they are dropped), deleting, cut, copy, paste and duplicate (the clipboard format is the
// document's), unpinning and the edit history; and the edits drawn on the graph. Every edit is a
// step of the workspace's document. During a run only the Inspector edits (resources not
// running), and undo and redo work for steps that change no running resource.
class EditActions : public QObject
{
    Q_OBJECT

public:
    EditActions(Workspace &workspace, QMainWindow &window, GraphPane &graph);

    // Adds a resource of executor `type` (Edit → Add Resource, the palette, a drop on the graph),
    // pinned at `at` (graph coordinates), or when none is given next to the resource selected on
    // the graph (else amid what the graph shows). Selects it; its id.
    Expected<QString> addResourceAt(const QString &type, std::optional<QPointF> at);
    // Edit → Copy: the selected resources (and their pinned positions) on the clipboard as JSON,
    // which Paste in any plan takes back.
    bool copySelected();
    // Edit → Paste: resources from the clipboard (PlanDocument::paste). Taken ids get the next
    // free "ID-N"; dependencies on resources this plan lacks are dropped (the status bar lists them).
    Expected<void> paste();
    // Edit → Duplicate: copies of the selected resources next to them, in one step.
    bool duplicateSelected();

    void fillMenu(QMenu *menu);
    ResourcePalette *palette() const { return m_palette; }
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QAction *addResourceAction(const QString &type) const; // Edit → Add Resource → TYPE
    QAction *deleteAction() const { return m_delete; }
    QAction *cutAction() const { return m_cut; }
    QAction *copyAction() const { return m_copy; }
    QAction *pasteAction() const { return m_paste; }
    QAction *duplicateAction() const { return m_duplicate; }
    QAction *unpinAllAction() const { return m_unpinAll; }
    QAction *historyAction() const { return m_historyAction; }

    void updateActions();

private:
    void createActions();
    void connectGraph();
    void showStatus(const QString &message, int timeoutMs);
    void documentChanged();
    void deleteSelected();
    void removeResources(const QStringList &ids);
    void removeDependency(const QString &dependent, const QString &dependency);
    void cutSelected();
    void unpinAll();
    void showHistory();
    // Adding, deleting and connecting are off while a run or its teardown is shown.
    bool isLocked() const;
    // Resources with an attempt running: their definitions are locked until it ends.
    QStringList runningIds() const;
    // Whether undoing (redoing) the step at `index` of the undo stack changes no running resource.
    bool stepIsFree(int index) const;

    Workspace &m_workspace;
    QMainWindow &m_window;
    GraphPane &m_graph;
    ResourcePalette *m_palette = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QMenu *m_addResourceMenu = nullptr;
    QList<QAction *> m_addResource;
    QAction *m_delete = nullptr;
    QAction *m_cut = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_paste = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_unpinAll = nullptr;
    QAction *m_historyAction = nullptr;
    QDialog *m_history = nullptr;
};

} // namespace fanout
