// The Deployment service without a window: every run action the dashboard offers (run, run all
// again, replace, retry, cancel, destroy, the parallelism limit, fail-fast, moving the state on
// Save As) as the engine call the window makes, against real state files and real processes; and
// a plan's sets across runs: a lower count destroys what is gone, --target leaves other targets be.

#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/plan/targetselection.h"
#include "engine/run/deployment.h"
#include "engine/run/scheduler.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/statejournal.h"
#include "tsanskip.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

constexpr int kRunTimeoutMs = 20'000;

// vpc <- db <- app: vpc and db are processes that append to `log` when created and destroyed; app
// is simulated and has no destroy action, so a teardown only forgets it.
json webPlan(const QString &log)
{
    const auto append = [&log](const QString &what) {
        return json::array({"sh", "-c", QStringLiteral("echo %1 >> '%2'").arg(what, log).toStdString()});
    };
    return {{"name", "web"},
            {"parallelism", 4},
            {"resources",
             json::array({json{{"id", "vpc"}, {"type", "command"}, {"command", append(QStringLiteral("+vpc"))},
                               {"destroy", {{"command", append(QStringLiteral("-vpc"))}}}},
                          json{{"id", "db"}, {"type", "command"}, {"depends_on", {"vpc"}}, {"command", append(QStringLiteral("+db"))},
                               {"destroy", {{"command", append(QStringLiteral("-db"))}}}},
                          json{{"id", "app"}, {"type", "sim"}, {"depends_on", {"db"}}, {"duration", "10ms"}}})}};
}

Plan read(const json &document)
{
    PlanReadResult result = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    if (result.hasErrors())
        qFatal("test plan has errors: %s", qPrintable(result.diagnostics.constFirst().toString()));
    return result.plan;
}

QStringList lines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// Runs what `start` starts to its end.
bool runToEnd(Deployment &deployment, const std::function<bool()> &start)
{
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    if (!start())
        return false;
    if (finished.count() == 0 && !finished.wait(kRunTimeoutMs))
        return false;
    // The snapshot is written in the background after the run's end: what the tests look at.
    deployment.waitForState();
    return true;
}

int attemptsOf(const Deployment &deployment, const char *id)
{
    return int(deployment.status(deployment.plan().indexOf(QLatin1String(id))).attempts.size());
}

// web ×count, each a process that appends +web[i] to `log` (and -web[i] when destroyed) and
// outputs its address; lb waits for all of them and appends +lb.
json countPlan(const QString &log, int count)
{
    const auto append = [&log](const QString &what) {
        return json::array({"sh", "-c", QStringLiteral("echo %1 >> '%2'").arg(what, log).toStdString()});
    };
    json web = {{"id", "web"}, {"type", "command"}, {"count", count},
                {"command", json::array({"sh", "-c",
                                         QStringLiteral("echo '+web[${count.index}]' >> '%1'; echo '::output ip=10.0.0.${count.index}'").arg(log).toStdString()})},
                {"destroy", {{"command", json::array({"sh", "-c", QStringLiteral("echo \"-web[${self.outputs.ip}]\" >> '%1'").arg(log).toStdString()})}}}};
    json lb = {{"id", "lb"}, {"type", "command"}, {"depends_on", {"web"}}, {"command", append(QStringLiteral("+lb"))}};
    return {{"name", "counts"}, {"resources", json::array({web, lb})}};
}

// As `fanout run` provisions: a run even when nothing is to be done.
bool provisionToEnd(Deployment &deployment)
{
    return runToEnd(deployment, [&] { return deployment.provision({{}, false, true}); });
}

QStringList stateIds(const QString &path)
{
    const DeploymentState::ReadResult state = DeploymentState::read(path);
    return state.hasErrors() ? QStringList{QStringLiteral("unreadable")} : state.state.ids();
}

// Sim resources, no destroy action: a for_each set and a stack on two targets.
json setsPlan(const json &keys, const json &targets)
{
    return {{"name", "sets"},
            {"targets", targets},
            {"resources",
             json::array({json{{"id", "bucket"}, {"type", "sim"}, {"duration", "1ms"}, {"for_each", keys}},
                          json{{"id", "net"}, {"type", "sim"}, {"duration", "1ms"}, {"per_target", true}},
                          json{{"id", "dns"}, {"type", "sim"}, {"duration", "1ms"}, {"depends_on", {"net"}}},
                          json{{"id", "zone"}, {"type", "sim"}, {"duration", "1ms"}}})}};
}

json targets(std::initializer_list<const char *> names)
{
    json list = json::array();
    for (const char *name : names)
        list.push_back({{"name", name}});
    return list;
}

} // namespace

class tst_Deployment : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void provisionsWhatIsNewAndRecordsIt();
    void upToDateRunsOnlyWhenAsked();
    void replaceAndRunAllAgain();
    void retryFailedCarriesOn();
    void cancelStopsTheRun();
    void destroyTearsDownInReverseOrder();
    void destroyRefusesAnotherPlansState();
    void destroyRefusesInvalidActions();
    void unreadableStateIsNeverOverwritten();
    void editsDuringARunWaitForItsEnd();
    void runSettingsStayAcrossEdits();
    void moveStateFollowsSaveAs();
    void failedSaveIsSaidAndTriedAgain();
    void reportsAreWritten();
    void writeAheadRecordsWhatIsBeingCreated();
    void interruptedResourcesAreReplaced();
    void interruptedTeardownIsTornDownAgain();
    void runRefusesAnotherPlansState();
    void sharedStateFileIsWarnedAbout();
    void learnedEstimatesOrderTheRun();
    // A plan's sets across runs (count, for_each, targets), as Terraform's plan sees them.
    void countLoweredDestroysWhatIsGone();
    void countRaisedCreatesOnlyTheNewOnes();
    void removedKeysAndTargetsAreDestroyed();
    void aSetRemovedWholeIsKept();
    void targetSelectionLeavesTheOthersAlone();
    void targetSelectionKeepsTheRolloutsOrder();
    void unknownTargetSaysWhichThereAre();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_log;
    QString m_state;
    QString m_counts; // the state file of countPlan()
};

void tst_Deployment::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_log = m_dir->filePath(QStringLiteral("log.txt"));
    m_state = m_dir->filePath(QStringLiteral("web.fanout-state.json"));
    m_counts = m_dir->filePath(QStringLiteral("counts.fanout-state.json"));
}

void tst_Deployment::provisionsWhatIsNewAndRecordsIt()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    QCOMPARE(deployment.preview().toCreate, 3);
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("3 to create, 0 to replace, 0 up to date"));
    QVERIFY(!deployment.hasRun());
    QCOMPARE(deployment.state(0), ResourceState::Pending);

    QSignalSpy started(&deployment, &Deployment::runStarted);
    QSignalSpy statesChanged(&deployment, &Deployment::statesChanged);
    QSignalSpy batches(&deployment, &Deployment::eventsRecorded);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QCOMPARE(started.count(), 1);
    QVERIFY(statesChanged.count() > 0);
    QVERIFY(statesChanged.count() <= batches.count());
    QCOMPARE(deployment.outcome(), QStringLiteral("succeeded"));
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db"}));
    QCOMPARE(deployment.recordedCount(), 3);

    // What succeeded is in the state file, as the next open reads it.
    const DeploymentState::ReadResult state = DeploymentState::read(m_state);
    QVERIFY(!state.hasErrors());
    QCOMPARE(state.state.ids(), QStringList({"app", "db", "vpc"}));
    QCOMPARE(state.state.planName(), QStringLiteral("web"));
    QCOMPARE(deployment.destroyCount(), 3);
    QVERIFY(deployment.isProvisioned(0));
}

void tst_Deployment::upToDateRunsOnlyWhenAsked()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment first(ExecutorRegistry::builtIn());
    first.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state);
    QVERIFY(runToEnd(first, [&] { return first.start(); }));

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    // Before a run, what is up to date shows as succeeded, with its recorded outputs.
    QCOMPARE(deployment.state(0), ResourceState::Succeeded);
    QCOMPARE(deployment.count(ResourceState::Succeeded), 3);
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("0 to create, 0 to replace, 3 up to date"));
    // The dashboard's Run: nothing to do, nothing started.
    QVERIFY(!deployment.start());
    QVERIFY(!deployment.hasRun());
    // fanout run: a run that finishes at once, so that it can be reported.
    QVERIFY(runToEnd(deployment, [&] { return deployment.provision({{}, false, true}); }));
    QCOMPARE(deployment.count(ResourceState::Succeeded), 3);
    QCOMPARE(attemptsOf(deployment, "vpc"), 0);
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db"}));
}

void tst_Deployment::replaceAndRunAllAgain()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));

    QCOMPARE(deployment.preview({QStringLiteral("db")}).forced, 1);
    QVERIFY(runToEnd(deployment, [&] { return deployment.replace({QStringLiteral("db")}); }));
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db", "+db"}));
    QCOMPARE(attemptsOf(deployment, "vpc"), 0);
    QCOMPARE(attemptsOf(deployment, "db"), 1);

    QVERIFY(runToEnd(deployment, [&] { return deployment.startAll(); }));
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db", "+db", "+vpc", "+db"}));
    QCOMPARE(attemptsOf(deployment, "app"), 1);
}

void tst_Deployment::retryFailedCarriesOn()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    json document = webPlan(m_log);
    document["resources"][1]["command"] = json::array({"sh", "-c", QStringLiteral("test -e '%1/ok'").arg(m_dir->path()).toStdString()});
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(document), QStringLiteral("web.json"), m_state);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    const int db = deployment.plan().indexOf(QStringLiteral("db"));
    const int app = deployment.plan().indexOf(QStringLiteral("app"));
    QCOMPARE(deployment.state(db), ResourceState::Failed);
    QCOMPARE(deployment.state(app), ResourceState::Skipped);
    QCOMPARE(deployment.failedIds(), QStringList{"db"});
    QVERIFY(deployment.canRetry(db));
    QVERIFY(!deployment.canRetry(app));
    QCOMPARE(deployment.outcome(), QStringLiteral("failed"));
    QVERIFY(!DeploymentState::read(m_state).state.find(QStringLiteral("db")));

    // Fixed outside, retried: what was skipped because of it goes on, in the same run.
    QFile ok(m_dir->filePath(QStringLiteral("ok")));
    QVERIFY(ok.open(QIODevice::WriteOnly));
    QSignalSpy started(&deployment, &Deployment::runStarted);
    QVERIFY(runToEnd(deployment, [&] { return deployment.retryFailed() == 1; }));
    QCOMPARE(started.count(), 1); // a retry starts the finished run again
    QCOMPARE(deployment.state(db), ResourceState::Succeeded);
    QCOMPARE(deployment.state(app), ResourceState::Succeeded);
    QCOMPARE(attemptsOf(deployment, "db"), 2);
    QVERIFY(DeploymentState::read(m_state).state.find(QStringLiteral("app")));
}

void tst_Deployment::cancelStopsTheRun()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    json document = webPlan(m_log);
    document["resources"][0]["command"] = json::array({"sleep", "30"});
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(document), QStringLiteral("web.json"), QString());
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(deployment.start());
    QTRY_COMPARE(deployment.state(0), ResourceState::Running);
    QVERIFY(deployment.isRunning());
    QVERIFY(!deployment.start()); // one run at a time
    deployment.cancel();
    QVERIFY(deployment.isCancelling());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(deployment.state(0), ResourceState::Cancelled);
    QCOMPARE(deployment.outcome(), QStringLiteral("cancelled"));
    QVERIFY(deployment.canRetry(0));
    QVERIFY(deployment.deploymentState().isEmpty());
}

void tst_Deployment::destroyTearsDownInReverseOrder()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));

    QSignalSpy planChanged(&deployment, &Deployment::planChanged);
    const Deployment::Teardown teardown = deployment.planTeardown();
    QCOMPARE(int(teardown.outcome), int(Deployment::Teardown::Outcome::Ready));
    QCOMPARE(teardown.forgotten, QStringList{"app"}); // nothing to run to destroy it
    QVERIFY(!DeploymentState::read(m_state).state.find(QStringLiteral("app")));
    QVERIFY(deployment.isTeardown());
    QCOMPARE(planChanged.count(), 1);
    QCOMPARE(deployment.resourceCount(), 2);
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("0 to create, 0 to replace, 0 up to date"));

    QVERIFY(runToEnd(deployment, [&] { return deployment.startTeardown(); }));
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db", "-db", "-vpc"}));
    QVERIFY(deployment.deploymentState().isEmpty());
    QVERIFY(DeploymentState::read(m_state).state.isEmpty());
    QCOMPARE(deployment.destroyCount(), 0);
    QCOMPARE(int(deployment.planTeardown().outcome), int(Deployment::Teardown::Outcome::NothingRecorded));

    // Running again brings the plan back, with everything to create.
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QVERIFY(!deployment.isTeardown());
    QCOMPARE(deployment.resourceCount(), 3);
    QCOMPARE(lines(m_log).mid(4), QStringList({"+vpc", "+db"}));
}

void tst_Deployment::destroyRefusesAnotherPlansState()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    {
        Deployment other(ExecutorRegistry::builtIn());
        json document = webPlan(m_log);
        document["name"] = "other";
        other.open(read(document), QStringLiteral("other.json"), m_state);
        QVERIFY(runToEnd(other, [&] { return other.start(); }));
    }
    QFile file(m_state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    const Deployment::Teardown teardown = deployment.destroy();
    QCOMPARE(int(teardown.outcome), int(Deployment::Teardown::Outcome::Refused));
    QCOMPARE(int(teardown.refusal), int(Deployment::Teardown::Refusal::OtherPlan));
    QVERIFY2(teardown.message.contains(QLatin1String("\"other\"")), qPrintable(teardown.message));
    QVERIFY(!deployment.isTeardown());
    QVERIFY(!deployment.isRunning());
    file.seek(0);
    QCOMPARE(file.readAll(), before);
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db"}));
}

void tst_Deployment::destroyRefusesInvalidActions()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    {
        Deployment deployment(ExecutorRegistry::builtIn());
        deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state);
        QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    }
    // A state file edited by hand (or from an older Fanout): a destroy action of an unknown type.
    QFile file(m_state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    json state = json::parse(file.readAll().toStdString());
    file.close();
    state["resources"]["db"]["destroy"]["type"] = "nosuch";
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::fromStdString(state.dump(2)));
    file.close();

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    const Deployment::Teardown teardown = deployment.destroy();
    QCOMPARE(int(teardown.refusal), int(Deployment::Teardown::Refusal::InvalidActions));
    QCOMPARE(errorCount(teardown.problems), 1);
    QVERIFY2(teardown.problems.constFirst().path.startsWith(QLatin1String("resources.db.destroy")), qPrintable(teardown.problems.constFirst().path));
    QVERIFY(teardown.forgotten.isEmpty()); // nothing at all was done
    QCOMPARE(deployment.deploymentState().size(), 3);
    QCOMPARE(lines(m_log), QStringList({"+vpc", "+db"}));
}

void tst_Deployment::unreadableStateIsNeverOverwritten()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    QFile file(m_state);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"fanout_state\": 1, \"resources\": {");
    file.close();

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(!deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    QVERIFY(!deployment.isStateReadable());
    QVERIFY2(deployment.stateError().startsWith(m_state + QLatin1Char(':')), qPrintable(deployment.stateError()));
    QCOMPARE(deployment.resourceCount(), 3); // shown, but it cannot run
    QVERIFY(!deployment.start());
    QVERIFY(!deployment.startAll());
    QCOMPARE(int(deployment.destroy().refusal), int(Deployment::Teardown::Refusal::StateUnreadable));
    QVERIFY(!deployment.moveState(m_dir->filePath(QStringLiteral("moved.json"))));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("{\"fanout_state\": 1, \"resources\": {"));
    QVERIFY(lines(m_log).isEmpty());
}

void tst_Deployment::editsDuringARunWaitForItsEnd()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    json document = webPlan(m_log);
    document["resources"][0]["command"] = json::array({"sleep", "0.3"});
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(document), QStringLiteral("web.json"), m_state);
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(deployment.start());

    // A run keeps the plan it started with; the edit is the next run's.
    document["resources"].push_back({{"id", "cdn"}, {"type", "sim"}, {"duration", "10ms"}});
    deployment.setPlan(read(document));
    QCOMPARE(deployment.resourceCount(), 3);
    QCOMPARE(deployment.targetPlan().resources.size(), 4);
    // The state file changed on disk meanwhile is not read again by an edit.
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(deployment.resourceCount(), 4);
    QVERIFY(!deployment.hasRun());
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("1 to create, 0 to replace, 3 up to date"));
    QFile::remove(m_state);
    deployment.setPlan(read(document));
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("1 to create, 0 to replace, 3 up to date"));
}

void tst_Deployment::runSettingsStayAcrossEdits()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    json document = webPlan(m_log);
    Deployment deployment(ExecutorRegistry::builtIn());
    QSignalSpy parallelism(&deployment, &Deployment::parallelismChanged);
    deployment.open(read(document), QStringLiteral("web.json"), QString());
    QCOMPARE(deployment.parallelism(), 4); // the plan's
    QCOMPARE(parallelism.count(), 1);
    deployment.setParallelism(2);
    deployment.setFailFast(true);
    document["resources"][2]["duration"] = "20ms";
    deployment.setPlan(read(document));
    QCOMPARE(deployment.parallelism(), 2); // the user's, as long as the plan's own does not change
    QVERIFY(deployment.failFast());
    document["parallelism"] = 6;
    deployment.setPlan(read(document));
    QCOMPARE(deployment.parallelism(), 6);
    QVERIFY(deployment.failFast());

    // A running run takes a change at once.
    document["resources"][0]["command"] = json::array({"sleep", "0.5"});
    deployment.setPlan(read(document));
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(deployment.start());
    deployment.setParallelism(1);
    QCOMPARE(deployment.scheduler().parallelism(), 1);
    QVERIFY(finished.wait(kRunTimeoutMs));
}

void tst_Deployment::moveStateFollowsSaveAs()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(webPlan(m_log)), QStringLiteral("demo (built in)"), QString());
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QCOMPARE(deployment.deploymentState().size(), 3); // in memory only

    const QString moved = m_dir->filePath(QStringLiteral("saved.fanout-state.json"));
    QVERIFY(deployment.moveState(moved));
    QCOMPARE(deployment.statePath(), moved);
    QCOMPARE(DeploymentState::read(moved).state.size(), 3);
    // Never over a file that is there.
    const QString taken = m_dir->filePath(QStringLiteral("taken.json"));
    QFile file(taken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const Expected<void> refused = deployment.moveState(taken);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QLatin1String("already exists")), qPrintable(refused.error()));
    QCOMPARE(deployment.statePath(), moved);
}

void tst_Deployment::failedSaveIsSaidAndTriedAgain()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    // The state file's folder is a file for now: no one, root included, can write there.
    const QString dir = m_dir->filePath(QStringLiteral("state"));
    QFile blocker(dir);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString state = dir + QStringLiteral("/web.fanout-state.json");
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), state));
    QSignalSpy failed(&deployment, &Deployment::stateSaveFailed);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QVERIFY(failed.count() > 0); // said, and the run went on
    QCOMPARE(deployment.count(ResourceState::Succeeded), 3);
    QVERIFY(!deployment.stateSaveError().isEmpty());
    QVERIFY(!deployment.saveState());

    QVERIFY(QFile::remove(dir));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(deployment.saveState());
    QVERIFY(deployment.stateSaveError().isEmpty());
    QCOMPARE(DeploymentState::read(state).state.size(), 3);
}

void tst_Deployment::reportsAreWritten()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), QString());
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    const QString report = m_dir->filePath(QStringLiteral("run.json"));
    const QString junit = m_dir->filePath(QStringLiteral("run.xml"));
    QVERIFY(deployment.writeReport(report));
    QVERIFY(deployment.writeJUnit(junit));
    QFile file(report);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const json written = json::parse(file.readAll().toStdString());
    QCOMPARE(written["plan"]["file"].get<std::string>(), "web.json");
    QCOMPARE(written["outcome"].get<std::string>(), "succeeded");
    QVERIFY(QFile::exists(junit));
    const Expected<void> refused = deployment.writeReport(m_dir->filePath(QStringLiteral("no/such/dir/run.json")));
    QVERIFY(!refused);
    QVERIFY(!refused.error().isEmpty());
}

// Before an attempt starts, the state file already says its resource is being created; once it
// ends, the entry is the record (or, on failure, gone: nothing was created before).
void tst_Deployment::writeAheadRecordsWhatIsBeingCreated()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    const QString journal = m_state + QStringLiteral(".journal");
    // The command sees the journal as it is when the attempt runs.
    const json document = {{"name", "web"},
                           {"resources", json::array({json{{"id", "probe"}, {"type", "command"},
                                                           {"command", json::array({"sh", "-c", QStringLiteral("cat '%1' > '%2'").arg(journal, m_log).toStdString()})}},
                                                      json{{"id", "broken"}, {"type", "command"}, {"command", json::array({"false"})}}})}};
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(document), QStringLiteral("web.json"), m_state));
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    const QString seen = lines(m_log).join(QLatin1Char('\n'));
    QVERIFY2(seen.contains(QLatin1String("\"event\":\"creating\",\"id\":\"probe\"")), qPrintable(seen));
    // Read as a state's journal, what the command saw says it was being created.
    const QString seenState = m_dir->filePath(QStringLiteral("seen.fanout-state.json"));
    {
        QFile file(StateJournal::pathFor(seenState));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(seen.toUtf8() + '\n');
    }
    QVERIFY(QFile::setPermissions(StateJournal::pathFor(seenState), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const DeploymentState::ReadResult whatItSaw = DeploymentState::read(seenState);
    QVERIFY(!whatItSaw.hasErrors());
    QVERIFY2(whatItSaw.state.inFlight().contains(QStringLiteral("probe")), qPrintable(seen));
    const DeploymentState::ReadResult state = DeploymentState::read(m_state);
    QVERIFY(!state.hasErrors());
    QCOMPARE(state.state.ids(), QStringList{QStringLiteral("probe")});
    QVERIFY(state.state.inFlight().isEmpty());
    // The end of the run folded the journal into the snapshot.
    QCOMPARE(QFileInfo(journal).size(), 0);
}

// What a crash left in flight is said, counted, torn down first and created again.
void tst_Deployment::interruptedResourcesAreReplaced()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    const Plan plan = read(webPlan(m_log));
    {
        DeploymentState state;
        state.setPlanName(QStringLiteral("web"));
        state.recordCreated(plan.resources[0], {}, Plan(), {});
        DeploymentState::Entry db = state.creating(plan.resources[1], plan, {});
        state.insert(QStringLiteral("db"), db);
        QVERIFY(state.save(m_state));
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(plan, QStringLiteral("web.json"), m_state));
    {
        // While another Fanout runs with the state, db is in flight there, not interrupted, and
        // neither a run nor a teardown starts.
        StateJournal elsewhere(m_state);
        QVERIFY(elsewhere.open());
        QVERIFY2(deployment.interruptionNotice().startsWith(QLatin1String("Another Fanout is running with the state file")),
                 qPrintable(deployment.interruptionNotice()));
        QVERIFY2(deployment.provisionRefusal().contains(QLatin1String("nothing was run")), qPrintable(deployment.provisionRefusal()));
        QVERIFY(!deployment.start());
        QCOMPARE(deployment.planTeardown().refusal, Deployment::Teardown::Refusal::StateInUse);
    }
    QVERIFY(deployment.stateInUse().isEmpty());
    QCOMPARE(deployment.interruptionNotice(), QStringLiteral("db was being created when Fanout stopped; it may exist in part"));
    QCOMPARE(deployment.preview().interruptedIds, QStringList{QStringLiteral("db")});
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("1 to create, 0 to replace, 1 interrupted, to replace, 1 up to date"));
    // What the Inspector and the resources table say of it before the run.
    QVERIFY2(deployment.status(1).reason.startsWith(QLatin1String("interrupted: it was in flight when Fanout stopped")),
             qPrintable(deployment.status(1).reason));
    QVERIFY(deployment.status(2).reason.isEmpty()); // only to create
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QCOMPARE(deployment.outcome(), QStringLiteral("succeeded"));
    QCOMPARE(lines(m_log), QStringList({"-db", "+db"})); // destroyed first, then created; vpc up to date
    const DeploymentState::ReadResult after = DeploymentState::read(m_state);
    QCOMPARE(after.state.ids(), QStringList({"app", "db", "vpc"}));
    QVERIFY(after.state.inFlight().isEmpty());
    // Its definition is the plan's, not the run's (which waited for the cleanup).
    QCOMPARE(after.state.compare(plan), QList<DeploymentState::Change>(3, DeploymentState::Change::UpToDate));
}

// A resource in flight during a teardown stays recorded, and the next destroy tears it down.
void tst_Deployment::interruptedTeardownIsTornDownAgain()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    const Plan plan = read(webPlan(m_log));
    {
        DeploymentState state;
        state.setPlanName(QStringLiteral("web"));
        state.recordCreated(plan.resources[0], {}, Plan(), {});
        DeploymentState::Entry db = state.creating(plan.resources[1], plan, {});
        db.status = DeploymentState::Entry::Status::Destroying;
        state.insert(QStringLiteral("db"), db);
        QVERIFY(state.save(m_state));
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(plan, QStringLiteral("web.json"), m_state));
    QCOMPARE(deployment.interruptionNotice(), QStringLiteral("db was being destroyed when Fanout stopped; it may exist in part"));
    QCOMPARE(deployment.destroyCount(), 2);
    QCOMPARE(int(deployment.destroy().outcome), int(Deployment::Teardown::Outcome::Ready));
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(finished.count() > 0 || finished.wait(kRunTimeoutMs));
    QCOMPARE(lines(m_log), QStringList({"-db", "-vpc"}));
    // The snapshot is written in the background after the run's end.
    deployment.waitForState();
    QVERIFY(DeploymentState::read(m_state).state.isEmpty());
}

// A state file given for another plan is refused before anything runs; one beside the plan file
// is the plan's own, renamed.
void tst_Deployment::runRefusesAnotherPlansState()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    {
        DeploymentState state;
        state.setPlanName(QStringLiteral("other"));
        QVERIFY(state.save(m_state));
    }
    const QByteArray before = [&] { QFile f(m_state); f.open(QIODevice::ReadOnly); return f.readAll(); }();
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    QVERIFY2(deployment.provisionRefusal().contains(QLatin1String("records the plan \"other\", not \"web\"")),
             qPrintable(deployment.provisionRefusal()));
    QVERIFY(!deployment.start());
    QVERIFY(!deployment.isRunning());
    QVERIFY(lines(m_log).isEmpty());
    QFile file(m_state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);

    // The same file beside web.json: the plan was renamed from "other".
    Deployment renamed(ExecutorRegistry::builtIn());
    QVERIFY(renamed.open(read(webPlan(m_log)), m_dir->filePath(QStringLiteral("web.json")), m_state));
    QVERIFY(renamed.provisionRefusal().isEmpty());
}

// The state file holds secrets: written 0600, and a wider mode found is warned about.
void tst_Deployment::sharedStateFileIsWarnedAbout()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QCOMPARE(QFile::permissions(m_state), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(QFile::permissions(m_state + QStringLiteral(".journal")),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    QVERIFY(deployment.stateWarnings().isEmpty());

    QVERIFY(QFile::setPermissions(m_state, QFile::permissions(m_state) | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    Deployment again(ExecutorRegistry::builtIn());
    QVERIFY(again.open(read(webPlan(m_log)), QStringLiteral("web.json"), m_state));
    QVERIFY(again.isStateReadable());
    QCOMPARE(again.stateWarnings().size(), 1);
    QVERIFY2(again.stateWarnings().constFirst().contains(QLatin1String("mode 0644")), qPrintable(again.stateWarnings().constFirst()));
    // Saving it again makes it private.
    QVERIFY(again.startAll());
    QSignalSpy finished(&again, &Deployment::runFinished);
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVERIFY(again.waitForState());
    QCOMPARE(QFile::permissions(m_state) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
}


void tst_Deployment::learnedEstimatesOrderTheRun()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    // Two independent processes, one at a time: plan order, unless learned figures say otherwise.
    const auto append = [this](const char *what) {
        return json::array({"sh", "-c", QStringLiteral("echo %1 >> '%2'").arg(QLatin1String(what), m_log).toStdString()});
    };
    const json document = {{"name", "pair"},
                           {"parallelism", 1},
                           {"resources", json::array({json{{"id", "a"}, {"type", "command"}, {"command", append("+a")}},
                                                      json{{"id", "b"}, {"type", "command"}, {"command", append("+b")}}})}};
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(document), QStringLiteral("pair.json"), QString()));
    const qint64 fallback = deployment.estimateMs(0);
    QVERIFY(!deployment.hasLearnedEstimates());
    QSignalSpy changed(&deployment, &Deployment::estimatesChanged);
    QVERIFY(!deployment.setEstimates({1, 2, 3})); // not one per resource
    QCOMPARE(changed.count(), 0);
    QVERIFY(deployment.setEstimates({10, 5000}));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(deployment.estimateMs(1), 5000);
    QVERIFY(runToEnd(deployment, [&] { return deployment.start(); }));
    QCOMPARE(lines(m_log), QStringList({"+b", "+a"}));

    // Another plan: the figures learned for this one are forgotten.
    Plan other = read(document);
    other.name = QStringLiteral("other");
    deployment.setPlan(other);
    QVERIFY(!deployment.hasLearnedEstimates());
    QCOMPARE(deployment.estimateMs(1), fallback);
    QVERIFY(runToEnd(deployment, [&] { return deployment.startAll(); }));
    QCOMPARE(lines(m_log).mid(2), QStringList({"+a", "+b"}));
}

void tst_Deployment::countLoweredDestroysWhatIsGone()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    {
        Deployment first(ExecutorRegistry::builtIn());
        QVERIFY(first.open(read(countPlan(m_log, 5)), QStringLiteral("counts.json"), m_counts));
        QVERIFY(provisionToEnd(first));
        QCOMPARE(first.outcome(), QStringLiteral("succeeded"));
    }
    QCOMPARE(stateIds(m_counts), QStringList({"lb", "web[0]", "web[1]", "web[2]", "web[3]", "web[4]"}));
    QFile::remove(m_log);

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(countPlan(m_log, 3)), QStringLiteral("counts.json"), m_counts));
    // Said before the run: what goes, and that it is not merely "no longer in the plan".
    const ProvisioningPlan preview = deployment.preview();
    QCOMPARE(preview.removals, QStringList({"web[3]", "web[4]"}));
    QCOMPARE(preview.upToDate, 3);
    QCOMPARE(preview.changed, 1); // lb: it waited for five
    QVERIFY(deployment.orphans().isEmpty());
    QCOMPARE(deployment.provisioningSummary(), QStringLiteral("0 to create, 1 to replace, 2 to destroy (no longer in the plan's sets), 3 up to date"));
    QVERIFY2(deployment.provisionRefusal().isEmpty(), qPrintable(deployment.provisionRefusal()));

    QVERIFY(provisionToEnd(deployment));
    QCOMPARE(deployment.outcome(), QStringLiteral("succeeded"));
    // Each torn down with the outputs of its creation; lb replaced without them before they go.
    QStringList log = lines(m_log);
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.takeFirst(), QStringLiteral("+lb"));
    log.sort();
    QCOMPARE(log, QStringList({"-web[10.0.0.3]", "-web[10.0.0.4]"}));
    const int removal = deployment.plan().indexOf(QStringLiteral("web[3]"));
    QVERIFY(removal >= 0);
    QCOMPARE(deployment.plan().resources[removal].name, QStringLiteral("destroy web[3] (no longer an instance of web)"));
    QCOMPARE(stateIds(m_counts), QStringList({"lb", "web[0]", "web[1]", "web[2]"}));

    // Nothing left to do after.
    Deployment again(ExecutorRegistry::builtIn());
    QVERIFY(again.open(read(countPlan(m_log, 3)), QStringLiteral("counts.json"), m_counts));
    QCOMPARE(again.preview().toRun(), 0);
}

void tst_Deployment::countRaisedCreatesOnlyTheNewOnes()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    {
        Deployment first(ExecutorRegistry::builtIn());
        QVERIFY(first.open(read(countPlan(m_log, 3)), QStringLiteral("counts.json"), m_counts));
        QVERIFY(provisionToEnd(first));
    }
    QFile::remove(m_log);
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(countPlan(m_log, 5)), QStringLiteral("counts.json"), m_counts));
    const ProvisioningPlan preview = deployment.preview();
    QCOMPARE(preview.toCreate, 2);
    QCOMPARE(preview.upToDate, 3);
    QVERIFY(preview.removals.isEmpty());
    QVERIFY(provisionToEnd(deployment));
    QStringList log = lines(m_log);
    log.sort();
    QCOMPARE(log, QStringList({"+lb", "+web[3]", "+web[4]"}));
    QCOMPARE(stateIds(m_counts).size(), 6);
}

void tst_Deployment::removedKeysAndTargetsAreDestroyed()
{
    const QString state = m_dir->filePath(QStringLiteral("sets.fanout-state.json"));
    {
        Deployment first(ExecutorRegistry::builtIn());
        QVERIFY(first.open(read(setsPlan({"logs", "assets"}, targets({"eu", "us"}))), QStringLiteral("sets.json"), state));
        QVERIFY(provisionToEnd(first));
    }
    QCOMPARE(stateIds(state), QStringList({"bucket[\"assets\"]", "bucket[\"logs\"]", "dns", "net@eu", "net@us", "zone"}));

    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(setsPlan({"logs"}, targets({"eu"}))), QStringLiteral("sets.json"), state));
    QCOMPARE(deployment.preview().removals, QStringList({"bucket[\"assets\"]", "net@us"}));
    // With no destroy action there is nothing to run for them: they are forgotten, as
    // `fanout destroy` forgets such resources, and dns (which waited for net@us) is replaced.
    QVERIFY(provisionToEnd(deployment));
    QCOMPARE(deployment.outcome(), QStringLiteral("succeeded"));
    QCOMPARE(stateIds(state), QStringList({"bucket[\"logs\"]", "dns", "net@eu", "zone"}));
}

void tst_Deployment::aSetRemovedWholeIsKept()
{
    const QString state = m_dir->filePath(QStringLiteral("sets.fanout-state.json"));
    {
        Deployment first(ExecutorRegistry::builtIn());
        QVERIFY(first.open(read(setsPlan({"logs"}, targets({"eu"}))), QStringLiteral("sets.json"), state));
        QVERIFY(provisionToEnd(first));
    }
    // bucket is gone from the plan altogether: as for any resource no longer in the plan, the run
    // keeps it, and `fanout destroy` tears it down. So does "zone", which never was a set.
    json document = setsPlan({"logs"}, targets({"eu"}));
    document["resources"].erase(0);
    document["resources"].erase(2);
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(read(document), QStringLiteral("sets.json"), state));
    QVERIFY(deployment.preview().removals.isEmpty());
    QCOMPARE(deployment.orphans(), QStringList({"bucket[\"logs\"]", "zone"}));
}

void tst_Deployment::targetSelectionLeavesTheOthersAlone()
{
    const Plan plan = read(setsPlan({"logs"}, targets({"eu", "us", "ap"})));
    QVERIFY(TargetSelection::check(plan, {QStringLiteral("us")}).isEmpty());
    const Plan limited = TargetSelection::only(plan, {QStringLiteral("us")});
    QStringList ids;
    for (const Resource &resource : limited.resources)
        ids.append(resource.id);
    // dns waits for every target's net: left out with them; the rest of what is shared runs.
    QCOMPARE(ids, QStringList({"bucket[\"logs\"]", "net@us", "zone"}));
    QCOMPARE(limited.targets.size(), 1);
    QCOMPARE(TargetSelection::leftOutAlongside(limited, plan), QStringList{QStringLiteral("dns")});

    // A state with every target: the others' entries are neither destroyed nor said to be gone.
    const QString state = m_dir->filePath(QStringLiteral("sets.fanout-state.json"));
    {
        Deployment first(ExecutorRegistry::builtIn());
        QVERIFY(first.open(plan, QStringLiteral("sets.json"), state));
        QVERIFY(provisionToEnd(first));
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    QVERIFY(deployment.open(limited, QStringLiteral("sets.json"), state));
    QVERIFY(deployment.preview().removals.isEmpty());
    QVERIFY(deployment.orphans().isEmpty());
    QCOMPARE(deployment.preview().upToDate, 3);
    QCOMPARE(stateIds(state).size(), 6);
}

void tst_Deployment::targetSelectionKeepsTheRolloutsOrder()
{
    json document = setsPlan({"logs"}, targets({"eu", "us", "ap", "sa"}));
    document["rollout"] = {{"order", {"ap", "us", "eu", "sa"}}, {"waves", json::array({json::array({"ap"}), json::array({"*"})})}};
    const Plan limited = TargetSelection::only(read(document), {QStringLiteral("eu"), QStringLiteral("us")});
    QVERIFY(limited.rollout.has_value());
    QCOMPARE(limited.rollout->order, QStringList({"us", "eu"}));
    // The canary wave had none of them: what is left is one wave of both.
    QCOMPARE(limited.rollout->waves.size(), 1);
    QCOMPARE(limited.rollout->waves.constFirst(), QStringList{QStringLiteral("*")});
}

void tst_Deployment::unknownTargetSaysWhichThereAre()
{
    SKIP_IF_TSAN_STARTS_PROCESSES();
    const Plan plan = read(setsPlan({"logs"}, targets({"eu-west-1", "us-east-1"})));
    QCOMPARE(TargetSelection::check(plan, {QStringLiteral("eu-west-1"), QStringLiteral("eu-wset-1")}),
             QStringLiteral("the plan has no target \"eu-wset-1\" (did you mean \"eu-west-1\"?); its targets are: eu-west-1, us-east-1"));
    const Plan without = read(countPlan(m_log, 1));
    QVERIFY(TargetSelection::check(without, {QStringLiteral("eu")}).startsWith(QLatin1String("the plan declares no targets")));
}

QTEST_GUILESS_MAIN(tst_Deployment)
#include "tst_deployment.moc"
