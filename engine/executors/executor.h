#pragma once

#include "engine/plan/executortype.h"

#include <QStringList>

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
    // Starts an attempt. Blocking work goes to `pool` (QtConcurrent) and holds a
    // WorkerPool::Blocking (from attempt->workers()) while it waits, or it keeps one of the pool's
    // few threads from quick attempts; asynchronous work holds no pool thread. Called on the
    // scheduler's thread; must not block it.
    virtual void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const = 0;
};

} // namespace fanout
