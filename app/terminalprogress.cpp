#include "app/terminalprogress.h"

#include "engine/run/scheduler.h"
#include "engine/support/duration.h"

#include <algorithm>

namespace fanout {

namespace {

constexpr int kMaxIdWidth = 32;

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
    if (event.kind == RunEvent::Kind::RunStarted) {
        m_idWidth = 8;
        for (const Resource &resource : plan.resources)
            m_idWidth = std::max(m_idWidth, int(resource.id.size()));
        m_idWidth = std::min(m_idWidth, kMaxIdWidth);
        m_states.assign(plan.resources.size(), ResourceState::Pending);
        m_done = 0;
    } else if (event.kind == RunEvent::Kind::StateChanged) {
        m_done += int(isFinal(event.state)) - int(isFinal(m_states[event.resource]));
        m_states[event.resource] = event.state;
    }
    const QString prefix = m_console.paint(seconds(event.timeMs), Console::Colour::Dim)
        + QStringLiteral(" [%1/%2] ").arg(m_done, int(QString::number(total).size())).arg(total);
    auto resourceLine = [&](const QString &what, Console::Colour colour) {
        QString id = plan.resources[event.resource].id;
        if (id.size() > m_idWidth)
            id = id.left(m_idWidth - 1) + QChar(0x2026);
        return prefix + m_console.paint(id.leftJustified(m_idWidth), colour) + QLatin1Char(' ') + what;
    };

    switch (event.kind) {
    case RunEvent::Kind::RunStarted:
    case RunEvent::Kind::RunFinished:
        return QString();
    case RunEvent::Kind::RunResumed:
        return prefix + m_console.paint(QStringLiteral("run resumed to retry %1").arg(event.text), Console::Colour::Bold);
    case RunEvent::Kind::CancelRequested:
        return prefix + m_console.paint(QStringLiteral("cancelling: %1 running attempt(s) asked to stop; nothing new starts")
                                            .arg(m_scheduler.runningAttempts()), Console::Colour::Yellow);
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
    case ResourceState::Cancelled:
        return resourceLine(m_console.paint(stateName(event.state) + QStringLiteral(": ") + event.text, Console::Colour::Yellow),
                            Console::Colour::Yellow);
    }
    return QString();
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

void TerminalProgress::printSummary(const QString &planName)
{
    m_tick.stop();
    clearStatus();
    const Plan &plan = m_scheduler.plan();
    QStringList counts;
    for (const ResourceState state : {ResourceState::Succeeded, ResourceState::Failed, ResourceState::Skipped,
                                      ResourceState::Cancelled, ResourceState::Running, ResourceState::RetryWait,
                                      ResourceState::Ready, ResourceState::Pending}) {
        if (const int n = m_scheduler.count(state))
            counts.append(QStringLiteral("%1 %2").arg(n).arg(stateName(state)));
    }
    const bool allSucceeded = m_scheduler.count(ResourceState::Succeeded) == plan.resources.size();
    m_console.writeLine(QString());
    m_console.writeLine(m_console.paint(QStringLiteral("Run of \"%1\" %2 after %3: %4")
                                            .arg(planName, m_scheduler.isRunning() ? QStringLiteral("stopped") : QStringLiteral("finished"),
                                                 formatDuration(m_scheduler.elapsedMs()), counts.join(QStringLiteral(", "))),
                                        allSucceeded ? Console::Colour::Green : Console::Colour::Bold));
    auto list = [&](ResourceState state, const QString &heading, Console::Colour colour) {
        if (m_scheduler.count(state) == 0)
            return;
        m_console.writeLine(m_console.paint(heading, colour));
        for (int r = 0; r < plan.resources.size(); ++r) {
            const ResourceStatus &status = m_scheduler.status(r);
            if (status.state != state)
                continue;
            QString detail = status.reason;
            if (state == ResourceState::Failed && !status.attempts.isEmpty())
                detail = QStringLiteral("attempt %1: %2").arg(status.attempts.last().number).arg(status.reason);
            m_console.writeLine(QStringLiteral("  %1  %2").arg(plan.resources[r].id.leftJustified(m_idWidth), detail));
        }
    };
    list(ResourceState::Failed, QStringLiteral("Failed:"), Console::Colour::Red);
    list(ResourceState::Skipped, QStringLiteral("Skipped:"), Console::Colour::Yellow);
    list(ResourceState::Cancelled, QStringLiteral("Cancelled:"), Console::Colour::Yellow);
}

} // namespace fanout
