#include "plancommands.h"

#include "console.h"
#include "graphwriter.h"
#include "planargument.h"
#include "runcommand.h"

#include <QCommandLineParser>

namespace fanout {

namespace {

// Parses a command's arguments; returns an exit code when the command is already done (help was
// shown, or the command line was wrong), or -1 to go on with the one PLAN in `plan`.
int parse(QCommandLineParser &parser, const QString &command, const QStringList &arguments, QString *plan)
{
    const Console out(stdout);
    const Console err(stderr);
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."),
                                 QStringLiteral("%1 PLAN").arg(command));
    if (!parser.parse(QStringList{QStringLiteral("fanout ") + command} + arguments)) {
        err.writeLine(QStringLiteral("fanout %1: %2\nRun \"fanout %1 --help\" for the options.").arg(command, parser.errorText()));
        return RunCommand::InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return RunCommand::Succeeded;
    }
    if (parser.positionalArguments().size() != 1) {
        err.writeLine(QStringLiteral("fanout %1: give one PLAN (a plan file, or \"demo\").").arg(command));
        return RunCommand::InvalidInput;
    }
    *plan = parser.positionalArguments().constFirst();
    return -1;
}

} // namespace

int PlanCommands::validate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check PLAN and print every problem found, each with its place in the file.\n"
        "Exit status: 0 when the plan can run (warnings allowed), 2 when it has errors."));
    QString planArgument;
    if (const int done = parse(parser, QStringLiteral("validate"), arguments, &planArgument); done >= 0)
        return done;
    const Console err(stderr);
    const PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;
    const int warnings = warningCount(read.diagnostics);
    Console(stdout).writeLine(QStringLiteral("%1: valid: %2 resources, %3 groups, parallelism %4%5")
                                  .arg(PlanArgument::displayName(planArgument))
                                  .arg(read.plan.resources.size()).arg(read.plan.groups.size()).arg(read.plan.parallelism)
                                  .arg(warnings ? QStringLiteral(" (%1 warning%2)").arg(warnings).arg(warnings == 1 ? QString() : QStringLiteral("s"))
                                                : QString()));
    return RunCommand::Succeeded;
}

int PlanCommands::graph(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print PLAN's dependency graph. Arrows go from a dependency to what depends on it; groups\n"
        "are drawn as clusters. Render DOT with Graphviz (fanout graph demo | dot -Tsvg > demo.svg);\n"
        "paste Mermaid into Markdown."));
    const QCommandLineOption format({QStringLiteral("f"), QStringLiteral("format")},
                                    QStringLiteral("dot (default) or mermaid."), QStringLiteral("FORMAT"), QStringLiteral("dot"));
    parser.addOption(format);
    QString planArgument;
    if (const int done = parse(parser, QStringLiteral("graph"), arguments, &planArgument); done >= 0)
        return done;
    const Console err(stderr);
    const QString chosen = parser.value(format).toLower();
    if (chosen != QLatin1String("dot") && chosen != QLatin1String("mermaid")) {
        err.writeLine(QStringLiteral("fanout graph: unknown format \"%1\"; use dot or mermaid").arg(parser.value(format)));
        return RunCommand::InvalidInput;
    }
    const PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;
    Console(stdout).write(chosen == QLatin1String("dot") ? GraphWriter::toDot(read.plan) : GraphWriter::toMermaid(read.plan));
    return RunCommand::Succeeded;
}

} // namespace fanout
