// A plan run on Argo Workflows, in the window (offscreen), against the Argo Server stand-in
// (tests/argo/standin.py): submitted from Run → Run on Argo Workflows, watched on the graph, the
// timeline and the logs as a run here, a failed step retried from the graph's menu, cancelled,
// attached to from File → Attach, and the dialog that remembers the server but never the token.
#include "argostandin.h"
#include "guitest.h"

#include "engine/argo/argoclient.h"
#include "engine/argo/argorun.h"
#include "engine/argo/argoworkflow.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "engine/run/journal.h"
#include "engine/run/remoterun.h"
#include "engine/run/scheduler.h"
#include "models/plan/workspace.h"
#include "ui/dialogs/argodialog.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/window/argoactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace fanout;
using namespace fanout::test;
using json = nlohmann::ordered_json;

// Before the plans below: moc reads no further than a raw string with a ")" and a quote inside.
class tst_ArgoGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings("tst_argogui"); }
    void submitWatchFailRetryFromTheGraph();
    void cancelStopsThenTerminates();
    void attachShowsAWorkflowSubmittedElsewhere();
    void aWorkflowReadsAsAPlan();
    void theDialogRemembersTheServerNotTheToken();
};

namespace {

constexpr int kTimeoutMs = 30'000;

// vpc, then db and web side by side, then app after db: each a second's sleep that prints a line.
const char *const kPlan = R"j({"name": "shop", "parallelism": 4, "resources": [
    {"id": "vpc", "type": "sim", "duration": "1s", "outputs": {"vpc_id": "vpc-1"}},
    {"id": "db", "type": "sim", "duration": "1s", "depends_on": ["vpc"], "outputs": {"endpoint": "db.internal"}},
    {"id": "web", "type": "sim", "duration": "1s", "depends_on": ["vpc"], "outputs": {"url": "https://shop"}},
    {"id": "app", "type": "sim", "duration": "1s", "depends_on": ["db"], "outputs": {"version": "7"}}]})j";

QString writePlan(const QTemporaryDir &dir, const char *text = kPlan)
{
    const QString path = dir.filePath(QStringLiteral("shop.fanout.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QString();
    file.write(text);
    return path;
}

int indexOf(const Deployment &deployment, const char *id)
{
    return deployment.plan().indexOf(QString::fromLatin1(id));
}

int logLinesOf(const Deployment &deployment, int resource)
{
    int lines = 0;
    const Journal &journal = deployment.journal();
    for (std::size_t i = 0; i < journal.size(); ++i) {
        if (journal.entry(i).kind == RunEvent::Kind::Log && journal.entry(i).resource == resource)
            ++lines;
    }
    return lines;
}

QAction *actionNamed(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

// The shop plan open in a window, as a user opens it.
class ShopWindow : public MainWindow
{
public:
    ShopWindow() : MainWindow(Layout::Default)
    {
        show();
        opened = files().openPlan(writePlan(m_dir));
    }
    Expected<void> opened;

private:
    QTemporaryDir m_dir;
};

ArgoConnection connectionTo(const StandIn &server)
{
    return ArgoConnection{server.url(), QStringLiteral("ci"), QByteArray()};
}

} // namespace


void tst_ArgoGui::submitWatchFailRetryFromTheGraph()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("4"), QStringLiteral("--fail"), QStringLiteral("db:1")});
    QVERIFY(server.url().isValid());
    ShopWindow window;
    QVERIFY_EXPECTED(window.opened);
    Deployment &deployment = window.workspace().deployment();
    QSignalSpy started(&window.argo(), &ArgoActions::started);
    QSignalSpy finished(&deployment, &Deployment::runFinished);

    QVERIFY(window.argo().runOnArgoAction()->isEnabled());
    QVERIFY(window.argo().runOnArgo(connectionTo(server)));
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kTimeoutMs);
    QVERIFY(deployment.isRemote());
    // What runs here is off while the workflow is shown; Stop Following is on.
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY(window.argo().stopFollowingAction()->isEnabled());
    QVERIFY(window.argo().workflowLabel()->isVisible());
    QVERIFY(window.argo().workflowLabel()->text().contains(window.argo().current()->workflowName()));
    QTRY_VERIFY_WITH_TIMEOUT(deployment.isRunning(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);

    // As Argo played it: db's one attempt failed, app never ran, the rest succeeded.
    const int vpc = indexOf(deployment, "vpc");
    const int db = indexOf(deployment, "db");
    const int app = indexOf(deployment, "app");
    const int web = indexOf(deployment, "web");
    QCOMPARE(deployment.state(vpc), ResourceState::Succeeded);
    QCOMPARE(deployment.state(web), ResourceState::Succeeded);
    QCOMPARE(deployment.state(db), ResourceState::Failed);
    QCOMPARE(deployment.state(app), ResourceState::Skipped);
    QCOMPARE(deployment.status(app).blockedBy, db);
    QCOMPARE(deployment.status(db).attempts.size(), 1);
    QCOMPARE(deployment.status(vpc).attempts.size(), 1);
    QCOMPARE(deployment.status(db).attempts.constFirst().outcome, AttemptRecord::Outcome::Failed);
    // The timeline's bars: vpc ended before db started.
    const AttemptRecord &vpcAttempt = deployment.status(vpc).attempts.constFirst();
    QVERIFY(vpcAttempt.endMs > vpcAttempt.startMs);
    QVERIFY(deployment.status(db).attempts.constFirst().startMs >= vpcAttempt.endMs);
    // The steps' output, in the journal the log panes read, per resource.
    QVERIFY(logLinesOf(deployment, vpc) > 0);
    QVERIFY(logLinesOf(deployment, web) > 0);
    // The graph shows it.
    GraphView *graph = window.graphPane()->view();
    QTRY_COMPARE(graph->nodeItem(db)->state(), ResourceState::Failed);
    QTRY_COMPARE(graph->nodeItem(vpc)->state(), ResourceState::Succeeded);
    QVERIFY(window.runs().retryFailedAction()->isEnabled());

    // Retry db from the graph's menu: Argo runs it again, and app after it.
    std::unique_ptr<QMenu> onVpc(graph->createContextMenu(vpc));
    QVERIFY(!actionNamed(onVpc.get(), QStringLiteral("Retry"))->isEnabled());
    std::unique_ptr<QMenu> menu(graph->createContextMenu(db));
    QAction *retry = actionNamed(menu.get(), QStringLiteral("Retry"));
    QVERIFY(retry && retry->isEnabled());
    const int vpcLines = logLinesOf(deployment, vpc);
    const int dbLines = logLinesOf(deployment, db);
    retry->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    QCOMPARE(deployment.state(db), ResourceState::Succeeded);
    QCOMPARE(deployment.state(app), ResourceState::Succeeded);
    QCOMPARE(deployment.status(db).attempts.size(), 2);
    QCOMPARE(deployment.status(db).attempts.constLast().number, 2);
    // The second attempt waited from the retry, not from when the first was ready.
    QVERIFY(deployment.status(db).attempts.constLast().readyMs >= deployment.status(db).attempts.constFirst().endMs);
    QCOMPARE(deployment.status(vpc).attempts.size(), 1); // what succeeded is not run again
    // The logs are read again after the retry: the lines of vpc's pod are not shown twice, and
    // db's second attempt (its pod made again, of the same name) has its own.
    QCOMPARE(logLinesOf(deployment, vpc), vpcLines);
    QVERIFY(logLinesOf(deployment, db) > dbLines);
    QVERIFY(logLinesOf(deployment, app) > 0);
    QTRY_COMPARE(graph->nodeItem(app)->state(), ResourceState::Succeeded);
    QCOMPARE(deployment.count(ResourceState::Succeeded), deployment.resourceCount());
    // The status bar says how it ended this time, not what Argo said of the failure before.
    QTRY_VERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("ended: 4 succeeded")), qPrintable(window.statusBar()->currentMessage()));
    QVERIFY2(!window.statusBar()->currentMessage().contains(QStringLiteral("failed")), qPrintable(window.statusBar()->currentMessage()));
    // The run's resumption names what was retried.
    bool resumedForDb = false;
    for (const RunEvent &event : deployment.journal().events())
        resumedForDb = resumedForDb || (event.kind == RunEvent::Kind::RunResumed && event.text == QStringLiteral("db"));
    QVERIFY(resumedForDb);

    // Stop Following: the plan is shown again, as its state file says (nothing ran here).
    window.argo().stopFollowingAction()->trigger();
    QVERIFY(!deployment.isReplaying());
    QVERIFY(!window.argo().workflowLabel()->isVisible());
    QVERIFY(!deployment.hasRun());
    QVERIFY(window.runs().runAction()->isEnabled());
}

void tst_ArgoGui::cancelStopsThenTerminates()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("0.2")}); // each step takes 5 s
    QVERIFY(server.url().isValid());
    ShopWindow window;
    QVERIFY_EXPECTED(window.opened);
    Deployment &deployment = window.workspace().deployment();
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(window.argo().runOnArgo(connectionTo(server)));
    QTRY_VERIFY_WITH_TIMEOUT(deployment.isRemote() && deployment.state(indexOf(deployment, "vpc")) == ResourceState::Running, kTimeoutMs);
    // The clock goes on between Argo's changes (vpc takes 5 s), for the timeline and the graph.
    const qint64 before = deployment.elapsedMs();
    QTRY_VERIFY_WITH_TIMEOUT(deployment.elapsedMs() > before + 2 * ArgoRun::kTickMs, kTimeoutMs);
    QCOMPARE(deployment.state(indexOf(deployment, "vpc")), ResourceState::Running);

    // Closing the window is not cancelling: the workflow runs on its cluster.
    QList<MainWindow::QuitQuestion> asked;
    window.setQuitPrompt([&asked](MainWindow::QuitQuestion question) {
        asked.append(question);
        return false;
    });
    QAction *cancel = window.runs().cancelAction();
    QVERIFY(cancel->isEnabled());
    QVERIFY(cancel->toolTip().contains(QStringLiteral("Stop the workflow")));
    cancel->trigger();
    QVERIFY(deployment.remote()->isStopping());
    QVERIFY(cancel->isEnabled());
    QVERIFY2(cancel->toolTip().contains(QStringLiteral("Terminate")), qPrintable(cancel->toolTip()));
    cancel->trigger(); // terminate: vpc is stopped too
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(deployment.state(indexOf(deployment, "vpc")) != ResourceState::Succeeded);
    QCOMPARE(deployment.state(indexOf(deployment, "app")), ResourceState::Skipped);
    QVERIFY(!cancel->isEnabled());
    window.close();
    QVERIFY(asked.isEmpty());
}

void tst_ArgoGui::attachShowsAWorkflowSubmittedElsewhere()
{
    StandIn server({QStringLiteral("--speed"), QStringLiteral("4")});
    QVERIFY(server.url().isValid());
    // Submitted by someone else (CI), from the same plan.
    const PlanReadResult read = PlanReader::readJson(json::parse(kPlan), ExecutorRegistry::builtIn());
    ArgoClient ci(connectionTo(server));
    QString name;
    ci.submit(ArgoWorkflow::fromPlan(read.plan).workflow, [&name](const Expected<json> &created) {
        if (created)
            name = QString::fromStdString((*created)["metadata"].value("name", ""));
    });
    QTRY_VERIFY_WITH_TIMEOUT(!name.isEmpty(), kTimeoutMs);
    QTest::qWait(2500); // done, or nearly: what happened before the window looked is Argo's to date

    MainWindow window(MainWindow::Layout::Default); // with the demo open: not the workflow's plan
    window.show();
    Deployment &deployment = window.workspace().deployment();
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(window.argo().attach(connectionTo(server), name));
    QTRY_VERIFY_WITH_TIMEOUT(deployment.isRemote(), kTimeoutMs);
    QCOMPARE(resourceIds(deployment.plan()), (QStringList{QStringLiteral("vpc"), QStringLiteral("db"), QStringLiteral("web"), QStringLiteral("app")}));
    QCOMPARE(deployment.plan().resources[indexOf(deployment, "app")].dependsOn, QStringList{QStringLiteral("db")});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(deployment.count(ResourceState::Succeeded), 4);
    // What happened before the window looked has Argo's moments: vpc started at the start.
    QCOMPARE(deployment.status(indexOf(deployment, "vpc")).attempts.size(), 1);
    const AttemptRecord &vpc = deployment.status(indexOf(deployment, "vpc")).attempts.constFirst();
    QVERIFY2(vpc.startMs < 2000, qPrintable(QString::number(vpc.startMs))); // whole seconds; the window looked after 2.5 s
    QVERIFY(logLinesOf(deployment, indexOf(deployment, "app")) > 0);

    // A workflow that does not exist: said, and nothing is shown.
    window.argo().stopFollowing();
    QSignalSpy failed(&window.argo(), &ArgoActions::failed);
    QVERIFY(window.argo().attach(connectionTo(server), QStringLiteral("nothing-here")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.constFirst().constFirst().toString().contains(QStringLiteral("nothing-here")), qPrintable(failed.constFirst().constFirst().toString()));
    QVERIFY(!deployment.isReplaying());
}

void tst_ArgoGui::aWorkflowReadsAsAPlan()
{
    // A workflow Fanout did not write: `depends` expressions, a script, an HTTP step, retries.
    const json workflow = json::parse(R"j({"metadata": {"name": "etl-7"}, "spec": {"entrypoint": "main", "parallelism": 3, "templates": [
        {"name": "main", "dag": {"failFast": false, "tasks": [
            {"name": "extract", "template": "run"},
            {"name": "notify", "template": "hook", "depends": "extract.Succeeded || extract.Failed"},
            {"name": "load", "template": "script", "depends": "(extract && notify.Succeeded)"}]}},
        {"name": "run", "container": {"image": "alpine", "command": ["sh", "-c"], "args": ["echo hi"]}, "retryStrategy": {"limit": "2"}},
        {"name": "hook", "http": {"url": "https://hooks.example.com", "method": "POST"}},
        {"name": "script", "script": {"image": "python", "source": "print(1)"}}]}})j");
    const Plan plan = ArgoRun::planOf(workflow);
    QCOMPARE(plan.name, QStringLiteral("etl-7"));
    QCOMPARE(plan.parallelism, 3);
    QCOMPARE(plan.failFast, false);
    QCOMPARE(resourceIds(plan), (QStringList{QStringLiteral("extract"), QStringLiteral("notify"), QStringLiteral("load")}));
    QCOMPARE(plan.resources[1].dependsOn, QStringList{QStringLiteral("extract")});
    QCOMPARE(plan.resources[2].dependsOn, (QStringList{QStringLiteral("extract"), QStringLiteral("notify")}));
    QCOMPARE(plan.resources[0].type, QStringLiteral("command"));
    COMPARE_JSON(plan.resources[0].params["command"], json::parse(R"(["sh", "-c", "echo hi"])"));
    QCOMPARE(plan.resources[0].retry.maxAttempts, 3);
    QCOMPARE(plan.resources[1].type, QStringLiteral("http"));
    COMPARE_JSON(plan.resources[1].params["url"], "https://hooks.example.com");
    COMPARE_JSON(plan.resources[2].params["command"], "print(1)");
    // Not a DAG: nothing to show.
    QVERIFY(ArgoRun::planOf(json::parse(R"({"spec": {"entrypoint": "s", "templates": [{"name": "s", "steps": []}]}})")).resources.isEmpty());
}

void tst_ArgoGui::theDialogRemembersTheServerNotTheToken()
{
    QTemporaryDir dir;
    const QString tokenFile = dir.filePath(QStringLiteral("token"));
    {
        QFile file(tokenFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Bearer s3cr3t-t0ken\n");
    }
    {
        ArgoDialog dialog(ArgoDialog::Mode::Attach);
        dialog.serverEdit()->setText(QStringLiteral("https://argo.example.com:2746"));
        dialog.accept(); // no workflow named yet: refused, and said
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY(!dialog.problemLabel()->isHidden());
        QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("workflow")));
        dialog.workflowEdit()->setText(QStringLiteral("web-x7k2p"));
        dialog.namespaceEdit()->setText(QStringLiteral("deploys"));
        dialog.tokenFromBox()->setCurrentIndex(1);
        dialog.tokenSourceEdit()->setText(dir.filePath(QStringLiteral("missing")));
        dialog.accept();
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY(dialog.problemLabel()->text().contains(QStringLiteral("missing")));
        dialog.tokenSourceEdit()->setText(tokenFile);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.connection().token, QByteArray("s3cr3t-t0ken"));
        QCOMPARE(dialog.connection().ns, QStringLiteral("deploys"));
        QCOMPARE(dialog.connection().server, QUrl(QStringLiteral("https://argo.example.com:2746")));
    }
    ArgoDialog again(ArgoDialog::Mode::Submit);
    QCOMPARE(again.serverEdit()->text(), QStringLiteral("https://argo.example.com:2746"));
    QCOMPARE(again.namespaceEdit()->text(), QStringLiteral("deploys"));
    QCOMPARE(again.tokenFromBox()->currentIndex(), 1);
    QCOMPARE(again.tokenSourceEdit()->text(), tokenFile);
    QVERIFY(!again.workflowEdit()); // submitting names no workflow
    // The token itself is in no setting.
    const QSettings settings;
    for (const QString &key : settings.allKeys())
        QVERIFY2(!settings.value(key).toString().contains(QStringLiteral("s3cr3t")), qPrintable(key));
}

QTEST_MAIN(tst_ArgoGui)
#include "tst_argogui.moc"
