#include "composeimporter.h"

namespace fanout {

ImportedPlan ComposeImporter::read(const std::string &text)
{
    Q_UNUSED(text);
    ImportedPlan plan;
    plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0, QStringLiteral("not implemented yet")});
    return plan;
}

} // namespace fanout
