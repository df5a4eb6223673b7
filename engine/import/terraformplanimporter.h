#pragma once

#include "engine/import/importedplan.h"

#include <string>

namespace fanout {

// Reads a Terraform JSON plan (`terraform show -json PLANFILE`, format_version 0.1 to 1.2) into an
// ImportedPlan: one resource per entry of resource_changes, one group per module, and the
// dependencies Terraform itself would order by, taken from the configuration's references and
// depends_on (resolved through module variables and outputs) and from prior_state. Resources that
// are only deleted wait for what used them, as Terraform destroys in reverse order.
class TerraformPlanImporter
{
public:
    // `text` is UTF-8 with LF line endings and no byte-order mark (TextDecoder has seen to that).
    // Never throws: problems come back as diagnostics with line and column where the format has them.
    static ImportedPlan read(const std::string &text);
};

} // namespace fanout
