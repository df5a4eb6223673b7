#pragma once

#include "attemptmailbox.h"
#include "plan.h"
#include "runevent.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace fanout {

class WorkerPool;

// One try at provisioning one resource, as an executor sees it. Thread-safe: an executor may log
// and finish from any thread. It must finish exactly once, and should stop soon after a stop is
// requested (cancel, or the attempt's timeout).
class Attempt
{
public:
    // `workers` (may be null) is the pool blocking waits borrow a thread from; it outlives every
    // attempt's work.
    Attempt(std::shared_ptr<const Plan> plan, int resourceIndex, int number, quint64 runSeed,
            std::shared_ptr<AttemptMailbox> mailbox, WorkerPool *workers = nullptr);

    const Resource &resource() const { return m_plan->resources[m_resourceIndex]; }
    int resourceIndex() const { return m_resourceIndex; }
    int number() const { return m_number; }       // 1 for the first attempt
    quint64 runSeed() const { return m_runSeed; }  // the same for every attempt of a run

    void log(LogLevel level, const QString &line);
    void succeed();
    void fail(const QString &error);
    bool isFinished() const { return m_finished.load(); }

    void requestStop();
    bool isStopRequested() const { return m_stopRequested.load(std::memory_order_relaxed); }
    // Sleeps up to `ms`, returning early (true) as soon as a stop is requested.
    bool waitForStop(qint64 ms);
    // The pool an attempt that blocks borrows a thread from, with a WorkerPool::Blocking around
    // its waiting (null for attempts that do not run on the pool).
    WorkerPool *workers() const { return m_workers; }

private:
    void finish(bool succeeded, const QString &error);
    AttemptMessage newMessage(AttemptMessage::Kind kind) const;

    const std::shared_ptr<const Plan> m_plan;
    const int m_resourceIndex;
    const int m_number;
    const quint64 m_runSeed;
    const std::shared_ptr<AttemptMailbox> m_mailbox;
    WorkerPool *const m_workers;
    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_finished{false};
    std::mutex m_mutex;
    std::condition_variable m_stopped;
};

} // namespace fanout
