#include "engine/plan/targetselection.h"

#include "engine/support/closestmatch.h"

#include <QSet>

namespace fanout {

QString TargetSelection::check(const Plan &plan, const QStringList &names)
{
    if (plan.targets.isEmpty())
        return QStringLiteral("the plan declares no targets (a \"targets\" list with per_target resources), so there is none to choose");
    QStringList known;
    for (const Target &target : plan.targets)
        known.append(target.name);
    for (const QString &name : names) {
        if (!known.contains(name)) {
            return QStringLiteral("the plan has no target \"%1\"%2; its targets are: %3")
                .arg(name, didYouMean(name, known), known.join(QStringLiteral(", ")));
        }
    }
    return QString();
}

Plan TargetSelection::only(const Plan &plan, const QStringList &names)
{
    const QSet<QString> chosen(names.cbegin(), names.cend());
    Plan limited = plan;
    limited.resources.clear();
    // Plan order puts nothing before what it depends on only when written so: go round until
    // nothing more is left out, as the plan may be in any order.
    QSet<QString> leftOut;
    for (const Resource &resource : plan.resources) {
        if (!resource.target.isEmpty() && !chosen.contains(resource.target))
            leftOut.insert(resource.id);
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (const Resource &resource : plan.resources) {
            if (leftOut.contains(resource.id))
                continue;
            const bool waits = std::any_of(resource.dependsOn.cbegin(), resource.dependsOn.cend(),
                                           [&](const QString &dependency) { return leftOut.contains(dependency); });
            if (waits) {
                leftOut.insert(resource.id);
                grew = true;
            }
        }
    }
    for (const Resource &resource : plan.resources) {
        if (!leftOut.contains(resource.id))
            limited.resources.append(resource);
    }
    limited.leftOut = plan.leftOut + leftOut;
    limited.targets.clear();
    for (const Target &target : plan.targets) {
        if (chosen.contains(target.name))
            limited.targets.append(target);
    }
    if (limited.rollout) {
        Rollout &rollout = *limited.rollout;
        rollout.order.removeIf([&](const QString &name) { return !chosen.contains(name); });
        for (QStringList &wave : rollout.waves)
            wave.removeIf([&](const QString &name) { return name != QLatin1String("*") && !chosen.contains(name); });
        rollout.waves.removeIf([](const QStringList &wave) { return wave.isEmpty(); });
    }
    return limited;
}

QStringList TargetSelection::leftOutAlongside(const Plan &limited, const Plan &plan)
{
    const QSet<QString> chosen = [&] {
        QSet<QString> names;
        for (const Target &target : limited.targets)
            names.insert(target.name);
        return names;
    }();
    QStringList ids;
    for (const Resource &resource : plan.resources) {
        if (limited.leftOut.contains(resource.id) && (resource.target.isEmpty() || chosen.contains(resource.target)))
            ids.append(resource.id);
    }
    ids.sort();
    return ids;
}

} // namespace fanout
