// The timeline: a bar per attempt, selection shared with the session, the critical path, the
// running-resources strip, tooltips and menus, driven through a real Workspace running sim plans.
#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "engine/run/targetprogress.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "models/run/timelinedata.h"
#include "ui/timeline/timelinelegend.h"
#include "ui/timeline/timelinepane.h"
#include "ui/timeline/timelineview.h"

#include <QAction>
#include <QFile>
#include <QApplication>
#include <QHelpEvent>
#include <QMenu>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <memory>

using namespace fanout;

namespace {

// a -> b -> d is long, a -> c -> d short; c fails once and is retried after 10ms; e runs beside a
// and takes the second of two slots, so c waits for one.
const char kPlan[] = R"({
  "name": "timeline-test", "parallelism": 2, "seed": 1,
  "resources": [
    {"id": "a", "name": "Network", "type": "sim", "duration": "100ms"},
    {"id": "b", "name": "Database", "type": "sim", "depends_on": ["a"], "duration": "600ms"},
    {"id": "c", "name": "Cache", "type": "sim", "depends_on": ["a"], "duration": "60ms",
     "fail_attempts": 1, "failure_message": "quota exceeded for cache nodes",
     "retry": {"max_attempts": 2, "backoff": {"initial": "10ms"}}},
    {"id": "d", "name": "App", "type": "sim", "depends_on": ["b", "c"], "duration": "100ms"},
    {"id": "e", "name": "Bucket", "type": "sim", "duration": "150ms"}
  ]})";
enum { A, B, C, D, E };

QByteArray manyResources(int count, int parallelism, const QString &duration)
{
    QByteArray text = QStringLiteral(R"({"name": "many", "parallelism": %1, "resources": [)").arg(parallelism).toUtf8();
    for (int i = 0; i < count; ++i) {
        text += QStringLiteral(R"(%1{"id": "r%2", "type": "sim", "duration": "%3"})")
                    .arg(i ? "," : "").arg(i).arg(duration).toUtf8();
    }
    return text + "]}";
}

// The most attempts running at once, from the run's own records: ends before starts at a tie.
int observedMaxRunning(const Deployment &session)
{
    std::vector<std::pair<qint64, int>> deltas;
    for (int r = 0; r < session.resourceCount(); ++r) {
        for (const AttemptRecord &a : session.status(r).attempts) {
            deltas.emplace_back(a.startMs, 1);
            deltas.emplace_back(a.endMs, -1);
        }
    }
    std::sort(deltas.begin(), deltas.end());
    int running = 0;
    int most = 0;
    for (const auto &[time, delta] : deltas) {
        running += delta;
        most = std::max(most, running);
    }
    return most;
}

AttemptRecord attempt(int number, qint64 ready, qint64 start, qint64 end,
                      AttemptRecord::Outcome outcome = AttemptRecord::Outcome::Succeeded)
{
    AttemptRecord record;
    record.number = number;
    record.readyMs = ready;
    record.startMs = start;
    record.endMs = end;
    record.outcome = outcome;
    return record;
}

QColor pixel(QWidget *widget, const QPoint &at)
{
    return widget->grab().toImage().pixelColor(at);
}

} // namespace

class tst_timeline : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void tickStep_data();
    void tickStep();
    void tickLabel_data();
    void tickLabel();
    void criticalPathFunction_data();
    void criticalPathFunction();

    void beforeRunShowsRows();
    void everyAttemptHasABar();
    void failedAttemptLooksFailed();
    void waitingShowsBeforeItsAttempt();
    void clickingSelects();
    void selectionHighlightsRow();
    void selectionScrollsToRow();
    void criticalPathOfRun();
    void stripFollowsRunningAndLimit();
    void limitFollowsParallelismChanges();
    void toolTipNamesAttemptAndError();
    void contextMenuRetriesAndShowsLogs();
    void ctrlWheelZoomsAroundCursor();
    void thousandsOfRows();
    void secondRunStartsOver();
    void legendExplainsEveryNodeMark();
    void targetsAreSwimlanesWithTheirWaves();
    void screenshot();

private:
    void load(const QByteArray &text);
    void runToEnd();

    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<TimelinePane> m_pane;
    TimelineView *m_view = nullptr;
};

void tst_timeline::init()
{
    m_workspace = std::make_unique<Workspace>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<TimelinePane>(*m_workspace);
    m_view = m_pane->view();
    m_pane->resize(1000, 420);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
}

void tst_timeline::cleanup()
{
    if (m_workspace && m_workspace->deployment().isRunning()) {
        QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
        m_workspace->deployment().cancel();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 10000);
    }
    m_pane.reset();
    m_workspace.reset();
    m_view = nullptr;
}

void tst_timeline::load(const QByteArray &text)
{
    const PlanReadResult read = PlanReader::readText(text, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), "the test plan must be valid");
    m_workspace->deployment().open(read.plan, QString(), QString());
}

void tst_timeline::runToEnd()
{
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
}

// --- pure functions --------------------------------------------------------------------------

void tst_timeline::tickStep_data()
{
    QTest::addColumn<double>("msPerPixel");
    QTest::addColumn<qint64>("step");
    // At least 90 px apart.
    QTest::newRow("fine") << 0.01 << qint64(1);
    QTest::newRow("100ms") << 1.0 << qint64(100);
    QTest::newRow("200ms") << 2.0 << qint64(200);
    QTest::newRow("1s") << 10.0 << qint64(1000);
    QTest::newRow("10s") << 100.0 << qint64(10'000);
    QTest::newRow("30s") << 200.0 << qint64(30'000);
    QTest::newRow("2m") << 1000.0 << qint64(120'000);
    QTest::newRow("1h") << 30'000.0 << qint64(3'600'000);
}

void tst_timeline::tickStep()
{
    QFETCH(double, msPerPixel);
    QFETCH(qint64, step);
    QCOMPARE(TimelineView::tickStepMs(msPerPixel, 90), step);
}

void tst_timeline::tickLabel_data()
{
    QTest::addColumn<qint64>("time");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("label");
    QTest::newRow("zero") << qint64(0) << qint64(1000) << "0s";
    QTest::newRow("seconds") << qint64(5000) << qint64(5000) << "5s";
    QTest::newRow("half seconds") << qint64(1500) << qint64(500) << "1.5s";
    QTest::newRow("whole second at a fine step") << qint64(2000) << qint64(500) << "2s";
    QTest::newRow("hundredths") << qint64(250) << qint64(50) << "0.25s";
    QTest::newRow("minute and a half") << qint64(90'000) << qint64(30'000) << "1m 30s";
    QTest::newRow("minutes") << qint64(120'000) << qint64(60'000) << "2m";
    QTest::newRow("hours") << qint64(4'500'000) << qint64(900'000) << "1h 15m";
}

void tst_timeline::tickLabel()
{
    QFETCH(qint64, time);
    QFETCH(qint64, step);
    QFETCH(QString, label);
    QCOMPARE(TimelineView::tickLabel(time, step), label);
}

void tst_timeline::criticalPathFunction_data()
{
    using Outcome = AttemptRecord::Outcome;
    QTest::addColumn<QList<QList<AttemptRecord>>>("attempts");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QList<int>>("path");

    // Plan a, b(a), c(a), d(b, c).
    QTest::newRow("long branch through b")
        << QList<QList<AttemptRecord>>{{attempt(1, 0, 0, 100)}, {attempt(1, 100, 100, 700)},
                                       {attempt(1, 100, 120, 200)}, {attempt(1, 700, 700, 800)}}
        << qint64(800) << QList<int>{A, B, D};
    QTest::newRow("long branch through c")
        << QList<QList<AttemptRecord>>{{attempt(1, 0, 0, 100)}, {attempt(1, 100, 100, 300)},
                                       {attempt(1, 100, 100, 900)}, {attempt(1, 900, 900, 1000)}}
        << qint64(1000) << QList<int>{A, C, D};
    QTest::newRow("a retry makes c the longer branch")
        << QList<QList<AttemptRecord>>{{attempt(1, 0, 0, 100)}, {attempt(1, 100, 100, 500)},
                                       {attempt(1, 100, 100, 400, Outcome::Failed), attempt(2, 410, 410, 600)},
                                       {attempt(1, 600, 600, 650)}}
        << qint64(650) << QList<int>{A, C, D};
    QTest::newRow("still running: attempts in progress end now")
        << QList<QList<AttemptRecord>>{{attempt(1, 0, 0, 100)}, {attempt(1, 100, 100, -1, Outcome::Running)},
                                       {attempt(1, 100, 100, 200)}, {}}
        << qint64(450) << QList<int>{A, B};
    QTest::newRow("nothing ran") << QList<QList<AttemptRecord>>{{}, {}, {}, {}} << qint64(0) << QList<int>{};
}

void tst_timeline::criticalPathFunction()
{
    QFETCH(QList<QList<AttemptRecord>>, attempts);
    QFETCH(qint64, now);
    QFETCH(QList<int>, path);
    const PlanReadResult read = PlanReader::readText(R"({"name": "p", "resources": [
        {"id": "a", "type": "sim"}, {"id": "b", "type": "sim", "depends_on": ["a"]},
        {"id": "c", "type": "sim", "depends_on": ["a"]}, {"id": "d", "type": "sim", "depends_on": ["b", "c"]}]})",
                                                     QString(), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    const PlanGraph graph(read.plan);
    const std::vector<QList<AttemptRecord>> list(attempts.begin(), attempts.end());
    QCOMPARE(TimelineData::criticalPath(graph, list, now), path);
}

// --- the view, on a real run -----------------------------------------------------------------

void tst_timeline::beforeRunShowsRows()
{
    load(kPlan);
    QCOMPARE(m_view->data().rowCount(), 5);
    QVERIFY(!m_view->data().hasRun());
    // Rows are there and can be selected before any run; the plot is empty.
    for (int r = 0; r < 5; ++r) {
        const QRect row = m_view->rowRect(r);
        QVERIFY(m_view->viewport()->rect().contains(row.center()));
        QCOMPARE(m_view->hitTest(QPoint(20, row.center().y())).resource, r);
        QCOMPARE(m_view->hitTest(row.center()).attempt, -1);
        QVERIFY(m_view->toolTipText(r, -1).contains(QStringLiteral("Pending")));
    }
    QVERIFY(m_view->criticalPath().isEmpty());
}

void tst_timeline::everyAttemptHasABar()
{
    load(kPlan);
    runToEnd();
    const QRect viewport = m_view->viewport()->rect();
    for (int r = 0; r < m_workspace->deployment().resourceCount(); ++r) {
        const QList<AttemptRecord> attempts = m_workspace->deployment().status(r).attempts;
        QVERIFY(!attempts.isEmpty());
        QCOMPARE(m_view->data().attempts(r).size(), attempts.size());
        for (int i = 0; i < attempts.size(); ++i) {
            const QRect bar = m_view->attemptRect(r, i);
            QVERIFY2(bar.isValid() && viewport.contains(bar), qPrintable(QStringLiteral("resource %1 attempt %2").arg(r).arg(i)));
            QVERIFY(m_view->rowRect(r).contains(bar));
            const TimelineView::Hit hit = m_view->hitTest(bar.center());
            QCOMPARE(hit.resource, r);
            QCOMPARE(hit.attempt, i);
        }
    }
    // c failed once and was retried: two bars, the second after the first.
    QCOMPARE(m_view->data().attempts(C).size(), 2);
    QCOMPARE(m_view->data().attempts(C)[0].outcome, AttemptRecord::Outcome::Failed);
    QVERIFY(m_view->attemptRect(C, 1).left() >= m_view->attemptRect(C, 0).right() - 1);
    QVERIFY(m_view->data().wasRetried(C, 1));
    // Each row's bars stay in their row.
    QVERIFY(!m_view->rowRect(B).intersects(m_view->attemptRect(C, 0)));
}

void tst_timeline::failedAttemptLooksFailed()
{
    load(kPlan);
    runToEnd();
    // Sampled a little right of centre: away from the attempt number on the left and the outcome
    // glyph on the right.
    const QRect failed = m_view->attemptRect(C, 0);
    const QRect succeeded = m_view->attemptRect(C, 1);
    QVERIFY(failed.width() >= 20);
    const QColor failedColor = pixel(m_view->viewport(), failed.center() + QPoint(3, 0));
    const QColor succeededColor = pixel(m_view->viewport(), succeeded.center() + QPoint(3, 0));
    QCOMPARE(failedColor, StateStyle::fill(ResourceState::Failed));
    QCOMPARE(succeededColor, StateStyle::fill(ResourceState::Succeeded));
    QVERIFY(m_view->toolTipText(C, 0).contains(QStringLiteral("failed")));
    QVERIFY(m_view->toolTipText(C, 1).contains(QStringLiteral("succeeded")));
}

void tst_timeline::waitingShowsBeforeItsAttempt()
{
    // One slot: the second resource waits for the whole first attempt, and shows it while it waits.
    load(R"({"name": "queue", "parallelism": 1, "resources": [
        {"id": "first", "type": "sim", "duration": "1s"},
        {"id": "second", "type": "sim", "duration": "50ms"}]})");
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY(m_view->data().state(0) == ResourceState::Running);
    QTRY_VERIFY(m_view->data().state(1) == ResourceState::Ready);
    QVERIFY(m_view->data().readySinceMs(1) >= 0);
    QVERIFY(m_view->data().attempts(1).isEmpty());
    const QString text = m_view->toolTipText(1, -1);
    QVERIFY2(text.contains(QStringLiteral("Waiting for a free slot")), qPrintable(text));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    // Once started, the wait is part of its attempt's bar.
    QCOMPARE(m_view->data().readySinceMs(1), qint64(-1));
    QVERIFY(m_view->waitRect(1, 0).isValid());
    QVERIFY(m_view->waitRect(1, 0).right() <= m_view->attemptRect(1, 0).left() + 1);
    QVERIFY(m_view->waitRect(1, 0).width() > m_view->attemptRect(1, 0).width());
}

void tst_timeline::clickingSelects()
{
    load(kPlan);
    runToEnd();
    QSignalSpy selection(&m_workspace->selection(), &ResourceSelection::currentChanged);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, m_view->attemptRect(C, 1).center());
    QCOMPARE(m_workspace->selection().current(), int(C));
    QCOMPARE(selection.count(), 1);
    // The label column selects too.
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, QPoint(30, m_view->rowRect(E).center().y()));
    QCOMPARE(m_workspace->selection().current(), int(E));
    // And the keyboard moves the selection.
    QTest::keyClick(m_view, Qt::Key_Up);
    QCOMPARE(m_workspace->selection().current(), int(D));
}

void tst_timeline::selectionHighlightsRow()
{
    load(kPlan);
    runToEnd();
    // A point of d's row left of time 0, where no bar is drawn.
    const QPoint inRow(m_view->plotRect().left() + 4, m_view->rowRect(D).center().y());
    QVERIFY(pixel(m_view->viewport(), inRow) != TimelineView::selectionColor());
    m_workspace->selection().select(D);
    QCOMPARE(pixel(m_view->viewport(), inRow), TimelineView::selectionColor());
    m_workspace->selection().select(A);
    QVERIFY(pixel(m_view->viewport(), inRow) != TimelineView::selectionColor());
}

void tst_timeline::selectionScrollsToRow()
{
    load(manyResources(2000, 10, QStringLiteral("1s")));
    QCOMPARE(m_view->data().rowCount(), 2000);
    const QRect rows = QRect(0, m_view->plotRect().top(), m_view->viewport()->width(), m_view->plotRect().height());
    QVERIFY(!rows.contains(m_view->rowRect(1500)));
    m_workspace->selection().select(1500);
    QVERIFY(rows.contains(m_view->rowRect(1500)));
    QCOMPARE(m_view->hitTest(m_view->rowRect(1500).center()).resource, 1500);
    m_workspace->selection().select(3);
    QVERIFY(rows.contains(m_view->rowRect(3)));
}

void tst_timeline::criticalPathOfRun()
{
    load(kPlan);
    runToEnd();
    QCOMPARE(m_view->criticalPath(), (QList<int>{A, B, D}));
    QVERIFY(m_view->data().isCritical(B));
    QVERIFY(!m_view->data().isCritical(C));
    QVERIFY(!m_view->data().isCritical(E));
    QVERIFY(m_view->toolTipText(B, 0).contains(QStringLiteral("critical path")));
    QVERIFY(!m_view->toolTipText(C, 1).contains(QStringLiteral("critical path")));
}

void tst_timeline::stripFollowsRunningAndLimit()
{
    load(kPlan);
    runToEnd();
    const TimelineData &data = m_view->data();
    QVERIFY(!data.runningSteps().empty());
    QCOMPARE(data.limitSteps().size(), std::size_t(1));
    QCOMPARE(data.limitSteps().front().value, 2);
    QVERIFY(data.maxRunning() <= 2);
    QCOMPARE(data.maxRunning(), observedMaxRunning(m_workspace->deployment()));
    QCOMPARE(data.runningSteps().back().value, 0); // nothing is left running
    for (std::size_t i = 1; i < data.runningSteps().size(); ++i)
        QVERIFY(data.runningSteps()[i - 1].timeMs <= data.runningSteps()[i].timeMs);
}

void tst_timeline::limitFollowsParallelismChanges()
{
    load(manyResources(8, 1, QStringLiteral("80ms")));
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY(!m_view->data().runningSteps().empty());
    m_workspace->deployment().setParallelism(3);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    const std::vector<TimelineStep> &limits = m_view->data().limitSteps();
    QCOMPARE(limits.size(), std::size_t(2));
    QCOMPARE(limits[0].value, 1);
    QCOMPARE(limits[1].value, 3);
    QCOMPARE(m_view->data().maxLimit(), 3);
    QVERIFY(m_view->data().maxRunning() <= 3);
    QCOMPARE(m_view->data().maxRunning(), observedMaxRunning(m_workspace->deployment()));
}

void tst_timeline::toolTipNamesAttemptAndError()
{
    load(kPlan);
    runToEnd();
    const QString text = m_view->toolTipText(C, 0);
    QVERIFY2(text.contains(QStringLiteral("Cache")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Attempt 1 failed")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("quota exceeded for cache nodes")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("retried")), qPrintable(text));
    QVERIFY2(m_view->toolTipText(C, 1).contains(QStringLiteral("Attempt 2 succeeded")), qPrintable(m_view->toolTipText(C, 1)));

    // Hovering the bar shows it.
    const QPoint at = m_view->attemptRect(C, 0).center();
    QHelpEvent help(QEvent::ToolTip, at, m_view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(m_view->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(QStringLiteral("quota exceeded for cache nodes")));
    QToolTip::hideText();
}

void tst_timeline::contextMenuRetriesAndShowsLogs()
{
    load(R"({"name": "fails", "resources": [
        {"id": "ok", "type": "sim", "duration": "20ms"},
        {"id": "flaky", "type": "sim", "duration": "20ms", "fail_attempts": 1}]})");
    runToEnd();
    QCOMPARE(m_workspace->deployment().state(1), ResourceState::Failed);

    std::unique_ptr<QMenu> okMenu(m_view->createContextMenu(0, nullptr));
    QCOMPARE(okMenu->actions().size(), 2);
    QVERIFY(!okMenu->actions()[0]->isEnabled()); // nothing to retry

    QSignalSpy logs(m_pane.get(), &TimelinePane::showLogsRequested);
    std::unique_ptr<QMenu> menu(m_view->createContextMenu(1, nullptr));
    QAction *retry = menu->actions()[0];
    QAction *showLogs = menu->actions()[1];
    QCOMPARE(retry->text(), QStringLiteral("Retry"));
    QCOMPARE(showLogs->text(), QStringLiteral("Show logs"));
    showLogs->trigger();
    QCOMPARE(logs.count(), 1);
    QCOMPARE(logs.first().first().toInt(), 1);

    QVERIFY(retry->isEnabled());
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    retry->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    QCOMPARE(m_workspace->deployment().state(1), ResourceState::Succeeded);
    // The retry's attempt joins the same row, after the failed one.
    QCOMPARE(m_view->data().attempts(1).size(), 2);
    QVERIFY(m_view->attemptRect(1, 1).left() >= m_view->attemptRect(1, 0).right() - 1);
    QVERIFY(!m_view->data().wasRetried(1, 1)); // by hand, not automatically
}

void tst_timeline::ctrlWheelZoomsAroundCursor()
{
    load(kPlan);
    runToEnd();
    QVERIFY(m_view->isFitting());
    const double fitted = m_view->msPerPixel();
    const QRect bar = m_view->attemptRect(B, 0);
    const QPoint at(bar.left() + bar.width() / 3, bar.center().y());
    QWheelEvent zoom(at, m_view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                     Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &zoom);
    QVERIFY(!m_view->isFitting());
    QVERIFY(m_view->msPerPixel() < fitted);
    QVERIFY(!m_pane->fitAction()->isChecked());
    // The time under the cursor stayed there: the bar that was under it still is.
    const TimelineView::Hit hit = m_view->hitTest(at);
    QCOMPARE(hit.resource, int(B));
    QCOMPARE(hit.attempt, 0);
    QVERIFY(m_view->attemptRect(B, 0).width() > bar.width());

    // A plain wheel scrolls rows, not time.
    const double zoomed = m_view->msPerPixel();
    QWheelEvent scroll(at, m_view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                       Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &scroll);
    QCOMPARE(m_view->msPerPixel(), zoomed);

    m_pane->fitAction()->trigger();
    QVERIFY(m_view->isFitting());
    QVERIFY(m_pane->fitAction()->isChecked());
    QCOMPARE(m_view->msPerPixel(), fitted);
}

void tst_timeline::thousandsOfRows()
{
    load(manyResources(2000, 50, QStringLiteral("5ms")));
    runToEnd();
    const TimelineData &data = m_view->data();
    QCOMPARE(data.rowCount(), 2000);
    for (int r = 0; r < 2000; ++r)
        QCOMPARE(data.attempts(r).size(), m_workspace->deployment().status(r).attempts.size());
    QVERIFY(data.maxRunning() <= 50);
    QCOMPARE(data.maxRunning(), observedMaxRunning(m_workspace->deployment()));
    m_workspace->selection().select(1999);
    QCOMPARE(m_view->hitTest(m_view->attemptRect(1999, 0).center()).resource, 1999);
}

void tst_timeline::secondRunStartsOver()
{
    load(kPlan);
    runToEnd();
    m_workspace->deployment().setParallelism(1);
    // Everything is up to date now (the session records what it provisioned): run it all again.
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().startAll());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    // Only the second run's attempts and limit are shown, not both runs' piled up.
    for (int r = 0; r < m_workspace->deployment().resourceCount(); ++r)
        QCOMPARE(m_view->data().attempts(r).size(), m_workspace->deployment().status(r).attempts.size());
    QCOMPARE(m_view->data().limitSteps().size(), std::size_t(1));
    QCOMPARE(m_view->data().limitSteps().front().value, 1);
    QCOMPARE(m_view->data().maxRunning(), 1);
    // One at a time, the longest path first: b runs before c, so c's retry is what d waited for.
    QCOMPARE(m_view->criticalPath(), (QList<int>{A, C, D}));
}

// Not a check: with FANOUT_TIMELINE_PNG=path.png set, saves the pane during and after a run of the
// demo plan, for people to look at.
// The pane's legend is the dashboard's key: besides the bars it explains the marks a graph node
// carries on its top edge, the conditional "if" tag and the pin of a node placed by hand.
void tst_timeline::legendExplainsEveryNodeMark()
{
    auto *legend = m_pane->findChild<TimelineLegend *>();
    QVERIFY(legend);
    QVERIFY(legend->isVisible());
    const QStringList texts = TimelineLegend::entryTexts();
    QVERIFY2(texts.contains(QStringLiteral("Only if its condition holds")), qPrintable(texts.join(QLatin1String(", "))));
    QVERIFY2(texts.contains(QStringLiteral("Placed by hand")), qPrintable(texts.join(QLatin1String(", "))));
    // Every entry has room: the legend is as high as its wrapped lines at the pane's width.
    QVERIFY(legend->height() >= legend->heightForWidth(legend->width()));
}

// resources/plans/regions.json as shipped, durations cut: the rows are swimlanes, one per region
// in the order the rollout admits them (the us-east-1 canary first), folded; a click on a header
// opens it; each wave is marked where it began; regions never started say why.
void tst_timeline::targetsAreSwimlanesWithTheirWaves()
{
    // Without targets, a row per resource in plan order, as before.
    load(kPlan);
    QVERIFY(!m_view->rows().hasLanes());
    QCOMPARE(m_view->rows().count(), m_workspace->deployment().plan().resources.size());
    for (int r = 0; r < m_view->rows().count(); ++r)
        QCOMPARE(m_view->rows().resourceAt(r), r);

    QFile file(QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(file.readAll().toStdString());
    for (auto &resource : document["resources"])
        resource["duration"] = "30ms";
    load(QByteArray::fromStdString(document.dump()));
    const TimelineRows &rows = m_view->rows();
    QVERIFY(rows.hasLanes());
    QCOMPARE(rows.lanes().size(), std::size_t(12));
    QCOMPARE(rows.lanes()[0].target, QStringLiteral("us-east-1")); // the canary
    QCOMPARE(rows.lanes()[0].wave, 0);
    QCOMPARE(rows.lanes()[1].wave, 1);
    QCOMPARE(rows.waveCount(), 2);
    // Shared resources (the DNS zone, the global endpoint), then 12 folded lanes.
    QCOMPARE(rows.count(), 2 + 12);
    const Plan &plan = m_workspace->deployment().plan();
    QVERIFY(plan.resources[rows.resourceAt(0)].target.isEmpty());
    QCOMPARE(rows.laneAt(2), 0);
    QVERIFY(!m_view->rowRect(plan.indexOf(QStringLiteral("app@us-east-1"))).isValid()); // folded

    runToEnd();
    // A click on eu-central-1's header opens it: its six resources under it, then folds it again.
    int lane = -1;
    for (int l = 0; l < int(rows.lanes().size()); ++l)
        lane = rows.lanes()[std::size_t(l)].target == QLatin1String("eu-central-1") ? l : lane;
    QVERIFY(lane >= 0);
    const QRect header = m_view->rowRectAt(rows.rowOfLane(lane));
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, QPoint(12, header.center().y()));
    QVERIFY(!rows.lanes()[std::size_t(lane)].collapsed);
    QCOMPARE(rows.count(), 2 + 12 + 6);
    const int app = plan.indexOf(QStringLiteral("app@eu-central-1"));
    QVERIFY(m_view->rowRect(app).isValid());
    QCOMPARE(m_view->rowRect(app).top(), header.top() + 4 * 20); // vpc, subnet[0], subnet[1], then app
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, QPoint(12, header.center().y()));
    QCOMPARE(rows.count(), 2 + 12);
    // Selecting an instance elsewhere (the graph, the table) opens its lane.
    m_workspace->selection().select(app);
    QVERIFY(m_view->rowRect(app).isValid());

    // What the lanes show: the canary's wave ended before the next began, and five regions
    // were never started.
    int notStarted = 0;
    qint64 canaryEnd = -1;
    qint64 secondBegins = std::numeric_limits<qint64>::max();
    for (const TimelineRows::Lane &l : rows.lanes()) {
        const TargetProgress progress = TargetProgress::of(plan, l.instances, [this](int r) { return m_workspace->deployment().status(r); });
        notStarted += progress.state == TargetProgress::State::NotStarted ? 1 : 0;
        if (l.wave == 0)
            canaryEnd = progress.endMs;
        else if (progress.startMs >= 0)
            secondBegins = std::min(secondBegins, progress.startMs);
    }
    QCOMPARE(notStarted, 5);
    QVERIFY(canaryEnd > 0 && secondBegins >= canaryEnd);
    // A point on the header is the lane's (what a click opens and folds).
    QVERIFY(m_view->hitTest(QPoint(12, header.center().y())).lane == lane);
}

void tst_timeline::screenshot()
{
    const QString path = qEnvironmentVariable("FANOUT_TIMELINE_PNG");
    if (path.isEmpty())
        QSKIP("set FANOUT_TIMELINE_PNG to save pictures of the timeline");
    const PlanReadResult read = PlanReader::readFile(QStringLiteral(":/plans/demo.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    m_workspace->deployment().open(read.plan, QStringLiteral(":/plans/demo.json"), QString());
    m_pane->resize(1100, 720);
    QString base = path;
    base.chop(4);
    QVERIFY(m_pane->grab().save(base + QStringLiteral("-before.png")));
    // A tighter limit than the demo's, raised during the run, so that bars wait for slots and the
    // strip's limit line steps.
    m_workspace->deployment().setParallelism(3);
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTest::qWait(3000);
    m_workspace->deployment().setParallelism(5);
    QTest::qWait(3000);
    m_workspace->selection().select(17);
    QVERIFY(m_pane->grab().save(path));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY(m_pane->grab().save(base + QStringLiteral("-done.png")));
    // The size the main window's dock starts at.
    m_pane->resize(760, 330);
    QVERIFY(m_pane->grab().save(base + QStringLiteral("-dock.png")));
}

QTEST_MAIN(tst_timeline)
#include "tst_timeline.moc"
