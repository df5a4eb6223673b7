#pragma once

#include "importedplan.h"

#include <string>

namespace fanout {

// Reads a Compose file into an ImportedPlan.
class ComposeImporter
{
public:
    // `text` is UTF-8 with LF line endings and no byte-order mark (TextDecoder has seen to that).
    // Never throws: problems come back as diagnostics with line and column where the format has them.
    static ImportedPlan read(const std::string &text);
};

} // namespace fanout
