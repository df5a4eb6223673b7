#include "engine/state/destroyplan.h"

#include "engine/plan/executortype.h"
#include "engine/plan/plangraph.h"
#include "engine/state/deploymentstate.h"
#include "engine/support/jsonlocator.h"

#include <QHash>
#include <QSet>

namespace fanout {

namespace {

bool isAction(const nlohmann::ordered_json &action)
{
    if (!action.is_object())
        return false;
    const auto type = action.find("type");
    return type != action.end() && type->is_string();
}

// Who depended on whom when things were created: the state's record, which still knows
// resources since removed from the plan; the plan's for entries that recorded none, and for
// resources that do not exist (never created) but may stand between two that do.
QHash<QString, QStringList> creationDependencies(const Plan &plan, const DeploymentState &state)
{
    QHash<QString, QStringList> dependencies;
    for (const QString &id : state.ids()) {
        const DeploymentState::Entry *entry = state.find(id);
        const int p = plan.indexOf(id);
        dependencies.insert(id, entry->dependsOn.isEmpty() && p >= 0 ? plan.resources[p].dependsOn : entry->dependsOn);
    }
    for (const Resource &resource : plan.resources) {
        if (!dependencies.contains(resource.id))
            dependencies.insert(resource.id, resource.dependsOn);
    }
    return dependencies;
}

QHash<QString, QStringList> dependentsOf(const QHash<QString, QStringList> &dependencies)
{
    QHash<QString, QStringList> dependents;
    for (auto it = dependencies.cbegin(); it != dependencies.cend(); ++it) {
        for (const QString &dependency : it.value())
            dependents[dependency].append(it.key());
    }
    return dependents;
}

// How a resource is torn down: the action the state recorded, else the plan's.
nlohmann::ordered_json destroyActionOf(const QString &id, const Plan &plan, const DeploymentState &state)
{
    const DeploymentState::Entry *entry = state.find(id);
    if (entry && isAction(entry->destroy))
        return entry->destroy;
    const int p = plan.indexOf(id);
    return p >= 0 ? DeploymentState::destroyAction(plan.resources[p]) : nlohmann::ordered_json();
}

// What exists, in reverse plan order first (plan order breaks ties when the scheduler picks
// what to start), then what the plan no longer has, by id.
QStringList teardownOrder(const Plan &plan, const DeploymentState &state)
{
    QStringList order;
    for (qsizetype p = plan.resources.size() - 1; p >= 0; --p) {
        if (state.find(plan.resources[p].id))
            order.append(plan.resources[p].id);
    }
    for (const QString &id : state.ids()) {
        if (plan.indexOf(id) < 0)
            order.append(id);
    }
    return order;
}

// The resource that runs `action` to tear `id` down, with the plan's name, group, timeout and
// retry policy for it.
Resource teardownResource(const QString &id, const nlohmann::ordered_json &action, const Plan &plan)
{
    Resource resource;
    resource.id = id;
    if (const int p = plan.indexOf(id); p >= 0) {
        const Resource &original = plan.resources[p];
        resource.name = original.name;
        resource.group = original.group;
        resource.timeoutMs = original.timeoutMs;
        resource.retry = original.retry;
    }
    resource.type = QString::fromStdString(action.at("type").get<std::string>());
    resource.params = nlohmann::ordered_json::object();
    for (const auto &[key, value] : action.items()) {
        if (key != "type")
            resource.params[key] = value;
    }
    return resource;
}

// Every dependent of `id` that is torn down too, sorted. One that is not (no action, or never
// created) is looked through, so that a -> b -> c with nothing to run for b still tears down c
// before a.
QStringList destroyedDependents(const QString &id, const QHash<QString, QStringList> &dependents, const QSet<QString> &destroyed)
{
    QStringList result;
    QSet<QString> seen{id};
    QStringList pending = dependents.value(id);
    while (!pending.isEmpty()) {
        const QString next = pending.takeFirst();
        if (seen.contains(next))
            continue;
        seen.insert(next);
        if (destroyed.contains(next))
            result.append(next);
        else
            pending.append(dependents.value(next));
    }
    result.sort();
    return result;
}

} // namespace

DestroyPlan DestroyPlan::build(const Plan &plan, const DeploymentState &state)
{
    DestroyPlan result;
    Plan &teardown = result.plan;
    teardown.name = plan.name.isEmpty() ? state.planName() : plan.name;
    teardown.parallelism = plan.parallelism;
    teardown.failFast = plan.failFast;
    teardown.seed = plan.seed;
    teardown.groups = plan.groups;
    teardown.variables = plan.variables; // destroy actions may use ${var.NAME} too

    const QHash<QString, QStringList> dependents = dependentsOf(creationDependencies(plan, state));
    const QStringList order = teardownOrder(plan, state);
    QSet<QString> destroyed;
    for (const QString &id : order) {
        if (isAction(destroyActionOf(id, plan, state)))
            destroyed.insert(id);
        else
            result.forgotten.append(id);
    }

    for (const QString &id : order) {
        if (!destroyed.contains(id))
            continue;
        Resource resource = teardownResource(id, destroyActionOf(id, plan, state), plan);
        // Wait for every dependent that is torn down too.
        resource.dependsOn = destroyedDependents(id, dependents, destroyed);
        if (const DeploymentState::Entry *entry = state.find(id); entry && !entry->outputs.isEmpty())
            result.knownOutputs.insert(int(teardown.resources.size()), entry->outputs);
        teardown.resources.append(resource);
    }
    return result;
}

Diagnostics DestroyPlan::check(const ExecutorTypes &types) const
{
    Diagnostics problems;
    for (const Resource &resource : plan.resources) {
        const QString path = jsonMemberPath(jsonMemberPath(QStringLiteral("resources"), resource.id), QStringLiteral("destroy"));
        const ExecutorType *executor = types.findType(resource.type);
        if (!executor) {
            problems.append(Diagnostic{Diagnostic::Severity::Error, jsonMemberPath(path, QStringLiteral("type")), 0, 0,
                                       QStringLiteral("unknown type \"%1\"; this Fanout has: %2").arg(resource.type, types.types().join(QStringLiteral(", ")))});
            continue;
        }
        executor->validate(resource.params, path, problems);
    }
    // Only a hand-edited state file can go round in a circle; the scheduler must never see one.
    const PlanGraph graph(plan);
    for (const QList<int> &cycle : graph.cycles()) {
        QStringList ids;
        for (const int r : cycle)
            ids.append(plan.resources[r].id);
        problems.append(Diagnostic{Diagnostic::Severity::Error, jsonMemberPath(jsonMemberPath(QStringLiteral("resources"), ids.constFirst()), QStringLiteral("depends_on")), 0, 0,
                                   QStringLiteral("the recorded dependencies go round in a circle (%1), so none of these can be destroyed first; "
                                                  "remove one of them from the state file").arg(ids.join(QStringLiteral(" -> ")))});
    }
    return problems;
}

} // namespace fanout
