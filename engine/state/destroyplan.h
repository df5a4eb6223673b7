#pragma once

#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"

#include <QMap>
#include <QStringList>

namespace fanout {

class DeploymentState;
class ExecutorTypes;

// The plan that tears down what a DeploymentState says exists, for `fanout destroy`. Each resource
// of the state with a destroy action (its recorded one, else the plan's) becomes a resource of the
// same id whose type and params are the action's, and which waits for everything that depended on
// it, so that nothing is torn down while something still uses it: the reverse of the order it was
// created in. Names, groups, timeouts, retry policies, parallelism and fail-fast are the plan's.
struct DestroyPlan
{
    Plan plan;
    // By resource index of `plan`: the outputs recorded when it was created, for ${self.outputs.K}.
    QMap<int, QMap<QString, QString>> knownOutputs;
    // Resources of the state with no destroy action: nothing to run; they are only forgotten.
    QStringList forgotten;
    // Where the teardown does not use today's values, or uses them for want of recorded ones: one
    // sentence each, to show before it runs.
    QStringList notes;
    // Destroy actions recorded by an older Fanout that refer to variables or outputs whose values
    // at creation it did not record: they are not run with today's (check() reports them).
    Diagnostics unrecordedValues;

    static DestroyPlan build(const Plan &plan, const DeploymentState &state);

    // Problems that stop `plan` from running: a destroy action of an unknown type or with bad
    // parameters (a state file may be older than this Fanout, or edited by hand), or an order
    // that goes round in a circle. Paths are the state file's: resources.ID.destroy.FIELD.
    Diagnostics check(const ExecutorTypes &types) const;
};

} // namespace fanout
