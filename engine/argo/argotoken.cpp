#include "engine/argo/argotoken.h"

#include <QFile>

namespace fanout {

Expected<QByteArray> ArgoToken::read(const QString &file, const QString &variable)
{
    QByteArray token;
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return unexpected(QStringLiteral("the token file %1: %2").arg(file, f.errorString()));
        token = f.readAll().trimmed();
        if (token.isEmpty())
            return unexpected(QStringLiteral("the token file %1 is empty").arg(file));
    } else {
        const QString name = variable.isEmpty() ? QString::fromLatin1(kDefaultVariable) : variable;
        token = qgetenv(name.toLocal8Bit().constData()).trimmed();
        if (token.isEmpty() && !variable.isEmpty() && variable != QLatin1String(kDefaultVariable))
            return unexpected(QStringLiteral("the environment variable %1 is empty or not set").arg(name));
    }
    if (token.startsWith("Bearer "))
        token = token.mid(7).trimmed();
    return token;
}

} // namespace fanout
