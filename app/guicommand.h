#pragma once

namespace fanout {

// `fanout` with no arguments, or `fanout gui [PLAN] [--screenshot FILE.png [--run] [--at SECONDS] [--select ID]]`:
// opens the dashboard on PLAN (the built-in demo when none is given). With --screenshot it renders
// the window to a PNG instead of showing it (works with QT_QPA_PLATFORM=offscreen) and exits.
class GuiCommand
{
public:
    static int exec(int &argc, char **argv);
};

} // namespace fanout
