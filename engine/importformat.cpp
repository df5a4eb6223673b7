#include "importformat.h"

#include <QFileInfo>

#include <cctype>

namespace fanout {

namespace {

struct Entry
{
    ImportFormat format;
    const char *name;
    const char *description;
};

constexpr Entry kFormats[] = {
    {ImportFormat::FanoutPlan, "fanout", "Fanout plan"},
    {ImportFormat::TerraformPlan, "terraform-plan", "Terraform JSON plan"},
    {ImportFormat::TerraformDot, "terraform-dot", "terraform graph (DOT)"},
    {ImportFormat::CloudFormation, "cloudformation", "CloudFormation template"},
    {ImportFormat::Compose, "compose", "Compose file"},
};

bool containsKey(const std::string &head, const char *key)
{
    return head.find(key) != std::string::npos;
}

} // namespace

QString formatName(ImportFormat format)
{
    for (const Entry &e : kFormats) {
        if (e.format == format)
            return QString::fromLatin1(e.name);
    }
    return {};
}

QString formatDescription(ImportFormat format)
{
    for (const Entry &e : kFormats) {
        if (e.format == format)
            return QString::fromLatin1(e.description);
    }
    return {};
}

std::optional<ImportFormat> formatFromName(const QString &name)
{
    for (const Entry &e : kFormats) {
        if (name == QLatin1String(e.name))
            return e.format;
    }
    return std::nullopt;
}

QStringList formatNames()
{
    QStringList names;
    for (const Entry &e : kFormats)
        names.append(QString::fromLatin1(e.name));
    return names;
}

std::optional<ImportFormat> detectFormat(const std::string &text, const QString &fileName)
{
    std::size_t first = 0;
    while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first])))
        ++first;
    const std::string head = text.substr(first, 64 * 1024);
    const QString suffix = QFileInfo(fileName).suffix().toLower();

    if (head.rfind("digraph", 0) == 0 || head.rfind("strict digraph", 0) == 0 || suffix == QLatin1String("dot") || suffix == QLatin1String("gv"))
        return ImportFormat::TerraformDot;
    if (!head.empty() && head[0] == '{') {
        // Terraform's plan says what it is near the top; so do CloudFormation templates, though
        // their "Resources" may come after long Parameters and Mappings.
        if (containsKey(head, "\"format_version\"") && (containsKey(head, "\"resource_changes\"") || containsKey(head, "\"planned_values\"") || containsKey(head, "\"terraform_version\"")))
            return ImportFormat::TerraformPlan;
        if (containsKey(head, "\"AWSTemplateFormatVersion\"") || containsKey(head, "\"AWS::"))
            return ImportFormat::CloudFormation;
        if (containsKey(head, "\"services\""))
            return ImportFormat::Compose;
        if (containsKey(head, "\"resources\""))
            return ImportFormat::FanoutPlan;
        if (containsKey(head, "\"Resources\""))
            return ImportFormat::CloudFormation;
        return suffix == QLatin1String("json") ? std::optional(ImportFormat::FanoutPlan) : std::nullopt;
    }
    // YAML: look for top-level keys.
    auto topLevelKey = [&](const char *key) {
        const std::string k(key);
        std::size_t at = 0;
        while ((at = head.find(k, at)) != std::string::npos) {
            if ((at == 0 || head[at - 1] == '\n') && at + k.size() < head.size() && (head[at + k.size()] == ':' || head[at + k.size()] == ' '))
                return true;
            at += k.size();
        }
        return false;
    };
    if (topLevelKey("AWSTemplateFormatVersion") || topLevelKey("Resources") || containsKey(head, "AWS::"))
        return ImportFormat::CloudFormation;
    if (topLevelKey("services"))
        return ImportFormat::Compose;
    const QString base = QFileInfo(fileName).fileName().toLower();
    if (base.contains(QLatin1String("compose")))
        return ImportFormat::Compose;
    return std::nullopt;
}

} // namespace fanout
