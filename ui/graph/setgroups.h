#pragma once

#include "engine/plan/plan.h"

#include <QString>

#include <optional>

namespace fanout {

// Sets on the graph: the instances of a resource with count or for_each (web[0], web[1]...), and
// a plan's stack on each of its targets (net@eu-west-1, app@eu-west-1...), are drawn the way a
// module is, as one stacked node with their counts by state that a double-click expands in place.
// To the graph they are groups: the plan as drawn puts each instance that is in no group of the
// plan's into a group of its target (per_target instances), else of its set. Only the drawing
// uses these groups; the run's group limits are the plan's.
class SetGroups
{
public:
    // `plan` with those groups added after the plan's own and its instances in them; nullopt when
    // it has no instance outside a group (the plan is drawn as it is).
    static std::optional<Plan> drawn(const Plan &plan);

    // Whether a group of the drawn plan is one of those (not the plan's own): those with two
    // members or more are drawn collapsed when the plan opens.
    static bool isSetGroup(const QString &groupName);
};

} // namespace fanout
