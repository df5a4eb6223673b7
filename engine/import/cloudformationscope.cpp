#include "engine/import/cloudformationscope.h"

namespace fanout::cloudformation {

namespace {

QString alphanumeric(const QString &text)
{
    QString result;
    for (const QChar c : text) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            result.append(c);
    }
    return result;
}

} // namespace

QString substituted(QString text, const Bindings &bindings)
{
    for (const auto &[identifier, value] : bindings) {
        text.replace(QStringLiteral("${") + identifier + QLatin1Char('}'), value);
        text.replace(QStringLiteral("&{") + identifier + QLatin1Char('}'), alphanumeric(value));
    }
    return text;
}

bool Scope::bound(const QString &identifier) const
{
    for (const auto &binding : bindings) {
        if (binding.first == identifier)
            return true;
    }
    return false;
}

bool Scope::mentionsUnknown(const QString &name) const
{
    for (const QString &v : loopVariables) {
        if (name.contains(QStringLiteral("${") + v + QLatin1Char('}')) || name.contains(QStringLiteral("&{") + v + QLatin1Char('}')))
            return true;
    }
    return false;
}

} // namespace fanout::cloudformation
