#pragma once

#include "engine/executors/executor.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace fanout {

// Provisions a resource by running a program: a deployment script, terraform, the aws CLI.
// The process runs in a process group of its own, with its output streamed into the resource's
// log line by line (stdout at Info, stderr at Warning as "stderr: ..."). Exit code 0 succeeds;
// anything else fails with the code and the last lines of stderr.
//
// Outputs: every stdout line "::output KEY=VALUE" (KEY of letters, digits, '_', '.', '-') sets an
// output; the line is still logged, so the log shows what the resource produced. With
// "outputs_json": true, the last non-empty stdout line, if it is a JSON object, gives one output
// per member when the command succeeds (strings as they are, other values as JSON text); its
// members win over "::output" lines of the same key.
//
// Stopping (cancel, timeout): SIGTERM to the whole process group, SIGKILL to it after `grace`, so
// that nothing the command started outlives it. A command that exits on its own while processes it
// put in the background still run leaves them running, until Fanout exits.
//
// Nothing is left behind when Fanout ends, however it ends (Ctrl+C twice, an exception, kill -9):
// the command's process gets SIGKILL from the kernel when Fanout dies (PR_SET_PDEATHSIG), and the
// GroupKeeper, a small process of its own, sends SIGKILL to the group of every command still
// running or with processes left. The one exception is a process that leaves its group itself
// (setsid, as the local-stack example's server does): that is how a command starts something meant
// to outlive Fanout.
//
// Threads: every process is started from and watched on the one ProcessSupervisor thread, without
// blocking, so any number of running commands costs no thread each (CommandRun).
//
// References: the scheduler substitutes ${var.X}, ${env:X} and other resources' outputs before
// start(); this executor fills in ${self.outputs.KEY} (in a destroy action) from the outputs
// recorded when the resource was created, and fails the attempt naming a key it does not know.
//
// Paths: a relative `cwd` is relative to Fanout's own working directory; a program given with a
// '/' ("./migrate.sh") is relative to the command's working directory, as in a shell after `cd`;
// a bare name ("terraform") is searched in PATH, the one from `env` when it sets PATH.
class CommandExecutor final : public Executor
{
public:
    // A command resource's parameters, read from its plan entry.
    struct Spec
    {
        QStringList command;                     // program and arguments; {"/bin/sh", "-c", line} with shell
        bool shell = false;
        QList<std::pair<QString, QString>> env;  // added to Fanout's own environment, in plan order
        QString workingDirectory;                // empty: Fanout's own
        bool outputsJson = false;
        qint64 graceMs = 5000;                   // from SIGTERM to SIGKILL
    };

    // Reads a command resource's parameters; problems go to `out` (when given) and are replaced by
    // defaults (an empty command) in the returned spec.
    static Spec readSpec(const nlohmann::ordered_json &params, const QString &path, Diagnostics *out);

    const ExecutorDescription &description() const override;
    void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const override;
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const override;

    // SIGKILL to the process group of every command still running or with processes left, at
    // once: what a second Ctrl+C does before Fanout exits. Thread-safe.
    static void killAllProcesses();
};

} // namespace fanout
