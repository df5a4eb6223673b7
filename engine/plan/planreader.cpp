#include "engine/plan/planreader.h"

#include "engine/plan/executormapping.h"
#include "engine/plan/executortype.h"
#include "engine/plan/fieldsection.h"
#include "engine/plan/instanceaddress.h"
#include "engine/plan/planexpansion.h"
#include "engine/plan/planfields.h"
#include "engine/plan/planvalidator.h"
#include "engine/plan/references.h"
#include "engine/support/closestmatch.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/structuredtext.h"
#include "engine/support/textdecoder.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <cctype>
#include <limits>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

constexpr int kMaxParallelism = 10'000;
constexpr int kMaxInstances = 10'000; // of one resource with "count"

const QStringList kPlanFields = {
    QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("parallelism"),
    QStringLiteral("fail_fast"), QStringLiteral("seed"), QStringLiteral("defaults"),
    QStringLiteral("groups"), QStringLiteral("variables"), QStringLiteral("resources"),
    QStringLiteral("mapping"), QStringLiteral("import"), QStringLiteral("layout"), QStringLiteral("targets"),
    QStringLiteral("rollout"), QStringLiteral("argo")};
const QStringList kArgoFields = {QStringLiteral("image"), QStringLiteral("service_account"), QStringLiteral("secret")};
const QStringList kLayoutFields = {QStringLiteral("positions"), QStringLiteral("direction")};
const QStringList kPositionFields = {QStringLiteral("x"), QStringLiteral("y")};
const QStringList kVariableFields = {QStringLiteral("value"), QStringLiteral("secret"), QStringLiteral("description")};
const QStringList kDefaultsFields = {QStringLiteral("timeout"), QStringLiteral("retry")};
const QStringList kGroupFields = {QStringLiteral("label"), QStringLiteral("limit")};

// A field every resource has, as FieldSection::commonSections() describes it: its rules are stated
// there once, for the reader and the Inspector alike.
const FieldDescription &commonField(const QString &path)
{
    for (const FieldSection &section : FieldSection::commonSections()) {
        for (const FieldDescription &field : section.fields) {
            if (field.path == path)
                return field;
        }
    }
    qFatal("no common field %s", qPrintable(path));
}

// An object without its "x-" notes: what a run is given.
json withoutAnnotations(const json &object)
{
    json result = json::object();
    for (const auto &[key, value] : object.items()) {
        if (!PlanFields::isAnnotation(key))
            result[key] = value;
    }
    return result;
}


// Reads the JSON document into a Plan, checking the type and range of every field it knows. What
// it reads wrongly it reports and leaves at its default, so that one pass finds every problem.
class Reader
{
public:
    explicit Reader(const ExecutorTypes &types)
        : m_types(types)
    {
    }

    Diagnostics diagnostics;
    QList<int> unreadableResources; // array elements that are not objects
    const ExecutorTypes &m_types; // also whose plan-wide settings "defaults" may hold
    ExecutorMapping m_mapping;

    Plan read(const json &document)
    {
        Plan plan;
        if (!document.is_object()) {
            error(QString(), QStringLiteral("a plan is a JSON object with \"name\" and \"resources\", not %1").arg(jsonTypeName(document)));
            return plan;
        }
        checkNames(document, QString(), kPlanFields, QStringLiteral("the plan"));
        if (const auto it = document.find("name"); it == document.end())
            error(QString(), QStringLiteral("the plan has no \"name\"; add one, such as \"name\": \"web\""));
        else
            plan.name = string(*it, QStringLiteral("name"));
        if (const auto it = document.find("description"); it != document.end())
            string(*it, QStringLiteral("description"));
        if (const auto it = document.find("parallelism"); it != document.end())
            plan.parallelism = integer(*it, QStringLiteral("parallelism"), 1, kMaxParallelism, plan.parallelism);
        if (const auto it = document.find("fail_fast"); it != document.end())
            plan.failFast = boolean(*it, QStringLiteral("fail_fast"), false);
        if (const auto it = document.find("seed"); it != document.end()) {
            if (it->is_number_unsigned())
                plan.seed = it->get<quint64>();
            else
                error(QStringLiteral("seed"), QStringLiteral("must be a whole number, 0 or more, not %1").arg(show(*it)));
        }

        Resource defaults;
        if (const auto it = document.find("defaults"); it != document.end()) {
            defaults = resourceDefaults(*it);
            plan.executorDefaults = executorDefaults(*it);
        }
        if (const auto it = document.find("groups"); it != document.end())
            plan.groups = groups(*it);

        if (const auto it = document.find("variables"); it != document.end())
            plan.variables = variables(*it);

        if (const auto it = document.find("mapping"); it != document.end()) {
            plan.mapping = *it;
            m_mapping = knownFieldsOnly(ExecutorMapping::fromJson(*it, diagnostics));
        }
        if (const auto it = document.find("argo"); it != document.end())
            plan.argo = argo(*it);
        if (const auto it = document.find("import"); it != document.end() && !it->is_object())
            error(QStringLiteral("import"), QStringLiteral("must be an object that says where the plan was imported from, such as {\"format\": \"terraform-plan\", \"file\": \"plan.json\"}, not %1").arg(jsonTypeName(*it)));

        const auto resources = document.find("resources");
        if (resources == document.end()) {
            error(QString(), QStringLiteral("the plan has no \"resources\"; add a list of resources, such as [{\"id\": \"vpc\", \"type\": \"sim\"}]"));
        } else if (!resources->is_array()) {
            error(QStringLiteral("resources"), QStringLiteral("must be a list of resources, not %1").arg(jsonTypeName(*resources)));
        } else {
            plan.resources.reserve(qsizetype(resources->size()));
            for (std::size_t i = 0; i < resources->size(); ++i)
                plan.resources.append(resource((*resources)[i], int(i), defaults));
        }
        PlanExpansion::readTargets(document, plan, diagnostics);
        if (const auto it = document.find("layout"); it != document.end()) {
            plan.positions = positions(*it, plan);
            plan.layoutDirection = direction(*it);
        }
        return plan;
    }

private:
    // "defaults": what resources that do not say otherwise have.
    Resource resourceDefaults(const json &value)
    {
        Resource defaults;
        if (!value.is_object()) {
            error(QStringLiteral("defaults"), QStringLiteral("must be an object with \"timeout\" and \"retry\", not %1").arg(jsonTypeName(value)));
            return defaults;
        }
        checkNames(value, QStringLiteral("defaults"), kDefaultsFields + m_types.types(), QStringLiteral("\"defaults\""));
        if (const auto t = value.find("timeout"); t != value.end())
            defaults.timeoutMs = duration(*t, QStringLiteral("defaults.timeout")).value_or(0);
        if (const auto r = value.find("retry"); r != value.end())
            defaults.retry = retry(*r, QStringLiteral("defaults.retry"), defaults.retry);
        return defaults;
    }

    // A rule's fields are given to every resource it maps: one it should not have is reported once,
    // at the rule, and given to none. (A rule with an unknown type is reported for its resources.)
    ExecutorMapping knownFieldsOnly(const ExecutorMapping &mapping)
    {
        QList<ExecutorMapping::Rule> rules = mapping.rules();
        for (ExecutorMapping::Rule &rule : rules) {
            const QString type = QString::fromStdString(rule.fields.value("type", std::string()));
            const ExecutorType *executor = m_types.findType(type);
            if (!executor)
                continue;
            const QStringList known = executor->parameterNames() + PlanFields::resourceFields();
            checkNames(rule.fields, rule.path, known, QStringLiteral("a resource of type %1").arg(type));
            json fields = json::object(); // the known ones: notes are for no resource either
            for (const auto &[key, value] : rule.fields.items()) {
                if (known.contains(QString::fromStdString(key)))
                    fields[key] = value;
            }
            rule.fields = std::move(fields);
        }
        return ExecutorMapping::withRules(rules);
    }

    // "defaults" members named after an executor type: its plan-wide settings, which it checks.
    json executorDefaults(const json &value)
    {
        json result = json::object();
        if (!value.is_object())
            return result;
        for (const auto &[key, member] : value.items()) {
            if (const ExecutorType *executor = m_types.findType(QString::fromStdString(key))) {
                executor->validateDefaults(member, jsonMemberPath(QStringLiteral("defaults"), executor->type()), diagnostics);
                result[key] = member;
            }
        }
        return result;
    }

    // "argo": {"image": "alpine:3.20", "service_account": "deployer", "secret": "deploy-secrets"}:
    // what an exported Argo Workflow runs commands in, as, and reads secrets from (docs/argo.md).
    json argo(const json &value)
    {
        if (!value.is_object()) {
            error(QStringLiteral("argo"), QStringLiteral("must be an object such as {\"image\": \"alpine:3.20\"}, not %1").arg(jsonTypeName(value)));
            return nullptr;
        }
        checkNames(value, QStringLiteral("argo"), kArgoFields, QStringLiteral("\"argo\""));
        for (const QString &field : kArgoFields) {
            if (const auto it = value.find(field.toStdString()); it != value.end()) {
                const QString path = jsonMemberPath(QStringLiteral("argo"), field);
                if (string(*it, path).trimmed().isEmpty() && it->is_string())
                    error(path, QStringLiteral("is empty; leave it out, or name the %1").arg(field == QLatin1String("image") ? QStringLiteral("container image, such as \"alpine:3.20\"") : field == QLatin1String("secret") ? QStringLiteral("Kubernetes Secret") : QStringLiteral("Kubernetes service account")));
            }
        }
        return value;
    }

    // "groups": {"rds-api": {"label": "RDS API", "limit": 2}}.
    QList<Group> groups(const json &value)
    {
        QList<Group> result;
        if (!value.is_object()) {
            error(QStringLiteral("groups"), QStringLiteral("must be an object of named groups, such as {\"rds-api\": {\"limit\": 2}}, not %1").arg(jsonTypeName(value)));
            return result;
        }
        for (const auto &[key, member] : value.items()) {
            Group group;
            group.name = QString::fromStdString(key);
            const QString path = jsonMemberPath(QStringLiteral("groups"), group.name);
            if (member.is_object()) {
                checkNames(member, path, kGroupFields, QStringLiteral("a group"));
                if (const auto l = member.find("label"); l != member.end())
                    group.label = string(*l, jsonMemberPath(path, QStringLiteral("label")));
                if (const auto l = member.find("limit"); l != member.end())
                    group.limit = integer(*l, jsonMemberPath(path, QStringLiteral("limit")), 0, kMaxParallelism, 0);
            } else {
                error(path, QStringLiteral("a group is an object such as {\"limit\": 2}, not %1").arg(jsonTypeName(member)));
            }
            result.append(group);
        }
        return result;
    }

    // "layout": {"direction": "left-to-right"}: which way the graph is drawn. Like the rest of the
    // layout it never changes a run: what this Fanout does not know is a warning, and automatic.
    QString direction(const json &layout)
    {
        if (!layout.is_object())
            return QString();
        const auto it = layout.find("direction");
        if (it == layout.end())
            return QString();
        const QString path = jsonMemberPath(QStringLiteral("layout"), QStringLiteral("direction"));
        const QStringList known = {QLatin1String(Plan::kTopToBottom), QLatin1String(Plan::kLeftToRight), QStringLiteral("auto")};
        const QString value = it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
        if (!known.contains(value)) {
            warning(path, QStringLiteral("must be \"auto\", \"top-to-bottom\" or \"left-to-right\", not %1; the graph is drawn "
                                         "the way that fits the window").arg(show(*it)));
            return QString();
        }
        return value == QLatin1String("auto") ? QString() : value;
    }

    // "layout": {"positions": {"vpc": {"x": 120, "y": 40}}}: where the user pinned nodes on the graph.
    QHash<QString, QPointF> positions(const json &value, const Plan &plan)
    {
        QHash<QString, QPointF> result;
        const QString layoutPath = QStringLiteral("layout");
        if (!value.is_object()) {
            error(layoutPath, QStringLiteral("must be an object such as {\"positions\": {\"vpc\": {\"x\": 120, \"y\": 40}}}, not %1").arg(jsonTypeName(value)));
            return result;
        }
        // The layout never changes a run, and a later Fanout may keep more of it: what this one
        // does not know is only a warning.
        PlanFields::check(value, layoutPath, kLayoutFields, QStringLiteral("\"layout\""), diagnostics, Diagnostic::Severity::Warning);
        const auto positions = value.find("positions");
        if (positions == value.end())
            return result;
        const QString positionsPath = jsonMemberPath(layoutPath, QStringLiteral("positions"));
        if (!positions->is_object()) {
            error(positionsPath, QStringLiteral("must be an object of node centres by resource id, such as {\"vpc\": {\"x\": 120, \"y\": 40}}, not %1").arg(jsonTypeName(*positions)));
            return result;
        }
        QSet<QString> ids;
        for (const Resource &r : plan.resources)
            ids.insert(r.id);
        for (const auto &[key, entry] : positions->items()) {
            const QString id = QString::fromStdString(key);
            const QString path = jsonMemberPath(positionsPath, id);
            if (!entry.is_object()) {
                error(path, QStringLiteral("a position is an object such as {\"x\": 120, \"y\": 40}, not %1").arg(show(entry)));
                continue;
            }
            PlanFields::check(entry, path, kPositionFields, QStringLiteral("a position"), diagnostics, Diagnostic::Severity::Warning);
            bool ok = true;
            double coordinates[2] = {0, 0};
            for (int c = 0; c < 2; ++c) {
                const char *name = c == 0 ? "x" : "y";
                const auto member = entry.find(name);
                if (member == entry.end()) {
                    error(path, QStringLiteral("the position has no \"%1\"; a position is an object such as {\"x\": 120, \"y\": 40}").arg(QLatin1String(name)));
                    ok = false;
                } else if (!member->is_number()) {
                    error(jsonMemberPath(path, QLatin1String(name)), QStringLiteral("must be a number, not %1").arg(show(*member)));
                    ok = false;
                } else {
                    coordinates[c] = member->get<double>();
                }
            }
            if (!ok)
                continue;
            // An instance (web[0], net@eu-west-1) is placed by hand as any resource is: its set
            // is what the plan has as written.
            const std::optional<InstanceAddress> instance = InstanceAddress::parse(id);
            if (!ids.contains(id) && !(instance && !instance->all && ids.contains(instance->set))) {
                warning(path, QStringLiteral("the plan has no resource %1%2; its position is ignored")
                                  .arg(id, didYouMean(instance ? instance->set : id, QStringList(ids.cbegin(), ids.cend()))));
                continue;
            }
            result.insert(id, QPointF(coordinates[0], coordinates[1]));
        }
        return result;
    }

    // "variables": {"api": "http://localhost:8080", "token": {"value": "...", "secret": true}}
    QList<Variable> variables(const json &value)
    {
        QList<Variable> result;
        if (!value.is_object()) {
            error(QStringLiteral("variables"), QStringLiteral("must be an object of named values, such as {\"api\": \"http://localhost:8080\"}, not %1").arg(jsonTypeName(value)));
            return result;
        }
        for (const auto &[key, member] : value.items()) {
            Variable variable;
            variable.name = QString::fromStdString(key);
            const QString path = jsonMemberPath(QStringLiteral("variables"), variable.name);
            const json *text = &member;
            if (member.is_object()) {
                checkNames(member, path, kVariableFields, QStringLiteral("a variable"));
                if (const auto s = member.find("secret"); s != member.end())
                    variable.secret = boolean(*s, jsonMemberPath(path, QStringLiteral("secret")), false);
                if (const auto d = member.find("description"); d != member.end())
                    string(*d, jsonMemberPath(path, QStringLiteral("description")));
                const auto v = member.find("value");
                text = v == member.end() ? nullptr : &*v;
                if (!text)
                    variable.value.clear(); // no default: `fanout run --var` must give it
            }
            if (text) {
                if (text->is_string())
                    variable.value = QString::fromStdString(text->get<std::string>());
                else if (text->is_number() || text->is_boolean())
                    variable.value = QString::fromStdString(text->dump());
                else
                    error(member.is_object() ? jsonMemberPath(path, QStringLiteral("value")) : path,
                          QStringLiteral("a variable's value is a string, number or true/false, not %1").arg(jsonTypeName(*text)));
            }
            result.append(variable);
        }
        return result;
    }

    Resource resource(const json &value, int index, const Resource &defaults)
    {
        const QString path = jsonIndexPath(QStringLiteral("resources"), index);
        Resource r;
        r.timeoutMs = defaults.timeoutMs;
        r.retry = defaults.retry;
        if (!value.is_object()) {
            error(path, QStringLiteral("a resource is an object such as {\"id\": \"vpc\", \"type\": \"sim\"}, not %1").arg(jsonTypeName(value)));
            unreadableResources.append(index);
            return r;
        }
        for (const auto &[key, member] : value.items())
            readField(r, key, member, path);
        // An imported resource without a type of its own runs as the plan's mapping says.
        if (r.type.isEmpty() && r.source.is_object() && value.find("type") == value.end()) {
            const auto sourceType = r.source.find("type");
            const auto address = r.source.find("address");
            if (sourceType != r.source.end() && sourceType->is_string()) {
                const QString type = QString::fromStdString(sourceType->get<std::string>());
                const QString at = address != r.source.end() && address->is_string() ? QString::fromStdString(address->get<std::string>()) : r.id;
                const ExecutorMapping::Rule &rule = m_mapping.ruleFor(type, at);
                r.mappedBy = rule.builtIn ? QStringLiteral("built-in mapping (%1)").arg(rule.match) : rule.path;
                const json fields = ExecutorMapping::fieldsFor(rule, r.id, r.source, r.name, r.group);
                for (const auto &[key, member] : fields.items()) {
                    if (value.find(key) == value.end())
                        readField(r, key, member, rule.builtIn ? path : rule.path);
                }
            }
        }
        return r;
    }

    // One field of a resource entry; `path` is where it is written (the resource, or a mapping rule).
    void readField(Resource &r, const std::string &key, const json &member, const QString &path)
    {
        auto field = [&](const char *name) { return jsonMemberPath(path, QString::fromLatin1(name)); };
        auto lazy = [&](const char *name) { return [&path, name] { return jsonMemberPath(path, QString::fromLatin1(name)); }; };
        if (PlanFields::isAnnotation(key)) {
            return; // the user's own note: kept in the document, never seen by a run
        } else if (key == "id") {
            r.id = stringAt(member, lazy("id"));
        } else if (key == "name") {
            r.name = stringAt(member, lazy("name"));
        } else if (key == "type") {
            r.type = stringAt(member, lazy("type"));
        } else if (key == "group") {
            r.group = stringAt(member, lazy("group"));
        } else if (key == "depends_on") {
            if (!member.is_array()) {
                error(field("depends_on"), QStringLiteral("must be a list of resource ids, such as [\"vpc\"], not %1").arg(show(member)));
                return;
            }
            r.dependsOn.reserve(qsizetype(member.size()));
            for (std::size_t j = 0; j < member.size(); ++j)
                r.dependsOn.append(stringAt(member[j], [&] { return jsonIndexPath(field("depends_on"), qsizetype(j)); }));
        } else if (key == "timeout") {
            r.timeoutMs = duration(member, field("timeout")).value_or(r.timeoutMs);
        } else if (key == "retry") {
            r.retry = retry(member, field("retry"), r.retry);
        } else if (key == "estimate") {
            r.estimateMs = duration(member, field("estimate"));
        } else if (key == "destroy") {
            if (member.is_object())
                r.destroy = withoutAnnotations(member); // PlanValidator checks it like a resource of its type
            else
                error(field("destroy"), QStringLiteral("must be an object such as {\"type\": \"command\", \"command\": [\"rm\", \"-r\", \"data\"]}, not %1").arg(jsonTypeName(member)));
        } else if (key == "source") {
            if (member.is_object())
                r.source = member;
            else
                error(field("source"), QStringLiteral("must be an object that says where the resource was imported from, such as {\"type\": \"aws_vpc\", \"address\": \"aws_vpc.main\"}, not %1").arg(jsonTypeName(member)));
        } else if (key == "run") {
            r.run = boolean(member, field("run"), true);
        } else if (key == "note") {
            r.note = stringAt(member, lazy("note"));
        } else if (key == "count") {
            if (member.is_number_integer() && member.get<qint64>() >= 0 && member.get<qint64>() <= kMaxInstances)
                r.count = member.get<int>();
            else
                error(field("count"), QStringLiteral("must be a whole number of instances from 0 to %1, not %2").arg(kMaxInstances).arg(show(member)));
        } else if (key == "for_each") {
            r.forEach = member; // PlanExpansion checks it
        } else if (key == "per_target") {
            r.perTarget = boolean(member, field("per_target"), false);
        } else {
            r.params[key] = member; // the executor's own; PlanValidator checks them
        }
    }

    RetryPolicy retry(const json &value, const QString &path, RetryPolicy policy)
    {
        if (!value.is_object()) {
            error(path, QStringLiteral("must be an object such as {\"max_attempts\": 3, \"backoff\": {\"initial\": \"1s\", \"max\": \"30s\"}, \"jitter\": 0.2}, not %1").arg(jsonTypeName(value)));
            return policy;
        }
        checkNames(value, path, PlanFields::retryFields(), QStringLiteral("a retry policy"));
        if (const auto it = value.find("max_attempts"); it != value.end()) {
            const FieldDescription &attempts = commonField(QStringLiteral("retry.max_attempts"));
            policy.maxAttempts = integer(*it, jsonMemberPath(path, QStringLiteral("max_attempts")), int(*attempts.minimum), int(*attempts.maximum),
                                         policy.maxAttempts);
        }
        if (const auto it = value.find("jitter"); it != value.end()) {
            const FieldDescription &jitter = commonField(QStringLiteral("retry.jitter"));
            if (jitter.acceptsNumber(*it))
                policy.jitter = it->get<double>();
            else
                error(jsonMemberPath(path, QStringLiteral("jitter")), QStringLiteral("must be a fraction from %1 to %2 (0.2 varies each delay by up to 20%), not %3")
                                                                          .arg(*jitter.minimum).arg(*jitter.maximum).arg(show(*it)));
        }
        if (const auto it = value.find("backoff"); it != value.end()) {
            const QString backoffPath = jsonMemberPath(path, QStringLiteral("backoff"));
            if (it->is_object()) {
                checkNames(*it, backoffPath, PlanFields::backoffFields(), QStringLiteral("a backoff"));
                if (const auto b = it->find("initial"); b != it->end())
                    policy.initialBackoffMs = duration(*b, jsonMemberPath(backoffPath, QStringLiteral("initial"))).value_or(policy.initialBackoffMs);
                if (const auto b = it->find("max"); b != it->end())
                    policy.maxBackoffMs = duration(*b, jsonMemberPath(backoffPath, QStringLiteral("max"))).value_or(policy.maxBackoffMs);
                if (const auto b = it->find("multiplier"); b != it->end()) {
                    const FieldDescription &multiplier = commonField(QStringLiteral("retry.backoff.multiplier"));
                    if (multiplier.acceptsNumber(*b))
                        policy.multiplier = b->get<double>();
                    else
                        error(jsonMemberPath(backoffPath, QStringLiteral("multiplier")),
                              QStringLiteral("must be a number from %1 to %2, not %3").arg(*multiplier.minimum).arg(*multiplier.maximum).arg(show(*b)));
                }
                if (policy.initialBackoffMs > policy.maxBackoffMs)
                    warning(backoffPath, QStringLiteral("\"initial\" (%1) is longer than \"max\" (%2), so every delay is %2").arg(formatDuration(policy.initialBackoffMs), formatDuration(policy.maxBackoffMs)));
            } else {
                error(backoffPath, QStringLiteral("must be an object such as {\"initial\": \"1s\", \"max\": \"30s\"}, not %1").arg(jsonTypeName(*it)));
            }
        }
        return policy;
    }

    QString string(const json &value, const QString &path)
    {
        if (value.is_string())
            return QString::fromStdString(value.get_ref<const std::string &>());
        error(path, QStringLiteral("must be a string, not %1").arg(show(value)));
        return QString();
    }

    // The same, building the path only for a message: a plan of 10,000 resources has tens of
    // thousands of strings, nearly all of them fine.
    template <typename PathOf>
    QString stringAt(const json &value, PathOf pathOf)
    {
        if (value.is_string())
            return QString::fromStdString(value.get_ref<const std::string &>());
        return string(value, pathOf());
    }

    int integer(const json &value, const QString &path, int min, int max, int fallback)
    {
        if (value.is_number_integer()) {
            const auto number = value.get<qint64>();
            if (number >= min && number <= max)
                return int(number);
        }
        error(path, QStringLiteral("must be a whole number from %1 to %2, not %3").arg(min).arg(max).arg(show(value)));
        return fallback;
    }

    bool boolean(const json &value, const QString &path, bool fallback)
    {
        if (value.is_boolean())
            return value.get<bool>();
        error(path, QStringLiteral("must be true or false, not %1").arg(show(value)));
        return fallback;
    }

    std::optional<qint64> duration(const json &value, const QString &path)
    {
        const Expected<qint64> ms = parseDuration(value);
        if (!ms) {
            error(path, ms.error());
            return std::nullopt;
        }
        return *ms;
    }

    // A misspelt field would be ignored, and the run go ahead without it: an error ("x-" notes aside).
    void checkNames(const json &object, const QString &path, const QStringList &known, const QString &what)
    {
        PlanFields::check(object, path, known, what, diagnostics);
    }

    // A short rendering of a JSON value for messages: "3", "\"abc\"", "an object".
    static QString show(const json &value)
    {
        if (value.is_object())
            return QStringLiteral("an object");
        if (value.is_array())
            return QStringLiteral("a list");
        QString text = QString::fromStdString(value.dump());
        if (text.size() > 40)
            text = text.left(37) + QStringLiteral("...");
        return text;
    }

    void error(const QString &path, const QString &message)
    {
        diagnostics.append(Diagnostic::error(path, message));
    }
    void warning(const QString &path, const QString &message)
    {
        diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, path, 0, 0, message});
    }
};

PlanReadResult finish(Reader &reader, Plan plan, const ExecutorTypes &types)
{
    // Sets become their instances before anything looks at ids and dependencies.
    const QList<int> written = PlanExpansion::expand(plan, reader.diagnostics);
    const bool expanded = !plan.targets.isEmpty()
                          || std::any_of(plan.resources.cbegin(), plan.resources.cend(), [](const Resource &r) { return r.isInstance(); });
    // A resource that uses another's output waits for it, whether or not depends_on says so.
    References::addImpliedDependencies(plan);
    PlanReadResult result;
    result.diagnostics = reader.diagnostics;
    // Entries that are not objects were reported once already; checking their (empty) id and type
    // again would only repeat it.
    QSet<QString> seen; // five instances with one mistake are one mistake in the file
    for (Diagnostic &d : PlanValidator::validate(plan, types)) {
        if (expanded) {
            d.path = PlanExpansion::writtenPath(d.path, written);
            if (const QString key = d.path + d.message; seen.contains(key))
                continue;
            else
                seen.insert(key);
        }
        const bool aboutUnreadable = std::any_of(reader.unreadableResources.cbegin(), reader.unreadableResources.cend(), [&](int i) {
            const QString prefix = jsonIndexPath(QStringLiteral("resources"), i);
            return d.path == prefix || d.path.startsWith(prefix + QLatin1Char('.')) || d.path.startsWith(prefix + QLatin1Char('['));
        });
        // A value the reader could not read was left at its default; what the validator says of
        // that default is not news.
        const bool alreadyReported = std::any_of(reader.diagnostics.cbegin(), reader.diagnostics.cend(), [&](const Diagnostic &r) {
            return r.isError() && r.path == d.path;
        });
        if (!aboutUnreadable && !alreadyReported)
            result.diagnostics.append(d);
    }
    result.plan = std::move(plan);
    return result;
}

} // namespace

PlanReadResult PlanReader::readJson(const nlohmann::ordered_json &document, const ExecutorTypes &types)
{
    Reader reader(types);
    Plan plan = reader.read(document);
    return finish(reader, std::move(plan), types);
}

PlanReadResult PlanReader::readText(const QByteArray &bytes, const QString &fileName, const ExecutorTypes &types)
{
    return readParsed(StructuredText::parseJson(TextDecoder::toUtf8(bytes), StructuredText::Duplicates::Error), fileName, types);
}

PlanReadResult PlanReader::readParsed(const StructuredText &text, const QString &fileName, const ExecutorTypes &types)
{
    PlanReadResult result;
    if (!text.ok()) {
        result.diagnostics = text.diagnostics();
        result.file = fileName;
        return result;
    }
    result = readJson(text.document(), types);
    result.file = fileName;
    text.place(result.diagnostics);
    result.diagnostics.append(text.diagnostics()); // a member written twice
    // In the order a person reads the file.
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return result;
}

std::optional<QString> PlanReader::loadFile(const QString &path, QByteArray *bytes)
{
    QFile file(path);
    if (QFileInfo(path).isDir())
        return QStringLiteral("is a directory; give the path of a plan file");
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot open the plan: %1").arg(file.errorString());
    if (file.size() > kMaxFileSize)
        return QStringLiteral("the file is %1 MiB; plans larger than %2 MiB are not read").arg(file.size() >> 20).arg(kMaxFileSize >> 20);
    *bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return QStringLiteral("cannot read the plan: %1").arg(file.errorString());
    return std::nullopt;
}

PlanReadResult PlanReader::readFile(const QString &path, const ExecutorTypes &types)
{
    QByteArray bytes;
    if (const auto problem = loadFile(path, &bytes)) {
        PlanReadResult result;
        result.file = path;
        result.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0, *problem});
        return result;
    }
    return readText(bytes, path, types);
}

} // namespace fanout
