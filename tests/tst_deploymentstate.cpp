#include "engine/executors/attempt.h"
#include "engine/executors/executorregistry.h"
#include "engine/executors/simexecutor.h"
#include "engine/plan/planvalidator.h"
#include "engine/run/scheduler.h"
#include "engine/run/staterecorder.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/destroyplan.h"
#include "engine/state/statejournal.h"
#include "engine/support/jsontext.h"
#include "guitest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// Succeeds at once with outputs {"id": "<resource id>-<attempt>"} plus the params' "outputs", and
// remembers the known outputs each attempt was given (what ${self.outputs.K} would see).
class OutputExecutor final : public Executor
{
public:
    const ExecutorDescription &description() const override
    {
        static const ExecutorDescription described{
            .type = QStringLiteral("output"),
            .section = {.fields = {{.path = QStringLiteral("outputs"), .kind = FieldDescription::Kind::NameValueMap, .jsonOnly = true}}}};
        return described;
    }
    void validate(const json &, const QString &, Diagnostics &) const override {}
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &) const override
    {
        attempt->setOutput(QStringLiteral("id"), attempt->resource().id + QLatin1Char('-') + QString::number(attempt->number()));
        if (const auto it = attempt->resource().params.find("outputs"); it != attempt->resource().params.end()) {
            for (const auto &[key, value] : it->items())
                attempt->setOutput(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
        }
        m_known[attempt->resource().id] = attempt->knownOutputs();
        attempt->succeed();
    }
    QMap<QString, QString> knownOutputsOf(const QString &id) const { return m_known.value(id); }

private:
    mutable QHash<QString, QMap<QString, QString>> m_known;
};

struct Fixture
{
    ExecutorRegistry registry;
    OutputExecutor *output;
    Fixture()
    {
        registry.add(std::make_unique<SimExecutor>());
        auto executor = std::make_unique<OutputExecutor>();
        output = executor.get();
        registry.add(std::move(executor));
    }
};

Resource resource(const QString &id, const QString &type, const QStringList &dependsOn = {}, const json &params = json::object(),
                  const json &destroy = json())
{
    Resource r;
    r.id = id;
    r.type = type;
    r.dependsOn = dependsOn;
    r.params = params;
    r.destroy = destroy;
    return r;
}

Plan plan(const QList<Resource> &resources)
{
    Plan p;
    p.name = QStringLiteral("web");
    p.resources = resources;
    return p;
}

// Runs `plan` to its end; false when it did not end within 10 s.
bool runToEnd(Scheduler &scheduler, const Plan &plan, const RunOptions &options = {})
{
    QSignalSpy finished(&scheduler, &Scheduler::finished);
    if (!scheduler.start(plan, options))
        return false;
    return !scheduler.isRunning() || finished.wait(10'000);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

// One journal record.
QByteArray record(StateJournal::Event event, const QString &id, const DeploymentState::Entry *entry)
{
    std::string text;
    StateJournal::appendRecord(text, event, id, entry);
    return QByteArray::fromStdString(text);
}

} // namespace

class tst_DeploymentState : public QObject
{
    Q_OBJECT

private slots:
    void entryTextIsTheEntrysJson();
    void timesAreWrittenAsQtWritesThem();
    void journalOfAKilledWriterEndsAtItsFirstZero_data();
    void journalOfAKilledWriterEndsAtItsFirstZero();
    void oneFanoutAtATimeWritesAState();
    void aForkedProcessHoldsNoLock();
    void fullDiskIsAnErrorNotACrash_data();
    void fullDiskIsAnErrorNotACrash();
    void emptiedWhilePagesArePrepared();
    void hashIgnoresKeyOrder();
    void hashChangesWithDefinition_data();
    void hashChangesWithDefinition();
    void defaultPathIsBesideThePlan();
    void missingFileIsEmpty();
    void saveAndReadBack();
    void compareWithPlan();
    void changedVariablesOfAnUpToDateResource();
    void failedSaveKeepsTheOldFile_data();
    void failedSaveKeepsTheOldFile();
    void unreadableFileSaysWhere_data();
    void unreadableFileSaysWhere();
    void destroyPlanTearsDownInReverseOrder();
    void destroyPlanForgetsWhatHasNoAction();
    void destroyPlanKeepsRemovedResources();
    void destroyActionKeepsTheValuesOfItsCreation();
    void destroyActionOfAnOlderFanoutIsNotGuessed();
    void recorderKeepsTheFileUpToDate();
    void journalReplaysOverTheSnapshot();
    void journalCutShortLosesOnlyItsLastLine();
    void stateFilesArePrivate();
};

void tst_DeploymentState::hashIgnoresKeyOrder()
{
    const Resource a = resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("subnet-a"), QStringLiteral("subnet-b")},
                                json::parse(R"({"duration": "2s", "log_lines": ["a", "b"], "nested": {"x": 1, "y": [1, {"p": 1, "q": 2}]}})"),
                                json::parse(R"({"type": "sim", "duration": "1s", "failure_rate": 0})"));
    const Resource b = resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("subnet-b"), QStringLiteral("subnet-a")},
                                json::parse(R"({"nested": {"y": [1, {"q": 2, "p": 1}], "x": 1}, "log_lines": ["a", "b"], "duration": "2s"})"),
                                json::parse(R"({"failure_rate": 0, "duration": "1s", "type": "sim"})"));
    const QString hash = DeploymentState::definitionHash(a);
    QVERIFY2(hash.startsWith(QLatin1String("sha256:")) && hash.size() == 7 + 64, qPrintable(hash));
    QCOMPARE(DeploymentState::definitionHash(b), hash);
    QCOMPARE(DeploymentState::definitionHash(a), hash); // and the same every time

    // What only shapes a run replaces nothing.
    Resource c = a;
    c.name = QStringLiteral("PostgreSQL");
    c.group = QStringLiteral("rds-api");
    c.timeoutMs = 60'000;
    c.retry.maxAttempts = 5;
    QCOMPARE(DeploymentState::definitionHash(c), hash);
}

void tst_DeploymentState::hashChangesWithDefinition_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("a parameter's value") << "param";
    QTest::newRow("a new parameter") << "new param";
    QTest::newRow("the type") << "type";
    QTest::newRow("the destroy action") << "destroy";
    QTest::newRow("no destroy action") << "no destroy";
    QTest::newRow("a dependency") << "depends_on";
    QTest::newRow("array order") << "array order";
}

void tst_DeploymentState::hashChangesWithDefinition()
{
    QFETCH(QString, field);
    const Resource a = resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("vpc")},
                                json::parse(R"({"duration": "2s", "log_lines": ["a", "b"]})"), json::parse(R"({"type": "sim"})"));
    Resource b = a;
    if (field == QLatin1String("param"))
        b.params["duration"] = "3s";
    else if (field == QLatin1String("new param"))
        b.params["failure_rate"] = 0.5;
    else if (field == QLatin1String("type"))
        b.type = QStringLiteral("command");
    else if (field == QLatin1String("destroy"))
        b.destroy["duration"] = "1s";
    else if (field == QLatin1String("no destroy"))
        b.destroy = json();
    else if (field == QLatin1String("depends_on"))
        b.dependsOn.append(QStringLiteral("subnet"));
    else if (field == QLatin1String("array order"))
        b.params["log_lines"] = {"b", "a"}; // lines in another order are another definition
    QVERIFY(DeploymentState::definitionHash(a) != DeploymentState::definitionHash(b));
}

void tst_DeploymentState::defaultPathIsBesideThePlan()
{
    QCOMPARE(DeploymentState::defaultPath(QStringLiteral("/srv/deploy/web.json")), QStringLiteral("/srv/deploy/web.fanout-state.json"));
    QCOMPARE(DeploymentState::defaultPath(QStringLiteral("web.prod.json")), QStringLiteral("web.prod.fanout-state.json"));
}

void tst_DeploymentState::missingFileIsEmpty()
{
    QTemporaryDir dir;
    const DeploymentState::ReadResult read = DeploymentState::read(dir.filePath(QStringLiteral("none.fanout-state.json")));
    QVERIFY(!read.hasErrors());
    QVERIFY(!read.existed);
    QVERIFY(read.state.isEmpty());
}

void tst_DeploymentState::saveAndReadBack()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    const Resource vpc = resource(QStringLiteral("vpc"), QStringLiteral("sim"), {}, json::parse(R"({"duration": "1s"})"),
                                  json::parse(R"({"type": "command", "run": "delete-vpc ${self.outputs.id}"})"));
    const Resource db = resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("vpc")});
    DeploymentState state;
    state.setPlanName(QStringLiteral("web"));
    state.recordCreated(vpc, {{QStringLiteral("id"), QStringLiteral("vpc-123")}, {QStringLiteral("cidr"), QStringLiteral("10.0.0.0/16")}}, Plan(), {});
    state.recordCreated(db, {}, Plan(), {});
    const Expected<void> first = state.save(path);
    QVERIFY2(first, qPrintable(first.error()));

    const json file = json::parse(readAll(path).toStdString());
    QCOMPARE(file["fanout_state"].get<int>(), 1);
    QCOMPARE(file["plan"].get<std::string>(), "web");
    QVERIFY(QDateTime::fromString(QString::fromStdString(file["updated_at"].get<std::string>()), Qt::ISODateWithMs).isValid());
    QCOMPARE(file["resources"]["vpc"]["outputs"]["id"].get<std::string>(), "vpc-123");
    QCOMPARE(file["resources"]["vpc"]["destroy"]["run"].get<std::string>(), "delete-vpc ${self.outputs.id}");
    QCOMPARE(QString::fromStdString(file["resources"]["vpc"]["definition_hash"].get<std::string>()), DeploymentState::definitionHash(vpc));
    QVERIFY(!file["resources"]["db"].contains("destroy")); // none: left out, as empty outputs and dependencies are

    const DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(read.diagnostics.isEmpty());
    QVERIFY(read.existed);
    QCOMPARE(read.state.planName(), QStringLiteral("web"));
    QCOMPARE(read.state.ids(), (QStringList{QStringLiteral("db"), QStringLiteral("vpc")}));
    const DeploymentState::Entry *entry = read.state.find(QStringLiteral("vpc"));
    QVERIFY(entry);
    QCOMPARE(entry->definitionHash, DeploymentState::definitionHash(vpc));
    QCOMPARE(entry->outputs.value(QStringLiteral("cidr")), QStringLiteral("10.0.0.0/16"));
    QVERIFY(entry->destroy == vpc.destroy);
    QCOMPARE(entry->createdAt, state.find(QStringLiteral("vpc"))->createdAt);
    QCOMPARE(read.state.find(QStringLiteral("db"))->dependsOn, QStringList{QStringLiteral("vpc")});
    // What it reads it writes back the same.
    QCOMPARE(read.state.toJson().dump(), state.toJson().dump());
}

// The values of the variables a resource's parameters use are recorded as it is created (secret
// ones never), so that a later --var with another value can be named though the hash is the same.
void tst_DeploymentState::changedVariablesOfAnUpToDateResource()
{
    Plan plan;
    plan.variables = {Variable{QStringLiteral("region"), QStringLiteral("eu-west-1")}, Variable{QStringLiteral("token"), QStringLiteral("s3cret"), true},
                      Variable{QStringLiteral("unused"), QStringLiteral("x")}};
    const Resource vpc = resource(QStringLiteral("vpc"), QStringLiteral("sim"), {},
                                  json::parse(R"({"log_lines": ["in ${var.region} with ${var.token}", "$${var.unused}"]})"));
    plan.resources = {vpc};
    DeploymentState state;
    state.setPlanName(QStringLiteral("vars"));
    state.setUpdatedAt(QDateTime::currentDateTimeUtc());
    state.recordCreated(vpc, {}, plan, {});
    const QMap<QString, QString> recorded{{QStringLiteral("region"), QStringLiteral("eu-west-1")}};
    QCOMPARE(state.find(QStringLiteral("vpc"))->variables, recorded);
    QVERIFY(state.changedVariables(vpc, plan).isEmpty());

    plan.variables[0].value = QStringLiteral("us-east-2");
    plan.variables[1].value = QStringLiteral("other");
    plan.variables[2].value = QStringLiteral("y");
    const QList<DeploymentState::VariableChange> changes = state.changedVariables(vpc, plan);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes[0].name, QStringLiteral("region"));
    QCOMPARE(changes[0].was, QStringLiteral("eu-west-1"));
    QCOMPARE(changes[0].now, QStringLiteral("us-east-2"));
    QCOMPARE(state.compare(plan), QList<DeploymentState::Change>{DeploymentState::Change::UpToDate});

    // Written and read back; an entry of an older Fanout, without values, has nothing to compare.
    const DeploymentState::ReadResult read = DeploymentState::readText(state.toText());
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.changedVariables(vpc, plan).size(), 1);
    DeploymentState older;
    DeploymentState::Entry entry = *state.find(QStringLiteral("vpc"));
    entry.variables.clear();
    older.insert(QStringLiteral("vpc"), entry);
    QVERIFY(older.changedVariables(vpc, plan).isEmpty());
}

void tst_DeploymentState::compareWithPlan()
{
    const Resource vpc = resource(QStringLiteral("vpc"), QStringLiteral("sim"), {}, json::parse(R"({"duration": "1s"})"));
    const Resource db = resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("vpc")});
    DeploymentState state;
    state.recordCreated(vpc, {}, Plan(), {});
    state.recordCreated(db, {}, Plan(), {});
    state.recordCreated(resource(QStringLiteral("old"), QStringLiteral("sim")), {}, Plan(), {});

    Resource changed = vpc;
    changed.params["duration"] = "2s";
    const Plan p = plan({changed, db, resource(QStringLiteral("app"), QStringLiteral("sim"), {QStringLiteral("db")})});
    using C = DeploymentState::Change;
    QCOMPARE(state.compare(p), (QList<C>{C::Replace, C::UpToDate, C::Create}));
    QCOMPARE(state.orphans(p), QStringList{QStringLiteral("old")});
}

void tst_DeploymentState::failedSaveKeepsTheOldFile_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("read-only directory") << "read-only";
    QTest::newRow("disk full (file size limit)") << "size limit";
}

// A state file is replaced all at once or not at all: a failed save says why, keeps the old file
// as it was and leaves no temporary file behind.
void tst_DeploymentState::failedSaveKeepsTheOldFile()
{
    QFETCH(QString, how);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.setPlanName(QStringLiteral("web"));
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {{QStringLiteral("id"), QStringLiteral("vpc-1")}}, Plan(), {});
    const Expected<void> first = state.save(path);
    QVERIFY2(first, qPrintable(first.error()));
    const QByteArray before = readAll(path);

    // Much larger than before, so that a write cut short would show.
    for (int i = 0; i < 200; ++i)
        state.recordCreated(resource(QStringLiteral("subnet-%1").arg(i), QStringLiteral("sim")), {{QStringLiteral("id"), QString(100, QLatin1Char('x'))}}, Plan(), {});

    Expected<void> saved;
    if (how == QLatin1String("read-only")) {
        if (::geteuid() == 0)
            QSKIP("root writes into read-only directories; the size-limit row covers a failing write");
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        saved = state.save(path);
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    } else {
        // Like a full disk: writes past the limit fail (EFBIG), for root too.
        struct rlimit old = {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
        struct rlimit limit = old;
        limit.rlim_cur = rlim_t(before.size() + 100);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limit), 0);
        saved = state.save(path);
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
    }
    QVERIFY(!saved);
    QVERIFY(!saved.error().isEmpty());
    QCOMPARE(readAll(path), before);
    // No temporary file left beside them (the journal is the lock, taken before writing).
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList({"web.fanout-state.json", "web.fanout-state.json.journal"}));
    QVERIFY(!DeploymentState::read(path).hasErrors());
}

void tst_DeploymentState::unreadableFileSaysWhere_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    const QByteArray good = "{\n  \"fanout_state\": 1,\n  \"plan\": \"web\",\n  \"resources\": {\n    \"vpc\": {\"definition_hash\": \"sha256:00\", \"outputs\": {\"id\": \"vpc-1\"}}\n  }\n}\n";
    QTest::newRow("cut short") << good.left(good.indexOf("\"outputs\"") + 12) << 5 << 57 << "ends too soon, as if cut short";
    QTest::newRow("syntax error") << QByteArray("{\n  \"fanout_state\": 1,\n  \"resources\": {,}\n}\n") << 3 << 17 << "not valid JSON";
    QTest::newRow("empty file") << QByteArray() << 1 << 1 << "not valid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << 0 << 0 << "not a Fanout state file";
    QTest::newRow("no version") << QByteArray("{\"resources\": {}}") << 0 << 0 << "has no \"fanout_state\" version";
    QTest::newRow("newer version") << QByteArray("{\n\"fanout_state\": 2, \"resources\": {}}") << 2 << 1 << "written by a newer Fanout";
    QTest::newRow("output not a string") << QByteArray(good).replace("\"vpc-1\"", "7") << 5 << 57 << "resources.vpc.outputs.id: must be a string, not number";
    QTest::newRow("destroy without type") << QByteArray(good).replace("\"outputs\"", "\"destroy\": {\"run\": \"x\"}, \"outputs\"")
                                          << 5 << 45 << "resources.vpc.destroy: the action has no \"type\"";
    QTest::newRow("bad time") << QByteArray(good).replace("\"outputs\"", "\"created_at\": \"yesterday\", \"outputs\"") << 5 << 45
                              << "\"yesterday\" is not a time";
    QTest::newRow("too deep") << QByteArray(100, '[') << 1 << 65 << "nested more than 64 levels deep";
}

void tst_DeploymentState::unreadableFileSaysWhere()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    writeAll(path, text);
    const DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(read.hasErrors());
    QVERIFY(read.state.isEmpty()); // nothing half-read to act on
    const Diagnostic &d = read.diagnostics.constFirst();
    const QString shown = d.toString(path);
    QVERIFY2(shown.contains(message), qPrintable(shown));
    QCOMPARE(d.line, line);
    QCOMPARE(d.column, column);
    if (line > 0)
        QVERIFY2(shown.startsWith(QStringLiteral("%1:%2:%3: error: ").arg(path).arg(line).arg(column)), qPrintable(shown));
    QCOMPARE(readAll(path), text); // reading never writes
}

void tst_DeploymentState::destroyPlanTearsDownInReverseOrder()
{
    Fixture f;
    const json destroy = json::parse(R"({"type": "sim", "duration": "50ms"})");
    Plan p = plan({resource(QStringLiteral("a"), QStringLiteral("sim"), {}, json::object(), destroy),
                   resource(QStringLiteral("b"), QStringLiteral("sim"), {QStringLiteral("a")}, json::object(), destroy),
                   resource(QStringLiteral("c"), QStringLiteral("sim"), {QStringLiteral("b")}, json::object(), destroy)});
    p.parallelism = 7;
    p.resources[1].name = QStringLiteral("Bee");
    p.resources[1].timeoutMs = 30'000;
    p.resources[1].retry.maxAttempts = 3;
    DeploymentState state;
    for (const Resource &r : std::as_const(p.resources))
        state.recordCreated(r, {}, Plan(), {});

    const DestroyPlan teardown = DestroyPlan::build(p, state);
    QVERIFY(teardown.forgotten.isEmpty());
    QCOMPARE(teardown.plan.parallelism, 7);
    QCOMPARE(teardown.plan.resources.size(), 3);
    const Plan &t = teardown.plan;
    QCOMPARE(t.resources[t.indexOf(QStringLiteral("c"))].dependsOn, QStringList());
    QCOMPARE(t.resources[t.indexOf(QStringLiteral("b"))].dependsOn, QStringList{QStringLiteral("c")});
    QCOMPARE(t.resources[t.indexOf(QStringLiteral("a"))].dependsOn, QStringList{QStringLiteral("b")});
    const Resource &b = t.resources[t.indexOf(QStringLiteral("b"))];
    QCOMPARE(b.type, QStringLiteral("sim"));
    QVERIFY(b.params == json::parse(R"({"duration": "50ms"})"));
    QCOMPARE(b.name, QStringLiteral("Bee"));
    QCOMPARE(b.timeoutMs, 30'000);
    QCOMPARE(b.retry.maxAttempts, 3);
    const Diagnostics problems = teardown.check(f.registry);
    QVERIFY(problems.isEmpty());
    QCOMPARE(errorCount(PlanValidator::validate(t, f.registry)), 0);

    Scheduler scheduler(f.registry);
    QVERIFY(runToEnd(scheduler, t));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), 3);
    auto attempt = [&](const char *id) { return scheduler.status(t.indexOf(QLatin1String(id))).attempts.constFirst(); };
    QVERIFY(attempt("c").endMs <= attempt("b").startMs);
    QVERIFY(attempt("b").endMs <= attempt("a").startMs);
    QVERIFY(attempt("c").startMs < attempt("a").startMs);
}

void tst_DeploymentState::destroyPlanForgetsWhatHasNoAction()
{
    const json destroy = json::parse(R"({"type": "sim", "duration": "10ms"})");
    // b has nothing to run; c, which depended on it, still goes before a.
    const Plan p = plan({resource(QStringLiteral("a"), QStringLiteral("sim"), {}, json::object(), destroy),
                         resource(QStringLiteral("b"), QStringLiteral("sim"), {QStringLiteral("a")}),
                         resource(QStringLiteral("c"), QStringLiteral("sim"), {QStringLiteral("b")}, json::object(), destroy),
                         resource(QStringLiteral("never-created"), QStringLiteral("sim"), {}, json::object(), destroy)});
    DeploymentState state;
    for (int r = 0; r < 3; ++r)
        state.recordCreated(p.resources[r], {}, Plan(), {});
    const DestroyPlan teardown = DestroyPlan::build(p, state);
    QCOMPARE(teardown.forgotten, QStringList{QStringLiteral("b")});
    QCOMPARE(teardown.plan.resources.size(), 2);
    QCOMPARE(teardown.plan.indexOf(QStringLiteral("never-created")), -1);
    QCOMPARE(teardown.plan.resources[teardown.plan.indexOf(QStringLiteral("a"))].dependsOn, QStringList{QStringLiteral("c")});

    // An empty state: nothing to run, nothing to forget.
    const DestroyPlan none = DestroyPlan::build(p, DeploymentState());
    QVERIFY(none.plan.resources.isEmpty());
    QVERIFY(none.forgotten.isEmpty());
}

void tst_DeploymentState::destroyPlanKeepsRemovedResources()
{
    // "old" was created, and depended on "vpc", then removed from the plan; its recorded action
    // and dependencies still tear it down, before vpc. The state's action wins over the plan's.
    const Resource old = resource(QStringLiteral("old"), QStringLiteral("sim"), {QStringLiteral("vpc")}, json::object(),
                                  json::parse(R"({"type": "output", "outputs": {"by": "state"}})"));
    Resource vpc = resource(QStringLiteral("vpc"), QStringLiteral("sim"), {}, json::object(), json::parse(R"({"type": "output"})"));
    DeploymentState state;
    state.recordCreated(vpc, {{QStringLiteral("id"), QStringLiteral("vpc-9")}}, Plan(), {});
    state.recordCreated(old, {{QStringLiteral("id"), QStringLiteral("old-1")}}, Plan(), {});
    vpc.destroy = json::parse(R"({"type": "sim"})");
    const DestroyPlan teardown = DestroyPlan::build(plan({vpc}), state);
    const Plan &t = teardown.plan;
    QCOMPARE(t.resources.size(), 2);
    const int o = t.indexOf(QStringLiteral("old"));
    const int v = t.indexOf(QStringLiteral("vpc"));
    QVERIFY(o >= 0 && v >= 0);
    QCOMPARE(t.resources[o].type, QStringLiteral("output"));
    QCOMPARE(t.resources[v].type, QStringLiteral("output")); // as recorded, not the plan's sim
    QCOMPARE(t.resources[v].dependsOn, QStringList{QStringLiteral("old")});
    QCOMPARE(teardown.knownOutputs.value(o).value(QStringLiteral("id")), QStringLiteral("old-1"));
    QCOMPARE(teardown.knownOutputs.value(v).value(QStringLiteral("id")), QStringLiteral("vpc-9"));
}

// Run, then destroy, through a scheduler, with the recorder keeping the file up to date.
void tst_DeploymentState::destroyActionKeepsTheValuesOfItsCreation()
{
    Fixture f;
    Plan created = plan({resource(QStringLiteral("vpc"), QStringLiteral("sim")),
                         resource(QStringLiteral("dir"), QStringLiteral("sim"), {QStringLiteral("vpc")}, json::object(),
                                  json::parse(R"({"type": "sim", "log_lines": ["rm -rf ${var.root}", "vpc ${resources.vpc.outputs.id}",
                                                  "token ${var.token}", "home ${env:HOME}", "own ${self.outputs.path}"]})"))});
    created.variables = {Variable{QStringLiteral("root"), QStringLiteral("/srv/chosen"), false},
                         Variable{QStringLiteral("token"), QStringLiteral("s3cret"), true}};
    DeploymentState state;
    state.recordCreated(created.resources[1], {{QStringLiteral("path"), QStringLiteral("/srv/chosen")}}, created, [](const QString &id) {
        return id == QLatin1String("vpc") ? QMap<QString, QString>{{QStringLiteral("id"), QStringLiteral("vpc-7")}} : QMap<QString, QString>();
    });
    const DeploymentState::Entry *entry = state.find(QStringLiteral("dir"));
    QVERIFY(entry);
    const json log = entry->destroy["log_lines"];
    QCOMPARE(log[0].get<std::string>(), std::string("rm -rf /srv/chosen"));
    QCOMPARE(log[1].get<std::string>(), std::string("vpc vpc-7"));
    QCOMPARE(log[2].get<std::string>(), std::string("token ${var.token}")); // secrets are read again, never recorded
    QCOMPARE(log[3].get<std::string>(), std::string("home ${env:HOME}"));
    QCOMPARE(log[4].get<std::string>(), std::string("own ${self.outputs.path}"));
    QCOMPARE(entry->destroyValues, (QMap<QString, QString>{{QStringLiteral("var.root"), QStringLiteral("/srv/chosen")},
                                                           {QStringLiteral("resources.vpc.outputs.id"), QStringLiteral("vpc-7")}}));
    QVERIFY(!QString::fromStdString(state.toJson().dump()).contains(QLatin1String("s3cret")));

    // Saved and read back, as a later `fanout destroy` reads it.
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    QVERIFY_EXPECTED(state.save(path));
    const DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QVERIFY(read.state.find(QStringLiteral("dir"))->destroyValuesRecorded);
    QCOMPARE(read.state.find(QStringLiteral("dir"))->destroyValues, entry->destroyValues);

    // Today the variable says something else: the teardown runs what was recorded, and says so.
    Plan today = created;
    today.variables[0].value = QStringLiteral("/tmp/default");
    const DestroyPlan teardown = DestroyPlan::build(today, read.state);
    QVERIFY(teardown.check(f.registry).isEmpty());
    const Resource &torn = teardown.plan.resources[teardown.plan.indexOf(QStringLiteral("dir"))];
    QCOMPARE(torn.params["log_lines"][0].get<std::string>(), std::string("rm -rf /srv/chosen"));
    QCOMPARE(teardown.notes.size(), 1);
    QVERIFY2(teardown.notes[0].contains(QLatin1String("root = \"/srv/chosen\"")) && teardown.notes[0].contains(QLatin1String("/tmp/default")),
             qPrintable(teardown.notes[0]));
    // The same values today: nothing to say.
    QVERIFY(DestroyPlan::build(created, read.state).notes.isEmpty());
}

void tst_DeploymentState::destroyActionOfAnOlderFanoutIsNotGuessed()
{
    // Written before destroy actions recorded their values: "${var.root}" would be today's.
    Fixture f;
    const QByteArray text = R"({"fanout_state": 1, "plan": "web", "resources": {
        "dir": {"definition_hash": "sha256:00", "destroy": {"type": "sim", "log_lines": ["rm -rf ${var.root}"]}},
        "secret": {"definition_hash": "sha256:00", "destroy": {"type": "sim", "log_lines": ["revoke ${var.token} ${env:HOME}"]}}}})";
    const DeploymentState::ReadResult read = DeploymentState::readText(text);
    QVERIFY(!read.hasErrors());
    QVERIFY(!read.state.find(QStringLiteral("dir"))->destroyValuesRecorded);
    Plan today = plan({});
    today.variables = {Variable{QStringLiteral("root"), QStringLiteral("/tmp/default"), false},
                       Variable{QStringLiteral("token"), QStringLiteral("t"), true}};
    const Diagnostics problems = DestroyPlan::build(today, read.state).check(f.registry);
    QCOMPARE(errorCount(problems), 1); // the secret and the environment are read again anyway
    QCOMPARE(problems[0].path, QStringLiteral("resources.dir.destroy"));
    QVERIFY2(problems[0].message.contains(QLatin1String("${var.root}")), qPrintable(problems[0].message));
}

void tst_DeploymentState::recorderKeepsTheFileUpToDate()
{
    Fixture f;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    const json destroy = json::parse(R"({"type": "output"})");
    const Plan p = plan({resource(QStringLiteral("vpc"), QStringLiteral("output"), {}, json::parse(R"({"outputs": {"cidr": "10.0.0.0/16"}})"), destroy),
                         resource(QStringLiteral("db"), QStringLiteral("output"), {QStringLiteral("vpc")}, json::object(), destroy),
                         resource(QStringLiteral("dns"), QStringLiteral("sim"), {QStringLiteral("db")}, json::parse(R"({"duration": "10ms"})"))});

    DeploymentState state;
    {
        Scheduler scheduler(f.registry);
        StateRecorder recorder(scheduler, state, path, StateRecorder::Mode::Create);
        connect(&scheduler, &Scheduler::eventsRecorded, &recorder, &StateRecorder::onEvents);
        QVERIFY(runToEnd(scheduler, p));
        QCOMPARE(recorder.recorded(), 3);
        QVERIFY(recorder.lastError().isEmpty());
    }
    DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.size(), 3);
    QCOMPARE(read.state.find(QStringLiteral("vpc"))->outputs.value(QStringLiteral("cidr")), QStringLiteral("10.0.0.0/16"));
    QCOMPARE(read.state.find(QStringLiteral("vpc"))->outputs.value(QStringLiteral("id")), QStringLiteral("vpc-1"));
    using C = DeploymentState::Change;
    QCOMPARE(read.state.compare(p), (QList<C>{C::UpToDate, C::UpToDate, C::UpToDate}));

    // Tearing down: dns has no action and is only forgotten; db and vpc leave as they succeed.
    DestroyPlan teardown = DestroyPlan::build(p, read.state);
    QCOMPARE(teardown.forgotten, QStringList{QStringLiteral("dns")});
    read.state.remove(QStringLiteral("dns"));
    QVERIFY(read.state.save(path)); // as Deployment::planTeardown() saves what it forgets
    {
        Scheduler scheduler(f.registry);
        StateRecorder recorder(scheduler, read.state, path, StateRecorder::Mode::Destroy);
        connect(&scheduler, &Scheduler::eventsRecorded, &recorder, &StateRecorder::onEvents);
        RunOptions options;
        options.knownOutputs = teardown.knownOutputs;
        QVERIFY(runToEnd(scheduler, teardown.plan, options));
        QCOMPARE(scheduler.count(ResourceState::Succeeded), 2);
    }
    // The destroy actions saw what their resources had produced.
    QCOMPARE(f.output->knownOutputsOf(QStringLiteral("vpc")).value(QStringLiteral("cidr")), QStringLiteral("10.0.0.0/16"));
    QCOMPARE(f.output->knownOutputsOf(QStringLiteral("db")).value(QStringLiteral("id")), QStringLiteral("db-1"));
    read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QVERIFY(read.state.isEmpty());
}

// The journal's records win over the snapshot, in order; saving folds them in and empties it.
void tst_DeploymentState::journalReplaysOverTheSnapshot()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.setPlanName(QStringLiteral("web"));
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {{QStringLiteral("id"), QStringLiteral("vpc-1")}}, Plan(), {});
    state.recordCreated(resource(QStringLiteral("old"), QStringLiteral("sim")), {}, Plan(), {});
    QVERIFY(state.save(path));

    state.insert(QStringLiteral("db"), state.creating(resource(QStringLiteral("db"), QStringLiteral("sim"), {QStringLiteral("vpc")}), Plan(), {}));
    state.remove(QStringLiteral("old"));
    {
        StateJournal journal(path);
        QVERIFY(journal.append((record(StateJournal::Event::Creating, QStringLiteral("db"), state.find(QStringLiteral("db")))
                                + record(StateJournal::Event::Destroyed, QStringLiteral("old"), nullptr))
                                   .toStdString()));
        QVERIFY(journal.size() > 0);
    }
    DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.ids(), QStringList({"db", "vpc"}));
    QCOMPARE(read.state.inFlight(), QStringList{QStringLiteral("db")});
    QCOMPARE(read.state.find(QStringLiteral("db"))->dependsOn, QStringList{QStringLiteral("vpc")});
    QCOMPARE(read.state.find(QStringLiteral("vpc"))->outputs.value(QStringLiteral("id")), QStringLiteral("vpc-1"));

    QVERIFY(read.state.save(path));
    QCOMPARE(QFileInfo(StateJournal::pathFor(path)).size(), 0);
    DeploymentState::ReadResult again = DeploymentState::read(path);
    QCOMPARE(again.state.ids(), QStringList({"db", "vpc"}));
    QCOMPARE(again.state.inFlight(), QStringList{QStringLiteral("db")});

    // Created as the write-ahead entry said: the record holds the outputs, and the entry the rest.
    std::string created;
    StateJournal::appendTimeRecord(created, 1'796'374'801'250);
    StateJournal::appendCreatedRecord(created, QStringLiteral("db"), {{QStringLiteral("endpoint"), QStringLiteral("db:5432")}});
    QVERIFY(StateJournal(path).append(created));
    again = DeploymentState::read(path);
    QVERIFY(!again.hasErrors());
    QVERIFY(again.state.inFlight().isEmpty());
    const DeploymentState::Entry *db = again.state.find(QStringLiteral("db"));
    QCOMPARE(db->outputs, (QMap<QString, QString>{{QStringLiteral("endpoint"), QStringLiteral("db:5432")}}));
    QCOMPARE(db->createdAt, QDateTime::fromMSecsSinceEpoch(1'796'374'801'250, Qt::UTC));
    QCOMPARE(db->dependsOn, QStringList{QStringLiteral("vpc")});
    QCOMPARE(db->definitionHash, state.find(QStringLiteral("db"))->definitionHash);
    // Records of an older Fanout carry their own time, and still read.
    QVERIFY(StateJournal(path).append("{\"at\":\"2026-12-04T10:00:00.000Z\",\"event\":\"destroyed\",\"id\":\"vpc\",\"entry\":null}\n"));
    again = DeploymentState::read(path);
    QVERIFY(!again.hasErrors());
    QCOMPARE(again.state.ids(), QStringList{QStringLiteral("db")});
    QCOMPARE(again.state.updatedAt(), QDateTime(QDate(2026, 12, 4), QTime(10, 0), Qt::UTC));
    // Of a resource the journal never said was being created, it is not a record Fanout writes.
    std::string orphan;
    StateJournal::appendCreatedRecord(orphan, QStringLiteral("dns"), {});
    QVERIFY(StateJournal(path).append(orphan));
    again = DeploymentState::read(path);
    QVERIFY(again.hasErrors());
    QVERIFY2(again.diagnostics.constFirst().message.contains(QLatin1String("line 4: not a journal record")),
             qPrintable(again.diagnostics.constFirst().message));
}

// A crash while the journal is written leaves its last line cut short: that line alone is left
// out, with a warning. A bad line in the middle is damage, and the state is not used.
void tst_DeploymentState::journalCutShortLosesOnlyItsLastLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    state.recordCreated(resource(QStringLiteral("db"), QStringLiteral("sim")), {}, Plan(), {});
    const QByteArray vpc = record(StateJournal::Event::Created, QStringLiteral("vpc"), state.find(QStringLiteral("vpc")));
    const QByteArray db = record(StateJournal::Event::Created, QStringLiteral("db"), state.find(QStringLiteral("db")));
    writeAll(StateJournal::pathFor(path), vpc + db.left(db.size() / 2));
    DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QVERIFY(read.existed);
    QCOMPARE(read.state.ids(), QStringList{QStringLiteral("vpc")});
    QVERIFY(QFile::setPermissions(StateJournal::pathFor(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    read = DeploymentState::read(path);
    QCOMPARE(warningCount(read.diagnostics), 1);
    QVERIFY2(read.diagnostics.constFirst().message.contains(QLatin1String("line 2) was cut short")), qPrintable(read.diagnostics.constFirst().message));

    writeAll(StateJournal::pathFor(path), db.left(db.size() / 2) + '\n' + vpc);
    read = DeploymentState::read(path);
    QVERIFY(read.hasErrors());
    QVERIFY(read.state.isEmpty());
    QVERIFY2(read.diagnostics.constFirst().message.contains(QLatin1String("line 1: not a journal record")), qPrintable(read.diagnostics.constFirst().message));
}

// Snapshot and journal are created readable by their owner alone; a wider mode is warned about.
void tst_DeploymentState::stateFilesArePrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    writeAll(path, "{}"); // an old file, created with the umask's mode
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    const auto privateMode = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser;
    QVERIFY(DeploymentState::read(path).diagnostics.constLast().message.contains(QLatin1String("(mode 0644)")));
    QVERIFY(state.save(path));
    QCOMPARE(QFile::permissions(path), privateMode);
    QVERIFY(StateJournal(path).append("{}\n"));
    QCOMPARE(QFile::permissions(StateJournal::pathFor(path)), privateMode);
    QCOMPARE(warningCount(DeploymentState::read(path).diagnostics), 0);
}

// The journal and the snapshot write entries by hand, for speed: the text must be what
// entryToJson() dumps, whatever the entry holds.
void tst_DeploymentState::entryTextIsTheEntrysJson()
{
    DeploymentState::Entry plain;
    plain.definitionHash = QStringLiteral("sha256:00ff");
    DeploymentState::Entry full;
    full.definitionHash = QStringLiteral("sha256:abc");
    full.outputs = {{QStringLiteral("id"), QStringLiteral("db-1")},
                    {QStringLiteral("quote\"and\\slash"), QStringLiteral("line\nbreak\ttab\u0001\u001f\u007f é 漢 🚀 ") + QChar(0xD800) + QStringLiteral("x") + QChar(0xDFFF)}};
    full.createdAt = QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 7), Qt::UTC);
    full.destroy = {{"type", "command"}, {"command", json::array({"rm", "-rf", "${var.root}/a b"})}, {"env", {{"K", "v"}}}};
    full.destroyValues = {{QStringLiteral("var.root"), QStringLiteral("/srv/\"x\"")}};
    full.destroyValuesRecorded = true;
    full.variables = {{QStringLiteral("region"), QStringLiteral("eu-\"west\"-1")}, {QStringLiteral("size"), QString()}};
    full.dependsOn = {QStringLiteral("vpc"), QStringLiteral("subnet \"a\"")};
    DeploymentState::Entry creating = full;
    creating.status = DeploymentState::Entry::Status::Creating;
    creating.createdAt = QDateTime();
    DeploymentState::Entry destroying = full;
    destroying.status = DeploymentState::Entry::Status::Destroying;
    destroying.destroy = json();
    for (const DeploymentState::Entry &entry : {plain, full, creating, destroying}) {
        std::string text;
        DeploymentState::appendEntryText(text, entry);
        QCOMPARE(QString::fromStdString(text), QString::fromStdString(DeploymentState::entryToJson(entry).dump()));
    }
    // And the whole file reads back as it was.
    DeploymentState state;
    state.setPlanName(QStringLiteral("we\"b"));
    state.setUpdatedAt(QDateTime::currentDateTimeUtc());
    state.insert(QStringLiteral("db \"1\""), full);
    state.insert(QStringLiteral("vpc"), creating);
    const DeploymentState::ReadResult read = DeploymentState::readText(state.toText());
    QVERIFY(!read.hasErrors());
    QCOMPARE(QString::fromStdString(read.state.toJson().dump()), QString::fromStdString(state.toJson().dump()));
}

void tst_DeploymentState::timesAreWrittenAsQtWritesThem()
{
    const QList<QDateTime> times = {QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC),
                                    QDateTime(QDate(1969, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
                                    QDateTime(QDate(2000, 2, 29), QTime(12, 0, 0, 1), Qt::UTC),
                                    QDateTime(QDate(2100, 3, 1), QTime(0, 0, 0, 10), Qt::UTC),
                                    QDateTime(QDate(2026, 12, 4), QTime(9, 0, 1, 250), Qt::UTC),
                                    QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
                                    QDateTime(QDate(2026, 6, 1), QTime(10, 0), Qt::OffsetFromUTC, 7200)};
    for (const QDateTime &time : times) {
        std::string text;
        JsonText::appendTime(text, time);
        QCOMPARE(QString::fromStdString(text), QLatin1Char('"') + time.toUTC().toString(Qt::ISODateWithMs) + QLatin1Char('"'));
    }
    for (qint64 ms = -86'400'000LL * 800; ms < 86'400'000LL * 366 * 400; ms += 86'400'000LL * 7 + 3'601'001) {
        std::string text;
        JsonText::appendTime(text, ms);
        QCOMPARE(QString::fromStdString(text),
                 QLatin1Char('"') + QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs) + QLatin1Char('"'));
    }
    std::string null;
    JsonText::appendTime(null, QDateTime());
    QCOMPARE(null, std::string("null"));
}

// A journal is written through a shared mapping allocated ahead: a writer killed mid-run leaves
// zeros after its records, maybe after half a line. Reading stops at the first zero and leaves
// out the half line; the next writer starts where the last whole line ends.
void tst_DeploymentState::journalOfAKilledWriterEndsAtItsFirstZero_data()
{
    QTest::addColumn<StateJournal::Writing>("writing");
    QTest::newRow("mapped") << StateJournal::Writing::Mapped;
    QTest::newRow("pwrite, where files cannot be mapped") << StateJournal::Writing::Written;
}

void tst_DeploymentState::journalOfAKilledWriterEndsAtItsFirstZero()
{
    QFETCH(StateJournal::Writing, writing);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    state.recordCreated(resource(QStringLiteral("db"), QStringLiteral("sim")), {}, Plan(), {});
    state.recordCreated(resource(QStringLiteral("dns"), QStringLiteral("sim")), {}, Plan(), {});
    const QByteArray vpc = record(StateJournal::Event::Created, QStringLiteral("vpc"), state.find(QStringLiteral("vpc")));
    const QByteArray db = record(StateJournal::Event::Created, QStringLiteral("db"), state.find(QStringLiteral("db")));
    const QByteArray dns = record(StateJournal::Event::Created, QStringLiteral("dns"), state.find(QStringLiteral("dns")));
    const QString journalPath = StateJournal::pathFor(path);

    // Killed between two batches: whole lines, then zeros.
    writeAll(journalPath, vpc + QByteArray(4096, '\0'));
    QVERIFY(QFile::setPermissions(journalPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(warningCount(read.diagnostics), 0);
    QCOMPARE(read.state.ids(), QStringList{QStringLiteral("vpc")});

    // Killed while copying a batch, which may land out of order: the start of db's line, a hole,
    // the end of it and a whole line after. Everything from the first zero on is left out.
    QByteArray torn = vpc + db;
    torn.replace(vpc.size() + 10, 20, QByteArray(20, '\0'));
    writeAll(journalPath, torn + dns + QByteArray(100, '\0'));
    read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.ids(), QStringList{QStringLiteral("vpc")});
    QCOMPARE(warningCount(read.diagnostics), 1);
    QVERIFY2(read.diagnostics.constFirst().message.contains(QLatin1String("was cut short")), qPrintable(read.diagnostics.constFirst().message));

    // The next writer trims the half line and the zeros, and what it appends reads back.
    {
        StateJournal journal(path, writing);
        QVERIFY(journal.open());
        QCOMPARE(journal.size(), vpc.size());
        QVERIFY(journal.append(dns.toStdString()));
        // Allocated ahead while open, when mapped...
        if (writing == StateJournal::Writing::Mapped)
            QVERIFY(QFileInfo(journalPath).size() > vpc.size() + dns.size());
        read = DeploymentState::read(path);
        QVERIFY(!read.hasErrors());
        QCOMPARE(warningCount(read.diagnostics), 0);
        QCOMPARE(read.state.ids(), QStringList({"dns", "vpc"}));
    }
    // ...and trimmed on close.
    QCOMPARE(readAll(journalPath), vpc + dns);
    // A power cut's half line at the very end, no zeros: trimmed all the same.
    writeAll(journalPath, vpc + db.left(12));
    {
        StateJournal journal(path, writing);
        QVERIFY(journal.append(dns.toStdString()));
    }
    QCOMPARE(readAll(journalPath), vpc + dns);

    // Many batches, through several steps of growth, and synced ones.
    {
        StateJournal journal(path, writing);
        QVERIFY(journal.clear());
        for (int i = 0; i < 30'000; ++i)
            QVERIFY(journal.append(db.toStdString(), i % 10'000 == 0));
        QCOMPARE(journal.size(), 30'000 * db.size());
    }
    QCOMPARE(QFileInfo(journalPath).size(), 30'000 * db.size());
    read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.ids(), QStringList{QStringLiteral("db")});
}

// Two Fanouts writing one state would each lose what the other recorded: while one has the
// journal open (a run), another cannot open it nor save a snapshot, and a reader can tell.
void tst_DeploymentState::oneFanoutAtATimeWritesAState()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    QVERIFY(state.save(path));
    QVERIFY(!StateJournal::isInUse(path));
    {
        StateJournal running(path);
        QVERIFY(running.open());
        QVERIFY(StateJournal::isInUse(path));
        StateJournal second(path);
        const Expected<void> refused = second.open();
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QLatin1String("another Fanout is running with this state file now")), qPrintable(refused.error()));
        const Expected<void> notSaved = state.save(path);
        QVERIFY(!notSaved);
        QVERIFY2(notSaved.error().contains(QLatin1String("another Fanout")), qPrintable(notSaved.error()));
        // The one holding it saves through its own journal.
        QVERIFY(state.save(path, running));
        running.close();
        QVERIFY(!StateJournal::isInUse(path));
        QVERIFY(second.open());
    }
    QVERIFY(!StateJournal::isInUse(path));
    QVERIFY(state.save(path));
}

void tst_DeploymentState::aForkedProcessHoldsNoLock()
{
    // Fanout forks one long-lived process (the group keeper) when its first command starts, which
    // may be while a run's journal is open and mapped. Had it kept the mapping, it would have kept
    // the lock: the dashboard's next run would find its own state file "in use by another Fanout".
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    int gate[2] = {-1, -1};  // parent -> child: "I have looked", so exit
    int ready[2] = {-1, -1}; // child -> parent: "my descriptors are closed"
    QCOMPARE(::pipe(gate), 0);
    QCOMPARE(::pipe(ready), 0);
    pid_t child = -1;
    {
        StateJournal running(path);
        QVERIFY(running.open());
        child = ::fork();
        if (child == 0) {
            for (int fd = 3; fd < 1024; ++fd) { // as the keeper does: every descriptor but its own
                if (fd != gate[0] && fd != ready[1])
                    ::close(fd);
            }
            char byte = 0;
            [[maybe_unused]] const ssize_t said = ::write(ready[1], &byte, 1);
            [[maybe_unused]] const ssize_t got = ::read(gate[0], &byte, 1);
            ::_exit(0);
        }
        QVERIFY(child > 0);
        ::close(gate[0]);
        ::close(ready[1]);
        char byte = 0;
        QCOMPARE(::read(ready[0], &byte, 1), ssize_t(1));
    }
    const bool inUse = StateJournal::isInUse(path);
    ::close(gate[1]);
    ::close(ready[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    QVERIFY2(!inUse, "a forked child kept the journal's lock after the parent closed it");
}

void tst_DeploymentState::fullDiskIsAnErrorNotACrash_data()
{
    journalOfAKilledWriterEndsAtItsFirstZero_data();
}

// Space for the journal is allocated before it is written through the mapping: a full disk
// (here a file size limit, which root has too) is an error of append(), never a SIGBUS, and what
// was appended before reads back whole.
void tst_DeploymentState::fullDiskIsAnErrorNotACrash()
{
    QFETCH(StateJournal::Writing, writing);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    const QByteArray vpc = record(StateJournal::Event::Created, QStringLiteral("vpc"), state.find(QStringLiteral("vpc")));
    std::string batch;
    StateJournal::appendTimeRecord(batch, 1'796'374'800'000);
    batch += vpc.toStdString();
    const std::string big(2 * 1024 * 1024, ' ');
    struct rlimit old = {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
    {
        StateJournal journal(path, writing);
        QVERIFY(journal.append(batch));
        struct rlimit limit = old;
        limit.rlim_cur = 64 * 1024; // below the first step the mapping allocates
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limit), 0);
        const Expected<void> refused = journal.append(big + '\n');
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QLatin1String("its journal")), qPrintable(refused.error()));
        QCOMPARE(journal.size(), qint64(batch.size()));
    }
    const DeploymentState::ReadResult read = DeploymentState::read(path);
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.state.ids(), QStringList{QStringLiteral("vpc")});
}

// The background thread reads each page allocated ahead before the run's thread copies records
// into it. A snapshot empties the journal meanwhile: a page read beyond the file's end would be a
// SIGBUS, so emptying waits for the reading, which leaves alone what is gone.
void tst_DeploymentState::emptiedWhilePagesArePrepared()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.fanout-state.json"));
    DeploymentState state;
    state.recordCreated(resource(QStringLiteral("vpc"), QStringLiteral("sim")), {}, Plan(), {});
    const QByteArray vpc = record(StateJournal::Event::Created, QStringLiteral("vpc"), state.find(QStringLiteral("vpc")));
    const std::string big(3 * 1024 * 1024, ' ');
    StateJournal journal(path);
    for (int i = 0; i < 40; ++i) {
        QVERIFY(journal.append(big + '\n')); // allocates megabytes ahead, for the background thread
        QVERIFY(journal.clear());
    }
    QVERIFY(journal.append(vpc.toStdString()));
    journal.close();
    QCOMPARE(readAll(StateJournal::pathFor(path)), vpc);
}

QTEST_GUILESS_MAIN(tst_DeploymentState)
#include "tst_deploymentstate.moc"
