#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>

namespace fanout {

class Deployment;

// What the user has selected: one selection that every pane shares (graph, timeline, resources
// table, Inspector, logs), so that selecting a resource in one selects it in all of them. It has a
// current resource, which the Inspector and the logs follow, and with it any others selected on
// the graph (Ctrl+click, rubber band). Kept by resource id, so that it survives edits of the plan
// (and follows renames); the panes ask by index in the plan the deployment shows.
class ResourceSelection : public QObject
{
    Q_OBJECT

public:
    explicit ResourceSelection(const Deployment &deployment, QObject *parent = nullptr);

    int current() const;        // index in the plan shown; -1 for none
    QString currentId() const { return m_current; }
    // Every resource selected, by index in the plan shown, in plan order (the current one included).
    QList<int> selected() const;
    QStringList selectedIds() const; // in plan order
    bool isSelected(int resource) const;
    bool isEmpty() const { return m_current.isEmpty() && m_ids.isEmpty(); }

    void select(int resource);           // only this one; -1 for none
    void selectId(const QString &id);    // only this one; empty for none
    // Several at once (a rubber band, Ctrl+click); `current` is the one the Inspector shows.
    void selectMany(const QList<int> &resources, int current);
    void clear() { select(-1); }

    // A resource's id changed (PlanDocument::resourceRenamed): the selection keeps it.
    void rename(const QString &from, const QString &to);

signals:
    // The current resource changed (or its index did, the plan having changed): -1 for none.
    void currentChanged(int resource);
    // Anything about the selection changed, the current resource or the others.
    void changed();

private:
    void planChanged();
    void set(const QStringList &ids, const QString &current);    // when it changes anything
    void update(const QStringList &ids, const QString &current); // and announce it
    int indexOf(const QString &id) const;

    const Deployment &m_deployment;
    // id -> index in the plan shown; built again when another plan is shown, when first asked,
    // so that whatever reacts to the new plan first already finds the selection in it.
    mutable QHash<QString, int> m_index;
    mutable quint64 m_indexGeneration = ~quint64(0);
    QStringList m_ids; // every selected id, the current one included
    QString m_current;
    int m_currentIndex = -1; // as last announced
};

} // namespace fanout
