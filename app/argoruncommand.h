#pragma once

#include <QString>

class QCommandLineParser;

namespace fanout {

struct Plan;

// `fanout run PLAN --on argo --server URL`: the plan as an Argo Workflow (engine/argo), submitted
// to the Argo Server and followed through its event stream to the end, each resource's and
// attempt's changes printed as they happen, and what its steps print (unless -q); Ctrl+C stops the
// workflow (twice: terminates it).
class ArgoRunCommand
{
public:
    static void addOptions(QCommandLineParser &parser);
    static bool requested(const QCommandLineParser &parser);
    // The options of a local run that do not apply on Argo yet, when given (empty: none).
    static QString unsupported(const QCommandLineParser &parser);
    static int exec(const QCommandLineParser &parser, const Plan &plan, const QString &planName);
};

} // namespace fanout
