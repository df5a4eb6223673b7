#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringView>

#include <string>

namespace fanout {

// A QString as the UTF-8 std::string that nlohmann::json stores.
inline std::string utf8(const QString &text)
{
    return text.toStdString();
}

// Writing JSON text straight into a buffer, for what Fanout writes often enough that building a
// nlohmann::json value first costs more than the writing: the state journal writes two records per
// attempt (see docs/provisioning.md). The text is what nlohmann::json::dump() writes for the same
// values, byte for byte, so that either may write and read a file.
struct JsonText
{
    // `text` as a JSON string, quotes included: '"', '\' and control characters escaped (\n, \t,
    // \u001b...), everything else as UTF-8.
    static void appendString(std::string &out, QStringView text);
    // An object of strings, {"key":"value",...}, in the map's order.
    static void appendStrings(std::string &out, const QMap<QString, QString> &strings);
    // A time as Fanout's files spell it, "2026-12-04T09:00:01.250Z" (UTC, milliseconds), quotes
    // included; null when invalid. QDateTime::toString() gives the same text at 20 times the cost.
    static void appendTime(std::string &out, const QDateTime &time);
    static void appendTime(std::string &out, qint64 msecsSinceEpoch);
};

} // namespace fanout
