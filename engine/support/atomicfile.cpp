#include "engine/support/atomicfile.h"

#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace fanout {

Expected<void> AtomicFile::write(const QString &path, const QByteArray &data, Access access)
{
    // QSaveFile writes a temporary file beside `path`, fsyncs it in commit() and renames it over.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return unexpected(file.errorString());
    // The temporary file's mode is what the renamed file keeps.
    if (access == Access::Private && !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return unexpected(file.errorString());
    if (file.write(data) != data.size() || !file.commit())
        return unexpected(file.errorString());
    if (access == Access::Private)
        return syncDirectory(path);
    return {};
}

Expected<void> AtomicFile::syncDirectory(const QString &path)
{
    const QByteArray directory = QFileInfo(path).absolutePath().toLocal8Bit();
    const int fd = ::open(directory.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return unexpected(QString::fromLocal8Bit(std::strerror(errno)));
    const bool synced = ::fsync(fd) == 0;
    const int error = errno;
    ::close(fd);
    if (!synced)
        return unexpected(QString::fromLocal8Bit(std::strerror(error)));
    return {};
}

} // namespace fanout
