#include "app/plancommands.h"

#include "app/console.h"
#include "app/diagnosticreport.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/plan/graphwriter.h"
#include "engine/support/atomicfile.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

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

// --format NAME; false after saying what the names are.
bool readFormat(const QString &name, std::optional<ImportFormat> *format)
{
    *format = formatFromName(name.toLower());
    if (*format && **format != ImportFormat::FanoutPlan)
        return true;
    Console(stderr).writeLine(QStringLiteral("fanout import: unknown format \"%1\"; use one of %2")
                                  .arg(name, formatNames().mid(1).join(QStringLiteral(", "))));
    return false;
}

// --mapping FILE; false after printing its problems.
bool readMapping(const QString &file, nlohmann::ordered_json *mapping)
{
    const Diagnostics problems = PlanImporter::readMapping(file, mapping);
    PlanArgument::print(problems, file, Console(stderr));
    return errorCount(problems) == 0;
}

// What `fanout import` says when it is done: what it found, how each resource will be
// provisioned, and where the plan went.
QString importSummary(const QString &file, const ImportResult &imported, const Plan &plan, const QString &output)
{
    int notRun = 0;
    QMap<QString, int> mappedBy;
    for (const Resource &r : plan.resources) {
        notRun += r.run ? 0 : 1;
        if (r.run)
            ++mappedBy[r.mappedBy.startsWith(QLatin1String("built-in")) ? QStringLiteral("built-in estimates (sim)") : r.mappedBy];
    }
    QStringList how;
    for (auto it = mappedBy.cbegin(); it != mappedBy.cend(); ++it)
        how.append(QStringLiteral("%1 by %2").arg(it.value()).arg(it.key()));
    return QStringLiteral("%1 (%2): %3, %4, %5%6%7%8")
        .arg(file, formatDescription(imported.format), counted(imported.resourceCount, "resource"),
             counted(imported.dependencyCount, "dependency", "dependencies"), counted(plan.groups.size(), "group"))
        .arg(notRun ? QStringLiteral(", %1 not to run (data sources, no-ops, services of profiles not chosen)").arg(notRun) : QString())
        .arg(how.isEmpty() ? QString() : QStringLiteral("; provisioned: %1").arg(how.join(QStringLiteral(", "))))
        .arg(output.isEmpty() ? QString() : QStringLiteral("; written to %1").arg(output));
}

// `validate --estimates`: one line a resource, "db  4.6s (4.1s-5.0s)  this definition, 3 runs".
QStringList estimateTable(const Plan &plan, const std::vector<Estimate> &estimates)
{
    QStringList figures;
    qsizetype idWidth = 0;
    qsizetype figureWidth = 0;
    for (size_t r = 0; r < estimates.size(); ++r) {
        const QString figure = estimates[r].figureText();
        figures.append(figure);
        idWidth = std::max(idWidth, plan.resources[qsizetype(r)].id.size());
        figureWidth = std::max(figureWidth, figure.size());
    }
    QStringList lines;
    for (size_t r = 0; r < estimates.size(); ++r) {
        lines.append(QStringLiteral("  %1  %2  %3")
                         .arg(plan.resources[qsizetype(r)].id.leftJustified(idWidth), figures[qsizetype(r)].leftJustified(figureWidth),
                              estimates[r].describe()));
    }
    return lines;
}

} // namespace

int PlanCommands::validate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check PLAN and print every problem found, each with its place in the file.\n"
        "With --estimates, also how long each resource is expected to take and where that comes from:\n"
        "its own past runs (same definition, else same id), its type's, the plan's estimate, or its\n"
        "executor's default.\n"
        "For tools: --format json prints the diagnostics as one JSON object (like terraform validate\n"
        "-json), --format sarif as SARIF 2.1.0 for code-scanning tools (pull request annotations).\n"
        "Exit status: 0 when the plan can run (warnings allowed), 2 when it has errors."));
    const QCommandLineOption estimates(QStringLiteral("estimates"),
                                       QStringLiteral("Print each resource's expected duration, its spread and where it comes from."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("text (default), json or sarif."), QStringLiteral("FORMAT"),
                                    QStringLiteral("text"));
    const QCommandLineOption asJson(QStringLiteral("json"), QStringLiteral("The same as --format json."));
    parser.addOptions({estimates, format, asJson});
    RunCommand::addHistoryOptions(parser);
    PlanArgument::addProfileOption(parser);
    QString planArgument;
    if (const int done = parse(parser, QStringLiteral("validate"), arguments, &planArgument); done >= 0)
        return done;
    PlanArgument::applyProfiles(parser);
    const Console err(stderr);
    const QString chosen = parser.isSet(asJson) ? QStringLiteral("json") : parser.value(format).toLower();
    if (chosen != QLatin1String("text") && chosen != QLatin1String("json") && chosen != QLatin1String("sarif")) {
        err.writeLine(QStringLiteral("fanout validate: unknown format \"%1\"; use text, json or sarif").arg(parser.value(format)));
        return RunCommand::InvalidInput;
    }
    if (chosen != QLatin1String("text")) {
        if (parser.isSet(estimates)) {
            err.writeLine(QStringLiteral("fanout validate: --estimates prints a table for people; it has no %1 form").arg(chosen));
            return RunCommand::InvalidInput;
        }
        // Nothing for people: the diagnostics go to stdout as data, and nowhere else.
        const PlanReadResult read = PlanArgument::read(planArgument);
        const QString file = PlanArgument::displayName(planArgument);
        const nlohmann::ordered_json out = chosen == QLatin1String("json") ? DiagnosticReport::toJson(read.diagnostics, file, read.plan)
                                                                           : DiagnosticReport::toSarif(read.diagnostics, file);
        Console(stdout).writeLine(QString::fromStdString(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)));
        return read.hasErrors() ? RunCommand::InvalidInput : RunCommand::Succeeded;
    }
    const PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;
    const int warnings = warningCount(read.diagnostics);
    Console(stdout).writeLine(QStringLiteral("%1: valid: %2, %3, parallelism %4%5")
                                  .arg(PlanArgument::displayName(planArgument), counted(read.plan.resources.size(), "resource"),
                                       counted(read.plan.groups.size(), "group"))
                                  .arg(read.plan.parallelism)
                                  .arg(warnings ? QStringLiteral(" (%1)").arg(counted(warnings, "warning")) : QString()));
    if (parser.isSet(estimates)) {
        const std::vector<Estimate> learned = RunCommand::learnEstimates(read.plan, RunCommand::historyFile(parser));
        for (const QString &line : estimateTable(read.plan, learned))
            Console(stdout).writeLine(line);
    }
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

int PlanCommands::import(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Import FILE, another tool's plan, as a Fanout plan: a Terraform JSON plan (terraform show\n"
        "-json PLANFILE), terraform graph output, a CloudFormation template (JSON or YAML) or a\n"
        "Compose file. Every resource keeps its dependencies; modules become groups. How each\n"
        "resource is provisioned comes from the plan's \"mapping\" (docs/importing.md): by default a\n"
        "simulation with an estimate per resource type, for a forecast.\n"
        "fanout run, validate and graph also take these files directly.\n"
        "Exit status: 0 when imported, 2 when FILE cannot be imported."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The file to import."), QStringLiteral("import FILE"));
    const QCommandLineOption formatOption({QStringLiteral("f"), QStringLiteral("format")},
                                          QStringLiteral("What FILE is: %1. Detected from its content when not given.")
                                              .arg(formatNames().mid(1).join(QStringLiteral(", "))),
                                          QStringLiteral("FORMAT"));
    const QCommandLineOption mappingOption({QStringLiteral("m"), QStringLiteral("mapping")},
                                           QStringLiteral("A JSON file of mapping rules ({\"mapping\": [...]}) that say which executor provisions which resource types."),
                                           QStringLiteral("MAPPING"));
    const QCommandLineOption outputOption({QStringLiteral("o"), QStringLiteral("output")},
                                          QStringLiteral("Where to write the plan; standard output when not given."), QStringLiteral("PLAN"));
    parser.addOption(formatOption);
    parser.addOption(mappingOption);
    parser.addOption(outputOption);
    PlanArgument::addProfileOption(parser);
    if (!parser.parse(QStringList{QStringLiteral("fanout import")} + arguments)) {
        err.writeLine(QStringLiteral("fanout import: %1\nRun \"fanout import --help\" for the options.").arg(parser.errorText()));
        return RunCommand::InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return RunCommand::Succeeded;
    }
    if (parser.positionalArguments().size() != 1) {
        err.writeLine(QStringLiteral("fanout import: give one FILE to import."));
        return RunCommand::InvalidInput;
    }
    const QString file = parser.positionalArguments().constFirst();
    PlanArgument::applyProfiles(parser);

    std::optional<ImportFormat> format;
    if (parser.isSet(formatOption) && !readFormat(parser.value(formatOption), &format))
        return RunCommand::InvalidInput;
    nlohmann::ordered_json mapping;
    if (parser.isSet(mappingOption) && !readMapping(parser.value(mappingOption), &mapping))
        return RunCommand::InvalidInput;

    const QString output = parser.value(outputOption);
    if (!output.isEmpty() && QFileInfo(output).absoluteFilePath() == QFileInfo(file).absoluteFilePath()) {
        err.writeLine(QStringLiteral("fanout import: the output would overwrite %1; give another -o").arg(file));
        return RunCommand::InvalidInput;
    }

    const ImportResult imported = PlanImporter::importFile(file, format, mapping);
    PlanArgument::print(imported.diagnostics, file, err);
    if (imported.hasErrors()) {
        err.writeLine(QStringLiteral("%1: not imported").arg(file));
        return RunCommand::InvalidInput;
    }
    // What the plan would say when read: an error here (a mapping rule naming an unknown executor,
    // say) is worth knowing before the plan is saved.
    const PlanReadResult read = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
    PlanArgument::print(read.diagnostics, output.isEmpty() ? QStringLiteral("(imported plan)") : output, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;

    const QByteArray text = QByteArray::fromStdString(imported.document.dump(2)) + '\n';
    if (output.isEmpty()) {
        out.write(QString::fromUtf8(text));
    } else if (const Expected<void> written = AtomicFile::write(output, text); !written) {
        err.writeLine(QStringLiteral("fanout import: cannot write %1: %2").arg(output, written.error()));
        return RunCommand::Failed;
    }
    err.writeLine(importSummary(file, imported, read.plan, output));
    return RunCommand::Succeeded;
}

} // namespace fanout
