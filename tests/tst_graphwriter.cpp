#include "engine/executors/executorregistry.h"
#include "engine/plan/graphwriter.h"
#include "engine/plan/planreader.h"
#include "tests/expect.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace fanout;

namespace {

Plan samplePlan()
{
    // Built as JSON here rather than written out: quotes inside raw strings trip up moc 6.4.
    const nlohmann::ordered_json document = {
        {"name", "web \"prod\""},
        {"groups", {{"net", {{"label", "Network"}}}, {"empty", nlohmann::ordered_json::object()}}},
        {"resources", {{{"id", "vpc"}, {"name", "VPC \"main\""}, {"type", "sim"}, {"group", "net"}},
                       {{"id", "subnet"}, {"type", "sim"}, {"group", "net"}, {"depends_on", {"vpc"}}},
                       {{"id", "app"}, {"type", "sim"}, {"depends_on", {"subnet", "vpc"}}}}}};
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    FANOUT_EXPECT(!read.hasErrors());
    return read.plan;
}

} // namespace

class tst_GraphWriter : public QObject
{
    Q_OBJECT

private slots:
    void dot();
    void mermaid();
};

void tst_GraphWriter::dot()
{
    const QString dot = GraphWriter::toDot(samplePlan());
    QVERIFY2(dot.startsWith(QStringLiteral("digraph \"web \\\"prod\\\"\" {\n")), qPrintable(dot));
    QVERIFY(dot.contains(QStringLiteral("  subgraph \"cluster_net\" {\n    label=\"Network\";\n")));
    QVERIFY(dot.contains(QStringLiteral("    \"vpc\" [label=\"VPC \\\"main\\\"\\nvpc\\nsim\"];\n")));
    QVERIFY(!dot.contains(QStringLiteral("cluster_empty"))); // no box for a group without resources
    // Arrows go from a dependency to its dependent.
    QVERIFY(dot.contains(QStringLiteral("  \"vpc\" -> \"subnet\";\n")));
    QVERIFY(dot.contains(QStringLiteral("  \"subnet\" -> \"app\";\n")));
    QVERIFY(dot.contains(QStringLiteral("  \"vpc\" -> \"app\";\n")));
    QCOMPARE(dot.count(QStringLiteral(" -> ")), 3);
    QVERIFY(dot.endsWith(QStringLiteral("}\n")));
}

void tst_GraphWriter::mermaid()
{
    const QString mermaid = GraphWriter::toMermaid(samplePlan());
    QVERIFY(mermaid.startsWith(QStringLiteral("flowchart LR\n")));
    QVERIFY2(mermaid.contains(QStringLiteral("  subgraph g0 [\"Network\"]\n    r0[\"VPC #quot;main#quot;<br/>vpc<br/>sim\"]\n    r1[\"subnet<br/>sim\"]\n  end\n")),
             qPrintable(mermaid));
    QVERIFY(mermaid.contains(QStringLiteral("  r2[\"app<br/>sim\"]\n")));
    QVERIFY(mermaid.contains(QStringLiteral("  r0 --> r1\n")));
    QVERIFY(mermaid.contains(QStringLiteral("  r1 --> r2\n")));
    QVERIFY(mermaid.contains(QStringLiteral("  r0 --> r2\n")));
    QCOMPARE(mermaid.count(QStringLiteral("-->")), 3);
}

QTEST_GUILESS_MAIN(tst_GraphWriter)
#include "tst_graphwriter.moc"
