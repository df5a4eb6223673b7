#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

// The parts CloudFormationImporter is made of live in namespace fanout::cloudformation, so that
// their short names (Scope, Resources, describe) stay apart from the other importers' parts.
// Nothing outside engine/import uses them.
namespace fanout::cloudformation {

// Templates keep their members' order, so that resources and messages follow the text.
using json = nlohmann::ordered_json;

QString qstring(const std::string &s);

// A value as a message shows it: strings quoted, containers by kind.
QString describe(const json &value);

// A scalar as the text CloudFormation would use for it; nullopt for a list, mapping or null.
std::optional<QString> scalarText(const json &value);

// Whether a key of Resources, Outputs, Conditions or a value is a Fn::ForEach loop of the
// AWS::LanguageExtensions transform ("Fn::ForEach::Buckets").
bool isForEach(const QString &key);

} // namespace fanout::cloudformation
