#pragma once

#include <sys/types.h>

namespace fanout {

// Kills what Fanout's commands leave behind when Fanout dies, however it dies (kill -9 included).
// A tiny process, forked once on first use, in a process group of its own and deaf to SIGINT,
// SIGTERM and SIGHUP, holds a list of the process groups of running commands. It hears of them
// through a socket whose other end only Fanout holds (close-on-exec, so no command inherits it);
// when that end closes, because Fanout exited or was killed, it sends SIGKILL to every group still
// on its list and exits. A command's process registers its own group between fork and exec, so
// there is no moment when the group exists unknown to the keeper.
//
// The exception: a process that leaves its group (setsid, setpgid) is no longer reached. That is
// how a command starts something meant to outlive Fanout, such as a server.
class GroupKeeper
{
public:
    // The keeper, forked on the first call. Call it on a thread that may fork (any, in practice)
    // before the first command starts: a child cannot start the keeper between fork and exec.
    static GroupKeeper &instance();

    // In a command's child process, between fork and exec: adds its own `group`. Only
    // async-signal-safe calls, so that it may run in the child of a multithreaded process.
    void registerGroupFromChild(pid_t group) const noexcept;
    // In Fanout: the group `group` has a process left (the command started and took this group).
    void noteStarted(pid_t group);
    // In Fanout, once `group` has no process left: the keeper forgets it, so that its number,
    // reused later by someone else, is never killed.
    void unregisterGroup(pid_t group);

    // SIGKILL to every group of a command still running or with processes left, now: what a
    // second Ctrl+C does. Safe from any thread; does nothing when no command ever started.
    static void killAll();

    GroupKeeper(const GroupKeeper &) = delete;
    GroupKeeper &operator=(const GroupKeeper &) = delete;

private:
    GroupKeeper();
    void send(char op, pid_t group) const noexcept;

    int m_socket = -1; // Fanout's end; -1 when the keeper could not be started
};

} // namespace fanout
