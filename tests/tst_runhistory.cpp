// The run history (RunHistory, SQLite through Qt SQL): what `fanout run` and `fanout destroy`
// record, the schema's version, two processes recording at once, and a history that cannot be kept
// costing the run nothing; `fanout history` lists what was recorded.
#include "engine/executors/executorregistry.h"
#include "engine/history/plansnapshot.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "engine/state/deploymentstate.h"
#include "tsanskip.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <unistd.h>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

const QString kQuickOk = QStringLiteral(FANOUT_FIXTURES "/plans/quick-ok.json");
const QString kWithDestroy = QStringLiteral(FANOUT_FIXTURES "/plans/state-sim.json"); // resources with destroy actions

struct Finished
{
    int exitCode = -1;
    QString out;
    QString err;
};

Finished runFanout(const QStringList &arguments, const QString &workingDir = QString())
{
    QProcess process;
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.start(QStringLiteral(FANOUT_BINARY), arguments);
    if (!process.waitForFinished(60'000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

// What a report of a two-resource run looks like (RunReport::toJson), as RunHistory reads it.
json reportOf(const Plan &plan)
{
    json resources = json::array();
    for (const Resource &resource : plan.resources) {
        resources.push_back({{"id", resource.id.toStdString()},
                             {"attempts", json::array({{{"number", 1}, {"ready_ms", 0}, {"start_ms", 5}, {"end_ms", 105},
                                                        {"outcome", "failed"}, {"error", "throttled"}},
                                                       {{"number", 2}, {"ready_ms", 200}, {"start_ms", 200}, {"end_ms", 450},
                                                        {"outcome", "succeeded"}, {"error", nullptr}}})}});
    }
    return {{"fanout_version", "0.1.0"},
            {"plan", {{"name", plan.name.toStdString()}, {"file", "plan.json"}, {"resources", plan.resources.size()}}},
            {"settings", {{"parallelism", 4}, {"fail_fast", false}, {"seed", 7}}},
            {"started_at", "2026-12-04T10:00:00.000Z"},
            {"duration_ms", 450},
            {"outcome", "succeeded"},
            {"resources", resources}};
}

Plan twoResources()
{
    const PlanReadResult read = PlanReader::readText(R"({"name": "two", "resources": [
        {"id": "vpc", "type": "sim", "duration": "1s", "source": {"type": "aws_vpc"}},
        {"id": "db", "type": "sim", "duration": "2s", "depends_on": ["vpc"]}]})",
                                                     QStringLiteral("two.json"), ExecutorRegistry::builtIn());
    return read.plan;
}

RunEvent event(RunEvent::Kind kind, qint64 timeMs, int resource = -1, const QString &text = QString())
{
    RunEvent e;
    e.kind = kind;
    e.timeMs = timeMs;
    e.resource = resource;
    e.text = text;
    return e;
}

// A run of twoResources(): started, vpc running and logging `logLines` lines, db failed, the
// parallelism changed, finished.
QList<RunEvent> eventsOf(int logLines)
{
    QList<RunEvent> events{event(RunEvent::Kind::RunStarted, 0, -1, QStringLiteral("two"))};
    RunEvent running = event(RunEvent::Kind::StateChanged, 5, 0);
    running.state = ResourceState::Running;
    running.attempt = 1;
    events.append(running);
    for (int i = 0; i < logLines; ++i) {
        RunEvent line = event(RunEvent::Kind::Log, 10 + i, 0, QStringLiteral("line %1").arg(i + 1));
        line.level = i % 2 ? LogLevel::Warning : LogLevel::Info;
        line.attempt = 1;
        events.append(line);
    }
    RunEvent failed = event(RunEvent::Kind::StateChanged, 300, 1, QStringLiteral("throttled"));
    failed.state = ResourceState::Failed;
    failed.attempt = 2;
    events.append(failed);
    RunEvent limit = event(RunEvent::Kind::ParallelismChanged, 320);
    limit.number = 3;
    events.append(limit);
    events.append(event(RunEvent::Kind::RunFinished, 450));
    return events;
}

qsizetype logLinesIn(const QList<RunEvent> &events)
{
    return std::count_if(events.cbegin(), events.cend(), [](const RunEvent &e) { return e.kind == RunEvent::Kind::Log; });
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class tst_runhistory : public QObject
{
    Q_OBJECT

private slots:
    void recordsRunsAndAttempts();
    void newerSchemaIsRefused();
    void runAndHistoryCommands();
    void twoProcessesRecordAtOnce();
    void historyThatCannotBeKeptCostsTheRunNothing_data();
    void historyThatCannotBeKeptCostsTheRunNothing();
    void logLinesAreKeptUpToTheCap();
    void recordedRunComesBackWhole();
    void planSnapshotRoundTrips();
    void versionOneMigratesKeepingItsRuns();
    void secretsNeverReachTheFile();
    void showPrintsARecordedRun();
};

void tst_runhistory::recordsRunsAndAttempts()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("deep/folder/history.sqlite"));
    const Plan plan = twoResources();
    QCOMPARE(plan.resources.size(), 2);
    {
        RunHistory history(path);
        const Expected<qint64> first = history.record(QStringLiteral("run"), reportOf(plan), plan);
        QVERIFY2(first, qPrintable(first ? QString() : first.error()));
        const Expected<qint64> second = history.record(QStringLiteral("destroy"), reportOf(plan), plan);
        QVERIFY(second);
        QVERIFY(*second > *first);
        const Expected<QList<RunHistory::Run>> runs = history.runs(QStringLiteral("two"));
        QVERIFY(runs);
        QCOMPARE(runs->size(), 2);
        const RunHistory::Run &newest = runs->constFirst();
        QCOMPARE(newest.command, QStringLiteral("destroy"));
        QCOMPARE(newest.planName, QStringLiteral("two"));
        QCOMPARE(newest.planFile, QStringLiteral("plan.json"));
        QCOMPARE(newest.planHash, RunHistory::planHash(plan));
        QCOMPARE(newest.parallelism, 4);
        QCOMPARE(newest.makespanMs, 450);
        QCOMPARE(newest.outcome, QStringLiteral("succeeded"));
        QCOMPARE(newest.attempts, 4);
        QVERIFY(history.runs(QStringLiteral("another plan"))->isEmpty());
        QCOMPARE(history.runs(QString(), 1)->size(), 1);
    }
    // What each attempt keeps, read as another program would.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version")) && query.next());
        QCOMPARE(query.value(0).toInt(), RunHistory::kSchemaVersion);
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(query.exec(QStringLiteral("SELECT resource_id, type, source_type, definition_hash, number, start_ms, end_ms, outcome, error"
                                          " FROM attempts WHERE run_id = 1 ORDER BY resource_id, number")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("db"));
        QVERIFY(query.value(2).isNull()); // not imported
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("db"));
        QCOMPARE(query.value(4).toInt(), 2);
        QCOMPARE(query.value(7).toString(), QStringLiteral("succeeded"));
        QVERIFY(query.value(8).isNull());
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("vpc"));
        QCOMPARE(query.value(1).toString(), QStringLiteral("sim"));
        QCOMPARE(query.value(2).toString(), QStringLiteral("aws_vpc"));
        QCOMPARE(query.value(3).toString(), DeploymentState::definitionHash(plan.resources[0]));
        QCOMPARE(query.value(5).toLongLong(), 5);
        QCOMPARE(query.value(6).toLongLong(), 105);
        QCOMPARE(query.value(8).toString(), QStringLiteral("throttled"));
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

void tst_runhistory::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("newer"));
    RunHistory history(path);
    const Expected<void> opened = history.open();
    QVERIFY(!opened);
    QVERIFY2(opened.error().contains(QLatin1String("newer Fanout")), qPrintable(opened.error()));
}

void tst_runhistory::runAndHistoryCommands()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const Finished run = runFanout({QStringLiteral("run"), kWithDestroy, QStringLiteral("-q"), QStringLiteral("--history"), path,
                                 QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(!run.err.contains(QLatin1String("warning")), qPrintable(run.err));
    const Finished destroy = runFanout({QStringLiteral("destroy"), kWithDestroy, QStringLiteral("-q"), QStringLiteral("--history"), path,
                                     QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))});
    QCOMPARE(destroy.exitCode, 0);
    // --no-history records nothing.
    QCOMPARE(runFanout({QStringLiteral("run"), kWithDestroy, QStringLiteral("-q"), QStringLiteral("--history"), path, QStringLiteral("--no-history"),
                     QStringLiteral("--state"), dir.filePath(QStringLiteral("other.json"))}).exitCode, 0);

    const Finished listed = runFanout({QStringLiteral("history"), kWithDestroy, QStringLiteral("--history"), path, QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    const json runs = json::parse(listed.out.toStdString());
    QCOMPARE(runs.size(), std::size_t(2));
    const auto field = [&](std::size_t at, const char *name) { return QString::fromStdString(runs[at][name].get<std::string>()); };
    QCOMPARE(field(0, "command"), QStringLiteral("destroy"));
    QCOMPARE(field(1, "command"), QStringLiteral("run"));
    QCOMPARE(field(1, "outcome"), QStringLiteral("succeeded"));
    QVERIFY(runs[1]["attempts"].get<int>() >= 1);
    const Finished text = runFanout({QStringLiteral("history"), QStringLiteral("--history"), path});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QLatin1String("destroy")) && text.out.contains(QLatin1String("succeeded")), qPrintable(text.out));
    QCOMPARE(runFanout({QStringLiteral("history"), QStringLiteral("--limit"), QStringLiteral("none")}).exitCode, 2);
}

void tst_runhistory::twoProcessesRecordAtOnce()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    // Both start on an empty file: both create the schema, both record, one after the other.
    QList<QProcess *> processes;
    for (int i = 0; i < 2; ++i) {
        auto *process = new QProcess(this);
        process->start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("run"), kQuickOk, QStringLiteral("-q"), QStringLiteral("--history"), path,
                                                       QStringLiteral("--state"), dir.filePath(QStringLiteral("state-%1.json").arg(i))});
        processes.append(process);
    }
    for (QProcess *process : std::as_const(processes)) {
        QVERIFY(process->waitForFinished(60'000));
        const QString err = QString::fromUtf8(process->readAllStandardError());
        QCOMPARE(process->exitCode(), 0);
        QVERIFY2(!err.contains(QLatin1String("warning")), qPrintable(err));
    }
    qDeleteAll(processes);
    RunHistory history(path);
    QCOMPARE(history.runs()->size(), 2);
}

void tst_runhistory::historyThatCannotBeKeptCostsTheRunNothing_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("not a database") << QStringLiteral("corrupt");
    QTest::newRow("read-only") << QStringLiteral("read-only");
    QTest::newRow("its folder cannot be made") << QStringLiteral("no folder");
}

void tst_runhistory::historyThatCannotBeKeptCostsTheRunNothing()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QFETCH(QString, kind);
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("history.sqlite"));
    if (kind == QLatin1String("corrupt")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
    } else if (kind == QLatin1String("read-only")) {
        if (::geteuid() == 0)
            QSKIP("root writes to read-only files; the other rows cover a history that cannot be written");
        RunHistory made(path);
        QVERIFY(made.open());
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
        QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    } else {
        QFile file(dir.filePath(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        path = dir.filePath(QStringLiteral("a-file/history.sqlite"));
    }
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Finished run = runFanout({QStringLiteral("run"), kQuickOk, QStringLiteral("-q"), QStringLiteral("--history"), path,
                                 QStringLiteral("--report"), report, QStringLiteral("--state"), QDir::temp().filePath(QStringLiteral("tst_runhistory-%1.json").arg(::getpid()))});
    QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QFile::remove(QDir::temp().filePath(QStringLiteral("tst_runhistory-%1.json").arg(::getpid())));
    QCOMPARE(run.exitCode, 0); // the run's own outcome
    QCOMPARE(run.err.count(QLatin1String("warning: this run is not in the run history")), 1);
    QVERIFY2(run.err.contains(path), qPrintable(run.err));
    QVERIFY(QFile::exists(report)); // nothing of the run itself is lost
}

void tst_runhistory::logLinesAreKeptUpToTheCap()
{
    QTemporaryDir dir;
    const Plan plan = twoResources();
    RunHistory history(dir.filePath(QStringLiteral("history.sqlite")));
    const Expected<qint64> id = history.record(QStringLiteral("run"), reportOf(plan), plan, eventsOf(12), 5);
    QVERIFY2(id, qPrintable(id.error()));
    const Expected<RunHistory::RecordedRun> run = history.recordedRun(*id);
    QVERIFY2(run, qPrintable(run.error()));
    QCOMPARE(logLinesIn(run->events), 5);
    QCOMPARE(run->logLinesDropped, 7);
    QCOMPARE(run->run.logLineCap, 5);
    QCOMPARE(run->events.size(), 5 + 5); // every other event is kept
    QCOMPARE(run->events.last().kind, RunEvent::Kind::RunFinished);
    // The first lines are kept; the events after the dropped lines keep their place in the journal.
    QCOMPARE(run->events[6].text, QStringLiteral("line 5"));
    QCOMPARE(run->events[7].sequence, 14);

    // 0: no log line kept, all counted.
    const Expected<qint64> none = history.record(QStringLiteral("run"), reportOf(plan), plan, eventsOf(12), 0);
    QVERIFY(none);
    QCOMPARE(logLinesIn(history.recordedRun(*none)->events), 0);
    QCOMPARE(history.recordedRun(*none)->logLinesDropped, 12);
}

void tst_runhistory::recordedRunComesBackWhole()
{
    QTemporaryDir dir;
    const Plan plan = twoResources();
    const QList<RunEvent> events = eventsOf(3);
    RunHistory history(dir.filePath(QStringLiteral("history.sqlite")));
    const Expected<qint64> id = history.record(QStringLiteral("run"), reportOf(plan), plan, events);
    QVERIFY2(id, qPrintable(id.error()));
    const Expected<RunHistory::RecordedRun> run = history.recordedRun(*id);
    QVERIFY2(run, qPrintable(run.error()));
    QCOMPARE(run->run.id, *id);
    QCOMPARE(run->run.planName, QStringLiteral("two"));
    QCOMPARE(run->run.logLineCap, RunHistory::kDefaultLogLineCap);
    QCOMPARE(run->logLinesDropped, 0);
    QVERIFY(run->report == reportOf(plan));
    QCOMPARE(RunHistory::planHash(run->plan), RunHistory::planHash(plan));
    QCOMPARE(run->events.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        const RunEvent &was = events[i];
        const RunEvent &is = run->events[i];
        QCOMPARE(is.kind, was.kind);
        QCOMPARE(is.timeMs, was.timeMs);
        QCOMPARE(is.resource, was.resource); // by id, back to the plan's index
        QCOMPARE(is.attempt, was.attempt);
        QCOMPARE(is.number, was.number);
        QCOMPARE(is.text, was.text);
        QCOMPARE(is.sequence, i);
        if (was.kind == RunEvent::Kind::StateChanged)
            QCOMPARE(is.state, was.state);
        if (was.kind == RunEvent::Kind::Log)
            QCOMPARE(is.level, was.level);
    }
    // Two runs of one plan keep it once.
    QVERIFY(history.record(QStringLiteral("run"), reportOf(plan), plan, events));
    QSqlQuery count(QSqlDatabase::database(history.connectionName()));
    QVERIFY(count.exec(QStringLiteral("SELECT COUNT(*) FROM plans")) && count.next());
    QCOMPARE(count.value(0).toInt(), 1);
    count.finish();

    const Expected<RunHistory::RecordedRun> missing = history.recordedRun(99);
    QVERIFY(!missing);
    QVERIFY2(missing.error().contains(QLatin1String("no run #99")), qPrintable(missing.error()));
    QVERIFY(history.findRun(99) && !*history.findRun(99));
}

void tst_runhistory::planSnapshotRoundTrips()
{
    // What a replay needs of a plan, a teardown plan's ids ("db (destroy first)") included.
    Plan plan;
    plan.name = QStringLiteral("snap");
    plan.parallelism = 7;
    plan.failFast = true;
    plan.seed = 18'446'744'073'709'551'557ULL;
    plan.groups = {Group{QStringLiteral("net"), QStringLiteral("Network"), 2}};
    plan.variables = {Variable{QStringLiteral("region"), QStringLiteral("eu-west-1"), false},
                      Variable{QStringLiteral("token"), QStringLiteral("hunter2"), true}};
    plan.positions.insert(QStringLiteral("vpc"), QPointF(120, -40.5));
    plan.layoutDirection = QString::fromLatin1(Plan::kLeftToRight);
    Resource vpc;
    vpc.id = QStringLiteral("vpc");
    vpc.name = QStringLiteral("The VPC");
    vpc.type = QStringLiteral("command");
    vpc.group = QStringLiteral("net");
    vpc.timeoutMs = 60'000;
    vpc.retry.maxAttempts = 3;
    vpc.retry.initialBackoffMs = 250;
    vpc.retry.jitter = 0.2;
    vpc.estimateMs = 4200;
    vpc.params = {{"command", {"create-vpc", "--token", "hunter2"}}};
    vpc.source = {{"type", "aws_vpc"}, {"address", "aws_vpc.main"}};
    vpc.mappedBy = QStringLiteral("aws_*");
    Resource db;
    db.id = QStringLiteral("db (destroy first)");
    db.type = QStringLiteral("sim");
    db.dependsOn = {QStringLiteral("vpc")};
    db.destroy = {{"type", "sim"}, {"duration", "20ms"}};
    db.run = false;
    db.note = QStringLiteral("only if IsProd");
    plan.resources = {vpc, db};

    const json snapshot = PlanSnapshot::toJson(plan);
    QVERIFY(snapshot.dump().find("hunter2") == std::string::npos); // a secret variable's value, wherever it is
    const Plan back = PlanSnapshot::fromJson(json::parse(snapshot.dump()));
    QCOMPARE(back.name, plan.name);
    QCOMPARE(back.parallelism, 7);
    QVERIFY(back.failFast);
    QCOMPARE(back.seed, plan.seed);
    QCOMPARE(back.groups.size(), 1);
    QCOMPARE(back.groups[0].label, QStringLiteral("Network"));
    QCOMPARE(back.groups[0].limit, 2);
    QCOMPARE(back.variables.size(), 2);
    QCOMPARE(back.variables[0].value, QStringLiteral("eu-west-1"));
    QCOMPARE(back.variables[1].value, QStringLiteral("****"));
    QVERIFY(back.variables[1].secret);
    QCOMPARE(back.positions.value(QStringLiteral("vpc")), QPointF(120, -40.5));
    QCOMPARE(back.layoutDirection, plan.layoutDirection);
    QCOMPARE(back.resources.size(), 2);
    const Resource &v = back.resources[0];
    QCOMPARE(v.name, vpc.name);
    QCOMPARE(v.group, vpc.group);
    QCOMPARE(v.timeoutMs, 60'000);
    QCOMPARE(v.retry.maxAttempts, 3);
    QCOMPARE(v.retry.initialBackoffMs, 250);
    QCOMPARE(v.retry.jitter, 0.2);
    QCOMPARE(v.estimateMs, std::optional<qint64>(4200));
    QVERIFY(v.params == json({{"command", {"create-vpc", "--token", "****"}}}));
    QVERIFY(v.source == vpc.source);
    QCOMPARE(v.mappedBy, vpc.mappedBy);
    const Resource &d = back.resources[1];
    QCOMPARE(d.id, db.id);
    QCOMPARE(d.dependsOn, db.dependsOn);
    QVERIFY(d.destroy == db.destroy);
    QVERIFY(!d.run);
    QCOMPARE(d.note, db.note);
    QVERIFY(!d.estimateMs);
    QCOMPARE(DeploymentState::definitionHash(d), DeploymentState::definitionHash(db));
}

void tst_runhistory::versionOneMigratesKeepingItsRuns()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        // A history as Fanout wrote it with schema version 1, with a run and its attempt.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const char *statement : {
                 "CREATE TABLE runs (id INTEGER PRIMARY KEY, command TEXT NOT NULL, plan_name TEXT NOT NULL, plan_file TEXT NOT NULL,"
                 " plan_hash TEXT NOT NULL, started_at TEXT NOT NULL, parallelism INTEGER NOT NULL, options TEXT NOT NULL,"
                 " outcome TEXT NOT NULL, makespan_ms INTEGER NOT NULL, resources INTEGER NOT NULL, fanout_version TEXT NOT NULL)",
                 "CREATE INDEX runs_by_plan ON runs (plan_name, id)",
                 "CREATE TABLE attempts (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, resource_id TEXT NOT NULL,"
                 " type TEXT NOT NULL, source_type TEXT, definition_hash TEXT NOT NULL, number INTEGER NOT NULL, ready_ms INTEGER NOT NULL,"
                 " start_ms INTEGER NOT NULL, end_ms INTEGER, outcome TEXT NOT NULL, error TEXT)",
                 "CREATE INDEX attempts_by_definition ON attempts (definition_hash, outcome)",
                 "CREATE INDEX attempts_by_resource ON attempts (resource_id)",
                 "CREATE INDEX attempts_by_type ON attempts (type, source_type)",
                 "INSERT INTO runs VALUES (1, 'run', 'old', 'old.json', 'sha256:00', '2026-12-01T10:00:00.000Z', 4, '{}', 'succeeded', 1234, 1, '0.1.0')",
                 "INSERT INTO attempts VALUES (1, 'vpc', 'sim', NULL, 'sha256:11', 1, 0, 3, 1234, 'succeeded', NULL)",
                 "PRAGMA user_version = 1"}) {
            QVERIFY2(query.exec(QString::fromLatin1(statement)), qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));

    RunHistory history(path);
    const Expected<QList<RunHistory::Run>> runs = history.runs();
    QVERIFY2(runs, qPrintable(runs.error()));
    QCOMPARE(runs->size(), 1);
    QCOMPARE(runs->at(0).planName, QStringLiteral("old"));
    QCOMPARE(runs->at(0).attempts, 1);
    QCOMPARE(runs->at(0).logLineCap, -1);
    QSqlQuery version(QSqlDatabase::database(history.connectionName()));
    QVERIFY(version.exec(QStringLiteral("PRAGMA user_version")) && version.next());
    QCOMPARE(version.value(0).toInt(), RunHistory::kSchemaVersion);
    version.finish();
    // What it has: the run, no plan, no report, no events.
    const Expected<RunHistory::RecordedRun> old = history.recordedRun(1);
    QVERIFY2(old, qPrintable(old.error()));
    QCOMPARE(old->run.makespanMs, 1234);
    QVERIFY(old->report.is_null());
    QVERIFY(old->plan.resources.isEmpty());
    QVERIFY(old->events.isEmpty());
    // And new runs go in beside it.
    const Plan plan = twoResources();
    const Expected<qint64> id = history.record(QStringLiteral("run"), reportOf(plan), plan, eventsOf(2));
    QVERIFY2(id, qPrintable(id.error()));
    QCOMPARE(*id, 2);
    QCOMPARE(history.recordedRun(2)->events.size(), 7);
}

void tst_runhistory::secretsNeverReachTheFile()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const QString planFile = dir.filePath(QStringLiteral("secret.json"));
    const QByteArray secret = "hunter2-s3cr3t";
    QFile file(planFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "secret", "variables": {"token": {"value": "hunter2-s3cr3t", "secret": true}},
        "resources": [
          {"id": "login", "type": "command", "command": ["sh", "-c", "echo token=${var.token}"]},
          {"id": "fails", "type": "command", "command": ["sh", "-c", "echo refused ${var.token} >&2; exit 3"]}]})");
    file.close();
    // Held open here, so that what the run writes stays in the WAL to be read.
    RunHistory reader(path);
    QVERIFY(reader.open());
    const Finished run = runFanout({QStringLiteral("run"), planFile, QStringLiteral("--history"), path, QStringLiteral("--state"),
                                 dir.filePath(QStringLiteral("state.json"))});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(!run.err.contains(QLatin1String("warning")), qPrintable(run.err));
    const QByteArray bytes = fileBytes(path) + fileBytes(path + QStringLiteral("-wal"));
    QVERIFY(!bytes.isEmpty());
    QVERIFY(!bytes.contains(secret));
    // Nor in what is kept compressed: the report and the plan.
    const Expected<QList<RunHistory::Run>> runs = reader.runs();
    QVERIFY(runs && runs->size() == 1);
    const Expected<RunHistory::RecordedRun> recorded = reader.recordedRun(runs->at(0).id);
    QVERIFY2(recorded, qPrintable(recorded.error()));
    QSqlQuery blobs(QSqlDatabase::database(reader.connectionName()));
    QVERIFY(blobs.exec(QStringLiteral("SELECT report FROM runs UNION ALL SELECT snapshot FROM plans")));
    int compressed = 0;
    while (blobs.next()) {
        const QByteArray text = qUncompress(blobs.value(0).toByteArray());
        QVERIFY(!text.isEmpty());
        QVERIFY(!text.contains(secret));
        ++compressed;
    }
    QCOMPARE(compressed, 2);
    blobs.finish();
    QCOMPARE(recorded->plan.variables.value(0).value, QStringLiteral("****"));
    QStringList logs;
    for (const RunEvent &event : recorded->events) {
        QVERIFY(!event.text.contains(QLatin1String(secret)));
        if (event.kind == RunEvent::Kind::Log)
            logs.append(event.text);
    }
    QVERIFY2(logs.contains(QStringLiteral("token=****")), qPrintable(logs.join(QLatin1Char('\n'))));
}

void tst_runhistory::showPrintsARecordedRun()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const QString quickFail = QStringLiteral(FANOUT_FIXTURES "/plans/quick-fail.json");
    const QString report = dir.filePath(QStringLiteral("run.json"));
    const Finished run = runFanout({QStringLiteral("run"), quickFail, QStringLiteral("--history"), path, QStringLiteral("--report"), report,
                                 QStringLiteral("--history-log-lines"), QStringLiteral("1"), QStringLiteral("--state"),
                                 dir.filePath(QStringLiteral("state.json"))});
    QCOMPARE(run.exitCode, 1);
    const Finished listed = runFanout({QStringLiteral("history"), QStringLiteral("--history"), path, QStringLiteral("--json")});
    const json runs = json::parse(listed.out.toStdString());
    QCOMPARE(runs.size(), std::size_t(1));
    const qint64 id = runs[0]["id"].get<qint64>();

    const QString again = dir.filePath(QStringLiteral("again.json"));
    const Finished shown = runFanout({QStringLiteral("history"), QStringLiteral("show"), QString::number(id), QStringLiteral("--history"), path,
                                   QStringLiteral("--report"), again});
    QCOMPARE(shown.exitCode, 0);
    // As `fanout run` ended it: the same summary, from the same report.
    const QString summary = run.out.mid(run.out.indexOf(QLatin1String("Run of \"quick-fail\"")));
    const QString ending = summary.left(summary.indexOf(QLatin1String("State:")));
    QVERIFY(!ending.isEmpty());
    QVERIFY2(shown.out.contains(ending), qPrintable(shown.out + QStringLiteral("\n---\n") + ending));
    QVERIFY2(shown.out.contains(QStringLiteral("Run #%1: run of \"quick-fail\"").arg(id)), qPrintable(shown.out));
    QVERIFY2(shown.out.contains(QLatin1String("parallelism 4")), qPrintable(shown.out));
    QVERIFY2(shown.out.contains(QLatin1String("1 log line kept, 1 not kept (cap 1)")), qPrintable(shown.out));
    QCOMPARE(fileBytes(again), fileBytes(report));
    QVERIFY(!fileBytes(report).isEmpty());

    // An unknown run, a missing history, --no-history: usage errors that say where.
    const Finished unknown = runFanout({QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("99"), QStringLiteral("--history"), path});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains(QLatin1String("no run #99")) && unknown.err.contains(path), qPrintable(unknown.err));
    QCOMPARE(runFanout({QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("1"), QStringLiteral("--history"),
                        dir.filePath(QStringLiteral("none.sqlite"))}).exitCode, 2);
    QCOMPARE(runFanout({QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("1"), QStringLiteral("--no-history")}).exitCode, 2);
    QCOMPARE(runFanout({QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("first"), QStringLiteral("--history"), path}).exitCode, 2);
    QCOMPARE(runFanout({QStringLiteral("run"), quickFail, QStringLiteral("--history-log-lines"), QStringLiteral("-1")}).exitCode, 2);
}

QTEST_GUILESS_MAIN(tst_runhistory)
#include "tst_runhistory.moc"
