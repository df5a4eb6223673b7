#pragma once

#include "engine/executors/attemptmailbox.h"
#include "engine/plan/plan.h"
#include "engine/support/loglevel.h"

#include <QMap>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

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

    const Plan &plan() const { return *m_plan; }
    const Resource &resource() const { return m_plan->resources[m_resourceIndex]; }
    // The executor's parameters with every reference (${var.X}, ${env:X}, ${resources.ID.outputs.K})
    // already substituted; ${self.outputs.K} is left for the executor, which knows its own outputs.
    // The resource's own params until setParams() (the scheduler sets them before start()).
    const nlohmann::ordered_json &params() const { return m_params ? *m_params : resource().params; }
    void setParams(nlohmann::ordered_json params);
    // Outputs recorded when the resource was created: what a destroy action's ${self.outputs.K}
    // refers to. Empty for a create.
    const QMap<QString, QString> &knownOutputs() const { return m_knownOutputs; }
    void setKnownOutputs(QMap<QString, QString> outputs) { m_knownOutputs = std::move(outputs); }
    int resourceIndex() const { return m_resourceIndex; }
    int number() const { return m_number; }       // 1 for the first attempt
    quint64 runSeed() const { return m_runSeed; }  // the same for every attempt of a run

    void log(LogLevel level, const QString &line);
    // Records an output of the resource (thread-safe); they reach the run when the attempt succeeds.
    void setOutput(const QString &key, const QString &value);
    QMap<QString, QString> outputs() const;
    void succeed();
    void fail(const QString &error);
    bool isFinished() const { return m_finished.load(); }
    // Runs `work`. An exception escaping it (a bug in an executor, std::bad_alloc) fails the
    // attempt with the exception's message, unless it has finished already, instead of leaving the
    // resource running for ever; returns false then. Every entry point of an executor's work (a
    // pool task, a callback on the supervisor's thread) goes through this.
    bool runGuarded(const std::function<void()> &work);

    void requestStop();
    // For executors that do not block (no thread to wake): called once, on the thread that
    // requests the stop (the scheduler's), when a stop is requested; at once if it already was.
    void setStopHandler(std::function<void()> handler);
    bool isStopRequested() const { return m_stopRequested.load(std::memory_order_relaxed); }
    // Sleeps up to `ms`, returning early (true) as soon as a stop is requested.
    bool waitForStop(qint64 ms);
    // The pool an attempt that blocks borrows a thread from, with a WorkerPool::Blocking around
    // its waiting (null for attempts that do not run on the pool).
    WorkerPool *workers() const { return m_workers; }

private:
    // False, doing nothing, when the attempt has finished already.
    bool tryFinish(bool succeeded, const QString &error);
    AttemptMessage newMessage(AttemptMessage::Kind kind) const;

    const std::shared_ptr<const Plan> m_plan;
    const int m_resourceIndex;
    const int m_number;
    const quint64 m_runSeed;
    const std::shared_ptr<AttemptMailbox> m_mailbox;
    WorkerPool *const m_workers;
    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_finished{false};
    mutable std::mutex m_mutex;
    std::condition_variable m_stopped;
    std::function<void()> m_stopHandler;
    std::optional<nlohmann::ordered_json> m_params;
    QMap<QString, QString> m_knownOutputs;
    QMap<QString, QString> m_outputs;
};

} // namespace fanout
