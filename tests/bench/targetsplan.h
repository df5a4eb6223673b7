#pragma once

// A plan with targets, as PlanReader expands one (instances "r7@t3" with Resource::target set):
// the same stack of `perTarget` resources (a random deployment-like DAG) once per target, a shared
// "zone" every stack root waits for, and a shared "dns" that waits for every target's last resource.

#include "engine/plan/plan.h"
#include "randomdag.h"

namespace fanout::bench {

template<typename Duration>
Plan targetsPlan(int targets, int perTarget, quint32 seed, const QString &type, Duration duration)
{
    const Plan stack = randomDag({perTarget, 3, 20}, seed, type, [](Resource &, QRandomGenerator &) {});
    QRandomGenerator random(seed);
    Plan plan;
    plan.name = QStringLiteral("targets-%1x%2").arg(targets).arg(perTarget);
    Resource zone;
    zone.id = QStringLiteral("zone");
    zone.type = type;
    duration(zone, random);
    plan.resources.append(zone);
    Resource dns;
    dns.id = QStringLiteral("dns");
    dns.type = type;
    for (int t = 0; t < targets; ++t) {
        const QString target = QStringLiteral("t%1").arg(t);
        plan.targets.append(Target{target, nlohmann::ordered_json::object()});
        for (const Resource &written : stack.resources) {
            Resource instance = written;
            instance.set = written.id;
            instance.target = target;
            instance.perTarget = true;
            instance.id = written.id + QLatin1Char('@') + target;
            instance.dependsOn.clear();
            for (const QString &dependency : written.dependsOn)
                instance.dependsOn.append(dependency + QLatin1Char('@') + target);
            if (instance.dependsOn.isEmpty())
                instance.dependsOn.append(zone.id);
            duration(instance, random);
            plan.resources.append(instance);
        }
        dns.dependsOn.append(plan.resources.constLast().id);
    }
    duration(dns, random);
    plan.resources.append(dns);
    return plan;
}

} // namespace fanout::bench
