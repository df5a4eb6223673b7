#pragma once

#include "engine/state/deploymentstate.h"
#include "engine/run/staterecorder.h"
#include "engine/run/scheduler.h"

#include <QStringList>

#include <optional>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
QT_END_NAMESPACE

namespace fanout {

class Console;
struct Plan;

// `fanout run PLAN`: provisions what the plan's state file says does not exist yet or has changed,
// headless with live progress, writes the reports, and answers with an exit code a CI job can act
// on. Also the machinery `fanout destroy` shares with it: the options that shape a run, the state
// file, and running a plan with progress, Ctrl+C handling and reports.
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
        RunOptions options;
        QString reportFile; // empty: none
        QString junitFile;
        QString stateFile;  // --state; empty: the default beside the plan
        QStringList variables; // --var NAME=VALUE, as given
        bool quiet = false;
    };

    // The state file a run reads and keeps up to date.
    struct StateFile
    {
        DeploymentState state;
        QString path; // empty: kept in memory only (the built-in demo)
    };

    static void addSharedOptions(QCommandLineParser &parser);
    // Parses `arguments` ("fanout <command>" is put before them); an exit code when the command is
    // done (--help, or a problem already printed to stderr), nothing when it should go on. On going
    // on, there is exactly one positional argument, the plan.
    static std::optional<int> parse(QCommandLineParser &parser, const QString &command, const QStringList &arguments);
    // Reads the shared options; nothing after printing the problem to stderr.
    static std::optional<Settings> readSharedOptions(const QCommandLineParser &parser, const QString &command);
    // Sets the values --var asks for; false after printing the problem (malformed, or a variable
    // the plan does not have) to stderr.
    static bool applyVariables(Plan &plan, const Settings &settings);
    // Reads the state file of `planArgument` (or --state). Nothing when it cannot be read, after
    // printing every problem with its line and column to stderr: the run must not start then, and
    // the file must not be overwritten.
    static std::optional<StateFile> loadState(const QString &planArgument, const Settings &settings);

    // Runs `plan` to its end with live progress, Ctrl+C handling and the reports; records what
    // succeeds in `stateFile` (when given) as it goes. `headline` (bold) and `summary` are printed
    // before it starts. Returns the exit code.
    static int runPlan(const Plan &plan, const Settings &settings, const QString &planFile, const QString &headline,
                       const QString &summary, StateFile *stateFile, StateRecorder::Mode mode);
};

} // namespace fanout
