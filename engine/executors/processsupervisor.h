#pragma once

#include <QObject>

#include <functional>
#include <memory>

#include <sys/resource.h>
#include <sys/types.h>

QT_BEGIN_NAMESPACE
class QThread;
class QTimer;
QT_END_NAMESPACE

namespace fanout {

class Attempt;

// The one thread every command's process is started from and watched on, for the life of Fanout.
// Processes are watched asynchronously (QProcess's signals, timers for the grace period), so ten
// thousand running commands cost no more threads than one. One long-lived thread is also what
// PR_SET_PDEATHSIG needs: a child gets its signal when the *thread* that forked it ends, so children
// are never forked from a pool thread that may retire.
//
// It also keeps track of process groups that outlive their command (a background process the
// command left running), until they are empty, for the GroupKeeper.
class ProcessSupervisor final : public QObject
{
    Q_OBJECT

public:
    // Started on the first call; it is never stopped (it ends with the process).
    static ProcessSupervisor &instance();

    // Runs `work` on the supervisor's thread, soon; an exception escaping it fails `attempt`
    // (Attempt::runGuarded). Thread-safe.
    void post(std::shared_ptr<Attempt> attempt, std::function<void()> work);

    // On the supervisor's thread, once a command is over: forgets `group` at once if it is empty,
    // else looks again now and then until it is.
    void release(pid_t group);

    // The descriptor limit Fanout was started with, which commands get rather than the raised one.
    rlimit inheritedDescriptorLimit() const { return m_inheritedLimit; }

private:
    ProcessSupervisor();
    void checkLeftGroups();

    QThread *m_thread;
    rlimit m_inheritedLimit = {RLIM_INFINITY, RLIM_INFINITY};
    QTimer *m_leftTimer = nullptr;
    QList<pid_t> m_leftGroups; // groups whose command is over but with processes left
};

} // namespace fanout
