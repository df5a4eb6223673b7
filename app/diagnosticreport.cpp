#include "app/diagnosticreport.h"

#include "engine/plan/plan.h"
#include "engine/support/jsontext.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

using JsonValue = nlohmann::ordered_json;

const char *severityName(const Diagnostic &d)
{
    return d.isError() ? "error" : "warning";
}

JsonValue orNull(int value)
{
    return value > 0 ? JsonValue(value) : JsonValue(nullptr);
}

// SARIF wants a URI: relative paths stay relative (to where the tool ran: the repository, in CI),
// with forward slashes; absolute ones become file: URLs.
QString artifactUri(const QString &file)
{
    if (QFileInfo(file).isAbsolute())
        return QUrl::fromLocalFile(file).toString();
    return QDir::fromNativeSeparators(QDir::cleanPath(file));
}

} // namespace

QString DiagnosticReport::suggestion(const QString &message)
{
    static const QRegularExpression didYouMean(QStringLiteral("did you mean \"([^\"]*)\"\\?"));
    const QRegularExpressionMatch match = didYouMean.match(message);
    return match.hasMatch() ? match.captured(1) : QString();
}

JsonValue DiagnosticReport::toJson(const Diagnostics &diagnostics, const QString &file, const Plan &plan)
{
    const int errors = errorCount(diagnostics);
    JsonValue list = JsonValue::array();
    for (const Diagnostic &d : diagnostics) {
        const QString suggested = suggestion(d.message);
        list.push_back({{"severity", severityName(d)},
                        {"message", utf8(d.message)},
                        {"path", d.path.isEmpty() ? JsonValue(nullptr) : JsonValue(utf8(d.path))},
                        {"file", utf8(file)},
                        {"line", orNull(d.line)},
                        {"column", orNull(d.column)},
                        {"suggestion", suggested.isEmpty() ? JsonValue(nullptr) : JsonValue(utf8(suggested))}});
    }
    JsonValue report = {{"format_version", "1.0"},
                        {"file", utf8(file)},
                        {"valid", errors == 0},
                        {"error_count", errors},
                        {"warning_count", warningCount(diagnostics)}};
    if (errors == 0) {
        report["plan"] = {{"name", utf8(plan.name)}, {"resources", plan.resources.size()}, {"groups", plan.groups.size()},
                          {"parallelism", plan.parallelism}};
    }
    report["diagnostics"] = list;
    return report;
}

JsonValue DiagnosticReport::toSarif(const Diagnostics &diagnostics, const QString &file)
{
    // Two rules: what stops the plan from running, and what only looks wrong.
    const JsonValue rules = JsonValue::array({
        {{"id", "plan-error"},
         {"name", "InvalidPlan"},
         {"shortDescription", {{"text", "The plan cannot run until this is fixed."}}},
         {"defaultConfiguration", {{"level", "error"}}}},
        {{"id", "plan-warning"},
         {"name", "SuspiciousPlan"},
         {"shortDescription", {{"text", "The plan runs, but this looks wrong."}}},
         {"defaultConfiguration", {{"level", "warning"}}}},
    });
    const QString uri = artifactUri(file);
    JsonValue results = JsonValue::array();
    for (const Diagnostic &d : diagnostics) {
        JsonValue physical = {{"artifactLocation", {{"uri", utf8(uri)}}}};
        if (d.line > 0) {
            JsonValue region = {{"startLine", d.line}};
            if (d.column > 0)
                region["startColumn"] = d.column;
            physical["region"] = region;
        }
        JsonValue location = {{"physicalLocation", physical}};
        if (!d.path.isEmpty())
            location["logicalLocations"] = JsonValue::array({{{"fullyQualifiedName", utf8(d.path)}, {"kind", "member"}}});
        const QString text = d.path.isEmpty() ? d.message : d.path + QStringLiteral(": ") + d.message;
        results.push_back({{"ruleId", d.isError() ? "plan-error" : "plan-warning"},
                           {"ruleIndex", d.isError() ? 0 : 1},
                           {"level", severityName(d)},
                           {"message", {{"text", utf8(text)}}},
                           {"locations", JsonValue::array({location})}});
    }
    JsonValue driver = {{"name", "fanout"}, {"version", FANOUT_VERSION}, {"semanticVersion", FANOUT_VERSION}, {"rules", rules}};
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
            {"version", "2.1.0"},
            {"runs", JsonValue::array({{{"tool", {{"driver", driver}}},
                                        {"artifacts", JsonValue::array({{{"location", {{"uri", utf8(uri)}}}}})},
                                        {"results", results}}})}};
}

} // namespace fanout
