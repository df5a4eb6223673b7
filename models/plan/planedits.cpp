#include "models/plan/planedits.h"

#include "engine/support/counted.h"
#include "models/plan/plandocument.h"

#include <QObject>

namespace fanout {

PlanEdit::PlanEdit(PlanDocument &document, const QString &text)
    : m_document(document)
{
    setText(text);
}

void PlanEdit::redo()
{
    apply(m_document.m_document);
    if (m_member)
        setMember(m_document.m_document, m_member->after);
    if (m_rename)
        emit m_document.resourceRenamed(m_rename->first, m_rename->second);
    m_document.edited();
}

void PlanEdit::undo()
{
    if (m_member)
        setMember(m_document.m_document, m_member->before);
    revert(m_document.m_document);
    if (m_rename)
        emit m_document.resourceRenamed(m_rename->second, m_rename->first);
    m_document.edited();
}

void PlanEdit::setMember(nlohmann::ordered_json &document, const std::optional<nlohmann::ordered_json> &value)
{
    const std::string &key = m_member->key;
    const auto it = document.find(key);
    if (!value) {
        if (it != document.end()) {
            m_memberPosition = int(std::distance(document.begin(), it));
            document.erase(it);
        }
        return;
    }
    if (it != document.end() || m_memberPosition < 0 || m_memberPosition >= int(document.size())) {
        document[key] = *value; // in its place, or last
        return;
    }
    // Back where it was taken out, so that undo gives the file back as it was.
    nlohmann::ordered_json rebuilt = nlohmann::ordered_json::object();
    int i = 0;
    for (auto member = document.begin(); member != document.end(); ++member, ++i) {
        if (i == m_memberPosition)
            rebuilt[key] = *value;
        rebuilt[member.key()] = std::move(member.value());
    }
    document = std::move(rebuilt);
}

AddResourcesEdit::AddResourcesEdit(PlanDocument &document, const QString &text, QList<nlohmann::ordered_json> resources)
    : PlanEdit(document, text)
    , m_resources(std::move(resources))
{
}

void AddResourcesEdit::apply(nlohmann::ordered_json &document)
{
    m_created = !document.contains("resources");
    nlohmann::ordered_json &list = document["resources"];
    if (m_created)
        list = nlohmann::ordered_json::array();
    m_index = int(list.size());
    for (const nlohmann::ordered_json &resource : std::as_const(m_resources))
        list.push_back(resource);
}

void AddResourcesEdit::revert(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    Q_ASSERT(m_index + m_resources.size() == int(list.size()));
    list.erase(list.begin() + m_index, list.end());
    if (m_created)
        document.erase("resources");
}

RemoveResourcesEdit::RemoveResourcesEdit(PlanDocument &document, const QStringList &ids)
    : PlanEdit(document, ids.size() == 1 ? QObject::tr("Delete resource %1").arg(ids.constFirst())
                                         : QObject::tr("Delete %1").arg(counted(ids.size(), "resource")))
{
    const nlohmann::ordered_json &list = document.document()["resources"];
    for (int i = 0; i < int(list.size()); ++i) {
        const nlohmann::ordered_json &resource = list[size_t(i)];
        const auto id = resource.find("id");
        if (id != resource.end() && id->is_string() && ids.contains(QString::fromStdString(id->get<std::string>()))) {
            m_removed.append({i, resource, nlohmann::ordered_json()});
            continue;
        }
        const auto dependsOn = resource.find("depends_on");
        if (dependsOn == resource.end() || !dependsOn->is_array())
            continue;
        nlohmann::ordered_json kept = nlohmann::ordered_json::array();
        for (const auto &entry : *dependsOn) {
            if (!entry.is_string() || !ids.contains(QString::fromStdString(entry.get<std::string>())))
                kept.push_back(entry);
        }
        if (kept.size() != dependsOn->size()) {
            nlohmann::ordered_json after = resource;
            after["depends_on"] = kept;
            m_changed.append({i, resource, after});
        }
    }
}

void RemoveResourcesEdit::apply(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    for (const ResourceChange &change : std::as_const(m_changed))
        list[size_t(change.index)] = change.after;
    for (auto it = m_removed.crbegin(); it != m_removed.crend(); ++it)
        list.erase(list.begin() + it->index);
}

void RemoveResourcesEdit::revert(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    for (const ResourceChange &removed : std::as_const(m_removed))
        list.insert(list.begin() + removed.index, removed.before);
    for (const ResourceChange &change : std::as_const(m_changed))
        list[size_t(change.index)] = change.before;
}

ChangeResourcesEdit::ChangeResourcesEdit(PlanDocument &document, const QString &text, QList<ResourceChange> changes)
    : PlanEdit(document, text)
    , m_changes(std::move(changes))
{
}

void ChangeResourcesEdit::apply(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    for (const ResourceChange &change : std::as_const(m_changes))
        list[size_t(change.index)] = change.after;
}

void ChangeResourcesEdit::revert(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    for (const ResourceChange &change : std::as_const(m_changes))
        list[size_t(change.index)] = change.before;
}

SetPlanMemberEdit::SetPlanMemberEdit(PlanDocument &document, std::string key, std::optional<nlohmann::ordered_json> value, const QString &text)
    : PlanEdit(document, text)
    , m_key(std::move(key))
    , m_after(std::move(value))
{
    if (const auto it = document.document().find(m_key); it != document.document().end())
        m_before = *it;
}

void SetPlanMemberEdit::put(nlohmann::ordered_json &document, const std::string &key, const std::optional<nlohmann::ordered_json> &value)
{
    if (value)
        document[key] = *value; // in its place when the plan has one; last otherwise
    else
        document.erase(key);
}

void SetPlanMemberEdit::apply(nlohmann::ordered_json &document)
{
    put(document, m_key, m_after);
}

void SetPlanMemberEdit::revert(nlohmann::ordered_json &document)
{
    put(document, m_key, m_before);
}

} // namespace fanout
