// Large plans on the Graph pane: their groups open collapsed into summary nodes that count their
// members' states; a double-click expands one in place, its menu collapses it again, and showing a
// resource of a collapsed group expands that group (offscreen, real mouse events).
#include "bench/infrashapes.h"
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/graphview.h"

#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace fanout;

namespace {

constexpr int kLayoutTimeoutMs = 30'000;
constexpr int kModules = 8;
constexpr int kInstances = 20;
constexpr int kPerModule = 10 + kInstances;

QAction *actionNamed(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

} // namespace

class tst_graphfolding : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void largePlanOpensCollapsed();
    void expandAndCollapseInPlace();
    void summariesCountTheRun();
    void showingAResourceExpandsItsGroup();
    void anEditKeepsWhatWasExpanded();
    void dragInAnExpandedGroup();
    void setsOpenStacked();

private:
    GraphView *view() const { return m_pane->view(); }
    GraphScene *scene() const { return m_pane->view()->graphScene(); }
    bool open(const Plan &plan);
    // Where `item` is on the view's viewport.
    QPoint centreOf(const QGraphicsItem *item) const { return view()->mapFromScene(item->sceneBoundingRect().center()); }

    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<GraphPane> m_pane;
    Plan m_plan;
};

void tst_graphfolding::initTestCase()
{
    useTestSettings("tst_graphfolding");
    QCOMPARE(GraphView::collapseThreshold(), GraphView::kDefaultCollapseThreshold);
    GraphView::setCollapseThreshold(200); // the plan here has 241 resources
    m_plan = bench::services(kModules, kInstances);
    QCOMPARE(m_plan.resources.size(), 1 + kModules * kPerModule);
}

void tst_graphfolding::init()
{
    m_workspace = std::make_unique<Workspace>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<GraphPane>(*m_workspace);
    m_pane->resize(1280, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
}

void tst_graphfolding::cleanup()
{
    if (m_workspace->deployment().isRunning()) {
        m_workspace->deployment().cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->deployment().isRunning(), 10'000);
    }
    m_pane.reset();
    m_workspace.reset();
}

bool tst_graphfolding::open(const Plan &plan)
{
    m_workspace->deployment().open(plan, QString(), QString());
    return QTest::qWaitFor([&] { return !view()->isLayingOut() && scene()->hasGraph(); }, kLayoutTimeoutMs);
}

void tst_graphfolding::largePlanOpensCollapsed()
{
    QVERIFY(open(m_plan));
    QCOMPARE(scene()->summaryItems().size(), kModules);
    QCOMPARE(scene()->nodeItems().size(), 1); // the zone, in no module
    QVERIFY(view()->nodeItem(0));
    const int member = m_plan.indexOf(QStringLiteral("module.svc3.aws_lb.app"));
    QVERIFY(!view()->nodeItem(member));
    const GraphSummaryItem *summary = scene()->summaryItem(member);
    QVERIFY(summary);
    QCOMPARE(summary->label(), QStringLiteral("module.svc3"));
    QCOMPARE(summary->summary(), QStringLiteral("%1 resources").arg(kPerModule));
    QCOMPARE(int(scene()->members(summary).size()), kPerModule);
    QVERIFY(view()->isCollapsed(summary->group()));
    // One edge from the zone to each module (its DNS record), none inside.
    QCOMPARE(scene()->edgeItems().size(), kModules);
    // Opened whole: 9 boxes are readable at once.
    QVERIFY2(view()->zoom() >= 0.6, qPrintable(QString::number(view()->zoom())));

    // Below the threshold, every resource is drawn.
    const Plan small = bench::landingZone(3, 4);
    QVERIFY(open(small));
    QVERIFY(scene()->summaryItems().isEmpty());
    QCOMPARE(scene()->nodeItems().size(), small.resources.size());
}

void tst_graphfolding::expandAndCollapseInPlace()
{
    QVERIFY(open(m_plan));
    const int group = m_plan.groupIndex(QStringLiteral("module.svc3"));
    GraphSummaryItem *summary = scene()->summaryOfGroup(group);
    QVERIFY(summary);
    const QRectF was = summary->rect();
    view()->showResource(0);
    QVERIFY(view()->viewport()->rect().contains(centreOf(summary)));
    QHash<int, QRectF> others;
    for (const GraphSummaryItem *other : scene()->summaryItems())
        others.insert(other->group(), other->rect());

    // A double-click expands it where it is; what lies right of it or below it moves aside.
    QSignalSpy drawn(view(), &GraphView::layoutFinished);
    QTest::mouseDClick(view()->viewport(), Qt::LeftButton, Qt::NoModifier, centreOf(summary));
    QVERIFY(view()->isExpanding() || !drawn.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isExpanding(), kLayoutTimeoutMs);
    QVERIFY(!view()->isCollapsed(group));
    QCOMPARE(scene()->summaryItems().size(), kModules - 1);
    QCOMPARE(scene()->nodeItems().size(), 1 + kPerModule);
    QVERIFY(view()->nodeItem(m_plan.indexOf(QStringLiteral("module.svc3.aws_lb.app"))));
    QCOMPARE(scene()->groupItems().size(), 1);
    const QRectF box = scene()->groupItems().constFirst()->rect();
    QCOMPARE(box.topLeft(), was.topLeft());
    for (const GraphSummaryItem *other : scene()->summaryItems()) {
        const QRectF before = others.value(other->group());
        QVERIFY(!other->rect().intersects(box));
        // Below it moved down, right of it (not wholly above) moved right, by as much as it grew.
        const bool right = before.left() >= was.right() && before.bottom() > was.top();
        QCOMPARE(other->rect().left() - before.left(), right ? box.width() - was.width() : 0.0);
        QCOMPARE(other->rect().top() - before.top(), before.top() >= was.bottom() ? box.height() - was.height() : 0.0);
    }

    // Its menu collapses it again: the picture is as it was.
    std::unique_ptr<QMenu> menu(view()->createGroupMenu(group));
    QAction *collapse = actionNamed(menu.get(), QStringLiteral("Collapse module.svc3"));
    QVERIFY(collapse && collapse->isEnabled());
    collapse->trigger();
    QVERIFY(view()->isCollapsed(group));
    QCOMPARE(scene()->summaryItems().size(), kModules);
    QVERIFY(scene()->groupItems().isEmpty());
    for (const GraphSummaryItem *other : scene()->summaryItems())
        QCOMPARE(other->rect(), other->group() == group ? was : others.value(other->group()));

    // Expand All Groups draws every resource.
    view()->expandAllGroups();
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isLayingOut() && scene()->hasGraph(), kLayoutTimeoutMs);
    QVERIFY(scene()->summaryItems().isEmpty());
    QCOMPARE(scene()->nodeItems().size(), m_plan.resources.size());
    view()->collapseAllGroups();
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isLayingOut() && scene()->hasGraph(), kLayoutTimeoutMs);
    QCOMPARE(scene()->summaryItems().size(), kModules);
}

void tst_graphfolding::summariesCountTheRun()
{
    Plan plan = m_plan;
    for (Resource &r : plan.resources)
        r.params["duration"] = 0;
    const int failing = plan.indexOf(QStringLiteral("module.svc2.aws_instance.app[4]"));
    plan.resources[failing].params["failure_rate"] = 1;
    QVERIFY(open(plan));
    QSignalSpy finished(&m_workspace->deployment(), &Deployment::runFinished);
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30'000);
    const GraphSummaryItem *failed = scene()->summaryItem(failing);
    QVERIFY(failed);
    // The instance failed (nothing waits for it); the rest of its module is done.
    QTRY_COMPARE(failed->summary(), QStringLiteral("%1 resources — %2 done, 1 failed").arg(kPerModule).arg(kPerModule - 1));
    QCOMPARE(failed->counts()[std::size_t(ResourceState::Failed)], 1);
    QVERIFY(failed->toolTip().contains(QLatin1String("1 failed")));
    const GraphSummaryItem *done = scene()->summaryItem(plan.indexOf(QStringLiteral("module.svc5.aws_vpc.main")));
    QCOMPARE(done->summary(), QStringLiteral("%1 resources — %1 done").arg(kPerModule));
}

void tst_graphfolding::showingAResourceExpandsItsGroup()
{
    QVERIFY(open(m_plan));
    const int db = m_plan.indexOf(QStringLiteral("module.svc6.aws_db_instance.db"));
    QVERIFY(!view()->nodeItem(db));
    view()->showResource(db);
    QTRY_VERIFY_WITH_TIMEOUT(view()->nodeItem(db), kLayoutTimeoutMs);
    QVERIFY(!view()->isCollapsed(m_plan.groupIndex(QStringLiteral("module.svc6"))));
    QVERIFY(view()->viewport()->rect().contains(centreOf(view()->nodeItem(db))));
}

void tst_graphfolding::anEditKeepsWhatWasExpanded()
{
    QVERIFY(open(m_plan));
    const int group = m_plan.groupIndex(QStringLiteral("module.svc1"));
    view()->expandGroup(group);
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isExpanding(), kLayoutTimeoutMs);
    Plan edited = m_plan;
    edited.resources.append(bench::simResource(QStringLiteral("aws_route53_zone.extra")));
    QVERIFY(open(edited));
    QVERIFY(!view()->isCollapsed(group));
    QCOMPARE(scene()->summaryItems().size(), kModules - 1);
    QVERIFY(view()->nodeItem(edited.indexOf(QStringLiteral("aws_route53_zone.extra"))));
}

// Dragging a resource of an expanded group carries its edges along, those from outside the group
// and those to collapsed groups too, and refits its group's box.
void tst_graphfolding::dragInAnExpandedGroup()
{
    QVERIFY(open(m_plan));
    const int group = m_plan.groupIndex(QStringLiteral("module.svc0"));
    view()->expandGroup(group);
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isExpanding(), kLayoutTimeoutMs);
    const int record = m_plan.indexOf(QStringLiteral("module.svc0.aws_route53_record.app"));
    const GraphNodeItem *node = view()->nodeItem(record);
    QVERIFY(node);
    view()->showResource(record);
    QSignalSpy moved(view(), &GraphView::resourcesMoved);
    const QPoint from = centreOf(node);
    const QPoint to = from + QPoint(60, 40);
    QTest::mousePress(view()->viewport(), Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(view()->viewport(), from + QPoint(30, 20));
    QTest::mouseMove(view()->viewport(), to);
    // Mid-drag: the zone's edge follows the record.
    const GraphEdgeItem *fromZone = nullptr;
    for (const GraphEdgeItem *edge : scene()->edgeItems()) {
        if (edge->from() == 0 && edge->to() == record)
            fromZone = edge;
    }
    QVERIFY(fromZone);
    const QPointF arrives = fromZone->mapToScene(fromZone->path().currentPosition()); // where its arrowhead starts
    QVERIFY2(node->sceneRect().adjusted(-12, -12, 12, 12).contains(arrives),
             qPrintable(QStringLiteral("the edge ends at %1,%2").arg(arrives.x()).arg(arrives.y())));
    QVERIFY(scene()->groupItems().constFirst()->rect().contains(node->sceneRect()));
    QTest::mouseRelease(view()->viewport(), Qt::LeftButton, Qt::NoModifier, to);
    QCOMPARE(moved.size(), 1);
}

// A small plan with a set of 5 instances (count) and a stack on 2 targets, as PlanReader expands
// them: one stacked node per set and per target, even below the threshold; a double-click expands
// one in place and its menu collapses it again.
void tst_graphfolding::setsOpenStacked()
{
    Plan plan;
    plan.name = QStringLiteral("sets");
    const auto add = [&](const QString &id, const QStringList &dependsOn, const QString &set = {},
                         const nlohmann::ordered_json &key = nullptr, const QString &target = {}) {
        Resource r;
        r.id = id;
        r.type = QStringLiteral("sim");
        r.params = {{"duration", "50ms"}};
        r.dependsOn = dependsOn;
        r.set = set;
        r.key = key;
        r.target = target;
        plan.resources.append(r);
    };
    add(QStringLiteral("vpc"), {});
    QStringList web;
    for (int i = 0; i < 5; ++i) {
        web.append(QStringLiteral("web[%1]").arg(i));
        add(web.last(), {QStringLiteral("vpc")}, QStringLiteral("web"), i);
        plan.resources.last().count = 5;
    }
    add(QStringLiteral("lb"), web);
    for (const QString &target : {QStringLiteral("eu-west-1"), QStringLiteral("us-east-1")}) {
        plan.targets.append({target, nlohmann::ordered_json::object()});
        add(QStringLiteral("net@") + target, {QStringLiteral("vpc")}, QStringLiteral("net"), nullptr, target);
        add(QStringLiteral("app@") + target, {QStringLiteral("net@") + target}, QStringLiteral("app"), nullptr, target);
    }
    QVERIFY(open(plan));
    QCOMPARE(scene()->summaryItems().size(), 3);
    QCOMPARE(scene()->nodeItems().size(), 2); // vpc and lb
    const int first = plan.indexOf(QStringLiteral("web[0]"));
    GraphSummaryItem *set = scene()->summaryItem(first);
    QVERIFY(set);
    QCOMPARE(set->label(), QString::fromUtf8("web \u00d75"));
    QCOMPARE(int(scene()->members(set).size()), 5);
    const GraphSummaryItem *stack = scene()->summaryItem(plan.indexOf(QStringLiteral("app@us-east-1")));
    QVERIFY(stack);
    QCOMPARE(stack->label(), QStringLiteral("us-east-1 (target, 2 resources)"));
    QVERIFY(view()->placementNote().contains(QStringLiteral("drawn stacked")));
    // The plan the run uses keeps no such groups.
    QVERIFY(m_workspace->deployment().plan().groups.isEmpty());

    const int group = set->group();
    view()->showResource(0);
    QTest::mouseDClick(view()->viewport(), Qt::LeftButton, Qt::NoModifier, centreOf(set));
    QTRY_VERIFY_WITH_TIMEOUT(!view()->isExpanding() && !view()->isCollapsed(group), kLayoutTimeoutMs);
    QCOMPARE(scene()->summaryItems().size(), 2);
    for (int i = 0; i < 5; ++i)
        QVERIFY(view()->nodeItem(first + i));
    std::unique_ptr<QMenu> menu(view()->createGroupMenu(group));
    QAction *collapse = actionNamed(menu.get(), QString::fromUtf8("Collapse web \u00d75"));
    QVERIFY(collapse && collapse->isEnabled());
    collapse->trigger();
    QVERIFY(view()->isCollapsed(group));
    QCOMPARE(scene()->summaryItems().size(), 3);

    // Run: the stacked node counts its instances' states.
    QVERIFY(m_workspace->deployment().start());
    QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->deployment().isRunning(), 20'000);
    QCOMPARE(scene()->summaryItem(first)->summary(), QStringLiteral("5 resources — 5 done"));
}

QTEST_MAIN(tst_graphfolding)
#include "tst_graphfolding.moc"
