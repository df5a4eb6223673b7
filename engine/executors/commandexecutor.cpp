#include "engine/executors/commandexecutor.h"

#include "engine/executors/attempt.h"
#include "engine/executors/workerpool.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include <signal.h>
#include <unistd.h>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// How often a waiting run looks at whether it was asked to stop: short enough that a cancel feels
// immediate, long enough to cost nothing.
constexpr int kPollMs = 50;
// A line longer than this is cut in the log (a minified bundle, a progress bar without newlines).
constexpr qsizetype kMaxLogLineChars = 16 * 1024;
// Bytes kept of one line, for "::output" values and the outputs_json line; the rest is dropped
// unread so that a process writing without newlines cannot exhaust memory.
constexpr qsizetype kMaxLineBytes = 1024 * 1024;
// The failure message quotes this many of the last stderr lines, each cut to kMaxTailLineChars.
constexpr std::size_t kStderrTailLines = 5;
constexpr qsizetype kMaxTailLineChars = 500;
constexpr qint64 kDefaultGraceMs = 5000;

Diagnostic problem(const QString &path, const QString &message)
{
    return Diagnostic{Diagnostic::Severity::Error, path, 0, 0, message};
}

QString typeName(const json &value)
{
    return QString::fromLatin1(value.type_name());
}

QString fromJson(const json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

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

// One line of a stream as it came, without its newline.
struct Line
{
    QByteArray bytes;
    bool truncated = false; // longer than kMaxLineBytes; the rest was dropped
};

// Cuts one of a process's streams into lines as its bytes arrive, in whatever pieces they come.
class LineBuffer
{
public:
    QList<Line> append(const QByteArray &bytes)
    {
        QList<Line> lines;
        qsizetype start = 0;
        while (start < bytes.size()) {
            const qsizetype newline = bytes.indexOf('\n', start);
            const qsizetype end = newline < 0 ? bytes.size() : newline;
            const qsizetype room = std::max<qsizetype>(0, kMaxLineBytes - m_pending.size());
            if (end - start > room)
                m_truncated = true;
            m_pending.append(bytes.constData() + start, std::min(end - start, room));
            if (newline < 0)
                break;
            lines.append(take());
            start = newline + 1;
        }
        return lines;
    }

    // The last line, when the stream ended without a newline.
    std::optional<Line> finish()
    {
        if (m_pending.isEmpty() && !m_truncated)
            return std::nullopt;
        return take();
    }

private:
    Line take()
    {
        Line line{std::exchange(m_pending, QByteArray()), std::exchange(m_truncated, false)};
        while (line.bytes.endsWith('\r'))
            line.bytes.chop(1);
        return line;
    }

    QByteArray m_pending;
    bool m_truncated = false;
};

// A line as the log shows it: cut to kMaxLogLineChars, with a mark where it was cut.
QString forLog(QString text, bool truncated)
{
    if (text.size() > kMaxLogLineChars) {
        qsizetype cut = kMaxLogLineChars;
        if (text.at(cut - 1).isHighSurrogate())
            --cut;
        text.truncate(cut);
        truncated = true;
    }
    if (truncated)
        text += QStringLiteral("…(truncated)");
    return text;
}

bool isOutputKeyChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('.')
        || c == QLatin1Char('-');
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

// One run of a command on a pool thread: starts the process, streams its output into the log,
// stops it (and everything it started) when the attempt is asked to, and finishes the attempt.
class CommandRun
{
public:
    CommandRun(std::shared_ptr<Attempt> attempt, CommandExecutor::Spec spec)
        : m_attempt(std::move(attempt)), m_spec(std::move(spec))
    {
    }

    void exec();

private:
    bool prepare(QProcess &process);
    QString cannotStart(const QString &reason) const;
    void failWith(const QString &error);
    void checkStop();
    void waitForGroup();
    void signalGroup(int signal);
    void pump(QProcess &process);
    void onStdout(const Line &line);
    void onStderr(const Line &line);
    QString stderrTail() const;
    void readJsonOutputs();

    const std::shared_ptr<Attempt> m_attempt;
    const CommandExecutor::Spec m_spec;
    QString m_workingDirectory;  // absolute
    QElapsedTimer m_clock;
    qint64 m_pid = 0;            // also the process group's id
    bool m_stopping = false;
    bool m_killed = false;
    QElapsedTimer m_stopClock;   // since SIGTERM
    LineBuffer m_stdout;
    LineBuffer m_stderr;
    std::deque<QString> m_stderrTail;
    QString m_lastStdoutLine;    // the last non-empty one, for outputs_json
    bool m_lastStdoutTruncated = false;
};

void CommandRun::exec()
{
    // The whole run waits (for the process), so this attempt lends its pool a thread for others.
    const WorkerPool::Blocking blocking(m_attempt->workers());
    if (m_attempt->isStopRequested())
        return m_attempt->fail(QStringLiteral("stopped before it started"));

    QProcess process;
    if (!prepare(process))
        return;
    m_clock.start();
    process.start();
    // Starting is quick (fork and exec); a stop request is looked at as soon as it has started.
    while (process.state() == QProcess::Starting)
        process.waitForStarted(kPollMs);
    if (process.state() == QProcess::NotRunning) {
        QString reason = process.errorString();
        // Qt says which call failed ("execve: ..."); the user needs only why.
        static const QLatin1String execve("execve: ");
        if (reason.startsWith(execve))
            reason.remove(0, execve.size());
        // execve says ENOENT for a script whose #! names a missing interpreter, too.
        if (QFileInfo(process.program()).isFile() && reason.contains(QLatin1String("No such file or directory")))
            reason += QStringLiteral("; if it is a script, check the interpreter on its #! line");
        return failWith(cannotStart(reason));
    }
    m_pid = process.processId();

    while (process.state() != QProcess::NotRunning) {
        checkStop();
        QElapsedTimer waited;
        waited.start();
        // waitForReadyRead returns at once when stdout is closed; then stderr and the exit are
        // waited for instead, rather than spinning.
        if (!process.waitForReadyRead(kPollMs) && process.state() != QProcess::NotRunning
            && waited.elapsed() < kPollMs / 2) {
            process.waitForFinished(kPollMs);
        }
        pump(process);
    }
    pump(process);
    if (const auto line = m_stdout.finish())
        onStdout(*line);
    if (const auto line = m_stderr.finish())
        onStderr(*line);

    if (m_stopping) {
        waitForGroup();
        return m_attempt->fail(QStringLiteral("stopped after %1").arg(formatDuration(m_clock.elapsed())));
    }
    if (process.exitStatus() == QProcess::CrashExit) {
        // For a process killed by a signal, QProcess reports the signal as its exit code.
        const int signal = process.exitCode();
        QString error = QStringLiteral("killed by signal %1%2").arg(signal).arg(signalName(signal));
        if (!m_stderrTail.empty())
            error += QStringLiteral(": ") + stderrTail();
        return failWith(error);
    }
    if (process.exitCode() != 0) {
        QString error = QStringLiteral("exited with code %1").arg(process.exitCode());
        if (!m_stderrTail.empty())
            error += QStringLiteral(": ") + stderrTail();
        return failWith(error);
    }
    if (m_spec.outputsJson)
        readJsonOutputs();
    m_attempt->succeed();
}

// Sets the process up; fails the attempt and returns false when it cannot start.
bool CommandRun::prepare(QProcess &process)
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

    process.setProgram(executable);
    process.setArguments(m_spec.command.mid(1));
    process.setWorkingDirectory(m_workingDirectory);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    // Nobody types into it: a command that asks a question gets end-of-file instead of hanging.
    process.setStandardInputFile(QProcess::nullDevice());
    // A group of its own, so that a stop reaches everything the command started.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });

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

void CommandRun::checkStop()
{
    if (!m_stopping) {
        if (!m_attempt->isStopRequested())
            return;
        m_stopping = true;
        m_stopClock.start();
        signalGroup(SIGTERM);
        m_attempt->log(LogLevel::Warning, QStringLiteral("stopping: sent SIGTERM to the command and its processes; "
                                                         "SIGKILL follows in %1 if any is still running")
                                              .arg(formatDuration(m_spec.graceMs)));
    } else if (!m_killed && m_stopClock.elapsed() >= m_spec.graceMs) {
        m_killed = true;
        signalGroup(SIGKILL);
        m_attempt->log(LogLevel::Warning, QStringLiteral("still running %1 after SIGTERM: sent SIGKILL")
                                              .arg(formatDuration(m_spec.graceMs)));
    }
}

// After a stop, the command itself may be gone while processes it started still run (they ignore
// SIGTERM, or take their time): they get the rest of the grace period, then SIGKILL.
void CommandRun::waitForGroup()
{
    // A process group id is not reused while any process of the group is left, zombies included.
    while (!m_killed && groupHasLiveProcess(pid_t(m_pid))) {
        if (m_stopClock.elapsed() >= m_spec.graceMs) {
            m_killed = true;
            signalGroup(SIGKILL);
            m_attempt->log(LogLevel::Warning, QStringLiteral("processes the command started were still running %1 "
                                                             "after SIGTERM: sent SIGKILL")
                                                  .arg(formatDuration(m_spec.graceMs)));
            break;
        }
        QThread::msleep(20);
    }
}

void CommandRun::signalGroup(int signal)
{
    Q_ASSERT(m_pid > 0);
    if (::kill(pid_t(-m_pid), signal) != 0 && errno != ESRCH) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("could not send signal %1 to process group %2: %3")
                                              .arg(signal).arg(m_pid).arg(QString::fromLocal8Bit(std::strerror(errno))));
    }
}

void CommandRun::pump(QProcess &process)
{
    for (const Line &line : m_stdout.append(process.readAllStandardOutput()))
        onStdout(line);
    for (const Line &line : m_stderr.append(process.readAllStandardError()))
        onStderr(line);
}

void CommandRun::onStdout(const Line &line)
{
    const QString text = QString::fromUtf8(line.bytes);
    m_attempt->log(LogLevel::Info, forLog(text, line.truncated));
    if (!text.trimmed().isEmpty()) {
        m_lastStdoutLine = text;
        m_lastStdoutTruncated = line.truncated;
    }

    static const QLatin1String marker("::output");
    if (!text.startsWith(marker))
        return;
    // "::output KEY=VALUE"
    qsizetype end = marker.size() + 1;
    const bool spaced = text.size() > marker.size() && text.at(marker.size()) == QLatin1Char(' ');
    while (end < text.size() && isOutputKeyChar(text.at(end)))
        ++end;
    if (!spaced || end == marker.size() + 1 || end >= text.size() || text.at(end) != QLatin1Char('=')) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("ignored this ::output line: write it as ::output KEY=VALUE, "
                                                         "KEY made of letters, digits, '_', '.' and '-'"));
        return;
    }
    if (line.truncated) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("ignored this ::output line: it is longer than %1 bytes")
                                              .arg(kMaxLineBytes));
        return;
    }
    const qsizetype keyStart = marker.size() + 1;
    m_attempt->setOutput(text.mid(keyStart, end - keyStart), text.mid(end + 1));
}

void CommandRun::onStderr(const Line &line)
{
    const QString text = QString::fromUtf8(line.bytes);
    m_attempt->log(LogLevel::Warning, QStringLiteral("stderr: ") + forLog(text, line.truncated));
    if (text.trimmed().isEmpty())
        return;
    m_stderrTail.push_back(text.size() > kMaxTailLineChars ? text.left(kMaxTailLineChars) + QStringLiteral("…") : text);
    if (m_stderrTail.size() > kStderrTailLines)
        m_stderrTail.pop_front();
}

QString CommandRun::stderrTail() const
{
    QStringList lines;
    for (const QString &line : m_stderrTail)
        lines.append(line.trimmed());
    return lines.join(QStringLiteral(" | "));
}

void CommandRun::readJsonOutputs()
{
    const auto warn = [this](const QString &why) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("outputs_json: %1, so it gave no outputs").arg(why));
    };
    if (m_lastStdoutLine.isEmpty())
        return warn(QStringLiteral("the command wrote nothing on stdout"));
    if (m_lastStdoutTruncated)
        return warn(QStringLiteral("the last line of stdout is longer than %1 bytes").arg(kMaxLineBytes));
    try {
        const json document = json::parse(m_lastStdoutLine.toStdString(), nullptr, false);
        if (!document.is_object())
            return warn(QStringLiteral("the last line of stdout is not a JSON object"));
        for (const auto &member : document.items()) {
            const json &value = member.value();
            m_attempt->setOutput(QString::fromStdString(member.key()),
                                 value.is_string() ? fromJson(value) : QString::fromStdString(value.dump()));
        }
    } catch (const json::exception &e) {
        warn(QStringLiteral("the last line of stdout could not be read as JSON (%1)").arg(QString::fromUtf8(e.what())));
    }
}

// Fills in ${self.outputs.KEY} in every string of `value` from the outputs recorded when the
// resource was created (what a destroy action refers to); the scheduler has substituted every other
// reference already.
void substituteSelfOutputs(json &value, const QMap<QString, QString> &known, QStringList *errors)
{
    if (value.is_structured()) {
        for (auto &member : value)
            substituteSelfOutputs(member, known, errors);
        return;
    }
    if (!value.is_string())
        return;
    static const QLatin1String opening("${self.outputs.");
    QString text = fromJson(value);
    bool changed = false;
    for (qsizetype at = text.indexOf(opening); at >= 0; at = text.indexOf(opening, at)) {
        const qsizetype close = text.indexOf(QLatin1Char('}'), at);
        if (close < 0)
            break;
        const QString key = text.mid(at + opening.size(), close - at - opening.size());
        const auto it = known.constFind(key);
        if (it == known.cend()) {
            errors->append(QStringLiteral("${self.outputs.%1}: the resource has no recorded output \"%1\" (%2)")
                               .arg(key, known.isEmpty() ? QStringLiteral("it has none")
                                                         : QStringLiteral("it has: ") + known.keys().join(QStringLiteral(", "))));
            at = close + 1;
            continue;
        }
        text.replace(at, close + 1 - at, *it);
        at += it->size();
        changed = true;
    }
    if (changed)
        value = text.toStdString();
}

// A reference is checked once it has been substituted, when the attempt starts.
bool isReference(const json &value)
{
    return value.is_string() && value.get_ref<const std::string &>().find("${") != std::string::npos;
}

using Kind = FieldDescription::Kind;

// Where problems go: `out`, when there is one.
struct Report
{
    Diagnostics *out;
    void operator()(const QString &at, const QString &message) const
    {
        if (out)
            out->append(problem(at, message));
    }
};

ExecutorDescription describe()
{
    return {
        .type = QStringLiteral("command"),
        .summary = QStringLiteral("runs a process, such as terraform apply or a script"),
        .iconName = QStringLiteral("utilities-terminal"),
        .iconSvg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">)"
                   R"(<rect x="1" y="2.5" width="14" height="11" rx="1.5" fill="#3c4043"/>)"
                   R"(<path d="M4 6l2.4 2L4 10M8 10.5h4" fill="none" stroke="#fff" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round"/></svg>)",
        .newParameters = {{"command", {"true"}}},
        .section = {
            .title = QStringLiteral("Process"),
            .fields = {
                {.path = QStringLiteral("shell"), .kind = Kind::Flag, .label = QStringLiteral("Run through /bin/sh -c"), .what = QStringLiteral("the shell setting"),
                 .help = QStringLiteral("Checked: the command is one line run by /bin/sh -c. Unchecked (the default): a program and its arguments, run without a shell."),
                 .defaultValue = false, .switchesCommand = QStringLiteral("command")},
                {.path = QStringLiteral("command"), .kind = Kind::Command, .label = QStringLiteral("Command"), .what = QStringLiteral("the command"),
                 .help = QStringLiteral("The program, then one argument per row, run without a shell (a program with a / is relative to the directory). Required."),
                 .placeholder = QStringLiteral("argument"), .secondPlaceholder = QStringLiteral("command line, such as ./build.sh && ./deploy.sh"),
                 .secondHelp = QStringLiteral("The command line /bin/sh -c runs. Required."), .addText = QStringLiteral("Add argument"),
                 .itemName = QStringLiteral("Argument"), .required = true},
                {.path = QStringLiteral("cwd"), .label = QStringLiteral("Directory"), .what = QStringLiteral("the working directory"),
                 .help = QStringLiteral("The directory to run in; relative to the directory Fanout runs in. Empty: Fanout's working directory."),
                 .placeholder = QStringLiteral("Fanout's working directory")},
                {.path = QStringLiteral("env"), .kind = Kind::NameValueMap, .label = QStringLiteral("Environment"), .what = QStringLiteral("the environment"),
                 .help = QStringLiteral("Variables added to Fanout's own environment: a name and its value per row."),
                 .placeholder = QStringLiteral("NAME"), .secondPlaceholder = QStringLiteral("value"), .addText = QStringLiteral("Add variable")},
                {.path = QStringLiteral("grace"), .kind = Kind::Duration, .label = QStringLiteral("Grace"), .what = QStringLiteral("the grace period"),
                 .help = FieldDescription::durationHelp(QStringLiteral("How long a stopped command has between SIGTERM and SIGKILL"), formatDuration(kDefaultGraceMs)),
                 .defaultValue = formatDuration(kDefaultGraceMs).toStdString()},
                {.path = QStringLiteral("outputs_json"), .kind = Kind::Flag, .label = QStringLiteral("Outputs from its last JSON line"),
                 .what = QStringLiteral("the JSON outputs setting"),
                 .help = QStringLiteral("When it succeeds and the last non-empty line of its output is a JSON object, each member becomes an output."),
                 .defaultValue = false},
            },
        },
    };
}

const ExecutorDescription &description()
{
    static const ExecutorDescription described = describe();
    return described;
}

// "shell": true or false. False when it is neither, with `known` false: then whether "command"
// should be a string cannot be told.
bool readShell(const json &params, const QString &path, const Report &report, bool *known)
{
    *known = true;
    const auto it = params.find("shell");
    if (it == params.end())
        return description().field(QStringLiteral("shell")).defaultValue.get<bool>();
    if (it->is_boolean())
        return it->get<bool>();
    *known = false;
    report(jsonMemberPath(path, QStringLiteral("shell")),
           QStringLiteral("is %1; write true to run \"command\", a string, with /bin/sh -c, or false (the "
                          "default) to run the list \"command\" without a shell").arg(typeName(*it)));
    return false;
}

// A program and its arguments, each a string.
QStringList readArguments(const json &command, const QString &at, const Report &report)
{
    if (command.empty()) {
        report(at, QStringLiteral("is empty: give at least the program to run, such as [\"./migrate.sh\"]"));
        return {};
    }
    QStringList argv;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const json &argument = command[i];
        const QString where = jsonIndexPath(at, qsizetype(i));
        if (!argument.is_string())
            report(where, QStringLiteral("is %1; the program and each argument must be a string (write numbers in "
                                         "quotes, such as \"8080\")").arg(typeName(argument)));
        else if (i == 0 && argument.get_ref<const std::string &>().empty())
            report(where, QStringLiteral("is empty: name the program to run, such as \"./migrate.sh\" or \"terraform\""));
        else
            argv.append(fromJson(argument));
    }
    return argv.size() == qsizetype(command.size()) ? argv : QStringList();
}

// "command": a list of arguments, or one line for /bin/sh -c with "shell": true.
QStringList readCommand(const json &params, const QString &path, bool shell, bool shellKnown, const Report &report)
{
    const QString at = jsonMemberPath(path, QStringLiteral("command"));
    const auto command = params.find("command");
    if (command == params.end()) {
        if (description().field(QStringLiteral("command")).required) {
            report(at, shell ? QStringLiteral("missing: give the command line to run, such as \"./build.sh && ./deploy.sh\"")
                             : QStringLiteral("missing: give the program to run and its arguments as a list of strings, such "
                                              "as [\"./migrate.sh\", \"--env\", \"prod\"]"));
        }
    } else if (command->is_string()) {
        const QString line = fromJson(*command);
        if (!shell) {
            if (shellKnown) {
                report(at, QStringLiteral("is a string, which only a shell can run: add \"shell\": true to run "
                                          "it with /bin/sh -c, or give the program and its arguments as a "
                                          "list, such as [\"./migrate.sh\", \"--env\", \"prod\"]"));
            }
        } else if (line.trimmed().isEmpty()) {
            report(at, QStringLiteral("is empty: give the command line to run"));
        } else {
            return {QStringLiteral("/bin/sh"), QStringLiteral("-c"), line};
        }
    } else if (command->is_array()) {
        if (!shell)
            return readArguments(*command, at, report);
        report(at, QStringLiteral("is a list, but \"shell\": true runs one command line: write it as a "
                                  "string, such as \"./migrate.sh --env prod\", or remove \"shell\" to "
                                  "run the list without a shell"));
    } else {
        report(at, QStringLiteral("is %1; give the program and its arguments as a list of strings, such as "
                                  "[\"./migrate.sh\", \"--env\", \"prod\"], or a command line string with "
                                  "\"shell\": true").arg(typeName(*command)));
    }
    return {};
}

QList<std::pair<QString, QString>> readEnvironment(const json &value, const QString &at, const Report &report)
{
    QList<std::pair<QString, QString>> env;
    if (!value.is_object()) {
        report(at, QStringLiteral("is %1; give the variables and their values as an object, such as "
                                  "{\"AWS_REGION\": \"eu-west-1\"}").arg(typeName(value)));
        return env;
    }
    for (const auto &member : value.items()) {
        const QString name = QString::fromStdString(member.key());
        const QString where = jsonMemberPath(at, name);
        if (name.isEmpty() || name.contains(QLatin1Char('=')) || name.contains(QChar(0)))
            report(where, QStringLiteral("is not a variable name: a name may not be empty or contain \"=\""));
        else if (!member.value().is_string())
            report(where, QStringLiteral("is %1; a variable's value must be a string (write numbers and booleans "
                                         "in quotes, such as \"8080\")").arg(typeName(member.value())));
        else
            env.append({name, fromJson(member.value())});
    }
    return env;
}

} // namespace

CommandExecutor::Spec CommandExecutor::readSpec(const json &params, const QString &path, Diagnostics *out)
{
    Spec spec;
    const Report report{out};
    if (!params.is_object())
        return spec;

    bool shellKnown = true;
    spec.shell = readShell(params, path, report, &shellKnown);
    spec.command = readCommand(params, path, spec.shell, shellKnown, report);
    if (const auto it = params.find("env"); it != params.end())
        spec.env = readEnvironment(*it, jsonMemberPath(path, QStringLiteral("env")), report);

    if (const auto it = params.find("cwd"); it != params.end()) {
        if (it->is_string() && !it->get_ref<const std::string &>().empty())
            spec.workingDirectory = fromJson(*it);
        else
            report(jsonMemberPath(path, QStringLiteral("cwd")),
                   QStringLiteral("must be the directory to run the command in, such as \"infra/db\" (a relative "
                                  "path is relative to the directory Fanout runs in)"));
    }

    if (const auto it = params.find("outputs_json"); it != params.end()) {
        if (it->is_boolean())
            spec.outputsJson = it->get<bool>();
        else
            report(jsonMemberPath(path, QStringLiteral("outputs_json")),
                   QStringLiteral("is %1; write true to read outputs from a JSON object on the last line of stdout, "
                                  "or false").arg(typeName(*it)));
    }

    spec.graceMs = kDefaultGraceMs;
    if (const auto it = params.find("grace"); it != params.end()) {
        if (const Expected<qint64> grace = parseDuration(*it))
            spec.graceMs = *grace;
        else
            report(jsonMemberPath(path, QStringLiteral("grace")), grace.error());
    }
    return spec;
}

const ExecutorDescription &CommandExecutor::description() const
{
    return fanout::description();
}

void CommandExecutor::validate(const json &params, const QString &path, Diagnostics &out) const
{
    // A grace given by reference ("${var.grace}") is checked when the attempt starts, substituted.
    if (params.is_object() && params.contains("grace") && isReference(params["grace"])) {
        json checked = params;
        checked.erase("grace");
        readSpec(checked, path, &out);
    } else {
        readSpec(params, path, &out);
    }
}

void CommandExecutor::start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const
{
    // Read again from the attempt's parameters: references in them are substituted by now.
    json params = attempt->params();
    QStringList messages;
    substituteSelfOutputs(params, attempt->knownOutputs(), &messages);
    Diagnostics problems;
    Spec spec = readSpec(params, QString(), &problems);
    for (const Diagnostic &d : problems)
        messages.append(d.path + QStringLiteral(": ") + d.message);
    if (!messages.isEmpty()) {
        const QString error = messages.join(QStringLiteral("; "));
        attempt->log(LogLevel::Error, error);
        return attempt->fail(error);
    }
    // The attempt reports its end through its mailbox; nobody waits on the future.
    (void)QtConcurrent::run(&pool, [attempt = std::move(attempt), spec = std::move(spec)] {
        CommandRun(attempt, spec).exec();
    });
}

} // namespace fanout
