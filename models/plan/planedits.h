#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUndoCommand>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace fanout {

class PlanDocument;

// An undoable change to a PlanDocument's JSON document. redo() and undo() change the document and
// have it read again. Each edit keeps only what it changes, so undo restores the document exactly
// (members, order and positions in lists included). Made by PlanDocument's edit functions, which
// check first whether the edit can be made.
// A top-level member of the document that an edit changes besides what it is about, such as the
// "layout" positions of resources it adds, removes or renames. nullopt: absent.
struct MemberChange
{
    std::string key;
    std::optional<nlohmann::ordered_json> before;
    std::optional<nlohmann::ordered_json> after;
};

class PlanEdit : public QUndoCommand
{
public:
    void redo() final;
    void undo() final;

    // The ids of the resources it changes (old and new ids of a rename), for locking what runs.
    QStringList resourceIds() const { return m_resourceIds; }
    void setResourceIds(const QStringList &ids) { m_resourceIds = ids; }
    void setMemberChange(std::optional<MemberChange> change) { m_member = std::move(change); }
    // A rename: redo announces `from` → `to`, undo the way back (PlanDocument::resourceRenamed).
    void setRename(const QString &from, const QString &to) { m_rename = {from, to}; }

protected:
    PlanEdit(PlanDocument &document, const QString &text);
    virtual void apply(nlohmann::ordered_json &document) = 0;
    virtual void revert(nlohmann::ordered_json &document) = 0;

    PlanDocument &m_document;

private:
    void setMember(nlohmann::ordered_json &document, const std::optional<nlohmann::ordered_json> &value);

    QStringList m_resourceIds;
    std::optional<MemberChange> m_member;
    std::optional<std::pair<QString, QString>> m_rename;
    int m_memberPosition = -1; // where the member was when an edit took it out
};

// Resources whose objects an edit replaces: each one's index in "resources", before and after.
struct ResourceChange
{
    int index = -1;
    nlohmann::ordered_json before;
    nlohmann::ordered_json after;
};

// Appends resources to the plan.
class AddResourcesEdit final : public PlanEdit
{
public:
    AddResourcesEdit(PlanDocument &document, const QString &text, QList<nlohmann::ordered_json> resources);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;

    QList<nlohmann::ordered_json> m_resources;
    int m_index = -1;       // of the first
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

// Replaces the objects of some resources: a dependency added or removed, a rename, a property
// (or none, when only a member such as "layout" changes).
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
// Sets (or, with nullopt, removes) a member of the plan itself: "mapping", "targets", "rollout".
class SetPlanMemberEdit final : public PlanEdit
{
public:
    SetPlanMemberEdit(PlanDocument &document, std::string key, std::optional<nlohmann::ordered_json> value, const QString &text);

private:
    void apply(nlohmann::ordered_json &document) override;
    void revert(nlohmann::ordered_json &document) override;
    static void put(nlohmann::ordered_json &document, const std::string &key, const std::optional<nlohmann::ordered_json> &value);

    std::string m_key;
    std::optional<nlohmann::ordered_json> m_before; // nullopt: the plan had none
    std::optional<nlohmann::ordered_json> m_after;
};

} // namespace fanout
