// Large plans drawn with their groups folded: one summary node a group, unfolded one at a time in
// place, the rest of the drawing moving aside (GroupFolding, withGroupUnfolded, withGroupFolded).
#include "bench/infrashapes.h"
#include "engine/layout/graphlayout.h"
#include "engine/layout/graphlayouter.h"
#include "engine/layout/gridpacking.h"
#include "engine/layout/groupfolding.h"
#include "layoutchecks.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace fanout;
using fanout::test::distanceToBorder;
using fanout::test::layOut;

namespace {

GraphLayoutInput folded(const Plan &plan, bool fold)
{
    GraphLayoutInput input = GraphLayoutInput::fromPlan(plan);
    for (GraphLayoutInput::Group &group : input.groups)
        group.folded = fold;
    return input;
}

std::vector<int> membersOf(const GraphLayoutInput &input, int group)
{
    std::vector<int> members;
    for (int n = 0; n < input.nodes.size(); ++n) {
        if (input.nodes[n].group == group)
            members.push_back(n);
    }
    return members;
}

// Every box drawn at the top level: nodes outside groups, summaries, and groups' boxes.
QList<QPair<QString, QRectF>> topLevelBoxes(const GraphLayout &layout, const GraphLayoutInput &input)
{
    QList<QPair<QString, QRectF>> boxes;
    for (int n = 0; n < layout.nodes.size(); ++n) {
        if (!layout.nodes[n].isNull() && input.nodes[n].group < 0)
            boxes.append({input.nodes[n].id, layout.nodes[n]});
    }
    for (const GraphLayout::Summary &summary : layout.summaries)
        boxes.append({QStringLiteral("summary of ") + input.groups[summary.group].label, summary.rect});
    for (const GraphLayout::Cluster &cluster : layout.clusters)
        boxes.append({QStringLiteral("box of ") + input.groups[cluster.group].label, cluster.rect});
    return boxes;
}

QRectF endRect(const GraphLayout &layout, int end)
{
    return end < layout.nodes.size() ? layout.nodes[end] : layout.summaries[end - layout.nodes.size()].rect;
}

} // namespace

class tst_groupfolding : public QObject
{
    Q_OBJECT

private slots:
    void foldedGroupsAreSummaries();
    void unfoldingMovesTheRestAside();
    void foldingAgainGivesThePictureBack();

private:
    static void verifyDrawing(const GraphLayout &layout, const GraphLayoutInput &input);
};

void tst_groupfolding::verifyDrawing(const GraphLayout &layout, const GraphLayoutInput &input)
{
    QVERIFY2(layout.isValid(), qPrintable(layout.error));
    const auto boxes = topLevelBoxes(layout, input);
    for (int i = 0; i < boxes.size(); ++i) {
        for (int j = i + 1; j < boxes.size(); ++j) {
            const QRectF overlap = boxes[i].second.intersected(boxes[j].second);
            QVERIFY2(overlap.width() < 0.5 || overlap.height() < 0.5,
                     qPrintable(QStringLiteral("%1 and %2 overlap").arg(boxes[i].first, boxes[j].first)));
        }
    }
    for (const GraphLayout::Edge &edge : layout.edges) {
        QVERIFY(!edge.path.isEmpty());
        QVERIFY2(distanceToBorder(endRect(layout, edge.from), edge.path.constFirst()) < 2,
                 qPrintable(QStringLiteral("edge %1 -> %2 starts off its box").arg(edge.from).arg(edge.to)));
        QVERIFY2(distanceToBorder(endRect(layout, edge.to), edge.arrowTip) < 2,
                 qPrintable(QStringLiteral("edge %1 -> %2 ends off its box").arg(edge.from).arg(edge.to)));
    }
    for (const GraphLayout::Cluster &cluster : layout.clusters) {
        for (int member : membersOf(input, cluster.group))
            QVERIFY(cluster.rect.contains(layout.nodes[member]));
    }
}

void tst_groupfolding::foldedGroupsAreSummaries()
{
    const Plan plan = bench::services(6, 10);
    const GraphLayoutInput input = folded(plan, true);
    GraphLayouter layouter;
    const GraphLayout layout = layOut(layouter, input);
    verifyDrawing(layout, input);
    QCOMPARE(layout.nodes.size(), plan.resources.size());
    QCOMPARE(layout.summaries.size(), 6);
    for (int n = 1; n < layout.nodes.size(); ++n)
        QVERIFY2(layout.nodes[n].isNull(), qPrintable(input.nodes[n].id));
    QVERIFY(!layout.nodes[0].isNull()); // the zone, in no group
    for (const GraphLayout::Summary &summary : layout.summaries)
        QCOMPARE(summary.rect.size(), input.groups[summary.group].summarySize);
    // The zone's 6 records, one in each module: one edge to each module's summary.
    QCOMPARE(layout.edges.size(), 6);
    for (const GraphLayout::Edge &edge : layout.edges) {
        QCOMPARE(edge.from, 0);
        QVERIFY(edge.to >= layout.nodes.size());
    }
    QVERIFY(layout.clusters.isEmpty());
    // Unfolded, the same plan is 6 boxes of 20 resources.
    const GraphLayout whole = layOut(layouter, folded(plan, false));
    QVERIFY(whole.isValid());
    QVERIFY(whole.summaries.isEmpty());
    QCOMPARE(whole.clusters.size(), 6);
}

void tst_groupfolding::unfoldingMovesTheRestAside()
{
    const Plan plan = bench::services(6, 10);
    GraphLayouter layouter;
    const GraphLayoutInput allFolded = folded(plan, true);
    const GraphLayout shown = layOut(layouter, allFolded);
    QVERIFY(shown.isValid());

    const int group = 2;
    GraphLayoutInput input = allFolded;
    input.groups[group].folded = false;
    const std::vector<int> members = membersOf(input, group);
    QList<int> groupOf;
    QList<int> edgeOf;
    const GraphLayoutInput alone = subInput(input, members, &groupOf, &edgeOf);
    const GraphLayout groupLayout = layOut(layouter, alone);
    QVERIFY(groupLayout.isValid());

    const GraphLayout unfolded = withGroupUnfolded(shown, input, group, members, groupLayout);
    verifyDrawing(unfolded, input);
    QCOMPARE(unfolded.summaries.size(), 5);
    QCOMPARE(unfolded.clusters.size(), 1);
    const QRectF was = std::find_if(shown.summaries.cbegin(), shown.summaries.cend(), [&](const auto &s) { return s.group == group; })->rect;
    const QRectF box = unfolded.clusters.constFirst().rect;
    QCOMPARE(box.topLeft(), was.topLeft());
    QCOMPARE(box.size(), groupLayout.clusters.constFirst().rect.size());
    for (int member : members)
        QVERIFY(!unfolded.nodes[member].isNull());
    // What lay below the summary moved down; what lay right of it, not wholly above it, right.
    for (int k = 0; k < shown.summaries.size(); ++k) {
        const GraphLayout::Summary &before = shown.summaries[k];
        if (before.group == group)
            continue;
        const QRectF after = std::find_if(unfolded.summaries.cbegin(), unfolded.summaries.cend(), [&](const auto &s) { return s.group == before.group; })->rect;
        const bool right = before.rect.left() >= was.right() && before.rect.bottom() > was.top();
        const bool below = before.rect.top() >= was.bottom();
        QCOMPARE(after.left() - before.rect.left(), right ? box.width() - was.width() : 0.0);
        QCOMPARE(after.top() - before.rect.top(), below ? box.height() - was.height() : 0.0);
    }
    QCOMPARE(unfolded.nodes[0], shown.nodes[0]); // the zone, above every module: kept, and its edges
    // Every edge of the group's own layout, and one from the zone to the group's DNS record.
    int inside = 0;
    int fromZone = 0;
    for (const GraphLayout::Edge &edge : unfolded.edges) {
        const bool fromMember = std::find(members.begin(), members.end(), edge.from) != members.end();
        const bool toMember = std::find(members.begin(), members.end(), edge.to) != members.end();
        inside += fromMember && toMember;
        fromZone += edge.from == 0 && toMember;
    }
    QCOMPARE(inside, int(groupLayout.edges.size()));
    QCOMPARE(fromZone, 1);
}

void tst_groupfolding::foldingAgainGivesThePictureBack()
{
    const Plan plan = bench::services(6, 10);
    GraphLayouter layouter;
    const GraphLayoutInput allFolded = folded(plan, true);
    const GraphLayout shown = layOut(layouter, allFolded);
    QVERIFY(shown.isValid());
    const int group = 4;
    GraphLayoutInput input = allFolded;
    input.groups[group].folded = false;
    const std::vector<int> members = membersOf(input, group);
    QList<int> groupOf;
    QList<int> edgeOf;
    const GraphLayout groupLayout = layOut(layouter, subInput(input, members, &groupOf, &edgeOf));
    const GraphLayout unfolded = withGroupUnfolded(shown, input, group, members, groupLayout);

    const GraphLayout again = withGroupFolded(unfolded, allFolded, group);
    verifyDrawing(again, allFolded);
    QCOMPARE(again.clusters.size(), 0);
    QCOMPARE(again.summaries.size(), shown.summaries.size());
    for (const GraphLayout::Summary &before : shown.summaries) {
        const auto after = std::find_if(again.summaries.cbegin(), again.summaries.cend(), [&](const auto &s) { return s.group == before.group; });
        QVERIFY(after != again.summaries.cend());
        QCOMPARE(after->rect, before.rect);
    }
    for (int member : members)
        QVERIFY(again.nodes[member].isNull());
    QCOMPARE(again.edges.size(), shown.edges.size());
}

QTEST_GUILESS_MAIN(tst_groupfolding)
#include "tst_groupfolding.moc"
