#include "terraformplanimporter.h"

namespace fanout {

ImportedPlan TerraformPlanImporter::read(const std::string &text)
{
    Q_UNUSED(text);
    ImportedPlan plan;
    plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0, QStringLiteral("not implemented yet")});
    return plan;
}

} // namespace fanout
