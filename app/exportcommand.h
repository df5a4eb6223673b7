#pragma once

#include <QStringList>

namespace fanout {

// `fanout export PLAN --format argo [-o FILE.yaml]`: the plan as another engine's input (an Argo
// Workflow, engine/argo), for `argo submit`.
class ExportCommand
{
public:
    static int exec(const QStringList &arguments);
};

} // namespace fanout
