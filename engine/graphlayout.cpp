#include "graphlayout.h"

#include "plan.h"

#include <QHash>

namespace fanout {

GraphLayoutInput GraphLayoutInput::fromPlan(const Plan &plan, QSizeF nodeSize, QSizeF labelSize)
{
    GraphLayoutInput input;
    for (const fanout::Group &group : plan.groups)
        input.groups.append({group.label.isEmpty() ? group.name : group.label, labelSize});

    QHash<QString, int> indexOf;
    indexOf.reserve(plan.resources.size());
    input.nodes.reserve(plan.resources.size());
    for (int r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        if (!indexOf.contains(resource.id))
            indexOf.insert(resource.id, r); // the first of duplicates, as PlanGraph does
        input.nodes.append({resource.id, nodeSize, resource.group.isEmpty() ? -1 : plan.groupIndex(resource.group)});
    }
    for (int r = 0; r < plan.resources.size(); ++r) {
        for (const QString &id : plan.resources[r].dependsOn) {
            const auto it = indexOf.constFind(id);
            if (it != indexOf.cend())
                input.edges.append({*it, r});
        }
    }
    return input;
}

} // namespace fanout
