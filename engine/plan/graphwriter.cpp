#include "engine/plan/graphwriter.h"

#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"

#include <QTextStream>

namespace fanout {

namespace {

QString dotQuoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""))
        .replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// Mermaid labels go inside "..."; quotes are written as the entity #quot;.
QString mermaidLabel(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QLatin1String("#quot;")).replace(QLatin1Char('\n'), QLatin1String("<br/>"));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString nodeLabel(const Resource &resource, const QString &separator)
{
    QString label = resource.displayName();
    if (!resource.name.isEmpty() && resource.name != resource.id)
        label += separator + resource.id;
    return label + separator + resource.type;
}

// Resource indices by group, in plan order; the last list holds the ungrouped ones.
QList<QList<int>> byGroup(const Plan &plan)
{
    QList<QList<int>> members(plan.groups.size() + 1);
    for (int r = 0; r < plan.resources.size(); ++r) {
        const int g = plan.resources[r].group.isEmpty() ? -1 : plan.groupIndex(plan.resources[r].group);
        members[g < 0 ? plan.groups.size() : g].append(r);
    }
    return members;
}

} // namespace

QString GraphWriter::toDot(const Plan &plan)
{
    QString text;
    QTextStream out(&text);
    out << "digraph " << dotQuoted(plan.name) << " {\n"
        << "  rankdir=LR;\n"
        << "  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n";
    const QList<QList<int>> members = byGroup(plan);
    for (int g = 0; g < members.size(); ++g) {
        const bool grouped = g < plan.groups.size();
        QString indent = QStringLiteral("  ");
        if (grouped && !members[g].isEmpty()) {
            const Group &group = plan.groups[g];
            out << "  subgraph " << dotQuoted(QStringLiteral("cluster_") + group.name) << " {\n"
                << "    label=" << dotQuoted(group.label.isEmpty() ? group.name : group.label) << ";\n";
            indent = QStringLiteral("    ");
        }
        for (const int r : members[g]) {
            const Resource &resource = plan.resources[r];
            out << indent << dotQuoted(resource.id) << " [label=" << dotQuoted(nodeLabel(resource, QStringLiteral("\n"))) << "];\n";
        }
        if (grouped && !members[g].isEmpty())
            out << "  }\n";
    }
    const PlanGraph graph(plan);
    for (int r = 0; r < graph.size(); ++r) {
        for (const int d : graph.dependencies(r))
            out << "  " << dotQuoted(plan.resources[d].id) << " -> " << dotQuoted(plan.resources[r].id) << ";\n";
    }
    out << "}\n";
    return text;
}

QString GraphWriter::toMermaid(const Plan &plan)
{
    QString text;
    QTextStream out(&text);
    out << "flowchart LR\n";
    // Mermaid ids are restricted; resources are r0, r1, ... with their real ids in the labels.
    auto node = [](int r) { return QStringLiteral("r%1").arg(r); };
    const QList<QList<int>> members = byGroup(plan);
    for (int g = 0; g < members.size(); ++g) {
        const bool grouped = g < plan.groups.size() && !members[g].isEmpty();
        if (grouped) {
            const Group &group = plan.groups[g];
            out << "  subgraph g" << g << " [" << mermaidLabel(group.label.isEmpty() ? group.name : group.label) << "]\n";
        }
        for (const int r : members[g])
            out << (grouped ? "    " : "  ") << node(r) << "[" << mermaidLabel(nodeLabel(plan.resources[r], QStringLiteral("<br/>"))) << "]\n";
        if (grouped)
            out << "  end\n";
    }
    const PlanGraph graph(plan);
    for (int r = 0; r < graph.size(); ++r) {
        for (const int d : graph.dependencies(r))
            out << "  " << node(d) << " --> " << node(r) << "\n";
    }
    return text;
}

} // namespace fanout
