// The Targets pane: a plan's targets × its stack's resources, each cell its instance's state, and
// each target's own state (offscreen).
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/targetgridmodel.h"
#include "ui/panes/targetspane.h"

#include <QAbstractItemModelTester>
#include <QTableView>
#include <QTest>

using namespace fanout;

namespace {

// A stack (net, then app) on 3 targets, as PlanReader expands it, and a shared DNS record that
// waits for every target's app. The app on us-east-1 fails.
Plan regions()
{
    Plan plan;
    plan.name = QStringLiteral("regions");
    QStringList apps;
    for (const QString &target : {QStringLiteral("eu-west-1"), QStringLiteral("us-east-1"), QStringLiteral("ap-south-1")}) {
        plan.targets.append({target, nlohmann::ordered_json::object()});
        for (const QString &set : {QStringLiteral("net"), QStringLiteral("app")}) {
            Resource r;
            r.id = set + QLatin1Char('@') + target;
            r.type = QStringLiteral("sim");
            r.params = {{"duration", "20ms"}};
            r.set = set;
            r.target = target;
            r.perTarget = true;
            if (set == QLatin1String("app")) {
                r.dependsOn = {QStringLiteral("net@") + target};
                apps.append(r.id);
                if (target == QLatin1String("us-east-1"))
                    r.params["fail_attempts"] = 5;
            }
            plan.resources.append(r);
        }
    }
    Resource dns;
    dns.id = QStringLiteral("dns");
    dns.type = QStringLiteral("sim");
    dns.params = {{"duration", "20ms"}};
    dns.dependsOn = apps;
    plan.resources.append(dns);
    return plan;
}

} // namespace

class tst_targetgrid : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings("tst_targetgrid"); }
    void gridFollowsTheRun();
    void noTargetsSaysWhatTheyAre();
};

void tst_targetgrid::gridFollowsTheRun()
{
    Workspace workspace(ExecutorRegistry::builtIn());
    TargetsPane pane(workspace);
    TargetGridModel &model = *pane.model();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Deployment &deployment = workspace.deployment();
    const Plan plan = regions();
    deployment.open(plan, QString(), QString());

    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 3); // the target's state, net, app: the shared dns is not a column
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("net"));
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("app"));
    QCOMPARE(model.headerData(1, Qt::Vertical).toString(), QStringLiteral("us-east-1"));
    QCOMPARE(model.resourceAt(model.index(1, 2)), plan.indexOf(QStringLiteral("app@us-east-1")));
    QCOMPARE(model.resourceAt(model.index(1, 0)), -1);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("waiting"));
    QVERIFY(pane.emptyText().isEmpty());

    QVERIFY(deployment.start());
    QTRY_VERIFY_WITH_TIMEOUT(!deployment.isRunning(), 20'000);
    QCOMPARE(model.targetState(0), TargetGridModel::TargetState::Succeeded);
    QCOMPARE(model.targetState(1), TargetGridModel::TargetState::Failed);
    QCOMPARE(model.targetState(2), TargetGridModel::TargetState::Succeeded);
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("failed"));
    QCOMPARE(model.index(1, 1).data().toString(), QStringLiteral("Succeeded"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("Failed"));
    QVERIFY(model.index(1, 2).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("app@us-east-1: Failed")));

    // A click on a cell selects that instance everywhere.
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    const QRect cell = pane.view()->visualRect(model.index(1, 2));
    QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
    QCOMPARE(workspace.selection().current(), plan.indexOf(QStringLiteral("app@us-east-1")));
}

void tst_targetgrid::noTargetsSaysWhatTheyAre()
{
    Workspace workspace(ExecutorRegistry::builtIn());
    TargetsPane pane(workspace);
    Plan plan;
    plan.name = QStringLiteral("flat");
    Resource vpc;
    vpc.id = QStringLiteral("vpc");
    vpc.type = QStringLiteral("sim");
    plan.resources.append(vpc);
    workspace.deployment().open(plan, QString(), QString());
    QCOMPARE(pane.model()->rowCount(), 0);
    QCOMPARE(pane.model()->columnCount(), 0);
    pane.show();
    QVERIFY(pane.emptyText().contains(QStringLiteral("no targets")));
}

QTEST_MAIN(tst_targetgrid)
#include "tst_targetgrid.moc"
