// The plan graph's layout: what the Graph pane places where, computed by Graphviz on its own thread.
#include "bench/infrashapes.h"
#include "bench/randomdag.h"
#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/layout/graphlayout.h"
#include "engine/layout/graphlayouter.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/planreader.h"
#include "layoutchecks.h"

#include <QDirIterator>
#include <QLineF>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace fanout;
using fanout::test::distanceToBorder;
using fanout::test::layOut;

namespace {

// A sim resource at the end of `plan`.
void addSim(Plan &plan, const QString &id, const QStringList &dependsOn, const QString &group)
{
    Resource r;
    r.id = id;
    r.type = QStringLiteral("sim");
    r.dependsOn = dependsOn;
    r.group = group;
    plan.resources.append(r);
}

} // namespace

class tst_graphlayout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void demoPlan();
    void groupLabelsHaveRoom();
    void emptyPlan();
    void cycleAndUnknownDependency();
    void invalidIndicesAreLeftOut();
    void newestRequestWins();
    void requestsFromAnotherThread();
    void twoLayoutersAtOnce();
    void largeRandomPlan();
    void unconnectedPartsArePackedInRows();
    void pinnedNodes_data();
    void pinnedNodes();
    void modulesAndFanOutsArePackedInGrids();
    void realPlansFitTheWindow_data();
    void realPlansFitTheWindow();
    void directionCanBeChosen();

private:
    // Every node where it belongs, none over another, every edge from its dependency's box to its
    // dependent's, and every group's box around its members.
    static void verifyDrawing(const Plan &plan, const GraphLayout &layout);
    static void verifyNoOverlap(const GraphLayout &layout);

    Plan m_demo;
};

void tst_graphlayout::verifyNoOverlap(const GraphLayout &layout)
{
    // Sorted by left edge, each rect need only be compared with those starting before it ends.
    QList<int> order(layout.nodes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return layout.nodes[a].left() < layout.nodes[b].left(); });
    for (int i = 0; i < order.size(); ++i) {
        const QRectF a = layout.nodes[order[i]];
        for (int j = i + 1; j < order.size() && layout.nodes[order[j]].left() < a.right(); ++j) {
            const QRectF overlap = a.intersected(layout.nodes[order[j]]);
            QVERIFY2(overlap.width() < 0.5 || overlap.height() < 0.5,
                     qPrintable(QStringLiteral("nodes %1 and %2 overlap").arg(order[i]).arg(order[j])));
        }
    }
}

void tst_graphlayout::initTestCase()
{
    const PlanReadResult read = PlanReader::readFile(QStringLiteral(":/plans/demo.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    m_demo = read.plan;
    QCOMPARE(m_demo.resources.size(), 30);
}

void tst_graphlayout::demoPlan()
{
    GraphLayouter layouter;
    const GraphLayoutInput input = GraphLayoutInput::fromPlan(m_demo, QSizeF(180, 52));
    const GraphLayout layout = layOut(layouter, input);
    QVERIFY2(layout.isValid(), qPrintable(layout.error));

    // Every node has its rect, of the size asked for, inside the bounding box.
    QCOMPARE(layout.nodes.size(), m_demo.resources.size());
    const QRectF bounds = layout.bounds.adjusted(-0.5, -0.5, 0.5, 0.5);
    QCOMPARE(layout.bounds.topLeft(), QPointF(0, 0));
    for (const QRectF &rect : layout.nodes) {
        QVERIFY(qAbs(rect.width() - 180) < 1 && qAbs(rect.height() - 52) < 1);
        QVERIFY(bounds.contains(rect));
    }
    verifyNoOverlap(layout);
    if (QTest::currentTestFailed())
        return;

    // Dependencies above their dependents (y grows downwards), one edge per dependency, routed
    // from the dependency's box to the dependent's, the arrow touching the dependent.
    const PlanGraph graph(m_demo);
    int dependencies = 0;
    for (int r = 0; r < graph.size(); ++r) {
        for (int dependency : graph.dependencies(r)) {
            ++dependencies;
            const QRectF above = layout.nodes[dependency];
            const QRectF below = layout.nodes[r];
            QVERIFY2(above.bottom() < below.top(), qPrintable(m_demo.resources[dependency].id + QStringLiteral(" is not above ")
                                                              + m_demo.resources[r].id));
            const auto edge = std::find_if(layout.edges.cbegin(), layout.edges.cend(), [&](const GraphLayout::Edge &e) {
                return e.from == dependency && e.to == r;
            });
            QVERIFY(edge != layout.edges.cend());
            QVERIFY(edge->path.size() >= 4);
            QCOMPARE((edge->path.size() - 1) % 3, 0);
            QVERIFY(above.adjusted(-2, -2, 2, 2).contains(edge->path.first()));
            QVERIFY(below.adjusted(-2, -2, 2, 2).contains(edge->arrowTip));
            QVERIFY(edge->path.last().y() < edge->arrowTip.y()); // the arrowhead points down
        }
    }
    QCOMPARE(layout.edges.size(), dependencies);

    // Every group is a cluster that holds its members, and only those.
    QCOMPARE(layout.clusters.size(), m_demo.groups.size());
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        QVERIFY(cluster.group >= 0 && cluster.group < m_demo.groups.size());
        for (int r = 0; r < m_demo.resources.size(); ++r) {
            const bool member = m_demo.resources[r].group == m_demo.groups[cluster.group].name;
            QCOMPARE(cluster.rect.contains(layout.nodes[r]), member);
        }
    }
}

void tst_graphlayout::groupLabelsHaveRoom()
{
    GraphLayouter layouter;
    GraphLayoutInput input = GraphLayoutInput::fromPlan(m_demo);
    input.groups[0].labelSize = QSizeF(400, 30); // wider than any member
    const GraphLayout layout = layOut(layouter, input);
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        const QSizeF wanted = input.groups[cluster.group].labelSize;
        QVERIFY(cluster.labelRect.width() >= wanted.width() - 1);
        QVERIFY(cluster.labelRect.height() >= wanted.height() - 1);
        QVERIFY(cluster.rect.adjusted(-1, -1, 1, 1).contains(cluster.labelRect));
        for (int r = 0; r < input.nodes.size(); ++r) {
            if (input.nodes[r].group == cluster.group)
                QVERIFY(cluster.labelRect.bottom() <= layout.nodes[r].top()); // above its members
        }
    }
}

void tst_graphlayout::emptyPlan()
{
    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, GraphLayoutInput::fromPlan(Plan()));
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QVERIFY(layout.nodes.isEmpty());
    QVERIFY(layout.edges.isEmpty());
}

void tst_graphlayout::cycleAndUnknownDependency()
{
    Plan plan;
    plan.groups.append({QStringLiteral("g"), QStringLiteral("Group"), 0});
    const auto add = [&plan](const QString &id, const QStringList &dependsOn, const QString &group = QString()) {
        addSim(plan, id, dependsOn, group);
    };
    add(QStringLiteral("a"), {QStringLiteral("c")}, QStringLiteral("g"));
    add(QStringLiteral("b"), {QStringLiteral("a")}, QStringLiteral("g"));
    add(QStringLiteral("c"), {QStringLiteral("b"), QStringLiteral("nowhere")});
    add(QStringLiteral("self"), {QStringLiteral("self")}, QStringLiteral("undeclared-group"));

    const GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    QCOMPARE(input.edges.size(), 4); // the unknown id is left out; the loop on "self" is kept
    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, input);
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), 4);
    QCOMPARE(layout.edges.size(), 4);
    for (const GraphLayout::Edge &edge : layout.edges)
        QVERIFY(!edge.path.isEmpty());
    verifyNoOverlap(layout);
}

void tst_graphlayout::invalidIndicesAreLeftOut()
{
    GraphLayoutInput input;
    input.nodes = {{QStringLiteral("a"), QSizeF(100, 40), 7}, {QStringLiteral("b"), QSizeF(0, -5), -1}};
    input.edges = {{0, 1}, {1, 5}, {-1, 0}};
    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, input);
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), 2);
    QCOMPARE(layout.edges.size(), 1);
    QVERIFY(layout.clusters.isEmpty());
}

void tst_graphlayout::newestRequestWins()
{
    GraphLayouter layouter;
    QSignalSpy spy(&layouter, &GraphLayouter::laidOut);
    // Plans of 10, 20, ... resources, so that each result tells which request it answers.
    QList<quint64> generations;
    for (int size = 10; size <= 60; size += 10)
        generations.append(layouter.request(GraphLayoutInput::fromPlan(
            bench::randomDag({size, 3, 10}, quint32(size), QStringLiteral("sim"), [](Resource &, QRandomGenerator &) {}))));
    QVERIFY(std::is_sorted(generations.cbegin(), generations.cend()));
    QCOMPARE(layouter.latestGeneration(), generations.last());
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && spy.last().at(0).value<quint64>() == generations.last(), 30'000);
    QTest::qWait(50); // nothing older may follow
    QCOMPARE(spy.last().at(0).value<quint64>(), generations.last());
    QCOMPARE(spy.last().at(1).value<GraphLayout>().nodes.size(), 60);
    quint64 previous = 0;
    for (const QList<QVariant> &arguments : std::as_const(spy)) {
        const quint64 generation = arguments.at(0).value<quint64>();
        QVERIFY(generation > previous);
        previous = generation;
    }
    QVERIFY(spy.size() < generations.size()); // superseded requests were skipped
}

void tst_graphlayout::requestsFromAnotherThread()
{
    GraphLayouter layouter;
    QSignalSpy spy(&layouter, &GraphLayouter::laidOut);
    const GraphLayoutInput input = GraphLayoutInput::fromPlan(m_demo);
    QList<quint64> fromWorker;
    QList<quint64> fromHere;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        for (int i = 0; i < 20; ++i)
            fromWorker.append(layouter.request(input));
    }));
    worker->start();
    for (int i = 0; i < 20; ++i)
        fromHere.append(layouter.request(input));
    QVERIFY(worker->wait(10'000));

    QList<quint64> all = fromWorker + fromHere;
    std::sort(all.begin(), all.end());
    QVERIFY(std::adjacent_find(all.cbegin(), all.cend()) == all.cend()); // every generation once
    QCOMPARE(layouter.latestGeneration(), all.last());
    QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && spy.last().at(0).value<quint64>() == all.last(), 30'000);
    const GraphLayout layout = spy.last().at(1).value<GraphLayout>();
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), m_demo.resources.size());
}

void tst_graphlayout::twoLayoutersAtOnce()
{
    // Both share the one Graphviz thread; each gets its own answer.
    GraphLayouter first;
    auto second = std::make_unique<GraphLayouter>();
    QSignalSpy firstSpy(&first, &GraphLayouter::laidOut);
    QSignalSpy secondSpy(second.get(), &GraphLayouter::laidOut);
    first.request(GraphLayoutInput::fromPlan(m_demo));
    second->request(GraphLayoutInput::fromPlan(
        bench::randomDag({200, 3, 20}, 1, QStringLiteral("sim"), [](Resource &, QRandomGenerator &) {})));
    QTRY_COMPARE_WITH_TIMEOUT(firstSpy.size(), 1, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(secondSpy.size(), 1, 30'000);
    QCOMPARE(firstSpy.first().at(1).value<GraphLayout>().nodes.size(), 30);
    QCOMPARE(secondSpy.first().at(1).value<GraphLayout>().nodes.size(), 200);

    // A layouter deleted while its request is queued or running is simply not answered.
    second->request(GraphLayoutInput::fromPlan(m_demo));
    second.reset();
    const GraphLayout after = layOut(first, GraphLayoutInput::fromPlan(m_demo));
    QVERIFY2(after.isValid(), qPrintable(after.error));
}

void tst_graphlayout::largeRandomPlan()
{
    const Plan plan = bench::randomDag({1000, 3, 50}, 42, QStringLiteral("sim"), [](Resource &, QRandomGenerator &) {});
    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, GraphLayoutInput::fromPlan(plan));
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), 1000);
    verifyNoOverlap(layout);
    for (const GraphLayout::Edge &edge : layout.edges)
        QVERIFY(layout.nodes[edge.from].bottom() < layout.nodes[edge.to].top());
}

void tst_graphlayout::unconnectedPartsArePackedInRows()
{
    // Like an imported Compose file of independent services, or a Terraform plan of independent
    // modules: 24 single resources, three groups of two, and one chain of three. dot alone would
    // put them all in one row, far wider than a window.
    Plan plan;
    plan.name = QStringLiteral("parts");
    for (const char *group : {"module.a", "module.b", "module.c"})
        plan.groups.append(Group{QString::fromLatin1(group), QString(), 0});
    auto add = [&plan](const QString &id, const QStringList &dependsOn = {}, const QString &group = QString()) {
        addSim(plan, id, dependsOn, group);
    };
    for (int i = 0; i < 24; ++i)
        add(QStringLiteral("single-%1").arg(i));
    for (const Group &group : std::as_const(plan.groups)) {
        add(group.name + QStringLiteral(".x"), {}, group.name);
        add(group.name + QStringLiteral(".y"), {}, group.name); // no dependency: the group holds them together
    }
    add(QStringLiteral("vpc"));
    add(QStringLiteral("subnet"), {QStringLiteral("vpc")});
    add(QStringLiteral("db"), {QStringLiteral("subnet")});

    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, GraphLayoutInput::fromPlan(plan));
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), plan.resources.size());
    QCOMPARE(layout.edges.size(), 2);
    QCOMPARE(layout.clusters.size(), 3);
    verifyNoOverlap(layout);
    // About the shape of a window, not a ribbon.
    QVERIFY2(layout.bounds.width() < 3 * layout.bounds.height(),
             qPrintable(QStringLiteral("%1 x %2").arg(layout.bounds.width()).arg(layout.bounds.height())));
    for (const QRectF &node : layout.nodes)
        QVERIFY(layout.bounds.contains(node));
    // Each group's box still holds its members, and the chain still reads downwards.
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        const QString group = plan.groups[cluster.group].name;
        for (int i = 0; i < plan.resources.size(); ++i) {
            if (plan.resources[i].group == group)
                QVERIFY(cluster.rect.contains(layout.nodes[i]));
        }
    }
    const int vpc = plan.indexOf(QStringLiteral("vpc"));
    const int db = plan.indexOf(QStringLiteral("db"));
    QVERIFY(layout.nodes[vpc].bottom() < layout.nodes[db].top());
    for (const GraphLayout::Edge &edge : layout.edges) {
        QVERIFY(!edge.path.isEmpty());
        QVERIFY(layout.bounds.adjusted(-1, -1, 1, 1).contains(edge.arrowTip));
    }
}

void tst_graphlayout::pinnedNodes_data()
{
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<QList<QPointF>>("pins");

    QTest::newRow("far below") << QStringList{QStringLiteral("app")} << QList<QPointF>{{900, 1400}};
    QTest::newRow("negative coordinates") << QStringList{QStringLiteral("vpc")} << QList<QPointF>{{-400, -250}};
    QTest::newRow("beside its dependency") << QStringList{QStringLiteral("app")} << QList<QPointF>{{-200, 0}};
    QTest::newRow("group member moved out") << QStringList{QStringLiteral("db")} << QList<QPointF>{{700, 60}};
    QTest::newRow("whole chain moved alike") << QStringList{QStringLiteral("subnet"), QStringLiteral("db")}
                                             << QList<QPointF>{}; // filled in below: both by the same offset
    QTest::newRow("lone resource") << QStringList{QStringLiteral("lone")} << QList<QPointF>{{-50, 600}};
    QTest::newRow("pinned where it is") << QStringList{QStringLiteral("cache")} << QList<QPointF>{};
}

void tst_graphlayout::pinnedNodes()
{
    QFETCH(QStringList, ids);
    QFETCH(QList<QPointF>, pins);

    // vpc -> subnet -> db (subnet and db in group "data") -> app; cache beside; lone on its own.
    Plan plan;
    plan.name = QStringLiteral("pins");
    plan.groups.append(Group{QStringLiteral("data"), QStringLiteral("Data tier"), 0});
    addSim(plan, QStringLiteral("vpc"), {}, QString());
    addSim(plan, QStringLiteral("subnet"), {QStringLiteral("vpc")}, QStringLiteral("data"));
    addSim(plan, QStringLiteral("db"), {QStringLiteral("subnet")}, QStringLiteral("data"));
    addSim(plan, QStringLiteral("app"), {QStringLiteral("db"), QStringLiteral("vpc")}, QString());
    addSim(plan, QStringLiteral("cache"), {QStringLiteral("vpc")}, QString());
    addSim(plan, QStringLiteral("lone"), {}, QString());

    GraphLayouter layouter;
    const GraphLayout automatic = layOut(layouter, GraphLayoutInput::fromPlan(plan));
    QVERIFY2(automatic.isValid(), qPrintable(automatic.error));
    if (pins.isEmpty()) { // relative to the automatic layout
        for (const QString &id : std::as_const(ids))
            pins.append(automatic.nodes[plan.indexOf(id)].center() + (QTest::currentDataTag() == QByteArray("pinned where it is") ? QPointF() : QPointF(300, 120)));
    }
    for (int i = 0; i < ids.size(); ++i)
        plan.positions.insert(ids[i], pins[i]);

    const GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    for (int i = 0; i < ids.size(); ++i)
        QCOMPARE(input.nodes[plan.indexOf(ids[i])].pinned, std::optional<QPointF>(pins[i]));
    const GraphLayout layout = layOut(layouter, input);
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), plan.resources.size());
    QCOMPARE(layout.edges.size(), automatic.edges.size());

    // Pinned centres exactly where the plan says; the rest where the layout put them.
    for (int i = 0; i < ids.size(); ++i) {
        const QRectF node = layout.nodes[plan.indexOf(ids[i])];
        QCOMPARE(node.center(), pins[i]);
        QCOMPARE(node.size(), automatic.nodes[plan.indexOf(ids[i])].size());
    }
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (!ids.contains(plan.resources[r].id))
            QCOMPARE(layout.nodes[r], automatic.nodes[r]);
    }
    // Every edge still runs from its dependency's border to its dependent's.
    for (const GraphLayout::Edge &edge : layout.edges) {
        QVERIFY(edge.path.size() >= 4);
        const QString what = plan.resources[edge.from].id + QStringLiteral(" -> ") + plan.resources[edge.to].id;
        QVERIFY2(distanceToBorder(layout.nodes[edge.from], edge.path.constFirst()) < 4, qPrintable(what));
        QVERIFY2(distanceToBorder(layout.nodes[edge.to], edge.arrowTip) < 4, qPrintable(what));
        QVERIFY2(QLineF(edge.path.constLast(), edge.arrowTip).length() < 12, qPrintable(what)); // room for the arrowhead
    }
    // The group's box holds its members and its label; the bounds hold everything.
    QCOMPARE(layout.clusters.size(), 1);
    const GraphLayout::Cluster &cluster = layout.clusters.constFirst();
    for (const QString &member : {QStringLiteral("subnet"), QStringLiteral("db")})
        QVERIFY(cluster.rect.contains(layout.nodes[plan.indexOf(member)]));
    QVERIFY(cluster.rect.contains(cluster.labelRect));
    QVERIFY(!cluster.labelRect.intersects(layout.nodes[plan.indexOf(QStringLiteral("subnet"))]));
    const QRectF bounds = layout.bounds.adjusted(-0.5, -0.5, 0.5, 0.5);
    for (const QRectF &node : layout.nodes)
        QVERIFY(bounds.contains(node));
    QVERIFY(bounds.contains(cluster.rect));
    for (const GraphLayout::Edge &edge : layout.edges) {
        for (const QPointF &p : edge.path)
            QVERIFY(bounds.contains(p));
        QVERIFY(bounds.contains(edge.arrowTip));
    }
}

void tst_graphlayout::verifyDrawing(const Plan &plan, const GraphLayout &layout)
{
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    QCOMPARE(layout.nodes.size(), plan.resources.size());
    verifyNoOverlap(layout);
    if (QTest::currentTestFailed())
        return;
    const QRectF bounds = layout.bounds.adjusted(-1, -1, 1, 1);
    for (const QRectF &node : layout.nodes)
        QVERIFY(bounds.contains(node));
    const PlanGraph graph(plan);
    int dependencies = 0;
    for (int r = 0; r < graph.size(); ++r)
        dependencies += int(graph.dependencies(r).size());
    QCOMPARE(layout.edges.size(), dependencies);
    for (const GraphLayout::Edge &edge : layout.edges) {
        const QString name = plan.resources[edge.from].id + QStringLiteral(" -> ") + plan.resources[edge.to].id;
        QVERIFY2(edge.path.size() >= 4 && (edge.path.size() - 1) % 3 == 0, qPrintable(name));
        QVERIFY2(distanceToBorder(layout.nodes[edge.from], edge.path.first()) < 3, qPrintable(name + QStringLiteral(" starts away from its dependency")));
        QVERIFY2(distanceToBorder(layout.nodes[edge.to], edge.arrowTip) < 3, qPrintable(name + QStringLiteral(" ends away from its dependent")));
        for (qsizetype p = 0; p < edge.path.size(); p += 3) // the curve's ends; control points may lie outside
            QVERIFY2(bounds.contains(edge.path[p]), qPrintable(name + QStringLiteral(" leaves the drawing")));
    }
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        for (int r = 0; r < plan.resources.size(); ++r) {
            const bool member = plan.resources[r].group == plan.groups[cluster.group].name;
            QVERIFY2(cluster.rect.contains(layout.nodes[r]) == member, qPrintable(plan.resources[r].id));
        }
    }
}

// Like an OCI landing zone: 12 module instances of a compartment and 18 resources each, all under
// one tenancy. dot alone draws the modules side by side and each fan-out in one rank: a drawing 72
// times wider than tall. Packed, the modules come in rows and columns, and each fan-out of alike
// resources in a grid under its parent.
void tst_graphlayout::modulesAndFanOutsArePackedInGrids()
{
    const Plan plan = bench::landingZone(12, 16);
    GraphLayouter layouter;
    GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    const GraphLayout layout = layOut(layouter, input);
    verifyDrawing(plan, layout);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!layout.leftToRight);
    QVERIFY2(layout.aspect() > input.aspect / 3 && layout.aspect() < input.aspect * 3, qPrintable(QString::number(layout.aspect())));
    QCOMPARE(layout.clusters.size(), 12);
    // Modules in rows: more than one, and more than one module in a row.
    QList<qreal> rowTops;
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        if (!rowTops.contains(cluster.rect.top()))
            rowTops.append(cluster.rect.top());
    }
    QVERIFY2(rowTops.size() >= 2 && rowTops.size() <= 6, qPrintable(QString::number(rowTops.size())));
    // The 14 policies alike (the other two have a dependent) in a grid: rows of several.
    QHash<qreal, int> policiesInRow;
    for (int r = 0; r < plan.resources.size(); ++r) {
        if (plan.resources[r].id.startsWith(QLatin1String("module.zone[0].policy_")))
            ++policiesInRow[layout.nodes[r].top()];
    }
    QVERIFY2(policiesInRow.size() >= 3, qPrintable(QString::number(policiesInRow.size())));
    // Still read downwards: the tenancy above every compartment, each compartment above its policies.
    const QRectF tenancy = layout.nodes[plan.indexOf(QStringLiteral("tenancy"))];
    for (const GraphLayout::Edge &edge : layout.edges)
        QVERIFY(layout.nodes[edge.from].bottom() < layout.nodes[edge.to].top());
    QVERIFY(tenancy.bottom() < layout.nodes[plan.indexOf(QStringLiteral("module.zone[11].compartment"))].top());
}

void tst_graphlayout::realPlansFitTheWindow_data()
{
    QTest::addColumn<Plan>("plan");
    QTest::newRow("landing zone") << bench::landingZone(12, 16);
    QTest::newRow("EKS-like terraform graph") << bench::eksLike();
    QDirIterator files(QStringLiteral(FANOUT_CORPUS), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        if (path.endsWith(QLatin1String(".md")))
            continue;
        const PlanReadResult read = PlanImporter::readFile(path, ExecutorRegistry::builtIn());
        if (read.plan.resources.size() >= 10)
            QTest::newRow(qPrintable(QFileInfo(path).fileName())) << read.plan;
    }
}

// Every plan of the corpus, and the shapes above, within three times the window's shape either
// way (cfnlint_quickstart_vpc_77res: 14 times wider than tall before; drawn left to right now).
void tst_graphlayout::realPlansFitTheWindow()
{
    QFETCH(Plan, plan);
    GraphLayouter layouter;
    const GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    const GraphLayout layout = layOut(layouter, input);
    verifyDrawing(plan, layout);
    QVERIFY2(layout.aspect() > input.aspect / 3 && layout.aspect() < input.aspect * 3,
             qPrintable(QStringLiteral("%1 x %2").arg(layout.bounds.width()).arg(layout.bounds.height())));
}

// Auto draws a shallow, wide plan left to right; either way can be asked for.
void tst_graphlayout::directionCanBeChosen()
{
    const PlanReadResult read = PlanImporter::readFile(QStringLiteral(FANOUT_CORPUS "/cloudformation/cfnlint_quickstart_vpc_77res.json"),
                                                       ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    GraphLayouter layouter;
    GraphLayoutInput input = GraphLayoutInput::fromPlan(read.plan);
    QVERIFY(layOut(layouter, input).leftToRight);
    input.direction = GraphLayoutInput::Direction::TopToBottom;
    const GraphLayout down = layOut(layouter, input);
    verifyDrawing(read.plan, down);
    QVERIFY(!down.leftToRight);
    for (const GraphLayout::Edge &edge : down.edges)
        QVERIFY(down.nodes[edge.from].bottom() < down.nodes[edge.to].top());
    input.direction = GraphLayoutInput::Direction::LeftToRight;
    const GraphLayout across = layOut(layouter, input);
    verifyDrawing(read.plan, across);
    QVERIFY(across.leftToRight);
    for (const GraphLayout::Edge &edge : across.edges) {
        QVERIFY(across.nodes[edge.from].right() < across.nodes[edge.to].left());
        QVERIFY(edge.path.last().x() < edge.arrowTip.x()); // the arrowhead points right
    }
    // Boxes keep their size: text runs across either way.
    for (int r = 0; r < read.plan.resources.size(); ++r)
        QCOMPARE(across.nodes[r].size(), input.nodes[r].size);
}

QTEST_GUILESS_MAIN(tst_graphlayout)
#include "tst_graphlayout.moc"
