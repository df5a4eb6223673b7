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
struct ReplacementPlan
{
    Plan plan;
    QHash<int, int> cleanupOf; // cleanup resource -> the resource of `plan` it tears down
    // By cleanup resource index: the outputs recorded for what it tears down (${self.outputs.KEY}).
    QMap<int, QMap<QString, QString>> knownOutputs;

    // `interrupted`: ids of `plan` the state records as in flight.
    static ReplacementPlan build(const Plan &plan, const DeploymentState &state, const QStringList &interrupted);

    int cleanups() const { return int(cleanupOf.size()); }
    // Destroy actions recorded in the state that cannot run (DestroyPlan::check).
    Diagnostics check(const ExecutorTypes &types) const;

private:
    Plan m_cleanups; // the DestroyPlan of the interrupted resources, under their own ids
};

} // namespace fanout
