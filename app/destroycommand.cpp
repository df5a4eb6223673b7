#include "app/destroycommand.h"

#include "app/console.h"
#include "app/jsonevents.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"

#include <QCommandLineParser>

namespace fanout {

namespace {

// What a refused teardown prints, and its exit code.
int refused(const Deployment::Teardown &teardown, const Deployment &deployment)
{
    const Console err(stderr);
    using Refusal = Deployment::Teardown::Refusal;
    if (teardown.refusal == Refusal::InvalidActions) {
        const QString file = deployment.statePath().isEmpty() ? deployment.planFile() : deployment.statePath();
        for (const Diagnostic &d : teardown.problems) {
            if (d.isError())
                err.writeDiagnostic(d, file);
        }
        err.writeLine(QStringLiteral("fanout destroy: nothing was destroyed; fix these destroy actions (in the state file, or in the plan "
                                     "for resources recorded without one) and run it again"));
        return RunCommand::InvalidInput;
    }
    QString message = teardown.message;
    if (!message.isEmpty())
        message[0] = message[0].toLower();
    if (teardown.refusal == Refusal::OtherPlan) {
        // After a rename, "fanout run" records the new name.
        err.writeLine(QStringLiteral("fanout destroy: %1 Check --state, or run \"fanout run\" first if the plan was renamed").arg(message));
        return RunCommand::InvalidInput;
    }
    err.writeLine(QStringLiteral("fanout destroy: %1").arg(message));
    return teardown.refusal == Refusal::StateNotSaved || teardown.refusal == Refusal::StateInUse ? RunCommand::Failed
                                                                                                     : RunCommand::InvalidInput;
}

} // namespace

int DestroyCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tear down what the state file of PLAN records (NAME.fanout-state.json beside PLAN, or --state),\n"
        "in parallel and in reverse dependency order: a resource is destroyed only once everything that\n"
        "depends on it has been. Each runs its destroy action (\"destroy\" in the plan) as recorded when\n"
        "it was created, with the values its variables and references had then (secret variables and\n"
        "${env:NAME} are read again), so a resource since removed from the plan is torn down too and\n"
        "a --var given today does not change what is deleted. It leaves the state file as soon as it\n"
        "succeeds. A resource without a destroy action is only removed from the state file.\n\n"
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
    Deployment deployment(ExecutorRegistry::builtIn());
    if (!RunCommand::openDeployment(deployment, read.plan, planArgument, *settings))
        return RunCommand::InvalidInput;
    const QString where = deployment.statePath().isEmpty() ? QStringLiteral("(the demo keeps no state file)")
                                                           : QStringLiteral("in %1").arg(deployment.statePath());
    if (const QString interrupted = deployment.interruptionNotice(); !interrupted.isEmpty())
        err.writeLine(err.paint(QStringLiteral("warning:"), Console::Colour::Yellow)
                      + QStringLiteral(" %1. They are torn down with the rest.").arg(interrupted));
    const Deployment::Teardown teardown = deployment.planTeardown();
    // With --json, stdout has only the event stream: what is said to people goes to stderr.
    const Console &said = settings->json ? err : out;
    for (const QString &id : teardown.forgotten)
        said.writeLine(QStringLiteral("nothing to run to destroy %1; removed from the state").arg(id));
    for (const QString &note : teardown.notes)
        err.writeLine(err.paint(QStringLiteral("note:"), Console::Colour::Cyan) + QLatin1Char(' ') + note);
    const auto nothingToDo = [&](const QString &message) {
        said.writeLine(message);
        if (settings->json)
            JsonEventStream::nothingToDo(message);
        return RunCommand::Succeeded;
    };
    switch (teardown.outcome) {
    case Deployment::Teardown::Outcome::NothingRecorded:
        return nothingToDo(QStringLiteral("Nothing to destroy: no resources are recorded %1.").arg(where));
    case Deployment::Teardown::Outcome::OnlyForgotten:
        return nothingToDo(QStringLiteral("Nothing left to destroy %1.").arg(where));
    case Deployment::Teardown::Outcome::Refused:
        return refused(teardown, deployment);
    case Deployment::Teardown::Outcome::Ready:
        break;
    }

    const Plan &plan = deployment.plan();
    const QString headline = QStringLiteral("Destroying \"%1\" from %2: %3 %4, parallelism %5%6")
                                 .arg(plan.name, deployment.planFile(), QString::number(plan.resources.size()),
                                      plan.resources.size() == 1 ? QStringLiteral("resource") : QStringLiteral("resources"),
                                      QString::number(deployment.parallelism()), deployment.failFast() ? QStringLiteral(", fail-fast") : QString());
    return RunCommand::watch(deployment, *settings, headline, QString(), [&] { return deployment.startTeardown(); },
                             QStringLiteral("destroyed"));
}

} // namespace fanout
