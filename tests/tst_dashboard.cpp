// The dashboard as a user drives it: open the demo, run it, find what failed, retry it with the
// same controls a user clicks, and see the run carry on. Runs offscreen.
#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/state/deploymentstate.h"
#include "guitest.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/resourcefiltermodel.h"
#include "models/run/resourcetablemodel.h"
#include "ui/graph/graphfollower.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/inspector/plansummary.h"
#include "ui/logs/logpanes.h"
#include "ui/panes/resourcespane.h"
#include "ui/timeline/timelinepane.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/aboutinfo.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QUrl>
#include <QMessageBox>
#include <QFileInfo>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFontMetrics>
#include <QImage>
#include <QLabel>
#include <QLineF>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTimer>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace fanout;

namespace {

constexpr int kRunTimeoutMs = 60'000;

QString fixtureSource(const char *name)
{
    return QStringLiteral(FANOUT_FIXTURES "/plans/") + QLatin1String(name);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

int attemptCount(const Deployment &session)
{
    int n = 0;
    for (int r = 0; r < session.resourceCount(); ++r)
        n += int(session.status(r).attempts.size());
    return n;
}

int indexOf(const Deployment &session, const char *id)
{
    return session.plan().indexOf(QLatin1String(id));
}

// The row of the Resources table that shows `resource`, as the user sees it (after filter and sort).
QModelIndex tableRow(ResourcesPane *pane, int resource)
{
    return pane->filter()->mapFromSource(pane->model()->index(resource, 0));
}

// A rich text label's text as read.
QString plainText(const QLabel *label)
{
    return label->text().remove(QRegularExpression(QStringLiteral("<[^>]*>")));
}

// Where in `label` the link `href` is, found as a user finds it: moving the mouse over the label
// until it hovers the link. A null point when it never does.
QPoint linkPosition(QLabel *label, const QString &href)
{
    QSignalSpy hovered(label, &QLabel::linkHovered);
    const int step = std::max(2, label->fontMetrics().height() / 2);
    for (int y = step / 2; y < label->height(); y += step) {
        for (int x = 1; x < label->width(); x += 2) {
            QTest::mouseMove(label, QPoint(x, y));
            if (!hovered.isEmpty() && hovered.constLast().constFirst().toString() == href)
                return QPoint(x + 2, y); // a little inside the link
        }
    }
    return {};
}

// How far the node of `resource` is from the middle of the graph's view, in pixels.
qreal distanceFromCentre(GraphView *view, int resource)
{
    const QPointF node = view->mapFromScene(view->nodeItem(resource)->sceneBoundingRect().center());
    return QLineF(node, QPointF(view->viewport()->rect().center())).length();
}

// Whether the node of `resource` is wholly in view and as near the middle as the view can scroll
// (near the graph's edge it cannot be in the very middle): centring it again moves nothing.
bool isCentred(GraphView *view, int resource)
{
    const QRect node = view->mapFromScene(view->nodeItem(resource)->sceneBoundingRect()).boundingRect();
    const QPoint scrolled(view->horizontalScrollBar()->value(), view->verticalScrollBar()->value());
    view->showResource(resource);
    const QPoint again(view->horizontalScrollBar()->value(), view->verticalScrollBar()->value());
    return view->viewport()->rect().contains(node) && (again - scrolled).manhattanLength() <= 1;
}

} // namespace

class tst_Dashboard : public QObject
{
    Q_OBJECT

private slots:
    void helpMenuSaysWhatItRunsOnAndWhereTheDocsAre();
    void initTestCase();
    void init();
    void opensTheDemo();
    void timelineHasRoomAtTheDefaultSize();
    void demoRunFailedResourceRetriedFromTheInspector();
    void retryFailedFromTheToolbar();
    void retryFromTheResourcesTableMenu();
    void failedNameAndTableRowCentreTheGraph();
    void inspectorSummarisesThePlanWhenNothingIsSelected();
    void selectionIsSharedByEveryPane();
    void resourcesTableFiltersByTextAndState();
    void parallelismChangesTheRunningLimit();
    void stopAtFirstFailureIsACheckBox();
    void cancelStopsTheRun();
    void closingDuringARunWaitsWithoutFreezing();
    void closingTwiceStopsAtOnce();
    void planWithErrorsOpensWithItsProblems();
    void layoutIsRestored();
    void runRecordsTheStateAndReopenShowsItUpToDate();
    void changedResourceIsTheOnlyOneRun();
    void replaceSelectedAndRunAllAgain();
    void destroyTearsDownInReverseOrder();
    void unreadableStateFileDisablesRunAndDestroy();
    void demoDestroyForgetsEverything();

private:
    // A copy of a fixture plan in this test's own directory: runs write a state file beside it.
    QString fixture(const char *name);
    // Opens `path` in `window` and runs it to the end.
    void runToTheEnd(MainWindow &window, const QString &path);

    std::unique_ptr<QTemporaryDir> m_dir;
};

QString tst_Dashboard::fixture(const char *name)
{
    const QString path = m_dir->filePath(QLatin1String(name));
    if (!QFile::exists(path)) {
        QFile::copy(fixtureSource(name), path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    }
    return path;
}

void tst_Dashboard::runToTheEnd(MainWindow &window, const QString &path)
{
    QVERIFY(window.files().openPlan(path));
    QSignalSpy finished(&window.workspace().deployment(), &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QVERIFY(window.workspace().deployment().isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
}

void tst_Dashboard::initTestCase()
{
    useTestSettings("tst_dashboard");
}

void tst_Dashboard::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

// Help → About names Fanout's version and those of the libraries it runs on, and the licence;
// Help → Documentation (F1) opens the README (this build's, as nothing is installed).
void tst_Dashboard::helpMenuSaysWhatItRunsOnAndWhereTheDocsAre()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QAction *about = window.findChild<QAction *>(QStringLiteral("AboutAction"));
    QAction *documentation = window.findChild<QAction *>(QStringLiteral("DocumentationAction"));
    QVERIFY(about && documentation);
    QCOMPARE(documentation->shortcut(), QKeySequence(QKeySequence::HelpContents));

    QString shown;
    QTimer::singleShot(0, &window, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (box) {
            shown = box->text();
            box->accept();
        }
    });
    about->trigger();
    for (const QString &expected : {QStringLiteral("Fanout " FANOUT_VERSION), QStringLiteral("Qt 6."), QStringLiteral("Graphviz 2."),
                                    QStringLiteral("yaml-cpp 0."), QStringLiteral("nlohmann/json 3."), QStringLiteral("MIT License")})
        QVERIFY2(shown.contains(expected), qPrintable(QStringLiteral("no \"%1\" in: %2").arg(expected, shown)));

    const QUrl docs = AboutInfo::documentation();
    QVERIFY(docs.isLocalFile());
    QVERIFY(docs.toLocalFile().endsWith(QLatin1String("/README.md")));
    QVERIFY(QFileInfo::exists(docs.toLocalFile()));
    QFile readme(docs.toLocalFile());
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QVERIFY(readme.readLine().startsWith("# Fanout"));
}

void tst_Dashboard::opensTheDemo()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QCOMPARE(window.workspace().deployment().resourceCount(), 30);
    QVERIFY2(window.windowTitle().contains(QLatin1String("demo")), qPrintable(window.windowTitle()));
    QVERIFY2(!window.isWindowModified(), "the demo as opened has no unsaved changes");
    QVERIFY(window.runs().runAction()->isEnabled());
    QVERIFY(!window.runs().cancelAction()->isEnabled());
    QVERIFY(!window.runs().retryFailedAction()->isEnabled());
    QCOMPARE(window.resourcesPane()->view()->model()->rowCount(), 30);
    QTRY_VERIFY_WITH_TIMEOUT(!window.graphPane()->view()->isLayingOut(), 30'000);
    QVERIFY2(window.statusText().contains(QLatin1String("30 resources")), qPrintable(window.statusText()));
    QCOMPARE(window.runs().runAction()->shortcut(), QKeySequence(Qt::Key_F5));
}

namespace {

// How many separate lines of dark ink (text) `rect` of `image` holds, top to bottom.
int inkLines(const QImage &image, const QRect &rect)
{
    int lines = 0;
    bool inLine = false;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        bool ink = false;
        for (int x = rect.left(); x <= rect.right() && !ink; ++x)
            ink = qGray(image.pixel(x, y)) < 150;
        lines += ink && !inLine ? 1 : 0;
        inLine = ink;
    }
    return lines;
}

} // namespace

// At the window's default size the timeline shows the demo's rows readably, and its hint before a
// run is whole, not cut off after its first lines.
void tst_Dashboard::timelineHasRoomAtTheDefaultSize()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    TimelineView *view = window.timelinePane()->view();
    const QRect plot = view->plotRect();
    int whole = 0;
    for (int r = 0; r < window.workspace().deployment().resourceCount(); ++r)
        whole += view->rowRect(r).top() >= plot.top() && view->rowRect(r).bottom() <= plot.bottom() ? 1 : 0;
    QVERIFY2(whole >= 12, qPrintable(QStringLiteral("%1 of 30 rows show").arg(whole)));

    // The hint: a title and its wrapped sentences, every line of them painted.
    const QImage image = view->viewport()->grab().toImage();
    const QString detail = QStringLiteral("Each attempt becomes a bar as it happens: waiting for a slot, running, and how it ended.\n"
                                          "Its longest chain of dependencies is expected to take about 13s.");
    const QFontMetrics metrics(view->font());
    // The hint's column: the plot less its padding (10) and right margin (18), inset by 8 each side.
    const int lines = metrics.boundingRect(QRect(0, 0, plot.width() - 44, 1000), Qt::TextWordWrap, detail).height() / metrics.lineSpacing();
    QVERIFY(lines >= 3);
    QVERIFY2(inkLines(image, plot.adjusted(12, 0, -12, 0)) >= 1 + lines,
             qPrintable(QStringLiteral("%1 lines painted, %2 wanted").arg(inkLines(image, plot.adjusted(12, 0, -12, 0))).arg(1 + lines)));
}

void tst_Dashboard::demoRunFailedResourceRetriedFromTheInspector()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    Deployment &session = window.workspace().deployment();
    QAbstractItemModelTester tableTester(window.resourcesPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(window.resourcesPane()->filter(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QVERIFY(session.isRunning());
    QVERIFY(window.runs().cancelAction()->isEnabled());
    QVERIFY(!window.runs().runAction()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);

    // The demo's CDN fails with no automatic retry; its two dependents are skipped.
    QCOMPARE(session.failedIds(), QStringList{QStringLiteral("cdn")});
    const int cdn = indexOf(session, "cdn");
    const int dns = indexOf(session, "dns-www");
    const int alarm = indexOf(session, "alarm-cdn-5xx");
    QCOMPARE(session.state(dns), ResourceState::Skipped);
    QCOMPARE(session.state(alarm), ResourceState::Skipped);
    QVERIFY(window.runs().retryFailedAction()->isEnabled());
    QVERIFY2(window.statusText().contains(QLatin1String("1 failed")), qPrintable(window.statusText()));

    // Find it as a user would: filter the table to failed resources, click the row.
    ResourcesPane *table = window.resourcesPane();
    table->stateFilter()->setCurrentIndex(table->stateFilter()->findText(QStringLiteral("Failed")));
    QCOMPARE(table->view()->model()->rowCount(), 1);
    const QModelIndex row = table->view()->model()->index(0, 0);
    QCOMPARE(row.data().toString(), QStringLiteral("cdn"));
    QTest::mouseClick(table->view()->viewport(), Qt::LeftButton, {}, table->view()->visualRect(row).center());
    QCOMPARE(window.workspace().selection().current(), cdn);

    // The Inspector now shows it, with Retry enabled; click it.
    QPushButton *retry = window.inspectorPane()->retryButton();
    QVERIFY(retry->isEnabled());
    QTest::mouseClick(retry, Qt::LeftButton);
    QVERIFY(session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);

    QCOMPARE(session.state(cdn), ResourceState::Succeeded);
    QCOMPARE(session.status(cdn).attempts.size(), 2);
    QCOMPARE(session.state(dns), ResourceState::Succeeded);
    QCOMPARE(session.state(alarm), ResourceState::Succeeded);
    QCOMPARE(session.count(ResourceState::Succeeded), 30);
    QVERIFY(!window.runs().retryFailedAction()->isEnabled());
    QVERIFY(!retry->isEnabled());
    // The table's failed filter is now empty; every row is still there without it.
    QCOMPARE(table->view()->model()->rowCount(), 0);
    table->stateFilter()->setCurrentIndex(0);
    QCOMPARE(table->view()->model()->rowCount(), 30);
}

void tst_Dashboard::retryFailedFromTheToolbar()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(fixture("quick-fail.json")));
    Deployment &session = window.workspace().deployment();
    QSignalSpy finished(&session, &Deployment::runFinished);
    QVERIFY(QTest::qWaitForWindowActive(&window)); // shortcuts go to the active window
    QTest::keyClick(&window, Qt::Key_F5); // Run's shortcut
    QVERIFY(session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(session.failedIds(), QStringList{QStringLiteral("cdn")});
    QCOMPARE(session.state(indexOf(session, "alarm")), ResourceState::Skipped);
    QLabel *outcome = window.runs().outcomeLabel();
    QVERIFY(outcome->isVisible());
    QVERIFY2(plainText(outcome).contains(QLatin1String("1 failed (cdn)")), qPrintable(outcome->text()));

    window.runs().retryFailedAction()->trigger();
    QVERIFY(session.isRunning());
    // The last run's outcome is no longer true once the retry starts.
    QVERIFY2(!outcome->isVisible() && outcome->text().isEmpty(), qPrintable(outcome->text()));
    QVERIFY2(window.statusBar()->currentMessage().isEmpty(), qPrintable(window.statusBar()->currentMessage()));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(session.count(ResourceState::Succeeded), session.resourceCount());
}

void tst_Dashboard::retryFromTheResourcesTableMenu()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(fixture("quick-fail.json")));
    Deployment &session = window.workspace().deployment();
    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);

    // Right-click the failed row: the menu's Retry is enabled; pick it.
    QTableView *view = window.resourcesPane()->view();
    const QModelIndex row = tableRow(window.resourcesPane(), indexOf(session, "cdn"));
    bool menuSeen = false;
    QTimer::singleShot(0, this, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        QVERIFY(menu);
        menuSeen = true;
        for (QAction *action : menu->actions()) {
            if (action->text() == QLatin1String("Retry")) {
                QVERIFY(action->isEnabled());
                action->trigger();
            }
        }
        menu->close();
    });
    emit view->customContextMenuRequested(view->visualRect(row).center());
    QVERIFY(menuSeen);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(session.count(ResourceState::Succeeded), session.resourceCount());
}

void tst_Dashboard::failedNameAndTableRowCentreTheGraph()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    runToTheEnd(window, fixture("quick-fail.json"));
    const Deployment &session = window.workspace().deployment();
    GraphView *graph = window.graphPane()->view();
    QTRY_VERIFY_WITH_TIMEOUT(graph->nodeItem(0) && !graph->isLayingOut(), 30'000);
    const int cdn = indexOf(session, "cdn");
    const int app = indexOf(session, "app");
    const auto lookAway = [&] {
        // Zoomed in far from cdn, with nothing selected: the graph must move to show it.
        window.workspace().selection().clear();
        graph->setView(graph->nodeItem(app)->sceneBoundingRect().center(), GraphView::kMaxZoom);
        QVERIFY(distanceFromCentre(graph, cdn) > 100);
    };

    // From the keyboard: Tab reaches the message, Tab again its first name, Enter shows it.
    lookAway();
    window.graphPane()->follower()->setFollowing(true);
    QLabel *outcome = window.runs().outcomeLabel();
    QVERIFY(outcome->isVisible());
    outcome->setFocus(Qt::TabFocusReason);
    QVERIFY(outcome->hasFocus());
    QTest::keyClick(outcome, Qt::Key_Tab);
    QTest::keyClick(outcome, Qt::Key_Return);
    QCOMPARE(window.workspace().selection().current(), cdn);
    QVERIFY(isCentred(graph, cdn));
    QVERIFY(!window.graphPane()->follower()->isFollowing()); // the user chose where to look


    // The status bar names what failed; a click on the name shows it.
    lookAway();
    const QPoint link = linkPosition(outcome, QStringLiteral("cdn"));
    QVERIFY2(!link.isNull(), qPrintable(outcome->text()));
    QTest::mouseClick(outcome, Qt::LeftButton, {}, link);
    QCOMPARE(window.workspace().selection().current(), cdn);
    QVERIFY(isCentred(graph, cdn));

    // A row of the Resources table, activated with Enter or a double-click, is shown too.
    QTableView *table = window.resourcesPane()->view();
    for (const bool doubleClick : {false, true}) {
        lookAway();
        const QRect row = table->visualRect(tableRow(window.resourcesPane(), cdn));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, row.center());
        QCOMPARE(window.workspace().selection().current(), cdn);
        QVERIFY(distanceFromCentre(graph, cdn) > 20); // selecting alone only brings cdn into sight
        if (doubleClick) {
            // As a mouse does it: QTest's double click is the second press alone.
            QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, row.center());
            QTest::mouseRelease(table->viewport(), Qt::LeftButton, {}, row.center());
        } else
            QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(window.workspace().selection().current(), cdn);
        QVERIFY(isCentred(graph, cdn));
    }
}

void tst_Dashboard::inspectorSummarisesThePlanWhenNothingIsSelected()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files().openPlan(fixture("quick-fail.json")));
    const Deployment &session = window.workspace().deployment();
    PlanSummary *summary = window.inspectorPane()->summary();
    QVERIFY(summary->isVisible());
    QVERIFY(!window.inspectorPane()->retryButton()->isVisible()); // the resource's details are not
    const auto says = [summary](const char *text) { return summary->text().contains(QString::fromUtf8(text)); };
    QVERIFY2(says("quick-fail") && says("Pending 6") && says("All 6") && says("Not run yet"), qPrintable(summary->text()));
    // The critical path by the estimates: two chains of 60 ms, the first in plan order.
    const QList<int> path{indexOf(session, "vpc"), indexOf(session, "db"), indexOf(session, "app")};
    QCOMPARE(summary->criticalPath(), path);
    QVERIFY2(says("vpc → db → app") && says("About 60ms on its own: 3 resources"), qPrintable(summary->text()));
    QVERIFY2(says("Up to 4 at once"), qPrintable(summary->text()));

    // A name of the path selects it; the Inspector then shows that resource, and the summary again
    // once nothing is selected.
    QLabel *critical = summary->findChild<QLabel *>(QStringLiteral("CriticalPath"));
    QVERIFY(critical);
    const QPoint db = linkPosition(critical, QString::number(indexOf(session, "db")));
    QVERIFY2(!db.isNull(), qPrintable(critical->text()));
    QTest::mouseClick(critical, Qt::LeftButton, {}, db);
    QCOMPARE(window.workspace().selection().current(), indexOf(session, "db"));
    QVERIFY(!summary->isVisible());
    window.workspace().selection().clear();
    QVERIFY(summary->isVisible());

    // After a run: by state, how it ended, and the peak as the timeline counts it.
    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    const int peak = window.timelinePane()->view()->data().maxRunning();
    QVERIFY(peak >= 2); // db and cdn wait only for vpc
    QVERIFY2(says("Succeeded 3") && says("Failed 1") && says("Skipped 2") && says("Run failed after"), qPrintable(summary->text()));
    QVERIFY2(summary->text().contains(QStringLiteral("At most %1 ran at once; the limit is 4.").arg(peak)), qPrintable(summary->text()));
    QVERIFY2(says("In this run: vpc →"), qPrintable(summary->text()));

    // Live during a run, and after a change of the limit; refreshed a few times a second at most.
    QVERIFY(window.files().openPlan(fixture("slow.json")));
    window.runs().runAction()->trigger();
    QVERIFY(session.isRunning());
    QVERIFY2(says("Run in progress"), qPrintable(summary->text())); // at once when it starts
    QTRY_VERIFY2(summary->text().contains(QLatin1String("2 running now, at most 2 at once so far; the limit is 2.")), qPrintable(summary->text()));
    window.runs().parallelismBox()->setValue(3);
    QTRY_VERIFY2(summary->text().contains(QLatin1String("3 running now, at most 3 at once so far; the limit is 3.")), qPrintable(summary->text()));
    QVERIFY(says("Running 3"));
    window.runs().cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QVERIFY2(says("Run cancelled after") && says("Cancelled"), qPrintable(summary->text()));
}

void tst_Dashboard::selectionIsSharedByEveryPane()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    Deployment &session = window.workspace().deployment();
    const int db = indexOf(session, "db");

    window.workspace().selection().select(db);
    QTableView *view = window.resourcesPane()->view();
    QCOMPARE(view->currentIndex().data(ResourceTableModel::ResourceRole).toInt(), db);
    QVERIFY(window.inspectorPane()->retryButton()->isVisible());
    QVERIFY(!window.inspectorPane()->retryButton()->isEnabled()); // nothing has failed yet

    // Clicking another row selects that resource everywhere.
    const int vpc = indexOf(session, "vpc");
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(tableRow(window.resourcesPane(), vpc)).center());
    QCOMPARE(window.workspace().selection().current(), vpc);

    // Show logs from the table opens that resource's log pane.
    window.showLogs(db);
    QCOMPARE(window.workspace().selection().current(), db);
}

void tst_Dashboard::resourcesTableFiltersByTextAndState()
{
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    ResourcesPane *pane = window.resourcesPane();
    QTest::keyClicks(pane->filterEdit(), QStringLiteral("subnet"));
    const int subnets = pane->view()->model()->rowCount();
    QVERIFY2(subnets == 5, qPrintable(QString::number(subnets))); // four subnets and the DB subnet group
    for (int row = 0; row < subnets; ++row)
        QVERIFY(pane->view()->model()->index(row, 0).data().toString().contains(QLatin1String("subnet")));
    pane->filterEdit()->clear();
    pane->stateFilter()->setCurrentIndex(pane->stateFilter()->findText(QStringLiteral("Waiting")));
    QCOMPARE(pane->view()->model()->rowCount(), 30); // before a run everything waits
    pane->stateFilter()->setCurrentIndex(pane->stateFilter()->findText(QStringLiteral("Succeeded")));
    QCOMPARE(pane->view()->model()->rowCount(), 0);

    // Sorting by state puts rows of the same state together; by id, alphabetically.
    pane->stateFilter()->setCurrentIndex(0);
    pane->view()->sortByColumn(ResourceTableModel::IdColumn, Qt::AscendingOrder);
    QCOMPARE(pane->view()->model()->index(0, 0).data().toString(), QStringLiteral("acm-cert"));
}

void tst_Dashboard::parallelismChangesTheRunningLimit()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(fixture("slow.json")));
    Deployment &session = window.workspace().deployment();
    QCOMPARE(window.runs().parallelismBox()->value(), session.plan().parallelism);
    window.runs().runAction()->trigger();
    QVERIFY(session.isRunning());
    window.runs().parallelismBox()->setValue(1);
    QCOMPARE(session.parallelism(), 1);
    window.runs().parallelismBox()->setValue(7);
    QCOMPARE(session.parallelism(), 7);
    bool recorded = false;
    for (const RunEvent &event : session.journal())
        recorded = recorded || (event.kind == RunEvent::Kind::ParallelismChanged && event.number == 7);
    QVERIFY(recorded);
    window.runs().cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), kRunTimeoutMs);
}

void tst_Dashboard::stopAtFirstFailureIsACheckBox()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    Deployment &session = window.workspace().deployment();
    // In the tool bar it reads as a setting that is on or off, not as a label.
    QCheckBox *box = window.runs().failFastBox();
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QCOMPARE(box->isChecked(), session.failFast());
    const bool before = session.failFast();
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    QCOMPARE(session.failFast(), !before);
    QCOMPARE(window.runs().failFastAction()->isChecked(), !before);
    window.runs().failFastAction()->trigger(); // the Run menu's entry moves the box too
    QCOMPARE(box->isChecked(), before);
    QCOMPARE(session.failFast(), before);
}

void tst_Dashboard::cancelStopsTheRun()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(fixture("slow.json")));
    Deployment &session = window.workspace().deployment();
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(session.count(ResourceState::Running) > 0, kRunTimeoutMs);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F5, Qt::ShiftModifier); // Cancel's shortcut
    QVERIFY(session.isCancelling() || !session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), kRunTimeoutMs);
    QVERIFY(session.count(ResourceState::Cancelled) > 0);
    QVERIFY(window.runs().runAction()->isEnabled());
    QVERIFY(!window.runs().cancelAction()->isEnabled());
}

void tst_Dashboard::closingDuringARunWaitsWithoutFreezing()
{
    // A command that ignores SIGTERM keeps its whole grace period.
    const QString path = m_dir->filePath(QStringLiteral("stubborn.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "stubborn", "resources": [
            {"id": "stubborn", "type": "command", "shell": true, "command": "trap '' TERM; sleep 5", "grace": "1500ms"},
            {"id": "later", "type": "sim", "depends_on": ["stubborn"]}]})");
    }
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(path));
    int asked = 0;
    window.setQuitPrompt([&asked](MainWindow::QuitQuestion question) {
        ++asked;
        return question == MainWindow::QuitQuestion::CancelRun;
    });
    Deployment &session = window.workspace().deployment();
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(session.count(ResourceState::Running) == 1, kRunTimeoutMs);
    QTest::qWait(300); // for the shell to set its trap

    QVERIFY(!window.close()); // not yet: the run stops first
    QCOMPARE(asked, 1);
    QVERIFY(window.isVisible());
    QVERIFY(window.isQuitting());
    QVERIFY(session.isCancelling());
    // The window answers while the command has its grace period.
    bool answeredDuringTheGrace = false;
    QTimer::singleShot(200, &window, [&] { answeredDuringTheGrace = session.isRunning(); });
    QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), kRunTimeoutMs);
    QVERIFY(answeredDuringTheGrace);
    QCOMPARE(asked, 1); // asked once
    QVERIFY(!session.isRunning());
    QCOMPARE(session.count(ResourceState::Cancelled), 2);
}

void tst_Dashboard::closingTwiceStopsAtOnce()
{
    const QString path = m_dir->filePath(QStringLiteral("very-stubborn.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "very-stubborn", "resources": [
            {"id": "stubborn", "type": "command", "shell": true, "command": "trap '' TERM; sleep 60", "grace": "10m"}]})");
    }
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(path));
    QList<MainWindow::QuitQuestion> asked;
    window.setQuitPrompt([&asked](MainWindow::QuitQuestion question) {
        asked.append(question);
        return true;
    });
    Deployment &session = window.workspace().deployment();
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(session.count(ResourceState::Running) == 1, kRunTimeoutMs);
    QTest::qWait(300); // for the shell to set its trap
    QVERIFY(!window.close());
    QTest::qWait(300);
    QVERIFY2(session.isRunning(), "a ten-minute grace period has begun");
    QVERIFY(!window.close()); // again: stop at once
    QCOMPARE(asked, (QList<MainWindow::QuitQuestion>{MainWindow::QuitQuestion::CancelRun, MainWindow::QuitQuestion::StopAtOnce}));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 10'000);
    QCOMPARE(session.count(ResourceState::Cancelled), 1);
}

void tst_Dashboard::planWithErrorsOpensWithItsProblems()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QTRY_VERIFY(window.problemsDock()->visibleRegion().isEmpty()); // Logs is in front of it by default

    // Opened as far as it reads, with the Problems tab in front listing what to fix.
    const QString invalid = fixture("invalid.json");
    QVERIFY_EXPECTED(window.files().openPlan(invalid));
    const Deployment &session = window.workspace().deployment();
    QCOMPARE(resourceIds(session.plan()), (QStringList{"vpc", "db", "web"}));
    QVERIFY(window.workspace().document().hasErrors());
    QTRY_VERIFY(!window.problemsDock()->visibleRegion().isEmpty());
    QVERIFY2(window.problemsDock()->windowTitle() == QLatin1String("Problems (5)"), qPrintable(window.problemsDock()->windowTitle()));
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("5 errors")), qPrintable(window.statusBar()->currentMessage()));
    QVERIFY2(window.statusText().contains(QLatin1String("to fix before it can run")), qPrintable(window.statusText()));
    // It cannot run, nor tear down, and says why.
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY(!window.runs().runAllAction()->isEnabled());
    QVERIFY(!window.runs().destroyAction()->isEnabled());
    QVERIFY2(window.runs().runAction()->toolTip().contains(QLatin1String("fix them first")), qPrintable(window.runs().runAction()->toolTip()));
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(!session.isRunning());

    // Its resources' errors fixed in the designer, it can run.
    QVERIFY(writeAll(invalid, readAll(invalid).replace("\"parallelism\": 0", "\"parallelism\": 4")));
    QVERIFY_EXPECTED(window.files().openPlan(invalid));
    PlanDocument &document = window.workspace().document();
    QCOMPARE(errorCount(document.diagnostics()), 4);
    nlohmann::ordered_json resources = document.document()["resources"];
    resources[1]["depends_on"] = {"vpc"};
    resources[1]["timeout"] = "5m";
    resources[2]["type"] = "sim";
    resources[2].erase("dependson");
    QVERIFY_EXPECTED(document.changeResource(QStringLiteral("db"), resources[1], QStringLiteral("Fix db")));
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY_EXPECTED(document.changeResource(QStringLiteral("web"), resources[2], QStringLiteral("Fix web")));
    QVERIFY(!document.hasErrors());
    QVERIFY(window.runs().runAction()->isEnabled());
    QCOMPARE(session.graph().dependencies(indexOf(session, "db")), std::vector<int>{indexOf(session, "vpc")});
    QVERIFY2(!window.statusText().contains(QLatin1String("to fix")), qPrintable(window.statusText()));

    // A file that is not JSON at all has nothing to show: it is refused, the plan open stays.
    const QString broken = m_dir->filePath(QStringLiteral("broken.json"));
    QVERIFY(writeAll(broken, "{\"name\": "));
    QString problems = window.files().openPlan(broken).error();
    QVERIFY2(problems.contains(QLatin1String("broken.json:")) && problems.contains(QLatin1String("not valid JSON")), qPrintable(problems));
    QCOMPARE(resourceIds(session.plan()), (QStringList{"vpc", "db", "web"}));
    problems = window.files().openPlan(QStringLiteral("/nonexistent/plan.json")).error();
    QVERIFY2(problems.contains(QLatin1String("cannot open")), qPrintable(problems));
}

void tst_Dashboard::layoutIsRestored()
{
    {
        MainWindow window(MainWindow::Layout::Restore);
        window.show();
        auto *logs = window.findChild<QDockWidget *>(QStringLiteral("LogsDock"));
        QVERIFY(logs && logs->isVisible());
        logs->toggleViewAction()->trigger(); // View > Logs: hide it
        QVERIFY(!logs->isVisible());
        QVERIFY(window.close());
    }
    MainWindow window(MainWindow::Layout::Restore);
    window.show();
    auto *logs = window.findChild<QDockWidget *>(QStringLiteral("LogsDock"));
    QVERIFY(!logs->isVisible());
    auto *timeline = window.findChild<QDockWidget *>(QStringLiteral("TimelineDock"));
    QVERIFY(timeline->isVisible());
}

void tst_Dashboard::runRecordsTheStateAndReopenShowsItUpToDate()
{
    const QString plan = fixture("state-sim.json");
    const QString statePath = DeploymentState::defaultPath(plan);
    QVERIFY(statePath.endsWith(QLatin1String("state-sim.fanout-state.json")));
    {
        MainWindow window(MainWindow::Layout::Default);
        QVERIFY(window.files().openPlan(plan));
        QVERIFY2(window.statusText().contains(QLatin1String("5 to create, 0 to replace, 0 up to date")), qPrintable(window.statusText()));
        QVERIFY(!window.runs().destroyAction()->isEnabled()); // nothing recorded yet
        runToTheEnd(window, plan);
        QCOMPARE(window.workspace().deployment().count(ResourceState::Succeeded), 5);
        QVERIFY(window.runs().destroyAction()->isEnabled());
    }
    const DeploymentState::ReadResult read = DeploymentState::read(statePath);
    QVERIFY(read.existed && !read.hasErrors());
    QCOMPARE(read.state.ids(), (QStringList{"db", "dns", "subnet-a", "subnet-b", "vpc"}));

    // Opened again: every pane sees them provisioned before any run.
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(plan));
    Deployment &session = window.workspace().deployment();
    QVERIFY(!session.hasRun());
    for (int r = 0; r < session.resourceCount(); ++r) {
        QCOMPARE(session.state(r), ResourceState::Succeeded);
        QVERIFY2(session.status(r).reason.startsWith(QLatin1String("up to date")), qPrintable(session.status(r).reason));
    }
    QCOMPARE(session.count(ResourceState::Succeeded), 5);
    QCOMPARE(session.count(ResourceState::Pending), 0);
    QVERIFY2(window.statusText().contains(QLatin1String("0 to create, 0 to replace, 5 up to date")), qPrintable(window.statusText()));
    const QModelIndex row = tableRow(window.resourcesPane(), indexOf(session, "db"));
    QCOMPARE(row.data(ResourceTableModel::StateRole).toInt(), int(ResourceState::Succeeded));

    // Nothing to do: Run says so instead of starting.
    window.runs().runAction()->trigger();
    QVERIFY(!session.isRunning());
    QVERIFY(!session.hasRun());
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("up to date")), qPrintable(window.statusBar()->currentMessage()));
}

void tst_Dashboard::changedResourceIsTheOnlyOneRun()
{
    const QString plan = fixture("state-sim.json");
    {
        MainWindow window(MainWindow::Layout::Default);
        runToTheEnd(window, plan);
    }
    QByteArray text = readAll(plan);
    QVERIFY(text.contains("\"duration\": \"80ms\""));
    text.replace("\"duration\": \"80ms\"", "\"duration\": \"90ms\""); // db's
    QVERIFY(writeAll(plan, text));

    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(plan));
    Deployment &session = window.workspace().deployment();
    const int db = indexOf(session, "db");
    for (int r = 0; r < session.resourceCount(); ++r)
        QCOMPARE(session.state(r), r == db ? ResourceState::Pending : ResourceState::Succeeded);
    QVERIFY2(window.statusText().contains(QLatin1String("0 to create, 1 to replace, 4 up to date")), qPrintable(window.statusText()));

    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QVERIFY(session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(session.count(ResourceState::Succeeded), 5);
    QCOMPARE(session.status(db).attempts.size(), 1);
    QCOMPARE(attemptCount(session), 1); // the others were up to date
    // The state now has db's new definition: nothing left to do.
    QCOMPARE(session.provisioning().toRun(), 0);

    // Changed again in the designer, in the same window: db is to be replaced, and only db.
    PlanDocument &document = window.workspace().document();
    nlohmann::ordered_json changed = document.document()["resources"][db];
    changed["duration"] = "100ms";
    QVERIFY_EXPECTED(document.changeResource(QStringLiteral("db"), changed, QStringLiteral("Slower db")));
    QCOMPARE(session.provisioning().changed, 1);
    QCOMPARE(session.provisioning().toRun(), 1);
    QVERIFY(!session.provisioning().isUpToDate(db));
}

void tst_Dashboard::replaceSelectedAndRunAllAgain()
{
    const QString plan = fixture("state-sim.json");
    {
        MainWindow window(MainWindow::Layout::Default);
        runToTheEnd(window, plan);
    }
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(plan));
    Deployment &session = window.workspace().deployment();
    QVERIFY(!window.runs().replaceSelectedAction()->isEnabled()); // nothing selected
    const int subnet = indexOf(session, "subnet-a");
    window.workspace().selection().select(subnet);
    QVERIFY(window.runs().replaceSelectedAction()->isEnabled());

    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().replaceSelectedAction()->trigger();
    QVERIFY(session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(session.status(subnet).attempts.size(), 1);
    QCOMPARE(attemptCount(session), 1);

    window.runs().runAllAction()->trigger();
    QVERIFY(session.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(attemptCount(session), session.resourceCount());
}

void tst_Dashboard::destroyTearsDownInReverseOrder()
{
    const QString plan = fixture("state-sim.json");
    const QString statePath = DeploymentState::defaultPath(plan);
    {
        MainWindow window(MainWindow::Layout::Default);
        runToTheEnd(window, plan);
    }
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(plan));
    Deployment &session = window.workspace().deployment();
    QSignalSpy finished(&session, &Deployment::runFinished);
    QVERIFY(window.runs().destroyAction()->isEnabled());
    QVERIFY(window.runs().destroyDeployment(false));
    QVERIFY(session.isTeardown());
    QVERIFY2(window.windowTitle().contains(QLatin1String("(teardown)")), qPrintable(window.windowTitle()));
    // dns has no destroy action: only forgotten, and said so.
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("dns")), qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(session.resourceCount(), 4);
    QCOMPARE(indexOf(session, "dns"), -1);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(session.count(ResourceState::Succeeded), 4);

    // Reverse dependency order: nothing is torn down before what depended on it is gone.
    auto attempt = [&](const char *id) { return session.status(indexOf(session, id)).attempts.constFirst(); };
    QVERIFY(attempt("subnet-a").startMs >= attempt("db").endMs);
    QVERIFY(attempt("subnet-b").startMs >= attempt("db").endMs);
    QVERIFY(attempt("vpc").startMs >= attempt("subnet-a").endMs);
    QVERIFY(attempt("vpc").startMs >= attempt("subnet-b").endMs);

    QVERIFY(session.waitForState()); // the snapshot is written in the background after the run's end
    const DeploymentState::ReadResult read = DeploymentState::read(statePath);
    QVERIFY(!read.hasErrors());
    QVERIFY(read.state.isEmpty());
    QVERIFY(!window.runs().destroyAction()->isEnabled());

    // Run brings the plan back, everything to create.
    window.runs().runAction()->trigger();
    QVERIFY(!session.isTeardown());
    QVERIFY(session.isRunning());
    QCOMPARE(session.resourceCount(), 5);
    QVERIFY(!window.windowTitle().contains(QLatin1String("(teardown)")));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(attemptCount(session), 5);
}

void tst_Dashboard::unreadableStateFileDisablesRunAndDestroy()
{
    const QString plan = fixture("state-sim.json");
    QVERIFY(writeAll(DeploymentState::defaultPath(plan), "{\n  \"format_version\": 1,\n  oops\n}\n"));
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(plan));
    QCOMPARE(window.workspace().deployment().resourceCount(), 5);
    QVERIFY(!window.workspace().deployment().isStateReadable());
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY(!window.runs().runAllAction()->isEnabled());
    QVERIFY(!window.runs().destroyAction()->isEnabled());
    QVERIFY(!window.runs().destroyDeployment(false));
    const QRegularExpression place(QStringLiteral("state-sim\\.fanout-state\\.json:\\d+:\\d+"));
    QVERIFY2(window.runs().runAction()->toolTip().contains(place), qPrintable(window.runs().runAction()->toolTip()));
    QVERIFY2(window.statusBar()->currentMessage().contains(place), qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(!window.workspace().deployment().start());
}

void tst_Dashboard::demoDestroyForgetsEverything()
{
    MainWindow window(MainWindow::Layout::Default);
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    Deployment &session = window.workspace().deployment();
    QVERIFY(session.statePath().isEmpty());
    QSignalSpy finished(&session, &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    // What succeeded is recorded, in memory only.
    QVERIFY(session.count(ResourceState::Succeeded) > 0);
    QCOMPARE(session.deploymentState().size(), session.count(ResourceState::Succeeded));
    QVERIFY(window.runs().destroyAction()->isEnabled());
    // The demo's resources have no destroy actions: they are only forgotten.
    QVERIFY(!window.runs().destroyDeployment(false));
    QVERIFY(session.deploymentState().isEmpty());
    QVERIFY(!session.isTeardown());
    QCOMPARE(session.count(ResourceState::Pending), 30);
    QVERIFY(!window.runs().destroyAction()->isEnabled());
    QVERIFY(window.runs().runAction()->isEnabled());
}

QTEST_MAIN(tst_Dashboard)
#include "tst_dashboard.moc"
