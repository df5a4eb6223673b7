#include "engine/run/runevent.h"

namespace fanout {

QString stateName(ResourceState state)
{
    switch (state) {
    case ResourceState::Pending: return QStringLiteral("pending");
    case ResourceState::Ready: return QStringLiteral("ready");
    case ResourceState::Running: return QStringLiteral("running");
    case ResourceState::RetryWait: return QStringLiteral("retry-wait");
    case ResourceState::Succeeded: return QStringLiteral("succeeded");
    case ResourceState::Failed: return QStringLiteral("failed");
    case ResourceState::Skipped: return QStringLiteral("skipped");
    case ResourceState::Cancelled: return QStringLiteral("cancelled");
    }
    return QString();
}

bool isFinal(ResourceState state)
{
    return state == ResourceState::Succeeded || state == ResourceState::Failed
        || state == ResourceState::Skipped || state == ResourceState::Cancelled;
}

} // namespace fanout
