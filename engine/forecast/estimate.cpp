#include "engine/forecast/estimate.h"

#include "engine/support/duration.h"

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

QString Estimate::describe() const
{
    QString text = sourceText();
    if (samples > 0) {
        const bool perRun = source != Source::Type;
        const QString what = perRun ? (samples == 1 ? QStringLiteral("run") : QStringLiteral("runs"))
                                    : (samples == 1 ? QStringLiteral("attempt") : QStringLiteral("attempts"));
        text += QStringLiteral(", %1 %2").arg(samples).arg(what);
    }
    if (failureOdds > 0)
        text += QStringLiteral(", fails %1%").arg(qRound(failureOdds * 100));
    return text;
}

QString Estimate::figureText() const
{
    const QString figure = formatDuration(ms);
    const QString low = formatDuration(lowMs);
    const QString high = formatDuration(highMs);
    return low == figure && high == figure ? figure : QStringLiteral("%1 (%2-%3)").arg(figure, low, high);
}

} // namespace fanout
