// Log memory benchmark (prints figures, asserts nothing): a run of 20,000 sim resources writing
// 100 lines each, 2,000,000 lines in all, shown in the dashboard's log panes (the All tab and one
// resource's tab, offscreen), as the window shows them. Prints the peak resident memory (VmHWM)
// against the lines written so far, then how long the All tab's filter takes to look through every
// line, and whether it finds the first, a middle and the last resource's lines.
//
//   bench_logmemory [resources] [lines per resource] [parallelism]
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "models/logs/logfiltermodel.h"
#include "models/logs/logmodel.h"
#include "models/plan/workspace.h"
#include "tests/procstatus.h"
#include "ui/logs/logpane.h"
#include "ui/logs/logpanes.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace fanout;

namespace {

// Independent resources (no dependencies), each writing `lines` lines as fast as it can.
QString writePlan(const QString &dir, int resources, int lines, int parallelism)
{
    nlohmann::ordered_json doc = {{"name", "bench-logmemory"}, {"parallelism", parallelism}, {"seed", 1}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (int i = 0; i < resources; ++i)
        list.push_back({{"id", QStringLiteral("r%1").arg(i).toStdString()}, {"type", "sim"}, {"duration", "0s"}, {"log_lines", lines}});
    doc["resources"] = list;
    const QString path = dir + QStringLiteral("/bench-logmemory.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray::fromStdString(doc.dump()));
    return path;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int resources = argc > 1 ? std::atoi(argv[1]) : 20'000;
    const int linesEach = argc > 2 ? std::atoi(argv[2]) : 100;
    const int parallelism = argc > 3 ? std::atoi(argv[3]) : 50;
    QTemporaryDir dir;
    const QString planFile = writePlan(dir.path(), resources, linesEach, parallelism);

    Workspace workspace(ExecutorRegistry::builtIn());
    if (!workspace.open(planFile, workspace.read(planFile)))
        qFatal("the benchmark plan does not open");
    Deployment &session = workspace.deployment();
    LogPanes panes(workspace);
    panes.resize(1200, 400);
    panes.show();
    panes.showResource(resources / 2); // a resource's tab, as a user would open one
    panes.showAll();
    const long baselineKiB = test::procStatus("VmRSS");

    std::printf("Log memory, %d sim resources writing %d lines each at parallelism %d, log panes on screen:\n",
                resources, linesEach, parallelism);
    std::printf("  before the run: %ld MiB resident\n", baselineKiB / 1024);
    long long written = 0;
    long long nextMark = 250'000;
    QElapsedTimer clock;
    QObject::connect(&session, &Deployment::eventsRecorded, &app, [&](const QList<RunEvent> &events) {
        for (const RunEvent &event : events)
            written += event.kind == RunEvent::Kind::Log;
        while (written >= nextMark) {
            std::printf("  %9lld lines written: peak %4ld MiB, now %4ld MiB (%lld ms)\n", nextMark, test::procStatus("VmHWM") / 1024,
                        test::procStatus("VmRSS") / 1024, static_cast<long long>(clock.elapsed()));
            std::fflush(stdout);
            nextMark *= 2;
        }
    });
    QObject::connect(&session, &Deployment::runFinished, &app, &QCoreApplication::quit);
    clock.start();
    if (!session.start())
        qFatal("the benchmark run does not start");
    app.exec();
    QCoreApplication::processEvents();
    LogModel &model = *panes.model();
    model.flush();
    std::printf("  run over after %lld ms: %lld lines written, %d rows in the log, %d in %s's tab\n",
                static_cast<long long>(clock.elapsed()), written, model.rowCount(),
                panes.pane(resources / 2)->filterModel()->rowCount(), qPrintable(model.resourceId(resources / 2)));
    std::printf("  peak %ld MiB, now %ld MiB (%.0f bytes of peak growth per line written)\n", test::procStatus("VmHWM") / 1024,
                test::procStatus("VmRSS") / 1024, double(test::procStatus("VmHWM") - baselineKiB) * 1024.0 / double(std::max(1LL, written)));

    // The filter looks through every line (a slice at a time in a long log: the longest time the
    // event loop waits is how long the window would not respond); each of these is written once.
    LogPane &all = *panes.allPane();
    for (const int r : {0, resources / 2, resources - 1}) {
        const QString text = QStringLiteral("Creating r%1...").arg(r);
        clock.restart();
        QElapsedTimer step;
        step.start();
        all.filterEdit()->setText(text);
        qint64 longest = step.restart();
        while (all.filterModel()->isScanning()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents);
            longest = std::max(longest, step.restart());
        }
        std::printf("  filter \"%s\": %d line(s) found in %lld ms, longest without responding %lld ms\n", qPrintable(text),
                    all.filterModel()->rowCount(), static_cast<long long>(clock.elapsed()), static_cast<long long>(longest));
    }
    clock.restart();
    all.filterEdit()->clear();
    QCoreApplication::processEvents();
    std::printf("  filter cleared: %d lines shown again in %lld ms\n", all.filterModel()->rowCount(),
                static_cast<long long>(clock.elapsed()));
    std::printf("  peak memory after filtering: %ld MiB (target: < 400 MiB)\n", test::procStatus("VmHWM") / 1024);
    return 0;
}
