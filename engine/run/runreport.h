#pragma once

#include "engine/plan/plan.h"
#include "engine/run/resourcestatus.h"
#include "engine/run/runevent.h"
#include "engine/support/expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <array>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fanout {

class Scheduler;

// What a run did, for people and CI systems: a JSON report (docs/report-format.md) with every
// resource's final state and every attempt's times, and a JUnit XML file with one test case per
// resource. Written from the scheduler's state at any moment, so a cancelled run has one too.
class RunReport
{
public:
    // What the JSON report is made of, copied from the scheduler (the plan and the statuses share
    // their data): cheap to take on the scheduler's thread, and the report can then be made on
    // another, as the dashboard does when it records a run in the history.
    struct Facts
    {
        Plan plan;
        QString planFile;
        std::vector<ResourceStatus> statuses;
        std::array<int, kResourceStateCount> counts{};
        int parallelism = 0;
        std::vector<std::pair<qint64, int>> parallelismChanges; // when (ms into the run), to what
        bool failFast = false;
        quint64 seed = 0;
        QDateTime startedAt;
        qint64 durationMs = 0;
        bool running = false;
        QString outcome;
    };
    static Facts facts(const Scheduler &scheduler, const QString &planFile);
    static nlohmann::ordered_json toJson(const Facts &facts);
    static nlohmann::ordered_json toJson(const Scheduler &scheduler, const QString &planFile) { return toJson(facts(scheduler, planFile)); }
    static QByteArray toJUnit(const Scheduler &scheduler);
    // Writes a report toJson() made, as `fanout run --report` does (and `fanout history show --report`).
    static Expected<void> write(const QString &path, const nlohmann::ordered_json &report);

    // "succeeded", "failed" (something failed, was skipped or cancelled) or "cancelled"
    static QString outcome(const Scheduler &scheduler);
};

} // namespace fanout
