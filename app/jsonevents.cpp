#include "app/jsonevents.h"

#include "engine/run/resourcestatus.h"
#include "engine/run/scheduler.h"
#include "engine/support/jsontext.h"

#include <QDateTime>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

using JsonValue = nlohmann::ordered_json;

JsonValue header(const Scheduler &scheduler, const char *type, qint64 timeMs)
{
    const QDateTime at = scheduler.startedAt().isValid() ? scheduler.startedAt().addMSecs(timeMs) : QDateTime::currentDateTimeUtc();
    return {{"type", type}, {"timestamp", utf8(at.toUTC().toString(Qt::ISODateWithMs))}, {"time_ms", timeMs}};
}

JsonValue resourceEvent(const Scheduler &scheduler, const char *type, const RunEvent &event)
{
    JsonValue object = header(scheduler, type, event.timeMs);
    object["resource"] = utf8(scheduler.plan().resources[event.resource].id);
    return object;
}

// One object, one line.
void writeLine(FILE *stream, const JsonValue &object)
{
    const std::string line = object.dump(-1, ' ', false, JsonValue::error_handler_t::replace) + '\n';
    std::fwrite(line.data(), 1, line.size(), stream);
}

} // namespace

JsonEventStream::JsonEventStream(const Scheduler &scheduler, bool logLines, FILE *stream)
    : m_scheduler(scheduler)
    , m_logLines(logLines)
    , m_stream(stream)
{
}

std::vector<JsonValue> JsonEventStream::objects(const Scheduler &scheduler, const RunEvent &event, ResourceState previous)
{
    const Plan &plan = scheduler.plan();
    const bool aboutResource = event.resource >= 0 && event.resource < plan.resources.size();
    switch (event.kind) {
    case RunEvent::Kind::RunStarted:
    {
        JsonValue object = header(scheduler, "run_started", event.timeMs);
        object["plan"] = utf8(plan.name);
        object["resources"] = plan.resources.size();
        object["parallelism"] = scheduler.parallelism();
        return {object};
    }
    case RunEvent::Kind::RunResumed:
        return {header(scheduler, "run_resumed", event.timeMs)};
    case RunEvent::Kind::CancelRequested:
    {
        JsonValue object = header(scheduler, "cancel_requested", event.timeMs);
        object["reason"] = utf8(event.text);
        return {object};
    }
    case RunEvent::Kind::ParallelismChanged:
    {
        JsonValue object = header(scheduler, "parallelism_changed", event.timeMs);
        object["parallelism"] = event.number;
        return {object};
    }
    case RunEvent::Kind::RunFinished:
        return {}; // run_ended says it, with the counts
    case RunEvent::Kind::Log:
    {
        JsonValue object = aboutResource ? resourceEvent(scheduler, "log", event) : header(scheduler, "log", event.timeMs);
        if (aboutResource)
            object["attempt"] = event.attempt;
        object["level"] = utf8(levelName(event.level));
        object["text"] = utf8(event.text);
        return {object};
    }
    case RunEvent::Kind::StateChanged:
        break;
    }
    if (!aboutResource)
        return {};
    std::vector<JsonValue> objects;
    if (previous == ResourceState::Running && event.state != ResourceState::Running) {
        // The attempt that was running ended: how, from the resource's record of its attempts.
        JsonValue ended = resourceEvent(scheduler, "attempt_ended", event);
        ended["attempt"] = event.attempt;
        const QList<AttemptRecord> &attempts = scheduler.status(event.resource).attempts;
        const auto record = std::find_if(attempts.cbegin(), attempts.cend(), [&](const AttemptRecord &a) { return a.number == event.attempt; });
        if (record != attempts.cend()) {
            ended["outcome"] = utf8(outcomeName(record->outcome));
            ended["duration_ms"] = record->endMs >= 0 ? JsonValue(record->endMs - record->startMs) : JsonValue(nullptr);
            ended["error"] = record->error.isEmpty() ? JsonValue(nullptr) : JsonValue(utf8(record->error));
        }
        objects.push_back(std::move(ended));
    }
    JsonValue object;
    switch (event.state) {
    case ResourceState::Pending:
        object = resourceEvent(scheduler, "resource_pending", event);
        break;
    case ResourceState::Ready:
        object = resourceEvent(scheduler, "resource_ready", event);
        break;
    case ResourceState::Running:
        object = resourceEvent(scheduler, "attempt_started", event);
        object["attempt"] = event.attempt;
        break;
    case ResourceState::RetryWait:
        object = resourceEvent(scheduler, "retry_scheduled", event);
        object["attempt"] = event.attempt + 1; // the one that will start
        object["reason"] = utf8(event.text);
        break;
    case ResourceState::Succeeded:
    case ResourceState::Failed:
    case ResourceState::Skipped:
    case ResourceState::Cancelled:
        object = resourceEvent(scheduler, "resource_ended", event);
        object["state"] = utf8(stateName(event.state));
        object["reason"] = event.text.isEmpty() ? JsonValue(nullptr) : JsonValue(utf8(event.text));
        if (const int blockedBy = scheduler.status(event.resource).blockedBy; event.state == ResourceState::Skipped && blockedBy >= 0)
            object["blocked_by"] = utf8(plan.resources[blockedBy].id);
        break;
    }
    objects.push_back(std::move(object));
    return objects;
}

void JsonEventStream::onEvents(const QList<RunEvent> &events)
{
    const std::size_t n = std::size_t(m_scheduler.plan().resources.size());
    if (m_states.size() != n)
        m_states.assign(n, ResourceState::Pending);
    for (const RunEvent &event : events) {
        if (event.kind == RunEvent::Kind::Log && !m_logLines)
            continue;
        const bool aboutResource = event.resource >= 0 && std::size_t(event.resource) < n;
        const ResourceState previous = aboutResource ? m_states[std::size_t(event.resource)] : ResourceState::Pending;
        for (const JsonValue &object : objects(m_scheduler, event, previous))
            write(object);
        if (aboutResource && event.kind == RunEvent::Kind::StateChanged)
            m_states[std::size_t(event.resource)] = event.state;
    }
    std::fflush(m_stream);
}

void JsonEventStream::finish(const JsonValue &report, int exitStatus)
{
    JsonValue object = header(m_scheduler, "run_ended", m_scheduler.elapsedMs());
    object["outcome"] = report.value("outcome", JsonValue("failed"));
    object["duration_ms"] = report.value("duration_ms", JsonValue(m_scheduler.elapsedMs()));
    object["counts"] = report.value("counts", JsonValue::object());
    object["exit_status"] = exitStatus;
    write(object);
    std::fflush(m_stream);
}

void JsonEventStream::nothingToDo(const QString &message, FILE *stream)
{
    writeLine(stream, {{"type", "run_ended"},
                       {"timestamp", utf8(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))},
                       {"time_ms", 0},
                       {"outcome", "succeeded"},
                       {"duration_ms", 0},
                       {"counts", JsonValue::object()},
                       {"exit_status", 0},
                       {"message", utf8(message)}});
    std::fflush(stream);
}

void JsonEventStream::write(const JsonValue &object)
{
    writeLine(m_stream, object);
}

} // namespace fanout
