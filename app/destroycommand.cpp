#include "app/destroycommand.h"

#include "app/console.h"
#include "engine/state/destroyplan.h"
#include "engine/executors/executorregistry.h"
#include "app/planargument.h"
#include "app/runcommand.h"

#include <QCommandLineParser>

namespace fanout {

int DestroyCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tear down what the state file of PLAN records (NAME.fanout-state.json beside PLAN, or --state),\n"
        "in parallel and in reverse dependency order: a resource is destroyed only once everything that\n"
        "depends on it has been. Each runs its destroy action (\"destroy\" in the plan, as recorded when\n"
        "it was created, so a resource since removed from the plan is torn down too) and leaves the\n"
        "state file as soon as it succeeds. A resource without a destroy action is only removed from\n"
        "the state file.\n\n"
        "Exit status: 0 when everything was destroyed (or there was nothing to destroy), 1 when a\n"
        "teardown failed or was skipped (those stay in the state file), 2 for an invalid plan, state\n"
        "file or command line, 130 when interrupted (Ctrl+C, SIGTERM).\n"
        "Ctrl+C once cancels cleanly (running teardowns are asked to stop and the reports are written);\n"
        "twice stops at once."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("destroy PLAN"));
    RunCommand::addSharedOptions(parser);

    if (const std::optional<int> done = RunCommand::parse(parser, QStringLiteral("destroy"), arguments))
        return *done;
    std::optional<RunCommand::Settings> settings = RunCommand::readSharedOptions(parser, QStringLiteral("destroy"));
    if (!settings)
        return RunCommand::InvalidInput;

    const QString planArgument = parser.positionalArguments().constFirst();
    PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;
    if (!RunCommand::applyVariables(read.plan, *settings))
        return RunCommand::InvalidInput;
    std::optional<RunCommand::StateFile> stateFile = RunCommand::loadState(planArgument, *settings);
    if (!stateFile)
        return RunCommand::InvalidInput;
    DeploymentState &state = stateFile->state;
    const QString where = stateFile->path.isEmpty() ? QStringLiteral("(the demo keeps no state file)") : QStringLiteral("in %1").arg(stateFile->path);
    if (state.isEmpty()) {
        out.writeLine(QStringLiteral("Nothing to destroy: no resources are recorded %1.").arg(where));
        return RunCommand::Succeeded;
    }
    // Destroying is not undoable: a state file of another plan (a wrong --state) must not be torn
    // down by mistake. After a rename, "fanout run" records the new name.
    if (!state.planName().isEmpty() && state.planName() != read.plan.name) {
        err.writeLine(QStringLiteral("fanout destroy: the state file %1 records the plan \"%2\", not \"%3\"; nothing was destroyed. "
                                     "Check --state, or run \"fanout run\" first if the plan was renamed")
                          .arg(stateFile->path, state.planName(), read.plan.name));
        return RunCommand::InvalidInput;
    }

    DestroyPlan teardown = DestroyPlan::build(read.plan, state);

    // The destroy actions come from the state file, which may be older than this Fanout or edited
    // by hand: check them as a plan's resources are checked, before anything is torn down.
    const Diagnostics problems = teardown.check(ExecutorRegistry::builtIn());
    if (errorCount(problems) > 0) {
        const QString file = stateFile->path.isEmpty() ? PlanArgument::displayName(planArgument) : stateFile->path;
        for (const Diagnostic &d : problems) {
            if (!d.isError())
                continue;
            QString line = d.toString(file);
            const QString label = QStringLiteral("error:");
            if (const qsizetype at = line.indexOf(label); at >= 0)
                line.replace(at, label.size(), err.paint(label, Console::Colour::Red));
            err.writeLine(line);
        }
        err.writeLine(QStringLiteral("fanout destroy: nothing was destroyed; fix these destroy actions (in the state file, or in the plan "
                                     "for resources recorded without one) and run it again"));
        return RunCommand::InvalidInput;
    }

    for (const QString &id : std::as_const(teardown.forgotten)) {
        state.remove(id);
        out.writeLine(QStringLiteral("nothing to run to destroy %1; removed from the state").arg(id));
    }
    if (!teardown.forgotten.isEmpty() && !stateFile->path.isEmpty()) {
        if (const Expected<void> saved = state.save(stateFile->path); !saved) {
            err.writeLine(QStringLiteral("fanout destroy: cannot write the state file %1: %2").arg(stateFile->path, saved.error()));
            return RunCommand::Failed;
        }
    }
    if (teardown.plan.resources.isEmpty()) {
        out.writeLine(QStringLiteral("Nothing left to destroy %1.").arg(where));
        return RunCommand::Succeeded;
    }

    settings->options.knownOutputs = teardown.knownOutputs;
    const QString planFile = PlanArgument::displayName(planArgument);
    const Plan &plan = teardown.plan;
    const QString headline = QStringLiteral("Destroying \"%1\" from %2: %3 %4, parallelism %5%6")
                                 .arg(plan.name, planFile, QString::number(plan.resources.size()),
                                      plan.resources.size() == 1 ? QStringLiteral("resource") : QStringLiteral("resources"),
                                      QString::number(settings->options.parallelism.value_or(plan.parallelism)),
                                      settings->options.failFast.value_or(plan.failFast) ? QStringLiteral(", fail-fast") : QString());
    return RunCommand::runPlan(plan, *settings, planFile, headline, QString(), &*stateFile, StateRecorder::Mode::Destroy);
}

} // namespace fanout
