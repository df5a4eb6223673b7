#include "engine/executors/commandrun.h"

#include "engine/executors/attempt.h"
#include "engine/executors/groupkeeper.h"
#include "engine/executors/processsupervisor.h"
#include "engine/support/duration.h"
#include "engine/support/handover.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <limits>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace fanout {

namespace {

// How often a stopped command's group is looked at, once the command itself has exited, until the
// processes it started are gone too.
constexpr int kGroupPollMs = 20;

// An argument as a shell would need it written, for the "$ ..." line in the log.
QString quoted(const QString &argument)
{
    const bool plain = !argument.isEmpty() && std::all_of(argument.begin(), argument.end(), [](QChar c) {
        return c.isLetterOrNumber() || QStringView(u"_./:=@%+,-").contains(c);
    });
    if (plain)
        return argument;
    QString text = argument;
    text.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

QString signalName(int signal)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char *abbreviation = ::sigabbrev_np(signal))
        return QStringLiteral(" (SIG%1)").arg(QString::fromLatin1(abbreviation));
#else
    Q_UNUSED(signal);
#endif
    return QString();
}

// Whether a process of `group` is still alive. kill(-group, 0) alone also counts zombies, which
// stay until whoever inherited them reaps them; in a container whose init does not reap, that is
// never. So on Linux the members' states are looked up in /proc.
bool groupHasLiveProcess(pid_t group)
{
    if (::kill(-group, 0) != 0)
        return errno == EPERM;
    const QDir proc(QStringLiteral("/proc"));
    if (!proc.exists())
        return true;
    const QStringList entries = proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        if (entry.isEmpty() || !entry.front().isDigit())
            continue;
        QFile stat(proc.filePath(entry) + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse from the last ')'.
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 1).simplified().split(' ');
        if (fields.size() >= 3 && fields[2].toLongLong() == group && fields[0] != "Z" && fields[0] != "X")
            return true;
    }
    return false;
}

} // namespace

void CommandRun::start(std::shared_ptr<Attempt> attempt, CommandExecutor::Spec spec)
{
    ProcessSupervisor &supervisor = ProcessSupervisor::instance();
    supervisor.post(attempt, [attempt, spec = std::move(spec)] {
        // Created on the supervisor's thread, so that the process and the timers live there.
        auto *run = new CommandRun(attempt, spec);
        run->guarded([run] { run->begin(); });
    });
}

CommandRun::CommandRun(std::shared_ptr<Attempt> attempt, CommandExecutor::Spec spec)
    : m_attempt(std::move(attempt))
    , m_spec(std::move(spec))
    , m_link(std::make_shared<CommandRun *>(this))
    , m_output(m_attempt)
{
    m_graceTimer.setSingleShot(true);
    m_groupTimer.setInterval(kGroupPollMs);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] { guarded([this] { onGraceOver(); }); });
    connect(&m_groupTimer, &QTimer::timeout, this, [this] { guarded([this] { checkGroup(); }); });
}

CommandRun::~CommandRun()
{
    *m_link = nullptr;
    // Only a run that failed with an exception gets here with its process running: ~QProcess
    // kills it and waits, which takes no time after the SIGKILL it has had.
    delete m_process;
    if (m_pid > 0)
        ProcessSupervisor::instance().release(m_pid);
}

template <typename Step> void CommandRun::guarded(Step step)
{
    if (m_ended || m_attempt->runGuarded(step))
        return;
    // The attempt failed with the exception's message: nothing the command started may outlive it.
    if (m_pid > 0)
        ::kill(-m_pid, SIGKILL);
    end();
}

void CommandRun::begin()
{
    if (m_attempt->isStopRequested()) {
        m_attempt->fail(QStringLiteral("stopped before it started"));
        return end();
    }
    if (!prepare())
        return end();
    m_clock.start();
    m_process->start();
    m_pid = pid_t(m_process->processId());
    if (m_pid > 0)
        GroupKeeper::instance().noteStarted(m_pid);
    if (m_ended)
        return; // it could not start, and onError() said why
    // The queued call reaches this run on its own thread, and only while it exists.
    m_attempt->setStopHandler([link = m_link] {
        QMetaObject::invokeMethod(
            &ProcessSupervisor::instance(), handedOver([link] {
                if (CommandRun *run = *link)
                    run->guarded([run] { run->stop(); });
            }),
            Qt::QueuedConnection);
    });
}

// Sets the process up; fails the attempt and returns false when it cannot start.
bool CommandRun::prepare()
{
    if (m_spec.command.isEmpty()) {
        // Only a plan that skipped validation gets here.
        failWith(QStringLiteral("no command to run: give \"command\""));
        return false;
    }
    m_workingDirectory = QDir::cleanPath(QDir::current().absoluteFilePath(m_spec.workingDirectory));
    const QFileInfo directory(m_workingDirectory);
    if (!directory.isDir()) {
        QString error = QStringLiteral("cannot start \"%1\": the working directory %2 %3")
                            .arg(m_spec.command.first(), m_workingDirectory,
                                 directory.exists() ? QStringLiteral("is not a directory") : QStringLiteral("does not exist"));
        if (QDir::isRelativePath(m_spec.workingDirectory)) {
            error += QStringLiteral(" (cwd \"%1\" is relative to %2, where Fanout runs)")
                         .arg(m_spec.workingDirectory, QDir::currentPath());
        }
        failWith(error);
        return false;
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : m_spec.env)
        environment.insert(name, value);

    // The program is resolved here rather than by QProcess so that PATH is the command's own and
    // a failure can say exactly what is missing.
    const QString &program = m_spec.command.first();
    QString executable;
    if (program.contains(QLatin1Char('/'))) {
        executable = QDir::cleanPath(QDir(m_workingDirectory).absoluteFilePath(program));
        const QFileInfo file(executable);
        QString reason;
        if (!file.exists())
            reason = QStringLiteral("No such file or directory");
        else if (file.isDir())
            reason = QStringLiteral("it is a directory");
        else if (!file.isExecutable())
            reason = QStringLiteral("Permission denied: the file is not executable (chmod +x it, or run it with "
                                    "its interpreter, such as [\"sh\", \"%1\"])").arg(program);
        if (!reason.isEmpty()) {
            failWith(cannotStart(reason));
            return false;
        }
    } else {
        const QString path = environment.value(QStringLiteral("PATH"));
        executable = QStandardPaths::findExecutable(program, path.split(QLatin1Char(':'), Qt::SkipEmptyParts));
        if (executable.isEmpty()) {
            failWith(cannotStart(QStringLiteral("not found in any directory of PATH=%1").arg(path)));
            return false;
        }
    }

    m_process = new QProcess(this);
    m_process->setProgram(executable);
    m_process->setArguments(m_spec.command.mid(1));
    m_process->setWorkingDirectory(m_workingDirectory);
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    // Nobody types into it: a command that asks a question gets end-of-file instead of hanging.
    m_process->setStandardInputFile(QProcess::nullDevice());

    // In the child, between fork and exec (async-signal-safe calls only): a group of its own, so
    // that a stop reaches everything the command started; the group registered with the keeper
    // before anything of the command runs; SIGKILL when Fanout's process-watching thread, and so
    // Fanout, ends; and the descriptor limit the command would have had without Fanout raising it.
    const pid_t fanout = ::getpid();
    const GroupKeeper *keeper = &GroupKeeper::instance();
    const rlimit inherited = ProcessSupervisor::instance().inheritedDescriptorLimit();
    m_process->setChildProcessModifier([fanout, keeper, inherited] {
        ::setpgid(0, 0);
        keeper->registerGroupFromChild(::getpid());
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != fanout)
            ::_exit(127); // Fanout died before the line above: nobody is left to watch this command
        ::setrlimit(RLIMIT_NOFILE, &inherited);
    });

    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this] { guarded([this] { m_output.appendStdout(m_process->readAllStandardOutput()); }); });
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { guarded([this] { m_output.appendStderr(m_process->readAllStandardError()); }); });
    connect(m_process, &QProcess::finished, this, [this] { guarded([this] { onFinished(); }); });
    connect(m_process, &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError error) { guarded([this, error] { onError(error); }); });

    QStringList shown;
    for (const QString &argument : m_spec.command)
        shown.append(quoted(argument));
    // A script written inline (a heredoc, say) would flood the log: its first line says enough.
    QString line = shown.join(QLatin1Char(' '));
    if (const qsizetype newline = line.indexOf(QLatin1Char('\n')); newline >= 0)
        line = line.left(newline) + QStringLiteral(" … (%1 more lines)").arg(line.count(QLatin1Char('\n')));
    m_attempt->log(LogLevel::Info, QStringLiteral("$ ") + line);
    return true;
}

QString CommandRun::cannotStart(const QString &reason) const
{
    return QStringLiteral("cannot start \"%1\": %2 (working directory %3)")
        .arg(m_spec.command.first(), reason, m_workingDirectory);
}

void CommandRun::failWith(const QString &error)
{
    m_attempt->log(LogLevel::Error, error);
    m_attempt->fail(error);
}

void CommandRun::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_ended)
        return; // the other errors (a crash, a failed read) end in finished()
    QString reason = m_process->errorString();
    // Qt says which call failed ("execve: ..."); the user needs only why.
    static const QLatin1String execve("execve: ");
    if (reason.startsWith(execve))
        reason.remove(0, execve.size());
    // execve says ENOENT for a script whose #! names a missing interpreter, too.
    if (QFileInfo(m_process->program()).isFile() && reason.contains(QLatin1String("No such file or directory")))
        reason += QStringLiteral("; if it is a script, check the interpreter on its #! line");
    failWith(cannotStart(reason));
    end();
}

void CommandRun::onFinished()
{
    m_exited = true;
    m_output.appendStdout(m_process->readAllStandardOutput());
    m_output.appendStderr(m_process->readAllStandardError());
    m_output.finish();
    if (m_stopping)
        return checkGroup();
    concludeExit();
}

void CommandRun::concludeExit()
{
    if (m_process->exitStatus() == QProcess::CrashExit) {
        // For a process killed by a signal, QProcess reports the signal as its exit code.
        const int signal = m_process->exitCode();
        QString error = QStringLiteral("killed by signal %1%2").arg(signal).arg(signalName(signal));
        if (m_output.hasStderr())
            error += QStringLiteral(": ") + m_output.stderrTail();
        failWith(error);
    } else if (m_process->exitCode() != 0) {
        QString error = QStringLiteral("exited with code %1").arg(m_process->exitCode());
        if (m_output.hasStderr())
            error += QStringLiteral(": ") + m_output.stderrTail();
        failWith(error);
    } else {
        if (m_spec.outputsJson)
            m_output.readJsonOutputs();
        m_attempt->succeed();
    }
    end();
}

void CommandRun::stop()
{
    if (m_stopping || m_exited || m_ended)
        return;
    if (m_process->state() == QProcess::Starting) {
        // Until it has started, its group may not exist yet: the signal waits for it.
        connect(m_process, &QProcess::started, this, [this] { guarded([this] { stop(); }); }, Qt::SingleShotConnection);
        return;
    }
    m_stopping = true;
    signalGroup(SIGTERM);
    m_attempt->log(LogLevel::Warning, QStringLiteral("stopping: sent SIGTERM to the command and its processes; "
                                                     "SIGKILL follows in %1 if any is still running")
                                          .arg(formatDuration(m_spec.graceMs)));
    m_graceTimer.start(int(std::clamp<qint64>(m_spec.graceMs, 0, std::numeric_limits<int>::max())));
}

void CommandRun::onGraceOver()
{
    m_killed = true;
    signalGroup(SIGKILL);
    if (!m_exited) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("still running %1 after SIGTERM: sent SIGKILL")
                                              .arg(formatDuration(m_spec.graceMs)));
        return; // finished() follows
    }
    m_attempt->log(LogLevel::Warning, QStringLiteral("processes the command started were still running %1 "
                                                     "after SIGTERM: sent SIGKILL")
                                          .arg(formatDuration(m_spec.graceMs)));
    checkGroup();
}

// After a stop, the command itself may be gone while processes it started still run (they ignore
// SIGTERM, or take their time): they get the rest of the grace period, then SIGKILL.
void CommandRun::checkGroup()
{
    // A process group id is not reused while any process of the group is left, zombies included.
    if (!m_killed && groupHasLiveProcess(m_pid)) {
        if (!m_groupTimer.isActive())
            m_groupTimer.start();
        return;
    }
    m_groupTimer.stop();
    m_attempt->fail(QStringLiteral("stopped after %1").arg(formatDuration(m_clock.elapsed())));
    end();
}

void CommandRun::signalGroup(int signal)
{
    Q_ASSERT(m_pid > 0);
    if (::kill(-m_pid, signal) != 0 && errno != ESRCH) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("could not send signal %1 to process group %2: %3")
                                              .arg(signal).arg(m_pid).arg(QString::fromLocal8Bit(std::strerror(errno))));
    }
}

void CommandRun::end()
{
    if (m_ended)
        return;
    m_ended = true;
    m_graceTimer.stop();
    m_groupTimer.stop();
    deleteLater();
}

} // namespace fanout
