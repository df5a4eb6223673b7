// The Graph pane on large plans. For random DAGs of 500, 1,000 and 2,000 resources: the time
// from asking GraphLayouter for a layout (node sizes measured as the pane measures them) to
// hearing back, median of 3, which is what the pane waits while it says "Laying out…"; then, for
// 1,000, the time to build the scene's items and to paint the first fitted frame. Target: a
// 1,000-resource layout in under a second.
#include "engine/layout/graphlayouter.h"
#include "randomdag.h"
#include "ui/graph/graphscene.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>

#include <algorithm>
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

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    GraphLayouter layouter;
    const int rounds = 3;

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
