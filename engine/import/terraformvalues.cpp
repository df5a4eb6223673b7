#include "engine/import/terraformvalues.h"

namespace fanout::terraform {

QString show(const json &value)
{
    if (value.is_object())
        return QStringLiteral("an object");
    if (value.is_array())
        return QStringLiteral("a list");
    QString text = QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
    if (text.size() > 40)
        text = text.left(37) + QStringLiteral("...");
    return text;
}

QString toQString(const json &string)
{
    Q_ASSERT(string.is_string());
    return QString::fromStdString(string.get_ref<const std::string &>());
}

} // namespace fanout::terraform
