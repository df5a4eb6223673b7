#include "engine/plan/instanceaddress.h"

namespace fanout {

QString InstanceAddress::format(const QString &set, const nlohmann::ordered_json &key, const QString &target)
{
    QString address = set;
    if (key.is_number_integer())
        address += QStringLiteral("[%1]").arg(key.get<qint64>());
    else if (key.is_string())
        address += QStringLiteral("[\"%1\"]").arg(QString::fromStdString(key.get<std::string>()));
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
        const QString key = inside.mid(1, inside.size() - 2);
        if (key.contains(QLatin1Char('"')))
            return std::nullopt;
        parsed.key = key.toStdString();
        return parsed;
    }
    bool number = false;
    const qint64 index = inside.toLongLong(&number);
    if (!number || index < 0 || inside.startsWith(QLatin1Char('+')))
        return std::nullopt;
    parsed.key = index;
    return parsed;
}

} // namespace fanout
