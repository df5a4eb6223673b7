#pragma once

#include <QStringList>

namespace fanout {

// `fanout destroy PLAN`: tears down what the plan's state file says exists, dependents before what
// they depend on, in parallel, with the same progress, reports, exit codes and Ctrl+C handling as
// `fanout run`; each resource leaves the state file as soon as its teardown succeeds.
class DestroyCommand
{
public:
    static int exec(const QStringList &arguments); // arguments after "destroy"
};

} // namespace fanout
