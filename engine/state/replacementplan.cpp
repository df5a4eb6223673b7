#include "engine/state/replacementplan.h"

#include "engine/plan/instanceaddress.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/destroyplan.h"

namespace fanout {

namespace {

// An id no resource of `plan` has, saying what it does.
QString cleanupId(const QString &id, const Plan &plan)
{
    QString candidate = QStringLiteral("%1 (destroy first)").arg(id);
    while (plan.indexOf(candidate) >= 0)
        candidate += QLatin1Char('\'');
    return candidate;
}

} // namespace

ReplacementPlan ReplacementPlan::build(const Plan &plan, const DeploymentState &state, const QStringList &interrupted,
                                       const QStringList &removed)
{
    ReplacementPlan result;
    result.plan = plan;
    if (!removed.isEmpty())
        result.appendRemovals(state, removed);
    if (interrupted.isEmpty())
        return result;
    DeploymentState inFlight;
    for (const QString &id : interrupted) {
        if (const DeploymentState::Entry *entry = state.find(id))
            inFlight.insert(id, *entry);
    }
    const DestroyPlan teardown = DestroyPlan::build(plan, inFlight);
    result.m_cleanups.resources.append(teardown.plan.resources);
    const int n = int(result.plan.resources.size());
    QHash<QString, QString> renamed;
    for (const Resource &cleanup : teardown.plan.resources)
        renamed.insert(cleanup.id, cleanupId(cleanup.id, plan));
    for (int c = 0; c < teardown.plan.resources.size(); ++c) {
        Resource cleanup = teardown.plan.resources[c];
        const int of = plan.indexOf(cleanup.id);
        Q_ASSERT(of >= 0);
        cleanup.name = QStringLiteral("destroy %1 (interrupted)").arg(plan.resources[of].name.isEmpty() ? cleanup.id : plan.resources[of].name);
        cleanup.id = renamed.value(cleanup.id);
        for (QString &dependency : cleanup.dependsOn)
            dependency = renamed.value(dependency, dependency);
        result.plan.resources[of].dependsOn.append(cleanup.id);
        result.cleanupOf.insert(n + c, of);
        if (const auto outputs = teardown.knownOutputs.constFind(c); outputs != teardown.knownOutputs.cend())
            result.knownOutputs.insert(n + c, *outputs);
        result.plan.resources.append(cleanup);
    }
    return result;
}

void ReplacementPlan::appendRemovals(const DeploymentState &state, const QStringList &removed)
{
    DeploymentState gone;
    for (const QString &id : removed) {
        if (const DeploymentState::Entry *entry = state.find(id))
            gone.insert(id, *entry);
    }
    const DestroyPlan teardown = DestroyPlan::build(plan, gone);
    forgotten = teardown.forgotten;
    m_cleanups.resources.append(teardown.plan.resources);
    const int n = int(plan.resources.size());
    for (int c = 0; c < teardown.plan.resources.size(); ++c) {
        Resource removal = teardown.plan.resources[c];
        const std::optional<InstanceAddress> address = InstanceAddress::parse(removal.id);
        const QString set = address ? address->set : removal.id;
        // Its timeout, retries and group are its set's, as the instances it was one of have them.
        if (const QList<int> siblings = plan.instancesOf(set); !siblings.isEmpty()) {
            const Resource &sibling = plan.resources[siblings.constFirst()];
            removal.group = sibling.group;
            removal.timeoutMs = sibling.timeoutMs;
            removal.retry = sibling.retry;
        }
        removal.name = QStringLiteral("destroy %1 (no longer an instance of %2)").arg(removal.id, set);
        // The plan's resources created depending on it are replaced without it first.
        for (int p = 0; p < n; ++p) {
            const DeploymentState::Entry *entry = state.find(plan.resources[p].id);
            if (entry && entry->dependsOn.contains(removal.id))
                removal.dependsOn.append(plan.resources[p].id);
        }
        cleanupOf.insert(n + c, n + c);
        if (const auto outputs = teardown.knownOutputs.constFind(c); outputs != teardown.knownOutputs.cend())
            knownOutputs.insert(n + c, *outputs);
        plan.resources.append(removal);
    }
}

Diagnostics ReplacementPlan::check(const ExecutorTypes &types) const
{
    DestroyPlan teardown;
    teardown.plan = m_cleanups;
    return teardown.check(types);
}

} // namespace fanout
