// The dashboard learns its plan's estimates from the run history off the GUI thread
// (EstimateLearner), gives them to the deployment, and shows them in the resources table's Estimate
// column with where each came from.
#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "models/run/estimatelearner.h"
#include "models/run/resourcetablemodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

Plan readPlan(const json &document)
{
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    if (read.hasErrors())
        qFatal("a test plan has errors: %s", qPrintable(read.diagnostics.constFirst().message));
    return read.plan;
}

const json kPlan = {{"name", "pair"},
                    {"resources", json::array({{{"id", "db"}, {"type", "sim"}, {"duration", "50ms"}},
                                               {{"id", "app"}, {"type", "sim"}, {"duration", "10ms"}, {"estimate", "3s"}}})}};

// A run in which db took `ms`.
json reportOf(qint64 ms)
{
    return {{"fanout_version", "test"},
            {"plan", {{"name", "pair"}, {"file", "pair.json"}}},
            {"settings", {{"parallelism", 4}, {"fail_fast", false}}},
            {"started_at", "2026-12-04T10:00:00.000Z"},
            {"duration_ms", ms},
            {"outcome", "succeeded"},
            {"resources", json::array({{{"id", "db"},
                                        {"attempts", json::array({{{"number", 1}, {"ready_ms", 0}, {"start_ms", 0}, {"end_ms", ms},
                                                                   {"outcome", "succeeded"}, {"error", nullptr}}})}}})}};
}

} // namespace

class tst_estimatelearner : public QObject
{
    Q_OBJECT

private slots:
    void learnsWhenAPlanOpensAndShowsWhere();
    void anUnreadableHistoryIsSaidOnce();
};

void tst_estimatelearner::learnsWhenAPlanOpensAndShowsWhere()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const Plan plan = readPlan(kPlan);
    {
        RunHistory history(path);
        for (const qint64 ms : {4000, 5000, 6000})
            QVERIFY(history.record(QStringLiteral("run"), reportOf(ms), plan));
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    ResourceTableModel model(deployment);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EstimateLearner learner(deployment, ExecutorRegistry::builtIn(), path);
    QSignalSpy learned(&learner, &EstimateLearner::learned);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    deployment.open(plan, QStringLiteral("pair.json"), QString());
    QCOMPARE(model.headerData(ResourceTableModel::EstimateColumn, Qt::Horizontal).toString(), QStringLiteral("Estimate"));
    // Until the learning (on another thread) is done: the plan's and executors' figures.
    QCOMPARE(model.index(1, ResourceTableModel::EstimateColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("Expected 3s: plan estimate"));
    QCOMPARE(model.index(0, ResourceTableModel::EstimateColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("Expected 50ms: executor default"));
    QTRY_COMPARE(learned.size(), 1);
    QVERIFY(deployment.hasLearnedEstimates());
    QCOMPARE(deployment.estimateMs(0), 5000);
    QVERIFY(!changed.isEmpty());
    const QModelIndex db = model.index(0, ResourceTableModel::EstimateColumn);
    QCOMPARE(db.data().toString(), QStringLiteral("5s"));
    QCOMPARE(db.data(ResourceTableModel::SortRole).toLongLong(), 5000);
    QCOMPARE(db.data(Qt::ToolTipRole).toString(), QStringLiteral("Expected 5s (4.2s-5.8s): this definition, 3 runs"));
    // app never ran: what sim resources took comes before its plan estimate.
    const QModelIndex app = model.index(1, ResourceTableModel::EstimateColumn);
    QCOMPARE(app.data().toString(), QStringLiteral("5s"));
    QCOMPARE(app.data(Qt::ToolTipRole).toString(), QStringLiteral("Expected 5s (4.2s-5.8s): type sim, 3 attempts"));

    // An edit forgets them and learns again: db's definition changed, so its id's figures.
    Plan edited = plan;
    edited.resources[0].params["duration"] = "60ms";
    deployment.setPlan(edited);
    QTRY_COMPARE(learned.size(), 2);
    QVERIFY(model.index(0, ResourceTableModel::EstimateColumn).data(Qt::ToolTipRole).toString().endsWith(QLatin1String("this resource, 3 runs")));
}

void tst_estimatelearner::anUnreadableHistoryIsSaidOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    Deployment deployment(ExecutorRegistry::builtIn());
    EstimateLearner learner(deployment, ExecutorRegistry::builtIn(), path);
    QSignalSpy failed(&learner, &EstimateLearner::learnFailed);
    deployment.open(readPlan(kPlan), QStringLiteral("pair.json"), QString());
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("Cannot read the run history")), qPrintable(failed.at(0).at(0).toString()));
    learner.relearn();
    learner.waitForLearning();
    QTest::qWait(50);
    QCOMPARE(failed.size(), 1);
    QVERIFY(!deployment.hasLearnedEstimates());
    QCOMPARE(deployment.estimateMs(0), 50);
}

QTEST_MAIN(tst_estimatelearner)
#include "tst_estimatelearner.moc"
