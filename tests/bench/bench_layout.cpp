// The Graph pane on large plans. For random DAGs of 500, 1,000 and 2,000 resources: the time
// from asking GraphLayouter for a layout (node sizes measured as the pane measures them) to
// hearing back, median of 3, which is what the pane waits while it says "Laying out…"; then, for
// 1,000, the time to build the scene's items and to paint the first fitted frame. Target: a
// 1,000-resource layout in under a second.
#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/layout/graphlayouter.h"
#include "infrashapes.h"
#include "panetiming.h"
#include "randomdag.h"
#include "engine/run/deployment.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/graphview.h"
#include "ui/graph/nodemover.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <functional>
#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

Plan randomPlan(int resources)
{
    return bench::randomDag({resources, 3, 50}, 42, QStringLiteral("sim"), [](Resource &, QRandomGenerator &) {});
}

// Requests a layout and waits for it, as the pane does.
GraphLayout layOut(GraphLayouter &layouter, const Plan &plan, double *ms)
{
    QEventLoop loop;
    GraphLayout result;
    QElapsedTimer clock;
    clock.start();
    const GraphLayoutInput input = GraphScene::layoutInput(plan);
    const quint64 generation = layouter.request(input);
    const auto connection = QObject::connect(&layouter, &GraphLayouter::laidOut, &loop,
                                             [&](quint64 answered, const GraphLayout &layout) {
        if (answered == generation) {
            result = layout;
            loop.quit();
        }
    });
    loop.exec();
    *ms = double(clock.nsecsElapsed()) / 1e6;
    QObject::disconnect(connection);
    return result;
}

// The shape of each plan's drawing: real files from public projects, and plans shaped like the
// ones users bring (tests/bench/infrashapes.h). A drawing far wider or taller than a window cannot
// be read at any zoom that shows it whole.
void printShapes(GraphLayouter &layouter)
{
    std::vector<std::pair<QString, Plan>> plans;
    plans.emplace_back(QStringLiteral("landing zone (12 modules)"), bench::landingZone());
    plans.emplace_back(QStringLiteral("EKS-like terraform graph"), bench::eksLike());
    plans.emplace_back(QStringLiteral("random DAG"), randomPlan(500));
    QDirIterator files(QStringLiteral(FANOUT_CORPUS), QDir::Files, QDirIterator::Subdirectories);
    std::vector<QString> paths;
    while (files.hasNext())
        paths.push_back(files.next());
    std::sort(paths.begin(), paths.end());
    for (const QString &path : paths) {
        if (path.endsWith(QLatin1String(".md")))
            continue;
        const PlanReadResult read = PlanImporter::readFile(path, ExecutorRegistry::builtIn());
        if (read.plan.resources.size() >= 10)
            plans.emplace_back(QDir(QStringLiteral(FANOUT_CORPUS)).relativeFilePath(path), read.plan);
    }
    std::printf("Shapes of drawings (width : height; a 16:10 window is 1.6):\n");
    for (const auto &[name, plan] : plans) {
        double ms = 0;
        const GraphLayout layout = layOut(layouter, plan, &ms);
        const double ratio = layout.bounds.height() > 0 ? layout.bounds.width() / layout.bounds.height() : 0;
        std::printf("  %-58s %4d resources: %6.0f x %5.0f = %5.2f  (%5.0f ms)\n", qPrintable(name.left(58)),
                    int(plan.resources.size()), layout.bounds.width(), layout.bounds.height(), ratio, ms);
    }
    std::fflush(stdout);
}


// Plans above the threshold open with their groups collapsed: the first picture of a 10,000-
// resource plan, and a group of 200 expanded and collapsed again, through the Graph pane itself.
void printLargePlans(int rounds)
{
    GraphView::setCollapseThreshold(GraphView::kDefaultCollapseThreshold);
    Workspace workspace(ExecutorRegistry::builtIn());
    GraphPane pane(workspace);
    pane.resize(1280, 800);
    pane.show();
    std::printf("Large plans, groups collapsed above %d resources (Graph pane, offscreen), median of %d:\n",
                GraphView::collapseThreshold(), rounds);
    const Plan services = bench::services(200, 40); // bench_import's shape: 200 modules of 50
    std::vector<double> first;
    for (int round = 0; round < rounds; ++round) {
        workspace.deployment().open(Plan(), QString(), QString());
        first.push_back(bench::timeToPicture(pane, [&] { workspace.deployment().open(services, QString(), QString()); }));
    }
    std::fflush(stdout);
    std::printf("  first picture of %d resources in 200 modules: %7.1f ms  (%d summaries; target < 2 s)\n",
                int(services.resources.size()), median(first), int(pane.view()->graphScene()->summaryItems().size()));
    // The same with every resource drawn, for comparison (modules this alike are packed in a grid
    // and laid out once each: GridPacker).
    GraphView::setCollapseThreshold(1'000'000);
    std::vector<double> whole;
    for (int round = 0; round < rounds; ++round) {
        workspace.deployment().open(Plan(), QString(), QString());
        whole.push_back(bench::timeToPicture(pane, [&] { workspace.deployment().open(services, QString(), QString()); }));
    }
    GraphView::setCollapseThreshold(GraphView::kDefaultCollapseThreshold);
    std::printf("    the same, every resource drawn:               %7.1f ms\n", median(whole));

    const Plan big = bench::services(12, 190); // groups of 200
    workspace.deployment().open(Plan(), QString(), QString());
    bench::timeToPicture(pane, [&] { workspace.deployment().open(big, QString(), QString()); });
    GraphView *view = pane.view();
    const int group = big.groupIndex(QStringLiteral("module.svc5"));
    std::vector<double> expand;
    std::vector<double> collapse;
    for (int round = 0; round < rounds; ++round) {
        expand.push_back(bench::timeToPicture(pane, [&] { view->expandGroup(group); }));
        collapse.push_back(bench::timeToPicture(pane, [&] { view->collapseGroup(group); }));
    }
    std::printf("  expand a group of %d (of %d resources):       %7.1f ms  (target < 300 ms)\n",
                int(big.resources.size()) / 12, int(big.resources.size()), median(expand));
    std::printf("  collapse it again:                             %7.1f ms\n", median(collapse));

    // A structural edit of a 1,000-resource plan: the picture stays until the new layout is
    // there, then the nodes move to their new places (NodeMover).
    const Plan plan = randomPlan(1000);
    std::vector<double> edit;
    bool kept = true;
    for (int round = 0; round < rounds; ++round) {
        workspace.deployment().open(Plan(), QString(), QString());
        bench::timeToPicture(pane, [&] { workspace.deployment().open(plan, QString(), QString()); });
        Plan edited = plan;
        edited.resources.append(bench::simResource(QStringLiteral("extra")));
        edited.resources[0].dependsOn.append(QStringLiteral("extra"));
        edit.push_back(bench::timeToPicture(pane, [&] {
            workspace.deployment().open(edited, QString(), QString());
            kept = kept && view->showsPreviousPicture();
        }));
    }
    std::printf("  edit of 1,000 resources, new layout drawn:     %7.1f ms  (the picture before it %s; nodes then move "
                "for %d ms, target < 250 ms)\n",
                median(edit), kept ? "stays on screen meanwhile" : "was NOT kept", NodeMover::kDurationMs);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    GraphLayouter layouter;
    const int rounds = 3;
    printShapes(layouter);
    printLargePlans(rounds);

    std::printf("Graph layout (Graphviz dot through GraphLayouter), median of %d:\n", rounds);
    for (int resources : {500, 1000, 2000}) {
        const Plan plan = randomPlan(resources);
        std::vector<double> total;
        std::vector<double> graphviz;
        GraphLayout layout;
        for (int round = 0; round < rounds; ++round) {
            double ms = 0;
            layout = layOut(layouter, plan, &ms);
            total.push_back(ms);
            graphviz.push_back(double(layout.elapsedMs));
        }
        if (!layout.isValid()) {
            std::printf("  %5d resources: failed: %s\n", resources, qPrintable(layout.error));
            continue;
        }
        std::printf("  %5d resources, %5d edges: %7.1f ms (gvLayout %6.1f ms)  drawing %4.0f x %4.0f%s\n", resources,
                    int(layout.edges.size()), median(total), median(graphviz), layout.bounds.width(),
                    layout.bounds.height(), resources == 2000 ? "  (for information)" : "");
        std::fflush(stdout);
    }

    const Plan plan = randomPlan(1000);
    double ms = 0;
    const GraphLayout layout = layOut(layouter, plan, &ms);
    std::vector<double> build;
    std::vector<double> paint;
    GraphScene scene;
    QGraphicsView view(&scene);
    view.resize(1280, 800);
    view.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer clock;
        clock.start();
        scene.build(plan, layout);
        build.push_back(double(clock.nsecsElapsed()) / 1e6);

        // The first frame of the fitted overview, and one at 100%, rendered into an image.
        clock.restart();
        view.fitInView(scene.sceneRect(), Qt::KeepAspectRatio);
        QImage frame(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&frame);
        view.render(&painter);
        view.resetTransform();
        view.centerOn(scene.sceneRect().center());
        view.render(&painter);
        painter.end();
        paint.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::printf("Scene for 1,000 resources (%d items), median of %d:\n", int(scene.items().size()), rounds);
    std::printf("  build items:                    %7.1f ms\n", median(build));
    std::printf("  paint overview + one 100%% frame: %7.1f ms\n", median(paint));
    return 0;
}
