#pragma once

#include "engine/plan/plan.h"

#include <nlohmann/json.hpp>

namespace fanout {

// The plan a recorded run ran, as the run history keeps it: every field a replay or a report
// needs (ids, names, types, groups, dependencies, parameters, estimates, retry policies, timeouts,
// sources, the layout), written as JSON and read back as it was, without validation (it was valid
// when it ran). Not the plan file format: durations are milliseconds, and nothing is inherited from
// "defaults". Secret variables' values are kept as "****", and so is every occurrence of them in
// the resources' fields.
class PlanSnapshot
{
public:
    static nlohmann::ordered_json toJson(const Plan &plan);
    // What toJson() wrote; fields it does not find keep their defaults.
    static Plan fromJson(const nlohmann::ordered_json &snapshot);
};

} // namespace fanout
