#include "engine/support/diagnostic.h"

#include <algorithm>

namespace fanout {

QString Diagnostic::toString(const QString &file) const
{
    QString where = file;
    if (line > 0) {
        where += QStringLiteral(":%1").arg(line);
        if (column > 0)
            where += QStringLiteral(":%1").arg(column);
    }
    QString text;
    if (!where.isEmpty())
        text = where + QStringLiteral(": ");
    text += isError() ? QStringLiteral("error: ") : QStringLiteral("warning: ");
    if (!path.isEmpty())
        text += path + QStringLiteral(": ");
    return text + message;
}

int errorCount(const Diagnostics &diagnostics)
{
    return int(std::count_if(diagnostics.cbegin(), diagnostics.cend(),
                             [](const Diagnostic &d) { return d.isError(); }));
}

int warningCount(const Diagnostics &diagnostics)
{
    return int(diagnostics.size()) - errorCount(diagnostics);
}

} // namespace fanout
