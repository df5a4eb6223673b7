#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace fanout {

// The kinds of file Fanout reads: its own plans, and other tools' files it imports.
enum class ImportFormat {
    FanoutPlan,      // docs/plan-format.md
    TerraformPlan,   // terraform show -json PLANFILE
    TerraformDot,    // terraform graph
    CloudFormation,  // a template, JSON or YAML
    Compose,         // compose.yaml / docker-compose.yml
};

// Names as the command line spells them: "fanout", "terraform-plan", "terraform-dot",
// "cloudformation", "compose".
QString formatName(ImportFormat format);
QString formatDescription(ImportFormat format); // "Terraform JSON plan", for people
std::optional<ImportFormat> formatFromName(const QString &name);
QStringList formatNames();

// Which format a file is, from its content (already decoded to UTF-8) and, when that does not
// tell, its name. nullopt when it is none Fanout knows.
std::optional<ImportFormat> detectFormat(const std::string &text, const QString &fileName);

} // namespace fanout
