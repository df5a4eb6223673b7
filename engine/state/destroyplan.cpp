#include "engine/state/destroyplan.h"

#include "engine/plan/executortype.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/references.h"
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

QString statePath(const QString &id)
{
    return jsonMemberPath(jsonMemberPath(QStringLiteral("resources"), id), QStringLiteral("destroy"));
}

// References of a destroy action that an older Fanout recorded without their values: variables
// that are not secret today, and other resources' outputs.
QStringList unrecordedReferences(const nlohmann::ordered_json &action, const Plan &plan)
{
    QStringList references;
    References::find(action, QString(), [&](const QString &, const Reference *reference, const QString &) {
        if (!reference || references.contains(reference->text))
            return;
        const int v = reference->kind == Reference::Kind::Variable ? plan.variableIndex(reference->name) : -1;
        if (reference->kind == Reference::Kind::Output || (reference->kind == Reference::Kind::Variable && (v < 0 || !plan.variables[v].secret)))
            references.append(reference->text);
    });
    return references;
}

// "root": the value creation recorded differs from today's.
void noteChangedValues(DestroyPlan &result, const Plan &plan, const DeploymentState &state, const QStringList &ids)
{
    QMap<QString, QStringList> users; // "var.root" -> ids
    for (const QString &id : ids) {
        const DeploymentState::Entry *entry = state.find(id);
        for (auto it = entry->destroyValues.cbegin(); it != entry->destroyValues.cend(); ++it) {
            if (!it.key().startsWith(QLatin1String("var.")))
                continue;
            const int v = plan.variableIndex(it.key().mid(4));
            if (v >= 0 && plan.variables[v].value != it.value())
                users[it.key()].append(id);
        }
    }
    for (auto it = users.cbegin(); it != users.cend(); ++it) {
        const QString name = it.key().mid(4);
        const QString recorded = state.find(it.value().constFirst())->destroyValues.value(it.key());
        const Variable &today = plan.variables[plan.variableIndex(name)];
        result.notes.append(QStringLiteral("%1 is torn down with %2 = \"%3\", the value it was created with (today's value, \"%4\", is not used)")
                                .arg(it.value().join(QStringLiteral(", ")), name, recorded, today.value));
    }
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
    teardown.executorDefaults = plan.executorDefaults; // defaults.http holds for destroy actions too

    const QHash<QString, QStringList> dependents = dependentsOf(creationDependencies(plan, state));
    const QStringList order = teardownOrder(plan, state);
    QSet<QString> destroyed;
    for (const QString &id : order) {
        if (isAction(destroyActionOf(id, plan, state)))
            destroyed.insert(id);
        else
            result.forgotten.append(id);
    }

    QStringList recorded;
    for (const QString &id : order) {
        if (!destroyed.contains(id))
            continue;
        const DeploymentState::Entry *entry = state.find(id);
        const nlohmann::ordered_json action = destroyActionOf(id, plan, state);
        if (entry && !isAction(entry->destroy)) {
            result.notes.append(QStringLiteral("%1 recorded no destroy action when it was created: the plan's runs, with today's values").arg(id));
        } else if (entry && !entry->destroyValuesRecorded) {
            if (const QStringList unrecorded = unrecordedReferences(action, plan); !unrecorded.isEmpty()) {
                result.unrecordedValues.append(Diagnostic{Diagnostic::Severity::Error, statePath(id), 0, 0,
                    QStringLiteral("uses %1, but an older Fanout recorded it without the values it was created with, and today's may differ; "
                                   "write those values into the action in the state file, then add \"destroy_values\": {} beside it")
                        .arg(unrecorded.join(QStringLiteral(", ")))});
            }
        } else if (entry) {
            recorded.append(id);
        }
        Resource resource = teardownResource(id, action, plan);
        // Wait for every dependent that is torn down too.
        resource.dependsOn = destroyedDependents(id, dependents, destroyed);
        if (entry && !entry->outputs.isEmpty())
            result.knownOutputs.insert(int(teardown.resources.size()), entry->outputs);
        teardown.resources.append(resource);
    }
    noteChangedValues(result, plan, state, recorded);
    return result;
}

Diagnostics DestroyPlan::check(const ExecutorTypes &types) const
{
    Diagnostics problems = unrecordedValues;
    for (const Resource &resource : plan.resources) {
        const QString path = statePath(resource.id);
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
