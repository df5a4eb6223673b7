#pragma once

#include "engine/history/runhistory.h"
#include "engine/forecast/estimate.h"

#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
QT_END_NAMESPACE

namespace fanout {

class Console;
class Deployment;
struct Plan;

// `fanout run PLAN`: provisions what the plan's state file says does not exist yet or has changed,
// headless with live progress, writes the reports, and answers with an exit code a CI job can act
// on. A client of the engine's Deployment, as the dashboard is; also what `fanout destroy` shares
// with it: the options that shape a run, opening the deployment, and watching a run with progress,
// Ctrl+C handling and reports.
class RunCommand
{
public:
    enum ExitCode { Succeeded = 0, Failed = 1, InvalidInput = 2, Interrupted = 130 };

    static int exec(const QStringList &arguments); // arguments after "run"

    // What the options every running command has (-j, --fail-fast, --report, --junit, --state,
    // --var, -q) ask for.
    struct Settings
    {
        QString command; // "run", "destroy": messages start with "fanout <command>:"
        std::optional<int> parallelism; // -j; the plan's when not given
        bool failFast = false;          // --fail-fast; else the plan's
        std::optional<quint64> seed;    // run --seed; else the plan's, else random
        QString reportFile; // empty: none
        QString junitFile;
        QString stateFile;  // --state; empty: the default beside the plan
        QStringList variables; // --var NAME=VALUE, as given
        bool quiet = false;
        bool json = false; // --json: the events as JSON lines on stdout, everything else on stderr
        QString historyFile; // --history; RunHistory::defaultPath() unless given; empty: --no-history
        int historyLogLines = RunHistory::kDefaultLogLineCap; // --history-log-lines: the most log lines the history keeps of the run
    };

    static void addSharedOptions(QCommandLineParser &parser);
    // --history FILE and --no-history, for every command that reads or writes the run history;
    // historyFile() is what they ask for (empty: none). Commands that record (run, destroy) have
    // --history-log-lines N too.
    enum class HistoryUse { Read, Record };
    static void addHistoryOptions(QCommandLineParser &parser, HistoryUse use = HistoryUse::Read);
    static QString historyFile(const QCommandLineParser &parser);
    // Records the run that ended in the run history, unless --no-history; a warning if it cannot.
    // Its journal goes with it: log lines up to --history-log-lines. `report`: the one printed and
    // written (deployment.report() unless given).
    static void recordHistory(const Deployment &deployment, const Settings &settings);
    static void recordHistory(const Deployment &deployment, const Settings &settings, const nlohmann::ordered_json &report);
    // Each resource's estimate, learned from the run history `historyFile` (LearnedEstimates); with
    // none (empty: --no-history, or no such file yet) or one that cannot be read (a warning, when
    // `warn`), the plan's and executors' figures.
    static std::vector<Estimate> learnEstimates(const Plan &plan, const QString &historyFile, bool warn = true);
    // Parses `arguments` ("fanout <command>" is put before them); an exit code when the command is
    // done (--help, or a problem already printed to stderr), nothing when it should go on. On going
    // on, there is exactly one positional argument, the plan.
    static std::optional<int> parse(QCommandLineParser &parser, const QString &command, const QStringList &arguments);
    // Reads the shared options; nothing after printing the problem to stderr.
    static std::optional<Settings> readSharedOptions(const QCommandLineParser &parser, const QString &command);
    // Sets the values --var asks for; false after printing the problem (malformed, or a variable
    // the plan does not have) to stderr.
    static bool applyVariables(Plan &plan, const Settings &settings);
    // Opens the deployment of `plan` with its state file (beside `planArgument`, or --state; the
    // demo keeps none unless given) and the run settings of the options. False after printing every
    // problem of a state file that cannot be read (with its line and column) or written: the run
    // must not start then, and the file must not be overwritten.
    static bool openDeployment(Deployment &deployment, const Plan &plan, const QString &planArgument, const Settings &settings);

    // Prints `headline` (bold) and `summary`, then runs what `start` starts to its end with live
    // progress, Ctrl+C handling and the reports; the deployment records what succeeds in its state
    // file as it goes. `created`: what the run does to resources, for messages ("created",
    // "destroyed"). Returns the exit code.
    static int watch(Deployment &deployment, const Settings &settings, const QString &headline, const QString &summary,
                     const std::function<bool()> &start, const QString &created);
};

} // namespace fanout
