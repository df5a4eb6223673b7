#include "models/plan/plandocument.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/planreader.h"
#include "engine/support/counted.h"
#include "models/plan/planedits.h"

#include <QHash>
#include <QQueue>
#include <QRegularExpression>
#include <QSet>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <functional>

namespace fanout {

namespace {

QString idOf(const nlohmann::ordered_json &resource)
{
    const auto id = resource.find("id");
    return id != resource.end() && id->is_string() ? QString::fromStdString(id->get<std::string>()) : QString();
}

bool lists(const nlohmann::ordered_json &list, const QString &id)
{
    return std::find(list.begin(), list.end(), nlohmann::ordered_json(id.toStdString())) != list.end();
}

// `text` with every ${resources.OLD.outputs.…} made ${resources.NEW.outputs.…} for each OLD → NEW
// in `ids`, in one pass (so that renames never chain); "$${" is literal.
QString renameReferences(const QString &text, const QHash<QString, QString> &ids)
{
    static const QLatin1String open("${resources.");
    static const QLatin1String outputs(".outputs.");
    QString out;
    qsizetype i = 0;
    while (i < text.size()) {
        const QStringView rest = QStringView(text).mid(i);
        if (rest.startsWith(QLatin1String("$${"))) {
            out += QLatin1String("$${");
            i += 3;
            continue;
        }
        if (rest.startsWith(open)) {
            const qsizetype end = rest.indexOf(outputs, open.size());
            if (end > 0) {
                const QString id = rest.mid(open.size(), end - open.size()).toString();
                if (const auto it = ids.constFind(id); it != ids.cend()) {
                    out += open + *it + outputs;
                    i += end + outputs.size();
                    continue;
                }
            }
        }
        out += text[i];
        ++i;
    }
    return out;
}

void renameReferences(nlohmann::ordered_json &value, const QHash<QString, QString> &ids)
{
    if (value.is_string()) {
        const QString text = QString::fromStdString(value.get<std::string>());
        if (text.contains(QLatin1String("${resources.")))
            value = renameReferences(text, ids).toStdString();
    } else if (value.is_structured()) {
        for (auto &member : value)
            renameReferences(member, ids);
    }
}

// "db" → "db", "sim-1" → "sim": what a copy's id counts on from.
QString idStem(const QString &id)
{
    static const QRegularExpression numbered(QStringLiteral("^(.+)-\\d+$"));
    const auto match = numbered.match(id);
    return match.hasMatch() ? match.captured(1) : id;
}

nlohmann::ordered_json point(QPointF centre)
{
    return {{"x", std::round(centre.x() * 10) / 10}, {"y", std::round(centre.y() * 10) / 10}};
}

// The change to "layout" that `change` makes to it; nullopt when it makes none.
std::optional<MemberChange> layoutSectionChange(const nlohmann::ordered_json &document, const std::function<void(nlohmann::ordered_json &layout)> &change)
{
    MemberChange member{"layout", std::nullopt, std::nullopt};
    nlohmann::ordered_json layout = nlohmann::ordered_json::object();
    if (const auto it = document.find("layout"); it != document.end()) {
        member.before = *it;
        if (it->is_object())
            layout = *it;
    }
    change(layout);
    if (!layout.empty())
        member.after = std::move(layout);
    if (member.before == member.after)
        return std::nullopt;
    return member;
}

// The change to "layout" that `change` makes to its "positions"; nullopt when it makes none.
std::optional<MemberChange> layoutChange(const nlohmann::ordered_json &document, const std::function<void(nlohmann::ordered_json &positions)> &change)
{
    return layoutSectionChange(document, [&](nlohmann::ordered_json &layout) {
        nlohmann::ordered_json &positions = layout["positions"];
        if (!positions.is_object())
            positions = nlohmann::ordered_json::object();
        change(positions);
        if (positions.empty())
            layout.erase("positions");
    });
}

} // namespace

PlanDocument::PlanDocument(const ExecutorRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_stack(new QUndoStack(this))
{
    connect(m_stack, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    m_document = emptyDocument();
    edited();
}

PlanDocument::~PlanDocument() = default;

nlohmann::ordered_json PlanDocument::emptyDocument()
{
    return {{"name", "untitled"}, {"resources", nlohmann::ordered_json::array()}};
}

void PlanDocument::load(const nlohmann::ordered_json &document)
{
    m_stack->clear();
    m_document = document;
    edited();
}

QByteArray PlanDocument::toText() const
{
    return QByteArray::fromStdString(m_document.dump(2)) + '\n';
}

bool PlanDocument::isModified() const
{
    return !m_stack->isClean();
}

void PlanDocument::markSaved()
{
    m_stack->setClean();
}

void PlanDocument::edited()
{
    PlanReadResult read = PlanReader::readJson(m_document, m_registry);
    m_plan = std::move(read.plan);
    m_diagnostics = std::move(read.diagnostics);
    emit changed(m_plan, m_diagnostics);
}

int PlanDocument::documentIndex(const QString &id) const
{
    const auto list = m_document.find("resources");
    if (id.isEmpty() || list == m_document.end() || !list->is_array())
        return -1;
    for (size_t i = 0; i < list->size(); ++i) {
        if (idOf((*list)[i]) == id)
            return int(i);
    }
    return -1;
}

QSet<QString> PlanDocument::documentIds() const
{
    QSet<QString> ids;
    if (const auto list = m_document.find("resources"); list != m_document.end() && list->is_array()) {
        for (const auto &resource : *list)
            ids.insert(idOf(resource));
    }
    return ids;
}

QString PlanDocument::uniqueId(const QString &type) const
{
    const QSet<QString> taken = documentIds();
    for (int n = 1;; ++n) {
        const QString id = QStringLiteral("%1-%2").arg(type).arg(n);
        if (!taken.contains(id))
            return id;
    }
}

nlohmann::ordered_json PlanDocument::defaultParameters(const QString &type) const
{
    const Executor *executor = m_registry.find(type);
    return executor ? executor->description().newParameters : nlohmann::ordered_json::object();
}

QStringList PlanDocument::cycleClosedBy(const QString &from, const QString &to) const
{
    if (from == to)
        return {from, to};
    const int start = m_plan.indexOf(to);
    const int goal = m_plan.indexOf(from);
    if (start < 0 || goal < 0)
        return {};
    // Does `to` already wait for `from`, directly or not? Breadth first, for the shortest cycle.
    const PlanGraph graph(m_plan);
    QHash<int, int> cameFrom{{start, -1}};
    QQueue<int> queue;
    queue.enqueue(start);
    while (!queue.isEmpty()) {
        const int r = queue.dequeue();
        if (r == goal) {
            QStringList path;
            for (int at = r; at >= 0; at = cameFrom.value(at))
                path.prepend(m_plan.resources[at].id);
            path.prepend(from); // from → to → … → from
            return path;
        }
        for (const int next : graph.dependencies(r)) {
            if (!cameFrom.contains(next)) {
                cameFrom.insert(next, r);
                queue.enqueue(next);
            }
        }
    }
    return {};
}

Expected<QString> PlanDocument::addResource(const QString &type, std::optional<QPointF> at)
{
    if (!m_registry.find(type))
        return unexpected(tr("There is no executor type \"%1\"; the types are: %2").arg(type, m_registry.types().join(QStringLiteral(", "))));
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    if (const auto list = m_document.find("resources"); list != m_document.end() && !list->is_array())
        return unexpected(tr("The plan's \"resources\" is not a list"));
    const QString newId = uniqueId(type);
    nlohmann::ordered_json resource = {{"id", newId.toStdString()}, {"type", type.toStdString()}};
    resource.update(defaultParameters(type));
    auto *edit = new AddResourcesEdit(*this, tr("Add resource %1").arg(newId), {std::move(resource)});
    edit->setResourceIds({newId});
    if (at)
        edit->setMemberChange(layoutChange(m_document, [&](nlohmann::ordered_json &positions) { positions[newId.toStdString()] = point(*at); }));
    m_stack->push(edit);
    return newId;
}

Expected<void> PlanDocument::changeResource(const QString &id, const nlohmann::ordered_json &resource, const QString &text)
{
    const int index = documentIndex(id);
    if (index < 0)
        return unexpected(tr("The plan has no resource %1").arg(id));
    if (!resource.is_object())
        return unexpected(tr("A resource is a JSON object ({\"id\": ..., \"type\": ...})"));
    if (idOf(resource) != id)
        return unexpected(tr("The id cannot change here: change it in the Id field, so that the resources that refer to %1 follow").arg(id));
    const nlohmann::ordered_json &before = m_document["resources"][size_t(index)];
    if (before == resource)
        return unexpected(tr("%1 is unchanged").arg(id));
    auto *edit = new ChangeResourcesEdit(*this, text, {{index, before, resource}});
    edit->setResourceIds({id});
    m_stack->push(edit);
    return {};
}

Expected<PlanDocument::Insertion> PlanDocument::insertResources(const nlohmann::ordered_json &resources,
                                                                const QHash<QString, QPointF> &positions, QPointF offset,
                                                                const QString &text)
{
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    if (const auto list = m_document.find("resources"); list != m_document.end() && !list->is_array())
        return unexpected(tr("The plan's \"resources\" is not a list"));
    if (!resources.is_array() || resources.empty())
        return unexpected(tr("There are no resources to add"));
    const QSet<QString> existing = documentIds();
    QSet<QString> taken = existing;
    // Every copy's id first, so that dependencies among the copies can follow.
    QHash<QString, QString> newIds;
    QStringList added;
    for (const auto &resource : resources) {
        const QString id = idOf(resource);
        if (!resource.is_object() || id.isEmpty())
            return unexpected(tr("Only resources with an id can be added: %1")
                                     .arg(QString::fromStdString(resource.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)).left(80)));
        if (newIds.contains(id))
            return unexpected(tr("Two of the resources to add have the id %1").arg(id));
        QString newId = id;
        for (int n = 2; taken.contains(newId); ++n)
            newId = QStringLiteral("%1-%2").arg(idStem(id)).arg(n);
        taken.insert(newId);
        newIds.insert(id, newId);
        added.append(newId);
    }
    QList<nlohmann::ordered_json> copies;
    QStringList droppedDependencies;
    for (const auto &resource : resources) {
        const QString id = idOf(resource);
        nlohmann::ordered_json copy = resource;
        copy["id"] = newIds.value(id).toStdString();
        for (auto &[key, value] : copy.items()) {
            if (key == "id")
                continue;
            if (key == "depends_on" && value.is_array()) {
                nlohmann::ordered_json kept = nlohmann::ordered_json::array();
                for (const auto &entry : value) {
                    const QString dependency = entry.is_string() ? QString::fromStdString(entry.get<std::string>()) : QString();
                    if (newIds.contains(dependency))
                        kept.push_back(newIds.value(dependency).toStdString());
                    else if (existing.contains(dependency))
                        kept.push_back(entry);
                    else
                        droppedDependencies.append(tr("%1 on %2").arg(newIds.value(id), dependency));
                }
                value = std::move(kept);
                continue;
            }
            renameReferences(value, newIds);
        }
        copies.append(std::move(copy));
    }
    auto *edit = new AddResourcesEdit(*this, text, std::move(copies));
    edit->setResourceIds(added);
    bool placed = false;
    for (auto it = newIds.cbegin(); it != newIds.cend() && !placed; ++it)
        placed = positions.contains(it.key());
    if (placed) {
        edit->setMemberChange(layoutChange(m_document, [&](nlohmann::ordered_json &pinned) {
            for (auto it = newIds.cbegin(); it != newIds.cend(); ++it) {
                if (positions.contains(it.key()))
                    pinned[it.value().toStdString()] = point(positions.value(it.key()) + offset);
            }
        }));
    }
    m_stack->push(edit);
    return Insertion{added, droppedDependencies};
}

Expected<void> PlanDocument::moveResources(const QHash<QString, QPointF> &centres)
{
    if (centres.isEmpty())
        return unexpected(tr("Nothing was moved"));
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    QStringList ids = centres.keys();
    std::sort(ids.begin(), ids.end(), [this](const QString &a, const QString &b) { return documentIndex(a) < documentIndex(b); });
    for (const QString &id : std::as_const(ids)) {
        if (documentIndex(id) < 0)
            return unexpected(tr("The plan has no resource %1").arg(id));
    }
    std::optional<MemberChange> member = layoutChange(m_document, [&](nlohmann::ordered_json &positions) {
        for (const QString &id : std::as_const(ids))
            positions[id.toStdString()] = point(centres.value(id));
    });
    if (!member)
        return unexpected(tr("%1 did not move").arg(ids.join(QStringLiteral(", "))));
    auto *edit = new ChangeResourcesEdit(*this, ids.size() == 1 ? tr("Move %1").arg(ids.constFirst()) : tr("Move %1").arg(counted(ids.size(), "resource")), {});
    edit->setResourceIds(ids);
    edit->setMemberChange(std::move(member));
    m_stack->push(edit);
    return {};
}

Expected<void> PlanDocument::unpinResources(const QStringList &ids)
{
    const QHash<QString, QPointF> pinned = pinnedPositions();
    QStringList unpinned;
    for (const QString &id : ids) {
        if (pinned.contains(id))
            unpinned.append(id);
    }
    if (unpinned.isEmpty())
        return unexpected(tr("%1 has no position of its own").arg(ids.join(QStringLiteral(", "))));
    auto *edit = new ChangeResourcesEdit(*this, unpinned.size() == 1 ? tr("Unpin %1").arg(unpinned.constFirst())
                                                                     : tr("Unpin %1").arg(counted(unpinned.size(), "resource")),
                                         {});
    edit->setResourceIds(unpinned);
    edit->setMemberChange(layoutChange(m_document, [&](nlohmann::ordered_json &positions) {
        for (const QString &id : std::as_const(unpinned))
            positions.erase(id.toStdString());
    }));
    m_stack->push(edit);
    return {};
}

Expected<void> PlanDocument::setLayoutDirection(const QString &direction)
{
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    std::optional<MemberChange> member = layoutSectionChange(m_document, [&](nlohmann::ordered_json &layout) {
        if (direction.isEmpty())
            layout.erase("direction");
        else
            layout["direction"] = direction.toStdString();
    });
    if (!member)
        return {}; // drawn that way already
    auto *edit = new ChangeResourcesEdit(*this, direction.isEmpty() ? tr("Draw the Graph to Fit the Window")
                                                : direction == QLatin1String(Plan::kLeftToRight) ? tr("Draw the Graph Left to Right")
                                                                                                  : tr("Draw the Graph Top to Bottom"),
                                         {});
    edit->setMemberChange(std::move(member));
    m_stack->push(edit);
    return {};
}

nlohmann::ordered_json PlanDocument::resourceObjects(const QStringList &ids) const
{
    nlohmann::ordered_json objects = nlohmann::ordered_json::array();
    const auto list = m_document.find("resources");
    if (list == m_document.end() || !list->is_array())
        return objects;
    for (const auto &resource : *list) {
        if (ids.contains(idOf(resource)))
            objects.push_back(resource);
    }
    return objects;
}

QByteArray PlanDocument::clipboardText(const QStringList &ids) const
{
    const nlohmann::ordered_json resources = resourceObjects(ids);
    if (resources.empty())
        return {};
    nlohmann::ordered_json clip = {{"resources", resources}};
    const QHash<QString, QPointF> &pinned = pinnedPositions();
    for (const QString &id : ids) {
        if (pinned.contains(id))
            clip["layout"]["positions"][id.toStdString()] = {{"x", pinned.value(id).x()}, {"y", pinned.value(id).y()}};
    }
    return QByteArray::fromStdString(clip.dump(2)) + '\n';
}

Expected<PlanDocument::Insertion> PlanDocument::paste(const QByteArray &text)
{
    const nlohmann::ordered_json clip = nlohmann::ordered_json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
    if (clip.is_discarded())
        return unexpected(tr("The clipboard holds no resources: its text is not JSON"));
    nlohmann::ordered_json resources;
    QHash<QString, QPointF> positions;
    if (clip.is_object() && clip.contains("resources")) {
        resources = clip["resources"];
        if (const auto layout = clip.find("layout"); layout != clip.end() && layout->is_object() && layout->contains("positions")
            && (*layout)["positions"].is_object()) {
            for (const auto &[id, at] : (*layout)["positions"].items()) {
                if (at.is_object() && at.contains("x") && at.contains("y") && at["x"].is_number() && at["y"].is_number())
                    positions.insert(QString::fromStdString(id), QPointF(at["x"].get<double>(), at["y"].get<double>()));
            }
        }
    } else if (clip.is_array()) {
        resources = clip;
    } else if (clip.is_object() && clip.contains("id")) {
        resources = nlohmann::ordered_json::array({clip});
    } else {
        return unexpected(tr("The clipboard's JSON holds no resources: expected {\"resources\": [...]}, a list of resources or one resource"));
    }
    bool beside = false;
    for (auto it = positions.cbegin(); it != positions.cend() && !beside; ++it)
        beside = pinnedPositions().contains(it.key());
    return insertResources(resources, positions, beside ? QPointF(40, 40) : QPointF(),
                           tr("Paste %1").arg(counted(resources.is_array() ? qint64(resources.size()) : 0, "resource")));
}

QStringList PlanDocument::resourcesChangedBy(int index) const
{
    const auto *edit = dynamic_cast<const PlanEdit *>(m_stack->command(index));
    return edit ? edit->resourceIds() : QStringList();
}

Expected<void> PlanDocument::removeResources(const QStringList &ids)
{
    QStringList missing;
    for (const QString &id : ids) {
        if (documentIndex(id) < 0)
            missing.append(id);
    }
    if (ids.isEmpty())
        return unexpected(tr("No resource is selected"));
    if (!missing.isEmpty())
        return unexpected(tr("The plan has no resource %1").arg(missing.join(QStringLiteral(", "))));
    auto *edit = new RemoveResourcesEdit(*this, ids);
    edit->setResourceIds(ids);
    edit->setMemberChange(layoutChange(m_document, [&](nlohmann::ordered_json &positions) {
        for (const QString &id : ids)
            positions.erase(id.toStdString());
    }));
    m_stack->push(edit);
    return {};
}

Expected<void> PlanDocument::addDependency(const QString &from, const QString &to)
{
    const int index = documentIndex(from);
    if (index < 0 || documentIndex(to) < 0 || m_plan.indexOf(to) < 0)
        return unexpected(tr("The plan has no resource %1").arg(index < 0 ? from : to));
    const nlohmann::ordered_json &before = m_document["resources"][size_t(index)];
    const auto dependsOn = before.find("depends_on");
    if (dependsOn != before.end() && dependsOn->is_array() && lists(*dependsOn, to))
        return unexpected(tr("%1 already depends on %2").arg(from, to));
    if (dependsOn != before.end() && !dependsOn->is_array())
        return unexpected(tr("The depends_on of %1 is not a list").arg(from));
    const QStringList cycle = cycleClosedBy(from, to);
    if (!cycle.isEmpty())
        return unexpected(tr("%1 cannot depend on %2: that would close the cycle %3, and none of these could ever start")
                                 .arg(from, to, cycle.join(QStringLiteral(" → "))));
    nlohmann::ordered_json after = before;
    after["depends_on"].push_back(to.toStdString());
    auto *edit = new ChangeResourcesEdit(*this, tr("Make %1 depend on %2").arg(from, to), {{index, before, after}});
    edit->setResourceIds({from});
    m_stack->push(edit);
    return {};
}

Expected<void> PlanDocument::removeDependency(const QString &from, const QString &to)
{
    const int index = documentIndex(from);
    if (index < 0)
        return unexpected(tr("The plan has no resource %1").arg(from));
    const nlohmann::ordered_json &before = m_document["resources"][size_t(index)];
    const auto dependsOn = before.find("depends_on");
    if (dependsOn == before.end() || !dependsOn->is_array() || !lists(*dependsOn, to))
        return unexpected(tr("%1 does not list %2 in its depends_on").arg(from, to));
    nlohmann::ordered_json after = before;
    nlohmann::ordered_json &list = after["depends_on"];
    list.erase(std::find(list.begin(), list.end(), nlohmann::ordered_json(to.toStdString())));
    auto *edit = new ChangeResourcesEdit(*this, tr("Remove the dependency of %1 on %2").arg(from, to), {{index, before, after}});
    edit->setResourceIds({from});
    m_stack->push(edit);
    return {};
}

Expected<void> PlanDocument::setMapping(const nlohmann::ordered_json &rules)
{
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    if (const auto it = m_document.find("mapping"); it != m_document.end() && *it == rules)
        return unexpected(tr("The mapping is unchanged"));
    m_stack->push(new SetPlanMemberEdit(*this, "mapping", rules, tr("Change the executor mapping")));
    return {};
}

Expected<void> PlanDocument::setPlanMember(const QString &key, const std::optional<nlohmann::ordered_json> &value, const QString &text)
{
    if (!m_document.is_object())
        return unexpected(tr("The plan cannot be edited: it is not a JSON object"));
    const auto it = m_document.find(key.toStdString());
    if ((it == m_document.end() && !value) || (it != m_document.end() && value && *it == *value))
        return unexpected(tr("Unchanged"));
    m_stack->push(new SetPlanMemberEdit(*this, key.toStdString(), value, text));
    return {};
}

Expected<void> PlanDocument::renameResource(const QString &oldId, const QString &newId)
{
    const int index = documentIndex(oldId);
    if (index < 0)
        return unexpected(tr("The plan has no resource %1").arg(oldId));
    if (newId.trimmed().isEmpty())
        return unexpected(tr("A resource needs an id"));
    if (newId == oldId)
        return unexpected(tr("%1 is already its id").arg(newId));
    if (documentIndex(newId) >= 0)
        return unexpected(tr("The id %1 is taken by another resource").arg(newId));
    QList<ResourceChange> changes;
    const nlohmann::ordered_json &list = m_document["resources"];
    const std::string oldName = oldId.toStdString();
    for (int i = 0; i < int(list.size()); ++i) {
        const nlohmann::ordered_json &before = list[size_t(i)];
        if (!before.is_object())
            continue;
        nlohmann::ordered_json after = before;
        for (auto &[key, value] : after.items()) {
            if (key == "id") {
                if (i == index)
                    value = newId.toStdString();
            } else if (key == "depends_on" && value.is_array()) {
                for (auto &entry : value) {
                    if (entry == oldName)
                        entry = newId.toStdString();
                }
            } else {
                renameReferences(value, QHash<QString, QString>{{oldId, newId}});
            }
        }
        if (after != before)
            changes.append({i, before, after});
    }
    QStringList touched{oldId, newId};
    for (const ResourceChange &change : std::as_const(changes)) {
        if (change.index != index)
            touched.append(idOf(change.before));
    }
    auto *edit = new ChangeResourcesEdit(*this, tr("Rename %1 to %2").arg(oldId, newId), std::move(changes));
    edit->setResourceIds(touched);
    edit->setRename(oldId, newId);
    // Its position goes with it, in its place among the others.
    edit->setMemberChange(layoutChange(m_document, [&](nlohmann::ordered_json &positions) {
        if (!positions.contains(oldName))
            return;
        nlohmann::ordered_json renamed = nlohmann::ordered_json::object();
        for (auto &[key, value] : positions.items())
            renamed[key == oldName ? newId.toStdString() : key] = value;
        positions = std::move(renamed);
    }));
    m_stack->push(edit);
    return {};
}

} // namespace fanout
