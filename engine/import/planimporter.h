#pragma once

#include "engine/import/importedplan.h"
#include "engine/import/importformat.h"
#include "engine/plan/planreader.h"

namespace fanout {

class ExecutorTypes;

// What importing a file gave: a Fanout plan document (resources carry their "source", a top-level
// "mapping" says how they run), ready to save as it is, and every problem found.
struct ImportResult
{
    nlohmann::ordered_json document;
    Diagnostics diagnostics;
    ImportFormat format = ImportFormat::FanoutPlan;
    QString file;
    int resourceCount = 0;
    int dependencyCount = 0;

    bool hasErrors() const { return errorCount(diagnostics) > 0; }
};

// A plan file of any format as the dashboard opens it: the plan read, and the document to edit
// and save (a Fanout plan as written, or the plan an import made).
struct LoadedPlan
{
    PlanReadResult read;
    nlohmann::ordered_json document; // null when the file could not be read
    QByteArray bytes;                // the file as it is on disk
    std::optional<ImportFormat> format; // what the file is; nullopt when unreadable or unknown
    int importedResources = 0;       // for an import: what the importer found
    int importedDependencies = 0;

    bool isImport() const { return format && *format != ImportFormat::FanoutPlan; }
};

// Reads any file Fanout knows (its own plans, Terraform plans and graphs, CloudFormation templates,
// Compose files) into a plan. `fanout import`, `fanout run FILE` and the GUI's Import all come here.
class PlanImporter
{
public:
    // `format`: nullopt = detected from the content and name. `mapping`: rules to put first in
    // the plan's "mapping" (a JSON list, or an object with a "mapping" list); null = none.
    static ImportResult importFile(const QString &path, std::optional<ImportFormat> format = std::nullopt,
                                   const nlohmann::ordered_json &mapping = nullptr);
    static ImportResult importText(const QByteArray &bytes, const QString &fileName, std::optional<ImportFormat> format = std::nullopt,
                                   const nlohmann::ordered_json &mapping = nullptr);

    // Reads a file of mapping rules: a JSON list, or an object with a "mapping" list (a plan's own
    // mapping section will do). Problems carry their line and column.
    static Diagnostics readMapping(const QString &path, nlohmann::ordered_json *rules);

    // A Fanout plan document from what an importer read.
    static nlohmann::ordered_json toDocument(const ImportedPlan &imported, const QString &planName,
                                             ImportFormat format, const nlohmann::ordered_json &mapping);

    // Reads a plan file of any format: a Fanout plan as PlanReader does, anything else imported
    // and then read. Diagnostics of an import carry the imported file's lines and columns.
    static PlanReadResult readFile(const QString &path, const ExecutorTypes &types,
                                   std::optional<ImportFormat> format = std::nullopt);
    // The same, keeping the document and the bytes: the file is read, decoded and parsed once.
    static LoadedPlan load(const QString &path, const ExecutorTypes &types,
                           std::optional<ImportFormat> format = std::nullopt);

private:
    static ImportResult importUtf8(const std::string &text, const QString &fileName, ImportFormat format,
                                   const nlohmann::ordered_json &mapping);
};

} // namespace fanout
