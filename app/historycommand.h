#pragma once

#include <QStringList>

namespace fanout {

// `fanout history [PLAN] [--limit N] [--json]`: the runs recorded in the run history (RunHistory),
// newest first; of PLAN (a plan file, "demo", or a plan's name) only when given.
// `fanout history show RUN [--report FILE]`: one of them, as `fanout run` ended it.
class HistoryCommand
{
public:
    static int exec(const QStringList &arguments);
};

} // namespace fanout
