#include "engine/import/terraformchangereader.h"

#include "engine/import/terraformaddress.h"
#include "engine/support/jsonlocator.h"

#include <QStringList>

#include <algorithm>
#include <iterator>
#include <utility>

namespace fanout::terraform {

namespace {

const QString kChanges = QStringLiteral("resource_changes");

const char *const kKnownActions[] = {"no-op", "create", "read", "update", "delete", "forget"};

} // namespace

ChangeReader::ChangeReader(Report &report, InstanceGraph &graph)
    : m_report(report)
    , m_graph(graph)
{
}

void ChangeReader::read(const json &change, std::size_t entry, const Where &where, QList<ImportedResource> &resources)
{
    if (!change.is_object()) {
        m_report.error(where.path(), QStringLiteral("an entry of resource_changes is an object with \"address\", \"type\" and \"change\", not %1").arg(show(change)));
        return;
    }
    const Fields f = fields(change, where);
    Actions actionList;
    if (f.actions)
        actionList = actions(*f.actions, where / "change" / "actions");
    if (!f.address || !f.type)
        return;

    ImportedResource r;
    const QString instance = toQString(*f.address);
    r.address = instance;
    if (f.deposed) {
        // A deposed object (left over from create_before_destroy) shares the current object's
        // address; Terraform's own output names it this way.
        r.address += QStringLiteral(" (deposed object %1)").arg(toQString(*f.deposed));
    }
    if (const int first = m_graph.indexOf(r.address); first >= 0) {
        m_report.error((where / "address").path(), QStringLiteral("\"%1\" is in resource_changes twice (also at %2); each address must be unique")
                                                       .arg(r.address, jsonIndexPath(kChanges, qsizetype(m_graph.entryOf(first)))));
        return;
    }
    r.type = toQString(*f.type);
    if (f.moduleAddress)
        r.group = toQString(*f.moduleAddress);

    const QString configAddress = withoutKeys(instance);
    QStringView resourcePart;
    const QStringList modules = enclosingModules(configAddress, &resourcePart);
    noteWhyNotRun(isDataSource(f, resourcePart, where), actionList.only, r);
    const bool deleteOnly = actionList.only == "delete";
    keepSource(f, actionList, r);

    m_graph.add(r.address, instance, configAddress, modules, entry, deleteOnly);
    resources.append(std::move(r));
}

ChangeReader::Fields ChangeReader::fields(const json &change, const Where &where)
{
    using Kind = Report::Kind;
    Fields f;
    f.address = m_report.required(change, "address", Kind::String, where, "a string such as \"aws_vpc.main\"");
    f.type = m_report.required(change, "type", Kind::String, where, "a string such as \"aws_vpc\"");
    f.mode = m_report.member(change, "mode", Kind::String, where, "\"managed\" or \"data\"");
    f.moduleAddress = m_report.member(change, "module_address", Kind::String, where);
    const json *detail = m_report.required(change, "change", Kind::Object, where, "an object with \"actions\"");
    f.actions = detail ? m_report.required(*detail, "actions", Kind::Array, where / "change", "a list such as [\"create\"]") : nullptr;
    f.reason = m_report.member(change, "action_reason", Kind::String, where);
    f.previous = m_report.member(change, "previous_address", Kind::String, where);
    f.provider = m_report.member(change, "provider_name", Kind::String, where);
    f.deposed = m_report.member(change, "deposed", Kind::String, where);
    if (const auto index = change.find("index"); index != change.end() && !index->is_null())
        f.index = &*index;
    return f;
}

// change.actions, at `where`: Terraform's actions, checked, and the only one when there is one.
ChangeReader::Actions ChangeReader::actions(const json &list, const Where &where)
{
    Actions result;
    for (std::size_t j = 0; j < list.size(); ++j) {
        const json &action = list[j];
        if (!action.is_string()) {
            m_report.error(where[j].path(), QStringLiteral("an action is a string such as \"create\", not %1").arg(show(action)));
            continue;
        }
        const std::string &name = action.get_ref<const std::string &>();
        if (std::none_of(std::begin(kKnownActions), std::end(kKnownActions), [&](const char *known) { return name == known; })) {
            QStringList known;
            for (const char *k : kKnownActions)
                known.append(QString::fromLatin1(k));
            m_report.warning(where[j].path(), QStringLiteral("unknown action \"%1\" (Fanout knows %2); the resource is imported as one that runs")
                                                  .arg(toQString(action), known.join(QStringLiteral(", "))));
        }
        result.only = list.size() == 1 ? name : std::string();
        result.list.push_back(ordered_json(name));
    }
    if (list.empty())
        m_report.warning(where.path(), QStringLiteral("no actions; the resource is imported as one that runs"));
    return result;
}

// A data source by its mode, or else by its address ("data.aws_ami.x").
bool ChangeReader::isDataSource(const Fields &fields, QStringView resourcePart, const Where &where)
{
    bool data = resourcePart.startsWith(QLatin1String("data."));
    if (fields.mode) {
        const std::string &m = fields.mode->get_ref<const std::string &>();
        data = m == "data";
        if (m != "managed" && m != "data")
            m_report.warning((where / "mode").path(), QStringLiteral("unknown mode \"%1\"; Fanout knows \"managed\" and \"data\"").arg(toQString(*fields.mode)));
    }
    return data;
}

// Data sources and changes that provision nothing are shown but not run.
void ChangeReader::noteWhyNotRun(bool data, const std::string &only, ImportedResource &r)
{
    if (data) {
        r.run = false;
        r.note = QStringLiteral("data source: Terraform reads it, nothing to provision");
    } else if (only == "no-op") {
        r.run = false;
        r.note = QStringLiteral("no change (no-op)");
    } else if (only == "read") {
        r.run = false;
        r.note = QStringLiteral("Terraform only reads it, nothing to provision");
    } else if (only == "forget") {
        r.run = false;
        r.note = QStringLiteral("Terraform forgets it (stops managing it without destroying it), nothing to provision");
    }
}

void ChangeReader::keepSource(const Fields &fields, Actions &actions, ImportedResource &r)
{
    if (fields.mode)
        r.source["mode"] = ordered_json(*fields.mode);
    if (fields.index)
        r.source["index"] = ordered_json(*fields.index);
    if (fields.actions)
        r.source["actions"] = std::move(actions.list);
    if (fields.reason)
        r.source["action_reason"] = ordered_json(*fields.reason);
    if (fields.previous)
        r.source["previous_address"] = ordered_json(*fields.previous);
    if (fields.provider)
        r.source["provider_name"] = ordered_json(*fields.provider);
    if (fields.deposed)
        r.source["deposed"] = ordered_json(*fields.deposed);
}

} // namespace fanout::terraform
