#pragma once

#include "engine/support/expected.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json_fwd.hpp>

namespace fanout {

class Scheduler;

// What a run did, for people and CI systems: a JSON report (docs/report-format.md) with every
// resource's final state and every attempt's times, and a JUnit XML file with one test case per
// resource. Written from the scheduler's state at any moment, so a cancelled run has one too.
class RunReport
{
public:
    static nlohmann::ordered_json toJson(const Scheduler &scheduler, const QString &planFile);
    static QByteArray toJUnit(const Scheduler &scheduler);
    // Writes a report toJson() made, as `fanout run --report` does (and `fanout history show --report`).
    static Expected<void> write(const QString &path, const nlohmann::ordered_json &report);

    // "succeeded", "failed" (something failed, was skipped or cancelled) or "cancelled"
    static QString outcome(const Scheduler &scheduler);
};

} // namespace fanout
