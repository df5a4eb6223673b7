#pragma once

// Random deployment-like DAGs for the benchmarks: resources in plan order, each depending on up to
// a few earlier ones, mostly recent ones, so that the graph has both depth and width.

#include "engine/plan/plan.h"

#include <QRandomGenerator>

#include <cmath>

namespace fanout::bench {

struct DagShape
{
    int resources = 1000;
    int maxDependencies = 3;
    int window = 50; // dependencies are drawn from this many preceding resources
};

// Durations like a cloud's: most resources take seconds, a few (databases, CDNs) take minutes.
inline qint64 cloudLikeDurationMs(QRandomGenerator &random)
{
    if (random.bounded(100) < 15)
        return 60'000 + qint64(random.bounded(240'000)); // 1-5 min
    return 1'000 + qint64(random.bounded(20'000));       // 1-21 s
}

// Plan with `type` resources; `duration(r)` gives each resource's "duration" parameter, if any.
template<typename Duration>
Plan randomDag(const DagShape &shape, quint32 seed, const QString &type, Duration duration)
{
    QRandomGenerator random(seed);
    Plan plan;
    plan.name = QStringLiteral("random-%1").arg(seed);
    plan.resources.reserve(shape.resources);
    for (int i = 0; i < shape.resources; ++i) {
        Resource r;
        r.id = QStringLiteral("r%1").arg(i);
        r.type = type;
        const int count = i == 0 ? 0 : int(random.bounded(shape.maxDependencies + 1));
        for (int k = 0; k < count; ++k) {
            const int from = std::max(0, i - shape.window);
            const QString dep = QStringLiteral("r%1").arg(from + int(random.bounded(i - from)));
            if (!r.dependsOn.contains(dep))
                r.dependsOn.append(dep);
        }
        duration(r, random);
        plan.resources.append(r);
    }
    return plan;
}

} // namespace fanout::bench
