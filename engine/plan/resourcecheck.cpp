#include "engine/plan/resourcecheck.h"

#include "engine/plan/planreader.h"
#include "engine/plan/references.h"
#include "engine/support/jsonlocator.h"

#include <QSet>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

QString idOf(const json &resource)
{
    const auto id = resource.is_object() ? resource.find("id") : resource.end();
    return resource.is_object() && id != resource.end() && id->is_string() ? QString::fromStdString(id->get<std::string>()) : QString();
}

} // namespace

ResourceCheck::ResourceCheck(const ExecutorTypes &types)
    : m_types(types)
{
}

void ResourceCheck::setDocument(const nlohmann::ordered_json &document)
{
    ++m_work.documentsRead;
    m_context = json::object();
    m_groups = json();
    m_ids.clear();
    m_setShapes.clear();
    if (!document.is_object())
        return;
    for (const auto &[key, value] : document.items()) {
        if (key == "resources") {
            if (value.is_array()) {
                m_ids.reserve(qsizetype(value.size()));
                for (std::size_t i = 0; i < value.size(); ++i) {
                    const QString id = idOf(value[i]);
                    if (!id.isEmpty() && !m_ids.contains(id))
                        m_ids.insert(id, int(i));
                    if (!value[i].is_object())
                        continue;
                    json shape = json::object();
                    for (const char *member : {"count", "for_each", "per_target"}) {
                        if (const auto it = value[i].find(member); it != value[i].end())
                            shape[member] = *it;
                    }
                    if (!shape.empty() && !id.isEmpty())
                        m_setShapes.insert(id, std::move(shape));
                }
            }
        } else if (key == "groups") {
            m_groups = value;
        } else if (key != "layout") { // the graph's pinned positions say nothing about a resource
            m_context[key] = value;
        }
    }
}

Diagnostics ResourceCheck::check(const nlohmann::ordered_json &resource) const
{
    json plan = m_context;
    if (!plan.contains("name"))
        plan["name"] = "plan";
    // Only the group the resource names, when the plan has it: thousands of module groups would
    // otherwise be read at every keystroke. An unknown one needs them all, for "did you mean".
    if (!m_groups.is_null()) {
        const auto group = resource.is_object() ? resource.find("group") : resource.end();
        const bool names = resource.is_object() && group != resource.end() && group->is_string();
        if (!m_groups.is_object())
            plan["groups"] = m_groups; // reported for the plan, not for this resource
        else if (!names)
            plan["groups"] = json::object();
        else if (const auto it = m_groups.find(group->get<std::string>()); it != m_groups.end())
            plan["groups"] = json::object({{it.key(), it.value()}});
        else
            plan["groups"] = m_groups;
    }
    json list = json::array({resource});
    // A bare stand-in for each resource of the plan it waits for (by depends_on or by using its
    // outputs), so that those are not reported unknown; its own problems are not this one's.
    const QString self = idOf(resource);
    QSet<QString> standIns;
    const auto standIn = [&](const QString &named) {
        // web[2], web[*], net@eu-west-1, subnet[${count.index}]: the set as written, with its shape.
        QString id = named;
        if (!m_ids.contains(id))
            id = named.section(QLatin1Char('['), 0, 0).section(QLatin1Char('@'), 0, 0);
        if (!id.isEmpty() && id != self && m_ids.contains(id) && !standIns.contains(id)) {
            standIns.insert(id);
            json entry = json::object({{"id", id.toStdString()}, {"run", false}});
            if (const auto shape = m_setShapes.constFind(id); shape != m_setShapes.cend())
                entry.update(*shape);
            list.push_back(std::move(entry));
        }
    };
    if (resource.is_object()) {
        if (const auto deps = resource.find("depends_on"); deps != resource.end() && deps->is_array()) {
            for (const auto &dep : *deps) {
                if (dep.is_string())
                    standIn(QString::fromStdString(dep.get<std::string>()));
            }
        }
        References::find(resource, QString(), [&](const QString &, const Reference *reference, const QString &) {
            if (reference && reference->kind == Reference::Kind::Output)
                standIn(reference->resource);
        });
    }
    ++m_work.checks;
    m_work.lastPlanSize = int(list.size());
    plan["resources"] = std::move(list);
    return relativeTo(PlanReader::readJson(plan, m_types).diagnostics, 0);
}

Diagnostics ResourceCheck::relativeTo(const Diagnostics &diagnostics, int index)
{
    const QString prefix = jsonIndexPath(QStringLiteral("resources"), index);
    Diagnostics result;
    for (const Diagnostic &d : diagnostics) {
        if (!d.path.startsWith(prefix))
            continue;
        Diagnostic relative = d;
        if (d.path.size() == prefix.size())
            relative.path.clear();
        else if (d.path[prefix.size()] == QLatin1Char('.'))
            relative.path = d.path.mid(prefix.size() + 1);
        else if (d.path[prefix.size()] == QLatin1Char('['))
            relative.path = d.path.mid(prefix.size());
        else
            continue; // resources[10] is not resources[1]
        result.append(relative);
    }
    return result;
}

} // namespace fanout
