#pragma once

#include <QString>

#include <nlohmann/json.hpp>

// The parts TerraformPlanImporter is made of live in namespace fanout::terraform, so that their
// short names (Where, Report, show) stay apart from the other importers' parts. Nothing outside
// engine/import uses them.
namespace fanout::terraform {

// The document as read: std::map objects build much faster than ordered ones, and nothing here
// depends on the order of members. ImportedResource::source keeps its own (ordered) order.
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A short rendering of a JSON value for messages: "3", "\"abc\"", "an object".
QString show(const json &value);

// A JSON string as text; `string` must be a string.
QString toQString(const json &string);

} // namespace fanout::terraform
