// What a command resource's processes do when Fanout itself ends: killed with kill -9, or stopped
// at once with a second Ctrl+C. Each test runs the real fanout binary, as a user does, and looks
// for the processes of its commands in /proc by a variable only they have in their environment.

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>

using json = nlohmann::ordered_json;

namespace {

constexpr const char *kMarkName = "FANOUT_PROCESSES_TEST";

// A process of a test's commands: its pid and its command line, for messages.
struct Found
{
    pid_t pid;
    QString commandLine;
};

// Alive: not gone and not a zombie (a zombie re-parented to an init that does not reap counts as
// gone: it runs nothing any more).
bool isAlive(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const QByteArray state = text.mid(text.lastIndexOf(')') + 1).simplified().left(1);
    return !state.isEmpty() && state != "Z" && state != "X";
}

// The live processes whose environment holds kMarkName=mark.
QList<Found> liveProcessesMarked(const QString &mark)
{
    const QByteArray wanted = QByteArray(kMarkName) + '=' + mark.toUtf8();
    QList<Found> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t pid = pid_t(entry.toInt(&isPid));
        if (!isPid)
            continue;
        QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!environ.open(QIODevice::ReadOnly) || !environ.readAll().split('\0').contains(wanted) || !isAlive(pid))
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        const QByteArray line = cmdline.open(QIODevice::ReadOnly) ? cmdline.readAll().replace('\0', ' ').trimmed() : QByteArray();
        found.append({pid, QString::fromUtf8(line)});
    }
    return found;
}

// The processes whose command line holds `text`, as `pkill -f TEXT` finds them.
QList<qint64> processesNaming(const QString &text)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (isPid && pid != QCoreApplication::applicationPid() && cmdline.open(QIODevice::ReadOnly)
            && cmdline.readAll().replace('\0', ' ').contains(text.toUtf8()))
            pids.append(pid);
    }
    return pids;
}

QString describe(const QList<Found> &processes)
{
    QStringList lines;
    for (const Found &p : processes)
        lines.append(QStringLiteral("%1 %2").arg(p.pid).arg(p.commandLine));
    return lines.join(QStringLiteral("; "));
}

QString writePlan(const QTemporaryDir &dir, const json &resources)
{
    const QString path = dir.filePath(QStringLiteral("plan.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QString();
    file.write(QByteArray::fromStdString(json{{"name", "processes"}, {"resources", resources}}.dump(2)));
    return path;
}

json commandResource(const char *id, const json &command, const QString &mark, json extra = json::object())
{
    json resource = {{"id", id}, {"type", "command"}};
    if (command.is_string())
        resource["shell"] = true;
    resource["command"] = command;
    resource["env"] = {{kMarkName, mark.toStdString()}};
    for (const auto &member : extra.items())
        resource[member.key()] = member.value();
    return resource;
}

// Waits until the marked processes include one whose command line ends with each of `commandLines`.
bool waitForProcesses(const QString &mark, const QStringList &commandLines, int timeoutMs = 10'000)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        QStringList running;
        for (const Found &p : liveProcessesMarked(mark))
            running.append(p.commandLine);
        const auto isRunning = [&](const QString &wanted) {
            // The whole command line ("sleep 303" must not be found in "sh -c trap '' TERM; sleep 303",
            // or a test could signal the shell before its trap is set), give or take a path.
            return std::any_of(running.begin(), running.end(), [&](const QString &line) {
                return line == wanted || line.endsWith(QLatin1Char('/') + wanted);
            });
        };
        if (std::all_of(commandLines.begin(), commandLines.end(), isRunning))
            return true;
        QTest::qWait(50);
    }
    return false;
}

} // namespace

class tst_Processes : public QObject
{
    Q_OBJECT

private slots:
    void killNineLeavesNoProcessBehind_data();
    void killNineLeavesNoProcessBehind();
    void secondInterruptKillsEveryCommand();
};

void tst_Processes::killNineLeavesNoProcessBehind_data()
{
    QTest::addColumn<bool>("byName");
    QTest::newRow("kill -9 PID") << false;
    // What `pkill -9 -f PLAN` does: every process whose command line names the plan. The keeper
    // that cleans up after Fanout goes by a name of its own, so it is not among them.
    QTest::newRow("pkill -9 -f PLAN") << true;
}

void tst_Processes::killNineLeavesNoProcessBehind()
{
    QFETCH(bool, byName);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString mark = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // A direct child (sleep), and a grandchild under a shell that outlives its own parent's death
    // only if its process group is killed (sh -c "sleep 302; ..." forks sleep and waits for it).
    const QString plan = writePlan(dir, json::array({commandResource("direct", json::array({"sleep", "301"}), mark),
                                                     commandResource("shell", "sleep 302; echo done", mark)}));
    QProcess fanout;
    fanout.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    fanout.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("run"), plan, QStringLiteral("--quiet")});
    QVERIFY(fanout.waitForStarted());
    QVERIFY2(waitForProcesses(mark, {QStringLiteral("sleep 301"), QStringLiteral("sleep 302"),
                                     QStringLiteral("/bin/sh -c sleep 302; echo done")}),
             qPrintable(QStringLiteral("the commands did not start: ") + describe(liveProcessesMarked(mark))));

    if (byName) {
        const QList<qint64> named = processesNaming(plan);
        QVERIFY2(named.contains(fanout.processId()), "pkill would find Fanout");
        for (const qint64 pid : named)
            ::kill(pid_t(pid), SIGKILL);
    } else {
        ::kill(pid_t(fanout.processId()), SIGKILL);
    }
    QVERIFY(fanout.waitForFinished(5000));
    QCOMPARE(fanout.exitStatus(), QProcess::CrashExit);
    QTRY_VERIFY2_WITH_TIMEOUT(liveProcessesMarked(mark).isEmpty(),
                              qPrintable(QStringLiteral("left running: ") + describe(liveProcessesMarked(mark))), 2000);
}

void tst_Processes::secondInterruptKillsEveryCommand()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString mark = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // SIGTERM reaches neither the shell nor its sleep (an ignored signal stays ignored across exec),
    // and the grace period before SIGKILL is longer than the test.
    const QString plan = writePlan(dir, json::array({commandResource("stubborn", "trap '' TERM; sleep 303", mark,
                                                                     {{"grace", "120s"}})}));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QProcess fanout;
    fanout.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("run"), plan, QStringLiteral("--report"), report});
    QVERIFY(fanout.waitForStarted());
    QVERIFY2(waitForProcesses(mark, {QStringLiteral("sleep 303"), QStringLiteral("/bin/sh -c trap '' TERM; sleep 303")}),
             qPrintable(QStringLiteral("the command did not start: ") + describe(liveProcessesMarked(mark))));

    QByteArray out;
    ::kill(pid_t(fanout.processId()), SIGINT);
    QTRY_VERIFY_WITH_TIMEOUT((out += fanout.readAllStandardOutput()).contains("Cancelling the run"), 5000);
    // The first Ctrl+C sent SIGTERM, which both ignore: they still run.
    QTest::qWait(200);
    QCOMPARE(liveProcessesMarked(mark).size(), 2);
    ::kill(pid_t(fanout.processId()), SIGINT);
    QVERIFY(fanout.waitForFinished(5000));
    out += fanout.readAllStandardOutput();
    QCOMPARE(fanout.exitStatus(), QProcess::NormalExit);
    QCOMPARE(fanout.exitCode(), 130);
    QVERIFY2(out.contains("Stopping at once"), out.constData());
    QTRY_VERIFY2_WITH_TIMEOUT(liveProcessesMarked(mark).isEmpty(),
                              qPrintable(QStringLiteral("left running: ") + describe(liveProcessesMarked(mark))), 2000);

    // The run ended as a cancelled run does, and its report says so.
    QFile file(report);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const json written = json::parse(file.readAll().toStdString(), nullptr, false);
    QVERIFY(written.is_object());
    QCOMPARE(written["resources"][0]["state"].get<std::string>(), std::string("cancelled"));
}

QTEST_GUILESS_MAIN(tst_Processes)
#include "tst_processes.moc"
