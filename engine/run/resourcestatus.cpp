#include "engine/run/resourcestatus.h"

namespace fanout {

QString outcomeName(AttemptRecord::Outcome outcome)
{
    switch (outcome) {
    case AttemptRecord::Outcome::Running: return QStringLiteral("running");
    case AttemptRecord::Outcome::Succeeded: return QStringLiteral("succeeded");
    case AttemptRecord::Outcome::Failed: return QStringLiteral("failed");
    case AttemptRecord::Outcome::TimedOut: return QStringLiteral("timed-out");
    case AttemptRecord::Outcome::Cancelled: return QStringLiteral("cancelled");
    }
    return QString();
}

} // namespace fanout
