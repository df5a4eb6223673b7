#include "engine/state/deploymentstate.h"

#include "engine/plan/instanceaddress.h"
#include "engine/plan/plan.h"
#include "engine/plan/references.h"
#include "engine/state/statejournal.h"
#include "engine/support/atomicfile.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/jsontext.h"
#include "engine/support/structuredtext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <sys/stat.h>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// State files are written by Fanout and small; one this large is not one of ours.
constexpr qint64 kMaxFileSize = 512ll * 1024 * 1024;

QString qstr(const std::string &text)
{
    return QString::fromStdString(text);
}

// Every problem of a state file is also a reason not to touch it; say so once, in each message.
const QString kKeepOut = QStringLiteral("; fix the file or restore it from a backup (Fanout will not overwrite a state it cannot read)");

class StateReader
{
public:
    Diagnostics diagnostics;

    void error(const QString &path, const QString &message)
    {
        diagnostics.append(Diagnostic::error(path, message));
    }

    std::optional<QDateTime> time(const json &value, const QString &path)
    {
        if (!value.is_string()) {
            error(path, QStringLiteral("must be a time such as \"2024-05-01T12:00:00Z\", not %1").arg(jsonTypeName(value)));
            return std::nullopt;
        }
        QDateTime time = QDateTime::fromString(qstr(value.get<std::string>()), Qt::ISODateWithMs);
        if (!time.isValid()) {
            error(path, QStringLiteral("\"%1\" is not a time such as \"2024-05-01T12:00:00Z\"").arg(qstr(value.get<std::string>())));
            return std::nullopt;
        }
        return time.toUTC();
    }

    // An object of strings ("outputs", "destroy_values").
    QMap<QString, QString> strings(const json &value, const QString &path)
    {
        QMap<QString, QString> result;
        if (!value.is_object()) {
            error(path, QStringLiteral("must be an object of strings, not %1").arg(jsonTypeName(value)));
            return result;
        }
        for (const auto &[key, member] : value.items()) {
            if (member.is_string())
                result.insert(qstr(key), qstr(member.get<std::string>()));
            else
                error(jsonMemberPath(path, qstr(key)), QStringLiteral("must be a string, not %1").arg(jsonTypeName(member)));
        }
        return result;
    }

    DeploymentState::Entry entry(const json &value, const QString &path)
    {
        DeploymentState::Entry entry;
        if (!value.is_object()) {
            error(path, QStringLiteral("a resource's entry is an object with \"definition_hash\", not %1").arg(jsonTypeName(value)));
            return entry;
        }
        if (const auto it = value.find("definition_hash"); it == value.end())
            error(path, QStringLiteral("has no \"definition_hash\""));
        else if (!it->is_string())
            error(jsonMemberPath(path, QStringLiteral("definition_hash")), QStringLiteral("must be a string, not %1").arg(jsonTypeName(*it)));
        else
            entry.definitionHash = qstr(it->get<std::string>());
        if (const auto it = value.find("outputs"); it != value.end() && !it->is_null())
            entry.outputs = strings(*it, jsonMemberPath(path, QStringLiteral("outputs")));
        if (const auto it = value.find("created_at"); it != value.end() && !it->is_null()) // null: being created
            entry.createdAt = time(*it, jsonMemberPath(path, QStringLiteral("created_at"))).value_or(QDateTime());
        if (const auto it = value.find("destroy"); it != value.end() && !it->is_null()) {
            const QString destroyPath = jsonMemberPath(path, QStringLiteral("destroy"));
            const auto type = it->is_object() ? it->find("type") : it->end();
            if (!it->is_object())
                error(destroyPath, QStringLiteral("must be an action such as {\"type\": \"command\", ...} or null, not %1").arg(jsonTypeName(*it)));
            else if (type == it->end() || !type->is_string())
                error(destroyPath, QStringLiteral("the action has no \"type\" string"));
            else
                entry.destroy = *it;
        }
        if (const auto it = value.find("destroy_values"); it != value.end() && !it->is_null()) {
            entry.destroyValuesRecorded = true;
            entry.destroyValues = strings(*it, jsonMemberPath(path, QStringLiteral("destroy_values")));
        }
        if (const auto it = value.find("variables"); it != value.end() && !it->is_null())
            entry.variables = strings(*it, jsonMemberPath(path, QStringLiteral("variables")));
        if (const auto it = value.find("status"); it != value.end() && !it->is_null()) {
            const QString statusPath = jsonMemberPath(path, QStringLiteral("status"));
            if (*it == "creating")
                entry.status = DeploymentState::Entry::Status::Creating;
            else if (*it == "destroying")
                entry.status = DeploymentState::Entry::Status::Destroying;
            else if (*it != "created")
                error(statusPath, QStringLiteral("must be \"created\", \"creating\" or \"destroying\", not %1").arg(qstr(it->dump())));
        }
        if (const auto it = value.find("depends_on"); it != value.end() && !it->is_null()) {
            const QString dependsPath = jsonMemberPath(path, QStringLiteral("depends_on"));
            if (!it->is_array()) {
                error(dependsPath, QStringLiteral("must be a list of ids, not %1").arg(jsonTypeName(*it)));
            } else {
                for (std::size_t i = 0; i < it->size(); ++i) {
                    if ((*it)[i].is_string())
                        entry.dependsOn.append(qstr((*it)[i].get<std::string>()));
                    else
                        error(jsonIndexPath(dependsPath, qsizetype(i)), QStringLiteral("must be an id, not %1").arg(jsonTypeName((*it)[i])));
                }
            }
        }
        return entry;
    }
};

// A state file holds every output unmasked: one that others may read is worth a warning.
void warnIfShared(const QString &file, const QString &what, Diagnostics &diagnostics)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(file).constData(), &info) != 0 || (info.st_mode & 077) == 0)
        return;
    const int mode = int(info.st_mode & 07777);
    diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, QString(), 0, 0,
                                  QStringLiteral("%1 can be read by other users (mode %2), yet it holds every output unmasked, secrets "
                                                 "included; Fanout writes it back readable by you alone (0600) when it next saves it, or run "
                                                 "\"chmod 600 %3\"")
                                      .arg(what, QString::number(mode, 8).rightJustified(4, QLatin1Char('0')), file)});
}

} // namespace

QString DeploymentState::defaultPath(const QString &planFile)
{
    // Beside the plan, spelt the way the plan's path was, so that messages show what the user typed.
    const QString name = QFileInfo(planFile).completeBaseName() + QStringLiteral(".fanout-state.json");
    const qsizetype slash = planFile.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? name : planFile.left(slash + 1) + name;
}

QString DeploymentState::definitionHash(const Resource &resource)
{
    // nlohmann::json (unlike ordered_json) keeps object members sorted by key, so converting to it
    // makes the dump independent of the order the plan's author wrote the keys in.
    QStringList dependsOn = resource.dependsOn;
    dependsOn.sort();
    dependsOn.removeDuplicates();
    nlohmann::json dependencies = nlohmann::json::array();
    for (const QString &id : dependsOn)
        dependencies.push_back(utf8(id));
    const nlohmann::json canonical = {{"type", utf8(resource.type)},
                                      {"params", nlohmann::json(resource.params)},
                                      {"destroy", nlohmann::json(resource.destroy)},
                                      {"depends_on", dependencies}};
    const std::string dump = canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const QByteArray digest = QCryptographicHash::hash(QByteArray::fromStdString(dump), QCryptographicHash::Sha256);
    return QStringLiteral("sha256:") + QString::fromLatin1(digest.toHex());
}

QStringList DeploymentState::definitionHashes(const Plan &plan)
{
    QStringList hashes;
    hashes.reserve(plan.resources.size());
    for (const Resource &resource : plan.resources)
        hashes.append(definitionHash(resource));
    return hashes;
}

json DeploymentState::destroyAction(const Resource &resource)
{
    if (!resource.destroy.is_object())
        return json();
    if (resource.destroy.contains("type"))
        return resource.destroy;
    json action = {{"type", utf8(resource.type)}};
    for (const auto &[key, value] : resource.destroy.items())
        action[key] = value;
    return action;
}

DeploymentState::ReadResult DeploymentState::read(const QString &path)
{
    ReadResult result = readSnapshot(path);
    const QString journal = StateJournal::pathFor(path);
    if (!result.hasErrors() && QFileInfo::exists(journal)) {
        result.existed = true;
        result.journalBytes = QFileInfo(journal).size();
        StateJournal::replay(journal, result.state, result.diagnostics);
        if (result.hasErrors())
            result.state = DeploymentState();
    }
    if (result.existed) {
        warnIfShared(path, QStringLiteral("it"), result.diagnostics);
        warnIfShared(journal, QStringLiteral("its journal %1").arg(journal), result.diagnostics);
    }
    return result;
}

DeploymentState::ReadResult DeploymentState::readSnapshot(const QString &path)
{
    ReadResult result;
    QFile file(path);
    if (!file.exists())
        return result; // nothing has been created yet, or only the journal says so
    result.existed = true;
    if (QFileInfo(path).isDir()) {
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                             QStringLiteral("is a directory, not a state file; give a file name")});
        return result;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                             QStringLiteral("cannot read the state file: %1").arg(file.errorString())});
        return result;
    }
    if (file.size() > kMaxFileSize) {
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                             QStringLiteral("is %1 MiB, too large for a state file; is it the right file?").arg(file.size() / (1024 * 1024))});
        return result;
    }
    result = readText(file.readAll());
    result.existed = true;
    result.snapshotBytes = file.size();
    return result;
}

DeploymentState::ReadResult DeploymentState::readText(const QByteArray &text)
{
    ReadResult result;
    result.existed = true;
    JsonLocator locator(text.toStdString());
    if (const auto at = jsonNestedTooDeep(locator.text(), kMaxJsonDepth)) {
        const auto where = locator.locationOfOffset(*at);
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), where.line, where.column,
                                             QStringLiteral("nested more than %1 levels deep, which Fanout never writes%2").arg(kMaxJsonDepth).arg(kKeepOut)});
        return result;
    }
    json document;
    try {
        document = json::parse(locator.text());
    } catch (const json::exception &e) { // a syntax error, or a value nlohmann cannot hold (1e999)
        const StructuredText::JsonSyntaxError error = StructuredText::describeJsonError(locator, e);
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), error.line, error.column,
                                             QStringLiteral("the state file is not valid JSON: %1%2").arg(error.message, kKeepOut)});
        return result;
    }

    StateReader reader;
    if (!document.is_object()) {
        reader.error(QString(), QStringLiteral("not a Fanout state file: expected an object with \"fanout_state\": %1, found %2%3")
                                    .arg(kFormatVersion).arg(jsonTypeName(document), kKeepOut));
    } else {
        const auto version = document.find("fanout_state");
        if (version == document.end()) {
            reader.error(QString(), QStringLiteral("not a Fanout state file: it has no \"fanout_state\" version%1").arg(kKeepOut));
        } else if (!version->is_number_integer()) {
            reader.error(QStringLiteral("fanout_state"), QStringLiteral("must be the format version %1, not %2%3").arg(kFormatVersion).arg(jsonTypeName(*version), kKeepOut));
        } else if (version->get<qint64>() != kFormatVersion) {
            const qint64 v = version->get<qint64>();
            reader.error(QStringLiteral("fanout_state"),
                         v > kFormatVersion ? QStringLiteral("format %1 was written by a newer Fanout; this one reads format %2, so upgrade Fanout").arg(v).arg(kFormatVersion)
                                            : QStringLiteral("unknown format %1; this Fanout reads format %2%3").arg(v).arg(kFormatVersion).arg(kKeepOut));
        }
        if (const auto it = document.find("plan"); it != document.end()) {
            if (it->is_string())
                result.state.m_planName = qstr(it->get<std::string>());
            else
                reader.error(QStringLiteral("plan"), QStringLiteral("must be the plan's name, not %1").arg(jsonTypeName(*it)));
        }
        if (const auto it = document.find("updated_at"); it != document.end())
            result.state.m_updatedAt = reader.time(*it, QStringLiteral("updated_at")).value_or(QDateTime());
        const auto resources = document.find("resources");
        if (resources == document.end()) {
            reader.error(QString(), QStringLiteral("has no \"resources\"%1").arg(kKeepOut));
        } else if (!resources->is_object()) {
            reader.error(QStringLiteral("resources"), QStringLiteral("must be an object of resources by id, not %1").arg(jsonTypeName(*resources)));
        } else {
            for (const auto &[key, value] : resources->items()) {
                const QString id = qstr(key);
                result.state.m_entries.insert(id, reader.entry(value, jsonMemberPath(QStringLiteral("resources"), id)));
            }
        }
    }
    for (Diagnostic &d : reader.diagnostics) {
        if (d.path.isEmpty())
            continue;
        if (const auto where = locator.locate(d.path)) {
            d.line = where->line;
            d.column = where->column;
        }
    }
    result.diagnostics = reader.diagnostics;
    if (result.hasErrors())
        result.state = DeploymentState(); // half a state is worse than none: never use it
    return result;
}

DeploymentState::Entry DeploymentState::entryFromJson(const json &value, const QString &path, Diagnostics &problems)
{
    StateReader reader;
    Entry entry = reader.entry(value, path);
    problems.append(reader.diagnostics);
    return entry;
}

const DeploymentState::Entry *DeploymentState::find(const QString &id) const
{
    const auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? nullptr : &*it;
}

void DeploymentState::insert(const QString &id, const Entry &entry)
{
    m_entries.insert(id, entry);
}

bool DeploymentState::remove(const QString &id)
{
    return m_entries.remove(id) > 0;
}

void DeploymentState::recordDestroyAction(Entry &entry, const Resource &resource, const Plan &plan, const OutputsOf &outputsOf)
{
    entry.destroyValuesRecorded = true;
    entry.destroyValues.clear();
    entry.destroy = References::bind(destroyAction(resource), [&](const Reference &reference) -> std::optional<QString> {
        const QString key = reference.text.mid(2, reference.text.size() - 3); // "var.root"
        if (reference.kind == Reference::Kind::Variable) {
            const int v = plan.variableIndex(reference.name);
            if (v < 0 || plan.variables[v].secret)
                return std::nullopt;
            entry.destroyValues.insert(key, plan.variables[v].value);
            return plan.variables[v].value;
        }
        if (reference.kind == Reference::Kind::Output && outputsOf) {
            const QMap<QString, QString> known = outputsOf(reference.resource);
            if (const auto it = known.constFind(reference.name); it != known.cend()) {
                entry.destroyValues.insert(key, *it);
                return *it;
            }
        }
        return std::nullopt;
    });
}

void DeploymentState::recordCreated(const Resource &resource, const QMap<QString, QString> &outputs, const Plan &plan,
                                    const OutputsOf &outputsOf)
{
    Entry entry;
    entry.definitionHash = definitionHash(resource);
    entry.variables = variablesUsed(resource, plan);
    entry.outputs = outputs;
    entry.createdAt = QDateTime::currentDateTimeUtc();
    recordDestroyAction(entry, resource, plan, outputsOf);
    entry.dependsOn = resource.dependsOn;
    m_entries.insert(resource.id, entry);
}

DeploymentState::Entry DeploymentState::creating(const Resource &resource, const Plan &plan, const OutputsOf &outputsOf) const
{
    Entry entry;
    if (const Entry *recorded = find(resource.id)) {
        entry = *recorded; // what exists is torn down the way it was created, should Fanout stop now
    } else {
        // Should Fanout stop now, what may exist in part is torn down with the values of now.
        entry.definitionHash = definitionHash(resource);
        entry.variables = variablesUsed(resource, plan);
        recordDestroyAction(entry, resource, plan, outputsOf);
        entry.dependsOn = resource.dependsOn;
    }
    entry.status = Entry::Status::Creating;
    return entry;
}

QStringList DeploymentState::inFlight() const
{
    QStringList ids;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->isInFlight())
            ids.append(it.key());
    }
    return ids;
}

QMap<QString, QString> DeploymentState::variablesUsed(const Resource &resource, const Plan &plan)
{
    QMap<QString, QString> used;
    References::find(resource.params, QString(), [&](const QString &, const Reference *reference, const QString &) {
        if (!reference || reference->kind != Reference::Kind::Variable)
            return;
        const int v = plan.variableIndex(reference->name);
        if (v >= 0 && !plan.variables[v].secret)
            used.insert(reference->name, plan.variables[v].value);
    });
    return used;
}

QList<DeploymentState::VariableChange> DeploymentState::changedVariables(const Resource &resource, const Plan &plan) const
{
    QList<VariableChange> changes;
    const Entry *entry = find(resource.id);
    if (!entry || entry->variables.isEmpty())
        return changes;
    const QMap<QString, QString> now = variablesUsed(resource, plan);
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const auto was = entry->variables.constFind(it.key());
        if (was != entry->variables.cend() && *was != it.value())
            changes.append(VariableChange{it.key(), *was, it.value()});
    }
    return changes;
}

QList<DeploymentState::Change> DeploymentState::compare(const Plan &plan, const QStringList &definitions) const
{
    Q_ASSERT(definitions.isEmpty() || definitions.size() == plan.resources.size());
    const bool known = definitions.size() == plan.resources.size();
    QList<Change> changes;
    changes.reserve(plan.resources.size());
    for (qsizetype r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        const Entry *entry = find(resource.id);
        if (!entry)
            changes.append(Change::Create);
        else if (entry->isInFlight())
            changes.append(Change::Interrupted);
        else if (entry->definitionHash != (known ? definitions[r] : definitionHash(resource)))
            changes.append(Change::Replace);
        else
            changes.append(Change::UpToDate);
    }
    return changes;
}

namespace {

// Whether `id`, which `plan` does not have, names an instance of one of the plan's sets.
bool isRemovedInstance(const QString &id, const QSet<QString> &sets)
{
    const std::optional<InstanceAddress> address = InstanceAddress::parse(id);
    return address && !address->all && (!address->key.is_null() || !address->target.isEmpty()) && sets.contains(address->set);
}

} // namespace

QStringList DeploymentState::orphans(const Plan &plan) const
{
    const QSet<QString> sets(plan.sets.cbegin(), plan.sets.cend());
    QStringList ids;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (plan.indexOf(it.key()) < 0 && !plan.leftOut.contains(it.key()) && !isRemovedInstance(it.key(), sets))
            ids.append(it.key());
    }
    return ids;
}

QStringList DeploymentState::removedInstances(const Plan &plan) const
{
    QStringList ids;
    if (plan.sets.isEmpty())
        return ids;
    const QSet<QString> sets(plan.sets.cbegin(), plan.sets.cend());
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (plan.indexOf(it.key()) < 0 && !plan.leftOut.contains(it.key()) && isRemovedInstance(it.key(), sets))
            ids.append(it.key());
    }
    return ids;
}

namespace {

// An object of strings ("outputs", "destroy_values", "variables"), as JsonText::appendStrings writes it.
json stringsObject(const QMap<QString, QString> &strings)
{
    json object = json::object();
    for (auto it = strings.cbegin(); it != strings.cend(); ++it)
        object[utf8(it.key())] = utf8(it.value());
    return object;
}

} // namespace

json DeploymentState::entryToJson(const Entry &entry)
{
    // Members with nothing to say (no outputs, not created yet, no destroy action, no
    // dependencies) are left out: a run writes an entry twice per resource into the journal.
    json value = {{"definition_hash", utf8(entry.definitionHash)}};
    if (!entry.outputs.isEmpty())
        value["outputs"] = stringsObject(entry.outputs);
    if (entry.createdAt.isValid())
        value["created_at"] = utf8(entry.createdAt.toUTC().toString(Qt::ISODateWithMs));
    if (!entry.destroy.is_null())
        value["destroy"] = entry.destroy;
    if (!entry.dependsOn.isEmpty()) {
        json dependsOn = json::array();
        for (const QString &id : entry.dependsOn)
            dependsOn.push_back(utf8(id));
        value["depends_on"] = dependsOn;
    }
    if (entry.destroyValuesRecorded && !entry.destroy.is_null())
        value["destroy_values"] = stringsObject(entry.destroyValues);
    if (!entry.variables.isEmpty())
        value["variables"] = stringsObject(entry.variables);
    // Only when in flight, so that the entries of what exists read as they always have.
    if (entry.status == Entry::Status::Creating)
        value["status"] = "creating";
    else if (entry.status == Entry::Status::Destroying)
        value["status"] = "destroying";
    return value;
}

json DeploymentState::toJson() const
{
    json resources = json::object();
    // ordered_json looks each new key up among those before it; the ids come sorted and unique
    // from the map, so they are appended as they are (else saving is quadratic in the entries).
    auto &members = static_cast<std::vector<std::pair<const std::string, json>> &>(resources.get_ref<json::object_t &>());
    members.reserve(std::size_t(m_entries.size()));
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
        members.emplace_back(utf8(it.key()), entryToJson(it.value()));
    return {{"fanout_state", kFormatVersion},
            {"plan", utf8(m_planName)},
            {"updated_at", m_updatedAt.isValid() ? json(utf8(m_updatedAt.toUTC().toString(Qt::ISODateWithMs))) : json(nullptr)},
            {"resources", resources}};
}

void DeploymentState::appendEntryText(std::string &out, const Entry &entry, bool withStatus)
{
    // What entryToJson(entry).dump() writes, member for member, without building the value first
    // (tst_deploymentstate::entryTextIsTheEntrysJson).
    out += "{\"definition_hash\":";
    JsonText::appendString(out, entry.definitionHash);
    if (!entry.outputs.isEmpty()) {
        out += ",\"outputs\":";
        JsonText::appendStrings(out, entry.outputs);
    }
    if (entry.createdAt.isValid()) {
        out += ",\"created_at\":";
        JsonText::appendTime(out, entry.createdAt);
    }
    if (!entry.destroy.is_null()) {
        out += ",\"destroy\":";
        out += entry.destroy.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    if (!entry.dependsOn.isEmpty()) {
        out += ",\"depends_on\":[";
        const char *separator = "";
        for (const QString &id : entry.dependsOn) {
            out += separator;
            JsonText::appendString(out, id);
            separator = ",";
        }
        out += ']';
    }
    if (entry.destroyValuesRecorded && !entry.destroy.is_null()) {
        out += ",\"destroy_values\":";
        JsonText::appendStrings(out, entry.destroyValues);
    }
    if (!entry.variables.isEmpty()) {
        out += ",\"variables\":";
        JsonText::appendStrings(out, entry.variables);
    }
    if (withStatus && entry.status == Entry::Status::Creating)
        out += ",\"status\":\"creating\"";
    else if (withStatus && entry.status == Entry::Status::Destroying)
        out += ",\"status\":\"destroying\"";
    out += '}';
}

QByteArray DeploymentState::toText() const
{
    std::string text = "{\"fanout_state\": " + std::to_string(kFormatVersion) + ", \"plan\": ";
    JsonText::appendString(text, m_planName);
    text += ", \"updated_at\": ";
    JsonText::appendTime(text, m_updatedAt);
    text += ",\n \"resources\": {";
    const char *separator = "\n  ";
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        text += separator;
        JsonText::appendString(text, it.key());
        text += ": ";
        appendEntryText(text, it.value());
        separator = ",\n  ";
    }
    text += m_entries.isEmpty() ? "}}\n" : "\n }}\n";
    return QByteArray::fromStdString(text);
}

Expected<void> DeploymentState::save(const QString &path)
{
    StateJournal journal(path);
    return save(path, journal);
}

Expected<void> DeploymentState::save(const QString &path, StateJournal &journal)
{
    // Locked first: another Fanout running with this state would lose what its journal says.
    if (const Expected<void> opened = journal.open(); !opened)
        return opened;
    m_updatedAt = QDateTime::currentDateTimeUtc();
    const QByteArray data = toText();
    // A temporary file in the same directory, renamed over the old one; on any failure the old
    // state stays as it was. Only once the snapshot holds everything is the journal emptied (a
    // crash in between replays records the snapshot already has, which changes nothing).
    if (const Expected<void> written = AtomicFile::write(path, data, AtomicFile::Access::Private); !written)
        return written;
    return journal.clear();
}

QFuture<DeploymentState::Saved> DeploymentState::saveInBackground(const QString &path, StateJournal &journal)
{
    m_updatedAt = QDateTime::currentDateTimeUtc();
    // Implicitly shared: the copy costs nothing, and changes made meanwhile detach from it.
    DeploymentState copy = *this;
    const qint64 journalBytes = journal.size();
    return journal.inBackground([copy = std::move(copy), path, &journal, journalBytes] {
        Saved saved;
        QElapsedTimer clock;
        clock.start();
        const auto done = [&] {
            saved.elapsedNs = clock.nsecsElapsed();
            return saved;
        };
        const QByteArray data = copy.toText();
        if (const Expected<void> written = AtomicFile::write(path, data, AtomicFile::Access::Private); !written) {
            saved.error = written.error();
            return done();
        }
        saved.snapshotBytes = data.size();
        // What was appended meanwhile (a retry) is not in this snapshot: the journal keeps all of
        // it then, and replaying what the snapshot has already changes nothing.
        if (const Expected<bool> cleared = journal.clearIfSize(journalBytes); !cleared)
            saved.error = cleared.error();
        return done();
    });
}

} // namespace fanout
