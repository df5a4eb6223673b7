#pragma once

#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"

#include <QStringList>

#include <optional>

namespace fanout {

// What reading and checking a plan needs to know of an executor: the parameters a resource of its
// type may have and how to check them. Executors (engine/executors/) implement it; the plan's
// reader and validator see only this, so that plan/ never depends on executors/ (which depends on
// plan/ for Resource).
class ExecutorType
{
public:
    virtual ~ExecutorType() = default;

    // The value of a resource's "type" that selects this executor.
    virtual QString type() const = 0;

    // The executor's own resource fields, so that any other field can be reported as unknown.
    virtual QStringList parameterNames() const = 0;

    // Checks the executor's own fields of a resource (`params`, at JSON path `path`).
    virtual void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const = 0;

    // How long an attempt is expected to take when the plan gives no estimate.
    virtual std::optional<qint64> defaultEstimateMs(const Resource &) const { return std::nullopt; }
};

// The executor types a plan may use, by name (ExecutorRegistry is the one Fanout runs with).
class ExecutorTypes
{
public:
    virtual ~ExecutorTypes() = default;

    virtual const ExecutorType *findType(const QString &type) const = 0;
    virtual QStringList types() const = 0;
};

} // namespace fanout
