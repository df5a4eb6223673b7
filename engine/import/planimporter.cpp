#include "engine/import/planimporter.h"

#include "engine/import/cloudformationimporter.h"
#include "engine/import/composeimporter.h"
#include "engine/import/terraformdotimporter.h"
#include "engine/import/terraformplanimporter.h"
#include "engine/plan/executormapping.h"
#include "engine/support/structuredtext.h"
#include "engine/support/textdecoder.h"

#include <QFileInfo>

#include <algorithm>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

Diagnostic wholeFileError(const QString &message)
{
    return Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0, message};
}

ImportedPlan readAs(ImportFormat format, const std::string &text)
{
    switch (format) {
    case ImportFormat::TerraformPlan:
        return TerraformPlanImporter::read(text);
    case ImportFormat::TerraformDot:
        return TerraformDotImporter::read(text);
    case ImportFormat::CloudFormation:
        return CloudFormationImporter::read(text);
    case ImportFormat::Compose:
        return ComposeImporter::read(text);
    case ImportFormat::FanoutPlan:
        break;
    }
    Q_ASSERT_X(false, "PlanImporter", "a Fanout plan is read, not imported");
    return {};
}

// A mapping given as a list of rules, or as a file's {"mapping": [...]}.
json mappingRules(const json &mapping)
{
    if (mapping.is_object()) {
        const auto it = mapping.find("mapping");
        return it == mapping.end() ? json::array() : *it;
    }
    return mapping.is_null() ? json::array() : mapping;
}

// YAML has no closing bracket: a file cut at the end of a value can still be a valid, smaller
// file. What does show is that it stops in the middle of a line, which editors and tools that
// write these files never do. (JSON and DOT files that are cut short do not parse at all.)
std::optional<Diagnostic> cutShortWarning(const std::string &text, ImportFormat format)
{
    const bool yaml = format == ImportFormat::CloudFormation || format == ImportFormat::Compose;
    const std::size_t first = text.find_first_not_of(" \t\n");
    if (!yaml || first == std::string::npos || text[first] == '{' || text.back() == '\n')
        return std::nullopt;
    const int line = int(std::count(text.begin(), text.end(), '\n')) + 1;
    const std::size_t lineStart = text.rfind('\n');
    const int column = int(QString::fromUtf8(text.data() + (lineStart == std::string::npos ? 0 : lineStart + 1)).size()) + 1;
    return Diagnostic{Diagnostic::Severity::Warning, QString(), line, column,
                      QStringLiteral("the file ends in the middle of a line; if it was cut short (a copy or download that "
                                     "stopped), what came after is missing from the plan")};
}

// Why the kind of `text` cannot be told: an empty file says nothing of itself.
QString unknownFormatMessage(const std::string &text)
{
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return QStringLiteral("the file is empty: there is no plan, template or Compose file in it to read");
    return QStringLiteral("cannot tell what kind of file this is; Fanout reads its own plans, Terraform JSON plans "
                          "(terraform show -json), terraform graph output, CloudFormation templates and Compose files. "
                          "Say which with fanout import --format %1").arg(formatNames().mid(1).join(QLatin1Char('|')));
}

} // namespace

json PlanImporter::toDocument(const ImportedPlan &imported, const QString &planName, ImportFormat format, const json &mapping)
{
    json document = json::object();
    document["name"] = planName.toStdString();
    document["import"] = json{{"format", formatName(format).toStdString()}};
    document["parallelism"] = 10; // terraform apply's default
    document["mapping"] = mappingRules(mapping);
    if (!imported.groups.isEmpty()) {
        json groups = json::object();
        for (const ImportedGroup &group : imported.groups) {
            json entry = json::object();
            if (!group.label.isEmpty() && group.label != group.name)
                entry["label"] = group.label.toStdString();
            groups[group.name.toStdString()] = std::move(entry);
        }
        document["groups"] = std::move(groups);
    }
    json resources = json::array();
    for (const ImportedResource &r : imported.resources) {
        json entry = json::object();
        entry["id"] = r.address.toStdString();
        if (!r.name.isEmpty() && r.name != r.address)
            entry["name"] = r.name.toStdString();
        if (!r.group.isEmpty())
            entry["group"] = r.group.toStdString();
        if (!r.dependsOn.isEmpty()) {
            json dependsOn = json::array();
            for (const QString &d : r.dependsOn)
                dependsOn.push_back(d.toStdString());
            entry["depends_on"] = std::move(dependsOn);
        }
        if (!r.run)
            entry["run"] = false;
        if (!r.note.isEmpty())
            entry["note"] = r.note.toStdString();
        json source = json::object();
        source["address"] = r.address.toStdString();
        source["type"] = r.type.toStdString();
        for (const auto &[key, value] : r.source.items()) {
            if (key != "address" && key != "type")
                source[key] = value;
        }
        entry["source"] = std::move(source);
        resources.push_back(std::move(entry));
    }
    document["resources"] = std::move(resources);
    return document;
}

Diagnostics PlanImporter::readMapping(const QString &path, json *rules)
{
    QByteArray bytes;
    if (const auto problem = PlanReader::loadFile(path, &bytes))
        return {wholeFileError(*problem)};
    const StructuredText text = StructuredText::parseJson(TextDecoder::toUtf8(bytes));
    if (!text.ok())
        return text.diagnostics();
    Diagnostics problems;
    const json &document = text.document();
    if (document.is_object() && !document.contains("mapping")) {
        problems.append(wholeFileError(QStringLiteral("has no \"mapping\"; write {\"mapping\": [{\"match\": \"aws_*\", \"type\": \"command\", ...}]}")));
        return problems;
    }
    const json list = mappingRules(document);
    ExecutorMapping::fromJson(list, problems);
    // Paths are "mapping[1].type"; in a bare list the rule is at "[1]".
    if (!document.is_object()) {
        for (Diagnostic &d : problems)
            d.path.remove(0, qsizetype(sizeof("mapping") - 1));
    }
    text.place(problems);
    if (errorCount(problems) == 0)
        *rules = list;
    return problems;
}

namespace {

// A result that is only the problems with a file.
template <typename Result>
Result problemsWith(const QString &path, const Diagnostics &diagnostics)
{
    Result result;
    result.file = path;
    result.diagnostics = diagnostics;
    return result;
}

} // namespace

ImportResult PlanImporter::importText(const QByteArray &bytes, const QString &fileName, std::optional<ImportFormat> format, const json &mapping)
{
    const std::string text = TextDecoder::toUtf8(bytes);
    const std::optional<ImportFormat> detected = format ? format : detectFormat(text, fileName);
    if (!detected)
        return problemsWith<ImportResult>(fileName, {wholeFileError(unknownFormatMessage(text))});
    return importUtf8(text, fileName, *detected, mapping);
}

ImportResult PlanImporter::importUtf8(const std::string &text, const QString &fileName, ImportFormat format, const json &mapping)
{
    ImportResult result;
    result.file = fileName;
    result.format = format;
    if (format == ImportFormat::FanoutPlan) {
        result.diagnostics.append(wholeFileError(QStringLiteral("is a Fanout plan already; open or run it as it is")));
        return result;
    }
    ImportedPlan imported = readAs(format, text);
    result.diagnostics = imported.diagnostics;
    if (imported.hasErrors())
        return result;
    if (const auto cut = cutShortWarning(text, format))
        result.diagnostics.append(*cut);
    const QString name = imported.name.isEmpty() ? QFileInfo(fileName).completeBaseName() : imported.name;
    result.document = toDocument(imported, name.isEmpty() ? QStringLiteral("imported") : name, format, mapping);
    if (!fileName.isEmpty())
        result.document["import"]["file"] = QFileInfo(fileName).fileName().toStdString();
    result.resourceCount = int(imported.resources.size());
    for (const ImportedResource &r : imported.resources)
        result.dependencyCount += int(r.dependsOn.size());
    return result;
}

ImportResult PlanImporter::importFile(const QString &path, std::optional<ImportFormat> format, const json &mapping)
{
    QByteArray bytes;
    if (const auto problem = PlanReader::loadFile(path, &bytes))
        return problemsWith<ImportResult>(path, {wholeFileError(*problem)});
    return importText(bytes, path, format, mapping);
}

PlanReadResult PlanImporter::readFile(const QString &path, const ExecutorTypes &types, std::optional<ImportFormat> format)
{
    return load(path, types, format).read;
}

LoadedPlan PlanImporter::load(const QString &path, const ExecutorTypes &types, std::optional<ImportFormat> format)
{
    LoadedPlan loaded;
    if (const auto problem = PlanReader::loadFile(path, &loaded.bytes)) {
        loaded.read = problemsWith<PlanReadResult>(path, {wholeFileError(*problem)});
        return loaded;
    }
    std::string text = TextDecoder::toUtf8(loaded.bytes);
    // Resources (":/plans/demo.json") and files named .json that say nothing else are plans.
    loaded.format = format ? format : detectFormat(text, path);
    if (!loaded.format) {
        loaded.read = problemsWith<PlanReadResult>(path, {wholeFileError(unknownFormatMessage(text))});
        return loaded;
    }
    if (!loaded.isImport()) {
        const StructuredText parsed = StructuredText::parseJson(std::move(text), StructuredText::Duplicates::Error);
        loaded.read = PlanReader::readParsed(parsed, path, types);
        if (parsed.ok())
            loaded.document = parsed.document();
        return loaded;
    }
    ImportResult imported = importUtf8(text, path, *loaded.format, nullptr);
    if (imported.hasErrors()) {
        loaded.read = problemsWith<PlanReadResult>(path, imported.diagnostics);
        return loaded;
    }
    loaded.read = PlanReader::readJson(imported.document, types);
    loaded.read.file = path;
    loaded.read.diagnostics = imported.diagnostics + loaded.read.diagnostics;
    loaded.document = std::move(imported.document);
    loaded.importedResources = imported.resourceCount;
    loaded.importedDependencies = imported.dependencyCount;
    return loaded;
}

} // namespace fanout
