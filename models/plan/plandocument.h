#pragma once

#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

class QUndoStack;

namespace fanout {

class ExecutorRegistry;

// The plan being designed: its JSON document (what Save writes, members in the order written) and
// the one undo stack every edit goes through. Each edit is a QUndoCommand (planedits.h) that changes
// the document; after every push, undo and redo the document is read again and changed() brings the
// plan and its diagnostics. Edits that cannot be made (a dependency that closes a cycle, a rename to
// a taken id) are refused with the reason and never reach the stack.
class PlanDocument : public QObject
{
    Q_OBJECT

public:
    explicit PlanDocument(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~PlanDocument() override;
    const ExecutorRegistry &registry() const { return m_registry; }

    // Starts over with `document` (nothing to undo, nothing unsaved).
    void load(const nlohmann::ordered_json &document);
    // {"name": "untitled", "resources": []}
    static nlohmann::ordered_json emptyDocument();

    const nlohmann::ordered_json &document() const { return m_document; }
    const Plan &plan() const { return m_plan; }
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    bool hasErrors() const { return errorCount(m_diagnostics) > 0; }
    QByteArray toText() const; // the document as Save writes it

    QUndoStack *undoStack() const { return m_stack; }
    bool isModified() const; // changed since loaded or last saved
    void markSaved();

    // The edits, each one undoable step; when one is refused, why (and nothing is pushed).
    // A new resource of executor `type` with a unique id ("sim-1") and parameters that validate:
    // its id. With `at`, it is pinned there (see moveResources).
    Expected<QString> addResource(const QString &type, std::optional<QPointF> at = std::nullopt);
    // Replaces the object of resource `id` with `resource` (its id unchanged: renameResource changes
    // ids), as one step named `text` ("Change the timeout of db").
    Expected<void> changeResource(const QString &id, const nlohmann::ordered_json &resource, const QString &text);
    // Adds copies of `resources` (resource objects, as copied to the clipboard): an id already taken
    // becomes the next free "ID-N", and the copies' dependencies on each other follow their new ids;
    // dependencies on resources this plan does not have are dropped (and listed in `dropped`).
    // Positions the copies had (`positions`: id → centre) are kept, moved by `offset`. One step
    // named `text`.
    struct Insertion
    {
        QStringList ids;     // of the copies, in order
        QStringList dropped; // "copy on missing": dependencies left out
    };
    Expected<Insertion> insertResources(const nlohmann::ordered_json &resources, const QHash<QString, QPointF> &positions,
                                        QPointF offset, const QString &text);
    // Pins resources where the user put them on the graph: centres in graph units, written to the
    // plan's "layout": {"positions": {"ID": {"x": X, "y": Y}}}; the layout respects them.
    Expected<void> moveResources(const QHash<QString, QPointF> &centres);
    // Lets the layout place them again.
    Expected<void> unpinResources(const QStringList &ids);
    // Which way the graph is drawn, in the plan's "layout" section: Plan::kTopToBottom,
    // Plan::kLeftToRight, or empty for the way that fits the window (the entry removed). Undoable.
    Expected<void> setLayoutDirection(const QString &direction);
    // What "layout.positions" pins, as the plan reads it (Plan::positions).
    const QHash<QString, QPointF> &pinnedPositions() const { return m_plan.positions; }
    // The resource objects of `ids` as the document has them, in plan order (for Copy).
    nlohmann::ordered_json resourceObjects(const QStringList &ids) const;

    // Resources on the clipboard, between plans: JSON text, {"resources": [...], "layout":
    // {"positions": {...}}}, under this MIME type and as plain text (for editors).
    static constexpr const char *kClipboardMimeType = "application/x-fanout-resources";
    // The clipboard text of `ids`: their objects and pinned positions; empty when none exists.
    QByteArray clipboardText(const QStringList &ids) const;
    // Adds the resources of a clipboard text (as clipboardText() writes it, a list of resource
    // objects, or one resource) as insertResources() does, in one step; pasted into the plan they
    // were copied from, the copies go beside the originals.
    Expected<Insertion> paste(const QByteArray &text);
    // The ids of the resources an undo (or redo) of the step at `index` on the stack changes.
    QStringList resourcesChangedBy(int index) const;
    // Also removes every dependency on them.
    Expected<void> removeResources(const QStringList &ids);
    // `from` waits for `to`.
    Expected<void> addDependency(const QString &from, const QString &to);
    Expected<void> removeDependency(const QString &from, const QString &to);
    Expected<void> setMapping(const nlohmann::ordered_json &rules);
    // Sets a member of the plan itself ("targets", "rollout"), or removes it (nullopt), as one
    // step named `text`.
    Expected<void> setPlanMember(const QString &key, const std::optional<nlohmann::ordered_json> &value, const QString &text);
    // The id, every depends_on and every ${resources.OLD.outputs.KEY} follow.
    Expected<void> renameResource(const QString &oldId, const QString &newId);

    // An id not yet used: "TYPE-N" with the lowest N from 1.
    QString uniqueId(const QString &type) const;
    // The cycle a dependency of `from` on `to` would close, as ids from `from` back to it ({"db",
    // "app", "db"}); empty when it closes none.
    QStringList cycleClosedBy(const QString &from, const QString &to) const;
    // The default parameters of a new resource of executor `type`.
    nlohmann::ordered_json defaultParameters(const QString &type) const;

signals:
    // After every load, edit, undo and redo.
    void changed(const fanout::Plan &plan, const fanout::Diagnostics &diagnostics);
    void modifiedChanged(bool modified);
    // A rename (or its undo) changed a resource's id; emitted before changed(), so that what holds
    // ids (the selection) follows before the plan is read again.
    void resourceRenamed(const QString &from, const QString &to);

private:
    friend class PlanEdit;
    int documentIndex(const QString &id) const; // in the document's "resources"; -1 when absent
    QSet<QString> documentIds() const;          // of every resource in the document
    void edited();                       // reads the document again; emits changed()

    const ExecutorRegistry &m_registry;
    QUndoStack *m_stack;
    nlohmann::ordered_json m_document;
    Plan m_plan;
    Diagnostics m_diagnostics;
};

} // namespace fanout
