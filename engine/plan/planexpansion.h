#pragma once

#include "engine/support/diagnostic.h"

#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

struct Plan;

// The fan-out of a plan (docs/plan-format.md, "count, for_each and targets"): reads the plan's
// "targets" and "rollout", and replaces each set (a resource with count, for_each or per_target)
// in place by its instances, web[0], web["k"], net@eu-west-1, substituting ${count.index},
// ${each.key}, ${each.value}, ${target.name} and ${target.vars.X}, and resolving depends_on
// entries and ${resources.X.outputs.K} that name sets to the instances they stand for.
// A separate unit so that the designer can map an instance back to the resource as written.
class PlanExpansion
{
public:
    // "targets" and "rollout" of `document` into `plan`, each problem with its JSON path.
    static void readTargets(const nlohmann::ordered_json &document, Plan &plan, Diagnostics &diagnostics);

    // Expands `plan` (whose resources are as written: resource i is "resources[i]" of the
    // document) and returns, for each resource of the expanded plan, the index of the resource as
    // written that it comes from. A plan without sets is left as it is (and the identity returned).
    static QList<int> expand(Plan &plan, Diagnostics &diagnostics);

    // `path` ("resources[7].depends_on[0]") with the expanded plan's resource index replaced by
    // the index of the resource as written, so that a message about an instance points at its set.
    static QString writtenPath(const QString &path, const QList<int> &written);
};

} // namespace fanout
