#include "engine/executors/groupkeeper.h"

#include <QtGlobal>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fanout {

namespace {

// One record on the socket: a group added ('+') or forgotten ('-'). A SOCK_SEQPACKET socket keeps
// records whole, whoever writes them (Fanout, or a command's child before exec).
struct Record
{
    char op;
    pid_t group;
};

// Groups the keeper can hold at once; more than any run has running (-j is at most 10,000), with
// room for groups that outlive their command. Allocated before fork: the keeper may not allocate.
constexpr std::size_t kCapacity = 1 << 17;

// What Fanout itself knows of the groups, for killAll(): the keeper is a separate process.
struct Mirror
{
    std::mutex mutex;
    std::unordered_set<pid_t> groups;
};

Mirror &mirror()
{
    static Mirror *const instance = new Mirror; // never destroyed: killAll() may run during exit
    return *instance;
}

// Closes every descriptor but `keep`: the keeper must hold no pipe or terminal of Fanout's open, or
// whoever reads Fanout's output would wait for it.
void closeAllBut(int keep) noexcept
{
#ifdef SYS_close_range
    if (keep > 0 && ::syscall(SYS_close_range, 0U, unsigned(keep - 1), 0U) == 0
        && ::syscall(SYS_close_range, unsigned(keep + 1), ~0U, 0U) == 0)
        return;
#endif
    rlimit limit = {};
    const int last = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
        ? int(std::min<rlim_t>(limit.rlim_cur, 1 << 20)) : 1 << 16;
    for (int fd = 0; fd < last; ++fd) {
        if (fd != keep)
            ::close(fd);
    }
}

// The memory of Fanout's command line (argv[0] and the arguments after it), which is what
// /proc/PID/cmdline shows; the keeper writes its own name over it.
struct CommandLine
{
    char *start = nullptr;
    std::size_t size = 0;
};

CommandLine commandLine()
{
    std::ifstream file("/proc/self/cmdline", std::ios::binary);
    const std::size_t size = std::distance(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    return {program_invocation_name, program_invocation_name ? size : 0};
}

// Named apart from Fanout, so that what is aimed at Fanout by name (`pkill -9 -f "fanout run
// deploy.json"`, `killall -9 fanout`) leaves the keeper to clean up after it.
constexpr char kKeeperName[] = "fanout-keeper";

void rename(const CommandLine &line) noexcept
{
    ::prctl(PR_SET_NAME, kKeeperName, 0, 0, 0);
    if (line.size < 2)
        return;
    std::memset(line.start, 0, line.size);
    std::memcpy(line.start, kKeeperName, std::min(line.size - 1, sizeof kKeeperName - 1));
}

// The keeper's whole life, in the child of fork(): only async-signal-safe calls from here on.
[[noreturn]] void keep(int socket, pid_t *groups, const CommandLine &line) noexcept
{
    rename(line);
    ::setpgid(0, 0); // a Ctrl+C on the terminal reaches Fanout's group, not this one
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE})
        ::sigaction(signal, &ignore, nullptr);
    closeAllBut(socket);
    [[maybe_unused]] const int changed = ::chdir("/"); // holds no directory busy

    std::size_t count = 0;
    for (;;) {
        Record record = {};
        const ssize_t got = ::recv(socket, &record, sizeof record, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; // end of file: Fanout is gone
        if (got != ssize_t(sizeof record) || record.group <= 1)
            continue;
        if (record.op == '+' && count < kCapacity) {
            groups[count++] = record.group;
        } else if (record.op == '-') {
            for (std::size_t i = 0; i < count; ++i) {
                if (groups[i] == record.group) {
                    groups[i] = groups[--count];
                    break;
                }
            }
        }
    }
    for (std::size_t i = 0; i < count; ++i)
        ::kill(-groups[i], SIGKILL);
    ::_exit(0);
}

} // namespace

GroupKeeper &GroupKeeper::instance()
{
    static GroupKeeper *const keeper = new GroupKeeper; // never destroyed: its socket closes at exit
    return *keeper;
}

GroupKeeper::GroupKeeper()
{
    int sockets[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
        qWarning("fanout: cannot start the process that cleans up after commands: %s", std::strerror(errno));
        return;
    }
    auto *const groups = new pid_t[kCapacity]; // the keeper's list, allocated before fork
    const CommandLine line = commandLine();
    const pid_t pid = ::fork();
    if (pid == 0)
        keep(sockets[1], groups, line);
    delete[] groups;
    ::close(sockets[1]);
    if (pid < 0) {
        qWarning("fanout: cannot start the process that cleans up after commands: %s", std::strerror(errno));
        ::close(sockets[0]);
        return;
    }
    m_socket = sockets[0];
}

void GroupKeeper::send(char op, pid_t group) const noexcept
{
    if (m_socket < 0)
        return;
    const Record record{op, group};
    // MSG_NOSIGNAL: should the keeper be gone, a write fails instead of raising SIGPIPE.
    while (::send(m_socket, &record, sizeof record, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
}

void GroupKeeper::registerGroupFromChild(pid_t group) const noexcept
{
    send('+', group);
}

void GroupKeeper::noteStarted(pid_t group)
{
    Mirror &known = mirror();
    const std::lock_guard lock(known.mutex);
    known.groups.insert(group);
}

void GroupKeeper::unregisterGroup(pid_t group)
{
    {
        Mirror &known = mirror();
        const std::lock_guard lock(known.mutex);
        known.groups.erase(group);
    }
    send('-', group);
}

void GroupKeeper::killAll()
{
    Mirror &known = mirror();
    const std::lock_guard lock(known.mutex);
    for (const pid_t group : known.groups)
        ::kill(-group, SIGKILL);
}

} // namespace fanout
