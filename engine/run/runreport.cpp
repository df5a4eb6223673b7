#include "engine/run/runreport.h"

#include "engine/run/journal.h"
#include "engine/run/rolloutgate.h"
#include "engine/run/scheduler.h"
#include "engine/run/targetprogress.h"
#include "engine/support/atomicfile.h"
#include "engine/support/jsontext.h"

#include <QHash>
#include <QXmlStreamWriter>

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;


bool wasCancelled(const Scheduler &scheduler)
{
    // The last cancel request comes after the last resume: the run ended because it was cancelled.
    // Among the events that are not log lines: a long run's journal is nearly all log lines.
    const std::vector<RunEvent> &events = scheduler.journal().events();
    for (auto it = events.crbegin(); it != events.crend(); ++it) {
        if (it->kind == RunEvent::Kind::CancelRequested)
            return true;
        if (it->kind == RunEvent::Kind::RunResumed || it->kind == RunEvent::Kind::RunStarted)
            return false;
    }
    return false;
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 3);
}

json limitOrNull(int value, int noLimit)
{
    return value == noLimit ? json(nullptr) : json(value);
}

// One target of the rollout, from its instances' statuses (so that a recorded run, replayed, says
// the same as the run did): its state, when it started and ended, which instances failed.
json targetEntry(const RunReport::Facts &facts, const QString &name, int wave, const std::vector<int> &instances, QString *notStartedReason)
{
    const TargetProgress progress = TargetProgress::of(facts.plan, instances, [&facts](int r) { return facts.statuses[std::size_t(r)]; });
    if (progress.state == TargetProgress::State::NotStarted)
        *notStartedReason = progress.notStartedReason;
    json failed = json::array();
    for (const QString &id : progress.failed)
        failed.push_back(utf8(id));
    return {{"name", utf8(name)},
            {"wave", wave},
            {"state", TargetProgress::name(progress.state)},
            {"instances", instances.size()},
            {"start_ms", progress.startMs >= 0 ? json(progress.startMs) : json(nullptr)},
            {"end_ms", progress.endMs >= 0 ? json(progress.endMs) : json(nullptr)},
            {"failed", failed}};
}

// The "rollout" section (docs/report-format.md): the policy as resolved, each target's state, and
// why the rollout stopped, if it did.
json rolloutSection(const RunReport::Facts &facts)
{
    const Plan &plan = facts.plan;
    const int n = int(plan.targets.size());
    QHash<QString, int> index;
    for (int t = 0; t < n; ++t)
        index.insert(plan.targets[t].name, t);
    std::vector<std::vector<int>> instances(static_cast<std::size_t>(n));
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (const auto it = index.constFind(plan.resources[r].target); it != index.cend())
            instances[std::size_t(*it)].push_back(r);
    }
    std::vector<int> waveOf;
    const std::vector<int> order = RolloutGate::admissionOrder(plan, &waveOf);
    json names = json::array();
    json waves = json::array();
    for (const int t : order) {
        if (waves.empty() || int(waves.size()) <= waveOf[std::size_t(t)])
            waves.push_back(json::array());
        waves.back().push_back(utf8(plan.targets[t].name));
        names.push_back(utf8(plan.targets[t].name));
    }
    json targets = json::array();
    json failed = json::array();
    json notStarted = json::array();
    QString stoppedReason;
    for (int t = 0; t < n; ++t) {
        json entry = targetEntry(facts, plan.targets[t].name, waveOf[std::size_t(t)], instances[std::size_t(t)], &stoppedReason);
        if (entry["state"] == "failed")
            failed.push_back(entry["name"]);
        else if (entry["state"] == "not-started")
            notStarted.push_back(entry["name"]);
        targets.push_back(std::move(entry));
    }
    const Rollout rollout = plan.rollout.value_or(Rollout{});
    return {{"max_concurrent", limitOrNull(rollout.maxConcurrentFor(n), 0)},
            {"failure_tolerance", limitOrNull(rollout.failureToleranceFor(n), -1)},
            {"order", names},
            {"waves", waves},
            {"stopped", !notStarted.empty()},
            {"stopped_reason", notStarted.empty() ? json(nullptr) : json(utf8(stoppedReason))},
            {"failed", failed},
            {"not_started", notStarted},
            {"targets", targets}};
}

} // namespace

QString RunReport::outcome(const Scheduler &scheduler)
{
    if (wasCancelled(scheduler))
        return QStringLiteral("cancelled");
    const int total = int(scheduler.plan().resources.size());
    return scheduler.count(ResourceState::Succeeded) == total ? QStringLiteral("succeeded") : QStringLiteral("failed");
}

RunReport::Facts RunReport::facts(const Scheduler &scheduler, const QString &planFile)
{
    Facts facts;
    facts.plan = scheduler.plan();
    facts.planFile = planFile;
    const int n = int(facts.plan.resources.size());
    facts.statuses.reserve(std::size_t(n));
    for (int r = 0; r < n; ++r)
        facts.statuses.push_back(scheduler.status(r));
    for (int s = 0; s < kResourceStateCount; ++s)
        facts.counts[std::size_t(s)] = scheduler.count(ResourceState(s));
    facts.parallelism = scheduler.parallelism();
    for (const RunEvent &event : scheduler.journal().events()) {
        if (event.kind == RunEvent::Kind::ParallelismChanged)
            facts.parallelismChanges.emplace_back(event.timeMs, int(event.number));
    }
    facts.failFast = scheduler.failFast();
    facts.seed = scheduler.seed();
    facts.startedAt = scheduler.startedAt();
    facts.durationMs = scheduler.elapsedMs();
    facts.running = scheduler.isRunning();
    facts.outcome = outcome(scheduler);
    return facts;
}

json RunReport::toJson(const Facts &facts)
{
    const Plan &plan = facts.plan;
    json report;
    report["fanout_version"] = FANOUT_VERSION;
    report["plan"] = {{"name", utf8(plan.name)}, {"file", utf8(facts.planFile)}, {"resources", plan.resources.size()}};

    json changes = json::array();
    for (const auto &[timeMs, parallelism] : facts.parallelismChanges)
        changes.push_back({{"time_ms", timeMs}, {"parallelism", parallelism}});
    report["settings"] = {{"parallelism", facts.parallelism},
                          {"parallelism_changes", changes},
                          {"fail_fast", facts.failFast},
                          {"seed", facts.seed}};
    report["started_at"] = utf8(facts.startedAt.toString(Qt::ISODateWithMs));
    report["duration_ms"] = facts.durationMs;
    report["running"] = facts.running;
    report["outcome"] = utf8(facts.outcome);

    json counts = json::object();
    for (int s = 0; s < kResourceStateCount; ++s)
        counts[utf8(stateName(ResourceState(s)))] = facts.counts[std::size_t(s)];
    report["counts"] = counts;

    json resources = json::array();
    for (int r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        const ResourceStatus &status = facts.statuses[std::size_t(r)];
        json entry = {{"id", utf8(resource.id)},
                      {"name", utf8(resource.displayName())},
                      {"type", utf8(resource.type)},
                      {"state", utf8(stateName(status.state))}};
        if (!resource.group.isEmpty())
            entry["group"] = utf8(resource.group);
        json dependsOn = json::array();
        for (const QString &id : resource.dependsOn)
            dependsOn.push_back(utf8(id));
        entry["depends_on"] = dependsOn;
        if (!status.reason.isEmpty())
            entry["reason"] = utf8(status.reason);
        if (status.blockedBy >= 0)
            entry["blocked_by"] = utf8(plan.resources[status.blockedBy].id);
        json attempts = json::array();
        for (const AttemptRecord &attempt : status.attempts) {
            json a = {{"number", attempt.number},
                      {"ready_ms", attempt.readyMs},
                      {"start_ms", attempt.startMs},
                      {"end_ms", attempt.endMs >= 0 ? json(attempt.endMs) : json(nullptr)},
                      {"outcome", utf8(outcomeName(attempt.outcome))},
                      {"error", attempt.error.isEmpty() ? json(nullptr) : json(utf8(attempt.error))}};
            attempts.push_back(a);
        }
        entry["attempts"] = attempts;
        resources.push_back(entry);
    }
    report["resources"] = resources;
    if (!plan.targets.isEmpty())
        report["rollout"] = rolloutSection(facts);
    return report;
}

Expected<void> RunReport::write(const QString &path, const json &report)
{
    return AtomicFile::write(path, QByteArray::fromStdString(report.dump(2) + '\n'));
}

QByteArray RunReport::toJUnit(const Scheduler &scheduler)
{
    const Plan &plan = scheduler.plan();
    const int n = int(plan.resources.size());
    // Where each resource's lines are in the journal; their text is read (from disk) as it is written.
    const Journal &journal = scheduler.journal();
    std::vector<std::vector<qint64>> logs(std::size_t(std::max(0, n)));
    for (std::size_t i = 0; i < journal.size(); ++i) {
        const Journal::Entry &entry = journal.entry(i);
        if (entry.kind == RunEvent::Kind::Log && entry.resource >= 0 && entry.resource < n)
            logs[std::size_t(entry.resource)].push_back(qint64(i));
    }

    const int failures = scheduler.count(ResourceState::Failed);
    const int skipped = scheduler.count(ResourceState::Skipped) + scheduler.count(ResourceState::Cancelled)
        + scheduler.count(ResourceState::Pending) + scheduler.count(ResourceState::Ready)
        + scheduler.count(ResourceState::RetryWait) + scheduler.count(ResourceState::Running);
    QByteArray xml;
    QXmlStreamWriter out(&xml);
    out.setAutoFormatting(true);
    out.writeStartDocument();
    out.writeStartElement(QStringLiteral("testsuites"));
    out.writeAttribute(QStringLiteral("name"), QStringLiteral("fanout"));
    out.writeAttribute(QStringLiteral("tests"), QString::number(n));
    out.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    out.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
    out.writeAttribute(QStringLiteral("time"), seconds(scheduler.elapsedMs()));
    out.writeStartElement(QStringLiteral("testsuite"));
    out.writeAttribute(QStringLiteral("name"), plan.name);
    out.writeAttribute(QStringLiteral("tests"), QString::number(n));
    out.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    out.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
    out.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
    out.writeAttribute(QStringLiteral("time"), seconds(scheduler.elapsedMs()));
    out.writeAttribute(QStringLiteral("timestamp"), scheduler.startedAt().toString(Qt::ISODate));

    out.writeStartElement(QStringLiteral("properties"));
    auto property = [&](const QString &name, const QString &value) {
        out.writeEmptyElement(QStringLiteral("property"));
        out.writeAttribute(QStringLiteral("name"), name);
        out.writeAttribute(QStringLiteral("value"), value);
    };
    property(QStringLiteral("parallelism"), QString::number(scheduler.parallelism()));
    property(QStringLiteral("fail_fast"), scheduler.failFast() ? QStringLiteral("true") : QStringLiteral("false"));
    property(QStringLiteral("seed"), QString::number(scheduler.seed()));
    out.writeEndElement();

    for (int r = 0; r < n; ++r) {
        const Resource &resource = plan.resources[r];
        const ResourceStatus &status = scheduler.status(r);
        qint64 time = 0;
        for (const AttemptRecord &attempt : status.attempts)
            time += (attempt.endMs >= 0 ? attempt.endMs : scheduler.elapsedMs()) - attempt.startMs;
        out.writeStartElement(QStringLiteral("testcase"));
        out.writeAttribute(QStringLiteral("name"), resource.id);
        out.writeAttribute(QStringLiteral("classname"), resource.group.isEmpty() ? plan.name : plan.name + QLatin1Char('.') + resource.group);
        out.writeAttribute(QStringLiteral("time"), seconds(time));
        if (status.state == ResourceState::Failed) {
            QStringList errors;
            for (const AttemptRecord &attempt : status.attempts) {
                if (!attempt.error.isEmpty())
                    errors.append(QStringLiteral("attempt %1 %2: %3").arg(attempt.number).arg(outcomeName(attempt.outcome), attempt.error));
            }
            out.writeStartElement(QStringLiteral("failure"));
            out.writeAttribute(QStringLiteral("message"), status.reason);
            out.writeAttribute(QStringLiteral("type"), QStringLiteral("failed"));
            out.writeCharacters(errors.join(QLatin1Char('\n')));
            out.writeEndElement();
        } else if (status.state != ResourceState::Succeeded) {
            out.writeEmptyElement(QStringLiteral("skipped"));
            out.writeAttribute(QStringLiteral("message"), status.reason.isEmpty() ? stateName(status.state) : status.reason);
        }
        if (!logs[std::size_t(r)].empty()) {
            QString text;
            for (const qint64 i : logs[std::size_t(r)]) {
                const Journal::Entry &entry = journal.entry(std::size_t(i));
                if (!text.isEmpty())
                    text.append(QLatin1Char('\n'));
                text.append(QStringLiteral("[%1 attempt %2] %3").arg(seconds(entry.timeMs)).arg(entry.attempt).arg(journal.text(std::size_t(i))));
            }
            out.writeTextElement(QStringLiteral("system-out"), text);
        }
        out.writeEndElement();
    }
    out.writeEndElement();
    out.writeEndElement();
    out.writeEndDocument();
    return xml;
}

} // namespace fanout
