#include "engine/support/duration.h"

#include "engine/support/jsonlocator.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace fanout {

namespace {

// Longer than any deployment should take; keeps arithmetic on durations far from overflow.
constexpr double kMaxMs = 366.0 * 24 * 3600 * 1000;

QString formatHelp()
{
    return QStringLiteral("write it as \"250ms\", \"30s\", \"5m\", \"1h\", \"1m30s\" or a number of seconds");
}

Expected<qint64> fromMs(double ms, const QString &shown)
{
    if (!std::isfinite(ms) || ms < 0)
        return unexpected(QStringLiteral("duration %1 must not be negative").arg(shown));
    if (ms > kMaxMs)
        return unexpected(QStringLiteral("duration %1 is longer than a year").arg(shown));
    return qint64(std::llround(ms));
}

} // namespace

Expected<qint64> parseDuration(const QString &text)
{
    const QString shown = QLatin1Char('"') + text + QLatin1Char('"');
    const QString s = text.trimmed();
    auto fail = [&](const QString &why) -> Expected<qint64> {
        return unexpected(QStringLiteral("bad duration %1: %2; %3").arg(shown, why, formatHelp()));
    };
    if (s.isEmpty())
        return fail(QStringLiteral("it is empty"));

    bool plainNumber = false;
    const double seconds = s.toDouble(&plainNumber);
    if (plainNumber)
        return fromMs(seconds * 1000.0, shown);

    double totalMs = 0;
    qsizetype i = 0;
    int lastUnitRank = 5; // units must go from larger to smaller: 1h30m, not 30m1h
    while (i < s.size()) {
        const qsizetype numberStart = i;
        while (i < s.size() && (s[i].isDigit() || s[i] == QLatin1Char('.')))
            ++i;
        if (i == numberStart && s[i] == QLatin1Char('-'))
            return unexpected(QStringLiteral("duration %1 must not be negative; %2").arg(shown, formatHelp()));
        if (i == numberStart)
            return fail(QStringLiteral("expected a number at \"%1\"").arg(s.mid(i)));
        bool ok = false;
        const double number = s.mid(numberStart, i - numberStart).toDouble(&ok);
        if (!ok)
            return fail(QStringLiteral("\"%1\" is not a number").arg(s.mid(numberStart, i - numberStart)));
        while (i < s.size() && s[i].isSpace()) // "3 s", "1m 30s"
            ++i;
        const qsizetype unitStart = i;
        while (i < s.size() && s[i].isLetter())
            ++i;
        const QString unit = s.mid(unitStart, i - unitStart).toLower();
        double factor = 0;
        int rank = 0;
        if (unit == QLatin1String("h")) {
            factor = 3600e3;
            rank = 4;
        } else if (unit == QLatin1String("m")) {
            factor = 60e3;
            rank = 3;
        } else if (unit == QLatin1String("s")) {
            factor = 1e3;
            rank = 2;
        } else if (unit == QLatin1String("ms")) {
            factor = 1;
            rank = 1;
        } else if (unit.isEmpty()) {
            return fail(QStringLiteral("a unit is missing after %1").arg(number));
        } else {
            return fail(QStringLiteral("unknown unit \"%1\"").arg(unit));
        }
        if (rank >= lastUnitRank)
            return fail(QStringLiteral("units must go from hours down to milliseconds"));
        lastUnitRank = rank;
        totalMs += number * factor;
        while (i < s.size() && s[i].isSpace())
            ++i;
        if (totalMs > kMaxMs)
            break;
    }
    return fromMs(totalMs, shown);
}

Expected<qint64> parseDuration(const nlohmann::ordered_json &value)
{
    if (value.is_number()) {
        const double seconds = value.get<double>();
        return fromMs(seconds * 1000.0, QString::fromStdString(value.dump()));
    }
    if (value.is_string())
        return parseDuration(QString::fromStdString(value.get<std::string>()));
    return unexpected(QStringLiteral("a duration must be a string or a number of seconds, not %1; %2")
                          .arg(jsonTypeName(value), formatHelp()));
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms < 60'000) {
        const qint64 tenths = (ms + 50) / 100;
        if (tenths % 10 == 0 || ms >= 10'000)
            return QStringLiteral("%1s").arg((ms + 500) / 1000);
        return QStringLiteral("%1.%2s").arg(tenths / 10).arg(tenths % 10);
    }
    const qint64 totalSeconds = (ms + 500) / 1000;
    if (totalSeconds < 3600)
        return QStringLiteral("%1m%2s").arg(totalSeconds / 60).arg(totalSeconds % 60, 2, 10, QLatin1Char('0'));
    const qint64 totalMinutes = totalSeconds / 60;
    return QStringLiteral("%1h%2m").arg(totalMinutes / 60).arg(totalMinutes % 60, 2, 10, QLatin1Char('0'));
}

QString formatElapsed(qint64 ms, bool running)
{
    if (!running)
        return formatDuration(ms);
    return ms < 1000 ? QStringLiteral("0s") : formatDuration(ms / 1000 * 1000);
}

} // namespace fanout
