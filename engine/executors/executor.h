#pragma once

#include "engine/support/diagnostic.h"
#include "engine/plan/plan.h"

#include <QStringList>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace fanout {

class Attempt;

// Provisions one kind of resource ("sim", "command", "http"). Executors are stateless services
// shared by every run; what one attempt needs travels in its Attempt.
class Executor
{
public:
    virtual ~Executor() = default;

    // The value of a resource's "type" that selects this executor.
    virtual QString type() const = 0;

    // The executor's own resource fields, so that any other field can be reported as unknown.
    virtual QStringList parameterNames() const = 0;

    // Checks the executor's own fields of a resource (`params`, at JSON path `path`).
    virtual void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const = 0;

    // How long an attempt is expected to take when the plan gives no estimate.
    virtual std::optional<qint64> defaultEstimateMs(const Resource &) const { return std::nullopt; }

    // Starts an attempt. Blocking work goes to `pool` (QtConcurrent) and holds a
    // WorkerPool::Blocking (from attempt->workers()) while it waits, or it keeps one of the pool's
    // few threads from quick attempts; asynchronous work holds no pool thread. Called on the
    // scheduler's thread; must not block it.
    virtual void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const = 0;
};

} // namespace fanout
