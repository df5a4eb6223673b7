#include "app/terminalprogress.h"

#include "engine/run/resourcestatus.h"
#include "engine/run/rolloutgate.h"
#include "engine/run/scheduler.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

constexpr int kMaxIdWidth = 32;

// An id cut to `width` characters in its middle: what tells ids apart is usually at their end
// (module.network.aws_subnet.private[0], [1]...), so the end is kept, with the start.
QString shortId(const QString &id, int width)
{
    if (id.size() <= width)
        return id;
    const int head = (width - 1) / 3;
    return id.left(head) + QChar(0x2026) + id.right(width - 1 - head);
}

QString seconds(qint64 ms)
{
    return QStringLiteral("%1s").arg(double(ms) / 1000.0, 7, 'f', 2);
}

} // namespace

TerminalProgress::TerminalProgress(const Scheduler &scheduler, const Console &console, bool showLogs, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_console(console)
    , m_showLogs(showLogs)
    , m_live(console.isTerminal())
{
    if (m_live) {
        m_tick.setInterval(100);
        connect(&m_tick, &QTimer::timeout, this, &TerminalProgress::redrawStatus);
        m_tick.start();
    }
}

void TerminalProgress::onEvents(const QList<RunEvent> &events)
{
    QString text;
    for (const RunEvent &event : events) {
        const QString line = describe(event);
        if (!line.isEmpty())
            text += line + QLatin1Char('\n');
    }
    text += notStartedLines();
    if (text.isEmpty())
        return;
    clearStatus();
    m_console.write(text);
    if (m_scheduler.isRunning())
        redrawStatus();
}

void TerminalProgress::message(const QString &text)
{
    clearStatus();
    m_console.writeLine(m_console.paint(text, Console::Colour::Bold));
    if (m_scheduler.isRunning())
        redrawStatus();
}

QString TerminalProgress::describe(const RunEvent &event)
{
    const Plan &plan = m_scheduler.plan();
    const int total = int(plan.resources.size());
    if (event.kind == RunEvent::Kind::RunStarted || m_states.size() != std::size_t(total)) {
        // From the start, or from where the run is when shown after it started (a run on Argo
        // Workflows, followed once Argo has taken it).
        m_idWidth = 8;
        for (const Resource &resource : plan.resources)
            m_idWidth = std::max(m_idWidth, int(resource.id.size()));
        m_idWidth = std::min(m_idWidth, kMaxIdWidth);
        m_states.assign(plan.resources.size(), ResourceState::Pending);
        m_done = 0;
        if (event.kind != RunEvent::Kind::RunStarted) {
            for (int r = 0; r < total; ++r) {
                m_states[std::size_t(r)] = m_scheduler.status(r).state;
                m_done += int(isFinal(m_states[std::size_t(r)]));
            }
        }
    }
    if (event.kind == RunEvent::Kind::StateChanged) {
        m_done += int(isFinal(event.state)) - int(isFinal(m_states[event.resource]));
        m_states[event.resource] = event.state;
    }
    const QString prefix = m_console.paint(seconds(event.timeMs), Console::Colour::Dim)
        + QStringLiteral(" [%1/%2] ").arg(m_done, int(QString::number(total).size())).arg(total);
    auto resourceLine = [&](const QString &what, Console::Colour colour) {
        const QString id = shortId(plan.resources[event.resource].id, m_idWidth);
        return prefix + m_console.paint(id.leftJustified(m_idWidth), colour) + QLatin1Char(' ') + what;
    };

    switch (event.kind) {
    case RunEvent::Kind::RunStarted:
    case RunEvent::Kind::RunFinished:
        return QString();
    case RunEvent::Kind::RunResumed:
        return prefix + m_console.paint(QStringLiteral("run resumed to retry %1").arg(event.text), Console::Colour::Bold);
    case RunEvent::Kind::CancelRequested:
        return prefix + m_console.paint(QStringLiteral("cancelling: %1 asked to stop; nothing new starts")
                                            .arg(counted(m_scheduler.runningAttempts(), "running attempt")), Console::Colour::Yellow);
    case RunEvent::Kind::ParallelismChanged:
        return prefix + QStringLiteral("parallelism set to %1").arg(event.number);
    case RunEvent::Kind::Log: {
        if (!m_showLogs && event.level < LogLevel::Warning)
            return QString();
        const Console::Colour colour = event.level == LogLevel::Error ? Console::Colour::Red
            : event.level == LogLevel::Warning                         ? Console::Colour::Yellow
                                                                       : Console::Colour::Dim;
        return resourceLine(m_console.paint(QStringLiteral("| ") + event.text, colour), Console::Colour::None);
    }
    case RunEvent::Kind::StateChanged:
        break;
    }

    const ResourceStatus &status = m_scheduler.status(event.resource);
    switch (event.state) {
    case ResourceState::Pending:
    case ResourceState::Ready:
        return QString();
    case ResourceState::Running:
        return resourceLine(event.attempt > 1 ? QStringLiteral("started attempt %1").arg(event.attempt) : QStringLiteral("started"),
                            Console::Colour::Cyan);
    case ResourceState::Succeeded: {
        if (status.attempts.isEmpty()) // provisioned by an earlier run, per the state file
            return resourceLine(m_console.paint(event.text, Console::Colour::Green), Console::Colour::Green);
        qint64 took = 0;
        for (const AttemptRecord &attempt : status.attempts) {
            if (attempt.number == event.attempt)
                took = attempt.endMs - attempt.startMs;
        }
        const QString what = event.attempt > 1
            ? QStringLiteral("succeeded on attempt %1 in %2").arg(event.attempt).arg(formatDuration(took))
            : QStringLiteral("succeeded in %1").arg(formatDuration(took));
        return resourceLine(m_console.paint(what, Console::Colour::Green), Console::Colour::Green);
    }
    case ResourceState::RetryWait:
        return resourceLine(m_console.paint(event.text, Console::Colour::Yellow), Console::Colour::Yellow);
    case ResourceState::Failed:
        return resourceLine(m_console.paint(QStringLiteral("FAILED on attempt %1: %2").arg(event.attempt).arg(event.text), Console::Colour::Red),
                            Console::Colour::Red);
    case ResourceState::Skipped:
        if (const QString &target = plan.resources[event.resource].target;
            !target.isEmpty() && event.text.startsWith(QLatin1String(RolloutGate::kNotStarted))) {
            if (m_notStarted.isEmpty() || m_notStarted.last().target != target)
                m_notStarted.append(NotStarted{target, 0, event.text, event.timeMs});
            ++m_notStarted.last().resources;
            return QString();
        }
        [[fallthrough]];
    case ResourceState::Cancelled:
        return resourceLine(m_console.paint(stateName(event.state) + QStringLiteral(": ") + event.text, Console::Colour::Yellow),
                            Console::Colour::Yellow);
    }
    return QString();
}

QString TerminalProgress::notStartedLines()
{
    QString text;
    const int total = int(m_scheduler.plan().resources.size());
    for (const NotStarted &target : std::as_const(m_notStarted)) {
        const QString what = QStringLiteral("%1 (%2 %3)").arg(target.target).arg(target.resources).arg(target.resources == 1 ? "resource" : "resources");
        text += m_console.paint(seconds(target.timeMs), Console::Colour::Dim)
            + QStringLiteral(" [%1/%2] ").arg(m_done, int(QString::number(total).size())).arg(total)
            + m_console.paint(what.leftJustified(m_idWidth), Console::Colour::Yellow) + QLatin1Char(' ')
            + m_console.paint(QStringLiteral("skipped: ") + target.reason, Console::Colour::Yellow) + QLatin1Char('\n');
    }
    m_notStarted.clear();
    return text;
}

QString TerminalProgress::statusLine() const
{
    static const QString spinner = QStringLiteral("|/-\\");
    QStringList parts;
    auto add = [&](ResourceState state) {
        if (const int n = m_scheduler.count(state))
            parts.append(QStringLiteral("%1 %2").arg(n).arg(stateName(state)));
    };
    add(ResourceState::Running);
    add(ResourceState::Succeeded);
    add(ResourceState::Failed);
    add(ResourceState::RetryWait);
    add(ResourceState::Skipped);
    add(ResourceState::Cancelled);
    add(ResourceState::Ready);
    add(ResourceState::Pending);
    QString line = QStringLiteral("%1 %2  %3").arg(spinner[m_spinner % spinner.size()])
                       .arg(formatDuration(m_scheduler.elapsedMs()), parts.join(QStringLiteral(", ")));
    QStringList running;
    for (int r = 0; r < m_scheduler.plan().resources.size(); ++r) {
        if (m_scheduler.status(r).state == ResourceState::Running)
            running.append(m_scheduler.plan().resources[r].id);
    }
    if (!running.isEmpty())
        line += QStringLiteral("  | running: ") + running.join(QStringLiteral(", "));
    const int width = m_console.width() - 1;
    if (line.size() > width)
        line = line.left(std::max(0, width - 1)) + QChar(0x2026);
    return line;
}

void TerminalProgress::redrawStatus()
{
    if (!m_live || !m_scheduler.isRunning())
        return;
    ++m_spinner;
    m_console.write(QStringLiteral("\r\x1b[K") + m_console.paint(statusLine(), Console::Colour::Bold));
    m_statusShown = true;
}

void TerminalProgress::clearStatus()
{
    if (m_statusShown) {
        m_console.write(QStringLiteral("\r\x1b[K"));
        m_statusShown = false;
    }
}

void TerminalProgress::printSummary(const nlohmann::ordered_json &report, const QString &command)
{
    m_tick.stop();
    clearStatus();
    printSummary(m_console, report, command);
}

void TerminalProgress::printSummary(const Console &console, const nlohmann::ordered_json &report, const QString &command)
{
    using json = nlohmann::ordered_json;
    const auto text = [](const json &object, const char *key) {
        const auto it = object.find(key);
        return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    const json counts = report.value("counts", json::object());
    const json resources = report.value("resources", json::array());
    const auto count = [&](ResourceState state) { return counts.value(stateName(state).toStdString(), 0); };
    // Succeeded without an attempt: up to date, provisioned by an earlier run, so not run now.
    int upToDate = 0;
    for (const json &resource : resources) {
        upToDate += text(resource, "state") == stateName(ResourceState::Succeeded) && resource.value("attempts", json::array()).empty()
                    && text(resource, "reason") == ResourceStatus::upToDateReason();
    }
    QStringList said;
    for (const ResourceState state : {ResourceState::Succeeded, ResourceState::Failed, ResourceState::Skipped,
                                      ResourceState::Cancelled, ResourceState::Running, ResourceState::RetryWait,
                                      ResourceState::Ready, ResourceState::Pending}) {
        const int n = count(state) - (state == ResourceState::Succeeded ? upToDate : 0);
        if (n > 0)
            said.append(QStringLiteral("%1 %2").arg(n).arg(stateName(state)));
    }
    if (upToDate > 0)
        said.append(QStringLiteral("%1 up to date").arg(upToDate));
    int idWidth = 8;
    for (const json &resource : resources)
        idWidth = std::max(idWidth, int(text(resource, "id").size()));
    idWidth = std::min(idWidth, kMaxIdWidth);
    const bool allSucceeded = count(ResourceState::Succeeded) == int(resources.size());
    console.writeLine(QString());
    const QString planName = text(report.value("plan", json::object()), "name");
    if (upToDate == int(resources.size()) && upToDate > 0) {
        console.writeLine(console.paint(QStringLiteral("Nothing to do for \"%1\": %2 up to date").arg(planName, counted(upToDate, "resource")),
                                        Console::Colour::Green));
        return;
    }
    const QString what = command == QLatin1String("destroy") ? QStringLiteral("Destroy") : QStringLiteral("Run");
    console.writeLine(console.paint(QStringLiteral("%1 of \"%2\" %3 after %4: %5")
                                        .arg(what, planName,
                                             report.value("running", false) ? QStringLiteral("stopped") : QStringLiteral("finished"),
                                             formatDuration(report.value("duration_ms", qint64(0))), said.join(QStringLiteral(", "))),
                                    allSucceeded ? Console::Colour::Green : Console::Colour::Bold));
    auto list = [&](ResourceState state, const QString &heading, Console::Colour colour) {
        if (count(state) == 0)
            return;
        console.writeLine(console.paint(heading, colour));
        for (const json &resource : resources) {
            if (text(resource, "state") != stateName(state))
                continue;
            QString detail = text(resource, "reason");
            if (state == ResourceState::Skipped && detail.startsWith(QLatin1String(RolloutGate::kNotStarted)))
                continue; // said once for all, by target, below
            const json attempts = resource.value("attempts", json::array());
            if (state == ResourceState::Failed && !attempts.empty())
                detail = QStringLiteral("attempt %1: %2").arg(attempts.back().value("number", 0)).arg(detail);
            console.writeLine(QStringLiteral("  %1  %2").arg(text(resource, "id").leftJustified(idWidth), detail));
        }
    };
    list(ResourceState::Failed, QStringLiteral("Failed:"), Console::Colour::Red);
    list(ResourceState::Skipped, QStringLiteral("Skipped:"), Console::Colour::Yellow);
    list(ResourceState::Cancelled, QStringLiteral("Cancelled:"), Console::Colour::Yellow);
    printRollout(console, report);
}

void TerminalProgress::printRollout(const Console &console, const nlohmann::ordered_json &report)
{
    using json = nlohmann::ordered_json;
    const json rollout = report.value("rollout", json());
    if (!rollout.is_object())
        return;
    // "Targets: 8 succeeded, 2 failed, 2 not started", in the order a rollout goes through them.
    QStringList said;
    const json targets = rollout.value("targets", json::array());
    for (const char *state : {"succeeded", "failed", "running", "waiting", "skipped", "cancelled", "not-started"}) {
        const auto n = std::count_if(targets.begin(), targets.end(), [&](const json &t) { return t.value("state", "") == state; });
        if (n > 0)
            said.append(QStringLiteral("%1 %2").arg(n).arg(QString::fromLatin1(state).replace(QLatin1Char('-'), QLatin1Char(' '))));
    }
    console.writeLine(QStringLiteral("Targets: ") + said.join(QStringLiteral(", ")));
    if (!rollout.value("stopped", false))
        return;
    QStringList names;
    for (const json &name : rollout.value("not_started", json::array()))
        names.append(QString::fromStdString(name.get<std::string>()));
    console.writeLine(console.paint(QStringLiteral("The rollout stopped: %1. Never started (%2): %3")
                                        .arg(QString::fromStdString(rollout.value("stopped_reason", std::string())))
                                        .arg(names.size())
                                        .arg(names.join(QStringLiteral(", "))),
                                    Console::Colour::Yellow));
}

} // namespace fanout
