#include "engine/plan/plan.h"

#include <algorithm>
#include <cmath>

namespace fanout {

qint64 RetryPolicy::backoffBefore(int nextAttempt) const
{
    if (nextAttempt < 2)
        return 0;
    const double delay = double(initialBackoffMs) * std::pow(multiplier, nextAttempt - 2);
    return qint64(std::min(delay, double(maxBackoffMs)));
}

int Plan::indexOf(const QString &resourceId) const
{
    for (int i = 0; i < resources.size(); ++i) {
        if (resources[i].id == resourceId)
            return i;
    }
    return -1;
}

QList<int> Plan::instancesOf(const QString &set) const
{
    QList<int> instances;
    for (int i = 0; i < resources.size(); ++i) {
        if (resources[i].set == set)
            instances.append(i);
    }
    return instances;
}

int Plan::targetIndex(const QString &targetName) const
{
    for (int i = 0; i < targets.size(); ++i) {
        if (targets[i].name == targetName)
            return i;
    }
    return -1;
}

int Rollout::maxConcurrentFor(int targets) const
{
    if (maxConcurrent <= 0)
        return 0;
    if (!maxConcurrentIsPercent)
        return maxConcurrent;
    return std::max(1, int(qint64(targets) * maxConcurrent / 100));
}

int Rollout::failureToleranceFor(int targets) const
{
    if (failureTolerance < 0 || !failureToleranceIsPercent)
        return failureTolerance;
    return int(qint64(targets) * failureTolerance / 100);
}

int Plan::groupIndex(const QString &groupName) const
{
    for (int i = 0; i < groups.size(); ++i) {
        if (groups[i].name == groupName)
            return i;
    }
    return -1;
}

int Plan::variableIndex(const QString &variableName) const
{
    for (int i = 0; i < variables.size(); ++i) {
        if (variables[i].name == variableName)
            return i;
    }
    return -1;
}

} // namespace fanout
