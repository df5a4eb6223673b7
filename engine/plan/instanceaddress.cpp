#include "engine/plan/instanceaddress.h"

namespace fanout {

QString InstanceAddress::format(const QString &set, const nlohmann::ordered_json &key, const QString &target)
{
    QString address = set;
    if (key.is_number_integer())
        address += QStringLiteral("[%1]").arg(key.get<qint64>());
    else if (key.is_string()) {
        // As Terraform writes it: a quote or a backslash in the key escaped.
        QString text = QString::fromStdString(key.get<std::string>());
        text.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
        address += QStringLiteral("[\"%1\"]").arg(text);
    }
    if (!target.isEmpty())
        address += QLatin1Char('@') + target;
    return address;
}

std::optional<InstanceAddress> InstanceAddress::parse(const QString &address)
{
    InstanceAddress parsed;
    QString rest = address;
    // The target: after the last '@' that follows the key (a key may hold an '@': web["a@b"]).
    const int close = int(rest.lastIndexOf(QLatin1Char(']')));
    const int at = int(rest.indexOf(QLatin1Char('@'), close < 0 ? 0 : close));
    if (at >= 0) {
        parsed.target = rest.mid(at + 1);
        rest.truncate(at);
        if (parsed.target.isEmpty())
            return std::nullopt;
    }
    const int open = int(rest.indexOf(QLatin1Char('[')));
    if (open < 0) {
        if (rest.contains(QLatin1Char(']')))
            return std::nullopt;
        parsed.set = rest;
        return parsed.set.isEmpty() ? std::nullopt : std::optional<InstanceAddress>(parsed);
    }
    if (!rest.endsWith(QLatin1Char(']')) || open == 0)
        return std::nullopt;
    parsed.set = rest.left(open);
    const QString inside = rest.mid(open + 1, rest.size() - open - 2);
    if (inside == QLatin1String("*")) {
        parsed.all = true;
        return parsed;
    }
    if (inside.size() >= 2 && inside.startsWith(QLatin1Char('"')) && inside.endsWith(QLatin1Char('"'))) {
        // A JSON string: \" and \\ as Terraform escapes them.
        nlohmann::ordered_json key = nlohmann::ordered_json::parse(inside.toStdString(), nullptr, false);
        if (!key.is_string())
            return std::nullopt;
        parsed.key = std::move(key);
        return parsed;
    }
    bool number = false;
    const qint64 index = inside.toLongLong(&number);
    if (!number || index < 0 || inside.startsWith(QLatin1Char('+')))
        return std::nullopt;
    parsed.key = index;
    return parsed;
}

std::optional<InstanceAddress> InstanceAddress::parseWritten(const QString &id)
{
    if (!id.endsWith(QLatin1Char(']')))
        return std::nullopt;
    qsizetype open = -1;
    nlohmann::ordered_json key;
    if (id.endsWith(QLatin1String("\"]"))) {
        // Back to the quote that opens the key: the first one not escaped, right after a '['.
        qsizetype quote = id.size() - 3;
        for (; quote > 0; --quote) {
            if (id[quote] != QLatin1Char('"'))
                continue;
            qsizetype backslashes = 0;
            while (quote - 1 - backslashes >= 0 && id[quote - 1 - backslashes] == QLatin1Char('\\'))
                ++backslashes;
            if (backslashes % 2 == 0)
                break;
        }
        if (quote < 2 || id[quote - 1] != QLatin1Char('['))
            return std::nullopt;
        open = quote - 1;
        key = nlohmann::ordered_json::parse(id.mid(quote, id.size() - 1 - quote).toStdString(), nullptr, false);
        if (!key.is_string())
            return std::nullopt;
    } else {
        open = id.lastIndexOf(QLatin1Char('['));
        bool number = false;
        const QString inside = id.mid(open + 1, id.size() - open - 2);
        const qint64 index = inside.toLongLong(&number);
        if (open < 1 || !number || index < 0 || inside.startsWith(QLatin1Char('+')))
            return std::nullopt;
        key = index;
    }
    InstanceAddress parsed;
    parsed.set = id.left(open);
    parsed.key = std::move(key);
    if (format(parsed.set, parsed.key, QString()) != id)
        return std::nullopt;
    return parsed;
}

} // namespace fanout
