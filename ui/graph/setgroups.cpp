#include "ui/graph/setgroups.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>

namespace fanout {

namespace {

// Group names no plan can have: the plan format's names are written in JSON by people, and a
// control character at the start keeps these apart from any of them.
const QString kSetPrefix = QStringLiteral("\u001fset:");
const QString kTargetPrefix = QStringLiteral("\u001ftarget:");

QString tr(const char *text)
{
    return QCoreApplication::translate("fanout::SetGroups", text);
}

} // namespace

bool SetGroups::isSetGroup(const QString &groupName)
{
    return groupName.startsWith(kSetPrefix) || groupName.startsWith(kTargetPrefix);
}

std::optional<Plan> SetGroups::drawn(const Plan &plan)
{
    const auto ungrouped = [](const Resource &r) { return r.isInstance() && r.group.isEmpty(); };
    if (std::none_of(plan.resources.cbegin(), plan.resources.cend(), ungrouped))
        return std::nullopt;
    Plan drawn = plan;
    QHash<QString, int> members; // by group name, in the order first met
    QStringList order;
    QHash<QString, QString> labelOf;
    for (Resource &resource : drawn.resources) {
        if (!ungrouped(resource))
            continue;
        const bool perTarget = !resource.target.isEmpty();
        const QString name = perTarget ? kTargetPrefix + resource.target : kSetPrefix + resource.set;
        if (!members.contains(name)) {
            order.append(name);
            labelOf.insert(name, perTarget ? resource.target : resource.set);
        }
        ++members[name];
        resource.group = name;
    }
    for (const QString &name : std::as_const(order)) {
        const int n = members.value(name);
        const QString label = name.startsWith(kTargetPrefix) ? tr("%1 (target, %2 resources)").arg(labelOf.value(name)).arg(n)
                                                             : QStringLiteral("%1 \u00d7%2").arg(labelOf.value(name)).arg(n);
        drawn.groups.append({name, label, 0});
    }
    return drawn;
}

} // namespace fanout
