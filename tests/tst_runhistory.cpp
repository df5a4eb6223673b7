// The run history (RunHistory, SQLite through Qt SQL): what `fanout run` and `fanout destroy`
// record, the schema's version, two processes recording at once, and a history that cannot be kept
// costing the run nothing; `fanout history` lists what was recorded.
#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "engine/state/deploymentstate.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

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

QTEST_GUILESS_MAIN(tst_runhistory)
#include "tst_runhistory.moc"
