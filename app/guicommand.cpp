#include "app/guicommand.h"

#include "app/console.h"
#include "app/runcommand.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "engine/run/replay.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/historyrecorder.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/panes/forecastpane.h"
#include "ui/panes/historypane.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QIcon>
#include <QImageWriter>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace fanout {

namespace {

// Waits (bounded) for the graph, laid out on its own thread, so that pictures show it.
void waitForLayout(MainWindow &window)
{
    QElapsedTimer waited;
    waited.start();
    while (window.graphPane()->view()->isLayingOut() && waited.elapsed() < 30'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QCoreApplication::processEvents();
}

// Renders `window` to `path`; returns the exit status.
int saveScreenshot(MainWindow &window, const QString &path, const Console &err)
{
    const QImage image = window.grab().toImage();
    QImageWriter writer(path, "png");
    if (!writer.write(image)) {
        err.writeLine(QStringLiteral("fanout gui: cannot write the screenshot %1: %2").arg(path, writer.errorString()));
        return RunCommand::InvalidInput;
    }
    Console(stdout).writeLine(QStringLiteral("Saved a %1x%2 screenshot to %3").arg(image.width()).arg(image.height()).arg(path));
    return RunCommand::Succeeded;
}

int exportGraph(MainWindow &window, const QString &path, const Console &err)
{
    if (const Expected<void> exported = window.files().exportGraph(path); !exported) {
        err.writeLine(QStringLiteral("fanout gui: cannot export the graph to %1: %2").arg(path, exported.error()));
        return RunCommand::InvalidInput;
    }
    Console(stdout).writeLine(QStringLiteral("Saved the graph to %1").arg(path));
    return RunCommand::Succeeded;
}

int exportTimeline(MainWindow &window, const QString &path, const Console &err)
{
    if (const Expected<void> exported = window.files().exportTimeline(path); !exported) {
        err.writeLine(QStringLiteral("fanout gui: cannot export the timeline to %1: %2").arg(path, exported.error()));
        return RunCommand::InvalidInput;
    }
    Console(stdout).writeLine(QStringLiteral("Saved the timeline to %1").arg(path));
    return RunCommand::Succeeded;
}

// Writes the errors of the plan opened to `err`, as `fanout validate` does; whether it has any.
bool reportErrors(const MainWindow &window, const QString &path, const Console &err)
{
    const PlanDocument &document = window.workspace().document();
    if (!document.hasErrors())
        return false;
    // Read again for the lines and columns (the window's document has JSON paths only); only
    // when there are errors to say.
    const QString file = QFileInfo(path).fileName();
    for (const Diagnostic &d : window.workspace().read(path).read.diagnostics)
        err.writeLine(d.toString(file));
    err.writeLine(QStringLiteral("fanout gui: %1 has errors: opened with them listed in the Problems tab; it cannot run until they are "
                                 "fixed.")
                      .arg(file));
    return true;
}

// What `fanout gui --screenshot/--export-*` asks for: pictures taken `seconds` after opening (and
// after starting a run, with `run`), with a resource selected.
struct Capture
{
    QString screenshot; // empty: none
    QString graph;
    QString timeline;
    QString select;
    QString show; // a pane to bring to the front: "forecast" or "targets"
    bool run = false;
    double seconds = -1; // negative: when the run has ended with `run`, at once without
};

int takePictures(MainWindow &window, const Capture &request)
{
    const Console err(stderr);
    window.setAttribute(Qt::WA_DontShowOnScreen);
    window.show();
    if (!request.select.isEmpty()) {
        const int resource = window.workspace().deployment().plan().indexOf(request.select);
        if (resource < 0) {
            err.writeLine(QStringLiteral("fanout gui: --select: the plan has no resource \"%1\".").arg(request.select));
            return RunCommand::InvalidInput;
        }
        window.workspace().selection().select(resource);
    }
    if (QDockWidget *dock = request.show == QLatin1String("forecast") ? window.forecastDock()
                            : request.show == QLatin1String("targets")  ? window.targetsDock()
                                                                         : nullptr) {
        dock->show();
        dock->raise();
    }
    Deployment &deployment = window.workspace().deployment();
    // The pictures show the forecast (computed off the GUI thread) rather than "Forecasting…".
    window.forecast().waitForIdle();
    if (request.run)
        window.runs().runAction()->trigger();
    int status = RunCommand::Succeeded;
    const auto take = [&] {
        waitForLayout(window);
        // Every picture asked for is attempted; the status is the worst of them.
        if (!request.screenshot.isEmpty())
            status = std::max(status, saveScreenshot(window, request.screenshot, err));
        if (!request.graph.isEmpty())
            status = std::max(status, exportGraph(window, request.graph, err));
        if (!request.timeline.isEmpty())
            status = std::max(status, exportTimeline(window, request.timeline, err));
        deployment.cancel();
        QCoreApplication::quit();
    };
    // A picture of a run a few milliseconds old shows next to nothing: without --at, the run's end.
    if (request.seconds < 0 && deployment.isRunning())
        QObject::connect(&deployment, &Deployment::runFinished, &window, take, Qt::SingleShotConnection);
    else
        QTimer::singleShot(qint64(std::max(0.0, request.seconds) * 1000), &window, take);
    QCoreApplication::exec();
    return status;
}

// Shows run `id` of the history, at `seconds` into it (its end when negative), with the History
// pane in front; false, having said why, when it cannot be read or shown.
bool showReplay(MainWindow &window, const QString &id, double seconds)
{
    const Console err(stderr);
    bool ok = false;
    const qint64 run = QString(id).remove(QLatin1Char('#')).toLongLong(&ok);
    if (!ok || run <= 0) {
        err.writeLine(QStringLiteral("fanout gui: --replay wants a run number, as `fanout history` lists them, not \"%1\".").arg(id));
        return false;
    }
    HistoryPane *pane = window.historyPane();
    Expected<RunHistory::RecordedRun> recorded = RunHistory(pane->historyPath()).recordedRun(run);
    if (!recorded) {
        err.writeLine(QStringLiteral("fanout gui: --replay: run #%1 cannot be read from the run history %2: %3")
                          .arg(run)
                          .arg(QDir::toNativeSeparators(pane->historyPath()), recorded.error()));
        return false;
    }
    if (!pane->showRecorded(std::move(*recorded)))
        return false;
    if (seconds >= 0)
        pane->replay()->seek(qint64(seconds * 1000));
    if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("HistoryDock")))
        dock->raise();
    // The list, read on a thread, shows in the picture too.
    QEventLoop loop;
    QObject::connect(pane, &HistoryPane::listRead, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    pane->refresh();
    loop.exec();
    return true;
}


// The options of `fanout gui`, read the same way with a display and without one.
struct GuiOptions
{
    QCommandLineParser parser;
    const QCommandLineOption screenshot{QStringLiteral("screenshot"), QStringLiteral("Render the window to FILE.png and exit, without showing it."),
                                        QStringLiteral("FILE.png")};
    const QCommandLineOption exportGraph{QStringLiteral("export-graph"),
                                         QStringLiteral("Write the graph to FILE (.svg, .png, .dot/.gv or .mmd, by its extension) and exit."),
                                         QStringLiteral("FILE")};
    const QCommandLineOption exportTimeline{QStringLiteral("export-timeline"), QStringLiteral("Write the whole timeline to FILE.png and exit."),
                                            QStringLiteral("FILE.png")};
    const QCommandLineOption run{QStringLiteral("run"), QStringLiteral("Start a run first (with --screenshot or an export).")};
    const QCommandLineOption at{QStringLiteral("at"),
                                QStringLiteral("Take the screenshot or exports SECONDS after starting (default: when the run has ended with "
                                               "--run, at once without)."),
                                QStringLiteral("SECONDS")};
    const QCommandLineOption select{QStringLiteral("select"), QStringLiteral("Select the resource ID (with --screenshot)."), QStringLiteral("ID")};
    const QCommandLineOption replay{QStringLiteral("replay"),
                                    QStringLiteral("Show run RUN of the run history (as `fanout history` numbers them), read-only, as it "
                                                   "ended; with --at, SECONDS into it."),
                                    QStringLiteral("RUN")};
    const QCommandLineOption history{QStringLiteral("history"),
                                     QStringLiteral("The run history to list, replay and record in (default: %1).").arg(RunHistory::defaultPath()),
                                     QStringLiteral("FILE")};
    const QCommandLineOption noHistory{QStringLiteral("no-history"), QStringLiteral("Record nothing in a run history, and list none.")};
    const QCommandLineOption show{QStringLiteral("show"), QStringLiteral("Bring the pane PANE to the front (with --screenshot): forecast or targets."),
                                  QStringLiteral("PANE")};
    double seconds = -1;

    GuiOptions()
    {
        parser.setApplicationDescription(QStringLiteral(
            "Open the Fanout dashboard on PLAN (the built-in demo when none is given).\n"
            "A plan with errors opens with its Problems tab in front, where they are fixed; it cannot run until they are.\n"
            "Exit status with --screenshot or an export: 0 when the pictures are written; 2 when one cannot be, when PLAN cannot be\n"
            "read at all, or when it has errors (its pictures are written all the same, showing the errors).\n"
            "The window needs a display; without one, --screenshot and the exports render offscreen, and `fanout run PLAN` runs\n"
            "a plan in the terminal."));
        parser.addHelpOption();
        parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("[PLAN]"));
        parser.addOptions({screenshot, exportGraph, exportTimeline, run, at, select, replay, history, noHistory, show});
    }

    bool capture() const { return parser.isSet(screenshot) || parser.isSet(exportGraph) || parser.isSet(exportTimeline); }

    // Reads the command line (an application must exist): nullopt to go on, else the exit status,
    // with help printed or the mistake said.
    std::optional<int> read(const Console &err)
    {
        QStringList arguments = QCoreApplication::arguments();
        if (arguments.size() > 1 && arguments[1] == QLatin1String("gui"))
            arguments.removeAt(1);
        if (!parser.parse(arguments)) {
            err.writeLine(QStringLiteral("fanout gui: %1\nRun \"fanout gui --help\" for the options.").arg(parser.errorText()));
            return RunCommand::InvalidInput;
        }
        if (parser.isSet(QStringLiteral("help"))) {
            Console(stdout).write(parser.helpText());
            return RunCommand::Succeeded;
        }
        if (parser.positionalArguments().size() > 1) {
            err.writeLine(QStringLiteral("fanout gui: give at most one PLAN."));
            return RunCommand::InvalidInput;
        }
        bool secondsOk = !parser.isSet(at);
        seconds = parser.isSet(at) ? parser.value(at).toDouble(&secondsOk) : -1;
        if (!secondsOk || (parser.isSet(at) && seconds < 0)) {
            err.writeLine(QStringLiteral("fanout gui: --at wants a number of seconds, not \"%1\".").arg(parser.value(at)));
            return RunCommand::InvalidInput;
        }
        if (parser.isSet(show) && parser.value(show) != QLatin1String("forecast") && parser.value(show) != QLatin1String("targets")) {
            err.writeLine(QStringLiteral("fanout gui: --show knows the panes \"forecast\" and \"targets\", not \"%1\".").arg(parser.value(show)));
            return RunCommand::InvalidInput;
        }
        return std::nullopt;
    }
};

// What the run history's default place and the help's words depend on.
void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("fanout"));
    QCoreApplication::setOrganizationName(QStringLiteral("Fanout"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FANOUT_VERSION));
}

// Whether a window can be shown here: a platform that needs no display was chosen
// (QT_QPA_PLATFORM=offscreen, vnc, ...), or there is an X11 or Wayland display to show it on.
bool displayAvailable()
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty() && !platform.startsWith("xcb") && !platform.startsWith("wayland"))
        return true;
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// Without a display, Qt would abort when the application is made. Help and mistakes on the command
// line are answered all the same, and pictures are rendered offscreen; the window itself cannot
// be shown, which is said with what to do instead. nullopt: go on (offscreen).
std::optional<int> withoutDisplay(int &argc, char **argv)
{
    QCoreApplication app(argc, argv);
    nameApplication();
    const Console err(stderr);
    GuiOptions options;
    if (const std::optional<int> status = options.read(err))
        return status;
    if (options.capture()) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return std::nullopt;
    }
    err.writeLine(QStringLiteral(
        "fanout gui: there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "On a machine without one:\n"
        "  fanout run PLAN                      runs the plan in the terminal, with live progress\n"
        "  fanout gui PLAN --screenshot F.png   renders the window to a picture\n"
        "  QT_QPA_PLATFORM=offscreen fanout gui PLAN ...   runs the window offscreen, as the tests do\n"
        "Run \"fanout --help\" for every command."));
    return RunCommand::Failed;
}

} // namespace

int GuiCommand::exec(int &argc, char **argv)
{
    if (!displayAvailable()) {
        if (const std::optional<int> status = withoutDisplay(argc, argv))
            return *status;
    }
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("Fanout"));
    QApplication::setDesktopFileName(QStringLiteral("fanout"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/fanout.svg")));

    const Console err(stderr);
    GuiOptions options;
    if (const std::optional<int> status = options.read(err))
        return *status;
    const QCommandLineParser &parser = options.parser;
    const double seconds = options.seconds;
    const QString plan = parser.positionalArguments().value(0, QStringLiteral("demo"));
    const bool capture = options.capture();

    // A screenshot shows the default layout, whatever the user's saved one is.
    MainWindow window(capture ? MainWindow::Layout::Default : MainWindow::Layout::Restore);
    // Runs are recorded in, and forecasts learn from, the history asked for (before the plan opens:
    // its forecast is computed once).
    window.setHistoryPath(RunCommand::historyFile(parser));
    if (const Expected<void> opened = window.files().openPlan(plan); !opened) {
        // Nothing to show: the file cannot be read, or is not JSON (or YAML) at all.
        err.writeLine(opened.error());
        if (capture)
            return RunCommand::InvalidInput;
        (void)window.files().openPlan(QStringLiteral("demo")); // show the problems over something useful
    }
    // A plan with errors opens in the window with its Problems tab in front, where they are fixed;
    // they are said here too, and pictures are taken, but the exit status stays 2 for scripts.
    const bool errors = reportErrors(window, plan, err);
    if (parser.isSet(options.replay)) {
        if (parser.isSet(options.run)) {
            err.writeLine(QStringLiteral("fanout gui: --replay shows a recorded run; it cannot be given with --run."));
            return RunCommand::InvalidInput;
        }
        if (!showReplay(window, parser.value(options.replay), seconds))
            return RunCommand::InvalidInput;
    }
    if (!capture) {
        window.show();
        return app.exec();
    }

    Capture request;
    request.screenshot = parser.value(options.screenshot);
    request.graph = parser.value(options.exportGraph);
    request.timeline = parser.value(options.exportTimeline);
    request.select = parser.value(options.select);
    request.show = parser.value(options.show);
    request.run = parser.isSet(options.run);
    request.seconds = parser.isSet(options.replay) ? 0 : seconds; // a replay is shown at that moment already
    if (errors && request.run) {
        err.writeLine(QStringLiteral("fanout gui: --run: nothing was run, as the plan has errors."));
        request.run = false;
    }
    const int status = takePictures(window, request);
    return errors ? std::max<int>(status, RunCommand::InvalidInput) : status;
}

} // namespace fanout
