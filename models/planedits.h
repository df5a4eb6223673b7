#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUndoCommand>

#include <nlohmann/json.hpp>

namespace fanout {

class PlanDocument;

// An undoable change to a PlanDocument's JSON document. redo() and undo() change the document and
// have it read again. Each edit keeps only what it changes, so undo restores the document exactly
// (members, order and positions in lists included). Made by PlanDocument's edit functions, which
// check first whether the edit can be made.
class PlanEdit : public QUndoCommand
{
public:
    void redo() final;
    void undo() final;

protected:
    PlanEdit(PlanDocument &document, const QString &text);
    virtual void apply(nlohmann::ordered_json &document) = 0;
    virtual void revert(nlohmann::ordered_json &document) = 0;

    PlanDocument &m_document;
};

// Resources whose objects an edit replaces: each one's index in "resources", before and after.
struct ResourceChange
{
    int index = -1;
    nlohmann::ordered_json before;
    nlohmann::ordered_json after;
};

// Appends a resource to the plan.
class AddResourceEdit final : public PlanEdit
{
public:
    AddResourceEdit(PlanDocument &document, nlohmann::ordered_json resource);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;

    nlohmann::ordered_json m_resource;
    int m_index = -1;
    bool m_created = false; // the document had no "resources" list before
};

// Removes resources, and every dependency of the others on them.
class RemoveResourcesEdit final : public PlanEdit
{
public:
    RemoveResourcesEdit(PlanDocument &document, const QStringList &ids);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;

    QList<ResourceChange> m_removed; // ascending index; `before` is the resource
    QList<ResourceChange> m_changed; // the others that lose a dependency (indices before removal)
};

// Replaces the objects of some resources: a dependency added or removed, a rename.
class ChangeResourcesEdit final : public PlanEdit
{
public:
    ChangeResourcesEdit(PlanDocument &document, const QString &text, QList<ResourceChange> changes);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;

    QList<ResourceChange> m_changes;
};

// Replaces the plan's "mapping" list.
class SetMappingEdit final : public PlanEdit
{
public:
    SetMappingEdit(PlanDocument &document, nlohmann::ordered_json rules);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;

    nlohmann::ordered_json m_before;
    nlohmann::ordered_json m_after;
    bool m_had = false; // the plan had a "mapping" before
};

} // namespace fanout
