#include "engine/import/importformat.h"

#include <QFileInfo>
#include <QSet>

#include <cctype>
#include <cstring>
#include <vector>

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

// The keys of a JSON text's top-level object, found by a scan that skips strings and nested
// values: which keys a file has at the top tells the formats apart, whatever their values say.
QSet<QByteArray> topLevelKeys(const std::string &text)
{
    QSet<QByteArray> keys;
    int depth = 0;
    bool expectKey = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            const std::size_t start = i + 1;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\')
                    ++i;
            }
            if (depth == 1 && expectKey)
                keys.insert(QByteArray(text.data() + start, qsizetype(std::min(i, text.size()) - start)));
            expectKey = false;
        } else if (c == '{' || c == '[') {
            ++depth;
            expectKey = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectKey = true;
        }
    }
    return keys;
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
        const QSet<QByteArray> keys = topLevelKeys(text);
        if (keys.contains("format_version") && (keys.contains("resource_changes") || keys.contains("planned_values") || keys.contains("terraform_version")))
            return ImportFormat::TerraformPlan;
        if (keys.contains("AWSTemplateFormatVersion") || keys.contains("Resources"))
            return ImportFormat::CloudFormation;
        if (keys.contains("services"))
            return ImportFormat::Compose;
        // A Fanout plan, or a JSON file that is none of these: PlanReader says what is wrong with it.
        if (keys.contains("resources") || suffix == QLatin1String("json"))
            return ImportFormat::FanoutPlan;
        return std::nullopt;
    }
    // YAML: look for top-level keys, at the indentation of the document's first line of content
    // (some templates indent everything).
    std::vector<std::pair<std::size_t, std::size_t>> lines; // (indentation, start of content)
    std::size_t topIndent = std::string::npos;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t content = start;
        while (content < end && text[content] == ' ')
            ++content;
        const bool meta = content == end || text[content] == '#' || text[content] == '%' || text.compare(content, 3, "---") == 0 || text.compare(content, 3, "...") == 0;
        if (!meta) {
            lines.emplace_back(content - start, content);
            topIndent = std::min(topIndent, content - start);
        }
        start = end + 1;
    }
    auto topLevelKey = [&](const char *key) {
        const std::size_t n = std::strlen(key);
        for (const auto &[indent, at] : lines) {
            if (indent == topIndent && text.compare(at, n, key) == 0 && at + n < text.size() && (text[at + n] == ':' || text[at + n] == ' '))
                return true;
        }
        return false;
    };
    if (topLevelKey("AWSTemplateFormatVersion") || topLevelKey("Resources"))
        return ImportFormat::CloudFormation;
    if (topLevelKey("services"))
        return ImportFormat::Compose;
    const QString base = QFileInfo(fileName).fileName().toLower();
    if (base.contains(QLatin1String("compose")))
        return ImportFormat::Compose;
    return std::nullopt;
}

} // namespace fanout
