#pragma once

#include "engine/support/expected.h"

#include <QByteArray>
#include <QString>

namespace fanout {

// Writes a whole file at once: plans, state files, reports and exports are written to a temporary
// file in the same directory, flushed to disk and renamed over the old one, so that a failure (a
// full disk, a crash) leaves the old file as it was, never half of the new one.
class AtomicFile
{
public:
    enum class Access : quint8 {
        Shared,  // as the umask allows (plans, reports)
        // Readable and writable by the owner alone (0600), whatever the old file's mode was, and
        // the directory is synced too, so that the rename itself survives a power cut: files that
        // hold secrets and what exists (the state file).
        Private,
    };

    // Why it failed, as the system says it ("No space left on device"), when it fails.
    static Expected<void> write(const QString &path, const QByteArray &data, Access access = Access::Shared);

    // Flushes the directory holding `path` to disk, so that a file created or renamed there stays
    // after a power cut; why not, when it cannot.
    static Expected<void> syncDirectory(const QString &path);
};

} // namespace fanout
