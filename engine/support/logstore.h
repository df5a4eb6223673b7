#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <deque>
#include <memory>

class QFile;

namespace fanout {

// Lines of text kept out of memory: a run's log may hold millions of lines, so their text goes to
// an append-only temporary file (created 0600, since a line may hold a secret the run did not know
// to mask, and unlinked at once where the system allows, so that nothing is left behind even after
// a crash), and only where each line starts stays in memory: 8 bytes a line. The newest lines wait
// in a write buffer, and reads go through a small block cache, so that reading the lines in order
// (a filter looking through all of them) or again and again (the rows on screen) reads the file
// seldom. Without a writable temporary directory the lines stay in memory: slower to grow, never
// lost.
//
// Not thread-safe: it belongs to the thread that appends (the scheduler's, which is the GUI's).
class LogStore
{
public:
    LogStore();
    ~LogStore();
    LogStore(const LogStore &) = delete;
    LogStore &operator=(const LogStore &) = delete;

    // Keeps `text` and returns its id, counting from 0.
    qint64 append(QStringView text);
    QString text(qint64 id) const; // empty for an id it does not have
    qint64 count() const { return qint64(m_starts.size()); }
    qint64 bytes() const { return m_end; } // UTF-8 bytes of all lines
    bool isOnDisk() const { return m_written > 0; } // some of it is in the file
    void clear(); // forgets every line, and empties the file

private:
    QByteArray read(qint64 start, qint64 length) const;
    void writeBuffer();

    std::deque<qint64> m_starts; // where each line starts in the file (or the write buffer)
    qint64 m_end = 0;            // where the next line will start
    qint64 m_written = 0;        // bytes in the file; the rest are in m_buffer
    QByteArray m_buffer;
    std::unique_ptr<QFile> m_file; // null when it could not be created: then m_buffer holds everything
    bool m_triedFile = false;
    bool m_fileFull = false; // a write failed: the rest stays in m_buffer
    // The last block read from the file.
    mutable QByteArray m_block;
    mutable qint64 m_blockStart = -1;
};

} // namespace fanout
