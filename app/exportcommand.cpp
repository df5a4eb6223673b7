#include "app/exportcommand.h"

#include "app/console.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "engine/argo/argoworkflow.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace fanout {

bool ExportCommand::printProblems(const ArgoWorkflow::Export &exported, const QString &planName, const QString &nothingDone)
{
    // Not PlanArgument::print: its summary says the plan cannot run, and here it can, only not on Argo.
    const Console err(stderr);
    for (const Diagnostic &d : exported.problems)
        err.writeDiagnostic(d, planName);
    if (!exported.workflow.is_null())
        return true;
    err.writeLine(QStringLiteral("%1: %2 in its Argo Workflow%3").arg(planName, counted(errorCount(exported.problems), "error"), nothingDone));
    return false;
}

int ExportCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write PLAN as another engine's input. --format argo: an Argo Workflow (argoproj.io/v1alpha1)\n"
        "for `argo submit`: a DAG task per resource with its dependencies, the plan's parallelism,\n"
        "retries and timeouts; commands run in a container (the resource's \"image\", else the plan's\n"
        "argo.image), http resources as Argo HTTP templates. A group limit becomes a semaphore, whose\n"
        "ConfigMap is written beside FILE (FILE.configmap.yaml: kubectl apply it first). Secrets are\n"
        "read from a Kubernetes Secret, never written. docs/argo.md has the mapping.\n"
        "What the workflow cannot do as Fanout would is an error naming the resource, and nothing is\n"
        "written; what it only leaves out (jitter, destroy actions) is a warning.\n"
        "Exit status: 0 when written, 1 when a file cannot be written, 2 when PLAN has errors or\n"
        "cannot be exported."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("export PLAN"));
    const QCommandLineOption formatOption({QStringLiteral("f"), QStringLiteral("format")},
                                          QStringLiteral("argo (the default, and the one format for now)."), QStringLiteral("FORMAT"),
                                          QStringLiteral("argo"));
    const QCommandLineOption outputOption({QStringLiteral("o"), QStringLiteral("output")},
                                          QStringLiteral("Write to FILE (YAML; JSON when it ends in .json), and the ConfigMap beside it, "
                                                         "instead of standard output."),
                                          QStringLiteral("FILE"));
    parser.addOptions({formatOption, outputOption});
    PlanArgument::addProfileOption(parser);
    if (const std::optional<int> done = RunCommand::parse(parser, QStringLiteral("export"), arguments))
        return *done;
    if (parser.value(formatOption).toLower() != QLatin1String("argo")) {
        err.writeLine(QStringLiteral("fanout export: unknown format \"%1\"; use argo").arg(parser.value(formatOption)));
        return RunCommand::InvalidInput;
    }
    PlanArgument::applyProfiles(parser);
    const QString planArgument = parser.positionalArguments().constFirst();
    const PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;

    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(read.plan);
    const QString name = PlanArgument::displayName(planArgument);
    if (!printProblems(exported, name, QStringLiteral(" (the plan still runs with fanout run); nothing was written")))
        return RunCommand::InvalidInput;
    const QString output = parser.value(outputOption);
    if (output.isEmpty()) {
        if (!exported.configMap.is_null()) {
            err.writeLine(QStringLiteral("fanout export: the plan's group limits are semaphores on Argo, whose ConfigMap is a file of its own; "
                                         "give -o FILE.yaml to write both (FILE.configmap.yaml beside it)"));
            return RunCommand::InvalidInput;
        }
        out.write(QString::fromStdString(ArgoWorkflow::toYaml(exported.workflow)));
        return RunCommand::Succeeded;
    }
    const Expected<QStringList> written = ArgoWorkflow::write(exported, output);
    if (!written) {
        err.writeLine(QStringLiteral("fanout export: %1").arg(written.error()));
        return RunCommand::Failed;
    }
    const int tasks = int(exported.workflow["spec"]["templates"][0]["dag"]["tasks"].size());
    QString next = QStringLiteral("argo submit %1").arg(output);
    if (written->size() > 1)
        next = QStringLiteral("kubectl apply -f %1 && ").arg(written->constFirst()) + next;
    err.writeLine(QStringLiteral("%1: an Argo Workflow of %2 written to %3; to run it: %4")
                      .arg(name, counted(tasks, "task"), written->join(QStringLiteral(" and ")), next));
    return RunCommand::Succeeded;
}

} // namespace fanout
