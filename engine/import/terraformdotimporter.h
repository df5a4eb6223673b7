#pragma once

#include "engine/import/importedplan.h"

#include <string>

namespace fanout {

// Reads terraform graph output (Graphviz DOT) into an ImportedPlan. The text is parsed by Graphviz's
// own parser (cgraph), so anything `dot` accepts is read as `dot` reads it. Three dialects are known:
//  - Terraform 0.4-0.5: node ids "0_aws_elb.web", one "cluster_0_module.x" subgraph per expanded
//    module, edges into and out of a module drawn to its cluster with lhead/ltail;
//  - Terraform 0.7-1.6: "[root] aws_instance.web" (0.13+: "... (expand)") with provider, var.,
//    local., output., module call, meta. and "(close)" nodes between the resources;
//  - Terraform 1.7+: digraph G with plain absolute addresses, resources only, one
//    "cluster_module.x" subgraph per module.
// Resources and data sources become ImportedResources (data sources with run = false); every other
// node is dropped, and a dependency that runs through dropped nodes (A -> var.x -> B) is kept as
// A depending on B. Each module becomes an ImportedGroup named by its address ("module.a.module.b").
// `A -> B` means A depends on B.
//
// Thread-safe: Graphviz is not, so the parse runs under graphvizMutex() (see graphvizlock.h).
class TerraformDotImporter
{
public:
    // `text` is UTF-8 with LF line endings and no byte-order mark (TextDecoder has seen to that).
    // Never throws: problems come back as diagnostics with line and column where the format has them.
    static ImportedPlan read(const std::string &text);
};

} // namespace fanout
