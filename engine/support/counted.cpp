#include "engine/support/counted.h"

#include <QLocale>

namespace fanout {

QString counted(qint64 count, const char *singular, const char *plural)
{
    const QString noun = count == 1 ? QString::fromUtf8(singular)
                                    : plural ? QString::fromUtf8(plural) : QString::fromUtf8(singular) + QLatin1Char('s');
    return QString::number(count) + QLatin1Char(' ') + noun;
}

} // namespace fanout
