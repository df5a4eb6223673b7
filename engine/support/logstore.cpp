#include "engine/support/logstore.h"

#include <QDir>
#include <QTemporaryFile>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace fanout {

namespace {

// The write buffer goes to the file once it holds this much; reads fetch blocks of this size.
constexpr qint64 kBufferBytes = 1 << 20;
constexpr qint64 kBlockBytes = 256 << 10;

} // namespace

LogStore::LogStore() = default;

LogStore::~LogStore() = default;

qint64 LogStore::append(QStringView text)
{
    m_starts.push_back(m_end);
    const QByteArray utf8 = text.toUtf8();
    m_buffer.append(utf8);
    m_end += utf8.size();
    if (m_buffer.size() >= kBufferBytes)
        writeBuffer();
    return qint64(m_starts.size()) - 1;
}

void LogStore::writeBuffer()
{
    if (!m_triedFile) {
        m_triedFile = true;
        auto file = std::make_unique<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/fanout-log-XXXXXX"));
        // QTemporaryFile creates it readable and writable by its owner only.
        if (file->open()) {
#ifdef Q_OS_UNIX
            // Unlinked now, it goes when it is closed, or when the process ends however it ends.
            if (::unlink(QFile::encodeName(file->fileName()).constData()) == 0)
                file->setAutoRemove(false);
#endif
            m_file = std::move(file);
        }
    }
    if (!m_file || m_fileFull)
        return; // in memory, then
    if (!m_file->seek(m_written) || m_file->write(m_buffer) != m_buffer.size() || !m_file->flush()) {
        // A full disk: what is in the file stays there, the rest in memory rather than lost.
        m_fileFull = true;
        m_file->resize(m_written);
        return;
    }
    m_written += m_buffer.size();
    m_buffer.clear();
}

QString LogStore::text(qint64 id) const
{
    if (id < 0 || id >= count())
        return QString();
    const qint64 start = m_starts[std::size_t(id)];
    const qint64 end = id + 1 < count() ? m_starts[std::size_t(id + 1)] : m_end;
    return QString::fromUtf8(read(start, end - start));
}

QByteArray LogStore::read(qint64 start, qint64 length) const
{
    if (length <= 0)
        return QByteArray();
    if (start >= m_written) // in the write buffer
        return m_buffer.mid(start - m_written, length);
    const qint64 blockStart = start / kBlockBytes * kBlockBytes;
    if (start + length <= m_written && start + length <= blockStart + kBlockBytes) {
        if (blockStart != m_blockStart) {
            m_blockStart = -1;
            if (!m_file->seek(blockStart))
                return QByteArray();
            m_block = m_file->read(std::min(kBlockBytes, m_written - blockStart));
            m_blockStart = blockStart;
        }
        return m_block.mid(start - blockStart, length);
    }
    // Across blocks, or partly in the write buffer: rare enough to read directly.
    QByteArray bytes;
    if (start < m_written && m_file->seek(start))
        bytes = m_file->read(std::min(length, m_written - start));
    if (start + length > m_written)
        bytes.append(m_buffer.left(start + length - m_written));
    return bytes;
}

void LogStore::clear()
{
    m_starts.clear();
    m_starts.shrink_to_fit();
    m_end = 0;
    m_written = 0;
    m_buffer.clear();
    m_block.clear();
    m_blockStart = -1;
    m_fileFull = false;
    if (m_file)
        m_file->resize(0);
}

} // namespace fanout
