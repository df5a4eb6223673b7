// The Targets pane: a plan's targets × its stack's resources, each cell its instance's state, and
// each target's own state (offscreen).
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/targetgridmodel.h"
#include "ui/panes/targetspane.h"

#include <QAbstractItemModelTester>
#include <QFile>
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
    void shippedRegionsPlanStopsAndOneClickResumes();
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
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("failed: retry"));
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

// resources/plans/regions.json as shipped, its durations cut to 30 ms: 12 regions, 3 at a time
// after the us-east-1 canary, a failure tolerance of 1, eu-central-1 and ap-south-1 failing.
void tst_targetgrid::shippedRegionsPlanStopsAndOneClickResumes()
{
    QFile file(QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(file.readAll().toStdString());
    for (auto &resource : document["resources"])
        resource["duration"] = "30ms";
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    QCOMPARE(read.plan.resources.size(), 74);
    QCOMPARE(read.plan.targets.size(), 12);

    Workspace workspace(ExecutorRegistry::builtIn());
    TargetsPane pane(workspace);
    TargetGridModel &model = *pane.model();
    Deployment &deployment = workspace.deployment();
    deployment.open(read.plan, QString(), QString());
    QCOMPARE(model.rowCount(), 12);
    QVERIFY(deployment.start());
    QTRY_VERIFY_WITH_TIMEOUT(!deployment.isRunning(), 30'000);

    // Stopped after the second failure: five regions never started, and say why.
    QStringList failed;
    QStringList notStarted;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.targetState(row) == TargetGridModel::TargetState::Failed)
            failed.append(model.targetAt(row));
        else if (model.targetState(row) == TargetGridModel::TargetState::NotStarted)
            notStarted.append(model.targetAt(row));
        else
            QCOMPARE(model.targetState(row), TargetGridModel::TargetState::Succeeded);
    }
    QCOMPARE(failed, (QStringList{"eu-central-1", "ap-south-1"}));
    QCOMPARE(notStarted, (QStringList{"sa-east-1", "ca-central-1", "eu-north-1", "af-south-1", "me-south-1"}));
    const int vpc = read.plan.indexOf(QStringLiteral("vpc@me-south-1"));
    QVERIFY2(deployment.status(vpc).reason.contains(QStringLiteral("failure tolerance of 1")), qPrintable(deployment.status(vpc).reason));
    QCOMPARE(deployment.state(read.plan.indexOf(QStringLiteral("global-endpoint"))), ResourceState::Skipped);

    // One click on eu-central-1's state retries its app (whose second attempt succeeds): one
    // failed region is within the tolerance again, so the regions never started go on.
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    int row = 0;
    while (row < model.rowCount() && model.targetAt(row) != QLatin1String("eu-central-1"))
        ++row;
    QVERIFY(row < model.rowCount());
    QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, Qt::NoModifier, pane.view()->visualRect(model.index(row, 0)).center());
    QTRY_VERIFY_WITH_TIMEOUT(deployment.isRunning(), 5'000);
    QTRY_VERIFY_WITH_TIMEOUT(!deployment.isRunning(), 30'000);
    for (int r = 0; r < model.rowCount(); ++r) {
        const auto expected = model.targetAt(r) == QLatin1String("ap-south-1") ? TargetGridModel::TargetState::Failed
                                                                               : TargetGridModel::TargetState::Succeeded;
        QVERIFY2(model.targetState(r) == expected, qPrintable(model.targetAt(r)));
    }
}

QTEST_MAIN(tst_targetgrid)
#include "tst_targetgrid.moc"
