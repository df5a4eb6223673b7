#include "engine/state/provisioningplan.h"

#include "engine/plan/plan.h"

namespace fanout {

ProvisioningPlan ProvisioningPlan::build(const Plan &plan, const DeploymentState &state, const QStringList &replace, bool all,
                                         const QStringList &definitions)
{
    ProvisioningPlan result;
    result.changes = state.compare(plan, definitions);
    result.removals = state.removedInstances(plan);
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (!plan.resources[r].run) {
            ++result.notRun; // the scheduler passes it by
            continue;
        }
        switch (result.changes[r]) {
        case DeploymentState::Change::Create:
            ++result.toCreate;
            break;
        case DeploymentState::Change::Replace:
            ++result.changed;
            break;
        case DeploymentState::Change::Interrupted:
            ++result.interrupted;
            result.interruptedIds.append(plan.resources[r].id);
            break;
        case DeploymentState::Change::UpToDate:
            if (all || replace.contains(plan.resources[r].id)) {
                ++result.forced;
            } else {
                ++result.upToDate;
                result.provisioned.insert(r, state.find(plan.resources[r].id)->outputs);
            }
            break;
        }
    }
    return result;
}

} // namespace fanout
