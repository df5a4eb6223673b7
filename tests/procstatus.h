#pragma once

// For tests and benchmarks: figures of this process from /proc/self/status.

#include <QByteArray>
#include <QFile>

namespace fanout::test {

// The number after "FIELD:" ("Threads", "VmRSS", "VmHWM"; memory is in KiB), or -1 where /proc
// has no answer.
inline long procStatus(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').constFirst().toLong();
    }
    return -1;
}

} // namespace fanout::test
