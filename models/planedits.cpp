#include "planedits.h"

#include "plandocument.h"

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
    m_document.edited();
}

void PlanEdit::undo()
{
    revert(m_document.m_document);
    m_document.edited();
}

AddResourceEdit::AddResourceEdit(PlanDocument &document, nlohmann::ordered_json resource)
    : PlanEdit(document, QObject::tr("Add resource %1").arg(QString::fromStdString(resource.value("id", std::string()))))
    , m_resource(std::move(resource))
{
}

void AddResourceEdit::apply(nlohmann::ordered_json &document)
{
    m_created = !document.contains("resources");
    nlohmann::ordered_json &list = document["resources"];
    if (m_created)
        list = nlohmann::ordered_json::array();
    m_index = int(list.size());
    list.push_back(m_resource);
}

void AddResourceEdit::revert(nlohmann::ordered_json &document)
{
    nlohmann::ordered_json &list = document["resources"];
    Q_ASSERT(m_index == int(list.size()) - 1);
    list.erase(list.begin() + m_index);
    if (m_created)
        document.erase("resources");
}

RemoveResourcesEdit::RemoveResourcesEdit(PlanDocument &document, const QStringList &ids)
    : PlanEdit(document, ids.size() == 1 ? QObject::tr("Delete resource %1").arg(ids.constFirst())
                                         : QObject::tr("Delete %n resource(s)", nullptr, int(ids.size())))
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

SetMappingEdit::SetMappingEdit(PlanDocument &document, nlohmann::ordered_json rules)
    : PlanEdit(document, QObject::tr("Change the executor mapping"))
    , m_after(std::move(rules))
{
    const auto it = document.document().find("mapping");
    m_had = it != document.document().end();
    if (m_had)
        m_before = *it;
}

void SetMappingEdit::apply(nlohmann::ordered_json &document)
{
    document["mapping"] = m_after; // in its place when the plan has one; last otherwise
}

void SetMappingEdit::revert(nlohmann::ordered_json &document)
{
    if (m_had)
        document["mapping"] = m_before;
    else
        document.erase("mapping");
}

} // namespace fanout
