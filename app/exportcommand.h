#pragma once

#include <QStringList>

#include "engine/argo/argoworkflow.h"

namespace fanout {

// `fanout export PLAN --format argo [-o FILE.yaml]`: the plan as another engine's input (an Argo
// Workflow, engine/argo), for `argo submit`.
class ExportCommand
{
public:
    static int exec(const QStringList &arguments);
    // Prints an export's problems, each with `planName`; when they include errors, says so with
    // `nothingDone` ("; nothing was written") and returns false.
    static bool printProblems(const ArgoWorkflow::Export &exported, const QString &planName, const QString &nothingDone);
};

} // namespace fanout
