// Dashboard benchmark (prints figures, asserts nothing): the Resources table and the Inspector's
// plan summary on 10,000 resources, then a 2,000-resource plan at parallelism 200,
// emitting about 20,000 log lines per second in total, run in the real main window with the graph,
// timeline and logs on screen (offscreen platform). Measures how long the GUI thread's event loop
// was stalled: a precise 5 ms timer notes every late tick.
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "models/logs/logmodel.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/resourcetablemodel.h"
#include "models/run/timelinedata.h"
#include "randomdag.h"
#include "ui/graph/graphfollower.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/plansummary.h"
#include "ui/logs/logpanes.h"
#include "ui/panes/resourcespane.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace fanout;

namespace {

long peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

// A plan file for the run: layers of `parallelism` resources, each depending on two of the layer
// before, so that 200 run at once; each runs 1 s and writes 100 lines, so together they write
// 20,000 lines a second.
QString writePlan(const QString &dir, int resources, int parallelism)
{
    QRandomGenerator random(42);
    nlohmann::ordered_json doc = {{"name", "bench-dashboard"}, {"parallelism", parallelism}, {"seed", 1}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const auto id = [](int i) { return QStringLiteral("r%1").arg(i).toStdString(); };
    for (int i = 0; i < resources; ++i) {
        nlohmann::ordered_json deps = nlohmann::ordered_json::array();
        const int layerStart = i / parallelism * parallelism;
        if (layerStart > 0) {
            for (int k = 0; k < 2; ++k)
                deps.push_back(id(layerStart - parallelism + int(random.bounded(parallelism))));
        }
        if (deps.size() == 2 && deps[0] == deps[1])
            deps.erase(1);
        list.push_back({{"id", id(i)}, {"type", "sim"}, {"depends_on", deps}, {"duration", "1s"}, {"log_lines", 100}});
    }
    doc["resources"] = list;
    const QString path = dir + QStringLiteral("/bench-dashboard.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray::fromStdString(doc.dump()));
    return path;
}

// The application, timing every event the GUI thread handles at the outermost level: with
// FANOUT_BENCH_SLOW=MS, each one that takes longer than MS is printed (receiver, event type, and
// when it began on the monotonic clock, for `perf report --time` of a `perf record -k
// CLOCK_MONOTONIC` run), which says which pane or model a stall comes from.
class TimingApplication : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_slowMs > 0 && m_depth > 0 && event->type() == QEvent::Paint) {
            QByteArray what = nameOf(receiver);
            if (const QObject *parent = receiver->parent())
                what += " in " + nameOf(parent);
            QElapsedTimer clock;
            clock.start();
            const bool handled = QApplication::notify(receiver, event);
            m_paints.append({what, clock.nsecsElapsed()});
            return handled;
        }
        if (m_slowMs <= 0 || m_depth > 0)
            return QApplication::notify(receiver, event);
        m_paints.clear();
        const QEvent::Type type = event->type(); // the event may be gone afterwards
        const QByteArray what = nameOf(receiver);
        QElapsedTimer clock;
        clock.start();
        ++m_depth;
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        if (const qint64 ms = clock.elapsed(); ms > m_slowMs) {
            std::printf("  slow event: %lld ms in %s, event type %d (from %.3f s, monotonic)\n", static_cast<long long>(ms), what.constData(), int(type),
                        double(clock.msecsSinceReference()) / 1000.0);
            for (const auto &[widget, ns] : std::as_const(m_paints)) {
                if (ns > 1'000'000)
                    std::printf("    painting %s: %.1f ms\n", widget.constData(), double(ns) / 1e6);
            }
        }
        return handled;
    }

private:
    static QByteArray nameOf(const QObject *object) { return QByteArray(object->metaObject()->className()) + ' ' + object->objectName().toUtf8(); }

    const qint64 m_slowMs = qEnvironmentVariableIntValue("FANOUT_BENCH_SLOW");
    int m_depth = 0;
    QList<QPair<QByteArray, qint64>> m_paints; // the widgets painted in the current outermost event, and how long each took
};

qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

// The Resources table on a 10,000-resource plan: opening the plan with the pane on screen (the
// model filled, the columns fitted to their content), and the fitting alone.
void printResourcesTable()
{
    Workspace workspace(ExecutorRegistry::builtIn());
    ResourcesPane pane(workspace);
    pane.resize(600, 400);
    pane.show();
    const Plan plan = bench::randomDag({10'000, 3, 50}, 7, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &) {
        const QString prefix = QStringLiteral("module.network.aws_route_table_association.private_");
        r.id.prepend(prefix);
        for (QString &dependency : r.dependsOn)
            dependency.prepend(prefix);
    });
    std::vector<double> open, fit;
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer clock;
        clock.start();
        workspace.deployment().open(plan, QString(), QString());
        open.push_back(double(clock.nsecsElapsed()) / 1e6);
        clock.restart();
        for (int column = 0; column < ResourceTableModel::ColumnCount; ++column)
            pane.view()->resizeColumnToContents(column);
        fit.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::sort(open.begin(), open.end());
    std::sort(fit.begin(), fit.end());
    std::printf("Resources table, 10,000 resources: open with the pane on screen %.1f ms, of which fitting the columns "
                "about %.1f ms (medians of 3)\n", open[1], fit[1]);
}

// The Inspector's plan summary (nothing selected) on a 10,000-resource plan: what a new plan costs
// it (the critical path), and one refresh during a run (counts, peak, time left), which it does at
// most every PlanSummary::kRefreshMs while shown.
void printPlanSummary()
{
    Workspace workspace(ExecutorRegistry::builtIn());
    TimelineData runData(workspace.deployment());
    PlanSummary summary(workspace);
    summary.setRunData(&runData);
    summary.show();
    const Plan plan = bench::randomDag({10'000, 3, 50}, 7, QStringLiteral("sim"), [](Resource &r, QRandomGenerator &random) {
        r.params["duration"] = QStringLiteral("%1ms").arg(200 + random.bounded(800)).toStdString();
    });
    QElapsedTimer clock;
    clock.start();
    workspace.deployment().open(plan, QString(), QString()); // the summary refreshes at once
    const double openMs = double(clock.nsecsElapsed()) / 1e6;
    clock.restart();
    summary.refreshNow();
    const double idleMs = double(clock.nsecsElapsed()) / 1e6;
    workspace.deployment().setParallelism(200);
    workspace.deployment().start();
    QElapsedTimer running;
    running.start();
    while (running.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    runData.catchUp();
    std::vector<double> refresh;
    for (int round = 0; round < 21; ++round) {
        clock.restart();
        summary.refreshNow();
        refresh.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::sort(refresh.begin(), refresh.end());
    const int runningNow = workspace.deployment().count(ResourceState::Running);
    workspace.deployment().stopAtOnce();
    std::printf("Plan summary, 10,000 resources: opening the plan with it shown %.1f ms (the critical path and the deployment's own work), "
                "a refresh before the run %.2f ms, "
                "during it (%d running) %.2f ms (median of 21; at most 4 a second)\n", openMs, idleMs, runningNow, refresh[10]);
}

// The graph's frames while the view moves as the run's follower moves it (GraphFollower: 400 ms,
// about 24 frames): from the zoom the plan opened at to the readable one, drawn the quick way as
// the follower has it drawn (GraphScene::setZooming) and, for comparison, smoothly; then the one
// smooth frame at the end, and a pan at the zoom the plan opened at. Each frame is one repaint.
void printGraphFrames(GraphView &view)
{
    GraphScene &scene = *view.graphScene();
    const QPointF centre = view.mapToScene(view.viewport()->rect().center());
    const qreal zoom = view.zoom();
    const auto repaint = [&] {
        QElapsedTimer clock;
        clock.start();
        view.viewport()->repaint();
        return double(clock.nsecsElapsed()) / 1e6;
    };
    struct Frames
    {
        double median = 0, longest = 0, settle = 0;
    };
    const auto move = [&](qreal toZoom, QPointF toCentre, bool quick) {
        constexpr int kFrames = 24;
        std::vector<double> ms;
        scene.setZooming(quick);
        for (int k = 1; k <= kFrames; ++k) {
            const qreal t = qreal(k) / kFrames;
            view.setView(centre + (toCentre - centre) * t, zoom + (toZoom - zoom) * t);
            ms.push_back(repaint());
        }
        scene.setZooming(false);
        Frames frames;
        frames.settle = repaint();
        view.setView(centre, zoom);
        repaint();
        std::sort(ms.begin(), ms.end());
        frames.median = ms[ms.size() / 2];
        frames.longest = ms.back();
        return frames;
    };
    // The first frame at another zoom than the plan opened at costs more than the others, once
    // (Qt brings its scene index and caches up to date): on its own, so as not to count in either.
    view.setView(centre, zoom * 0.99);
    const double first = repaint();
    view.setView(centre, zoom);
    repaint();
    const QPointF there = centre + QPointF(300, 0);
    const Frames smooth = move(GraphFollower::kReadableZoom, there, false);
    const Frames quick = move(GraphFollower::kReadableZoom, there, true);
    const Frames pan = move(zoom, centre + QPointF(600, 200), false);
    std::printf("Graph frames, 2,000 resources, %dx%d view, 24 frames a move: the first at a new zoom %.1f ms; zooming %.2f to %.2f "
                "as the run's follower draws it, median %.1f ms, longest %.1f ms, then a smooth frame %.1f ms (drawn smoothly "
                "throughout: median %.1f ms, longest %.1f ms); panning, median %.1f ms, longest %.1f ms\n",
                view.viewport()->width(), view.viewport()->height(), first, zoom, GraphFollower::kReadableZoom, quick.median, quick.longest,
                quick.settle, smooth.median, smooth.longest, pan.median, pan.longest);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimingApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("FanoutBench"));
    QSettings().clear(); // the window as it first opens, whatever the last run left
    printResourcesTable();
    printPlanSummary();
    QTemporaryDir dir;
    const QString planFile = writePlan(dir.path(), 2000, 200);
    // A history of its own, empty: the user's would make the figures depend on how many runs it
    // holds (each of this benchmark's runs added 2,000 attempts to it, which the window's learning
    // of estimates then reads on the pool, beside the run), and would be written to.
    // FANOUT_BENCH_HISTORY=PATH runs with that history instead.
    const QString history = qEnvironmentVariableIsSet("FANOUT_BENCH_HISTORY") ? qEnvironmentVariable("FANOUT_BENCH_HISTORY")
                                                                            : dir.filePath(QStringLiteral("history.sqlite"));
    qputenv("FANOUT_HISTORY", history.toLocal8Bit());

    MainWindow window(MainWindow::Layout::Default);
    window.show();
    // FANOUT_BENCH_HIDE=graph,LogsDock,... hides panes, to find which one costs the time.
    for (const QString &name : qEnvironmentVariable("FANOUT_BENCH_HIDE").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (name == QLatin1String("graph")) window.graphPane()->hide();
        else if (auto *w = window.findChild<QWidget *>(name)) w->hide();
    }
    // FANOUT_BENCH_NOFOLLOW=1: the graph stays where it is rather than following the run.
    if (qEnvironmentVariableIsSet("FANOUT_BENCH_NOFOLLOW"))
        window.graphPane()->follower()->setFollowing(false);
    QElapsedTimer clock;
    clock.start();
    if (!window.files().openPlan(planFile))
        qFatal("the benchmark plan does not open");
    while (window.graphPane()->view()->isLayingOut())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    const qint64 openMs = clock.elapsed();
    printGraphFrames(*window.graphPane()->view());

    // Stalls: how late each 5 ms tick comes, while the run lasts.
    constexpr qint64 kTickMs = 5;
    std::vector<qint64> stalls;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(int(kTickMs));
    // FANOUT_BENCH_STALLS=MS prints every stall longer than MS, with when it came in the run.
    const qint64 reportOver = qEnvironmentVariableIntValue("FANOUT_BENCH_STALLS");
    QElapsedTimer sinceStart;
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 stall = std::max<qint64>(0, sinceTick.restart() - kTickMs);
        stalls.push_back(stall);
        if (reportOver > 0 && stall > reportOver)
            std::printf("  stall of %lld ms ending at %lld ms into the run\n", static_cast<long long>(stall), static_cast<long long>(sinceStart.elapsed()));
    });

    Deployment &session = window.workspace().deployment();
    // The end of the run is the GUI thread's work too (the state, the history, every pane): the
    // ticks go on a little after it, so that it counts, and quitting does not.
    QObject::connect(&session, &Deployment::runFinished, &app, [] { QTimer::singleShot(4 * kTickMs, qApp, &QCoreApplication::quit); });
    QTimer::singleShot(0, &window, [&] {
        sinceTick.start();
        sinceStart.start();
        ticker.start();
        clock.restart();
        window.runs().runAction()->trigger();
    });
    app.exec();
    ticker.stop();
    const qint64 runMs = clock.elapsed();

    long lines = 0;
    for (const RunEvent &event : session.journal())
        lines += event.kind == RunEvent::Kind::Log;

    std::printf("Dashboard, 2,000 sim resources at parallelism 200, graph + timeline + logs on screen:\n");
    std::printf("  open + graph layout: %lld ms\n", static_cast<long long>(openMs));
    std::printf("  run: %lld ms, %ld log lines (%.0f lines/s), %d lines in the log pane\n", static_cast<long long>(runMs), lines,
                double(lines) * 1000.0 / double(std::max<qint64>(1, runMs)), window.logPanes()->model()->rowCount());
    std::printf("  event-loop stalls over %zu ticks: longest %lld ms, 99th percentile %lld ms, median %lld ms (targets: < 50 ms, < 16 ms)\n",
                stalls.size(), static_cast<long long>(percentile(stalls, 1.0)), static_cast<long long>(percentile(stalls, 0.99)),
                static_cast<long long>(percentile(stalls, 0.5)));
    std::printf("  peak memory: %ld MiB\n", peakRssMiB());
    return 0;
}
