#pragma once

#include "engine/import/importedplan.h"

#include <QStringList>

#include <string>

namespace fanout {

// Reads a Compose file (compose.yaml, docker-compose.yml, or its JSON form) into an ImportedPlan:
// one resource per service, depending on what the service waits for as `docker compose up` does:
// `depends_on` (list or map form) and the implicit dependencies of `links`, `volumes_from` and
// `network_mode: service:x`. A dependency on a service the file does not define is an error, as
// Compose itself rejects it; an overlay file is imported merged (`docker compose config`).
class ComposeImporter
{
public:
    // `text` is UTF-8 with LF line endings and no byte-order mark (TextDecoder has seen to that).
    // Never throws: problems come back as diagnostics with line and column where the format has them.
    // A service with `profiles` runs only when one of them is active, as `docker compose up` has
    // it: the others are imported with "run": false and a note that says how to choose them.
    static ImportedPlan read(const std::string &text, const QStringList &activeProfiles = activeProfilesFromEnvironment());

    // The profiles COMPOSE_PROFILES names (comma-separated; "*" is every profile), which docker
    // compose reads too; `--profile NAME` on the command line adds to it.
    static QStringList activeProfilesFromEnvironment();
};

} // namespace fanout
