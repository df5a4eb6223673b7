#pragma once

#include <QStringList>

namespace fanout {

// The commands that read a plan without running it.
class PlanCommands
{
public:
    static int validate(const QStringList &arguments); // `fanout validate PLAN`
    static int graph(const QStringList &arguments);    // `fanout graph PLAN [--format dot|mermaid]`
};

} // namespace fanout
