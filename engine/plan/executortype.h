#pragma once

#include "engine/plan/executordescription.h"
#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"

#include <QStringList>

#include <optional>

namespace fanout {

// What reading, checking and editing a plan needs to know of an executor: how it describes itself
// and its parameters, and how to check them. Executors (engine/executors/) implement it; the plan's
// reader and validator and the Inspector see only this, so that plan/ never depends on executors/
// (which depends on plan/ for Resource).
class ExecutorType
{
public:
    virtual ~ExecutorType() = default;

    // Its type, fields, defaults and icon, for the validator, the palette and the Inspector.
    virtual const ExecutorDescription &description() const = 0;

    // The value of a resource's "type" that selects this executor.
    QString type() const { return description().type; }

    // The executor's own resource fields, so that any other field can be reported as unknown: the
    // ones its description names, and no other list to keep in step.
    QStringList parameterNames() const { return description().parameterNames(); }

    // Checks the executor's own fields of a resource (`params`, at JSON path `path`).
    virtual void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const = 0;

    // Checks what the plan's "defaults" say to this executor's resources (`defaults`, at `path`,
    // "defaults.http"). An executor that takes no plan-wide settings reports that.
    virtual void validateDefaults(const nlohmann::ordered_json & /*defaults*/, const QString &path, Diagnostics &out) const
    {
        out.append(Diagnostic::error(path, QStringLiteral("%1 resources take no plan-wide settings; set their fields on each "
                                                         "resource").arg(type())));
    }

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
