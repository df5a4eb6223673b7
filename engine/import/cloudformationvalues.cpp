#include "engine/import/cloudformationvalues.h"

namespace fanout::cloudformation {

QString qstring(const std::string &s)
{
    return QString::fromStdString(s);
}

QString describe(const json &value)
{
    switch (value.type()) {
    case json::value_t::object:
        return QStringLiteral("a mapping");
    case json::value_t::array:
        // How many: what a person counts when a function wants three ("not a list of 2 items").
        if (value.empty())
            return QStringLiteral("an empty list");
        return value.size() == 1 ? QStringLiteral("a list of 1 item") : QStringLiteral("a list of %1 items").arg(value.size());
    case json::value_t::string: {
        QString s = qstring(value.get_ref<const std::string &>());
        if (s.size() > 60)
            s = s.left(57) + QStringLiteral("...");
        return QLatin1Char('"') + s + QLatin1Char('"');
    }
    case json::value_t::null:
        return QStringLiteral("nothing (null)");
    default:
        return qstring(value.dump(-1, ' ', false, json::error_handler_t::replace));
    }
}

std::optional<QString> scalarText(const json &value)
{
    if (value.is_string())
        return qstring(value.get_ref<const std::string &>());
    if (value.is_boolean())
        return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.is_number())
        return qstring(value.dump());
    return std::nullopt;
}

bool isForEach(const QString &key)
{
    return key.startsWith(QLatin1String("Fn::ForEach::"));
}

} // namespace fanout::cloudformation
