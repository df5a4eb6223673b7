#pragma once

#include <QStringList>

namespace fanout {

// `fanout run PLAN`: runs a plan headless with live progress, writes the reports, and answers
// with an exit code a CI job can act on.
class RunCommand
{
public:
    enum ExitCode { Succeeded = 0, Failed = 1, InvalidInput = 2, Interrupted = 130 };

    static int exec(const QStringList &arguments); // arguments after "run"
};

} // namespace fanout
