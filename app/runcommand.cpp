#include "runcommand.h"

#include "console.h"
#include "executorregistry.h"
#include "planargument.h"
#include "runreport.h"
#include "scheduler.h"
#include "signalwatcher.h"
#include "terminalprogress.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>

namespace fanout {

namespace {

// A report that cannot be written should be known before a long deployment, not after it.
QString checkWritable(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return QStringLiteral("%1 is a directory; give a file name").arg(path);
    const QFileInfo dir(info.absolutePath());
    if (!dir.isDir())
        return QStringLiteral("the directory %1 does not exist").arg(QDir::toNativeSeparators(dir.filePath()));
    if (!dir.isWritable())
        return QStringLiteral("the directory %1 is not writable").arg(QDir::toNativeSeparators(dir.filePath()));
    return QString();
}

} // namespace

int RunCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Provision every resource of PLAN, in parallel: each starts as soon as its dependencies have\n"
        "succeeded, longest remaining path first, up to the parallelism limit.\n\n"
        "PLAN is a plan file (docs/plan-format.md) or \"demo\" for the built-in demo plan.\n\n"
        "Exit status: 0 when every resource succeeded, 1 when any failed or was skipped,\n"
        "2 for an invalid plan or command line, 130 when interrupted (Ctrl+C, SIGTERM).\n"
        "Ctrl+C once cancels the run cleanly (running attempts are asked to stop and the reports\n"
        "are written); twice stops at once."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("run PLAN"));
    const QCommandLineOption parallelism({QStringLiteral("j"), QStringLiteral("parallelism")},
                                         QStringLiteral("Run at most N resources at once (default: the plan's, else 10)."), QStringLiteral("N"));
    const QCommandLineOption failFast(QStringLiteral("fail-fast"), QStringLiteral("Start nothing new once a resource has failed."));
    const QCommandLineOption report(QStringLiteral("report"), QStringLiteral("Write a JSON report of the run (docs/report-format.md)."), QStringLiteral("FILE.json"));
    const QCommandLineOption junit(QStringLiteral("junit"), QStringLiteral("Write a JUnit XML report, one test case per resource."), QStringLiteral("FILE.xml"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed for simulated resources, to repeat a run exactly."), QStringLiteral("N"));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("Show state changes and warnings, not every log line."));
    parser.addOptions({parallelism, failFast, report, junit, seed, quiet});

    if (!parser.parse(QStringList{QStringLiteral("fanout run")} + arguments)) {
        err.writeLine(QStringLiteral("fanout run: %1\nRun \"fanout run --help\" for the options.").arg(parser.errorText()));
        return InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return Succeeded;
    }
    if (parser.positionalArguments().size() != 1) {
        err.writeLine(QStringLiteral("fanout run: give one PLAN (a plan file, or \"demo\").\nRun \"fanout run --help\" for the options."));
        return InvalidInput;
    }

    RunOptions options;
    if (parser.isSet(parallelism)) {
        bool ok = false;
        const int limit = parser.value(parallelism).toInt(&ok);
        if (!ok || limit < 1 || limit > 10000) {
            err.writeLine(QStringLiteral("fanout run: -j needs a whole number from 1 to 10000, not \"%1\"").arg(parser.value(parallelism)));
            return InvalidInput;
        }
        options.parallelism = limit;
    }
    if (parser.isSet(failFast))
        options.failFast = true;
    if (parser.isSet(seed)) {
        bool ok = false;
        options.seed = parser.value(seed).toULongLong(&ok);
        if (!ok) {
            err.writeLine(QStringLiteral("fanout run: --seed needs a whole number, 0 or more, not \"%1\"").arg(parser.value(seed)));
            return InvalidInput;
        }
    }
    for (const QCommandLineOption *option : {&report, &junit}) {
        if (!parser.isSet(*option))
            continue;
        if (const QString problem = checkWritable(parser.value(*option)); !problem.isEmpty()) {
            err.writeLine(QStringLiteral("fanout run: cannot write --%1: %2").arg(option->names().constLast(), problem));
            return InvalidInput;
        }
    }

    const QString planArgument = parser.positionalArguments().constFirst();
    const PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return InvalidInput;

    Scheduler scheduler(ExecutorRegistry::builtIn());
    const QString planFile = PlanArgument::displayName(planArgument);
    auto writeReports = [&] {
        bool ok = true;
        QString error;
        if (parser.isSet(report)) {
            const std::string json = RunReport::toJson(scheduler, planFile).dump(2) + "\n";
            if (!RunReport::writeFile(parser.value(report), QByteArray::fromStdString(json), &error)) {
                err.writeLine(QStringLiteral("fanout run: cannot write the report %1: %2").arg(parser.value(report), error));
                ok = false;
            }
        }
        if (parser.isSet(junit) && !RunReport::writeFile(parser.value(junit), RunReport::toJUnit(scheduler), &error)) {
            err.writeLine(QStringLiteral("fanout run: cannot write the JUnit report %1: %2").arg(parser.value(junit), error));
            ok = false;
        }
        return ok;
    };

    bool interrupted = false;
    QEventLoop loop;
    TerminalProgress progress(scheduler, out, !parser.isSet(quiet));
    QObject::connect(&scheduler, &Scheduler::eventsRecorded, &progress, &TerminalProgress::onEvents);
    QObject::connect(&scheduler, &Scheduler::finished, &loop, &QEventLoop::quit);

    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &scheduler, [&](int) {
        if (!interrupted) {
            interrupted = true;
            progress.message(QStringLiteral("Cancelling the run; press Ctrl+C again to stop at once."));
            scheduler.cancel();
            return;
        }
        progress.message(QStringLiteral("Stopping at once."));
        progress.printSummary(read.plan.name);
        writeReports();
        std::_Exit(Interrupted); // attempts still running are abandoned, as asked
    });

    out.writeLine(out.paint(QStringLiteral("Running \"%1\" from %2: %3 resources, parallelism %4%5")
                                .arg(read.plan.name, planFile).arg(read.plan.resources.size())
                                .arg(options.parallelism.value_or(read.plan.parallelism))
                                .arg(options.failFast.value_or(read.plan.failFast) ? QStringLiteral(", fail-fast") : QString()),
                            Console::Colour::Bold));
    scheduler.start(read.plan, options);
    if (scheduler.isRunning())
        loop.exec();

    progress.printSummary(read.plan.name);
    const bool reportsWritten = writeReports();
    if (interrupted)
        return Interrupted;
    if (!reportsWritten)
        return Failed;
    return RunReport::outcome(scheduler) == QLatin1String("succeeded") ? Succeeded : Failed;
}

} // namespace fanout
