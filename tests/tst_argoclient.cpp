// Running plans on Argo Workflows without a cluster: engine/argo's client and progress against the
// Argo Server stand-in (tests/argo/standin.py, written from Argo's swagger.json, which accepts only
// workflows its schema.json accepts and plays their nodes through their phases), and `fanout run
// --on argo` end to end.
#include "engine/argo/argoclient.h"
#include "engine/argo/argoprogress.h"
#include "engine/argo/argoworkflow.h"
#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "argostandin.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

using namespace fanout;
using namespace fanout::test;
using json = nlohmann::ordered_json;

namespace {

Plan planOf(const json &document)
{
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    return read.plan;
}

Plan demo()
{
    QFile f(QStringLiteral(":/plans/demo.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no demo");
    return planOf(json::parse(f.readAll().toStdString()));
}

// Two resources, the second waiting for the first.
Plan pair()
{
    return planOf(json::parse(R"({"name": "pair", "resources": [
        {"id": "a", "type": "sim", "duration": "1s"}, {"id": "b", "type": "sim", "duration": "1s", "depends_on": ["a"]}]})"));
}

// Follows a workflow with a client to its end: every change the progress saw, in order.
struct Followed
{
    QList<ArgoProgress::Change> changes;
    QStringList interruptions;
    QString failure;
    json last;
};

Followed follow(ArgoClient &client, const QString &name, ArgoProgress &progress, int timeoutMs = 60'000)
{
    Followed followed;
    QEventLoop loop;
    QObject::connect(&client, &ArgoClient::workflowChanged, &loop, [&](const json &workflow) {
        followed.changes += progress.update(workflow);
        followed.last = workflow;
        if (ArgoClient::isFinished(workflow))
            loop.quit();
    });
    QObject::connect(&client, &ArgoClient::watchInterrupted, &loop, [&](const QString &problem, int) { followed.interruptions.append(problem); });
    QObject::connect(&client, &ArgoClient::watchFailed, &loop, [&](const QString &problem) {
        followed.failure = problem;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    client.watch(name);
    loop.exec();
    QObject::disconnect(&client, nullptr, &loop, nullptr);
    return followed;
}

Expected<json> call(const std::function<void(ArgoClient::Result)> &request)
{
    std::optional<Expected<json>> answer;
    QEventLoop loop;
    request([&](const Expected<json> &a) {
        answer = a;
        loop.quit();
    });
    QTimer::singleShot(20'000, &loop, &QEventLoop::quit);
    if (!answer)
        loop.exec();
    return answer ? *answer : Expected<json>(unexpected(QStringLiteral("no answer within 20 s")));
}

QString workflowPhase(const json &workflow)
{
    return workflow.contains("status") ? QString::fromStdString(workflow["status"].value("phase", "")) : QString();
}

QString nameOf(const Expected<json> &workflow)
{
    return workflow ? QString::fromStdString((*workflow)["metadata"].value("name", "")) : QString();
}

// A stand-in with `options`, `plan` submitted to it and followed to its end.
Followed runToTheEnd(const QStringList &options, const Plan &plan, ArgoProgress &progress)
{
    StandIn server(options);
    if (!server.url().isValid())
        return Followed{{}, {}, QStringLiteral("the stand-in did not start"), {}};
    ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
    const Expected<json> created = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(plan).workflow, done); });
    if (!created)
        return Followed{{}, {}, created.error(), {}};
    return follow(client, nameOf(created), progress);
}

// What the steps printed, as a client following a workflow and its logs saw it.
struct Logged
{
    std::map<QString, std::map<int, QStringList>> lines; // by resource, by attempt
    QStringList unknown;                                // "POD: LINE" of pods no snapshot named
    QStringList interruptions;
    QString failure;
    bool logsEnded = false;
    json last;
};

// Follows workflow `name` and its logs until both have ended (or `timeoutMs`). A line is the
// attempt's whose pod it came from; Argo reuses a pod's name only when it retries a workflow that
// has ended, which starts a new follow: the lines are placed when this one ends.
Logged followWithLogs(ArgoClient &client, const QString &name, ArgoProgress &progress, int timeoutMs = 20'000)
{
    Logged logged;
    QList<std::pair<QString, QString>> read;
    QEventLoop loop;
    auto quitWhenOver = [&] {
        if (logged.logsEnded && ArgoClient::isFinished(logged.last))
            loop.quit();
    };
    QObject::connect(&client, &ArgoClient::workflowChanged, &loop, [&](const json &workflow) {
        progress.update(workflow);
        logged.last = workflow;
        quitWhenOver();
    });
    QObject::connect(&client, &ArgoClient::logLine, &loop, [&](const QString &pod, const QString &line) { read.append({pod, line}); });
    QObject::connect(&client, &ArgoClient::logsEnded, &loop, [&] {
        logged.logsEnded = true;
        quitWhenOver();
    });
    QObject::connect(&client, &ArgoClient::watchInterrupted, &loop, [&](const QString &problem, int) { logged.interruptions.append(problem); });
    QObject::connect(&client, &ArgoClient::watchFailed, &loop, [&](const QString &problem) {
        logged.failure = problem;
        loop.quit();
    });
    QObject::connect(&client, &ArgoClient::logsFailed, &loop, [&](const QString &problem) { logged.failure = problem; });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    client.watch(name);
    client.followLogs(name);
    loop.exec();
    QObject::disconnect(&client, nullptr, &loop, nullptr);
    client.stopWatching();
    client.stopFollowingLogs();
    for (const auto &[pod, line] : std::as_const(read)) {
        const ArgoProgress::Pod of = progress.podOf(pod);
        if (of.resource.isEmpty())
            logged.unknown.append(pod + QStringLiteral(": ") + line);
        else
            logged.lines[of.resource][of.attempt].append(line);
    }
    return logged;
}

// What the stand-in prints for each resource of a plan of sleeping sims (standin.py, pod_plan):
// "running TASK" when its pod starts, "done" when it ends; by resource, for its one attempt.
std::map<QString, std::map<int, QStringList>> simLines(const Plan &plan)
{
    const json workflow = ArgoWorkflow::fromPlan(plan).workflow;
    const json tasks = json::parse(workflow["metadata"]["annotations"][ArgoWorkflow::kResourcesAnnotation].get<std::string>());
    std::map<QString, std::map<int, QStringList>> lines;
    for (const auto &[task, id] : tasks.items())
        lines[QString::fromStdString(id.get<std::string>())][1] = QStringList{QStringLiteral("running ") + QString::fromStdString(task), QStringLiteral("done")};
    return lines;
}

QString said(const std::map<QString, std::map<int, QStringList>> &lines)
{
    QStringList text;
    for (const auto &[resource, attempts] : lines) {
        for (const auto &[attempt, those] : attempts)
            text.append(QStringLiteral("%1 #%2: %3").arg(resource).arg(attempt).arg(those.join(QStringLiteral(" / "))));
    }
    return text.join(QLatin1Char('\n'));
}

// The demo submitted to a stand-in with `options`, and followed with its logs to the end.
Logged demoWithLogs(const QStringList &options)
{
    StandIn server(options);
    if (!server.url().isValid())
        return Logged{{}, {}, {}, QStringLiteral("the stand-in did not start"), false, {}};
    ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
    const Expected<json> created = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(demo()).workflow, done); });
    if (!created)
        return Logged{{}, {}, {}, created.error(), false, {}};
    ArgoProgress progress;
    return followWithLogs(client, nameOf(created), progress);
}

// `fanout run demo --on argo --server URL --namespace ci MORE...`: its exit status, what it printed.
int runDemoOnArgo(const QUrl &url, const QStringList &more, QString *out, QString *err)
{
    QProcess fanout;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("ARGO_TOKEN"), QStringLiteral("Bearer right"));
    fanout.setProcessEnvironment(environment);
    fanout.start(QStringLiteral(FANOUT_BINARY), QStringList{QStringLiteral("run"), QStringLiteral("demo"), QStringLiteral("--on"), QStringLiteral("argo"),
                                                            QStringLiteral("--server"), url.toString(), QStringLiteral("--namespace"), QStringLiteral("ci")}
                                                    + more);
    fanout.waitForFinished(60'000);
    *out = QString::fromUtf8(fanout.readAllStandardOutput());
    *err = QString::fromUtf8(fanout.readAllStandardError());
    return fanout.exitCode();
}

} // namespace

class tst_ArgoClient : public QObject
{
    Q_OBJECT

private slots:
    void progressReadsArgosNodes();
    void progressKnowsEachAttemptsPod();
    void submitsAndFollowsToTheEnd();
    void aDroppedStreamResumesWithoutLossOrRepeat();
    void retryAfterAFailureCarriesOn();
    void everyStepsLinesArriveAsItsResources();
    void aDroppedLogStreamResumesWithoutLossOrRepeat();
    void aRetriedStepsLinesAreItsNextAttempts();
    void stopAndTerminate();
    void serverErrorsAreSaidClearly();
    void runOnArgoFromTheCommandLine();
    void runOnArgoPrintsTheStepsOutput();
};

// Argo's node tree as the controller writes it: a Retry node per task with retries and a Pod per
// attempt, a Pod for a task without, a DAG around a task whose outputs are read (its "provision"
// task inside), Omitted for what never ran. Each change is told once, in the order of a story.
void tst_ArgoClient::progressReadsArgosNodes()
{
    json workflow = json::parse(R"j({"metadata": {"name": "web-x1", "annotations": {"fanout/resources": "{\"vpc\": \"vpc\", \"web-0\": \"web[0]\", \"db\": \"db\", \"dns\": \"dns\"}"}},
        "status": {"phase": "Running", "nodes": {
          "web-x1": {"name": "web-x1", "displayName": "web-x1", "type": "DAG", "phase": "Running"},
          "web-x1-1": {"name": "web-x1.vpc", "displayName": "vpc", "type": "Retry", "phase": "Running", "boundaryID": "web-x1"},
          "web-x1-2": {"name": "web-x1.vpc(0)", "displayName": "vpc(0)", "type": "Pod", "phase": "Failed", "message": "Error (exit code 1)"},
          "web-x1-3": {"name": "web-x1.vpc(1)", "displayName": "vpc(1)", "type": "Pod", "phase": "Running"},
          "web-x1-4": {"name": "web-x1.web-0", "displayName": "web-0", "type": "Pod", "phase": "Pending", "boundaryID": "web-x1"}}}})j");
    ArgoProgress progress;
    QList<ArgoProgress::Change> changes = progress.update(workflow);
    auto said = [](const QList<ArgoProgress::Change> &list) {
        QStringList lines;
        for (const ArgoProgress::Change &c : list)
            lines.append(QStringLiteral("%1 %2 %3").arg(c.resource).arg(c.attempt).arg(ArgoProgress::phaseName(c.phase)));
        return lines.join(QStringLiteral("; "));
    };
    QCOMPARE(said(changes), QStringLiteral("vpc 1 failed; vpc 0 running; web[0] 0 pending; vpc 2 running; web[0] 1 pending"));
    QCOMPARE(changes[0].message, QStringLiteral("Error (exit code 1)"));
    QCOMPARE(progress.attemptsOf(QStringLiteral("vpc")), 2);
    // The same snapshot again: nothing new.
    QVERIFY(progress.update(workflow).isEmpty());

    json &nodes = workflow["status"]["nodes"];
    nodes["web-x1-3"]["phase"] = "Succeeded";
    nodes["web-x1-1"]["phase"] = "Succeeded";
    nodes["web-x1-4"]["phase"] = "Running";
    nodes["web-x1-5"] = json::parse(R"j({"name": "web-x1.db", "displayName": "db", "type": "DAG", "phase": "Running", "boundaryID": "web-x1"})j");
    nodes["web-x1-6"] = json::parse(R"j({"name": "web-x1.db.provision", "displayName": "provision", "type": "Retry", "phase": "Running", "boundaryID": "web-x1-5"})j");
    nodes["web-x1-7"] = json::parse(R"j({"name": "web-x1.db.provision(0)", "displayName": "provision(0)", "type": "Pod", "phase": "Running"})j");
    changes = progress.update(workflow);
    QCOMPARE(said(changes), QStringLiteral("vpc 2 succeeded; vpc 0 succeeded; web[0] 0 running; db 0 running; web[0] 1 running; db 1 running"));

    nodes["web-x1-7"]["phase"] = "Failed";
    nodes["web-x1-6"]["phase"] = "Failed";
    nodes["web-x1-5"]["phase"] = "Failed";
    nodes["web-x1-8"] = json::parse(R"j({"name": "web-x1.dns", "displayName": "dns", "type": "Skipped", "phase": "Omitted", "boundaryID": "web-x1"})j");
    workflow["status"]["phase"] = "Failed";
    workflow["status"]["message"] = "child 'web-x1-5' failed";
    changes = progress.update(workflow);
    QCOMPARE(said(changes), QStringLiteral("db 1 failed; db 0 failed; dns 0 skipped"));
    QCOMPARE(progress.phaseOf(QStringLiteral("dns")), ArgoProgress::Phase::Skipped);
    QCOMPARE(progress.workflowMessage(), QStringLiteral("child 'web-x1-5' failed"));
    QCOMPARE(progress.resources(), (QStringList{"vpc", "web[0]", "db", "dns"}));
}

// A pod's log lines are its attempt's: by Argo's v2 pod name (WORKFLOW-TEMPLATE cut to 242
// characters, then the FNV-1a hash of the node's name; standin.py's pod_name) or the v1 one (the
// node's id). Argo's retry of the workflow makes the pods again under the same names: they are the
// later attempts'.
void tst_ArgoClient::progressKnowsEachAttemptsPod()
{
    const std::string name = "long-" + std::string(200, 'x');
    const std::string tmpl = "template-" + std::string(50, 'y');
    auto node = [&](const std::string &suffix, const char *type, const char *phase) {
        return json{{"name", name + suffix}, {"type", type}, {"phase", phase}, {"templateName", tmpl}};
    };
    json workflow = {{"metadata", {{"name", name}, {"annotations", {{"fanout/resources", R"({"a": "a[0]"})"}}}}},
                     {"status", {{"phase", "Running"}, {"nodes", {{name + "-1", node(".a", "Retry", "Running")}, {name + "-2", node(".a(0)", "Pod", "Failed")},
                                                                  {name + "-3", node(".a(1)", "Pod", "Running")}}}}}};
    ArgoProgress progress;
    progress.update(workflow);
    const QString prefix = QString::fromStdString((name + "-" + tmpl).substr(0, 242)) + QLatin1Char('-');
    const QString first = prefix + QStringLiteral("284569978"); // fnv1a32(NAME.a(0))
    const QString second = prefix + QStringLiteral("3975395895");
    QCOMPARE(second.size(), 253); // the longest name Kubernetes takes
    auto of = [&](const QString &pod) {
        const ArgoProgress::Pod found = progress.podOf(pod);
        return QStringLiteral("%1 %2").arg(found.resource).arg(found.attempt);
    };
    QCOMPARE(of(first), QStringLiteral("a[0] 1"));
    QCOMPARE(of(second), QStringLiteral("a[0] 2"));
    QCOMPARE(of(QString::fromStdString(name + "-3")), QStringLiteral("a[0] 2"));
    QCOMPARE(of(QStringLiteral("someone-else")), QStringLiteral(" 0"));

    // It failed for good; Argo's retry resets it and its first pod runs again.
    json &nodes = workflow["status"]["nodes"];
    nodes[name + "-3"]["phase"] = "Failed";
    nodes[name + "-1"]["phase"] = "Failed";
    progress.update(workflow);
    nodes.erase(name + "-3");
    nodes[name + "-1"]["phase"] = "Running";
    nodes[name + "-2"]["phase"] = "Pending";
    progress.update(workflow);
    QCOMPARE(of(first), QStringLiteral("a[0] 3"));
    QCOMPARE(of(QString::fromStdString(name + "-2")), QStringLiteral("a[0] 3"));
    QCOMPARE(of(second), QStringLiteral("a[0] 2"));
}

// The demo on the stand-in: every resource runs once and succeeds, never before what it waits for.
void tst_ArgoClient::submitsAndFollowsToTheEnd()
{
    const Plan plan = demo();
    ArgoProgress progress;
    const Followed followed = runToTheEnd({QStringLiteral("--speed"), QStringLiteral("200")}, plan, progress);
    QVERIFY2(followed.failure.isEmpty(), qPrintable(followed.failure));
    QCOMPARE(workflowPhase(followed.last), QStringLiteral("Succeeded"));
    std::map<QString, int> started;
    std::map<QString, int> succeeded;
    for (int i = 0; i < followed.changes.size(); ++i) {
        const ArgoProgress::Change &c = followed.changes[i];
        if (c.attempt != 0)
            continue;
        if (c.phase == ArgoProgress::Phase::Running) {
            QVERIFY2(!started.count(c.resource), qPrintable(c.resource)); // once
            started[c.resource] = i;
            for (const QString &d : plan.resources[plan.indexOf(c.resource)].dependsOn)
                QVERIFY2(succeeded.count(d) && succeeded[d] < i, qPrintable(c.resource + QStringLiteral(" before ") + d));
        } else if (c.phase == ArgoProgress::Phase::Succeeded) {
            QVERIFY2(!succeeded.count(c.resource), qPrintable(c.resource));
            succeeded[c.resource] = i;
        }
    }
    QCOMPARE(int(succeeded.size()), int(plan.resources.size()));
    for (const Resource &r : plan.resources)
        QCOMPARE(progress.phaseOf(r.id), ArgoProgress::Phase::Succeeded);
}

// The event stream breaks after a few events: the client says so, opens it again from the last
// change it saw, and no resource's change is lost or seen twice.
void tst_ArgoClient::aDroppedStreamResumesWithoutLossOrRepeat()
{
    const Plan plan = demo();
    ArgoProgress progress;
    const Followed followed = runToTheEnd({QStringLiteral("--speed"), QStringLiteral("200"), QStringLiteral("--drop-stream-after"), QStringLiteral("4")},
                                          plan, progress);
    QVERIFY2(followed.failure.isEmpty(), qPrintable(followed.failure));
    QCOMPARE(followed.interruptions.size(), 1);
    QCOMPARE(workflowPhase(followed.last), QStringLiteral("Succeeded"));
    auto times = [&](const QString &resource, ArgoProgress::Phase phase) {
        return std::count_if(followed.changes.cbegin(), followed.changes.cend(), [&](const ArgoProgress::Change &c) {
            return c.attempt == 0 && c.resource == resource && c.phase == phase;
        });
    };
    for (const Resource &r : plan.resources) {
        QCOMPARE(times(r.id, ArgoProgress::Phase::Succeeded), 1);
        QVERIFY(times(r.id, ArgoProgress::Phase::Running) <= 1);
    }
}

// a fails its first attempt: the workflow fails and b never starts; Argo's retry of the failed
// node runs a again, and b after it.
void tst_ArgoClient::retryAfterAFailureCarriesOn()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("100"), QStringLiteral("--fail"), QStringLiteral("a:1")});
    QVERIFY(server.url().isValid());
    ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
    const Expected<json> created = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
    QVERIFY2(created, qPrintable(created.error()));
    const QString name = nameOf(created);
    ArgoProgress progress;
    const Followed failed = follow(client, name, progress);
    QCOMPARE(workflowPhase(failed.last), QStringLiteral("Failed"));
    QCOMPARE(progress.phaseOf(QStringLiteral("a")), ArgoProgress::Phase::Failed);
    QVERIFY(progress.phaseOf(QStringLiteral("b")) != ArgoProgress::Phase::Succeeded);
    QVERIFY(progress.phaseOf(QStringLiteral("b")) != ArgoProgress::Phase::Running);

    const Expected<json> retried = call([&](auto done) { client.retry(name, QStringLiteral("displayName=a"), done); });
    QVERIFY2(retried, qPrintable(retried.error()));
    const Followed carried = follow(client, name, progress);
    QCOMPARE(workflowPhase(carried.last), QStringLiteral("Succeeded"));
    QCOMPARE(progress.phaseOf(QStringLiteral("a")), ArgoProgress::Phase::Succeeded);
    QCOMPARE(progress.phaseOf(QStringLiteral("b")), ArgoProgress::Phase::Succeeded);
    QCOMPARE(progress.attemptsOf(QStringLiteral("a")), 2);
}

// The demo's steps print (the stand-in's sims: "running TASK", "done"): every line arrives, once,
// in order, as its resource's first attempt's; the logs end after the workflow has.
void tst_ArgoClient::everyStepsLinesArriveAsItsResources()
{
    const Logged logged = demoWithLogs({QStringLiteral("--speed"), QStringLiteral("200")});
    QVERIFY2(logged.failure.isEmpty(), qPrintable(logged.failure));
    QCOMPARE(workflowPhase(logged.last), QStringLiteral("Succeeded"));
    QVERIFY(logged.logsEnded);
    QVERIFY2(logged.unknown.isEmpty(), qPrintable(logged.unknown.join(QLatin1Char('\n'))));
    QVERIFY2(logged.interruptions.isEmpty(), qPrintable(logged.interruptions.join(QLatin1Char('\n'))));
    QCOMPARE(said(logged.lines), said(simLines(demo())));
}

// The log stream breaks after 7 lines: the client says so, opens it again, and of the lines the
// server sends again from the first, passes on only those it had not: none lost, none twice.
void tst_ArgoClient::aDroppedLogStreamResumesWithoutLossOrRepeat()
{
    const Logged logged = demoWithLogs({QStringLiteral("--speed"), QStringLiteral("200"), QStringLiteral("--drop-logs-after"), QStringLiteral("7")});
    QVERIFY2(logged.failure.isEmpty(), qPrintable(logged.failure));
    QVERIFY(logged.logsEnded);
    QCOMPARE(logged.interruptions.size(), 1);
    QVERIFY2(logged.interruptions.constFirst().contains(QLatin1String("log stream")), qPrintable(logged.interruptions.constFirst()));
    QVERIFY2(logged.unknown.isEmpty(), qPrintable(logged.unknown.join(QLatin1Char('\n'))));
    QCOMPARE(said(logged.lines), said(simLines(demo())));
}

// a fails its first attempt; Argo's retry makes its pod again, of the same name: what that one
// prints is a's second attempt's, and nothing of the first is told again.
void tst_ArgoClient::aRetriedStepsLinesAreItsNextAttempts()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("100"), QStringLiteral("--fail"), QStringLiteral("a:1")});
    QVERIFY(server.url().isValid());
    ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
    const Expected<json> created = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
    QVERIFY2(created, qPrintable(created.error()));
    const QString name = nameOf(created);
    ArgoProgress progress;
    const Logged failed = followWithLogs(client, name, progress);
    QVERIFY2(failed.failure.isEmpty(), qPrintable(failed.failure));
    QCOMPARE(workflowPhase(failed.last), QStringLiteral("Failed"));
    QCOMPARE(said(failed.lines), QStringLiteral("a #1: running a / simulated failure: exit 1"));

    const Expected<json> retried = call([&](auto done) { client.retry(name, QStringLiteral("displayName=a"), done); });
    QVERIFY2(retried, qPrintable(retried.error()));
    const Logged carried = followWithLogs(client, name, progress);
    QVERIFY2(carried.failure.isEmpty(), qPrintable(carried.failure));
    QCOMPARE(workflowPhase(carried.last), QStringLiteral("Succeeded"));
    QVERIFY2(carried.unknown.isEmpty(), qPrintable(carried.unknown.join(QLatin1Char('\n'))));
    QCOMPARE(said(carried.lines), QStringLiteral("a #2: running a / done\nb #1: running b / done"));
    QCOMPARE(progress.podOf(QStringLiteral("nowhere")).resource, QString());
}

void tst_ArgoClient::stopAndTerminate()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("5")});
    QVERIFY(server.url().isValid());
    ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
    for (const bool terminate : {false, true}) {
        const Expected<json> created = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
        QVERIFY2(created, qPrintable(created.error()));
        const QString name = nameOf(created);
        const Expected<json> stopped = call([&](auto done) { terminate ? client.terminate(name, done) : client.stop(name, done); });
        QVERIFY2(stopped, qPrintable(stopped.error()));
        ArgoProgress progress;
        const Followed followed = follow(client, name, progress);
        QCOMPARE(workflowPhase(followed.last), QStringLiteral("Failed"));
        QVERIFY(progress.phaseOf(QStringLiteral("b")) != ArgoProgress::Phase::Succeeded); // nothing new started
        QVERIFY2(progress.workflowMessage().contains(terminate ? QLatin1String("Terminate") : QLatin1String("Stop")), qPrintable(progress.workflowMessage()));
    }
}

// Each answer that is not a success is said with where, the status, what the server said and,
// when there is one, what to do.
void tst_ArgoClient::serverErrorsAreSaidClearly()
{
    {
        StandIn server({QStringLiteral("--token"), QStringLiteral("right")});
        ArgoClient wrong(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArrayLiteral("wrong")});
        const Expected<json> refused = call([&](auto done) { wrong.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QLatin1String("answered 401")) && refused.error().contains(QLatin1String("--token-env")), qPrintable(refused.error()));
        ArgoClient right(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArrayLiteral("right")});
        QVERIFY(call([&](auto done) { right.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); }));
        const Expected<json> missing = call([&](auto done) { right.get(QStringLiteral("nowhere"), done); });
        QVERIFY2(!missing && missing.error().contains(QLatin1String("answered 404")) && missing.error().contains(QLatin1String("namespace \"ci\"")),
                 qPrintable(missing.error()));
        ArgoProgress progress;
        const Followed followed = follow(right, QStringLiteral("nowhere"), progress, 10'000);
        QVERIFY2(followed.failure.contains(QLatin1String("404")), qPrintable(followed.failure));
        // The logs of a workflow that is not there: said, and over (not tried again).
        QSignalSpy logsFailed(&right, &ArgoClient::logsFailed);
        QSignalSpy logsEnded(&right, &ArgoClient::logsEnded);
        right.followLogs(QStringLiteral("nowhere"));
        QTRY_COMPARE(logsEnded.size(), 1);
        QCOMPARE(logsFailed.size(), 1);
        QVERIFY2(logsFailed[0][0].toString().contains(QLatin1String("answered 404")), qPrintable(logsFailed[0][0].toString()));
        QVERIFY(!right.isFollowingLogs());
        // The workflow is not valid for Argo: the server's own words.
        json invalid = ArgoWorkflow::fromPlan(pair()).workflow;
        invalid["spec"]["templates"][0]["dag"]["tasks"][0].erase("name");
        const Expected<json> rejected = call([&](auto done) { right.submit(invalid, done); });
        QVERIFY2(!rejected && rejected.error().contains(QLatin1String("answered 400")), qPrintable(rejected.error()));
    }
    {
        StandIn server({QStringLiteral("--status-for"), QStringLiteral("^/api/v1/workflows/ci$=500"), QStringLiteral("--status-for"),
                        QStringLiteral("/retry$=409")});
        ArgoClient client(ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()});
        const Expected<json> failed = call([&](auto done) { client.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
        QVERIFY2(!failed && failed.error().contains(QLatin1String("answered 500")), qPrintable(failed.error()));
        const Expected<json> conflict = call([&](auto done) { client.retry(QStringLiteral("pair-abcde"), QString(), done); });
        QVERIFY2(!conflict && conflict.error().contains(QLatin1String("answered 409")), qPrintable(conflict.error()));
    }
    ArgoClient nobody(ArgoConnection{QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("ci"), QByteArray()});
    const Expected<json> unreachable = call([&](auto done) { nobody.submit(ArgoWorkflow::fromPlan(pair()).workflow, done); });
    QVERIFY2(!unreachable && unreachable.error().contains(QLatin1String("Argo Server http://127.0.0.1:1")), qPrintable(unreachable.error()));
}

// `fanout run PLAN --on argo --server URL`: the progress, the summary, the reports and the exit
// status of a run here.
void tst_ArgoClient::runOnArgoFromTheCommandLine()
{
    const auto run = runDemoOnArgo;
    QString out;
    QString err;
    {
        StandIn server({QStringLiteral("--speed"), QStringLiteral("200"), QStringLiteral("--token"), QStringLiteral("right")});
        QTemporaryDir dir;
        const QString junitFile = dir.filePath(QStringLiteral("run.xml"));
        const QString historyFile = dir.filePath(QStringLiteral("history.sqlite"));
        QCOMPARE(run(server.url(), {QStringLiteral("--junit"), junitFile, QStringLiteral("--history"), historyFile}, &out, &err), 0);
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("\\] vpc +started"))) && out.contains(QRegularExpression(QStringLiteral("\\] dns-api +succeeded in"))),
                 qPrintable(out));
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("Run of demo \\(built in\\) on Argo Workflows: workflow demo-web-stack-\\w+ on http"))), qPrintable(out));
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("Run of \"demo-web-stack\" finished after \\S+: 30 succeeded"))), qPrintable(out));
        // JUnit, as for a run here: a test case per resource.
        QFile junit(junitFile);
        QVERIFY(junit.open(QIODevice::ReadOnly));
        QCOMPARE(junit.readAll().count("<testcase "), 30);
        // In the run history, as a run here: what forecasts learn from.
        RunHistory history(historyFile);
        const Expected<QList<RunHistory::Run>> runs = history.runs();
        QVERIFY2(runs, qPrintable(runs.error()));
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->constFirst().outcome, QStringLiteral("succeeded"));
        QCOMPARE(runs->constFirst().parallelism, 10);
        QCOMPARE(runs->constFirst().attempts, 30);
        QVERIFY2(err.contains(QLatin1String("ConfigMap fanout-demo-web-stack-limits")), qPrintable(err));
        QVERIFY(!out.contains(QLatin1String("right")) && !err.contains(QLatin1String("right"))); // the token is never printed
    }
    {
        StandIn server({QStringLiteral("--speed"), QStringLiteral("200"), QStringLiteral("--fail"), QStringLiteral("igw")});
        QTemporaryDir dir;
        const QString reportFile = dir.filePath(QStringLiteral("run.json"));
        QCOMPARE(run(server.url(), {QStringLiteral("--report"), reportFile}, &out, &err), 1);
        QVERIFY2(out.contains(QRegularExpression(QStringLiteral("\\] igw +FAILED on attempt 1: Error \\(exit code 1\\)"))), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("1 failed, ")) && out.contains(QRegularExpression(QStringLiteral("Failed:\n +igw "))), qPrintable(out));
        // The report of a run here: every resource, igw failed (its one attempt: the demo does not
        // retry), what waits for it skipped and blocked by it.
        QFile file(reportFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const json report = json::parse(file.readAll().toStdString());
        QCOMPARE(report["outcome"].get<std::string>(), std::string("failed"));
        QCOMPARE(int(report["resources"].size()), 30);
        QCOMPARE(report["counts"]["failed"].get<int>(), 1);
        QVERIFY(report["counts"]["skipped"].get<int>() > 0);
        QCOMPARE(report["counts"]["succeeded"].get<int>() + report["counts"]["skipped"].get<int>() + 1, 30);
        for (const json &r : report["resources"]) {
            if (r["id"] == "igw") {
                QCOMPARE(int(r["attempts"].size()), 1);
                QCOMPARE(r["attempts"][0]["outcome"].get<std::string>(), std::string("failed"));
                QVERIFY(r["attempts"][0]["end_ms"].get<qint64>() >= r["attempts"][0]["start_ms"].get<qint64>());
                QVERIFY2(r["reason"].get<std::string>().find("exit code 1") != std::string::npos, r.dump().c_str());
            }
            if (r["id"] == "nat-gateway-a") {
                QCOMPARE(r["state"].get<std::string>(), std::string("skipped"));
                QCOMPARE(r["blocked_by"].get<std::string>(), std::string("igw"));
            }
        }
    }
    {
        StandIn server({QStringLiteral("--token"), QStringLiteral("other")});
        QCOMPARE(run(server.url(), {}, &out, &err), 1);
        QVERIFY2(err.contains(QLatin1String("cannot submit the workflow")) && err.contains(QLatin1String("401")), qPrintable(err));
    }
    QCOMPARE(run(QUrl(QStringLiteral("ftp://x")), {}, &out, &err), 2);
    QVERIFY2(err.contains(QLatin1String("--server URL")), qPrintable(err));
    QCOMPARE(run(QUrl(QStringLiteral("http://127.0.0.1:1")), {QStringLiteral("--state"), QStringLiteral("s.json")}, &out, &err), 2);
    QVERIFY2(err.contains(QLatin1String("--state not with --on argo")), qPrintable(err));
}

// `fanout run --on argo` prints what each step prints, as a run here prints its log lines
// (`0.11s [ 0/30] vpc | running vpc`), before the summary; -q leaves them out.
void tst_ArgoClient::runOnArgoPrintsTheStepsOutput()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("200")});
    QVERIFY(server.url().isValid());
    const std::map<QString, std::map<int, QStringList>> expected = simLines(demo());
    QString out;
    QString err;
    QCOMPARE(runDemoOnArgo(server.url(), {}, &out, &err), 0);
    const QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    static const QRegularExpression logLine(QStringLiteral("^ *\\S+ \\[ *\\d+/\\d+\\] (\\S+) +\\| (.*)$"));
    std::map<QString, std::map<int, QStringList>> printed;
    for (const QString &line : lines) {
        if (const QRegularExpressionMatch m = logLine.match(line); m.hasMatch())
            printed[m.captured(1)][1].append(m.captured(2));
    }
    QCOMPARE(said(printed), said(expected));
    QVERIFY2(out.contains(QRegularExpression(QStringLiteral("finished after \\S+: 30 succeeded"))), qPrintable(out));
    QVERIFY2(!err.contains(QLatin1String("log stream")) && !err.contains(QLatin1String("steps' logs")), qPrintable(err)); // no trouble

    QCOMPARE(runDemoOnArgo(server.url(), {QStringLiteral("-q")}, &out, &err), 0);
    QVERIFY2(!out.contains(QLatin1String(" | ")), qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(QStringLiteral("\\] vpc +succeeded in"))) && out.contains(QLatin1String(": 30 succeeded")), qPrintable(out));

    // --json: one JSON object a line, as for a run here, ending with the run's end.
    QCOMPARE(runDemoOnArgo(server.url(), {QStringLiteral("--json")}, &out, &err), 0);
    const QStringList objects = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(objects.size() > 60); // each resource started and succeeded, and the steps' lines
    for (const QString &line : objects)
        QVERIFY2(json::accept(line.toStdString()), qPrintable(line));
    QCOMPARE(json::parse(objects.constFirst().toStdString())["type"].get<std::string>(), std::string("run_started"));
    const json end = json::parse(objects.constLast().toStdString());
    QCOMPARE(end["type"].get<std::string>(), std::string("run_ended"));
    QCOMPARE(end["exit_status"].get<int>(), 0);
    QCOMPARE(end["counts"]["succeeded"].get<int>(), 30);
}

QTEST_GUILESS_MAIN(tst_ArgoClient)
#include "tst_argoclient.moc"
