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
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QSettings>
#include <QTest>

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
    Q_ASSERT(!read.hasErrors());
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
    m_workspace->selection().select(vpc);
    QVERIFY(implied->isVisible());
    // A resource between them does not: it is not its own.
    m_workspace->selection().select(subnet);
    QVERIFY(!implied->isVisible());
    m_workspace->selection().select(-1);
    QVERIFY(!implied->isVisible());

    // View -> Show All Dependencies lays it out with the others.
    view->setShowAllDependencies(true);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut(), kLayoutTimeoutMs);
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

QTEST_MAIN(tst_GraphReading)
#include "tst_graphreading.moc"
