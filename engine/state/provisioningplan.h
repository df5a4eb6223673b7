#pragma once

#include "engine/state/deploymentstate.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace fanout {

struct Plan;

// What a run of a plan has to do given what its DeploymentState says exists: like
// `terraform apply`, a resource created from the same definition is up to date and is not run
// again (its recorded outputs stand in for it); a new one is created, a changed one replaced.
// `fanout run` and the dashboard both decide this way, with the same ways to run resources anyway.
// A resource that was being created or destroyed when Fanout stopped is replaced, like Terraform's
// tainted resources.
struct ProvisioningPlan
{
    QList<DeploymentState::Change> changes; // per resource of the plan, in plan order
    // Up to date and not to be run again, by resource index, with the outputs recorded for them:
    // RunOptions::provisioned.
    QMap<int, QMap<QString, QString>> provisioned;
    int toCreate = 0;  // not in the state
    int changed = 0;   // in the state, definition changed
    int forced = 0;    // up to date, but run again as asked (replace ids, or all)
    // In the state as in flight when Fanout stopped (a crash, kill -9): they may exist in part, so
    // their destroy action runs first (if they have one), then they are created again.
    int interrupted = 0;
    QStringList interruptedIds; // in plan order
    // Instances the state holds of a set the plan still has that the set no longer has (its count
    // lowered, a for_each key or a target removed): destroyed by the run, as Terraform plans a
    // destroy for them (DeploymentState::removedInstances). Sorted.
    QStringList removals;
    int upToDate = 0;  // == provisioned.size()
    int notRun = 0;    // "run": false (data sources, no-ops of an imported plan)

    // `replace`: ids to run again even if up to date (--replace); `all`: run everything again.
    // `definitions`: the resources' definition hashes, when known (DeploymentState::compare).
    static ProvisioningPlan build(const Plan &plan, const DeploymentState &state, const QStringList &replace = {},
                                  bool all = false, const QStringList &definitions = {});

    int toRun() const { return toCreate + changed + forced + interrupted + int(removals.size()); }
    bool isUpToDate(int resource) const { return provisioned.contains(resource); }
};

} // namespace fanout
