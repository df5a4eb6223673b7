#include "app/historycommand.h"

#include "app/console.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "app/terminalprogress.h"
#include "engine/history/runhistory.h"
#include "engine/run/runreport.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

// When, in the local time zone, to the second.
QString when(const QString &iso)
{
    const QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : iso;
}

QString thousands(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

// What the history keeps of a run beyond its report: when, which plan, how, and its log lines.
void printRecordedRun(const Console &out, const RunHistory::RecordedRun &recorded)
{
    const RunHistory::Run &run = recorded.run;
    out.writeLine(out.paint(QStringLiteral("Run #%1: %2 of \"%3\" from %4").arg(QString::number(run.id), run.command, run.planName, run.planFile),
                            Console::Colour::Bold));
    out.writeLine(QStringLiteral("Started %1, parallelism %2, %3: %4 after %5")
                      .arg(when(run.startedAt), QString::number(run.parallelism), counted(run.resources, "resource"), run.outcome,
                           formatDuration(run.makespanMs)));
    if (recorded.report.is_null()) {
        out.writeLine(QStringLiteral("Recorded by an older Fanout, which kept %1 of it but not its report, plan or log lines.")
                          .arg(counted(run.attempts, "attempt")));
        return;
    }
    TerminalProgress::printSummary(out, recorded.report, run.command);
    qint64 kept = 0;
    for (const RunEvent &event : recorded.events)
        kept += event.kind == RunEvent::Kind::Log;
    out.writeLine(QStringLiteral("%1 log %2 kept, %3 not kept (cap %4)")
                      .arg(thousands(kept), kept == 1 ? QStringLiteral("line") : QStringLiteral("lines"), thousands(recorded.logLinesDropped),
                           thousands(run.logLineCap)));
}

// `fanout history show RUN`: one recorded run, as `fanout run` ended it.
int showRun(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print a recorded run as \"fanout run\" ended it, with when, which plan, the parallelism and its\n"
                                                    "log lines; --report writes the JSON report \"fanout run --report\" wrote."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("The run's number, as \"fanout history\" lists it."),
                                 QStringLiteral("show RUN"));
    parser.addOption({QStringLiteral("report"), QStringLiteral("Write the run's JSON report (docs/report-format.md)."), QStringLiteral("FILE.json")});
    RunCommand::addHistoryOptions(parser);
    const QString usage = QStringLiteral("\nRun \"fanout history show --help\" for the options.");
    if (!parser.parse(QStringList{QStringLiteral("fanout history show")} + arguments)) {
        err.writeLine(QStringLiteral("fanout history show: %1").arg(parser.errorText()) + usage);
        return RunCommand::InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return RunCommand::Succeeded;
    }
    if (parser.positionalArguments().size() != 1) {
        err.writeLine(QStringLiteral("fanout history show: give one RUN, a run's number as \"fanout history\" lists it") + usage);
        return RunCommand::InvalidInput;
    }
    QString argument = parser.positionalArguments().constFirst();
    bool ok = false;
    const qint64 id = (argument.startsWith(QLatin1Char('#')) ? argument.mid(1) : argument).toLongLong(&ok);
    if (!ok || id < 1) {
        err.writeLine(QStringLiteral("fanout history show: RUN is a run's number as \"fanout history\" lists it (such as 12), not \"%1\"").arg(argument));
        return RunCommand::InvalidInput;
    }
    const QString file = RunCommand::historyFile(parser);
    if (file.isEmpty()) {
        err.writeLine(QStringLiteral("fanout history show: --no-history: there is no history to show a run from") + usage);
        return RunCommand::InvalidInput;
    }
    const QString where = QDir::toNativeSeparators(file);
    if (!QFileInfo::exists(file)) {
        err.writeLine(QStringLiteral("fanout history show: there is no run #%1: the run history %2 does not exist (--history FILE for another)").arg(id).arg(where));
        return RunCommand::InvalidInput;
    }
    RunHistory history(file);
    const Expected<std::optional<RunHistory::Run>> found = history.findRun(id);
    if (found && !*found) {
        err.writeLine(QStringLiteral("fanout history show: there is no run #%1 in the run history %2; \"fanout history\" lists the runs it has")
                          .arg(id).arg(where));
        return RunCommand::InvalidInput;
    }
    const Expected<RunHistory::RecordedRun> recorded = found ? history.recordedRun(id) : Expected<RunHistory::RecordedRun>(unexpected(found.error()));
    if (!recorded) {
        err.writeLine(QStringLiteral("fanout history show: cannot read run #%1 from the run history %2: %3").arg(id).arg(where, recorded.error()));
        return RunCommand::Failed;
    }
    printRecordedRun(out, *recorded);
    if (!parser.isSet(QStringLiteral("report")))
        return RunCommand::Succeeded;
    const QString reportFile = parser.value(QStringLiteral("report"));
    if (recorded->report.is_null()) {
        err.writeLine(QStringLiteral("fanout history show: run #%1 was recorded by an older Fanout, which kept no report of it; %2 was not written")
                          .arg(id).arg(reportFile));
        return RunCommand::Failed;
    }
    if (const Expected<void> written = RunReport::write(reportFile, recorded->report); !written) {
        err.writeLine(QStringLiteral("fanout history show: cannot write the report %1: %2").arg(reportFile, written.error()));
        return RunCommand::Failed;
    }
    return RunCommand::Succeeded;
}

} // namespace

int HistoryCommand::exec(const QStringList &arguments)
{
    if (!arguments.isEmpty() && arguments.constFirst() == QLatin1String("show"))
        return showRun(arguments.mid(1));

    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the runs and destroys recorded in the run history, newest first.\n"
                                                    "\"fanout history show RUN\" prints one of them (--help for its options)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("Only the runs of this plan: a plan file, \"demo\", or a plan's name."),
                                 QStringLiteral("[PLAN]"));
    parser.addOptions({
        {QStringLiteral("limit"), QStringLiteral("List at most N runs (default 20)."), QStringLiteral("N"), QStringLiteral("20")},
        {QStringLiteral("json"), QStringLiteral("Print the runs as a JSON array.")},
    });
    RunCommand::addHistoryOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("fanout history")} + arguments)) {
        err.writeLine(QStringLiteral("fanout history: %1\nRun \"fanout history --help\" for the options.").arg(parser.errorText()));
        return RunCommand::InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return RunCommand::Succeeded;
    }
    if (parser.positionalArguments().size() > 1) {
        err.writeLine(QStringLiteral("fanout history: give at most one PLAN.\nRun \"fanout history --help\" for the options."));
        return RunCommand::InvalidInput;
    }
    bool ok = false;
    const int limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit < 1) {
        err.writeLine(QStringLiteral("fanout history: --limit needs a whole number of 1 or more, not \"%1\"").arg(parser.value(QStringLiteral("limit"))));
        return RunCommand::InvalidInput;
    }
    const QString file = RunCommand::historyFile(parser);
    if (file.isEmpty()) {
        err.writeLine(QStringLiteral("fanout history: --no-history: there is no history to list"));
        return RunCommand::InvalidInput;
    }
    // A plan file (or the demo) stands for its name; anything else is taken as a name.
    QString planName;
    if (!parser.positionalArguments().isEmpty()) {
        const QString argument = parser.positionalArguments().constFirst();
        if (argument == QLatin1String("demo") || QFileInfo(argument).isFile()) {
            const PlanReadResult read = PlanArgument::load(argument, err);
            if (read.hasErrors())
                return RunCommand::InvalidInput;
            planName = read.plan.name;
        } else {
            planName = argument;
        }
    }
    if (!QFileInfo::exists(file)) {
        if (parser.isSet(QStringLiteral("json")))
            out.writeLine(QStringLiteral("[]"));
        else
            out.writeLine(QStringLiteral("No runs recorded yet (%1 does not exist).").arg(QDir::toNativeSeparators(file)));
        return RunCommand::Succeeded;
    }
    RunHistory history(file);
    const Expected<QList<RunHistory::Run>> runs = history.runs(planName, limit);
    if (!runs) {
        err.writeLine(QStringLiteral("fanout history: cannot read the run history %1: %2").arg(QDir::toNativeSeparators(file), runs.error()));
        return RunCommand::Failed;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const RunHistory::Run &run : *runs) {
            list.push_back({{"id", run.id}, {"command", run.command.toStdString()}, {"plan", run.planName.toStdString()},
                            {"plan_file", run.planFile.toStdString()}, {"plan_hash", run.planHash.toStdString()},
                            {"started_at", run.startedAt.toStdString()}, {"parallelism", run.parallelism},
                            {"outcome", run.outcome.toStdString()}, {"makespan_ms", run.makespanMs},
                            {"resources", run.resources}, {"attempts", run.attempts}});
        }
        out.writeLine(QString::fromStdString(list.dump(2)));
        return RunCommand::Succeeded;
    }
    if (runs->isEmpty()) {
        out.writeLine(planName.isEmpty() ? QStringLiteral("No runs recorded yet in %1.").arg(QDir::toNativeSeparators(file))
                                         : QStringLiteral("No runs of %1 recorded in %2.").arg(planName, QDir::toNativeSeparators(file)));
        return RunCommand::Succeeded;
    }
    out.writeLine(out.paint(planName.isEmpty() ? QStringLiteral("Runs, newest first (%1):").arg(QDir::toNativeSeparators(file))
                                               : QStringLiteral("Runs of %1, newest first (%2):").arg(planName, QDir::toNativeSeparators(file)),
                            Console::Colour::Bold));
    for (const RunHistory::Run &run : *runs) {
        const Console::Colour colour = run.outcome == QLatin1String("succeeded") ? Console::Colour::Green
            : run.outcome == QLatin1String("cancelled")                         ? Console::Colour::Yellow
                                                                                 : Console::Colour::Red;
        out.writeLine(QStringLiteral("  #%1  %2  %3  %4  %5  -j%6  %7, %8%9")
                          .arg(QString::number(run.id).leftJustified(4))
                          .arg(when(run.startedAt), run.command.leftJustified(7), out.paint(run.outcome.leftJustified(9), colour),
                               formatDuration(run.makespanMs).rightJustified(7))
                          .arg(run.parallelism)
                          .arg(counted(run.resources, "resource"), counted(run.attempts, "attempt"))
                          .arg(planName.isEmpty() ? QStringLiteral("  ") + run.planName : QString()));
    }
    return RunCommand::Succeeded;
}

} // namespace fanout
