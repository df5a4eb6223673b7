#pragma once

#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"

#include <QHash>
#include <QMap>
#include <QStringList>

namespace fanout {

class DeploymentState;
class ExecutorTypes;

// The plan a run provisions when some of its resources were being created (or destroyed) when
// Fanout stopped, and so may exist in part: like Terraform's tainted resources, each is torn down
// first, then created again. The plan's resources keep their places; each interrupted one with a
// destroy action gets a cleanup resource appended to the plan ("ID (destroy first)", running that
// action with the outputs the state recorded), which it depends on. Cleanups among themselves go
// in reverse dependency order, as a teardown does (DestroyPlan).
//
// It also destroys what the plan's sets no longer have (ProvisioningPlan::removals: web[4] after
// count went from 5 to 4): each gets a resource appended under its own id ("destroy web[4] (no
// longer an instance of web)"), which waits for the plan's resources that were created depending
// on it, so that they are replaced without it before it goes, as Terraform orders it.
struct ReplacementPlan
{
    Plan plan;
    // Cleanup resource -> the resource of `plan` it tears down; a removal maps to itself.
    QHash<int, int> cleanupOf;
    // By cleanup resource index: the outputs recorded for what it tears down (${self.outputs.KEY}).
    QMap<int, QMap<QString, QString>> knownOutputs;

    // Removals with no destroy action: nothing to run; the run only forgets them.
    QStringList forgotten;

    // `interrupted`: ids of `plan` the state records as in flight; `removed`: ids of the state to
    // destroy that `plan` no longer has.
    static ReplacementPlan build(const Plan &plan, const DeploymentState &state, const QStringList &interrupted,
                                 const QStringList &removed = {});

    int cleanups() const { return int(cleanupOf.size()); } // resources appended to the plan
    // Destroy actions recorded in the state that cannot run (DestroyPlan::check).
    Diagnostics check(const ExecutorTypes &types) const;

private:
    void appendRemovals(const DeploymentState &state, const QStringList &removed);

    Plan m_cleanups; // the DestroyPlans of the interrupted and removed resources, under their own ids
};

} // namespace fanout
