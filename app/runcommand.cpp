#include "app/runcommand.h"

#include "app/argoruncommand.h"
#include "app/console.h"
#include "app/jsonevents.h"
#include "app/planargument.h"
#include "app/signalwatcher.h"
#include "app/terminalprogress.h"
#include "engine/executors/executorregistry.h"
#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/plan/targetselection.h"
#include "engine/run/deployment.h"
#include "engine/run/runreport.h"
#include "engine/support/closestmatch.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QLocale>
#include <QTimer>

#include <csignal>
#include <cstdlib>
#include <memory>

namespace fanout {

namespace {

// After a second Ctrl+C, how long the run may take to notice that its commands were killed before
// Fanout exits anyway.
constexpr int kStopAtOnceMs = 2000;

// A report or state file that cannot be written should be known before a long deployment, not
// after it.
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

// Up-to-date resources whose variables changed since they were created: their definition is the
// same, so the run leaves them as they are; say so, and how to create them again.
QString staleInputsSummary(const QList<Deployment::StaleInputs> &stale)
{
    if (stale.isEmpty())
        return QString();
    constexpr int kListed = 10;
    const bool one = stale.size() == 1;
    QString text = one ? QStringLiteral("\n1 resource up to date was created with other values of the variables it uses (the "
                                        "definition is the same, so it is left as it is):")
                       : QStringLiteral("\n%1 resources up to date were created with other values of the variables they use (the "
                                        "definition is the same, so they are left as they are):")
                             .arg(stale.size());
    QStringList replace;
    for (qsizetype i = 0; i < stale.size(); ++i) {
        replace.append(QStringLiteral("--replace ") + stale[i].id);
        if (i >= kListed)
            continue;
        QStringList changes;
        for (const DeploymentState::VariableChange &change : stale[i].changes)
            changes.append(QStringLiteral("var.%1 was \"%2\", now \"%3\"").arg(change.name, change.was, change.now));
        text += QStringLiteral("\n  %1: %2").arg(stale[i].id, changes.join(QStringLiteral("; ")));
    }
    if (stale.size() > kListed)
        text += QStringLiteral("\n  and %1 more").arg(stale.size() - kListed);
    text += QStringLiteral("\nTo create %1 again with today's values, run again with %2")
                .arg(one ? QStringLiteral("it") : QStringLiteral("them"), replace.join(QLatin1Char(' ')));
    return text;
}

// What a run will do, said before it starts, like `terraform apply`'s plan line; and what the
// state holds that the plan no longer has.
QString provisioningSummary(const Deployment &deployment, const ProvisioningPlan &provisioning, bool all)
{
    QString summary = QStringLiteral("%1 to create, %2 to replace (definition changed), ").arg(provisioning.toCreate).arg(provisioning.changed);
    if (provisioning.forced > 0)
        summary += QStringLiteral("%1 to replace (%2), ").arg(provisioning.forced).arg(all ? QStringLiteral("--all") : QStringLiteral("--replace"));
    if (provisioning.interrupted > 0)
        summary += QStringLiteral("%1 interrupted, to replace, ").arg(provisioning.interrupted);
    if (!provisioning.removals.isEmpty())
        summary += QStringLiteral("%1 to destroy, ").arg(provisioning.removals.size());
    summary += QStringLiteral("%1 up to date").arg(provisioning.upToDate);
    summary += deployment.statePath().isEmpty() ? QStringLiteral(" (the demo keeps no state file)") : QStringLiteral(" (state: %1)").arg(deployment.statePath());
    if (!provisioning.removals.isEmpty()) {
        // As `terraform plan` says "will be destroyed": before anything starts.
        summary += QStringLiteral("\nTo destroy, no longer instances of their sets (count lowered, a for_each key or a target removed): %1")
                       .arg(provisioning.removals.join(QStringLiteral(", ")));
    }
    summary += staleInputsSummary(deployment.changedVariables(provisioning));
    if (const QStringList orphans = deployment.orphans(); !orphans.isEmpty()) {
        summary += QStringLiteral("\n%1 in the state but no longer in the plan (%2): kept; \"fanout destroy\" tears %3 down")
                       .arg(counted(int(orphans.size()), "resource"), orphans.join(QStringLiteral(", ")),
                            orphans.size() == 1 ? QStringLiteral("it") : QStringLiteral("them"));
    }
    return summary;
}

// What --target leaves out, said before the run starts.
QString targetLimitSummary(const Plan &limited, const Plan &plan)
{
    QStringList names;
    for (const Target &t : limited.targets)
        names.append(t.name);
    const int others = int(plan.targets.size() - limited.targets.size());
    const QStringList alongside = TargetSelection::leftOutAlongside(limited, plan);
    const int ofOthers = int(limited.leftOut.size() - plan.leftOut.size() - alongside.size());
    QString summary = QStringLiteral("Only %1 (--target): the %2 of the other %3 %4 left as %5 are\n")
                          .arg(names.join(QStringLiteral(", ")), counted(ofOthers, "resource"),
                               counted(others, "target"), ofOthers == 1 ? QStringLiteral("is") : QStringLiteral("are"),
                               ofOthers == 1 ? QStringLiteral("it") : QStringLiteral("they"));
    if (!alongside.isEmpty())
        summary += QStringLiteral("Left out too, as they wait for another target's resources: %1\n").arg(alongside.join(QStringLiteral(", ")));
    return summary;
}

} // namespace

void RunCommand::addSharedOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {{QStringLiteral("j"), QStringLiteral("parallelism")},
         QStringLiteral("Run at most N resources at once (default: the plan's, else 10)."), QStringLiteral("N")},
        {QStringLiteral("fail-fast"), QStringLiteral("Start nothing new once a resource has failed.")},
        {QStringLiteral("report"), QStringLiteral("Write a JSON report of the run (docs/report-format.md)."), QStringLiteral("FILE.json")},
        {QStringLiteral("junit"), QStringLiteral("Write a JUnit XML report, one test case per resource."), QStringLiteral("FILE.xml")},
        {QStringLiteral("state"),
         QStringLiteral("The state file: what exists, and how to tear it down (default: NAME.fanout-state.json "
                        "beside the plan file NAME.json; the demo keeps none unless given)."),
         QStringLiteral("FILE")},
        {QStringLiteral("var"), QStringLiteral("Give the plan's variable NAME this value for this run (repeatable)."), QStringLiteral("NAME=VALUE")},
        {{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("Show state changes and warnings, not every log line.")},
        {QStringLiteral("json"),
         QStringLiteral("Print every event of the run as one JSON object per line instead of the progress display "
                        "(docs/report-format.md); messages go to stderr.")},
    });
    PlanArgument::addProfileOption(parser);
    addHistoryOptions(parser, HistoryUse::Record);
}

void RunCommand::addHistoryOptions(QCommandLineParser &parser, HistoryUse use)
{
    parser.addOptions({
        {QStringLiteral("history"),
         QStringLiteral("The run history, a SQLite database (default: %1).").arg(QDir::toNativeSeparators(RunHistory::defaultPath())),
         QStringLiteral("FILE")},
        {QStringLiteral("no-history"), QStringLiteral("Neither read nor write the run history.")},
    });
    if (use == HistoryUse::Record) {
        parser.addOption({QStringLiteral("history-log-lines"),
                          QStringLiteral("Keep at most N log lines of this run in the run history; the rest are counted (default %1, "
                                         "0 for none).").arg(QLocale(QLocale::English).toString(RunHistory::kDefaultLogLineCap)),
                          QStringLiteral("N")});
    }
}

QString RunCommand::historyFile(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("no-history")))
        return QString();
    return parser.isSet(QStringLiteral("history")) ? parser.value(QStringLiteral("history")) : RunHistory::defaultPath();
}

std::optional<int> RunCommand::parse(QCommandLineParser &parser, const QString &command, const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    if (!parser.parse(QStringList{QStringLiteral("fanout ") + command} + arguments)) {
        err.writeLine(QStringLiteral("fanout %1: %2\nRun \"fanout %1 --help\" for the options.").arg(command, parser.errorText()));
        return InvalidInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out.write(parser.helpText());
        return Succeeded;
    }
    if (parser.positionalArguments().size() != 1) {
        err.writeLine(QStringLiteral("fanout %1: give one PLAN (a plan file, or \"demo\").\nRun \"fanout %1 --help\" for the options.").arg(command));
        return InvalidInput;
    }
    return std::nullopt;
}

std::optional<RunCommand::Settings> RunCommand::readSharedOptions(const QCommandLineParser &parser, const QString &command)
{
    const Console err(stderr);
    Settings settings;
    settings.command = command;
    PlanArgument::applyProfiles(parser);
    if (parser.isSet(QStringLiteral("parallelism"))) {
        const QString value = parser.value(QStringLiteral("parallelism"));
        bool ok = false;
        const int limit = value.toInt(&ok);
        if (!ok || limit < 1 || limit > 10000) {
            err.writeLine(QStringLiteral("fanout %1: -j needs a whole number from 1 to 10000, not \"%2\"").arg(command, value));
            return std::nullopt;
        }
        settings.parallelism = limit;
    }
    if (parser.isSet(QStringLiteral("fail-fast")))
        settings.failFast = true;
    for (const QString &option : {QStringLiteral("report"), QStringLiteral("junit"), QStringLiteral("state")}) {
        if (!parser.isSet(option))
            continue;
        if (const QString problem = checkWritable(parser.value(option)); !problem.isEmpty()) {
            err.writeLine(QStringLiteral("fanout %1: cannot write --%2: %3").arg(command, option, problem));
            return std::nullopt;
        }
    }
    settings.historyFile = historyFile(parser);
    if (parser.isSet(QStringLiteral("history-log-lines"))) {
        const QString value = parser.value(QStringLiteral("history-log-lines"));
        bool ok = false;
        settings.historyLogLines = value.toInt(&ok);
        if (!ok || settings.historyLogLines < 0) {
            err.writeLine(QStringLiteral("fanout %1: --history-log-lines needs a whole number, 0 or more, not \"%2\"").arg(command, value));
            return std::nullopt;
        }
    }
    settings.reportFile = parser.value(QStringLiteral("report"));
    settings.junitFile = parser.value(QStringLiteral("junit"));
    settings.stateFile = parser.value(QStringLiteral("state"));
    settings.variables = parser.values(QStringLiteral("var"));
    for (const QString &assignment : std::as_const(settings.variables)) {
        if (assignment.indexOf(QLatin1Char('=')) < 1) {
            err.writeLine(QStringLiteral("fanout %1: --var needs NAME=VALUE, such as --var region=eu-west-1, not \"%2\"").arg(command, assignment));
            return std::nullopt;
        }
    }
    settings.quiet = parser.isSet(QStringLiteral("quiet"));
    settings.json = parser.isSet(QStringLiteral("json"));
    return settings;
}

bool RunCommand::applyVariables(Plan &plan, const Settings &settings)
{
    const Console err(stderr);
    QStringList names;
    for (const Variable &variable : std::as_const(plan.variables))
        names.append(variable.name);
    for (const QString &assignment : settings.variables) {
        const qsizetype equals = assignment.indexOf(QLatin1Char('='));
        Q_ASSERT(equals > 0); // readSharedOptions() checked
        const QString name = assignment.left(equals);
        const int v = plan.variableIndex(name);
        if (v < 0) {
            err.writeLine(QStringLiteral("fanout %1: --var %2: the plan has no variable \"%2\"%3")
                              .arg(settings.command, name,
                                   names.isEmpty() ? QStringLiteral("; it declares none under \"variables\"")
                                                   : didYouMean(name, names) + QStringLiteral("; its variables are: ") + names.join(QStringLiteral(", "))));
            return false;
        }
        plan.variables[v].value = assignment.mid(equals + 1);
    }
    return true;
}

bool RunCommand::openDeployment(Deployment &deployment, const Plan &plan, const QString &planArgument, const Settings &settings)
{
    const Console err(stderr);
    QString statePath = settings.stateFile;
    if (statePath.isEmpty() && !PlanArgument::resolve(planArgument).startsWith(QLatin1Char(':')))
        statePath = DeploymentState::defaultPath(planArgument); // the built-in demo keeps none
    if (!deployment.open(plan, PlanArgument::displayName(planArgument), statePath)) {
        for (const Diagnostic &d : deployment.stateDiagnostics()) {
            if (d.isError())
                err.writeDiagnostic(d, statePath);
        }
        err.writeLine(QStringLiteral("fanout %1: cannot read the state file %2, so nothing was started; it was left as it is "
                                     "(give another with --state FILE)").arg(settings.command, statePath));
        return false;
    }
    for (const QString &warning : deployment.stateWarnings())
        err.writeLine(warning);
    if (!statePath.isEmpty()) {
        if (const QString problem = checkWritable(statePath); !problem.isEmpty()) {
            err.writeLine(QStringLiteral("fanout %1: cannot write the state file %2: %3; give another with --state FILE")
                              .arg(settings.command, statePath, problem));
            return false;
        }
    }
    if (settings.parallelism)
        deployment.setParallelism(*settings.parallelism);
    if (settings.failFast)
        deployment.setFailFast(true);
    deployment.setSeed(settings.seed);
    return true;
}

int RunCommand::watch(Deployment &deployment, const Settings &settings, const QString &headline, const QString &summary,
                      const std::function<bool()> &start, const QString &created)
{
    const Console out(stdout);
    const Console err(stderr);
    const QString command = settings.command;
    // One report for all that is said of the run (the summary, --report, the history): the run's
    // clock goes on after its end, so two reports of it differ in their duration.
    auto writeReports = [&](const nlohmann::ordered_json &report) {
        bool ok = true;
        if (!settings.reportFile.isEmpty()) {
            if (const Expected<void> written = RunReport::write(settings.reportFile, report); !written) {
                err.writeLine(QStringLiteral("fanout %1: cannot write the report %2: %3").arg(command, settings.reportFile, written.error()));
                ok = false;
            }
        }
        if (!settings.junitFile.isEmpty()) {
            if (const Expected<void> written = deployment.writeJUnit(settings.junitFile); !written) {
                err.writeLine(QStringLiteral("fanout %1: cannot write the JUnit report %2: %3").arg(command, settings.junitFile, written.error()));
                ok = false;
            }
        }
        return ok;
    };

    bool interrupted = false;
    bool stoppingAtOnce = false;
    QEventLoop loop;
    QObject watching; // the connections below end with this function
    // The progress display, or with --json the event stream on stdout (and our messages on stderr).
    std::optional<TerminalProgress> progress;
    std::optional<JsonEventStream> stream;
    if (settings.json) {
        stream.emplace(deployment.scheduler(), !settings.quiet);
        QObject::connect(&deployment, &Deployment::eventsRecorded, &watching, [&](const QList<RunEvent> &events) { stream->onEvents(events); });
    } else {
        progress.emplace(deployment.scheduler(), out, !settings.quiet);
        QObject::connect(&deployment, &Deployment::eventsRecorded, &*progress, &TerminalProgress::onEvents);
    }
    const auto say = [&](const QString &text) {
        if (progress)
            progress->message(text);
        else
            err.writeLine(text);
    };
    const auto summarise = [&](const nlohmann::ordered_json &report) {
        if (progress)
            progress->printSummary(report, command);
    };
    bool warned = false;
    QObject::connect(&deployment, &Deployment::stateSaveFailed, &watching, [&](const QString &error) {
        if (warned)
            return; // once is enough; it is tried again after every resource, and said at the end
        warned = true;
        const Console &to = progress ? out : err;
        say(to.paint(QStringLiteral("warning: cannot write the state file %1: %2").arg(deployment.statePath(), error), Console::Colour::Yellow));
    });
    QObject::connect(&deployment, &Deployment::runFinished, &loop, &QEventLoop::quit);

    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &deployment, [&](int) {
        if (!interrupted) {
            interrupted = true;
            say(QStringLiteral("Cancelling the run; press Ctrl+C again to stop at once."));
            deployment.cancel();
            return;
        }
        if (stoppingAtOnce)
            return;
        stoppingAtOnce = true;
        say(QStringLiteral("Stopping at once: killing the processes of every running command."));
        // SIGKILL first: the commands end at once, their attempts with them, and the run ends as
        // usual, with its reports and its state. Should anything else hold it up, it is not waited for.
        deployment.stopAtOnce();
        QTimer::singleShot(kStopAtOnceMs, &loop, [&] {
            const nlohmann::ordered_json report = deployment.report();
            summarise(report);
            writeReports(report);
            if (stream)
                stream->finish(report, Interrupted);
            std::_Exit(Interrupted); // attempts still running are abandoned, as asked; the state has what finished
        });
    });

    if (!settings.json) {
        out.writeLine(out.paint(headline, Console::Colour::Bold));
        if (!summary.isEmpty())
            out.writeLine(summary);
    }
    // Under way already (a run on Argo, followed once Argo has taken it): what it did so far first.
    if (const std::vector<RunEvent> &past = deployment.journal().events(); deployment.isRunning())
        stream ? stream->onEvents({past.begin(), past.end()}) : progress->onEvents({past.begin(), past.end()});
    start();
    if (deployment.isRunning())
        loop.exec();

    const nlohmann::ordered_json report = deployment.report();
    summarise(report);
    const bool reportsWritten = writeReports(report);
    bool stateWritten = true;
    deployment.waitForState();
    if (!deployment.stateSaveError().isEmpty() && !deployment.saveState()) {
        err.writeLine(QStringLiteral("fanout %1: cannot write the state file %2: %3; what this run %4 is not recorded in it, "
                                     "so make it writable and run \"fanout %1\" again")
                          .arg(command, deployment.statePath(), deployment.stateSaveError(), created));
        stateWritten = false;
    } else if (!settings.json && !deployment.statePath().isEmpty() && deployment.recordedCount() > 0) {
        out.writeLine(QStringLiteral("State: %1 in %2").arg(counted(deployment.deploymentState().size(), "resource"),
                                                             deployment.statePath()));
    }
    recordHistory(deployment, settings, report);
    int status = deployment.outcome() == QLatin1String("succeeded") ? Succeeded : Failed;
    if (interrupted)
        status = Interrupted;
    else if (!reportsWritten || !stateWritten)
        status = Failed;
    if (stream)
        stream->finish(report, status);
    return status;
}

void RunCommand::recordHistory(const Deployment &deployment, const Settings &settings)
{
    recordHistory(deployment, settings, deployment.report());
}

void RunCommand::recordHistory(const Deployment &deployment, const Settings &settings, const nlohmann::ordered_json &report)
{
    if (settings.historyFile.isEmpty())
        return;
    // A history that cannot be kept costs the run nothing: one warning, and the exit status of the run.
    RunHistory history(settings.historyFile);
    const Expected<qint64> recorded = history.record(settings.command, report, deployment.plan(),
                                                     RunHistory::excerpt(deployment.journal(), settings.historyLogLines));
    if (!recorded) {
        const Console err(stderr);
        err.writeLine(err.paint(QStringLiteral("warning: this %1 is not in the run history %2: %3 (--history FILE for another, "
                                               "--no-history for none)")
                                    .arg(settings.command, QDir::toNativeSeparators(settings.historyFile), recorded.error()),
                                Console::Colour::Yellow));
    }
}

std::vector<Estimate> RunCommand::learnEstimates(const Plan &plan, const QString &historyFile, bool warn)
{
    const ExecutorRegistry &registry = ExecutorRegistry::builtIn();
    // Nothing recorded yet: nothing to learn, and no file to create for it.
    if (historyFile.isEmpty() || !QFileInfo::exists(historyFile))
        return LearnedEstimates::withoutHistory(plan, registry);
    RunHistory history(historyFile);
    Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, plan, registry);
    if (learned)
        return std::move(learned).value();
    if (!warn)
        return LearnedEstimates::withoutHistory(plan, registry);
    const Console err(stderr);
    err.writeLine(err.paint(QStringLiteral("warning: cannot read the run history %1: %2; the estimates are the plan's and its "
                                           "executors' (--history FILE for another, --no-history for none)")
                                .arg(QDir::toNativeSeparators(historyFile), learned.error()),
                            Console::Colour::Yellow));
    return LearnedEstimates::withoutHistory(plan, registry);
}

int RunCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Provision the resources of PLAN, in parallel: each starts as soon as its dependencies have\n"
        "succeeded, longest remaining path first, up to the parallelism limit.\n\n"
        "PLAN is a plan file (docs/plan-format.md) or \"demo\" for the built-in demo plan.\n\n"
        "What exists is kept in a state file (NAME.fanout-state.json beside PLAN, or --state): a resource\n"
        "is recorded before it starts and again, with its outputs, once it has succeeded; one that was in\n"
        "flight when Fanout stopped (a crash, kill -9) is replaced: destroyed first, then created again.\n"
        "The next run starts only what is new, or\n"
        "changed since (its type, parameters, destroy action or dependencies); the rest is up to date\n"
        "and its recorded outputs are used. --replace and --all run resources again anyway.\n"
        "\"fanout destroy PLAN\" tears down what the state file records.\n\n"
        "Exit status: 0 when every resource succeeded or was up to date, 1 when any failed or was\n"
        "skipped (or the state could not be saved), 2 for an invalid plan, state file or command\n"
        "line, 130 when interrupted (Ctrl+C, SIGTERM).\n"
        "Ctrl+C once cancels the run cleanly (running attempts are asked to stop and the reports\n"
        "are written); twice stops at once. Either way the state file has every resource that finished."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("run PLAN"));
    addSharedOptions(parser);
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed for simulated resources, to repeat a run exactly."), QStringLiteral("N"));
    const QCommandLineOption replace(QStringLiteral("replace"), QStringLiteral("Run resource ID again even if it is up to date (repeatable)."), QStringLiteral("ID"));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Run every resource again, up to date or not."));
    const QCommandLineOption target(QStringLiteral("target"),
                                    QStringLiteral("Run only the instances of the plan's target NAME, and the shared resources that do not "
                                                   "wait for another target (repeatable). The other targets' are left as they are."),
                                    QStringLiteral("NAME"));
    parser.addOptions({seed, replace, all, target});
    ArgoRunCommand::addOptions(parser);

    if (const std::optional<int> done = parse(parser, QStringLiteral("run"), arguments))
        return *done;
    std::optional<Settings> settings = readSharedOptions(parser, QStringLiteral("run"));
    if (!settings)
        return InvalidInput;
    if (parser.isSet(seed)) {
        bool ok = false;
        settings->seed = parser.value(seed).toULongLong(&ok);
        if (!ok) {
            err.writeLine(QStringLiteral("fanout run: --seed needs a whole number, 0 or more, not \"%1\"").arg(parser.value(seed)));
            return InvalidInput;
        }
    }

    const QString planArgument = parser.positionalArguments().constFirst();
    PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return InvalidInput;
    Plan &plan = read.plan;
    if (!applyVariables(plan, *settings))
        return InvalidInput;
    if (ArgoRunCommand::requested(parser))
        return ArgoRunCommand::exec(parser, plan, PlanArgument::displayName(planArgument), *settings);
    QString limitedTo;
    if (const QStringList targets = parser.values(target); !targets.isEmpty()) {
        if (const QString problem = TargetSelection::check(plan, targets); !problem.isEmpty()) {
            err.writeLine(QStringLiteral("fanout run: --target: %1").arg(problem));
            return InvalidInput;
        }
        const Plan limited = TargetSelection::only(plan, targets);
        limitedTo = targetLimitSummary(limited, plan);
        plan = limited;
    }
    QStringList ids;
    for (const Resource &resource : std::as_const(plan.resources))
        ids.append(resource.id);
    const QStringList replaced = parser.values(replace);
    for (const QString &id : replaced) {
        if (plan.indexOf(id) < 0) {
            err.writeLine(QStringLiteral("fanout run: --replace %1: the plan has no resource \"%1\"%2").arg(id, didYouMean(id, ids)));
            return InvalidInput;
        }
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    if (!openDeployment(deployment, plan, planArgument, *settings))
        return InvalidInput;
    if (QString inUse = deployment.stateInUse(); !inUse.isEmpty()) {
        inUse[0] = inUse[0].toLower();
        err.writeLine(QStringLiteral("fanout run: %1 Nothing was run.").arg(inUse));
        return Failed;
    }
    if (QString refusal = deployment.provisionRefusal(); !refusal.isEmpty()) {
        refusal[0] = refusal[0].toLower();
        err.writeLine(QStringLiteral("fanout run: %1 Give this plan's own state file with --state FILE (or none: %2)")
                          .arg(refusal, DeploymentState::defaultPath(planArgument)));
        return InvalidInput;
    }
    const DeploymentState &state = deployment.deploymentState();
    if (!state.planName().isEmpty() && state.planName() != plan.name) {
        // Beside the plan file, and so its own: the plan was renamed, and the state follows.
        err.writeLine(err.paint(QStringLiteral("note:"), Console::Colour::Yellow)
                      + QStringLiteral(" the state file %1 was written for the plan \"%2\"; it is this plan's own (beside it), so it now "
                                       "records the name \"%3\"")
                            .arg(deployment.statePath(), state.planName(), plan.name));
    }
    if (const QString interrupted = deployment.interruptionNotice(); !interrupted.isEmpty()) {
        err.writeLine(err.paint(QStringLiteral("warning:"), Console::Colour::Yellow)
                      + QStringLiteral(" %1. This run replaces what was interrupted: its destroy action runs first (where it has one), "
                                       "then it is created again.").arg(interrupted));
    }

    // Like `terraform apply`: what exists with the same definition is not run again, but its
    // recorded outputs are there for what depends on it.
    const ProvisioningPlan provisioning = deployment.preview(replaced, parser.isSet(all));
    // One arg() for all, so that a "%1" in a plan's name stays as it is.
    const QString headline = QStringLiteral("Running \"%1\" from %2: %3, parallelism %4%5")
                                 .arg(plan.name, deployment.planFile(), counted(int(plan.resources.size()), "resource"),
                                      QString::number(deployment.parallelism()), deployment.failFast() ? QStringLiteral(", fail-fast") : QString());
    const QString summary = limitedTo + provisioningSummary(deployment, provisioning, parser.isSet(all));
    // The longest-path-first order, by what past runs took rather than a guess. A history that
    // cannot be read is warned of once, when the run cannot be recorded in it either.
    if (!settings->historyFile.isEmpty())
        deployment.setEstimates(LearnedEstimates::durations(learnEstimates(deployment.targetPlan(), settings->historyFile, false)));
    const Deployment::ProvisionRequest request{replaced, parser.isSet(all), true};
    return watch(deployment, *settings, headline, summary, [&] { return deployment.provision(request); }, QStringLiteral("created"));
}

} // namespace fanout
