#pragma once

#include "engine/forecast/estimate.h"
#include "engine/support/expected.h"

#include <vector>

namespace fanout {

class ExecutorRegistry;
class RunHistory;
struct Plan;

// Each resource's expected duration, learned from the run history, in this order: its own past
// successful attempts with the same definition hash (median, p10-p90 spread); else past successful
// attempts of the same resource id; else of the same type (for imported resources, the source
// type, such as aws_db_instance); else the plan's `estimate`; else the executor's default. Failure
// odds come from the attempts of the same source. Teardown attempts ("destroy" runs) are not mixed
// with provisioning ones.
class LearnedEstimates
{
public:
    // One estimate per plan resource, in plan order. Without a history (null, or one that cannot
    // be read: the error is returned), only the plan's and executors' figures.
    static Expected<std::vector<Estimate>> learn(RunHistory *history, const Plan &plan, const ExecutorRegistry &registry);
    // Only the plan's and executors' figures (no history).
    static std::vector<Estimate> withoutHistory(const Plan &plan, const ExecutorRegistry &registry);
    // The `ms` of each, for the scheduler's longest-path-first order (RunOptions::estimates).
    static std::vector<qint64> durations(const std::vector<Estimate> &estimates);
};

} // namespace fanout
