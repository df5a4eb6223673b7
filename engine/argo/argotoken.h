#pragma once

#include "engine/support/expected.h"

#include <QByteArray>
#include <QString>

namespace fanout {

// Where the Argo Server's token is read from (as the `argo` command line reads it): a file, else an
// environment variable, ARGO_TOKEN unless named. "Bearer " in front, as `argo auth token` prints
// it, is taken off. The token itself is never written anywhere by Fanout: only where it comes from.
struct ArgoToken
{
    static constexpr char kDefaultVariable[] = "ARGO_TOKEN";

    // From `file` when given, else from `variable` (kDefaultVariable when empty). An unset default
    // variable is no token (a server without authentication); a named one that is unset, or an
    // empty or unreadable file, is an error that names it.
    static Expected<QByteArray> read(const QString &file, const QString &variable);
};

} // namespace fanout
