#include "engine/support/jsontext.h"

#include <cstdio>

namespace fanout {

namespace {

// An ASCII character that a JSON string escapes: '"', '\\' or a control character.
void appendEscape(std::string &out, char16_t c)
{
    switch (c) {
    case '"':
        out += "\\\"";
        break;
    case '\\':
        out += "\\\\";
        break;
    case '\b':
        out += "\\b";
        break;
    case '\f':
        out += "\\f";
        break;
    case '\n':
        out += "\\n";
        break;
    case '\r':
        out += "\\r";
        break;
    case '\t':
        out += "\\t";
        break;
    default: {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", unsigned(c));
        out += escape;
    }
    }
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian), after Howard Hinnant's
// days_from_civil paper (public domain algorithm).
void civilFromDays(qint64 days, int &year, int &month, int &day)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const auto dayOfEra = unsigned(days - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned shifted = (5 * dayOfYear + 2) / 153;
    day = int(dayOfYear - (153 * shifted + 2) / 5 + 1);
    month = int(shifted < 10 ? shifted + 3 : shifted - 9);
    year = int(qint64(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0));
}

} // namespace

void JsonText::appendString(std::string &out, QStringView text)
{
    // UTF-16 to UTF-8 as QString::toUtf8() does it (a lone surrogate becomes '?'), without a
    // QByteArray in between.
    const char16_t *const data = text.utf16();
    const qsizetype size = text.size();
    out += '"';
    for (qsizetype i = 0; i < size; ++i) {
        char32_t c = data[i];
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\')
                out += char(c);
            else
                appendEscape(out, char16_t(c));
            continue;
        }
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < size && data[i + 1] >= 0xDC00 && data[i + 1] < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (char32_t(data[i + 1]) - 0xDC00);
            ++i;
        } else if (c >= 0xD800 && c < 0xE000) {
            out += '?'; // as QString::toUtf8() has it
            continue;
        }
        if (c < 0x800) {
            out += char(0xC0 | (c >> 6));
        } else if (c < 0x10000) {
            out += char(0xE0 | (c >> 12));
            out += char(0x80 | ((c >> 6) & 0x3F));
        } else {
            out += char(0xF0 | (c >> 18));
            out += char(0x80 | ((c >> 12) & 0x3F));
            out += char(0x80 | ((c >> 6) & 0x3F));
        }
        out += char(0x80 | (c & 0x3F));
    }
    out += '"';
}

void JsonText::appendStrings(std::string &out, const QMap<QString, QString> &strings)
{
    out += '{';
    const char *separator = "";
    for (auto it = strings.cbegin(); it != strings.cend(); ++it) {
        out += separator;
        appendString(out, it.key());
        out += ':';
        appendString(out, it.value());
        separator = ",";
    }
    out += '}';
}

void JsonText::appendTime(std::string &out, const QDateTime &time)
{
    if (!time.isValid()) {
        out += "null";
        return;
    }
    appendTime(out, time.toMSecsSinceEpoch());
}

void JsonText::appendTime(std::string &out, qint64 msecsSinceEpoch)
{
    constexpr qint64 kMsPerDay = 86'400'000;
    qint64 days = msecsSinceEpoch / kMsPerDay;
    qint64 ms = msecsSinceEpoch % kMsPerDay;
    if (ms < 0) {
        ms += kMsPerDay;
        --days;
    }
    int year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(days, year, month, day);
    if (year < 0 || year > 9999) { // not a time Fanout writes; QDateTime spells these
        out += '"';
        out += QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
        out += '"';
        return;
    }
    const auto digits = [&out](qint64 value, int width) {
        char text[8];
        for (int i = width - 1; i >= 0; --i, value /= 10)
            text[i] = char('0' + value % 10);
        out.append(text, std::size_t(width));
    };
    out += '"';
    digits(year, 4);
    out += '-';
    digits(month, 2);
    out += '-';
    digits(day, 2);
    out += 'T';
    digits(ms / 3'600'000, 2);
    out += ':';
    digits(ms / 60'000 % 60, 2);
    out += ':';
    digits(ms / 1000 % 60, 2);
    out += '.';
    digits(ms % 1000, 3);
    out += "Z\"";
}

} // namespace fanout
