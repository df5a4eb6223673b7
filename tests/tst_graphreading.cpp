// Reading the Graph pane at a glance: dependencies that others imply are hidden until asked for,
// names too long for their box keep the part that tells them apart, hovering shows what a node or
// an edge connects; the Resources table fits its columns to what they hold.
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"
#include "ui/panes/resourcespane.h"
#include "models/run/resourcetablemodel.h"
#include "ui/window/mainwindow.h"
#include "tests/expect.h"

#include <QApplication>
#include <QHelpEvent>
#include <QAction>
#include <QFontMetricsF>
#include <QHeaderView>
#include <QTableView>
#include <QSettings>
#include <QTest>
#include <QToolTip>

#include <memory>

using namespace fanout;

namespace {

constexpr int kLayoutTimeoutMs = 30'000;

// app waits for subnet-a, which waits for vpc; app also names vpc: implied.
const char *kImpliedPlan = R"({
  "name": "implied",
  "resources": [
    {"id": "vpc", "type": "sim"},
    {"id": "subnet-a", "type": "sim", "depends_on": ["vpc"]},
    {"id": "app", "type": "sim", "depends_on": ["subnet-a", "vpc"]},
    {"id": "other", "type": "sim"}
  ]
})";

Plan readPlan(const QByteArray &text)
{
    const PlanReadResult read = PlanReader::readText(text, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    FANOUT_EXPECT(!read.hasErrors());
    return read.plan;
}

GraphEdgeItem *edgeBetween(GraphView *view, int from, int to)
{
    for (GraphEdgeItem *edge : view->graphScene()->edgeItems()) {
        if (edge->from() == from && edge->to() == to)
            return edge;
    }
    return nullptr;
}

} // namespace

class tst_GraphReading : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void impliedDependenciesHidden();
    void showAllDependenciesRemembered();
    void shortNames_data();
    void shortNames();
    void nodesKnowWhatOthersShare();
    void hoverNodeShowsItsEdges();
    void hoverEdgeNamesBothEnds();
    void resourceColumnsFitTheirContent();

private:
    void show(const Plan &plan);

    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<GraphPane> m_pane;
};

void tst_GraphReading::initTestCase()
{
    useTestSettings("tst_graphreading");
}

void tst_GraphReading::init()
{
    m_workspace = std::make_unique<Workspace>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<GraphPane>(*m_workspace);
    m_pane->resize(1000, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
}

void tst_GraphReading::cleanup()
{
    m_pane.reset();
    m_workspace.reset();
}

void tst_GraphReading::show(const Plan &plan)
{
    m_workspace->deployment().open(plan, QString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!m_pane->view()->isLayingOut(), kLayoutTimeoutMs);
    QVERIFY2(m_pane->view()->layoutError().isEmpty(), qPrintable(m_pane->view()->layoutError()));
}

void tst_GraphReading::impliedDependenciesHidden()
{
    const Plan plan = readPlan(kImpliedPlan);
    show(plan);
    GraphView *view = m_pane->view();
    const int vpc = plan.indexOf(QStringLiteral("vpc"));
    const int subnet = plan.indexOf(QStringLiteral("subnet-a"));
    const int app = plan.indexOf(QStringLiteral("app"));
    GraphEdgeItem *implied = edgeBetween(view, vpc, app);
    QVERIFY(implied);
    QVERIFY(!implied->isVisible());
    QVERIFY(edgeBetween(view, vpc, subnet)->isVisible());
    QVERIFY(edgeBetween(view, subnet, app)->isVisible());
    // The plan keeps the dependency: this is drawing only.
    QVERIFY(m_workspace->deployment().plan().resources[app].dependsOn.contains(QStringLiteral("vpc")));

    // Selecting either end shows it, with the selection's other edges.
    m_workspace->selection().select(app);
    QVERIFY(implied->isVisible());
    QVERIFY(implied->isEmphasised());
    // Drawn round the way that implies it, not behind the node in between.
    const QRectF between = view->nodeItem(subnet)->sceneRect();
    QVERIFY(!implied->path().intersects(between.adjusted(4, 4, -4, -4)));
    m_workspace->selection().select(vpc);
    QVERIFY(implied->isVisible());
    // A resource between them does not: it is not its own.
    m_workspace->selection().select(subnet);
    QVERIFY(!implied->isVisible());
    m_workspace->selection().select(-1);
    QVERIFY(!implied->isVisible());

    // View -> Show All Dependencies lays it out with the others.
    view->setShowAllDependencies(true);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut() && !view->isMovingToNewLayout(), kLayoutTimeoutMs);
    implied = edgeBetween(view, vpc, app);
    QVERIFY(implied);
    QVERIFY(implied->isVisible());
    QVERIFY(!implied->isImplied());
    m_workspace->selection().select(subnet);
    QVERIFY(implied->isVisible());
}

void tst_GraphReading::showAllDependenciesRemembered()
{
    QSettings().clear();
    {
        MainWindow window(MainWindow::Layout::Default);
        auto *action = window.findChild<QAction *>(QStringLiteral("showAllDependencies"));
        QVERIFY(action);
        QVERIFY(!action->isChecked());
        QVERIFY(!window.findChild<GraphView *>()->showsAllDependencies());
        action->trigger();
        QVERIFY(window.findChild<GraphView *>()->showsAllDependencies());
    }
    MainWindow window(MainWindow::Layout::Default);
    auto *action = window.findChild<QAction *>(QStringLiteral("showAllDependencies"));
    QVERIFY(action->isChecked());
    QVERIFY(window.findChild<GraphView *>()->showsAllDependencies());
}

void tst_GraphReading::shortNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("sharedTail");
    QTest::addColumn<QString>("room");     // the width of this text is what there is
    QTest::addColumn<QString>("expected");

    QTest::newRow("fits") << "vpc" << 0 << "vpc" << "vpc";
    QTest::newRow("the end, from a word") << "subnet-private-a" << 2 << "…private-a" << "…private-a";
    QTest::newRow("not the start") << "subnet-private-a" << 0 << "…private-ab" << "…private-a";
    QTest::newRow("terraform address") << "module.vpc.aws_route_table_association.public[2]" << 1
                                       << "…association.public[2]" << "…association.public[2]";
    QTest::newRow("terraform, narrow") << "module.vpc.aws_route_table_association.public[2]" << 1 << "…public[2]"
                                       << "…public[2]";
    QTest::newRow("CloudFormation: where it differs, and the end")
        << "PrivateSubnet2BRouteTableAssociation" << 21 << "…Subnet2B…Association" << "…Subnet2B…Association";
    QTest::newRow("CloudFormation, narrower: where it differs")
        << "PrivateSubnet2BRouteTableAssociation" << 21 << "…Subnet2B…" << "…Subnet2B…";
    QTest::newRow("CloudFormation, unlike the others: the end")
        << "PrivateSubnet2BRouteTableAssociation" << 0 << "…RouteTableAssociation" << "…RouteTableAssociation";
}

void tst_GraphReading::shortNames()
{
    QFETCH(QString, name);
    QFETCH(int, sharedTail);
    QFETCH(QString, room);
    QFETCH(QString, expected);
    QFont font;
    font.setPixelSize(12);
    const QFontMetricsF metrics(font);
    QCOMPARE(GraphNodeItem::shortName(name, metrics, metrics.horizontalAdvance(room), sharedTail), expected);
}

void tst_GraphReading::nodesKnowWhatOthersShare()
{
    const Plan plan = readPlan(R"({"name": "cfn", "resources": [
        {"id": "PrivateSubnet2ARouteTableAssociation", "type": "sim"},
        {"id": "PrivateSubnet2BRouteTableAssociation", "type": "sim"},
        {"id": "subnet-private-a", "type": "sim"},
        {"id": "subnet-public-a", "type": "sim"}]})");
    show(plan);
    GraphView *view = m_pane->view();
    QCOMPARE(view->nodeItem(0)->sharedTail(), 21); // RouteTableAssociation
    QCOMPARE(view->nodeItem(1)->sharedTail(), 21);
    QCOMPARE(view->nodeItem(2)->sharedTail(), 2); // -a
    QCOMPARE(view->nodeItem(3)->sharedTail(), 2);
}

void tst_GraphReading::hoverNodeShowsItsEdges()
{
    const Plan plan = readPlan(R"({"name": "hover", "resources": [
        {"id": "vpc", "type": "sim"},
        {"id": "subnet-a", "type": "sim", "depends_on": ["vpc"]},
        {"id": "app", "type": "sim", "depends_on": ["subnet-a", "vpc"]},
        {"id": "web", "type": "sim", "depends_on": ["app"]},
        {"id": "other", "type": "sim", "depends_on": ["vpc"]}]})");
    show(plan);
    GraphView *view = m_pane->view();
    const int vpc = 0, subnet = 1, app = 2, web = 3, other = 4;
    QTest::mouseMove(view->viewport(), view->mapFromScene(view->nodeItem(app)->sceneRect().center()));
    QCOMPARE(view->graphScene()->hoveredNode(), app);
    // Its neighbours stay, the rest fades.
    QVERIFY(!view->isFaded(app));
    QVERIFY(!view->isFaded(subnet));
    QVERIFY(!view->isFaded(web));
    QVERIFY(!view->isFaded(vpc)); // through the implied dependency, its own
    QVERIFY(view->isFaded(other));
    QVERIFY(edgeBetween(view, subnet, app)->isEmphasised());
    QVERIFY(edgeBetween(view, app, web)->isEmphasised());
    QVERIFY(edgeBetween(view, vpc, app)->isVisible());
    QVERIFY(!edgeBetween(view, vpc, subnet)->isEmphasised());
    QVERIFY(edgeBetween(view, vpc, subnet)->opacity() < 1.0);

    // Away from it, as before.
    const QPoint empty = view->mapFromScene(view->graphScene()->contentRect().topLeft()) + QPoint(2, 2);
    QTest::mouseMove(view->viewport(), empty);
    QCOMPARE(view->graphScene()->hoveredNode(), -1);
    for (int r = 0; r < plan.resources.size(); ++r)
        QVERIFY(!view->isFaded(r));
    QVERIFY(!edgeBetween(view, vpc, app)->isVisible());

    // With a selection, leaving the node shows the selection's fading again.
    m_workspace->selection().select(other);
    QVERIFY(view->isFaded(web));
    QTest::mouseMove(view->viewport(), view->mapFromScene(view->nodeItem(web)->sceneRect().center()));
    QVERIFY(!view->isFaded(web));
    QVERIFY(view->isFaded(other));
    QTest::mouseMove(view->viewport(), empty);
    QVERIFY(view->isFaded(web));
    QVERIFY(!view->isFaded(other));
}

void tst_GraphReading::hoverEdgeNamesBothEnds()
{
    const Plan plan = readPlan(R"({"name": "edge", "resources": [
        {"id": "vpc", "name": "Main VPC", "type": "sim"},
        {"id": "subnet-a", "type": "sim", "depends_on": ["vpc"]}]})");
    show(plan);
    GraphView *view = m_pane->view();
    GraphEdgeItem *edge = edgeBetween(view, 0, 1);
    QVERIFY(edge);
    // Hovering over it says what it means.
    const QPoint middle = view->mapFromScene(edge->path().pointAtPercent(0.5));
    QHelpEvent hover(QEvent::ToolTip, middle, view->viewport()->mapToGlobal(middle));
    QApplication::sendEvent(view->viewport(), &hover);
    QTRY_VERIFY2(QToolTip::text().startsWith(QStringLiteral("Main VPC → subnet-a")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("subnet-a depends on vpc")));
    QVERIFY(!edge->isEmphasised());
    QTest::mouseMove(view->viewport(), view->mapFromScene(edge->path().pointAtPercent(0.5)));
    QVERIFY(edge->isEmphasised());
    QTest::mouseMove(view->viewport(), view->mapFromScene(view->graphScene()->contentRect().topLeft()) + QPoint(2, 2));
    QVERIFY(!edge->isEmphasised());
}

void tst_GraphReading::resourceColumnsFitTheirContent()
{
    const QString longId = QStringLiteral("module.network.aws_route_table_association.private_subnets[12]");
    const QString longType = QStringLiteral("a-rather-long-type-name");
    Plan plan = readPlan(kImpliedPlan);
    plan.resources[0].id = longId;
    plan.resources[1].dependsOn = {longId};
    plan.resources[2].dependsOn = {QStringLiteral("subnet-a"), longId};
    plan.resources[3].group = QStringLiteral("a-group-with-a-long-name");
    plan.groups.append(Group{QStringLiteral("a-group-with-a-long-name"), QString()});
    ResourcesPane pane(*m_workspace);
    pane.resize(300, 400); // narrower than the content: columns keep their width, the table scrolls
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    m_workspace->deployment().open(plan, QString(), QString());
    QTableView *table = pane.view();
    const QFontMetrics metrics(table->font());
    QVERIFY(table->columnWidth(ResourceTableModel::IdColumn) >= metrics.horizontalAdvance(longId));
    QVERIFY(table->columnWidth(ResourceTableModel::GroupColumn) >= metrics.horizontalAdvance(plan.resources[3].group));

    // A column the user resized keeps its width when another plan opens.
    table->horizontalHeader()->resizeSection(ResourceTableModel::IdColumn, 80);
    m_workspace->deployment().open(readPlan(kImpliedPlan), QString(), QString());
    QCOMPARE(table->columnWidth(ResourceTableModel::IdColumn), 80);
}

QTEST_MAIN(tst_GraphReading)
#include "tst_graphreading.moc"
