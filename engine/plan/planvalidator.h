#pragma once

#include "engine/support/diagnostic.h"

namespace fanout {

class ExecutorTypes;
struct Plan;

// Checks a plan as a whole: ids, types, groups, dependencies and cycles, and each executor's own
// parameters. Works on any Plan, read from a file or edited in memory; messages name JSON paths by
// resource index (resources[3].depends_on[1]).
class PlanValidator
{
public:
    static Diagnostics validate(const Plan &plan, const ExecutorTypes &types);
};

} // namespace fanout
