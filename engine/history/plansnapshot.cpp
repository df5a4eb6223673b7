#include "engine/history/plansnapshot.h"

#include "engine/plan/references.h"
#include "engine/support/jsontext.h"

#include <algorithm>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;


QString string(const json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

template <typename T>
T value(const json &object, const char *key, T otherwise)
{
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return otherwise;
    try {
        return it->get<T>();
    } catch (const json::exception &) {
        return otherwise;
    }
}

json member(const json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() ? *it : json();
}

// Every string in `value` with the secrets masked, as the journal masks them.
json masked(const json &value, const QStringList &secrets)
{
    if (secrets.isEmpty())
        return value;
    if (value.is_string())
        return utf8(References::mask(QString::fromStdString(value.get<std::string>()), secrets));
    if (value.is_array()) {
        json result = json::array();
        for (const json &item : value)
            result.push_back(masked(item, secrets));
        return result;
    }
    if (value.is_object()) {
        json result = json::object();
        for (auto it = value.begin(); it != value.end(); ++it)
            result[utf8(References::mask(QString::fromStdString(it.key()), secrets))] = masked(it.value(), secrets);
        return result;
    }
    return value;
}

json retryJson(const RetryPolicy &retry)
{
    return {{"max_attempts", retry.maxAttempts}, {"initial_backoff_ms", retry.initialBackoffMs}, {"max_backoff_ms", retry.maxBackoffMs},
            {"multiplier", retry.multiplier}, {"jitter", retry.jitter}};
}

RetryPolicy retryOf(const json &object)
{
    RetryPolicy retry;
    if (!object.is_object())
        return retry;
    retry.maxAttempts = value(object, "max_attempts", retry.maxAttempts);
    retry.initialBackoffMs = value(object, "initial_backoff_ms", retry.initialBackoffMs);
    retry.maxBackoffMs = value(object, "max_backoff_ms", retry.maxBackoffMs);
    retry.multiplier = value(object, "multiplier", retry.multiplier);
    retry.jitter = value(object, "jitter", retry.jitter);
    return retry;
}

json resourceJson(const Resource &resource, const QStringList &secrets)
{
    json dependsOn = json::array();
    for (const QString &id : resource.dependsOn)
        dependsOn.push_back(utf8(id));
    json entry = {{"id", utf8(resource.id)}, {"name", utf8(resource.name)}, {"type", utf8(resource.type)},
                  {"group", utf8(resource.group)}, {"depends_on", dependsOn}, {"timeout_ms", resource.timeoutMs},
                  {"retry", retryJson(resource.retry)},
                  {"estimate_ms", resource.estimateMs ? json(*resource.estimateMs) : json(nullptr)},
                  {"params", masked(resource.params, secrets)}, {"destroy", masked(resource.destroy, secrets)},
                  {"source", masked(resource.source, secrets)}, {"mapped_by", utf8(resource.mappedBy)}, {"run", resource.run},
                  {"note", utf8(resource.note)}};
    return entry;
}

Resource resourceOf(const json &entry)
{
    Resource resource;
    resource.id = string(entry, "id");
    resource.name = string(entry, "name");
    resource.type = string(entry, "type");
    resource.group = string(entry, "group");
    for (const json &id : member(entry, "depends_on")) {
        if (id.is_string())
            resource.dependsOn.append(QString::fromStdString(id.get<std::string>()));
    }
    resource.timeoutMs = value<qint64>(entry, "timeout_ms", 0);
    resource.retry = retryOf(member(entry, "retry"));
    if (const json estimate = member(entry, "estimate_ms"); estimate.is_number())
        resource.estimateMs = estimate.get<qint64>();
    if (const json params = member(entry, "params"); params.is_object())
        resource.params = params;
    resource.destroy = member(entry, "destroy");
    resource.source = member(entry, "source");
    resource.mappedBy = string(entry, "mapped_by");
    resource.run = value(entry, "run", true);
    resource.note = string(entry, "note");
    return resource;
}

} // namespace

json PlanSnapshot::toJson(const Plan &plan)
{
    QStringList secrets;
    json variables = json::array();
    for (const Variable &variable : plan.variables) {
        if (variable.secret && !variable.value.isEmpty())
            secrets.append(variable.value);
        variables.push_back({{"name", utf8(variable.name)}, {"value", variable.secret ? "****" : utf8(variable.value)}, {"secret", variable.secret}});
    }
    // Longest first, so that a secret containing another is masked whole (as the scheduler does).
    std::sort(secrets.begin(), secrets.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    json groups = json::array();
    for (const Group &group : plan.groups)
        groups.push_back({{"name", utf8(group.name)}, {"label", utf8(group.label)}, {"limit", group.limit}});
    json resources = json::array();
    for (const Resource &resource : plan.resources)
        resources.push_back(resourceJson(resource, secrets));
    json positions = json::object();
    for (auto it = plan.positions.cbegin(); it != plan.positions.cend(); ++it)
        positions[utf8(it.key())] = {{"x", it.value().x()}, {"y", it.value().y()}};
    return {{"name", utf8(plan.name)},
            {"parallelism", plan.parallelism},
            {"fail_fast", plan.failFast},
            {"seed", plan.seed ? json(*plan.seed) : json(nullptr)},
            {"groups", groups},
            {"variables", variables},
            {"defaults", masked(plan.executorDefaults, secrets)},
            {"mapping", masked(plan.mapping, secrets)},
            {"positions", positions},
            {"direction", utf8(plan.layoutDirection)},
            {"resources", resources}};
}

Plan PlanSnapshot::fromJson(const json &snapshot)
{
    Plan plan;
    if (!snapshot.is_object())
        return plan;
    plan.name = string(snapshot, "name");
    plan.parallelism = value(snapshot, "parallelism", plan.parallelism);
    plan.failFast = value(snapshot, "fail_fast", false);
    if (const json seed = member(snapshot, "seed"); seed.is_number_unsigned())
        plan.seed = seed.get<quint64>();
    for (const json &group : member(snapshot, "groups")) {
        if (group.is_object())
            plan.groups.append(Group{string(group, "name"), string(group, "label"), value(group, "limit", 0)});
    }
    for (const json &variable : member(snapshot, "variables")) {
        if (variable.is_object())
            plan.variables.append(Variable{string(variable, "name"), string(variable, "value"), value(variable, "secret", false)});
    }
    if (const json defaults = member(snapshot, "defaults"); defaults.is_object())
        plan.executorDefaults = defaults;
    plan.mapping = member(snapshot, "mapping");
    if (const json positions = member(snapshot, "positions"); positions.is_object()) {
        for (auto it = positions.begin(); it != positions.end(); ++it) {
            if (it->is_object())
                plan.positions.insert(QString::fromStdString(it.key()), QPointF(value(*it, "x", 0.0), value(*it, "y", 0.0)));
        }
    }
    plan.layoutDirection = string(snapshot, "direction");
    for (const json &entry : member(snapshot, "resources")) {
        if (entry.is_object())
            plan.resources.append(resourceOf(entry));
    }
    return plan;
}

} // namespace fanout
