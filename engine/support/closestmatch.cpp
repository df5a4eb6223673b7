#include "engine/support/closestmatch.h"

#include <algorithm>
#include <vector>

namespace fanout {

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
// each cost 1, so "vcp" is one step from "vpc".
int editDistance(const QString &a, const QString &b, int cutoff)
{
    const int n = int(a.size());
    const int m = int(b.size());
    if (std::abs(n - m) > cutoff)
        return cutoff + 1;
    std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
    for (int j = 0; j <= m; ++j)
        previous[j] = j;
    for (int i = 1; i <= n; ++i) {
        current[0] = i;
        int rowMin = current[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], before[j - 2] + 1);
            rowMin = std::min(rowMin, current[j]);
        }
        if (rowMin > cutoff)
            return cutoff + 1;
        before.swap(previous);
        previous.swap(current);
    }
    return previous[m];
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    if (word.isEmpty())
        return QString();
    // Allow about one mistake per three characters, at least one and at most three.
    const int cutoff = std::clamp(int(word.size()) / 3, 1, 3);
    QString best;
    int bestDistance = cutoff + 1;
    for (const QString &candidate : candidates) {
        if (candidate == word)
            continue;
        const int distance = editDistance(word, candidate, std::min(cutoff, bestDistance));
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return bestDistance <= cutoff ? best : QString();
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString match = closestMatch(word, candidates);
    return match.isEmpty() ? QString() : QStringLiteral(" (did you mean \"%1\"?)").arg(match);
}

} // namespace fanout
