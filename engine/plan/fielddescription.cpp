#include "engine/plan/fielddescription.h"

namespace fanout {

QString FieldDescription::parameter() const
{
    return path.section(QLatin1Char('.'), 0, 0);
}

bool FieldDescription::acceptsNumber(const nlohmann::ordered_json &value) const
{
    if (!value.is_number() || (wholeNumber && !value.is_number_integer()))
        return false;
    const double number = value.get<double>();
    return (!minimum || number >= *minimum) && (!maximum || number <= *maximum);
}

QString FieldDescription::defaultText() const
{
    if (defaultValue.is_null())
        return QString();
    if (defaultValue.is_string())
        return QString::fromStdString(defaultValue.get<std::string>());
    return QString::fromStdString(defaultValue.dump());
}

QString FieldDescription::durationHelp(const QString &what, const QString &whenEmpty)
{
    return QStringLiteral("%1: a duration such as 250ms, 30s, 5m, 1h or 1m30s, or a number of seconds. Empty: %2.")
        .arg(what, whenEmpty);
}

} // namespace fanout
