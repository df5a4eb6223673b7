#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"

#include <QTest>

using namespace fanout;

namespace {

// "b:a c:a,b" -> resources b (depends on a) and c (depends on a and b); "a" alone has none.
Plan planOf(const QString &spec)
{
    Plan plan;
    plan.name = QStringLiteral("t");
    for (const QString &entry : spec.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        Resource r;
        const QStringList parts = entry.split(QLatin1Char(':'));
        r.id = parts[0];
        r.type = QStringLiteral("sim");
        if (parts.size() > 1)
            r.dependsOn = parts[1].split(QLatin1Char(','), Qt::SkipEmptyParts);
        plan.resources.append(r);
    }
    return plan;
}

QStringList ids(const Plan &plan, const std::vector<int> &indices)
{
    QStringList result;
    for (const int i : indices)
        result.append(plan.resources[i].id);
    return result;
}

} // namespace

class tst_PlanGraph : public QObject
{
    Q_OBJECT

private slots:
    void edges();
    void topologicalOrderKeepsPlanOrder();
    void cycles_data();
    void cycles();
    void longChainHasNoRecursionLimit();
    void remainingPathLengths();
    void longestPath();
    void upstreamAndDownstream();
    void impliedDependencies_data();
    void impliedDependencies();
    void impliedDependenciesAcrossBlocks();
};

void tst_PlanGraph::edges()
{
    const Plan plan = planOf(QStringLiteral("a b:a c:a,b,unknown,c,a"));
    const PlanGraph graph(plan);
    QCOMPARE(graph.size(), 3);
    QCOMPARE(ids(plan, graph.dependencies(2)), (QStringList{"a", "b"})); // unknown, self and repeats left out
    QCOMPARE(ids(plan, graph.dependents(0)), (QStringList{"b", "c"}));
}

void tst_PlanGraph::topologicalOrderKeepsPlanOrder()
{
    const Plan plan = planOf(QStringLiteral("web:db db:net net cache:net"));
    const PlanGraph graph(plan);
    QVERIFY(graph.isAcyclic());
    QCOMPARE(ids(plan, graph.topologicalOrder()), (QStringList{"net", "db", "web", "cache"}));
}

void tst_PlanGraph::cycles_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QStringList>("cycles");
    QTest::newRow("none") << "a b:a" << QStringList{};
    QTest::newRow("three") << "a:b b:c c:a" << QStringList{"a -> b -> c -> a"};
    QTest::newRow("two separate") << "a:b b:a x y:z z:y" << QStringList{"a -> b -> a", "y -> z -> y"};
    QTest::newRow("shortest way back") << "a:b,c b:c c:a" << QStringList{"a -> c -> a"};
    QTest::newRow("cycle behind a tail") << "t:a a:b b:a" << QStringList{"a -> b -> a"};
}

void tst_PlanGraph::cycles()
{
    QFETCH(QString, spec);
    QFETCH(QStringList, cycles);
    const Plan plan = planOf(spec);
    const PlanGraph graph(plan);
    QStringList found;
    for (const QList<int> &cycle : graph.cycles())
        found.append(ids(plan, std::vector<int>(cycle.begin(), cycle.end())).join(QStringLiteral(" -> ")));
    QCOMPARE(found, cycles);
    QCOMPARE(graph.isAcyclic(), cycles.isEmpty());
}

void tst_PlanGraph::longChainHasNoRecursionLimit()
{
    Plan plan;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) {
        Resource r;
        r.id = QString::number(i);
        if (i > 0)
            r.dependsOn = {QString::number(i - 1)};
        plan.resources.append(r);
    }
    plan.resources[0].dependsOn = {QString::number(n - 1)}; // one cycle through all of them
    const PlanGraph graph(plan);
    const auto cycles = graph.cycles();
    QCOMPARE(cycles.size(), 1);
    QCOMPARE(cycles[0].size(), n + 1);
}

void tst_PlanGraph::remainingPathLengths()
{
    // a(1) -> b(5) -> d(1); a -> c(2) -> d
    const Plan plan = planOf(QStringLiteral("a b:a c:a d:b,c"));
    const PlanGraph graph(plan);
    const std::vector<qint64> lengths = graph.remainingPathLengths({1, 5, 2, 1});
    QCOMPARE(lengths, (std::vector<qint64>{7, 6, 3, 1}));
}

void tst_PlanGraph::longestPath()
{
    // a(1) -> b(5) -> d(1); a -> c(2) -> d; e(6) alone: a, b, d (7) is longer than e (6).
    const Plan plan = planOf(QStringLiteral("a b:a c:a d:b,c e"));
    const PlanGraph graph(plan);
    QCOMPARE(graph.longestPath({1, 5, 2, 1, 6}), (QList<int>{0, 1, 3}));
    // c longer than b now: the path goes through it; e longest of all alone.
    QCOMPARE(graph.longestPath({1, 1, 3, 1, 4}), (QList<int>{0, 2, 3}));
    QCOMPARE(graph.longestPath({1, 1, 3, 1, 9}), (QList<int>{4}));
    // Ties go to plan order.
    QCOMPARE(graph.longestPath({1, 2, 2, 1, 0}), (QList<int>{0, 1, 3}));
    QVERIFY(PlanGraph(planOf(QStringLiteral("a:b b:a"))).longestPath({1, 1}).isEmpty());
    QVERIFY(PlanGraph(Plan()).longestPath({}).isEmpty());
}

void tst_PlanGraph::upstreamAndDownstream()
{
    const Plan plan = planOf(QStringLiteral("a b:a c:b d:a e"));
    const PlanGraph graph(plan);
    QCOMPARE(ids(plan, graph.upstream(2)), (QStringList{"a", "b"}));
    QCOMPARE(ids(plan, graph.downstream(0)), (QStringList{"b", "c", "d"}));
    QVERIFY(graph.downstream(4).empty());
}


void tst_PlanGraph::impliedDependencies_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("implied"); // "dependent:dependency" pairs

    QTest::newRow("a -> b -> c, and a -> c") << "a b:a c:a,b" << "c:a";
    QTest::newRow("chain") << "a b:a c:b d:c" << "";
    QTest::newRow("diamond") << "a b:a c:a d:b,c" << "";
    QTest::newRow("diamond and a shortcut") << "a b:a c:a d:b,c,a" << "d:a";
    QTest::newRow("longer way round") << "a b:a c:b d:c e:d,a,b" << "e:a e:b";
    QTest::newRow("dependency listed after") << "c:b,a b:a a" << "c:a";
    QTest::newRow("independent") << "a b c:a,b" << "";
    QTest::newRow("cycle: nothing hidden") << "a:c b:a c:a,b" << "";
}

void tst_PlanGraph::impliedDependencies()
{
    QFETCH(QString, spec);
    QFETCH(QString, implied);
    const Plan plan = planOf(spec);
    const PlanGraph graph(plan);
    const std::vector<std::vector<int>> found = graph.impliedDependencies();
    QCOMPARE(int(found.size()), plan.resources.size());
    QStringList pairs;
    for (int r = 0; r < plan.resources.size(); ++r) {
        for (const QString &dependency : ids(plan, found[r]))
            pairs.append(plan.resources[r].id + QLatin1Char(':') + dependency);
    }
    QCOMPARE(pairs.join(QLatin1Char(' ')), implied);
    // The plan's own dependencies stay: hiding is for drawing only.
    QCOMPARE(int(graph.dependencies(plan.indexOf(QStringLiteral("c"))).size()),
             plan.resources[plan.indexOf(QStringLiteral("c"))].dependsOn.size());
}

void tst_PlanGraph::impliedDependenciesAcrossBlocks()
{
    // A chain of 10,000 where each also waits for the first: reachability is kept a block of
    // positions at a time, and the first is in another block than most of the chain.
    Plan plan;
    const int n = 10'000;
    for (int i = 0; i < n; ++i) {
        Resource r;
        r.id = QStringLiteral("r%1").arg(i);
        r.type = QStringLiteral("sim");
        if (i > 0)
            r.dependsOn = {QStringLiteral("r%1").arg(i - 1), QStringLiteral("r0")};
        if (i == n - 1)
            r.dependsOn.append(QStringLiteral("r%1").arg(n / 2)); // far back, in another block
        plan.resources.append(r);
    }
    const PlanGraph graph(plan);
    const auto implied = graph.impliedDependencies();
    QVERIFY(implied[0].empty());
    QVERIFY(implied[1].empty()); // r0 is its only dependency
    QCOMPARE(implied[2], std::vector<int>{0});
    QCOMPARE(implied[5000], std::vector<int>{0});
    QCOMPARE(implied[n - 1], (std::vector<int>{0, n / 2}));
}

QTEST_GUILESS_MAIN(tst_PlanGraph)
#include "tst_plangraph.moc"
