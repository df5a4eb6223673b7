#pragma once

#include <QString>
#include <QStringList>

namespace fanout {

// The candidate a mistyped word most likely meant ("vcp" -> "vpc"), or an empty string when none
// is close enough to suggest. Used for every "did you mean" in validation messages.
QString closestMatch(const QString &word, const QStringList &candidates);

// ` (did you mean "vpc"?)` or nothing, ready to append to a message.
QString didYouMean(const QString &word, const QStringList &candidates);

} // namespace fanout
