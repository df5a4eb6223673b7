#pragma once

#include "app/runcommand.h"
#include "engine/plan/plan.h"

#include <QString>

class QCommandLineParser;

namespace fanout {

// `fanout run PLAN --on argo --server URL`: the plan as an Argo Workflow (engine/argo), submitted
// to the Argo Server and followed through its event stream to the end (ArgoRun), shown as a run
// here is: its progress, what its steps print (unless -q), the reports, the history and the exit
// status. Ctrl+C stops the workflow (twice: terminates it).
class ArgoRunCommand
{
public:
    static void addOptions(QCommandLineParser &parser);
    static bool requested(const QCommandLineParser &parser);
    // The options of a local run that do not apply on Argo yet, when given (empty: none).
    static QString unsupported(const QCommandLineParser &parser);
    // `settings`: the options a run here has (-j, --fail-fast, --report, --junit, --json, -q, the
    // history), which mean the same.
    static int exec(const QCommandLineParser &parser, Plan plan, const QString &planName, const RunCommand::Settings &settings);
};

} // namespace fanout
