// The dashboard's forecast on a 2,000-resource plan (prints figures, asserts nothing): how long a
// forecast takes to land (computed off the GUI thread), how long the GUI thread is busy taking it
// in (ForecastRunner::lastLandingNs) and how late a precise 5 ms timer on the GUI thread comes
// meanwhile (its longest stall: the landing plus the repaints of the pane, timeline and status
// bar); then the same while a run re-forecasts the time left every half second.
#include "engine/run/deployment.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/historyrecorder.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace fanout;

namespace {

// Ten layers of 200 sims, each depending on two of the layer before, 100 to 400 ms each.
QString writePlan(const QString &dir)
{
    constexpr int kResources = 2000;
    constexpr int kLayer = 200;
    QRandomGenerator random(42);
    nlohmann::ordered_json doc = {{"name", "bench-forecast-pane"}, {"parallelism", 100}, {"seed", 1}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const auto id = [](int i) { return QStringLiteral("r%1").arg(i).toStdString(); };
    for (int i = 0; i < kResources; ++i) {
        nlohmann::ordered_json deps = nlohmann::ordered_json::array();
        if (const int layerStart = i / kLayer * kLayer; layerStart > 0) {
            deps.push_back(id(layerStart - kLayer + int(random.bounded(kLayer))));
            const std::string second = id(layerStart - kLayer + int(random.bounded(kLayer)));
            if (second != deps[0])
                deps.push_back(second);
        }
        list.push_back({{"id", id(i)}, {"type", "sim"}, {"depends_on", deps}, {"duration", {"100ms", "400ms"}}});
    }
    doc["resources"] = list;
    const QString path = dir + QStringLiteral("/bench-forecast-pane.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray::fromStdString(doc.dump()));
    return path;
}

// How late a precise 5 ms timer comes on the GUI thread while `until` is false.
struct Stalls
{
    qint64 longestMs = 0;
    qint64 wallMs = 0;
    int ticks = 0;
};

Stalls measure(const std::function<void()> &act, const std::function<bool()> &until)
{
    constexpr qint64 kTickMs = 5;
    Stalls stalls;
    QElapsedTimer sinceTick;
    QElapsedTimer wallClock;
    wallClock.start();
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(int(kTickMs));
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 late = sinceTick.restart() - kTickMs;
        if (late > stalls.longestMs && qEnvironmentVariableIsSet("FANOUT_BENCH_WHERE"))
            std::printf("    (a stall of %lld ms, ending %lld ms in)\n", static_cast<long long>(late), static_cast<long long>(wallClock.elapsed()));
        stalls.longestMs = std::max(stalls.longestMs, late);
        ++stalls.ticks;
    });
    QElapsedTimer wall;
    wall.start();
    sinceTick.start();
    ticker.start();
    QElapsedTimer acting;
    acting.start();
    act();
    if (qEnvironmentVariableIsSet("FANOUT_BENCH_WHERE"))
        std::printf("    (the action itself: %lld ms)\n", static_cast<long long>(acting.elapsed()));
    while (!until())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    stalls.wallMs = wall.elapsed();
    // And a moment after, for the repaints it queued.
    QElapsedTimer after;
    after.start();
    while (after.elapsed() < 100)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return stalls;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("FanoutBench"));
    QTemporaryDir dir;
    const QString planFile = writePlan(dir.path());

    MainWindow window(MainWindow::Layout::Default);
    window.history().setPath(QString());
    window.forecast().setHistoryPath(QString());
    window.show();
    window.forecastDock()->show();
    window.forecastDock()->raise();
    ForecastRunner &runner = window.forecast();
    if (!window.files().openPlan(planFile))
        qFatal("the benchmark plan does not open");
    while (window.graphPane()->view()->isLayingOut() || runner.isComputing())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    // The first paint of the graph and the panes is not the forecast's: it is over before measuring.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1500)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);

    std::printf("Forecast in the dashboard, 2,000 sim resources (10 layers of 200, 100-400 ms each), pane, timeline and graph on screen:\n");
    // The plan's forecast again (as when learned estimates arrive): the limit and a sweep of 14
    // limits, 200 simulated runs each.
    const Stalls sweep = measure([&] { runner.setEstimates(runner.estimates()); }, [&] { return !runner.isComputing(); });
    std::printf("  forecast + sweep of %lld limits x %d runs: lands after %lld ms; GUI thread taking it in %.2f ms; "
                "longest event-loop stall meanwhile %lld ms (%d ticks)\n",
                static_cast<long long>(ForecastRunner::sweepLimits().size()), ForecastRunner::kSamples,
                static_cast<long long>(sweep.wallMs), double(runner.lastLandingNs()) / 1e6, static_cast<long long>(sweep.longestMs),
                sweep.ticks);
    Deployment &deployment = window.workspace().deployment();
    const Stalls limit = measure([&] { deployment.setParallelism(7); }, [&] { return !runner.isComputing(); });
    std::printf("  a limit off the sweep (7): lands after %lld ms; GUI thread taking it in %.2f ms; longest stall %lld ms\n",
                static_cast<long long>(limit.wallMs), double(runner.lastLandingNs()) / 1e6, static_cast<long long>(limit.longestMs));
    const Stalls swept = measure([&] { deployment.setParallelism(64); }, [&] { return true; });
    std::printf("  a limit of the sweep (64): taken from the sweep at once; longest stall %lld ms\n",
                static_cast<long long>(swept.longestMs));

    // FANOUT_BENCH_NO_FORECAST=1: the run without forecasts of the time left, for comparison.
    const bool forecasting = !qEnvironmentVariableIsSet("FANOUT_BENCH_NO_FORECAST");
    if (!forecasting)
        QObject::disconnect(&deployment, nullptr, &runner, nullptr);
    int remaining = 0;
    qint64 longestLanding = 0;
    QObject::connect(&runner, &ForecastRunner::remainingChanged, [&] { remaining += runner.remaining() != nullptr; });
    const Stalls run = measure([&] { window.runs().runAction()->trigger(); },
                               [&] {
                                   longestLanding = std::max(longestLanding, runner.lastLandingNs());
                                   return !deployment.isRunning();
                               });
    std::printf("  a run at parallelism 64%s: %lld ms, %d forecasts of the time left (%d runs each) landed; the longest took the GUI "
                "thread %.2f ms; longest event-loop stall during the run %lld ms\n",
                forecasting ? "" : " (not forecast)", static_cast<long long>(run.wallMs), remaining, ForecastRunner::kRemainingSamples, double(longestLanding) / 1e6,
                static_cast<long long>(run.longestMs));
    return 0;
}
