#pragma once

#include "engine/support/expected.h"

#include <QByteArray>
#include <QString>

namespace fanout {

// Writes a whole file at once: plans, state files, reports and exports are written to a temporary
// file in the same directory and renamed over the old one, so that a failure (a full disk, a
// crash) leaves the old file as it was, never half of the new one.
class AtomicFile
{
public:
    // Why it failed, as the system says it ("No space left on device"), when it fails.
    static Expected<void> write(const QString &path, const QByteArray &data);
};

} // namespace fanout
