#include "plandocument.h"

#include "executorregistry.h"
#include "planedits.h"
#include "plangraph.h"
#include "planreader.h"

#include <QHash>
#include <QQueue>
#include <QSet>
#include <QUndoStack>

#include <algorithm>

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

bool refuse(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return false;
}

// `text` with every ${resources.OLD.outputs.…} made ${resources.NEW.outputs.…}; "$${" is literal.
QString renameReferences(const QString &text, const QString &oldId, const QString &newId)
{
    const QString from = QStringLiteral("${resources.") + oldId + QStringLiteral(".outputs.");
    const QString to = QStringLiteral("${resources.") + newId + QStringLiteral(".outputs.");
    QString out;
    qsizetype i = 0;
    while (i < text.size()) {
        const QStringView rest = QStringView(text).mid(i);
        if (rest.startsWith(QLatin1String("$${"))) {
            out += QLatin1String("$${");
            i += 3;
        } else if (rest.startsWith(from)) {
            out += to;
            i += from.size();
        } else {
            out += text[i];
            ++i;
        }
    }
    return out;
}

void renameReferences(nlohmann::ordered_json &value, const QString &oldId, const QString &newId)
{
    if (value.is_string()) {
        const QString text = QString::fromStdString(value.get<std::string>());
        if (text.contains(oldId))
            value = renameReferences(text, oldId, newId).toStdString();
    } else if (value.is_structured()) {
        for (auto &member : value)
            renameReferences(member, oldId, newId);
    }
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

void PlanDocument::load(const nlohmann::ordered_json &document, const QString &file)
{
    m_stack->clear();
    m_document = document;
    m_file = file;
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

QString PlanDocument::uniqueId(const QString &type) const
{
    QSet<QString> taken;
    if (const auto list = m_document.find("resources"); list != m_document.end() && list->is_array()) {
        for (const auto &resource : *list)
            taken.insert(idOf(resource));
    }
    for (int n = 1;; ++n) {
        const QString id = QStringLiteral("%1-%2").arg(type).arg(n);
        if (!taken.contains(id))
            return id;
    }
}

nlohmann::ordered_json PlanDocument::defaultParameters(const QString &type)
{
    if (type == QLatin1String("sim"))
        return {{"duration", "5s"}};
    if (type == QLatin1String("command"))
        return {{"command", {"true"}}};
    if (type == QLatin1String("http"))
        return {{"request", {{"method", "GET"}, {"url", "http://localhost/"}}}};
    return nlohmann::ordered_json::object();
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

bool PlanDocument::addResource(const QString &type, QString *id, QString *error)
{
    if (!m_registry.find(type))
        return refuse(error, tr("There is no executor type \"%1\"; the types are: %2").arg(type, m_registry.types().join(QStringLiteral(", "))));
    if (!m_document.is_object())
        return refuse(error, tr("The plan cannot be edited: it is not a JSON object"));
    if (const auto list = m_document.find("resources"); list != m_document.end() && !list->is_array())
        return refuse(error, tr("The plan's \"resources\" is not a list"));
    const QString newId = uniqueId(type);
    nlohmann::ordered_json resource = {{"id", newId.toStdString()}, {"type", type.toStdString()}};
    resource.update(defaultParameters(type));
    m_stack->push(new AddResourceEdit(*this, std::move(resource)));
    if (id)
        *id = newId;
    return true;
}

bool PlanDocument::removeResources(const QStringList &ids, QString *error)
{
    QStringList missing;
    for (const QString &id : ids) {
        if (documentIndex(id) < 0)
            missing.append(id);
    }
    if (ids.isEmpty())
        return refuse(error, tr("No resource is selected"));
    if (!missing.isEmpty())
        return refuse(error, tr("The plan has no resource %1").arg(missing.join(QStringLiteral(", "))));
    m_stack->push(new RemoveResourcesEdit(*this, ids));
    return true;
}

bool PlanDocument::addDependency(const QString &from, const QString &to, QString *error)
{
    const int index = documentIndex(from);
    if (index < 0 || documentIndex(to) < 0 || m_plan.indexOf(to) < 0)
        return refuse(error, tr("The plan has no resource %1").arg(index < 0 ? from : to));
    const nlohmann::ordered_json &before = m_document["resources"][size_t(index)];
    const auto dependsOn = before.find("depends_on");
    if (dependsOn != before.end() && dependsOn->is_array() && lists(*dependsOn, to))
        return refuse(error, tr("%1 already depends on %2").arg(from, to));
    if (dependsOn != before.end() && !dependsOn->is_array())
        return refuse(error, tr("The depends_on of %1 is not a list").arg(from));
    const QStringList cycle = cycleClosedBy(from, to);
    if (!cycle.isEmpty())
        return refuse(error, tr("%1 cannot depend on %2: that would close the cycle %3, and none of these could ever start")
                                 .arg(from, to, cycle.join(QStringLiteral(" → "))));
    nlohmann::ordered_json after = before;
    after["depends_on"].push_back(to.toStdString());
    m_stack->push(new ChangeResourcesEdit(*this, tr("Make %1 depend on %2").arg(from, to), {{index, before, after}}));
    return true;
}

bool PlanDocument::removeDependency(const QString &from, const QString &to, QString *error)
{
    const int index = documentIndex(from);
    if (index < 0)
        return refuse(error, tr("The plan has no resource %1").arg(from));
    const nlohmann::ordered_json &before = m_document["resources"][size_t(index)];
    const auto dependsOn = before.find("depends_on");
    if (dependsOn == before.end() || !dependsOn->is_array() || !lists(*dependsOn, to))
        return refuse(error, tr("%1 does not list %2 in its depends_on").arg(from, to));
    nlohmann::ordered_json after = before;
    nlohmann::ordered_json &list = after["depends_on"];
    list.erase(std::find(list.begin(), list.end(), nlohmann::ordered_json(to.toStdString())));
    m_stack->push(new ChangeResourcesEdit(*this, tr("Remove the dependency of %1 on %2").arg(from, to), {{index, before, after}}));
    return true;
}

bool PlanDocument::setMapping(const nlohmann::ordered_json &rules, QString *error)
{
    if (!m_document.is_object())
        return refuse(error, tr("The plan cannot be edited: it is not a JSON object"));
    if (const auto it = m_document.find("mapping"); it != m_document.end() && *it == rules)
        return refuse(error, tr("The mapping is unchanged"));
    m_stack->push(new SetMappingEdit(*this, rules));
    return true;
}

bool PlanDocument::renameResource(const QString &oldId, const QString &newId, QString *error)
{
    const int index = documentIndex(oldId);
    if (index < 0)
        return refuse(error, tr("The plan has no resource %1").arg(oldId));
    if (newId.trimmed().isEmpty())
        return refuse(error, tr("A resource needs an id"));
    if (newId == oldId)
        return refuse(error, tr("%1 is already its id").arg(newId));
    if (documentIndex(newId) >= 0)
        return refuse(error, tr("The id %1 is taken by another resource").arg(newId));
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
                renameReferences(value, oldId, newId);
            }
        }
        if (after != before)
            changes.append({i, before, after});
    }
    m_stack->push(new ChangeResourcesEdit(*this, tr("Rename %1 to %2").arg(oldId, newId), std::move(changes)));
    return true;
}

} // namespace fanout
