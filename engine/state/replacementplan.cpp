#include "engine/state/replacementplan.h"

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

ReplacementPlan ReplacementPlan::build(const Plan &plan, const DeploymentState &state, const QStringList &interrupted)
{
    ReplacementPlan result;
    result.plan = plan;
    if (interrupted.isEmpty())
        return result;
    DeploymentState inFlight;
    for (const QString &id : interrupted) {
        if (const DeploymentState::Entry *entry = state.find(id))
            inFlight.insert(id, *entry);
    }
    const DestroyPlan teardown = DestroyPlan::build(plan, inFlight);
    result.m_cleanups = teardown.plan;
    const int n = int(plan.resources.size());
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

Diagnostics ReplacementPlan::check(const ExecutorTypes &types) const
{
    DestroyPlan teardown;
    teardown.plan = m_cleanups;
    return teardown.check(types);
}

} // namespace fanout
