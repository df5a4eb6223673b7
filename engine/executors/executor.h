#pragma once

#include "engine/plan/executortype.h"

#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace fanout {

class Attempt;

// Provisions one kind of resource ("sim", "command", "http"): describes and checks its parameters
// (ExecutorType) and starts attempts. Executors are stateless services shared by every run; what
// one attempt needs travels in its Attempt.
class Executor : public ExecutorType
{
public:
    // Starts an attempt. Called on the scheduler's thread; must not block it. Quick work goes to
    // `pool` through runOnPool(); waiting holds no thread: timers and signals on the scheduler's
    // thread (sim, http), or the ProcessSupervisor's thread for processes (command). An exception
    // thrown by start() fails the attempt (the scheduler catches it).
    virtual void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const = 0;

protected:
    // Runs `work` on `pool`; an exception escaping it fails the attempt (Attempt::runGuarded).
    // The attempt reports its end through its mailbox; nobody waits on the task.
    static void runOnPool(QThreadPool &pool, std::shared_ptr<Attempt> attempt,
                          std::function<void(const std::shared_ptr<Attempt> &)> work);
};

} // namespace fanout
