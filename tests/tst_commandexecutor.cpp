#include "engine/executors/commandexecutor.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"
#include "tests/threadsampler.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>

#include <signal.h>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

using Outputs = QMap<QString, QString>;

QString scriptsDir()
{
    return QStringLiteral(FANOUT_FIXTURES "/scripts");
}

std::string script(const char *name)
{
    return (scriptsDir() + QLatin1Char('/') + QLatin1String(name)).toStdString();
}

// A plan of one command resource, "job", with these fields besides id and type.
json planOf(const json &fields)
{
    json resource = {{"id", "job"}, {"type", "command"}};
    for (const auto &member : fields.items())
        resource[member.key()] = member.value();
    return json{{"name", "test"}, {"resources", json::array({resource})}};
}

PlanReadResult read(const json &plan)
{
    return PlanReader::readText(QByteArray::fromStdString(plan.dump()), QStringLiteral("test.json"),
                                ExecutorRegistry::builtIn());
}

bool waitFinished(Scheduler &s, int timeoutMs = 20'000)
{
    if (!s.isRunning())
        return true;
    QSignalSpy finished(&s, &Scheduler::finished);
    return finished.wait(timeoutMs);
}

// The log lines of the run at `level`, without the "$ command" line that opens each attempt.
QStringList logLines(const Scheduler &s, LogLevel level)
{
    QStringList lines;
    for (const RunEvent &e : s.journal()) {
        if (e.kind == RunEvent::Kind::Log && e.level == level && !e.text.startsWith(QLatin1String("$ ")))
            lines.append(e.text);
    }
    return lines;
}

QList<pid_t> readPids(const QString &file)
{
    QFile f(file);
    QList<pid_t> pids;
    if (!f.open(QIODevice::ReadOnly))
        return pids;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            pids.append(pid_t(line.trimmed().toLong()));
    }
    return pids;
}

// Gone, or a zombie that only waits for whoever inherited it to reap it.
bool isGone(pid_t pid)
{
    if (::kill(pid, 0) == -1 && errno == ESRCH)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const QByteArray state = text.mid(text.lastIndexOf(')') + 1).simplified().left(1);
    return state == "Z" || state == "X";
}

} // namespace

class tst_CommandExecutor : public QObject
{
    Q_OBJECT

private slots:
    void validation_data();
    void validation();
    void validPlanHasNoProblems();
    void streamsLinesInOrderAsTheyArrive();
    void exitCodes_data();
    void exitCodes();
    void killedBySignal();
    void cannotStart_data();
    void cannotStart();
    void envAndCwd_data();
    void envAndCwd();
    void outputs_data();
    void outputs();
    void longLinesAreCut();
    void fillsInItsOwnRecordedOutputs();
    void stopKillsTheWholeGroup_data();
    void stopKillsTheWholeGroup();
    void sleepingCommandsHoldNoThreadEach();

private:
    // Runs a plan of one command resource to its end; the scheduler is left to be examined.
    bool run(Scheduler &s, const json &fields);
};

bool tst_CommandExecutor::run(Scheduler &s, const json &fields)
{
    const PlanReadResult result = read(planOf(fields));
    for (const Diagnostic &d : result.diagnostics)
        qWarning("%s", qPrintable(d.toString(QStringLiteral("test.json"))));
    if (result.hasErrors() || !s.start(result.plan))
        return false;
    return waitFinished(s);
}

void tst_CommandExecutor::validation_data()
{
    QTest::addColumn<QByteArray>("fields"); // JSON
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");   // a part of it

    auto row = [](const char *name, const json &fields, const char *path, const char *message) {
        QTest::newRow(name) << QByteArray::fromStdString(fields.dump()) << QString::fromLatin1(path)
                            << QString::fromUtf8(message);
    };
    row("command missing", json::object(), "resources[0].command", "missing: give the program to run");
    row("command missing, shell", {{"shell", true}}, "resources[0].command", "missing: give the command line");
    row("command of the wrong type", {{"command", 42}}, "resources[0].command", "is number; give the program");
    row("command an empty list", {{"command", json::array()}}, "resources[0].command", "is empty");
    row("argument not a string", {{"command", json::array({"echo", 1})}}, "resources[0].command[1]", "is number; the program and each argument must be a string");
    row("program empty", {{"command", json::array({""})}}, "resources[0].command[0]", "is empty: name the program");
    row("string without shell", {{"command", "echo hi"}}, "resources[0].command", "add \"shell\": true");
    row("shell with a list", {{"command", json::array({"echo", "hi"})}, {"shell", true}}, "resources[0].command", "is a list, but \"shell\": true runs one command line");
    row("shell with an empty string", {{"command", " "}, {"shell", true}}, "resources[0].command", "is empty");
    row("shell not a boolean", {{"command", "echo"}, {"shell", "yes"}}, "resources[0].shell", "is string; write true");
    row("env not an object", {{"command", json::array({"env"})}, {"env", json::array({"A=1"})}}, "resources[0].env", "is array; give the variables");
    row("env value not a string", {{"command", json::array({"env"})}, {"env", {{"PORT", 8080}}}}, "resources[0].env.PORT", "is number; a variable's value must be a string");
    row("env name with =", {{"command", json::array({"env"})}, {"env", {{"A=B", "1"}}}}, "resources[0].env[\"A=B\"]", "is not a variable name");
    row("cwd not a string", {{"command", json::array({"pwd"})}, {"cwd", 1}}, "resources[0].cwd", "must be the directory");
    row("cwd empty", {{"command", json::array({"pwd"})}, {"cwd", ""}}, "resources[0].cwd", "must be the directory");
    row("outputs_json not a boolean", {{"command", json::array({"true"})}, {"outputs_json", "yes"}}, "resources[0].outputs_json", "is string; write true");
    row("grace not a duration", {{"command", json::array({"true"})}, {"grace", "5 parsecs"}}, "resources[0].grace", "bad duration");
    row("grace negative", {{"command", json::array({"true"})}, {"grace", -1}}, "resources[0].grace", "must not be negative");
    row("grace of the wrong type", {{"command", json::array({"true"})}, {"grace", true}}, "resources[0].grace", "a duration must be");
}

void tst_CommandExecutor::validation()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, path);
    QFETCH(QString, message);

    const PlanReadResult result = read(planOf(json::parse(fields.toStdString())));
    QVERIFY(result.hasErrors());
    QStringList seen;
    bool found = false;
    for (const Diagnostic &d : result.diagnostics) {
        seen.append(d.toString());
        if (d.isError() && d.path == path && d.message.contains(message))
            found = true;
    }
    QVERIFY2(found, qPrintable(seen.join(QLatin1Char('\n'))));
    QCOMPARE(errorCount(result.diagnostics), 1); // one problem, one message
}

void tst_CommandExecutor::validPlanHasNoProblems()
{
    const json fields = {{"command", "./deploy.sh && ./check.sh"}, {"shell", true}, {"env", {{"REGION", "eu-west-1"}}},
                         {"cwd", "infra"}, {"outputs_json", true}, {"grace", "10s"}};
    const PlanReadResult result = read(planOf(fields));
    QStringList seen;
    for (const Diagnostic &d : result.diagnostics)
        seen.append(d.toString());
    QVERIFY2(result.diagnostics.isEmpty(), qPrintable(seen.join(QLatin1Char('\n'))));

    const CommandExecutor::Spec spec = CommandExecutor::readSpec(result.plan.resources[0].params, QString(), nullptr);
    QCOMPARE(spec.command, QStringList({QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("./deploy.sh && ./check.sh")}));
    QCOMPARE(spec.graceMs, 10'000);
    QCOMPARE(spec.workingDirectory, QStringLiteral("infra"));
    QVERIFY(spec.outputsJson);
    QCOMPARE(spec.env.size(), 1);
    QCOMPARE(CommandExecutor::readSpec(json{{"command", json::array({"true"})}}, QString(), nullptr).graceMs, 5000);
}

void tst_CommandExecutor::streamsLinesInOrderAsTheyArrive()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString flag = dir.filePath(QStringLiteral("go"));
    const PlanReadResult result = read(planOf({{"command", json::array({script("stream.sh"), flag.toStdString()})}}));
    QVERIFY(!result.hasErrors());
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(result.plan));

    // The script waits for the flag, so these lines can only be in the log if they were streamed.
    const QString waiting = QStringLiteral("waiting for ") + flag;
    QTRY_VERIFY(logLines(s, LogLevel::Info).contains(waiting));
    QCOMPARE(s.status(0).state, ResourceState::Running);
    QCOMPARE(logLines(s, LogLevel::Info), QStringList({QStringLiteral("out 1"), QStringLiteral("out 2"), waiting}));
    QTRY_COMPARE(logLines(s, LogLevel::Warning), QStringList({QStringLiteral("stderr: err 1"), QStringLiteral("stderr: err 2")}));

    QFile go(flag);
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    // CR LF ends a line like LF; a last line without a newline is not lost.
    QCOMPARE(logLines(s, LogLevel::Info), QStringList({QStringLiteral("out 1"), QStringLiteral("out 2"), waiting,
                                                      QStringLiteral("out 3"), QStringLiteral("partial")}));
    QCOMPARE(logLines(s, LogLevel::Warning), QStringList({QStringLiteral("stderr: err 1"), QStringLiteral("stderr: err 2"),
                                                         QStringLiteral("stderr: err 3")}));
}

void tst_CommandExecutor::exitCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("error");
    QTest::newRow("0 succeeds") << 0 << QString();
    QTest::newRow("3 fails") << 3 << QStringLiteral("exited with code 3: problem 3 | problem 4 | problem 5 | problem 6 | problem 7");
    QTest::newRow("255 fails") << 255 << QStringLiteral("exited with code 255: problem 3 | problem 4 | problem 5 | problem 6 | problem 7");
}

void tst_CommandExecutor::exitCodes()
{
    QFETCH(int, code);
    QFETCH(QString, error);
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(run(s, {{"command", json::array({script("exit.sh"), std::to_string(code)})}}));
    const ResourceStatus &status = s.status(0);
    QCOMPARE(status.state, error.isEmpty() ? ResourceState::Succeeded : ResourceState::Failed);
    QCOMPARE(status.reason, error);
    QCOMPARE(status.attempts.last().error, error);
    QCOMPARE(logLines(s, LogLevel::Info), QStringList{QStringLiteral("working")});
}

void tst_CommandExecutor::killedBySignal()
{
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(run(s, {{"command", json::array({script("killself.sh")})}}));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QVERIFY2(s.status(0).reason.startsWith(QLatin1String("killed by signal 9")), qPrintable(s.status(0).reason));
    QVERIFY2(s.status(0).reason.endsWith(QLatin1String(": about to die")), qPrintable(s.status(0).reason));
}

void tst_CommandExecutor::cannotStart_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QString>("error");

    const std::string scripts = scriptsDir().toStdString();
    const QString where = QStringLiteral(" (working directory %1)").arg(QDir::cleanPath(scriptsDir()));
    QTest::newRow("no such file")
        << QByteArray::fromStdString(json{{"command", json::array({"./no-such-script.sh"})}, {"cwd", scripts}}.dump())
        << QStringLiteral("cannot start \"./no-such-script.sh\": No such file or directory") + where;
    QTest::newRow("not executable")
        << QByteArray::fromStdString(json{{"command", json::array({"./not-executable.sh"})}, {"cwd", scripts}}.dump())
        << QStringLiteral("cannot start \"./not-executable.sh\": Permission denied: the file is not executable "
                          "(chmod +x it, or run it with its interpreter, such as [\"sh\", \"./not-executable.sh\"])") + where;
    QTest::newRow("bad #! line")
        << QByteArray::fromStdString(json{{"command", json::array({"./bad-interpreter.sh"})}, {"cwd", scripts}}.dump())
        << QStringLiteral("cannot start \"./bad-interpreter.sh\": No such file or directory; if it is a script, check the "
                          "interpreter on its #! line") + where;
    QTest::newRow("a directory")
        << QByteArray::fromStdString(json{{"command", json::array({"./"})}, {"cwd", scripts}}.dump())
        << QStringLiteral("cannot start \"./\": it is a directory") + where;
    QTest::newRow("not in PATH")
        << QByteArray::fromStdString(json{{"command", json::array({"fanout-no-such-program"})}, {"cwd", scripts}, {"env", {{"PATH", "/nowhere:/nowhere-else"}}}}.dump())
        << QStringLiteral("cannot start \"fanout-no-such-program\": not found in any directory of PATH=/nowhere:/nowhere-else") + where;
    QTest::newRow("no such working directory")
        << QByteArray::fromStdString(json{{"command", json::array({"true"})}, {"cwd", scripts + "/no-such-dir"}}.dump())
        << QStringLiteral("cannot start \"true\": the working directory %1/no-such-dir does not exist").arg(QDir::cleanPath(scriptsDir()));
}

void tst_CommandExecutor::cannotStart()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, error);
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(run(s, json::parse(fields.toStdString())));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QVERIFY2(s.status(0).reason.startsWith(error), qPrintable(s.status(0).reason));
    QVERIFY(logLines(s, LogLevel::Error).contains(s.status(0).reason));
}

void tst_CommandExecutor::envAndCwd_data()
{
    QTest::addColumn<QByteArray>("command"); // JSON
    QTest::addColumn<bool>("shell");
    QTest::addColumn<bool>("relative");      // cwd relative to the test's working directory

    QTest::newRow("list, absolute cwd") << QByteArray::fromStdString(json::array({script("envcwd.sh")}).dump()) << false << false;
    QTest::newRow("program relative to cwd") << QByteArray::fromStdString(json::array({"./envcwd.sh"}).dump()) << false << true;
    QTest::newRow("shell, relative cwd") << QByteArray::fromStdString(json("./envcwd.sh").dump()) << true << true;
}

void tst_CommandExecutor::envAndCwd()
{
    QFETCH(QByteArray, command);
    QFETCH(bool, shell);
    QFETCH(bool, relative);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString testDir = QDir::currentPath();
    QString cwd = dir.path();
    if (relative) {
        // Run from the temporary directory; the scripts are relative to it.
        QVERIFY(QDir::setCurrent(dir.path()));
        cwd = QDir::current().relativeFilePath(scriptsDir());
    }
    const QString expectedDir = QFileInfo(relative ? scriptsDir() : dir.path()).canonicalFilePath();

    json fields = {{"command", json::parse(command.toStdString())}, {"cwd", cwd.toStdString()},
                   {"env", {{"FOO", "bar baz"}}}};
    if (shell)
        fields["shell"] = true;
    Scheduler s(ExecutorRegistry::builtIn());
    const bool finished = run(s, fields);
    QDir::setCurrent(testDir);
    QVERIFY(finished);
    QVERIFY2(s.status(0).state == ResourceState::Succeeded, qPrintable(s.status(0).reason));
    QCOMPARE(logLines(s, LogLevel::Info), QStringList({QStringLiteral("FOO=bar baz"), QStringLiteral("PWD=") + expectedDir}));
}

void tst_CommandExecutor::outputs_data()
{
    QTest::addColumn<bool>("outputsJson");
    QTest::addColumn<Outputs>("expected");

    const QMap<QString, QString> lines = {{QStringLiteral("instance_id"), QStringLiteral("i-0123")},
                                          {QStringLiteral("url"), QStringLiteral("https://example.com/?a=b=c")},
                                          {QStringLiteral("port"), QStringLiteral("1")}};
    QMap<QString, QString> both = lines;
    both.insert(QStringLiteral("arn"), QStringLiteral("arn:aws:rds:eu-west-1:1:db:x"));
    both.insert(QStringLiteral("port"), QStringLiteral("5432"));
    both.insert(QStringLiteral("tags"), QStringLiteral("{\"team\":\"data\"}"));
    QTest::newRow("::output lines") << false << lines;
    QTest::newRow("and outputs_json") << true << both;
}

void tst_CommandExecutor::outputs()
{
    QFETCH(bool, outputsJson);
    QFETCH(Outputs, expected);
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(run(s, {{"command", json::array({script("outputs.sh")})}, {"outputs_json", outputsJson}}));
    QVERIFY2(s.status(0).state == ResourceState::Succeeded, qPrintable(s.status(0).reason));
    QCOMPARE(s.status(0).outputs, expected);
    // The malformed line is logged as it is, with a warning that says how to write it.
    QVERIFY(logLines(s, LogLevel::Info).contains(QStringLiteral("::output bad key=ignored")));
    const QStringList warnings = logLines(s, LogLevel::Warning);
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings[0].startsWith(QLatin1String("ignored this ::output line")), qPrintable(warnings[0]));
}

void tst_CommandExecutor::longLinesAreCut()
{
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(run(s, {{"command", json::array({script("longline.sh")})}}));
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    const QStringList lines = logLines(s, LogLevel::Info);
    QCOMPARE(lines.size(), 2);
    const QString marker = QStringLiteral("…(truncated)");
    QCOMPARE(lines[0], QString(16 * 1024, QLatin1Char('x')) + marker);
    QCOMPARE(lines[1], QStringLiteral("after"));
}

// As a destroy action does (see DestroyPlan): ${self.outputs.KEY} is what the resource produced
// when it was created, which the scheduler leaves for the executor to fill in.
void tst_CommandExecutor::fillsInItsOwnRecordedOutputs()
{
    PlanReadResult result = read(planOf({{"command", json::array({"echo"})}}));
    QVERIFY(!result.hasErrors());
    RunOptions options;
    options.knownOutputs[0] = {{QStringLiteral("id"), QStringLiteral("vpc-123")}};
    Scheduler s(ExecutorRegistry::builtIn());

    result.plan.resources[0].params["command"] = json::array({"echo", "deleting ${self.outputs.id}", "${self.outputs.missing}"});
    QVERIFY(s.start(result.plan, options));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(s.status(0).reason, QStringLiteral("${self.outputs.missing}: the resource has no recorded output \"missing\" (it has: id)"));

    result.plan.resources[0].params["command"] = json::array({"echo", "deleting ${self.outputs.id}"});
    QVERIFY(s.start(result.plan, options));
    QVERIFY(waitFinished(s));
    QVERIFY2(s.status(0).state == ResourceState::Succeeded, qPrintable(s.status(0).reason));
    QCOMPARE(logLines(s, LogLevel::Info), QStringList{QStringLiteral("deleting vpc-123")});
}

void tst_CommandExecutor::stopKillsTheWholeGroup_data()
{
    QTest::addColumn<bool>("cancel");     // else a timeout stops it
    QTest::addColumn<bool>("ignoreTerm"); // only SIGKILL stops it

    QTest::newRow("cancel") << true << false;
    QTest::newRow("timeout") << false << false;
    QTest::newRow("cancel, SIGTERM ignored") << true << true;
    QTest::newRow("timeout, SIGTERM ignored") << false << true;
}

void tst_CommandExecutor::stopKillsTheWholeGroup()
{
    QFETCH(bool, cancel);
    QFETCH(bool, ignoreTerm);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(QStringLiteral("pids"));
    json fields = {{"command", json::array({script("tree.sh"), pidFile.toStdString(), ignoreTerm ? "ignore-term" : "-"})}};
    if (ignoreTerm)
        fields["grace"] = "200ms";
    if (!cancel)
        fields["timeout"] = "1s"; // time enough for the script to start its processes, even on a busy machine
    const PlanReadResult result = read(planOf(fields));
    QVERIFY(!result.hasErrors());
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(result.plan));

    if (cancel) {
        QTRY_VERIFY(logLines(s, LogLevel::Info).contains(QStringLiteral("ready")));
        s.cancel();
    }
    QVERIFY(waitFinished(s));
    // The script, its child and its grandchild.
    const QList<pid_t> pids = readPids(pidFile);
    QCOMPARE(pids.size(), 3);
    for (const pid_t pid : pids)
        QTRY_VERIFY2(isGone(pid), qPrintable(QStringLiteral("process %1 is still running").arg(pid)));

    const ResourceStatus &status = s.status(0);
    if (cancel) {
        QCOMPARE(status.state, ResourceState::Cancelled);
        QCOMPARE(status.attempts.last().outcome, AttemptRecord::Outcome::Cancelled);
    } else {
        QCOMPARE(status.state, ResourceState::Failed);
        QCOMPARE(status.attempts.last().outcome, AttemptRecord::Outcome::TimedOut);
        QCOMPARE(status.reason, QStringLiteral("timed out after 1s"));
    }
    const QStringList warnings = logLines(s, LogLevel::Warning);
    const bool terminated = std::any_of(warnings.begin(), warnings.end(),
                                        [](const QString &w) { return w.startsWith(QLatin1String("stopping: sent SIGTERM")); });
    QVERIFY2(terminated, qPrintable(warnings.join(QLatin1Char('\n'))));
    const bool killed = std::any_of(warnings.begin(), warnings.end(),
                                    [](const QString &w) { return w.contains(QLatin1String("sent SIGKILL")); });
    QCOMPARE(killed, ignoreTerm);
}

// Thousands of commands waiting at once cost no thread each: they are all watched from one thread.
void tst_CommandExecutor::sleepingCommandsHoldNoThreadEach()
{
    constexpr int kCommands = 2000;
    json resources = json::array();
    for (int i = 0; i < kCommands; ++i)
        resources.push_back({{"id", "sleep-" + std::to_string(i)}, {"type", "command"}, {"command", {"sleep", "1"}}});
    const PlanReadResult result = read(json{{"name", "sleepers"}, {"parallelism", kCommands}, {"resources", resources}});
    QVERIFY(!result.hasErrors());

    Scheduler s(ExecutorRegistry::builtIn());
    // Sampled on a thread of its own: the test's thread is busy hearing from the commands.
    test::ThreadSampler sampler;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(s.start(result.plan));
    const bool finished = waitFinished(s, 60'000);
    const int peak = sampler.stop();
    QVERIFY(finished);
    qInfo("%d commands of sleep 1 at -j %d: %lld ms, at most %d threads in this process (the sampler's included)",
          kCommands, kCommands, clock.elapsed(), peak);
    QCOMPARE(s.count(ResourceState::Succeeded), kCommands);
    QVERIFY2(peak < 100, qPrintable(QStringLiteral("%1 threads").arg(peak)));
}

QTEST_GUILESS_MAIN(tst_CommandExecutor)
#include "tst_commandexecutor.moc"
