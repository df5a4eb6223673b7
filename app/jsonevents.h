#pragma once

#include "engine/run/runevent.h"

#include <QList>
#include <QString>

#include <nlohmann/json_fwd.hpp>

#include <cstdio>
#include <vector>

namespace fanout {

class Scheduler;

// `fanout run --json` and `fanout destroy --json`: every event of the run as one JSON object per
// line on stdout, as `terraform apply -json` does, for the tools that wrap Fanout
// (docs/report-format.md, "Event stream"). The same events the journal holds, secrets already
// masked there, told the way a reader wants them: a resource ready, an attempt started, a log line,
// an attempt ended (its outcome and error), a retry scheduled, a resource's end; then run_ended
// with the counts and the exit status. Each has "type", "timestamp" (UTC) and "time_ms" (since the
// run started).
class JsonEventStream
{
public:
    // `logLines`: false leaves log lines out (-q).
    JsonEventStream(const Scheduler &scheduler, bool logLines, FILE *stream = stdout);

    void onEvents(const QList<RunEvent> &events);
    // The last line: the run's outcome and counts (from its report, RunReport::toJson) and the exit
    // status the command returns.
    void finish(const nlohmann::ordered_json &report, int exitStatus);

    // The only line when there is nothing to run (destroy with nothing recorded): a run_ended that
    // succeeded, with `message`.
    static void nothingToDo(const QString &message, FILE *stream = stdout);

    // What one event is told as (a state change out of Running is two: the attempt's end, then the
    // resource's new state). `previous`: the resource's state before it.
    static std::vector<nlohmann::ordered_json> objects(const Scheduler &scheduler, const RunEvent &event, ResourceState previous);

private:
    void write(const nlohmann::ordered_json &object);

    const Scheduler &m_scheduler;
    const bool m_logLines;
    FILE *m_stream;
    std::vector<ResourceState> m_states; // as the events so far tell it
};

} // namespace fanout
