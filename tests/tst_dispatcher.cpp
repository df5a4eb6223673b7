#include "engine/plan/plan.h"
#include "engine/run/dispatcher.h"

#include <QTest>

using namespace fanout;

namespace {

Plan chainsPlan()
{
    // Two chains: long1 -> long2 -> long3 and short1; plus x, independent.
    Plan plan;
    auto add = [&](const QString &id, const QStringList &deps) {
        Resource r;
        r.id = id;
        r.type = QStringLiteral("sim");
        r.dependsOn = deps;
        plan.resources.append(r);
    };
    add(QStringLiteral("short1"), {});
    add(QStringLiteral("x"), {});
    add(QStringLiteral("long1"), {});
    add(QStringLiteral("long2"), {QStringLiteral("long1")});
    add(QStringLiteral("long3"), {QStringLiteral("long2")});
    return plan;
}

Plan independentPlan(int count)
{
    Plan plan;
    for (int i = 0; i < count; ++i) {
        Resource r;
        r.id = QString::number(i);
        r.type = QStringLiteral("sim");
        plan.resources.append(r);
    }
    return plan;
}

} // namespace

class tst_Dispatcher : public QObject
{
    Q_OBJECT

private slots:
    void criticalPathFirst();
    void firstComeInReadyOrder();
    void respectsLimit();
    void respectsGroupLimits();
    void changingTheLimit();
    void satisfyReleasesDependents();
    void removeAndClear();
};

void tst_Dispatcher::criticalPathFirst()
{
    const Plan plan = chainsPlan();
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, {1, 1, 1, 1, 1}, {-1, -1, -1, -1, -1}, {}, 1);
    for (const int r : {0, 1, 2})
        dispatcher.enqueue(r);
    QCOMPARE(dispatcher.takeNext(), 2);   // long1: three to go
    QCOMPARE(dispatcher.takeNext(), -1);  // limit 1
    dispatcher.release(2);
    QCOMPARE(dispatcher.takeNext(), 0);   // then plan order among equals
    dispatcher.release(0);
    QCOMPARE(dispatcher.takeNext(), 1);
}

void tst_Dispatcher::firstComeInReadyOrder()
{
    const Plan plan = chainsPlan();
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, {1, 1, 1, 1, 1}, {-1, -1, -1, -1, -1}, {}, 1, Dispatcher::Order::FirstCome);
    for (const int r : {1, 2, 0})
        dispatcher.enqueue(r);
    QCOMPARE(dispatcher.takeNext(), 1);
    dispatcher.release(1);
    QCOMPARE(dispatcher.takeNext(), 2);
    dispatcher.release(2);
    QCOMPARE(dispatcher.takeNext(), 0);
}

void tst_Dispatcher::respectsLimit()
{
    const Plan plan = independentPlan(10);
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, std::vector<qint64>(10, 1), std::vector<int>(10, -1), {}, 3);
    for (int r = 0; r < 10; ++r)
        dispatcher.enqueue(r);
    QCOMPARE(dispatcher.readyCount(), 10);
    QVERIFY(dispatcher.takeNext() >= 0);
    QVERIFY(dispatcher.takeNext() >= 0);
    QVERIFY(dispatcher.takeNext() >= 0);
    QCOMPARE(dispatcher.takeNext(), -1);
    QCOMPARE(dispatcher.running(), 3);
    QCOMPARE(dispatcher.readyCount(), 7);
}

void tst_Dispatcher::respectsGroupLimits()
{
    const Plan plan = independentPlan(6);
    const PlanGraph graph(plan);
    // 0..3 in group 0 (limit 2), 4 and 5 in group 1 (no limit); 0..3 have the longest paths.
    Dispatcher dispatcher(graph, {9, 9, 9, 9, 1, 1}, {0, 0, 0, 0, 1, 1}, {2, 0}, 10);
    for (int r = 0; r < 6; ++r)
        dispatcher.enqueue(r);
    QList<int> started;
    for (int r = dispatcher.takeNext(); r >= 0; r = dispatcher.takeNext())
        started.append(r);
    QCOMPARE(started, (QList<int>{0, 1, 4, 5})); // the group is full after two; the rest go on
    QCOMPARE(dispatcher.runningInGroup(0), 2);
    dispatcher.release(0);
    QCOMPARE(dispatcher.takeNext(), 2);
    QCOMPARE(dispatcher.takeNext(), -1);
}

void tst_Dispatcher::changingTheLimit()
{
    const Plan plan = independentPlan(6);
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, std::vector<qint64>(6, 1), std::vector<int>(6, -1), {}, 1);
    for (int r = 0; r < 6; ++r)
        dispatcher.enqueue(r);
    QCOMPARE(dispatcher.takeNext(), 0);
    QCOMPARE(dispatcher.takeNext(), -1);
    dispatcher.setLimit(3);
    QCOMPARE(dispatcher.takeNext(), 1);
    QCOMPARE(dispatcher.takeNext(), 2);
    QCOMPARE(dispatcher.takeNext(), -1);
    dispatcher.setLimit(1); // running ones go on, nothing new until below the limit
    dispatcher.release(0);
    QCOMPARE(dispatcher.takeNext(), -1);
    dispatcher.release(1);
    QCOMPARE(dispatcher.takeNext(), -1);
    dispatcher.release(2);
    QCOMPARE(dispatcher.takeNext(), 3);
}

void tst_Dispatcher::satisfyReleasesDependents()
{
    const Plan plan = chainsPlan();
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, {1, 1, 1, 1, 1}, {-1, -1, -1, -1, -1}, {}, 4);
    QCOMPARE(dispatcher.unmetDependencies(3), 1);
    QCOMPARE(dispatcher.satisfy(2), std::vector<int>{3});
    QCOMPARE(dispatcher.unmetDependencies(3), 0);
    QCOMPARE(dispatcher.satisfy(0), std::vector<int>{});
}

void tst_Dispatcher::removeAndClear()
{
    const Plan plan = chainsPlan();
    const PlanGraph graph(plan);
    Dispatcher dispatcher(graph, {1, 1, 1, 1, 1}, {-1, -1, -1, -1, -1}, {}, 4);
    dispatcher.enqueue(0);
    dispatcher.enqueue(1);
    dispatcher.enqueue(1); // twice is once
    QCOMPARE(dispatcher.readyCount(), 2);
    QVERIFY(dispatcher.remove(0));
    QVERIFY(!dispatcher.remove(0));
    QCOMPARE(dispatcher.readyCount(), 1);
    dispatcher.clear();
    QCOMPARE(dispatcher.readyCount(), 0);
    QCOMPARE(dispatcher.takeNext(), -1);
    QVERIFY(!dispatcher.isReady(1));
}

QTEST_GUILESS_MAIN(tst_Dispatcher)
#include "tst_dispatcher.moc"
