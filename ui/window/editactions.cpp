#include "ui/window/editactions.h"

#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/window/executoricon.h"
#include "ui/window/resourcepalette.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMainWindow>
#include <QMenu>
#include <QMimeData>
#include <QStatusBar>
#include <QUndoStack>
#include <QUndoView>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

EditActions::EditActions(Workspace &workspace, QMainWindow &window, GraphPane &graph)
    : QObject(&window)
    , m_workspace(workspace)
    , m_window(window)
    , m_graph(graph)
{
    createActions();
    connectGraph();
    PlanDocument &document = workspace.document();
    connect(&document, &PlanDocument::changed, this, &EditActions::documentChanged);
    QUndoStack *stack = document.undoStack();
    for (const auto signal : {&QUndoStack::canUndoChanged, &QUndoStack::canRedoChanged})
        connect(stack, signal, this, &EditActions::updateActions);
    for (const auto signal : {&QUndoStack::undoTextChanged, &QUndoStack::redoTextChanged})
        connect(stack, signal, this, &EditActions::updateActions);
    const Deployment &deployment = workspace.deployment();
    for (const auto signal : {&Deployment::planChanged, &Deployment::runStarted, &Deployment::runFinished})
        connect(&deployment, signal, this, &EditActions::updateActions);
    // What is running changes what may be undone.
    connect(&deployment, &Deployment::statesChanged, this, &EditActions::updateActions);
    connect(&workspace.selection(), &ResourceSelection::changed, this, &EditActions::updateActions);
}

void EditActions::createActions()
{
    QUndoStack *stack = m_workspace.document().undoStack();
    m_undo = new QAction(QIcon::fromTheme(QStringLiteral("edit-undo")), tr("&Undo"), this);
    m_undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    connect(m_undo, &QAction::triggered, stack, &QUndoStack::undo);
    m_redo = new QAction(QIcon::fromTheme(QStringLiteral("edit-redo")), tr("&Redo"), this);
    m_redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    connect(m_redo, &QAction::triggered, stack, &QUndoStack::redo);
    m_addResourceMenu = new QMenu(tr("&Add Resource"), &m_window);
    const ExecutorRegistry &registry = m_workspace.registry();
    for (const QString &type : registry.types()) {
        const ExecutorDescription &described = registry.find(type)->description();
        QAction *add = m_addResourceMenu->addAction(executorIcon(described), type, this, [this, type] { (void)addResourceAt(type, std::nullopt); });
        add->setData(type);
        add->setStatusTip(described.summary);
        if (m_addResource.isEmpty()) // the first the registry lists: the simulation, to try things out
            add->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
        m_addResource.append(add);
    }
    m_delete = new QAction(QIcon::fromTheme(QStringLiteral("edit-delete")), tr("&Delete"), this);
    m_delete->setShortcut(QKeySequence::Delete);
    connect(m_delete, &QAction::triggered, this, &EditActions::deleteSelected);
    // Text fields and the logs keep these keys for their own text (Qt asks the focus widget first).
    m_cut = new QAction(QIcon::fromTheme(QStringLiteral("edit-cut")), tr("Cu&t"), this);
    m_cut->setShortcut(QKeySequence::Cut);
    connect(m_cut, &QAction::triggered, this, &EditActions::cutSelected);
    m_copy = new QAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("&Copy"), this);
    m_copy->setShortcut(QKeySequence::Copy);
    connect(m_copy, &QAction::triggered, this, &EditActions::copySelected);
    m_paste = new QAction(QIcon::fromTheme(QStringLiteral("edit-paste")), tr("&Paste"), this);
    m_paste->setShortcut(QKeySequence::Paste);
    connect(m_paste, &QAction::triggered, this, [this] { (void)paste(); });
    m_duplicate = new QAction(tr("D&uplicate"), this);
    m_duplicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(m_duplicate, &QAction::triggered, this, &EditActions::duplicateSelected);
    m_unpinAll = new QAction(tr("Unpin All &Positions"), this);
    m_unpinAll->setToolTip(tr("Let the layout place every resource again, forgetting where they were dragged"));
    connect(m_unpinAll, &QAction::triggered, this, &EditActions::unpinAll);
    m_historyAction = new QAction(tr("&History…"), this);
    m_historyAction->setToolTip(tr("Every edit of the plan; click one to go back to it"));
    connect(m_historyAction, &QAction::triggered, this, &EditActions::showHistory);

    m_palette = new ResourcePalette(registry, &m_window);
    connect(m_palette, &ResourcePalette::addRequested, this, [this](const QString &type) { (void)addResourceAt(type, std::nullopt); });
}

void EditActions::fillMenu(QMenu *menu)
{
    menu->addAction(m_undo);
    menu->addAction(m_redo);
    menu->addSeparator();
    menu->addMenu(m_addResourceMenu);
    menu->addAction(m_delete);
    menu->addSeparator();
    menu->addAction(m_cut);
    menu->addAction(m_copy);
    menu->addAction(m_paste);
    menu->addAction(m_duplicate);
    menu->addSeparator();
    menu->addAction(m_unpinAll);
    menu->addSeparator();
    menu->addAction(m_historyAction);
}

void EditActions::connectGraph()
{
    // Edits drawn on the graph go through the document, like every other edit; a refused one (a
    // dependency that would close a cycle) says why over the graph.
    PlanDocument &document = m_workspace.document();
    connect(&m_graph, &GraphPane::dependencyRequested, this, [this, &document](const QString &dependent, const QString &dependency) {
        if (const Expected<void> added = document.addDependency(dependent, dependency); !added)
            m_graph.showEditMessage(added.error());
        else
            showStatus(tr("%1 now depends on %2; Undo (Ctrl+Z) takes it back").arg(dependent, dependency), 5000);
    });
    connect(&m_graph, &GraphPane::dependencyRemovalRequested, this, &EditActions::removeDependency);
    connect(&m_graph, &GraphPane::resourcesRemovalRequested, this, &EditActions::removeResources);
    connect(&m_graph, &GraphPane::resourceAddRequested, this,
            [this](const QString &type, const QPointF &centre) { (void)addResourceAt(type, centre); });
    connect(&m_graph, &GraphPane::resourcesMoved, this, [this, &document](const QHash<QString, QPointF> &centres) {
        if (const Expected<void> moved = document.moveResources(centres); !moved)
            m_graph.showEditMessage(moved.error());
    });
    connect(&m_graph, &GraphPane::unpinRequested, this, [this, &document](const QStringList &ids) {
        if (const Expected<void> unpinned = document.unpinResources(ids); !unpinned)
            m_graph.showEditMessage(unpinned.error());
    });
}

void EditActions::showStatus(const QString &message, int timeoutMs)
{
    m_window.statusBar()->showMessage(message, timeoutMs);
}

void EditActions::documentChanged()
{
    const PlanDocument &document = m_workspace.document();
    // The panes keep the last plan without errors (a run keeps the plan it started with anyway).
    if (document.hasErrors() && !m_workspace.deployment().isRunning()) {
        for (const Diagnostic &d : document.diagnostics()) {
            if (d.isError()) {
                showStatus(tr("The plan has %1, so the panes show it as it was before: %2")
                               .arg(counted(errorCount(document.diagnostics()), "error"), d.toString()),
                           30000);
                break;
            }
        }
    }
    updateActions();
}

bool EditActions::isLocked() const
{
    return m_workspace.deployment().isRunning() || m_workspace.deployment().isTeardown() || m_workspace.deployment().isReplaying();
}

void EditActions::updateActions()
{
    const Deployment &deployment = m_workspace.deployment();
    const PlanDocument &document = m_workspace.document();
    const bool running = deployment.isRunning();
    // During a run the graph shows the plan the run started with, so its shape waits for the run to
    // end; the Inspector still edits every resource that is not running (for the next run), and
    // undo and redo work for steps that change no running resource.
    const QString locked = tr("A run is in progress: resources can be added, deleted and connected when it is over "
                              "(the Inspector edits those not running now)");
    const QString lockedStep = tr("This step changes a resource that is running: it can be undone when its attempt ends");
    const QUndoStack *stack = document.undoStack();
    const bool undoFree = stack->canUndo() && stepIsFree(stack->index() - 1);
    m_undo->setEnabled(undoFree);
    m_undo->setText(stack->canUndo() ? tr("&Undo %1").arg(stack->undoText()) : tr("&Undo"));
    m_undo->setToolTip(stack->canUndo() && !undoFree ? lockedStep : m_undo->text().remove(QLatin1Char('&')));
    const bool redoFree = stack->canRedo() && stepIsFree(stack->index());
    m_redo->setEnabled(redoFree);
    m_redo->setText(stack->canRedo() ? tr("&Redo %1").arg(stack->redoText()) : tr("&Redo"));
    m_redo->setToolTip(stack->canRedo() && !redoFree ? lockedStep : m_redo->text().remove(QLatin1Char('&')));
    const bool editable = !isLocked() && document.document().is_object();
    m_addResourceMenu->setEnabled(editable);
    m_addResourceMenu->setToolTip(running ? locked : QString());
    for (QAction *add : std::as_const(m_addResource)) {
        add->setEnabled(editable);
        add->setToolTip(running ? locked : tr("Add a resource provisioned by the %1 executor").arg(add->data().toString()));
    }
    m_palette->setEnabled(editable);
    m_palette->setToolTip(running ? locked : QString());
    m_graph.setEditable(editable);
    const bool hasSelection = !m_workspace.selection().isEmpty();
    const bool canDelete = editable && hasSelection;
    m_delete->setEnabled(canDelete);
    m_delete->setToolTip(running       ? locked
                         : !canDelete ? tr("Select a resource to delete it")
                                      : tr("Delete the selected resource and every dependency on it"));
    m_cut->setEnabled(canDelete);
    m_cut->setToolTip(running ? locked : tr("Copy the selected resources to the clipboard as JSON and delete them"));
    m_copy->setEnabled(hasSelection);
    m_copy->setToolTip(tr("Copy the selected resources to the clipboard as JSON; Paste adds them to this plan or another"));
    m_paste->setEnabled(editable);
    m_paste->setToolTip(running ? locked : tr("Add the resources on the clipboard (JSON) to the plan"));
    m_duplicate->setEnabled(canDelete);
    m_duplicate->setToolTip(running ? locked : tr("Add copies of the selected resources, with new ids"));
    m_unpinAll->setEnabled(editable && !document.pinnedPositions().isEmpty());
    if (m_history)
        m_history->setEnabled(!running);
}

QAction *EditActions::addResourceAction(const QString &type) const
{
    for (QAction *add : m_addResource) {
        if (add->data().toString() == type)
            return add;
    }
    return nullptr;
}

Expected<QString> EditActions::addResourceAt(const QString &type, std::optional<QPointF> at)
{
    if (isLocked())
        return unexpected(tr("A run is in progress: add resources when it is over"));
    if (!at)
        at = m_graph.newResourcePosition(); // beside the selection, else amid what is in view
    const Expected<QString> added = m_workspace.document().addResource(type, at);
    if (!added) {
        showStatus(added.error(), 15000);
        return added;
    }
    m_workspace.selection().selectId(*added);
    showStatus(tr("Added %1: edit it in the Inspector; drag the dot on another resource's lower edge to it to make it wait for that one").arg(*added), 8000);
    return added;
}

bool EditActions::copySelected()
{
    const QStringList ids = m_workspace.selection().selectedIds();
    const QByteArray text = m_workspace.document().clipboardText(ids);
    if (text.isEmpty()) {
        showStatus(tr("Select the resources to copy first"), 5000);
        return false;
    }
    auto *mime = new QMimeData;
    mime->setText(QString::fromUtf8(text));
    mime->setData(QString::fromLatin1(PlanDocument::kClipboardMimeType), text);
    QGuiApplication::clipboard()->setMimeData(mime);
    showStatus(tr("Copied %1 as JSON; Paste (Ctrl+V) adds %2 to this plan or another").arg(ids.join(QStringLiteral(", ")), ids.size() == 1 ? tr("it") : tr("them")), 5000);
    return true;
}

Expected<void> EditActions::paste()
{
    const auto fail = [this](const QString &why) {
        showStatus(why, 15000);
        return unexpected(why);
    };
    if (isLocked())
        return fail(tr("A run is in progress: paste when it is over"));
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    const QString format = QString::fromLatin1(PlanDocument::kClipboardMimeType);
    QByteArray text;
    if (mime && mime->hasFormat(format))
        text = mime->data(format);
    else if (mime && mime->hasText())
        text = mime->text().toUtf8();
    if (text.trimmed().isEmpty())
        return fail(tr("The clipboard is empty: copy resources (Ctrl+C) or their JSON first"));
    const Expected<PlanDocument::Insertion> pasted = m_workspace.document().paste(text);
    if (!pasted)
        return fail(pasted.error());
    m_workspace.selection().selectId(pasted->ids.constLast());
    const QString ids = pasted->ids.join(QStringLiteral(", "));
    showStatus(pasted->dropped.isEmpty() ? tr("Pasted %1").arg(ids)
                                         : tr("Pasted %1; dependencies on resources this plan does not have were left out: %2")
                                               .arg(ids, pasted->dropped.join(QStringLiteral(", "))),
               15000);
    return {};
}

bool EditActions::duplicateSelected()
{
    if (isLocked())
        return false;
    PlanDocument &document = m_workspace.document();
    const QStringList ids = m_workspace.selection().selectedIds();
    const nlohmann::ordered_json resources = document.resourceObjects(ids);
    if (resources.empty())
        return false;
    const QString text = ids.size() == 1 ? tr("Duplicate %1").arg(ids.constFirst()) : tr("Duplicate %1").arg(counted(ids.size(), "resource"));
    const Expected<PlanDocument::Insertion> added = document.insertResources(resources, document.pinnedPositions(), QPointF(40, 40), text);
    if (!added) {
        showStatus(added.error(), 15000);
        return false;
    }
    m_workspace.selection().selectId(added->ids.constLast());
    showStatus(tr("Added %1; Undo (Ctrl+Z) takes %2 back").arg(added->ids.join(QStringLiteral(", ")), added->ids.size() == 1 ? tr("it") : tr("them")), 5000);
    return true;
}

void EditActions::cutSelected()
{
    if (isLocked())
        return;
    const QStringList ids = m_workspace.selection().selectedIds();
    if (copySelected())
        removeResources(ids);
}

void EditActions::unpinAll()
{
    PlanDocument &document = m_workspace.document();
    if (const Expected<void> unpinned = document.unpinResources(document.pinnedPositions().keys()); !unpinned)
        showStatus(unpinned.error(), 10000);
}

QStringList EditActions::runningIds() const
{
    const Deployment &deployment = m_workspace.deployment();
    QStringList ids;
    if (!deployment.isRunning())
        return ids;
    for (int r = 0; r < deployment.resourceCount(); ++r) {
        const ResourceState state = deployment.state(r);
        if (state == ResourceState::Running || state == ResourceState::RetryWait)
            ids.append(deployment.plan().resources[r].id);
    }
    return ids;
}

bool EditActions::stepIsFree(int index) const
{
    if (m_workspace.deployment().isTeardown())
        return false;
    if (!m_workspace.deployment().isRunning())
        return true;
    const QStringList running = runningIds();
    const QStringList changed = m_workspace.document().resourcesChangedBy(index);
    return std::none_of(changed.cbegin(), changed.cend(), [&](const QString &id) { return running.contains(id); });
}

void EditActions::deleteSelected()
{
    if (isLocked())
        return;
    // What is selected on the graph: an edge, else the selected resources.
    if (const GraphEdgeItem *edge = m_graph.view()->selectedEdge()) {
        const Plan &plan = m_workspace.deployment().plan();
        if (edge->from() >= 0 && edge->from() < plan.resources.size() && edge->to() >= 0 && edge->to() < plan.resources.size())
            removeDependency(plan.resources[edge->to()].id, plan.resources[edge->from()].id);
        return;
    }
    removeResources(m_workspace.selection().selectedIds());
}

void EditActions::removeResources(const QStringList &ids)
{
    if (ids.isEmpty() || isLocked())
        return;
    if (const Expected<void> removed = m_workspace.document().removeResources(ids); !removed)
        showStatus(removed.error(), 15000);
    else
        showStatus(tr("Deleted %1; Undo (Ctrl+Z) brings %2 back").arg(ids.join(QStringLiteral(", ")), ids.size() == 1 ? tr("it") : tr("them")), 5000);
}

void EditActions::removeDependency(const QString &dependent, const QString &dependency)
{
    if (isLocked())
        return;
    if (const Expected<void> removed = m_workspace.document().removeDependency(dependent, dependency); !removed)
        m_graph.showEditMessage(removed.error());
    else
        showStatus(tr("%1 no longer depends on %2; Undo (Ctrl+Z) takes it back").arg(dependent, dependency), 5000);
}

void EditActions::showHistory()
{
    if (!m_history) {
        m_history = new QDialog(&m_window);
        m_history->setObjectName(QStringLiteral("HistoryDialog"));
        m_history->setWindowTitle(tr("History"));
        auto *view = new QUndoView(m_workspace.document().undoStack());
        view->setEmptyLabel(tr("<plan as opened>"));
        view->setCleanIcon(QIcon::fromTheme(QStringLiteral("document-save")));
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        connect(buttons, &QDialogButtonBox::rejected, m_history, &QDialog::hide);
        auto *layout = new QVBoxLayout(m_history);
        layout->addWidget(view);
        layout->addWidget(buttons);
        m_history->resize(360, 420);
        m_history->setEnabled(!m_workspace.deployment().isRunning());
    }
    m_history->show();
    m_history->raise();
    m_history->activateWindow();
}

} // namespace fanout
