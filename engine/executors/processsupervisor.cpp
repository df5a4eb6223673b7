#include "engine/executors/processsupervisor.h"

#include "engine/executors/attempt.h"
#include "engine/executors/groupkeeper.h"
#include "engine/support/handover.h"

#include <QThread>
#include <QTimer>

#include <cerrno>
#include <csignal>

#include <sys/resource.h>

namespace fanout {

namespace {

// How often groups left behind by finished commands are looked at again.
constexpr int kLeftGroupsCheckMs = 1000;

// Each running command holds a few descriptors (its output pipes, its exit notifier): thousands of
// them need more than the usual soft limit of 1,024, and the hard limit is ours to take.
// Returns the limit as it was.
rlimit raiseDescriptorLimit()
{
    rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return {RLIM_INFINITY, RLIM_INFINITY};
    const rlimit inherited = limit;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    return inherited;
}

bool groupIsEmpty(pid_t group)
{
    return ::kill(-group, 0) != 0 && errno == ESRCH;
}

} // namespace

ProcessSupervisor &ProcessSupervisor::instance()
{
    // Never destroyed: the thread lives as long as the process, and with it the PDEATHSIG of every
    // child it forked.
    static ProcessSupervisor *const supervisor = new ProcessSupervisor;
    return *supervisor;
}

ProcessSupervisor::ProcessSupervisor()
    : m_thread(new QThread)
    , m_inheritedLimit(raiseDescriptorLimit())
{
    GroupKeeper::instance(); // forked here, before any command's child could need it
    m_thread->setObjectName(QStringLiteral("fanout processes"));
    moveToThread(m_thread);
    m_thread->start();
}

void ProcessSupervisor::post(std::shared_ptr<Attempt> attempt, std::function<void()> work)
{
    QMetaObject::invokeMethod(
        this, handedOver([attempt = std::move(attempt), work = std::move(work)] { attempt->runGuarded(work); }),
        Qt::QueuedConnection);
}

void ProcessSupervisor::release(pid_t group)
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (groupIsEmpty(group)) {
        GroupKeeper::instance().unregisterGroup(group);
        return;
    }
    // A zombie keeps its group's number from being reused, so a group that only holds zombies
    // stays registered (killing it is harmless) until they are reaped.
    m_leftGroups.append(group);
    if (!m_leftTimer) {
        m_leftTimer = new QTimer(this);
        m_leftTimer->setInterval(kLeftGroupsCheckMs);
        connect(m_leftTimer, &QTimer::timeout, this, &ProcessSupervisor::checkLeftGroups);
    }
    if (!m_leftTimer->isActive())
        m_leftTimer->start();
}

void ProcessSupervisor::checkLeftGroups()
{
    m_leftGroups.removeIf([](pid_t group) {
        if (!groupIsEmpty(group))
            return false;
        GroupKeeper::instance().unregisterGroup(group);
        return true;
    });
    if (m_leftGroups.isEmpty())
        m_leftTimer->stop();
}

} // namespace fanout
