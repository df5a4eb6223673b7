#pragma once

#include <QStringList>

namespace fanout {

// The commands that read a plan without running it, and `import`, which writes one.
class PlanCommands
{
public:
    static int validate(const QStringList &arguments); // `fanout validate PLAN`
    static int graph(const QStringList &arguments);    // `fanout graph PLAN [--format dot|mermaid]`
    static int import(const QStringList &arguments);   // `fanout import FILE [--format F] [--mapping M] [-o PLAN]`
};

} // namespace fanout
