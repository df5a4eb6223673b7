#pragma once

// For tests and benchmarks: figures of this process from /proc/self/status.

#include <QByteArray>
#include <QFile>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) // GCC
#define FANOUT_SANITIZED_BUILD 1
#elif defined(__has_feature) // clang
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FANOUT_SANITIZED_BUILD 1
#endif
#endif

namespace fanout::test {

// Whether resident memory says anything of Fanout's own use: not in an ASan or TSan build, whose
// red zones, quarantine and shadow memory multiply it (make test-asan, make test-tsan).
#ifdef FANOUT_SANITIZED_BUILD
inline constexpr bool kMemoryIsMeasured = false;
#else
inline constexpr bool kMemoryIsMeasured = true;
#endif

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
