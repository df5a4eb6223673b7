#pragma once

#include <QStringList>

namespace fanout {

// `fanout forecast PLAN`: how long a run of PLAN would take, before it runs. Reads the plan and its
// state file like `fanout run` (only what would run counts), learns each resource's duration from
// the run history, and simulates the run many times with the scheduler's own policy (Forecaster):
// the expected makespan with its p10-p90 range, the critical path, and with --sweep the makespan
// against the parallelism limit and the limit beyond which more does not help.
class ForecastCommand
{
public:
    static int exec(const QStringList &arguments); // arguments after "forecast"
};

} // namespace fanout
