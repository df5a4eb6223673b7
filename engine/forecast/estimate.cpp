#include "engine/forecast/estimate.h"

namespace fanout {

QString Estimate::sourceText() const
{
    switch (source) {
    case Source::Definition: return QStringLiteral("this definition");
    case Source::Resource: return QStringLiteral("this resource");
    case Source::Type: return sourceKey.isEmpty() ? QStringLiteral("type") : QStringLiteral("type %1").arg(sourceKey);
    case Source::Plan: return QStringLiteral("plan estimate");
    case Source::Executor: return QStringLiteral("executor default");
    }
    return QString();
}

} // namespace fanout
