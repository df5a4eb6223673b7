#include "engine/import/terraformaddress.h"

#include <QList>

namespace fanout::terraform {

QString withoutKeys(const QString &address)
{
    if (!address.contains(QLatin1Char('[')))
        return address;
    QString result;
    result.reserve(address.size());
    int depth = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < address.size(); ++i) {
        const QChar c = address[i];
        if (quoted) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == QLatin1Char('"'))
                quoted = false;
        } else if (depth > 0) {
            if (c == QLatin1Char('"'))
                quoted = true;
            else if (c == QLatin1Char('['))
                ++depth;
            else if (c == QLatin1Char(']'))
                --depth;
        } else if (c == QLatin1Char('[')) {
            depth = 1;
        } else {
            result.append(c);
        }
    }
    return result;
}

QStringList enclosingModules(const QString &configAddress, QStringView *resource)
{
    QStringList modules;
    if (!configAddress.startsWith(QLatin1String("module."))) {
        if (resource)
            *resource = configAddress;
        return modules;
    }
    const QStringView address(configAddress);
    qsizetype at = 0;
    // A module step is "module.NAME."; what remains must still name a resource (TYPE.NAME).
    while (address.mid(at).startsWith(QLatin1String("module."))) {
        const qsizetype nameEnd = address.indexOf(QLatin1Char('.'), at + 7);
        if (nameEnd < 0 || address.indexOf(QLatin1Char('.'), nameEnd + 1) < 0)
            break;
        modules.append(address.left(nameEnd).toString());
        at = nameEnd + 1;
    }
    if (resource)
        *resource = address.mid(at);
    return modules;
}

QStringList enclosingModuleInstances(const QString &address)
{
    // Split at the dots that are not inside a key.
    QList<QStringView> parts;
    const QStringView text(address);
    qsizetype start = 0;
    int depth = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == QLatin1Char('"'))
                quoted = false;
        } else if (c == QLatin1Char('"') && depth > 0) {
            quoted = true;
        } else if (c == QLatin1Char('[')) {
            ++depth;
        } else if (c == QLatin1Char(']')) {
            --depth;
        } else if (c == QLatin1Char('.') && depth == 0) {
            parts.append(text.mid(start, i - start));
            start = i + 1;
        }
    }
    parts.append(text.mid(start));
    QStringList modules;
    for (qsizetype k = 0; k + 3 < parts.size() && parts[k] == QLatin1String("module"); k += 2)
        modules.append(text.left(parts[k + 1].data() + parts[k + 1].size() - text.data()).toString());
    return modules;
}

} // namespace fanout::terraform
