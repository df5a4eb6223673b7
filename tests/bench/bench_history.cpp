// History benchmark (prints figures, asserts nothing): a run history of 1,000 recorded runs of a
// 500-resource plan; how long the History pane takes to show them, and how long the GUI thread's
// event loop stalls while a recorded 500-resource run is replayed in the real main window (graph,
// timeline, resources and logs on screen, offscreen platform): slider drags back and forth, then
// Play at 60×. A precise 5 ms timer notes every late tick, as in bench_dashboard.
#include "engine/history/runhistory.h"
#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/run/replay.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/historymodel.h"
#include "models/run/historyrecorder.h"
#include "randomdag.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/panes/historypane.h"
#include "ui/panes/replaybar.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QSlider>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace fanout;

namespace {

constexpr int kResources = 500;
constexpr int kRuns = 1000;
constexpr int kLinesPerResource = 5;

qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// A run of `plan` as it would have gone at parallelism 50 with cloud-like durations: its journal
// (ready, running, log lines, succeeded; in time order) and its report.
RunHistory::RecordedRun syntheticRun(const Plan &plan, quint32 seed)
{
    QRandomGenerator random(seed);
    const PlanGraph graph(plan);
    const int n = int(plan.resources.size());
    std::vector<qint64> start(static_cast<std::size_t>(n));
    std::vector<qint64> end(static_cast<std::size_t>(n));
    std::vector<qint64> freeAt(50, 0); // when each slot is free
    for (const int r : graph.topologicalOrder()) {
        qint64 ready = 0;
        for (const int d : graph.dependencies(r))
            ready = std::max(ready, end[std::size_t(d)]);
        auto slot = std::min_element(freeAt.begin(), freeAt.end());
        start[std::size_t(r)] = std::max(ready, *slot);
        end[std::size_t(r)] = start[std::size_t(r)] + bench::cloudLikeDurationMs(random) / 10;
        *slot = end[std::size_t(r)];
    }
    QList<RunEvent> events;
    const auto add = [&](qint64 t, RunEvent::Kind kind, int r, ResourceState state = ResourceState::Pending, const QString &text = {}) {
        RunEvent e;
        e.timeMs = t;
        e.kind = kind;
        e.resource = r;
        e.state = state;
        e.attempt = r >= 0 ? 1 : 0;
        e.text = text;
        events.append(e);
    };
    nlohmann::ordered_json resources = nlohmann::ordered_json::array();
    for (int r = 0; r < n; ++r) {
        const qint64 s = start[std::size_t(r)], e = end[std::size_t(r)];
        add(s, RunEvent::Kind::StateChanged, r, ResourceState::Ready);
        add(s, RunEvent::Kind::StateChanged, r, ResourceState::Running);
        for (int line = 0; line < kLinesPerResource; ++line)
            add(s + (e - s) * line / kLinesPerResource, RunEvent::Kind::Log, r, ResourceState::Pending,
                QStringLiteral("%1: step %2 of %3").arg(plan.resources[r].id).arg(line + 1).arg(kLinesPerResource));
        add(e, RunEvent::Kind::StateChanged, r, ResourceState::Succeeded);
        resources.push_back({{"id", plan.resources[r].id.toStdString()},
                             {"type", "sim"},
                             {"state", "succeeded"},
                             {"attempts", {{{"number", 1}, {"ready_ms", s}, {"start_ms", s}, {"end_ms", e}, {"outcome", "succeeded"}}}}});
    }
    std::stable_sort(events.begin(), events.end(), [](const RunEvent &a, const RunEvent &b) { return a.timeMs < b.timeMs; });
    const qint64 makespan = *std::max_element(end.begin(), end.end());
    RunEvent started;
    started.kind = RunEvent::Kind::RunStarted;
    started.number = 50;
    started.text = plan.name;
    events.prepend(started);
    add(makespan, RunEvent::Kind::RunFinished, -1);

    RunHistory::RecordedRun recorded;
    recorded.plan = plan;
    recorded.events = events;
    recorded.report = {{"fanout_version", "bench"},
                       {"plan", {{"name", plan.name.toStdString()}, {"file", "bench.json"}, {"resources", n}}},
                       {"settings", {{"parallelism", 50}}},
                       {"started_at", QDateTime::currentDateTimeUtc().addSecs(qint64(seed) * 60).toString(Qt::ISODateWithMs).toStdString()},
                       {"duration_ms", makespan},
                       {"outcome", "succeeded"},
                       {"resources", resources}};
    recorded.run.id = seed;
    recorded.run.command = QStringLiteral("run");
    recorded.run.planName = plan.name;
    recorded.run.makespanMs = makespan;
    recorded.run.parallelism = 50;
    recorded.run.outcome = QStringLiteral("succeeded");
    return recorded;
}

// Waits, with the event loop going, until `done`.
void waitFor(const std::function<bool()> &done)
{
    while (!done())
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
}

} // namespace

// FANOUT_BENCH_TRACE=1: while the replay is dragged and played, each event delivered in over 4 ms (with its
// type and receiver) and each stall over 10 ms is printed, with when it happened: what to look at
// when the stalls grow.
class TracingApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool tracing = false;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!tracing || m_depth > 0)
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer clock;
        clock.start();
        const int type = event->type();
        const bool result = QApplication::notify(receiver, event);
        const qint64 ms = clock.elapsed();
        --m_depth;
        if (ms > 4)
            std::printf("    trace: at %lld: %lld ms in event %d to %s %s\n", static_cast<long long>(since.elapsed()), static_cast<long long>(ms), type,
                        receiver->metaObject()->className(), qPrintable(receiver->objectName()));
        return result;
    }

    QElapsedTimer since;

private:
    int m_depth = 0;
};

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TracingApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    const int runs = qEnvironmentVariableIntValue("FANOUT_BENCH_RUNS") > 0 ? qEnvironmentVariableIntValue("FANOUT_BENCH_RUNS") : kRuns;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    Plan plan = bench::randomDag({kResources, 3, 50}, 11, QStringLiteral("sim"), [](Resource &, QRandomGenerator &) {});
    plan.name = QStringLiteral("bench-history");

    // The history: 1,000 runs of the plan (each with its 500 resources' attempts and events).
    QElapsedTimer clock;
    clock.start();
    RunHistory::RecordedRun replayed;
    {
        RunHistory history(path);
        for (int i = 1; i <= runs; ++i) {
            RunHistory::RecordedRun run = syntheticRun(plan, quint32(i));
            if (const Expected<qint64> id = history.record(QStringLiteral("run"), run.report, plan, run.events); !id)
                qFatal("cannot record: %s", qPrintable(id.error()));
            if (i == runs)
                replayed = std::move(run);
        }
    }
    std::printf("History of %d runs of a %d-resource plan (%lld events a run): recorded in %lld ms\n", runs, kResources,
                static_cast<long long>(replayed.events.size()), static_cast<long long>(clock.elapsed()));

    // The window records in, learns from and forecasts with that history, as the app would.
    MainWindow window(MainWindow::Layout::Default);
    window.setHistoryPath(path);
    window.resize(MainWindow::defaultSize());
    window.show();
    // FANOUT_BENCH_HIDE=graph,LogsDock,... hides panes, to find which one costs the time.
    for (const QString &name : qEnvironmentVariable("FANOUT_BENCH_HIDE").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (name == QLatin1String("graph"))
            window.graphPane()->hide();
        else if (auto *w = window.findChild<QWidget *>(name))
            w->hide();
    }
    window.workspace().deployment().open(plan, QStringLiteral("bench.json"), QString());
    clock.restart();
    waitFor([&] { return !window.graphPane()->view()->isLayingOut(); });
    window.forecast().waitForIdle(); // what the window computes as the plan opens, done before the timings
    std::printf("Plan opened, laid out and forecast from the history in %lld ms\n", static_cast<long long>(clock.elapsed()));
    HistoryPane *pane = window.historyPane();

    // Opening the pane: from reading the history until its list shows (filled and painted). The
    // list counts each run's attempts, which without an index on attempts.run_id reads every
    // attempt of the history for each run: timed as the history is, then with such an index.
    const auto timeOpen = [&] {
        bool read = false;
        const auto connection = QObject::connect(pane, &HistoryPane::listRead, [&] { read = true; });
        clock.restart();
        pane->setHistoryPath(path);
        waitFor([&] { return read; });
        pane->view()->viewport()->repaint();
        QObject::disconnect(connection);
        return double(clock.nsecsElapsed()) / 1e6;
    };
    std::vector<double> open;
    for (int round = 0; round < 5; ++round) {
        open.push_back(timeOpen());
    }
    std::printf("History pane, %d runs listed: shown in %.1f ms (median of 5; target < 100 ms)\n",
                pane->model()->rowCount(), median(open));

    // Replaying the newest run: stalls while dragging the slider and while playing.
    constexpr qint64 kTickMs = 5;
    std::vector<qint64> stalls;
    std::vector<qint64> steps;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(int(kTickMs));
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        stalls.push_back(std::max<qint64>(0, sinceTick.restart() - kTickMs));
        if (app.tracing && stalls.back() > 10)
            std::printf("    trace: at %lld: stall of %lld ms\n", static_cast<long long>(app.since.elapsed()), static_cast<long long>(stalls.back()));
    });

    clock.restart();
    if (!pane->showRecorded(replayed))
        qFatal("the replay does not open");
    const double openReplayMs = double(clock.nsecsElapsed()) / 1e6;
    waitFor([&] { return !window.graphPane()->view()->isLayingOut(); });
    Replay *replay = pane->replay();
    QSlider *slider = window.replayBar()->slider();
    const qint64 duration = replay->durationMs();

    // Drags: 240 slider moves 16 ms apart, as a hand drags: forward across the run, back, and jumps.
    QRandomGenerator random(3);
    int move = 0;
    constexpr int kMoves = 240;
    QTimer drag;
    drag.setInterval(16);
    QObject::connect(&drag, &QTimer::timeout, [&] {
        qint64 at = 0;
        if (move < 80)
            at = duration * move / 80;               // forward
        else if (move < 160)
            at = duration * (160 - move) / 80;       // backward
        else
            at = qint64(random.bounded(int(duration))); // jumps either way
        QElapsedTimer step;
        step.start();
        slider->setValue(int(at));
        steps.push_back(step.elapsed());
        if (++move == kMoves)
            drag.stop();
    });
    app.tracing = qEnvironmentVariableIsSet("FANOUT_BENCH_TRACE");
    app.since.start();
    sinceTick.start();
    ticker.start();
    drag.start();
    waitFor([&] { return !drag.isActive(); });
    ticker.stop();
    std::vector<qint64> dragStalls = std::move(stalls);
    stalls.clear();

    // Play at 60× from the start to the end.
    replay->seek(0);
    replay->setSpeed(Replay::kMaxSpeed);
    clock.restart();
    sinceTick.start();
    ticker.start();
    replay->play();
    waitFor([&] { return !replay->isPlaying(); });
    ticker.stop();
    const qint64 playMs = clock.elapsed();

    std::printf("Replay of a %d-resource run (%lld events, %.0f s long), graph + timeline + resources + logs on screen:\n",
                kResources, static_cast<long long>(replayed.events.size()), double(duration) / 1000.0);
    std::printf("  open (the run as it ended): %.1f ms\n", openReplayMs);
    std::printf("  slider: %d moves, each %lld ms at most (p99 %lld ms); event-loop stalls over %zu ticks: longest %lld ms, "
                "99th percentile %lld ms (target: never over 16 ms)\n",
                kMoves, static_cast<long long>(percentile(steps, 1.0)), static_cast<long long>(percentile(steps, 0.99)), dragStalls.size(),
                static_cast<long long>(percentile(dragStalls, 1.0)), static_cast<long long>(percentile(dragStalls, 0.99)));
    std::printf("  play at 60x: %lld ms; event-loop stalls over %zu ticks: longest %lld ms, 99th percentile %lld ms\n",
                static_cast<long long>(playMs), stalls.size(), static_cast<long long>(percentile(stalls, 1.0)),
                static_cast<long long>(percentile(stalls, 0.99)));
    pane->closeReplay();
    return 0;
}
