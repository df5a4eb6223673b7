// The Graph pane: one node per resource, live states, the shared selection, the context menu's
// retry, zoom keys and export, driven through the real widgets (offscreen).
#include "bench/infrashapes.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphfollower.h"
#include "ui/graph/graphminimap.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"
#include "ui/graph/nodemover.h"
#include "tests/expect.h"

#include <QApplication>
#include <QHelpEvent>
#include <QImage>
#include <QLineF>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTest>
#include <QToolTip>

#include <functional>
#include <memory>

using namespace fanout;

namespace {

constexpr int kLayoutTimeoutMs = 30'000;

// "base" succeeds; "flaky" fails its only attempt (no automatic retry), so "after" is skipped
// until flaky is retried by hand; "slow" takes long enough to be seen running.
const char *kRetryPlan = R"({
  "name": "graph-retry",
  "parallelism": 4,
  "resources": [
    {"id": "base", "type": "sim", "duration": "50ms"},
    {"id": "flaky", "name": "Flaky thing", "type": "sim", "depends_on": ["base"], "duration": "50ms",
     "fail_attempts": 1, "failure_message": "simulated outage"},
    {"id": "after", "type": "sim", "depends_on": ["flaky"], "duration": "50ms"},
    {"id": "lonely", "type": "sim", "duration": "50ms"}
  ]
})";

const char *kSlowPlan = R"({
  "name": "graph-slow",
  "resources": [
    {"id": "slow", "type": "sim", "duration": "30s", "estimate": "30s"}
  ]
})";

Plan readPlan(const QByteArray &text)
{
    const PlanReadResult read = PlanReader::readText(text, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    FANOUT_EXPECT(!read.hasErrors());
    return read.plan;
}

QAction *actionNamed(QMenu *menu, const QString &text)
{
    const QList<QAction *> actions = menu->actions();
    for (QAction *action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

} // namespace

class tst_graphview : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void oneNodePerResource();
    void selectionFadesUnrelated();
    void clickSelects();
    void doubleClickAsksForLogs();
    void findSelectsAndCentres();
    void contextMenuRetry();
    void runningNodeShowsProgress();
    void zoomKeys();
    void exportPngAndSvg();
    void newPlanReplacesGraph();
    void editKeepsTheView_data();
    void editKeepsTheView();
    void propertyEditNeedsNoLayout();
    void pinnedNodesDrawnWhereSaved();
    void opensReadable();
    void followsTheRunAndNoticesFailures();
    void followerZoomsTheQuickWay();
    void minimapShowsTheWholeAndPans();
    void minimapDrawsItsPictureForStatesNotMoves();
    void structuralEditKeepsThePictureAndMoves();
    void edgesAreDrawnPlainOrStandingOut();
    void cachedEdgesMatchAFreshDrawing();
    void zoomingDrawsQuicklyThenSmoothly();

private:
    void showDemo();
    // `also`: what else must hold there.
    GraphEdgeItem *edgeClearOfNodes(QPointF carried, QPoint *middle, const std::function<bool(QPoint)> &also = {});

    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<GraphPane> m_pane;
    Plan m_demo;
};

void tst_graphview::init()
{
    m_workspace = std::make_unique<Workspace>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<GraphPane>(*m_workspace);
    m_pane->resize(1280, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    const PlanReadResult read = PlanReader::readFile(QStringLiteral(":/plans/demo.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    m_demo = read.plan;
}

void tst_graphview::cleanup()
{
    if (m_workspace->deployment().isRunning()) {
        m_workspace->deployment().cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->deployment().isRunning(), 10'000);
    }
    m_pane.reset();
    m_workspace.reset();
}

void tst_graphview::showDemo()
{
    m_workspace->deployment().open(m_demo, QString(), QString());
    QVERIFY(m_pane->view()->isLayingOut());
    QTRY_VERIFY_WITH_TIMEOUT(!m_pane->view()->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY2(m_pane->view()->layoutError().isEmpty(), qPrintable(m_pane->view()->layoutError()));
}

// A plain, shown edge whose middle is on screen and clear of every node, there and `carried`
// further; `middle` is where, in the viewport.
GraphEdgeItem *tst_graphview::edgeClearOfNodes(QPointF carried, QPoint *middle, const std::function<bool(QPoint)> &also)
{
    GraphView *view = m_pane->view();
    GraphScene *scene = view->graphScene();
    const auto clearAt = [&](QPointF at) {
        return view->viewport()->rect().adjusted(4, 4, -4, -4).contains(view->mapFromScene(at))
            && std::none_of(scene->nodeItems().cbegin(), scene->nodeItems().cend(), [&](const GraphNodeItem *node) {
                   return node->sceneBoundingRect().adjusted(-6, -6, 6, 6).contains(at);
               });
    };
    for (GraphEdgeItem *candidate : scene->edgeItems()) {
        const QPointF at = candidate->path().pointAtPercent(0.5);
        if (candidate->isVisible() && candidate->isPlain() && clearAt(at) && clearAt(at + carried)
            && (!also || also(view->mapFromScene(at)))) {
            *middle = view->mapFromScene(at);
            return candidate;
        }
    }
    return nullptr;
}

void tst_graphview::oneNodePerResource()
{
    showDemo();
    GraphScene *scene = m_pane->view()->graphScene();
    QCOMPARE(scene->nodeItems().size(), m_demo.resources.size());
    int nodes = 0;
    int edges = 0;
    int groups = 0;
    const QList<QGraphicsItem *> items = scene->items();
    for (const QGraphicsItem *item : items) {
        nodes += item->type() == GraphNodeItem::Type;
        edges += item->type() == GraphEdgeItem::Type;
        groups += item->type() == GraphGroupItem::Type;
    }
    QCOMPARE(nodes, m_demo.resources.size());
    QCOMPARE(groups, m_demo.groups.size());
    int dependencies = 0;
    for (const Resource &resource : std::as_const(m_demo.resources))
        dependencies += int(resource.dependsOn.size());
    QCOMPARE(edges, dependencies);
    for (int r = 0; r < m_demo.resources.size(); ++r) {
        const GraphNodeItem *node = m_pane->view()->nodeItem(r);
        QVERIFY(node);
        QCOMPARE(node->resource(), r);
        QCOMPARE(node->state(), ResourceState::Pending);
        QVERIFY(!m_pane->view()->isFaded(r));
    }
    // Opened readable: at least 80% or the whole graph.
    QVERIFY(m_pane->view()->zoom() >= 0.8 - 1e-9
            || m_pane->view()->mapFromScene(scene->sceneRect()).boundingRect().width() <= m_pane->view()->viewport()->width());
}

void tst_graphview::selectionFadesUnrelated()
{
    showDemo();
    GraphView *view = m_pane->view();
    const int db = m_demo.indexOf(QStringLiteral("db"));
    const int vpc = m_demo.indexOf(QStringLiteral("vpc"));           // upstream of db
    const int appA = m_demo.indexOf(QStringLiteral("app-a"));        // downstream of db
    const int dnsApi = m_demo.indexOf(QStringLiteral("dns-api"));    // further downstream
    const int s3 = m_demo.indexOf(QStringLiteral("s3-assets"));      // unrelated
    const int cert = m_demo.indexOf(QStringLiteral("acm-cert"));     // unrelated
    m_workspace->selection().select(db);
    QVERIFY(view->nodeItem(db)->isSelected());
    QVERIFY(!view->isFaded(db));
    QVERIFY(!view->isFaded(vpc));
    QVERIFY(!view->isFaded(appA));
    QVERIFY(!view->isFaded(dnsApi));
    QVERIFY(view->isFaded(s3));
    QVERIFY(view->isFaded(cert));
    QVERIFY(!view->nodeItem(vpc)->isSelected());
    // Edges on db's paths stand out; others fade.
    for (const GraphEdgeItem *edge : view->graphScene()->edgeItems()) {
        if (edge->from() == db || edge->to() == db)
            QVERIFY(edge->isEmphasised() && edge->opacity() == 1.0);
        if (edge->from() == cert || edge->to() == s3)
            QVERIFY(!edge->isEmphasised() && edge->opacity() < 1.0);
    }
    // The selected node is scrolled into view.
    QVERIFY(view->viewport()->rect().intersects(view->mapFromScene(view->nodeItem(db)->rect()).boundingRect()));

    m_workspace->selection().select(-1);
    for (int r = 0; r < m_demo.resources.size(); ++r) {
        QVERIFY(!view->isFaded(r));
        QVERIFY(!view->nodeItem(r)->isSelected());
    }
}

void tst_graphview::clickSelects()
{
    showDemo();
    GraphView *view = m_pane->view();
    const int cache = m_demo.indexOf(QStringLiteral("cache"));
    view->showResource(cache);
    const QPoint at = view->mapFromScene(view->nodeItem(cache)->rect().center());
    QVERIFY(view->viewport()->rect().contains(at));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(m_workspace->selection().current(), cache);
    QVERIFY(view->nodeItem(cache)->isSelected());

    // A click on the background clears the selection.
    QPoint empty;
    bool found = false;
    for (int y = 5; y < view->viewport()->height() && !found; y += 10) {
        for (int x = 5; x < view->viewport()->width() && !found; x += 10) {
            if (view->items(QPoint(x, y)).isEmpty()) {
                empty = QPoint(x, y);
                found = true;
            }
        }
    }
    QVERIFY(found);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, empty);
    QCOMPARE(m_workspace->selection().current(), -1);
    QVERIFY(!view->nodeItem(cache)->isSelected());
}

void tst_graphview::doubleClickAsksForLogs()
{
    showDemo();
    GraphView *view = m_pane->view();
    QSignalSpy spy(m_pane.get(), &GraphPane::showLogsRequested);
    const int igw = m_demo.indexOf(QStringLiteral("igw"));
    view->showResource(igw);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(view->nodeItem(igw)->rect().center()));
    QVERIFY(!spy.isEmpty());
    QCOMPARE(spy.last().at(0).toInt(), igw);
}

void tst_graphview::findSelectsAndCentres()
{
    showDemo();
    QLineEdit *search = m_pane->searchField();
    QCOMPARE(search->placeholderText(), QStringLiteral("Find resource…"));
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("elasticache")); // part of the name, any case
    QTest::keyClick(search, Qt::Key_Return);
    const int cache = m_demo.indexOf(QStringLiteral("cache"));
    QCOMPARE(m_workspace->selection().current(), cache);
    GraphView *view = m_pane->view();
    const QPoint centre = view->mapFromScene(view->nodeItem(cache)->rect().center());
    QVERIFY(view->viewport()->rect().contains(centre));

    // Enter again steps to the next match; ids match too.
    QCOMPARE(m_pane->find(QStringLiteral("subnet-public")), m_demo.indexOf(QStringLiteral("subnet-public-a")));
    QCOMPARE(m_pane->find(QStringLiteral("subnet-public")), m_demo.indexOf(QStringLiteral("subnet-public-b")));
    QCOMPARE(m_pane->find(QStringLiteral("no such thing")), -1);
    QCOMPARE(m_workspace->selection().current(), m_demo.indexOf(QStringLiteral("subnet-public-b")));
}

void tst_graphview::contextMenuRetry()
{
    const Plan plan = readPlan(kRetryPlan);
    m_workspace->deployment().open(plan, QString(), QString());
    GraphView *view = m_pane->view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    const int base = plan.indexOf(QStringLiteral("base"));
    const int flaky = plan.indexOf(QStringLiteral("flaky"));
    const int after = plan.indexOf(QStringLiteral("after"));

    // Before a run there is nothing to retry.
    std::unique_ptr<QMenu> before(view->createContextMenu(flaky));
    QVERIFY(actionNamed(before.get(), QStringLiteral("Retry")));
    QVERIFY(!actionNamed(before.get(), QStringLiteral("Retry"))->isEnabled());

    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 20'000);
    QCOMPARE(m_workspace->deployment().state(flaky), ResourceState::Failed);
    QCOMPARE(m_workspace->deployment().state(after), ResourceState::Skipped);
    // The nodes show it.
    QTRY_COMPARE(view->nodeItem(flaky)->state(), ResourceState::Failed);
    QTRY_COMPARE(view->nodeItem(after)->state(), ResourceState::Skipped);
    QCOMPARE(view->nodeItem(base)->state(), ResourceState::Succeeded);
    QVERIFY(view->toolTipFor(view->nodeItem(flaky)).contains(QStringLiteral("simulated outage")));
    // Hovering over the node shows it (made then, from the state the node is in now).
    const QPoint centre = view->mapFromScene(view->nodeItem(flaky)->sceneBoundingRect().center());
    QHelpEvent hover(QEvent::ToolTip, centre, view->viewport()->mapToGlobal(centre));
    QApplication::sendEvent(view->viewport(), &hover);
    QTRY_VERIFY2(QToolTip::text().contains(QStringLiteral("simulated outage")), qPrintable(QToolTip::text()));

    std::unique_ptr<QMenu> onBase(view->createContextMenu(base));
    QVERIFY(!actionNamed(onBase.get(), QStringLiteral("Retry"))->isEnabled()); // it succeeded
    std::unique_ptr<QMenu> menu(view->createContextMenu(flaky));
    QAction *retry = actionNamed(menu.get(), QStringLiteral("Retry"));
    QVERIFY(retry);
    QVERIFY(retry->isEnabled());
    QVERIFY(actionNamed(menu.get(), QStringLiteral("Retry with dependents")));
    QVERIFY(actionNamed(menu.get(), QStringLiteral("Show logs")));
    retry->trigger();

    QTRY_COMPARE_WITH_TIMEOUT(m_workspace->deployment().state(flaky), ResourceState::Succeeded, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_workspace->deployment().state(after), ResourceState::Succeeded, 20'000);
    QTRY_COMPARE(view->nodeItem(flaky)->state(), ResourceState::Succeeded);
    QTRY_COMPARE(view->nodeItem(after)->state(), ResourceState::Succeeded);
    QCOMPARE(view->nodeItem(flaky)->attempt(), 2); // shown as "attempt 2"

    QSignalSpy logs(view, &GraphView::showLogsRequested);
    std::unique_ptr<QMenu> again(view->createContextMenu(after));
    actionNamed(again.get(), QStringLiteral("Show logs"))->trigger();
    QCOMPARE(logs.size(), 1);
    QCOMPARE(logs.first().at(0).toInt(), after);
}

void tst_graphview::runningNodeShowsProgress()
{
    const Plan plan = readPlan(kSlowPlan);
    m_workspace->deployment().open(plan, QString(), QString());
    GraphView *view = m_pane->view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY(view->nodeItem(0)->progressText().isEmpty());
    QVERIFY(m_workspace->deployment().start());
    QTRY_COMPARE_WITH_TIMEOUT(view->nodeItem(0)->state(), ResourceState::Running, 10'000);
    QVERIFY(view->nodeItem(0)->progressText().endsWith(QStringLiteral(" / 30s")));
    m_workspace->deployment().cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->deployment().isRunning(), 10'000);
    QTRY_VERIFY(view->nodeItem(0)->progressText().isEmpty());
    QCOMPARE(view->nodeItem(0)->state(), ResourceState::Cancelled);
}

void tst_graphview::zoomKeys()
{
    showDemo();
    GraphView *view = m_pane->view();
    view->setFocus();
    const qreal start = view->zoom();
    QTest::keyClick(view, Qt::Key_Plus, Qt::ControlModifier);
    QVERIFY(view->zoom() > start);
    QTest::keyClick(view, Qt::Key_Minus, Qt::ControlModifier);
    QTest::keyClick(view, Qt::Key_Minus, Qt::ControlModifier);
    QVERIFY(view->zoom() < start);
    QTest::keyClick(view, Qt::Key_0, Qt::ControlModifier); // fit: all of it in view
    const QRect shown = view->mapFromScene(view->sceneRect()).boundingRect();
    QVERIFY(shown.width() <= view->viewport()->width() + 2);
    QVERIFY(shown.height() <= view->viewport()->height() + 2);

    // The wheel zooms around the cursor: the point under it stays put.
    view->setZoom(1.0);
    const QPoint cursor(300, 200);
    const QPointF before = view->mapToScene(cursor);
    QWheelEvent wheel(cursor, view->viewport()->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(view->zoom() > 1.0);
    QVERIFY(QLineF(view->mapToScene(cursor), before).length() < 2 / view->zoom());
}

void tst_graphview::exportPngAndSvg()
{
    QString error;
    QTemporaryDir dir;
    error = m_pane->exportTo(dir.filePath(QStringLiteral("none.png"))).error(); // nothing laid out yet
    QVERIFY(!error.isEmpty());

    showDemo();
    m_workspace->selection().select(m_demo.indexOf(QStringLiteral("db")));
    const QString png = dir.filePath(QStringLiteral("graph.png"));
    QVERIFY_EXPECTED(m_pane->exportTo(png));
    const QImage image(png);
    QVERIFY(!image.isNull());
    const QSizeF scene = m_pane->view()->sceneRect().size();
    QVERIFY(image.width() >= scene.width() * 2 - 2); // twice the size, for sharp text
    QVERIFY(image.height() >= scene.height() * 2 - 2);

    const QString svg = dir.filePath(QStringLiteral("graph.svg"));
    QVERIFY_EXPECTED(m_pane->exportTo(svg));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QVERIFY(renderer.defaultSize().width() > 0);
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("PostgreSQL")); // text stays text, not a bitmap
    QVERIFY(!text.contains("<image"));

    error = m_pane->exportTo(dir.filePath(QStringLiteral("graph.txt"))).error();
    QVERIFY(error.contains(QStringLiteral(".svg")));
}

void tst_graphview::newPlanReplacesGraph()
{
    showDemo();
    m_workspace->selection().select(3);
    const Plan small = readPlan(kRetryPlan);
    m_workspace->deployment().open(small, QString(), QString());
    QVERIFY(m_pane->view()->nodeItem(20) == nullptr); // the old graph is gone at once
    QTRY_VERIFY_WITH_TIMEOUT(!m_pane->view()->isLayingOut(), kLayoutTimeoutMs);
    QCOMPARE(m_pane->view()->graphScene()->nodeItems().size(), small.resources.size());
    for (int r = 0; r < small.resources.size(); ++r)
        QVERIFY(!m_pane->view()->isFaded(r));

    // An empty plan says so instead of drawing nothing.
    m_workspace->deployment().open(Plan(), QString(), QString());
    QVERIFY(!m_pane->view()->isLayingOut());
    QVERIFY(m_pane->view()->graphScene()->nodeItems().isEmpty());
}

void tst_graphview::editKeepsTheView_data()
{
    QTest::addColumn<QString>("selected"); // the anchor when it survives; none: the first common node
    QTest::addColumn<QString>("removed");  // a resource the edit takes out, besides adding one
    QTest::newRow("selected node stays put") << QStringLiteral("app-a") << QString();
    QTest::newRow("first common node stays put") << QString() << QString();
    QTest::newRow("selected node removed") << QStringLiteral("vpc") << QStringLiteral("vpc");
}

void tst_graphview::propertyEditNeedsNoLayout()
{
    showDemo();
    GraphView *view = m_pane->view();
    const QPointF before = view->nodeItem(3)->sceneRect().center();
    // A timeout changes nothing the graph draws: it is drawn again at once, from the same layout.
    Plan edited = m_demo;
    edited.resources[3].timeoutMs = 123'000;
    QSignalSpy laidOut(view, &GraphView::layoutFinished);
    m_workspace->deployment().open(edited, QString(), QString());
    QCOMPARE(laidOut.count(), 1);
    QVERIFY(!view->isLayingOut());
    QVERIFY(view->nodeItem(3));
    QCOMPARE(view->nodeItem(3)->sceneRect().center(), before);
    // A new name makes the node bigger: that is laid out again.
    edited.resources[3].name = QStringLiteral("a much longer name than the resource had before");
    m_workspace->deployment().open(edited, QString(), QString());
    QVERIFY(view->isLayingOut());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
}

void tst_graphview::editKeepsTheView()
{
    QFETCH(QString, selected);
    QFETCH(QString, removed);
    showDemo();
    GraphView *view = m_pane->view();
    view->setZoom(1.3);
    view->horizontalScrollBar()->setValue(view->horizontalScrollBar()->value() + 120);
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() + 70);
    if (!selected.isEmpty()) {
        QVERIFY(m_demo.indexOf(selected) >= 0);
        m_workspace->selection().select(m_demo.indexOf(selected));
    }
    const qreal zoom = view->zoom();

    // An edit: one resource more (and maybe one fewer), which moves most nodes in the layout.
    Plan edited = m_demo;
    if (!removed.isEmpty()) {
        edited.resources.removeAt(edited.indexOf(removed));
        for (Resource &r : edited.resources)
            r.dependsOn.removeAll(removed);
    }
    Resource added;
    added.id = QStringLiteral("added");
    added.type = QStringLiteral("sim");
    added.dependsOn = {edited.resources.constFirst().id};
    edited.resources.prepend(added); // the first common node is not the first node
    const QString anchor = selected.isEmpty() || selected == removed ? edited.resources[1].id : selected;
    const GraphNodeItem *node = view->nodeItem(m_demo.indexOf(anchor));
    QVERIFY(node);
    const QPointF before = view->mapFromScene(node->sceneRect().center());

    QSignalSpy laidOut(view, &GraphView::layoutFinished);
    m_workspace->deployment().open(edited, QString(), QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    QCOMPARE(view->zoom(), zoom);
    node = view->nodeItem(edited.indexOf(anchor));
    QVERIFY(node);
    const QPointF after = view->mapFromScene(node->sceneRect().center());
    QVERIFY2(QLineF(before, after).length() <= 1.5,
             qPrintable(QStringLiteral("%1 was at %2,%3, is at %4,%5").arg(anchor).arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));

    // Another plan altogether is fitted afresh.
    m_workspace->deployment().open(readPlan(kRetryPlan), QString(), QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    QVERIFY(view->zoom() != zoom);
}

void tst_graphview::pinnedNodesDrawnWhereSaved()
{
    // A pin far outside the automatic layout: the node is there, and the view can scroll to it.
    Plan pinned = m_demo;
    pinned.positions.insert(pinned.resources[4].id, QPointF(-600, 2500));
    m_workspace->deployment().open(pinned, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!m_pane->view()->isLayingOut(), kLayoutTimeoutMs);
    GraphView *view = m_pane->view();
    const GraphNodeItem *node = view->nodeItem(4);
    QVERIFY(node->isPinned());
    QVERIFY(!view->nodeItem(5)->isPinned());
    QCOMPARE(node->sceneRect().center(), QPointF(-600, 2500));
    QVERIFY(view->graphScene()->sceneRect().contains(node->sceneRect()));
    view->fit();
    QVERIFY(view->viewport()->rect().contains(view->mapFromScene(node->sceneRect()).boundingRect()));
}

// A plan opens whole when its names can be read so, and otherwise readable (80%) on where its run
// starts, the zoom control saying so.
void tst_graphview::opensReadable()
{
    GraphView *view = m_pane->view();
    const Plan zone = bench::landingZone(12, 16);
    m_workspace->deployment().open(zone, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY(qFuzzyCompare(view->zoom(), 0.8));
    QVERIFY2(view->wholeZoom() > 0 && view->wholeZoom() < 0.6, qPrintable(QString::number(view->wholeZoom())));
    // The tenancy, which every module waits for, in view; not the first module's first policy.
    const QRect tenancy = view->mapFromScene(view->nodeItem(zone.indexOf(QStringLiteral("tenancy")))->sceneRect()).boundingRect();
    QVERIFY(view->viewport()->rect().contains(tenancy));
    QVERIFY2(view->placementNote().contains(QLatin1String("tenancy")), qPrintable(view->placementNote()));
    QLabel *zoomLabel = nullptr;
    for (QLabel *label : m_pane->findChildren<QLabel *>()) {
        if (label->text().startsWith(QLatin1String("80%")))
            zoomLabel = label;
    }
    QVERIFY(zoomLabel);
    QCOMPARE(zoomLabel->text(), QStringLiteral("80% · all at %1%").arg(qRound(view->wholeZoom() * 100)));
    QVERIFY(zoomLabel->toolTip().contains(QLatin1String("where the run starts")));
    view->zoomIn();
    QCOMPARE(zoomLabel->text(), QStringLiteral("100%"));

    // Three resources: whole, and readable.
    Plan small;
    small.name = QStringLiteral("small");
    small.resources = {bench::simResource(QStringLiteral("vpc")), bench::simResource(QStringLiteral("subnet"), {QStringLiteral("vpc")}),
                       bench::simResource(QStringLiteral("db"), {QStringLiteral("subnet")})};
    m_workspace->deployment().open(small, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY(view->zoom() >= 0.6);
    QCOMPARE(view->wholeZoom(), 0.0);
    for (int r = 0; r < small.resources.size(); ++r)
        QVERIFY(view->viewport()->rect().contains(view->mapFromScene(view->nodeItem(r)->sceneRect()).boundingRect()));
    QCOMPARE(view->placementNote(), QStringLiteral("All 3 resources in view, names readable"));
}

// Follow Run keeps a failure in sight, as readable as the view was; a pan turns it off; a failure
// out of view raises a notice whose Show centres the graph on it.
void tst_graphview::followsTheRunAndNoticesFailures()
{
    Plan zone = bench::landingZone(12, 16);
    for (Resource &r : zone.resources)
        r.params["duration"] = 0;
    const int failing = zone.indexOf(QStringLiteral("module.zone[11].report"));
    zone.resources[failing].params["failure_rate"] = 1;
    zone.resources[zone.indexOf(QStringLiteral("module.zone[6].policy_9"))].params["duration"] = "2s"; // keeps the run going
    GraphView *view = m_pane->view();
    GraphFollower *follower = m_pane->follower();
    m_workspace->deployment().open(zone, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY(follower->isFollowing());
    QVERIFY(m_pane->followButton()->isChecked());
    const auto inView = [view](int r) {
        return view->viewport()->rect().contains(view->mapFromScene(view->nodeItem(r)->sceneRect()).boundingRect());
    };
    QVERIFY(!inView(failing)); // opened on the tenancy, far from the last module
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(inView(failing), 5'000);
    QVERIFY(view->zoom() >= GraphFollower::kReadableZoom - 1e-9);
    QVERIFY(m_pane->failureNotice()->isHidden());

    // A pan (a real drag on empty space) is the user's: following stops.
    QTRY_VERIFY_WITH_TIMEOUT(!follower->isMoving(), 2'000);
    QWidget *viewport = view->viewport();
    QPoint empty(5, viewport->height() - 5);
    QVERIFY(!view->itemAt(empty) || view->itemAt(empty)->type() != GraphNodeItem::Type);
    QTest::mousePress(viewport, Qt::LeftButton, {}, empty);
    QTest::mouseMove(viewport, empty + QPoint(60, -60));
    QTest::mouseRelease(viewport, Qt::LeftButton, {}, empty + QPoint(60, -60));
    QVERIFY(!follower->isFollowing());
    QVERIFY(!m_pane->followButton()->isChecked());

    // Looking elsewhere: the failure is out of view, and the notice says so.
    view->setView(view->nodeItem(zone.indexOf(QStringLiteral("tenancy")))->sceneRect().center(), 0.8);
    QTRY_VERIFY(m_pane->failureNotice()->isVisible());
    QVERIFY2(m_pane->failureNotice()->text().contains(QLatin1String("module.zone[11].report")), qPrintable(m_pane->failureNotice()->text()));
    QCOMPARE(follower->failuresOutOfSight(), QList<int>{failing});
    emit m_pane->failureNotice()->linkActivated(QStringLiteral("show"));
    QVERIFY(inView(failing));
    QCOMPARE(m_workspace->selection().current(), failing);
    QTRY_VERIFY(m_pane->failureNotice()->isHidden());

    // The toolbar button follows again.
    QTest::mouseClick(m_pane->followButton(), Qt::LeftButton);
    QVERIFY(follower->isFollowing());
    QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->deployment().isRunning(), 10'000);
}

// A move of the follower that zooms (out, here: what runs does not fit) is drawn the quick way
// while it lasts, and smoothly once it stops (GraphScene::setZooming).
void tst_graphview::followerZoomsTheQuickWay()
{
    Plan zone = bench::landingZone(6, 8);
    for (Resource &r : zone.resources)
        r.params["duration"] = "3s";
    GraphView *view = m_pane->view();
    m_workspace->deployment().open(zone, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    view->setView(view->mapToScene(view->viewport()->rect().center()), 3.0);
    QList<bool> quick; // at each zoom of the move
    connect(view, &GraphView::zoomChanged, this, [&] { quick.append(view->graphScene()->isZooming()); });
    m_workspace->deployment().setParallelism(50);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(!quick.isEmpty(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_pane->follower()->isMoving(), 2'000);
    QVERIFY(view->zoom() < 3.0);
    QVERIFY2(!quick.contains(false), qPrintable(QStringLiteral("%1 of %2 zooms drawn smoothly").arg(quick.count(false)).arg(quick.size())));
    QVERIFY(!view->graphScene()->isZooming());
    for (const GraphNodeItem *node : view->graphScene()->nodeItems())
        QCOMPARE(node->cacheMode(), QGraphicsItem::DeviceCoordinateCache);
}

// While the graph is larger than the view, an overview in the corner shows all of it; a click
// there (a real one) shows that part, as the user's move.
void tst_graphview::minimapShowsTheWholeAndPans()
{
    const Plan zone = bench::landingZone(12, 16);
    GraphView *view = m_pane->view();
    m_workspace->deployment().open(zone, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    GraphMinimap *minimap = m_pane->minimap();
    QVERIFY(minimap->isVisible());
    QVERIFY(minimap->width() <= GraphMinimap::kMaxSide && minimap->height() <= GraphMinimap::kMaxSide);
    // In the view's bottom right corner, and what it maps covers the whole graph.
    QVERIFY(minimap->geometry().right() > view->viewport()->width() - 40);
    QVERIFY(minimap->geometry().bottom() > view->viewport()->height() - 40);
    const QRectF content = view->graphScene()->contentRect();
    QVERIFY(QLineF(minimap->fromScene(content.bottomRight()), QPointF(minimap->width() - 4, minimap->height() - 4)).length() < 2);

    const QPoint bottomLeft(6, minimap->height() - 6);
    QTest::mouseClick(minimap, Qt::LeftButton, {}, bottomLeft);
    const QPointF centre = view->mapToScene(view->viewport()->rect().center());
    const QPointF asked = minimap->toScene(bottomLeft);
    // Where the scroll range allows: the bottom left of the graph is in view now.
    QVERIFY(view->mapToScene(view->viewport()->rect()).boundingRect().contains(asked) || QLineF(centre, asked).length() < 2);
    QVERIFY(!m_pane->follower()->isFollowing());

    view->fit();
    QTRY_VERIFY(minimap->isHidden());
}

// The overview keeps its picture of the graph while the view moves over it (a run's follower moves
// it many times a second) and draws it again when a resource changes state.
void tst_graphview::minimapDrawsItsPictureForStatesNotMoves()
{
    Plan zone = bench::landingZone(12, 16);
    zone.resources[0].params["duration"] = "1s"; // the tenancy, which all wait for
    GraphView *view = m_pane->view();
    m_workspace->deployment().open(zone, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    GraphMinimap *minimap = m_pane->minimap();
    QVERIFY(minimap->isVisible());
    const auto shot = [&] {
        minimap->repaint();
        return minimap->grab().toImage().convertToFormat(QImage::Format_RGB32);
    };
    const QImage before = shot();
    const int drawn = minimap->picturesDrawn();
    QVERIFY(drawn > 0);

    // The view moves: the rectangle that shows where moves over the same picture.
    const QRectF content = view->graphScene()->contentRect();
    view->setView(content.bottomRight(), view->zoom());
    const QImage moved = shot();
    QVERIFY(moved != before);
    QCOMPARE(minimap->picturesDrawn(), drawn);

    // The tenancy starts, then succeeds: its dot changes colour each time.
    const QPoint dot = minimap->fromScene(view->nodeItem(0)->sceneRect().center()).toPoint();
    const QRgb pending = moved.pixel(dot);
    QVERIFY(m_workspace->deployment().start());
    QTRY_COMPARE(view->nodeItem(0)->state(), ResourceState::Running);
    const QRgb running = shot().pixel(dot);
    QVERIFY(running != pending);
    QVERIFY(minimap->picturesDrawn() > drawn);
    QTRY_COMPARE_WITH_TIMEOUT(view->nodeItem(0)->state(), ResourceState::Succeeded, 10'000);
    QTRY_VERIFY(shot().pixel(dot) != running);
}

// Plain edges are drawn together by the scene's cached edge layer, those that stand out by their
// own items: on screen, an edge is grey, blue while selected, grey again after, in either way; and
// where its item is, when a drag carries it (both its ends moving).
void tst_graphview::edgesAreDrawnPlainOrStandingOut()
{
    showDemo();
    GraphView *view = m_pane->view();
    // An edge whose middle is on screen and clear of every node, there and `carried` further.
    const QPointF carried(0, 16);
    QPoint middle;
    GraphEdgeItem *edge = edgeClearOfNodes(carried, &middle);
    QVERIFY(edge);
    QVERIFY(edge->isPlain());
    // The darkest pixel near the middle, and how blue it is.
    const auto inkAt = [&] {
        const QImage shot = view->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        QRgb darkest = qRgb(255, 255, 255);
        for (int y = middle.y() - 2; y <= middle.y() + 2; ++y) {
            for (int x = middle.x() - 2; x <= middle.x() + 2; ++x) {
                if (qGray(shot.pixel(x, y)) < qGray(darkest))
                    darkest = shot.pixel(x, y);
            }
        }
        return darkest;
    };
    const auto grey = [](QRgb c) { return qGray(c) < 220 && std::abs(qBlue(c) - qRed(c)) < 30; };
    const auto blue = [](QRgb c) { return qBlue(c) > qRed(c) + 60; };
    QTRY_VERIFY2(grey(inkAt()), qPrintable(QColor(inkAt()).name()));
    edge->setSelected(true);
    QVERIFY(!edge->isPlain());
    QTRY_VERIFY2(blue(inkAt()), qPrintable(QColor(inkAt()).name()));
    edge->setSelected(false);
    QTRY_VERIFY2(grey(inkAt()), qPrintable(QColor(inkAt()).name()));
    edge->setPos(carried);
    middle = view->mapFromScene(edge->path().pointAtPercent(0.5) + carried);
    QTRY_VERIFY2(grey(inkAt()), qPrintable(QColor(inkAt()).name()));
}

// While the run's follower zooms (GraphFollower), the graph is drawn the quick way: plain edges
// as hairlines without antialiasing, the nodes without their caches; when it stops, smoothly again.
void tst_graphview::zoomingDrawsQuicklyThenSmoothly()
{
    showDemo();
    GraphView *view = m_pane->view();
    GraphScene *scene = view->graphScene();
    view->setView(scene->itemsBoundingRect().center(), GraphFollower::kReadableZoom); // where edges are smooth hairlines
    QTRY_VERIFY(!view->isMovingToNewLayout());
    // The shades of ink around a point: a line without antialiasing has one.
    const auto shot = [&] {
        QTest::qWait(30);
        return view->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    };
    const auto shadesAt = [](const QImage &image, QPoint at) {
        QSet<QRgb> ink;
        for (int y = at.y() - 3; y <= at.y() + 3; ++y) {
            for (int x = at.x() - 3; x <= at.x() + 3; ++x) {
                if (qGray(image.pixel(x, y)) < 235) // not the background, nor a group's box
                    ink.insert(image.pixel(x, y));
            }
        }
        return ink.size();
    };
    // An edge drawn smoothly there (a level or upright one may fall on whole pixels).
    const QImage smooth = shot();
    QPoint middle;
    QVERIFY(edgeClearOfNodes(QPointF(), &middle, [&](QPoint at) { return shadesAt(smooth, at) > 1; }));
    const auto shades = [&] { return shadesAt(shot(), middle); };
    const auto cached = [&](QGraphicsItem::CacheMode mode) {
        const QList<GraphNodeItem *> &nodes = scene->nodeItems();
        return std::all_of(nodes.cbegin(), nodes.cend(), [mode](const GraphNodeItem *node) { return node->cacheMode() == mode; });
    };
    QVERIFY(shades() > 1);
    QVERIFY(cached(QGraphicsItem::DeviceCoordinateCache));
    scene->setZooming(true);
    QCOMPARE(shades(), 1);
    QVERIFY(cached(QGraphicsItem::NoCache));
    scene->setZooming(false);
    QVERIFY(shades() > 1);
    QVERIFY(cached(QGraphicsItem::DeviceCoordinateCache));
}

// The edge layer's cache is drawn again only where Qt says (a zoom: the viewport; a diagonal
// scroll: two thin strips), and only the edges that cross it are stroked: what the view shows after
// each move is what a drawing without any cache shows.
void tst_graphview::cachedEdgesMatchAFreshDrawing()
{
    showDemo();
    GraphView *view = m_pane->view();
    GraphScene *scene = view->graphScene();
    // Painted as the window paints (grab() alone would not use the cache as a scroll does).
    const auto shot = [&] {
        QTest::qWait(30);
        return view->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    };
    const auto uncached = [&] {
        scene->setItemCaching(false);
        const QImage image = shot();
        scene->setItemCaching(true);
        return image;
    };
    const auto differences = [](const QImage &a, const QImage &b) {
        int count = 0;
        for (int y = 0; y < a.height(); ++y) {
            for (int x = 0; x < a.width(); ++x)
                count += std::abs(qGray(a.pixel(x, y)) - qGray(b.pixel(x, y))) > 60;
        }
        return count;
    };
    // Zoomed in, the layer is far larger than the viewport: its cache holds what is on screen.
    const QPointF centre = scene->itemsBoundingRect().center();
    view->setView(centre, 2.0);
    shot();
    view->setView(centre, 1.7); // a zoom: the whole cache again
    const QImage zoomed = shot();
    QCOMPARE(differences(zoomed, uncached()), 0);
    QScrollBar *across = view->horizontalScrollBar();
    QScrollBar *down = view->verticalScrollBar();
    QVERIFY(across->maximum() > 100 && down->maximum() > 100);
    for (int step = 0; step < 6; ++step) {
        shot(); // cached where it is
        across->setValue(across->value() + (step % 2 ? -23 : 17));
        down->setValue(down->value() + 11);
        const QImage scrolled = shot();
        QCOMPARE(differences(scrolled, uncached()), 0);
    }
}

// A structural edit never blanks the graph: the picture stays until the new layout is there,
// then the nodes glide to their new places in under 250 ms.
void tst_graphview::structuralEditKeepsThePictureAndMoves()
{
    showDemo();
    GraphView *view = m_pane->view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
    const auto inkOnScreen = [&] {
        const QImage shot = view->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        int ink = 0;
        for (int y = 0; y < shot.height(); y += 4) {
            for (int x = 0; x < shot.width(); x += 4)
                ink += qGray(shot.pixel(x, y)) < 200;
        }
        return ink;
    };
    const int inkBefore = inkOnScreen();
    QVERIFY(inkBefore > 100);

    // Six new resources that the first one waits for: a rank more above it, everything moves.
    Plan edited = m_demo;
    for (int i = 0; i < 6; ++i) {
        const QString id = QStringLiteral("account-%1").arg(i);
        edited.resources.append(bench::simResource(id));
        edited.resources[0].dependsOn.append(id);
    }
    QSignalSpy drawn(view, &GraphView::layoutFinished);
    m_workspace->deployment().open(edited, QString(), QString());
    QVERIFY(view->isLayingOut());
    QVERIFY(view->showsPreviousPicture());
    QVERIFY2(inkOnScreen() > inkBefore / 2, "the graph went blank while its layout was on its way");

    QVERIFY(drawn.wait(kLayoutTimeoutMs));
    QVERIFY(!view->showsPreviousPicture());
    QVERIFY(view->isMovingToNewLayout());
    static_assert(NodeMover::kDurationMs < 250);
    // Under way, the nodes that moved are off their new places, and the edges wait for them.
    const QList<GraphNodeItem *> &nodes = view->graphScene()->nodeItems();
    QVERIFY(std::any_of(nodes.cbegin(), nodes.cend(), [](const GraphNodeItem *node) { return !node->pos().isNull(); }));
    const QList<GraphEdgeItem *> &edges = view->graphScene()->edgeItems();
    QVERIFY(std::none_of(edges.cbegin(), edges.cend(), [](const GraphEdgeItem *edge) { return edge->isVisible(); }));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isMovingToNewLayout(), 1000);
    for (const GraphNodeItem *node : view->graphScene()->nodeItems())
        QCOMPARE(node->pos(), QPointF(0, 0));
    for (const GraphEdgeItem *edge : view->graphScene()->edgeItems())
        QVERIFY(edge->isVisible() || edge->isImplied());
}

QTEST_MAIN(tst_graphview)
#include "tst_graphview.moc"
