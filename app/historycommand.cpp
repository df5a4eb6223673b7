#include "app/historycommand.h"

#include "app/console.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "engine/history/runhistory.h"
#include "engine/support/duration.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

// When, in the local time zone, to the second.
QString when(const QString &iso)
{
    const QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : iso;
}

} // namespace

int HistoryCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the runs and destroys recorded in the run history, newest first."));
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
        out.writeLine(QStringLiteral("  #%1  %2  %3  %4  %5  -j%6  %7 resources, %8 attempts%9")
                          .arg(QString::number(run.id).leftJustified(4))
                          .arg(when(run.startedAt), run.command.leftJustified(7), out.paint(run.outcome.leftJustified(9), colour),
                               formatDuration(run.makespanMs).rightJustified(7))
                          .arg(run.parallelism)
                          .arg(run.resources)
                          .arg(run.attempts)
                          .arg(planName.isEmpty() ? QStringLiteral("  ") + run.planName : QString()));
    }
    return RunCommand::Succeeded;
}

} // namespace fanout
