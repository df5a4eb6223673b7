#pragma once

#include "engine/plan/plan.h"

#include <QString>
#include <QStringList>

namespace fanout {

// `fanout run --target NAME`: a run of some of a plan's targets only. The plan keeps the
// instances of those targets and the shared resources that do not wait for another target's
// instance; the rest is left out (Plan::leftOut): not run, not destroyed, not reported as gone,
// and its state entries kept as they are. The rollout's order and waves keep the chosen targets,
// in the order the plan gives them.
struct TargetSelection
{
    // Why `names` cannot be chosen: the plan declares no targets, or a name is none of them (with a
    // did-you-mean and the list). Empty when they can.
    static QString check(const Plan &plan, const QStringList &names);
    // `plan` limited to the targets `names` (check() passed).
    static Plan only(const Plan &plan, const QStringList &names);
    // Ids left out of `limited` that are not instances of another target: shared resources that
    // wait for one, and instances of the chosen targets that wait for those. Sorted.
    static QStringList leftOutAlongside(const Plan &limited, const Plan &plan);
};

} // namespace fanout
