// The History pane: the runs of the open plan, a replay of one on every pane, and two compared.
#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "engine/run/replay.h"
#include "engine/run/scheduler.h"
#include "guitest.h"
#include "models/logs/logmodel.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/historymodel.h"
#include "models/run/historyrecorder.h"
#include "models/run/runcomparison.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/logs/logpanes.h"
#include "ui/panes/forecastpane.h"
#include "ui/panes/historypane.h"
#include "ui/panes/replaybar.h"
#include "ui/panes/runcomparisondialog.h"
#include "ui/timeline/timelinepane.h"
#include "ui/panes/sparkline.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/editactions.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace fanout;

namespace {

// vpc, then db (fails once, then succeeds after a retry) and cdn (fails for good) in parallel;
// dns waits on cdn (skipped), app on db.
const char *const kPlan = R"({
  "name": "replayed",
  "parallelism": 4,
  "resources": [
    {"id": "vpc", "type": "sim", "duration": "120ms", "log_lines": ["creating the vpc", "the vpc is ready"]},
    {"id": "db", "type": "sim", "depends_on": ["vpc"], "duration": "150ms", "fail_attempts": 1,
     "retry": {"max_attempts": 2, "backoff": {"initial": "20ms"}}, "log_lines": ["db is up"]},
    {"id": "cdn", "type": "sim", "depends_on": ["vpc"], "duration": "60ms", "fail_attempts": 1,
     "failure_message": "ThrottlingException: Rate exceeded"},
    {"id": "dns", "type": "sim", "depends_on": ["cdn"], "duration": "30ms"},
    {"id": "app", "type": "sim", "depends_on": ["db"], "duration": "100ms", "log_lines": ["app deployed"]}
  ]
})";

bool openPlan(Workspace &workspace, const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("replayed.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(kPlan) < 0)
        return false;
    file.close();
    return workspace.open(path, workspace.read(path));
}

// What the history keeps of a finished run, made from the Deployment that ran it.
RunHistory::RecordedRun recordedFrom(const Deployment &deployment, qint64 id, const QString &startedAt)
{
    RunHistory::RecordedRun recorded;
    recorded.plan = deployment.plan();
    recorded.report = deployment.report();
    for (const RunEvent &event : deployment.journal())
        recorded.events.append(event);
    recorded.run.id = id;
    recorded.run.command = QStringLiteral("run");
    recorded.run.planName = deployment.plan().name;
    recorded.run.startedAt = startedAt;
    recorded.run.parallelism = deployment.parallelism();
    recorded.run.outcome = deployment.outcome();
    recorded.run.makespanMs = recorded.events.constLast().timeMs; // RunFinished
    recorded.run.resources = deployment.resourceCount();
    return recorded;
}

// Each resource's state once the events up to `atMs` have happened.
QList<ResourceState> statesAt(const RunHistory::RecordedRun &recorded, qint64 atMs)
{
    QList<ResourceState> states(recorded.plan.resources.size(), ResourceState::Pending);
    qint64 reached = 0;
    for (const RunEvent &event : recorded.events) {
        reached = std::max(reached, event.timeMs);
        if (reached > atMs)
            break;
        if (event.kind == RunEvent::Kind::StateChanged)
            states[event.resource] = event.state;
    }
    return states;
}

QList<ResourceState> shownStates(const Deployment &deployment)
{
    QList<ResourceState> states;
    for (int r = 0; r < deployment.resourceCount(); ++r)
        states.append(deployment.state(r));
    return states;
}

QStringList logLines(LogModel *model)
{
    model->flush();
    QStringList lines;
    for (int row = 0; row < model->rowCount(); ++row)
        lines.append(model->index(row, 0).data().toString());
    return lines;
}

// When the line `text` was written in the recorded run.
qint64 lineTime(const RunHistory::RecordedRun &recorded, const QString &text)
{
    for (const RunEvent &event : recorded.events) {
        if (event.kind == RunEvent::Kind::Log && event.text.contains(text))
            return event.timeMs;
    }
    return -1;
}

nlohmann::ordered_json reportOf(const QList<std::pair<QString, qint64>> &durations, qint64 makespanMs)
{
    nlohmann::ordered_json resources = nlohmann::ordered_json::array();
    for (const auto &[id, ms] : durations) {
        resources.push_back({{"id", id.toStdString()},
                             {"state", "succeeded"},
                             {"attempts", {{{"number", 1}, {"start_ms", 0}, {"end_ms", ms}, {"outcome", "succeeded"}}}}});
    }
    return {{"duration_ms", makespanMs}, {"outcome", "succeeded"}, {"resources", resources}};
}

} // namespace

class tst_historypane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listShowsRunsNewestFirst();
    void replayShowsTheRunAsItEnded();
    void sliderShowsTheMomentItIsAt();
    void aReplayForecastsNothing();
    void playMovesForward();
    void actionsWaitForTheReplayToClose();
    void comparisonPutsTheCriticalPathFirst();

private:
    // A window that has run the plan once: `recorded` is that run as the history keeps it.
    void runOnce(MainWindow &window, const QTemporaryDir &dir, RunHistory::RecordedRun *recorded);
};

void tst_historypane::initTestCase()
{
    useTestSettings("tst_historypane");
}

void tst_historypane::runOnce(MainWindow &window, const QTemporaryDir &dir, RunHistory::RecordedRun *recorded)
{
    window.history().setPath(QString()); // the runs of tests are not the user's
    QVERIFY(openPlan(window.workspace(), dir));
    Deployment &deployment = window.workspace().deployment();
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    QVERIFY(deployment.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20'000);
    *recorded = recordedFrom(deployment, 12, QStringLiteral("2026-12-04T21:03:00.000Z"));
    QCOMPARE(recorded->run.outcome, QStringLiteral("failed"));
}

void tst_historypane::listShowsRunsNewestFirst()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    Workspace workspace(ExecutorRegistry::builtIn());
    QVERIFY(openPlan(workspace, dir));
    {
        RunHistory history(path);
        const Plan &plan = workspace.deployment().plan();
        const QList<qint64> makespans = {4000, 5200, 3100};
        for (int i = 0; i < makespans.size(); ++i) {
            nlohmann::ordered_json report = reportOf({{QStringLiteral("vpc"), 100}}, makespans[i]);
            report["plan"] = {{"name", "replayed"}, {"file", "replayed.json"}, {"resources", plan.resources.size()}};
            report["settings"] = {{"parallelism", 4 + i}};
            report["started_at"] = QStringLiteral("2026-12-04T2%1:00:00.000Z").arg(i).toStdString();
            report["outcome"] = i == 1 ? "failed" : "succeeded";
            report["fanout_version"] = "test";
            QVERIFY_EXPECTED(history.record(QStringLiteral("run"), report, plan));
        }
        nlohmann::ordered_json other = reportOf({}, 10);
        other["plan"] = {{"name", "another plan"}, {"file", "another.json"}, {"resources", 0}};
        other["settings"] = {{"parallelism", 1}};
        other["started_at"] = "2026-12-04T23:00:00.000Z";
        other["outcome"] = "succeeded";
        other["fanout_version"] = "test";
        Plan another = plan;
        another.name = QStringLiteral("another plan");
        QVERIFY_EXPECTED(history.record(QStringLiteral("run"), other, another));
    }
    HistoryPane pane(workspace);
    QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy read(&pane, &HistoryPane::listRead);
    pane.setHistoryPath(path);
    QTRY_COMPARE(read.size(), 1);
    HistoryModel *model = pane.model();
    QCOMPARE(model->rowCount(), 3); // not the other plan's
    QCOMPARE(model->headerData(HistoryModel::WhenColumn, Qt::Horizontal).toString(), QStringLiteral("When"));
    QCOMPARE(model->headerData(HistoryModel::ResultColumn, Qt::Horizontal).toString(), QStringLiteral("Result"));
    QCOMPARE(model->headerData(HistoryModel::MakespanColumn, Qt::Horizontal).toString(), QStringLiteral("Took"));
    QCOMPARE(model->headerData(HistoryModel::ParallelismColumn, Qt::Horizontal).toString(), QStringLiteral("Parallelism"));
    // Newest first.
    QCOMPARE(model->index(0, HistoryModel::MakespanColumn).data().toString(), QStringLiteral("3.1s"));
    QCOMPARE(model->index(1, HistoryModel::ResultColumn).data().toString(), QStringLiteral("failed"));
    QCOMPARE(model->index(2, HistoryModel::ParallelismColumn).data().toInt(), 4);
    QCOMPARE(model->index(0, 0).data(HistoryModel::MakespanRole).toLongLong(), 3100);
    QVERIFY(model->index(0, 0).data(HistoryModel::RunIdRole).toLongLong() > model->index(1, 0).data(HistoryModel::RunIdRole).toLongLong());
    QCOMPARE(model->index(0, HistoryModel::WhenColumn).data().toString(),
             HistoryModel::whenText(QStringLiteral("2026-12-04T22:00:00.000Z")));
    // The sparkline: oldest on the left.
    QCOMPARE(pane.sparkline()->points().size(), 3);
    QCOMPARE(pane.sparkline()->points().constFirst().valueMs, 4000);
    QVERIFY(!pane.sparkline()->points().at(1).succeeded);
}

void tst_historypane::replayShowsTheRunAsItEnded()
{
    QTemporaryDir dir;
    MainWindow window(MainWindow::Layout::Default);
    RunHistory::RecordedRun recorded;
    runOnce(window, dir, &recorded);
    Deployment &deployment = window.workspace().deployment();
    const QList<ResourceState> final = shownStates(deployment);
    QVERIFY(window.workspace().open(dir.filePath(QStringLiteral("replayed.json")),
                                    window.workspace().read(dir.filePath(QStringLiteral("replayed.json")))));
    QVERIFY(!deployment.hasRun());

    QVERIFY(window.historyPane()->showRecorded(recorded));
    QVERIFY(deployment.isReplaying());
    QVERIFY(!deployment.isRunning());
    QCOMPARE(shownStates(deployment), final);
    QCOMPARE(deployment.elapsedMs(), recorded.run.makespanMs);
    QCOMPARE(deployment.scheduler().startedAt(), QDateTime::fromString(recorded.run.startedAt, Qt::ISODateWithMs)); // the log lines' times
    const TimelineData &timeline = window.timelinePane()->view()->data();
    QVERIFY(timeline.isFinished());
    for (int r = 0; r < deployment.resourceCount(); ++r)
        QCOMPARE(timeline.state(r), final[r]);
    QCOMPARE(timeline.attempts(deployment.plan().indexOf(QStringLiteral("db"))).size(), 2);
    GraphView *graph = window.graphPane()->view();
    QTRY_VERIFY_WITH_TIMEOUT(graph->nodeItem(0) && !graph->isLayingOut(), 30'000);
    for (int r = 0; r < deployment.resourceCount(); ++r)
        QCOMPARE(graph->nodeItem(r)->state(), final[r]);
    QVERIFY(logLines(window.logPanes()->model()).join(QLatin1Char('\n')).contains(QStringLiteral("app deployed")));
    // The banner says what is shown, and that it is read-only.
    QVERIFY(window.replayBar()->isVisibleTo(&window));
    QVERIFY2(window.replayBar()->text().startsWith(QStringLiteral("Replaying run #12 of 4 Dec")), qPrintable(window.replayBar()->text()));
    QVERIFY(window.replayBar()->text().contains(QStringLiteral("read-only")));
    // A replay's end is not a run: nothing is recorded of it.
    QSignalSpy recordedAgain(&window.history(), &HistoryRecorder::recorded);
    window.closeReplayAction()->trigger();
    QVERIFY(!deployment.isReplaying());
    QVERIFY(!deployment.hasRun());
    QVERIFY(!window.replayBar()->isVisibleTo(&window));
    QCOMPARE(recordedAgain.size(), 0);
}

void tst_historypane::sliderShowsTheMomentItIsAt()
{
    QTemporaryDir dir;
    MainWindow window(MainWindow::Layout::Default);
    RunHistory::RecordedRun recorded;
    runOnce(window, dir, &recorded);
    Deployment &deployment = window.workspace().deployment();
    QVERIFY(window.historyPane()->showRecorded(recorded));
    QSlider *slider = window.replayBar()->slider();
    QCOMPARE(qint64(slider->maximum()), window.historyPane()->replay()->durationMs());

    // Just after the vpc's first line: the vpc runs, nothing else has started, one line is shown.
    const qint64 first = lineTime(recorded, QStringLiteral("creating the vpc"));
    const qint64 appLine = lineTime(recorded, QStringLiteral("app deployed"));
    QVERIFY(first >= 0 && appLine > first);
    slider->setValue(int(first));
    QCOMPARE(deployment.elapsedMs(), first);
    QCOMPARE(shownStates(deployment), statesAt(recorded, first));
    QCOMPARE(deployment.state(0), ResourceState::Running);
    QVERIFY(deployment.isRunning()); // the run was going on then
    const QStringList early = logLines(window.logPanes()->model());
    QVERIFY(early.join(QLatin1Char('\n')).contains(QStringLiteral("creating the vpc")));
    QVERIFY(!early.join(QLatin1Char('\n')).contains(QStringLiteral("the vpc is ready")));
    for (int r = 0; r < deployment.resourceCount(); ++r)
        QCOMPARE(window.timelinePane()->view()->data().state(r), statesAt(recorded, first)[r]);

    // Forward, to just before app's line, then back again: each moment as it was.
    for (const qint64 at : {appLine - 1, first + 1, qint64(0), appLine}) {
        slider->setValue(int(at));
        QCOMPARE(deployment.elapsedMs(), at);
        QCOMPARE(shownStates(deployment), statesAt(recorded, at));
        for (int r = 0; r < deployment.resourceCount(); ++r)
            QCOMPARE(window.timelinePane()->view()->data().state(r), statesAt(recorded, at)[r]);
        QCOMPARE(logLines(window.logPanes()->model()).join(QLatin1Char('\n')).contains(QStringLiteral("app deployed")), at >= appLine);
    }
    QVERIFY(window.replayBar()->text().contains(QStringLiteral(" of ")));
}

void tst_historypane::aReplayForecastsNothing()
{
    // A replay shows what happened: moving through it (back to its start counts as the run
    // starting) must not set simulations going beside it on the GUI's two cores.
    QTemporaryDir dir;
    MainWindow window(MainWindow::Layout::Default);
    RunHistory::RecordedRun recorded;
    runOnce(window, dir, &recorded);
    ForecastRunner &forecast = window.forecast();
    QVERIFY(window.workspace().open(dir.filePath(QStringLiteral("replayed.json")),
                                    window.workspace().read(dir.filePath(QStringLiteral("replayed.json")))));
    QTRY_VERIFY_WITH_TIMEOUT(forecast.forecast() && !forecast.isComputing(), 30'000);

    QVERIFY(window.historyPane()->showRecorded(recorded));
    QVERIFY(!forecast.forecast());
    QVERIFY(!forecast.isComputing());
    QVERIFY2(window.forecastPane()->emptyText().contains(QStringLiteral("recorded run")), qPrintable(window.forecastPane()->emptyText()));
    QSignalSpy changed(&forecast, &ForecastRunner::forecastChanged);
    QSignalSpy remaining(&forecast, &ForecastRunner::remainingChanged);
    Replay *replay = window.historyPane()->replay();
    for (const qint64 at : {qint64(0), replay->durationMs() / 2, qint64(0), replay->durationMs()}) {
        replay->seek(at);
        QVERIFY(!forecast.isComputing());
    }
    QTest::qWait(2 * ForecastRunner::kThrottleMs); // past when a run's re-forecast would be due
    QVERIFY(!forecast.isComputing());
    QVERIFY(!forecast.forecast());
    QVERIFY(!forecast.remaining());
    QCOMPARE(changed.size() + remaining.size(), 0);

    // Closed: the open plan is forecast again.
    window.closeReplayAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(forecast.forecast() && !forecast.isComputing(), 30'000);
    QVERIFY(window.forecastPane()->emptyText().isEmpty());
}

void tst_historypane::playMovesForward()
{
    QTemporaryDir dir;
    MainWindow window(MainWindow::Layout::Default);
    RunHistory::RecordedRun recorded;
    runOnce(window, dir, &recorded);
    QVERIFY(window.historyPane()->showRecorded(recorded));
    Replay *replay = window.historyPane()->replay();
    replay->seek(0);
    QCOMPARE(shownStates(window.workspace().deployment()), statesAt(recorded, 0));
    QVERIFY(!isFinal(window.workspace().deployment().state(0)));
    window.replayBar()->speedBox()->setCurrentIndex(0); // 1×
    QCOMPARE(replay->speed(), 1);
    window.replayBar()->playButton()->click();
    QVERIFY(replay->isPlaying());
    QCOMPARE(window.replayBar()->playButton()->text(), QStringLiteral("Pause"));
    QTRY_VERIFY(replay->positionMs() > 30);
    QVERIFY(replay->positionMs() < replay->durationMs());
    window.replayBar()->playButton()->click();
    QVERIFY(!replay->isPlaying());
    // At 60× the rest goes by at once, and play stops at the end, as the run ended.
    replay->setSpeed(60);
    replay->play();
    QTRY_VERIFY(!replay->isPlaying());
    QCOMPARE(replay->positionMs(), replay->durationMs());
    QCOMPARE(window.replayBar()->slider()->value(), int(replay->durationMs()));
    QCOMPARE(shownStates(window.workspace().deployment()), statesAt(recorded, replay->durationMs()));
}

void tst_historypane::actionsWaitForTheReplayToClose()
{
    QTemporaryDir dir;
    MainWindow window(MainWindow::Layout::Default);
    RunHistory::RecordedRun recorded;
    runOnce(window, dir, &recorded);
    RunActions &runs = window.runs();
    Deployment &deployment = window.workspace().deployment();
    QVERIFY(runs.runAllAction()->isEnabled());
    QVERIFY(window.historyPane()->showRecorded(recorded));
    for (const qint64 at : {qint64(0), recorded.run.makespanMs / 2, recorded.run.makespanMs}) {
        window.historyPane()->replay()->seek(at);
        for (QAction *action : {runs.runAction(), runs.runAllAction(), runs.destroyAction(), runs.retryFailedAction(), runs.cancelAction(),
                                runs.replaceSelectedAction(), runs.mappingAction()})
            QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
        QVERIFY(!runs.parallelismBox()->isEnabled());
        QVERIFY(!window.edits().pasteAction()->isEnabled());
        QVERIFY(!window.edits().addResourceAction(QStringLiteral("sim"))->isEnabled());
    }
    QCOMPARE(runs.runAction()->toolTip(), QStringLiteral("A recorded run is shown, read-only: close the replay (Esc) to run the plan"));
    // The engine refuses too, whatever asks.
    QVERIFY(!deployment.startAll());
    QCOMPARE(deployment.retryFailed(), 0);
    QCOMPARE(deployment.planTeardown().outcome, Deployment::Teardown::Outcome::Refused);
    deployment.cancel();
    QVERIFY(deployment.isReplaying());

    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_Escape);
    QVERIFY(!deployment.isReplaying());
    QVERIFY(runs.runAllAction()->isEnabled());
    QVERIFY(runs.parallelismBox()->isEnabled());
    QVERIFY(window.edits().pasteAction()->isEnabled());
    QVERIFY(window.edits().addResourceAction(QStringLiteral("sim"))->isEnabled());
}

void tst_historypane::comparisonPutsTheCriticalPathFirst()
{
    // a -> b -> c, and d on its own. In the newer run b took 200 ms longer and d 300 ms longer;
    // a -> b -> c (500 ms) is the critical path, so b comes first although d changed more.
    Plan plan;
    plan.name = QStringLiteral("compared");
    for (const char *id : {"a", "b", "c", "d"}) {
        Resource resource;
        resource.id = QString::fromLatin1(id);
        resource.type = QStringLiteral("sim");
        plan.resources.append(resource);
    }
    plan.resources[1].dependsOn = {QStringLiteral("a")};
    plan.resources[2].dependsOn = {QStringLiteral("b")};
    RunHistory::RecordedRun older;
    older.run.id = 3;
    older.run.makespanMs = 300;
    older.plan = plan;
    older.report = reportOf({{QStringLiteral("a"), 100}, {QStringLiteral("b"), 100}, {QStringLiteral("c"), 100}, {QStringLiteral("d"), 100}}, 300);
    RunHistory::RecordedRun newer = older;
    newer.run.id = 7;
    newer.run.makespanMs = 500;
    newer.report = reportOf({{QStringLiteral("a"), 100}, {QStringLiteral("b"), 300}, {QStringLiteral("c"), 100}, {QStringLiteral("d"), 400}}, 500);

    Workspace workspace(ExecutorRegistry::builtIn());
    HistoryPane pane(workspace);
    std::unique_ptr<RunComparisonDialog> dialog(pane.compare(newer, older)); // either order: older on the left
    RunComparison *comparison = dialog->comparison();
    QAbstractItemModelTester tester(comparison, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList order;
    for (const RunComparison::Row &row : comparison->rows())
        order.append(row.id);
    QCOMPARE(order, (QStringList{QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("d")}));
    QCOMPARE(comparison->index(0, RunComparison::DifferenceColumn).data().toString(), QStringLiteral("+200ms"));
    QCOMPARE(comparison->index(0, 0).data(RunComparison::DifferenceRole).toLongLong(), 200);
    QVERIFY(comparison->index(0, 0).data(RunComparison::CriticalRole).toBool());
    QVERIFY(!comparison->index(3, 0).data(RunComparison::CriticalRole).toBool());
    QCOMPARE(comparison->index(3, RunComparison::OlderColumn).data().toString(), QStringLiteral("100ms"));
    QCOMPARE(comparison->index(3, RunComparison::NewerColumn).data().toString(), QStringLiteral("400ms"));
    QVERIFY(comparison->headerData(RunComparison::OlderColumn, Qt::Horizontal).toString().startsWith(QStringLiteral("#3")));
    QVERIFY2(dialog->summary().startsWith(QStringLiteral("Run #7 (500ms) took 200ms longer than run #3 (300ms).")), qPrintable(dialog->summary()));
}

QTEST_MAIN(tst_historypane)
#include "tst_historypane.moc"
