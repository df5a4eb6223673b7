#pragma once

namespace fanout {

// `fanout` with no arguments, or `fanout gui [PLAN] [--screenshot FILE.png] [--export-graph FILE]
// [--export-timeline FILE.png] [--run] [--at SECONDS] [--select ID]`: opens the dashboard on PLAN
// (the built-in demo when none is given; any file `fanout import` reads is imported). With
// --screenshot or an export it writes the pictures instead of showing the window (works with
// QT_QPA_PLATFORM=offscreen, for CI) and exits. A plan with errors opens (and is pictured) with its
// Problems tab in front; its errors go to stderr and the exit status is 2, for scripts to notice.
class GuiCommand
{
public:
    static int exec(int &argc, char **argv);
};

} // namespace fanout
