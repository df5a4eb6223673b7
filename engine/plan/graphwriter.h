#pragma once

#include <QString>

namespace fanout {

struct Plan;

// Writes a plan's dependency graph for other tools: Graphviz DOT and Mermaid. Arrows point from a
// dependency to what depends on it, the order in which things are provisioned; groups become
// clusters (DOT) or subgraphs (Mermaid).
class GraphWriter
{
public:
    static QString toDot(const Plan &plan);
    static QString toMermaid(const Plan &plan);
};

} // namespace fanout
