#pragma once

#include "engine/import/importedplan.h"

#include <string>

namespace fanout {

// Reads a CloudFormation template (JSON or YAML) into an ImportedPlan: one resource per entry of
// `Resources`, depending on what its DependsOn names and on every resource its Ref, Fn::GetAtt and
// Fn::Sub use, the way CloudFormation itself orders a stack's creation. Fn::ForEach loops of the
// AWS::LanguageExtensions transform are expanded when their values are known without deploying.
class CloudFormationImporter
{
public:
    // `text` is UTF-8 with LF line endings and no byte-order mark (TextDecoder has seen to that).
    // JSON when the first non-space character is `{`, YAML otherwise (with the short-form tags
    // such as `!Ref`). Never throws: problems come back as diagnostics with line and column.
    static ImportedPlan read(const std::string &text);
};

} // namespace fanout
