#include "engine/support/atomicfile.h"

#include <QSaveFile>

namespace fanout {

Expected<void> AtomicFile::write(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return unexpected(file.errorString());
    return {};
}

} // namespace fanout
