#pragma once

#include "engine/support/diagnostic.h"

#include <QHash>
#include <QString>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace fanout {

class JsonLocator;

// A JSON or YAML document parsed for an importer, that can say where in the text a value is.
// Importers report problems with a JSON-style path ("Resources.NATGateway.DependsOn[1]", built with
// jsonMemberPath/jsonIndexPath) and call place() to add the line and column.
class StructuredText
{
public:
    // How YAML tags are read. CloudFormation's short forms become the long ones: `!Ref X` is read
    // as {"Ref": "X"}, `!GetAtt A.B` as {"Fn::GetAtt": "A.B"}, `!Condition C` as {"Condition": "C"},
    // and any other `!Name v` as {"Fn::Name": v}. Plain keeps the tagged value and drops the tag.
    enum class YamlTags { Plain, CloudFormation };

    StructuredText();
    ~StructuredText();
    StructuredText(StructuredText &&) noexcept;
    StructuredText &operator=(StructuredText &&) noexcept;

    // Never throw: a syntax error becomes an error diagnostic with its line and column, and
    // document() is then null. Text nested deeper than 64 levels is refused (see jsonNestedTooDeep).
    // YAML anchors and aliases are resolved, and merge keys (`<<: *base`) merged.
    // A JSON object with a member twice (JSON keeps one silently) is an error with the places of
    // both when `duplicates` says so (a plan: which did the user mean?), else a warning (another
    // tool's file, which that tool read somehow).
    enum class Duplicates { Error, Warning };
    static StructuredText parseJson(std::string text, Duplicates duplicates = Duplicates::Warning);
    static StructuredText parseYaml(const std::string &text, YamlTags tags = YamlTags::Plain);

    bool ok() const { return m_ok; }
    const nlohmann::ordered_json &document() const { return m_document; }
    const Diagnostics &diagnostics() const { return m_diagnostics; } // the syntax error, if any

    // Fills in line and column of every diagnostic that has a path and none yet.
    void place(Diagnostics &diagnostics) const;

    // A JSON syntax error in `locator`'s text, said for people where they should look: at the
    // token nlohmann/json stopped at, a trailing comma at the comma and named as one, and "cut
    // short" only when the text ends where the error is. Plans, imported files and state files say
    // their JSON errors through it; a value nlohmann/json cannot hold (1e999), which it throws as
    // another exception, too. `message` has no prefix ("not valid JSON: " is the caller's).
    struct JsonSyntaxError
    {
        int line = 0;
        int column = 0;
        QString message;
    };
    static JsonSyntaxError describeJsonError(const JsonLocator &locator, const nlohmann::json::exception &exception);

private:
    bool m_ok = false;
    nlohmann::ordered_json m_document;
    Diagnostics m_diagnostics;
    std::unique_ptr<JsonLocator> m_json;          // for JSON: finds paths on demand
    struct Place { int line; int column; };
    QHash<QString, Place> m_yamlPlaces;           // for YAML: recorded while converting
};

} // namespace fanout
