#pragma once

#include "engine/plan/plan.h"
#include "engine/support/diagnostic.h"

#include <QByteArray>

namespace fanout {

class ExecutorTypes;
class StructuredText;

// What reading a plan gave: the plan as far as it could be read, and every problem found, each with
// its place in the file. A plan with errors must not run; an editor may still show it.
struct PlanReadResult
{
    Plan plan;
    Diagnostics diagnostics;
    QString file; // as given to readFile; empty when read from memory

    bool hasErrors() const { return errorCount(diagnostics) > 0; }
};

// Reads Fanout's JSON plan format (docs/plan-format.md) and validates what it read. Never throws:
// bad input of any kind comes back as diagnostics.
class PlanReader
{
public:
    static PlanReadResult readFile(const QString &path, const ExecutorTypes &types);
    static PlanReadResult readText(const QByteArray &text, const QString &fileName, const ExecutorTypes &types);
    // The same for text already parsed (PlanImporter keeps the document it parsed).
    static PlanReadResult readParsed(const StructuredText &text, const QString &fileName, const ExecutorTypes &types);
    // For plans built in memory, such as by an importer; diagnostics carry paths but no lines.
    static PlanReadResult readJson(const nlohmann::ordered_json &document, const ExecutorTypes &types);

    // Reads a whole file for a reader; nullopt on success, else what went wrong, for the user.
    static std::optional<QString> loadFile(const QString &path, QByteArray *bytes);

    // The largest plan file Fanout reads.
    static constexpr qint64 kMaxFileSize = 512ll * 1024 * 1024;
};

} // namespace fanout
