#include "engine/import/terraformdotimporter.h"

#include "engine/support/graphvizlock.h"

#include <QHash>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSet>

#include <cgraph.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace fanout {

namespace {

const QString kExpected = QStringLiteral("expected terraform graph output: digraph { ... }");

// ---------------------------------------------------------------------------------------------
// The graph as Graphviz read it, copied out of cgraph so that the lock is held only while parsing.

struct DotGraph
{
    struct Edge
    {
        int from = -1; // the node that depends...
        int to = -1;   // ...on this one
        QString lhead; // Terraform 0.4-0.5: the edge stands for every node of this cluster (head side)
        QString ltail; // ... (tail side)
    };

    QStringList nodes;                         // ids, in order of first appearance
    QList<QStringList> clusterChains;          // per node: the clusters it is in, outermost first
    QList<QStringList> otherClusterChains;     // per node: a second chain not nested with the first
    QList<Edge> edges;
    QHash<QString, QList<int>> clusterMembers; // cluster name -> every node in it or its subclusters
};

// One message from Graphviz: "syntax error in line 12 near '->'".
struct GraphvizMessage
{
    bool error = true;
    QString text;
};

// agseterrf() takes a plain function, hence a global; touched only under graphvizMutex().
QList<GraphvizMessage> g_messages;

int collectMessage(char *chunk)
{
    // Graphviz 2.42 hands a message over in pieces: "Error" (or "Warning"), ": ", then the text;
    // a continuation comes without the first two. Take the whole line too, in case that changes.
    const QString text = QString::fromUtf8(chunk);
    for (const bool error : {true, false}) {
        const QString level = error ? QStringLiteral("Error") : QStringLiteral("Warning");
        if (text == level) {
            g_messages.append(GraphvizMessage{error, QString()});
            return 0;
        }
        if (text.startsWith(level + QStringLiteral(": "))) {
            g_messages.append(GraphvizMessage{error, text.mid(level.size() + 2)});
            return 0;
        }
    }
    if (g_messages.isEmpty())
        g_messages.append(GraphvizMessage{});
    GraphvizMessage &message = g_messages.last();
    if (!(message.text.isEmpty() && text == QStringLiteral(": ")))
        message.text += text;
    return 0;
}

QString utf8(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

bool isCluster(Agraph_t *subgraph)
{
    return utf8(agnameof(subgraph)).startsWith(QStringLiteral("cluster"));
}

void readClusters(Agraph_t *graph, const QHash<Agnode_t *, int> &index, const QStringList &chain, DotGraph *dot)
{
    for (Agraph_t *sub = agfstsubg(graph); sub; sub = agnxtsubg(sub)) {
        QStringList subChain = chain;
        const bool cluster = isCluster(sub);
        if (cluster)
            subChain << utf8(agnameof(sub));
        for (Agnode_t *n = agfstnode(sub); n; n = agnxtnode(sub, n)) {
            const int i = index.value(n, -1);
            if (i < 0 || !cluster)
                continue;
            dot->clusterMembers[subChain.last()].append(i);
            QStringList &current = dot->clusterChains[i];
            const bool nested = current.size() <= subChain.size()
                && std::equal(current.cbegin(), current.cend(), subChain.cbegin());
            if (nested)
                current = subChain; // a node of a subcluster is in the cluster too: keep the deepest
            else if (!(subChain.size() < current.size() && std::equal(subChain.cbegin(), subChain.cend(), current.cbegin())))
                dot->otherClusterChains[i] = subChain;
        }
        readClusters(sub, index, subChain, dot);
    }
}

// Under graphvizMutex(): walks the parsed graph once.
DotGraph copyGraph(Agraph_t *graph)
{
    DotGraph dot;
    QHash<Agnode_t *, int> index;
    for (Agnode_t *n = agfstnode(graph); n; n = agnxtnode(graph, n)) {
        index.insert(n, int(dot.nodes.size()));
        dot.nodes << utf8(agnameof(n));
    }
    dot.clusterChains.resize(dot.nodes.size());
    dot.otherClusterChains.resize(dot.nodes.size());
    Agsym_t *lhead = agattr(graph, AGEDGE, const_cast<char *>("lhead"), nullptr);
    Agsym_t *ltail = agattr(graph, AGEDGE, const_cast<char *>("ltail"), nullptr);
    for (Agnode_t *n = agfstnode(graph); n; n = agnxtnode(graph, n)) {
        for (Agedge_t *e = agfstout(graph, n); e; e = agnxtout(graph, e)) {
            DotGraph::Edge edge;
            edge.from = index.value(agtail(e), -1);
            edge.to = index.value(aghead(e), -1);
            if (lhead)
                edge.lhead = utf8(agxget(e, lhead));
            if (ltail)
                edge.ltail = utf8(agxget(e, ltail));
            if (edge.from >= 0 && edge.to >= 0)
                dot.edges.append(edge);
        }
    }
    readClusters(graph, index, QStringList(), &dot);
    return dot;
}

// ---------------------------------------------------------------------------------------------
// Lines and columns of the text, for diagnostics.

class TextLines
{
public:
    explicit TextLines(const QString &text) : m_text(text)
    {
        m_starts.append(0);
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text.at(i) == QLatin1Char('\n'))
                m_starts.append(i + 1);
        }
    }

    int count() const { return int(m_starts.size()); }

    QString line(int number) const // 1-based
    {
        if (number < 1 || number > count())
            return QString();
        const qsizetype start = m_starts[number - 1];
        const qsizetype end = number < count() ? m_starts[number] - 1 : m_text.size();
        return m_text.mid(start, end - start);
    }

    // The last line with something on it; 1 for a blank text.
    int lastContentLine() const
    {
        for (int n = count(); n > 1; --n) {
            if (!line(n).trimmed().isEmpty())
                return n;
        }
        return 1;
    }

    int firstContentLine() const
    {
        for (int n = 1; n <= count(); ++n) {
            if (!line(n).trimmed().isEmpty())
                return n;
        }
        return 1;
    }

    // 1-based line and column of a character offset.
    std::pair<int, int> position(qsizetype offset) const
    {
        const auto it = std::upper_bound(m_starts.cbegin(), m_starts.cend(), offset);
        const int line = int(it - m_starts.cbegin());
        return {line, int(offset - m_starts[line - 1]) + 1};
    }

    const QString &text() const { return m_text; }

private:
    QString m_text;
    QList<qsizetype> m_starts;
};

Diagnostic error(int line, int column, const QString &message)
{
    return Diagnostic{Diagnostic::Severity::Error, QString(), line, column, message};
}

// Turns what Graphviz said about text it could not parse into a diagnostic that says where and why.
Diagnostic syntaxError(const QString &graphviz, const TextLines &lines)
{
    static const QRegularExpression lineNumber(QStringLiteral("in line (\\d+)"));
    static const QRegularExpression near(QStringLiteral("near '(.*)'"), QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression stringStart(QStringLiteral("String starting:\"(.*)"),
                                                QRegularExpression::DotMatchesEverythingOption);
    int line = 0;
    if (const auto m = lineNumber.match(graphviz); m.hasMatch())
        line = std::min(m.captured(1).toInt(), lines.count());
    const bool atEnd = line == 0 || line >= lines.lastContentLine();

    if (graphviz.contains(QStringLiteral("scanning a quoted string"))) {
        // The text ends inside a string: point at its opening quote.
        QString start = stringStart.match(graphviz).captured(1).trimmed();
        start = start.left(start.indexOf(QLatin1Char('"'))); // escaped quotes differ in the text
        const qsizetype at = lines.text().lastIndexOf(QLatin1Char('"') + start.left(40));
        int column = 0;
        if (at >= 0)
            std::tie(line, column) = lines.position(at);
        return error(line ? line : lines.lastContentLine(), column,
                     QStringLiteral("a quoted string is never closed: the text ends inside it (is the file cut "
                                    "short?); %1").arg(kExpected));
    }
    if (graphviz.contains(QStringLiteral("scanning a HTML string"))) {
        return error(line ? line : lines.lastContentLine(), 0,
                     QStringLiteral("an HTML string <...> is never closed (is the file cut short?); %1").arg(kExpected));
    }
    if (graphviz.contains(QStringLiteral("scanning a /*...*/ comment"))) {
        return error(line ? line : lines.lastContentLine(), 0,
                     QStringLiteral("a /* comment is never closed (is the file cut short?); %1").arg(kExpected));
    }
    if (const auto m = near.match(graphviz); m.hasMatch() && !m.captured(1).isEmpty()) {
        const QString token = m.captured(1);
        const QString text = lines.line(line);
        if (atEnd && lines.text().trimmed().endsWith(token)) {
            // The last thing in the text is half a statement: "a -" or "digra".
            return error(line, int(text.lastIndexOf(token)) + 1,
                         QStringLiteral("the text ends in the middle of a statement, at '%1' (is the file cut "
                                        "short?); %2").arg(token.left(80), kExpected));
        }
        const qsizetype at = text.indexOf(token);
        const int column = at >= 0 && text.indexOf(token, at + 1) < 0 ? int(at) + 1 : 0;
        return error(line, column, QStringLiteral("syntax error near '%1': not a graph Graphviz can read; %2")
                                       .arg(token.left(80), kExpected));
    }
    if (atEnd) {
        return error(lines.lastContentLine(), 0,
                     QStringLiteral("the text ends before the graph does: a '}' or more is missing (is the file "
                                    "cut short?); %1").arg(kExpected));
    }
    return error(line, 0, QStringLiteral("%1: %2").arg(graphviz.trimmed(), kExpected));
}

// ---------------------------------------------------------------------------------------------
// From node ids to Terraform addresses.

// What a node stands for, when it stands for a resource.
struct ResourceAddress
{
    QString module; // "module.a.module.b"; empty at the root
    QString mode;   // "managed", "data" or "ephemeral"
    QString type;   // "aws_instance"
    QString name;   // "web", "web[0]"

    QString address() const
    {
        QString text = module.isEmpty() ? QString() : module + QLatin1Char('.');
        if (mode != QLatin1String("managed"))
            text += mode + QLatin1Char('.');
        return text + type + QLatin1Char('.') + name;
    }
};

// The first part of a reference that is not a resource type: variables, outputs, providers...
const QSet<QString> kNotResourceTypes = {
    QStringLiteral("var"), QStringLiteral("local"), QStringLiteral("output"), QStringLiteral("provider"),
    QStringLiteral("module"), QStringLiteral("meta"), QStringLiteral("path"), QStringLiteral("terraform"),
    QStringLiteral("count"), QStringLiteral("each"), QStringLiteral("self"), QStringLiteral("root"),
    QStringLiteral("data"), QStringLiteral("ephemeral"), QStringLiteral("provisioner"), QStringLiteral("check"),
    QStringLiteral("action"), QStringLiteral("import"), QStringLiteral("moved"), QStringLiteral("removed"),
    QStringLiteral("run"), QStringLiteral("locals"), QStringLiteral("variable"), QStringLiteral("resource")};

// "module.a[\"x.y\"].aws_instance.web[0]" -> module, a["x.y"], aws_instance, web[0]. Empty if the
// brackets or quotes do not balance.
QStringList addressParts(const QString &address)
{
    QStringList parts;
    QString part;
    int depth = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < address.size(); ++i) {
        const QChar c = address.at(i);
        if (quoted) {
            if (c == QLatin1Char('\\') && i + 1 < address.size()) {
                part += c;
                part += address.at(++i);
                continue;
            }
            if (c == QLatin1Char('"'))
                quoted = false;
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char('[')) {
            ++depth;
        } else if (c == QLatin1Char(']')) {
            if (--depth < 0)
                return {};
        } else if (c == QLatin1Char('.') && depth == 0) {
            parts << part;
            part.clear();
            continue;
        }
        part += c;
    }
    if (quoted || depth != 0)
        return {};
    parts << part;
    return parts;
}

bool isDigits(const QString &text)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    return digits.match(text).hasMatch();
}

// The module path a Terraform 0.4-0.5 node gets from the clusters around it: "cluster_0_module.a"
// then "cluster_1_module.b" make "module.a.module.b".
QString modulePathOfClusters(const QStringList &clusters)
{
    static const QRegularExpression moduleCluster(QStringLiteral("^cluster_[0-9]+_(module\\..+)$"));
    QStringList path;
    for (const QString &cluster : clusters) {
        if (const auto m = moduleCluster.match(cluster); m.hasMatch())
            path << m.captured(1);
    }
    return path.join(QLatin1Char('.'));
}

// The resource a node id names, in any of the three dialects, or nothing for every other node
// (providers, variables, outputs, locals, module calls, "(close)" and "meta." nodes, "root").
// `numbered` says whether the id had Terraform 0.4-0.5's depth prefix ("0_aws_elb.web").
std::optional<ResourceAddress> resourceAddress(const QString &id, const QStringList &clusters, bool *numbered)
{
    static const QRegularExpression scope(QStringLiteral("^\\[([^\\]]*)\\]\\s+"));
    static const QRegularExpression depth(QStringLiteral("^[0-9]+_"));
    static const QRegularExpression typeName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
    static const QRegularExpression resourceName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*(\\[.*\\])?$"));

    QString text = id.trimmed();
    QString modulePrefix;
    *numbered = false;
    if (const auto m = scope.match(text); m.hasMatch()) {
        // "[root] aws_instance.web (expand)"; Terraform 0.7-0.11 drew a module's own subgraph with
        // its path in the brackets: "[module.consul] aws_instance.server".
        const QString where = m.captured(1);
        if (where.startsWith(QLatin1String("module.")))
            modulePrefix = where;
        else if (where != QLatin1String("root"))
            return std::nullopt;
        text = text.mid(m.capturedLength());
    } else if (const auto d = depth.match(text); d.hasMatch()) {
        *numbered = true;
        modulePrefix = modulePathOfClusters(clusters);
        text = text.mid(d.capturedLength());
    }
    if (text.endsWith(QLatin1Char(')'))) {
        // "(expand)" is the resource itself; "(close)", "(destroy)", "(count boundary fixup)"... are not.
        const qsizetype open = text.lastIndexOf(QLatin1String(" ("));
        if (open < 0 || text.mid(open) != QLatin1String(" (expand)"))
            return std::nullopt;
        text = text.left(open);
    }
    if (!modulePrefix.isEmpty())
        text = modulePrefix + QLatin1Char('.') + text;

    QStringList parts = addressParts(text);
    QStringList module;
    qsizetype i = 0;
    while (i + 1 < parts.size() && parts[i] == QLatin1String("module")) {
        module << QStringLiteral("module.") + parts[i + 1];
        i += 2;
    }
    parts = parts.mid(i);
    ResourceAddress address;
    address.module = module.join(QLatin1Char('.'));
    address.mode = QStringLiteral("managed");
    if (parts.size() >= 3 && (parts[0] == QLatin1String("data") || parts[0] == QLatin1String("ephemeral")))
        address.mode = parts.takeFirst();
    if (*numbered && parts.size() == 3 && isDigits(parts[2])) // 0.4-0.5 count instances: "aws_instance.web.0"
        parts = QStringList{parts[0], parts[1] + QLatin1Char('[') + parts[2] + QLatin1Char(']')};
    if (parts.size() != 2 || kNotResourceTypes.contains(parts[0]) || !typeName.match(parts[0]).hasMatch()
        || !resourceName.match(parts[1]).hasMatch())
        return std::nullopt;
    address.type = parts[0];
    address.name = parts[1];
    return address;
}

// ---------------------------------------------------------------------------------------------
// From the graph to resources.

class PlanBuilder
{
public:
    PlanBuilder(const DotGraph &dot, ImportedPlan *plan) : m_dot(dot), m_plan(plan) {}

    void build()
    {
        const int n = int(m_dot.nodes.size());
        m_resourceOf.assign(n, -1);
        m_out.assign(n, {});
        for (const DotGraph::Edge &edge : m_dot.edges)
            m_out[edge.from].push_back(edge.to);

        QList<std::optional<ResourceAddress>> addresses(n);
        QList<bool> numbered(n, false);
        for (int i = 0; i < n; ++i) {
            bool isNumbered = false;
            addresses[i] = resourceAddress(m_dot.nodes[i], m_dot.clusterChains[i], &isNumbered);
            numbered[i] = isNumbered;
        }
        dropCountMetaNodes(addresses, numbered);
        addClusterEdges();

        QHash<QString, int> byAddress;
        for (int i = 0; i < n; ++i) {
            if (!addresses[i])
                continue;
            const ResourceAddress &a = *addresses[i];
            const QString address = a.address();
            if (const auto it = byAddress.constFind(address); it != byAddress.cend()) {
                m_resourceOf[i] = *it; // one resource drawn twice: its edges are all its own
                continue;
            }
            if (numbered[i] && !m_dot.otherClusterChains[i].isEmpty()) {
                m_plan->diagnostics.append(Diagnostic{
                    Diagnostic::Severity::Warning, QString(), 0, 0,
                    QStringLiteral("\"%1\" is drawn in both %2 and %3; Terraform 0.5's graph names them alike, so "
                                   "they are read as one resource, %4")
                        .arg(m_dot.nodes[i], describeModule(modulePathOfClusters(m_dot.clusterChains[i])),
                             describeModule(modulePathOfClusters(m_dot.otherClusterChains[i])), address)});
            }
            m_resourceOf[i] = int(m_plan->resources.size());
            byAddress.insert(address, m_resourceOf[i]);
            ImportedResource resource;
            resource.address = address;
            resource.type = a.type;
            resource.group = a.module;
            resource.source["mode"] = a.mode.toStdString();
            if (a.mode == QLatin1String("data")) {
                resource.run = false;
                resource.note = QStringLiteral("data source: Terraform reads it, nothing to provision");
            } else if (a.mode == QLatin1String("ephemeral")) {
                resource.run = false;
                resource.note = QStringLiteral("ephemeral resource: Terraform opens it during a run, nothing to provision");
            }
            m_plan->resources.append(resource);
            if (!a.module.isEmpty() && !m_groups.contains(a.module)) {
                m_groups.insert(a.module);
                m_plan->groups.append(ImportedGroup{a.module, QString()});
            }
        }
        for (int i = 0; i < n; ++i) {
            if (m_resourceOf[i] >= 0)
                addDependencies(i);
        }
    }

private:
    static QString describeModule(const QString &module)
    {
        return module.isEmpty() ? QStringLiteral("the root module") : module;
    }

    // Terraform 0.4-0.5 drew each instance of a resource with a count ("0_aws_instance.web.0") and
    // sent edges to the resource as a whole ("0_aws_instance.web") without drawing that node: it
    // stands for all the instances.
    void dropCountMetaNodes(QList<std::optional<ResourceAddress>> &addresses, const QList<bool> &numbered)
    {
        QHash<QString, QList<int>> instances; // address without index -> numbered instance nodes
        static const QRegularExpression index(QStringLiteral("\\[[0-9]+\\]$"));
        for (int i = 0; i < addresses.size(); ++i) {
            if (addresses[i] && numbered[i] && index.match(addresses[i]->name).hasMatch()) {
                ResourceAddress whole = *addresses[i];
                whole.name.remove(index);
                instances[whole.address()].append(i);
            }
        }
        if (instances.isEmpty())
            return;
        for (int i = 0; i < addresses.size(); ++i) {
            if (!addresses[i] || !numbered[i])
                continue;
            const auto it = instances.constFind(addresses[i]->address());
            if (it == instances.cend())
                continue;
            addresses[i].reset();
            for (int instance : *it)
                m_out[i].push_back(instance);
        }
    }

    // Terraform 0.4-0.5 drew an edge to or from an expanded module as an edge to or from a hidden
    // node in its cluster, with lhead or ltail naming the cluster: the edge stands for every node
    // in it.
    void addClusterEdges()
    {
        for (const DotGraph::Edge &edge : m_dot.edges) {
            if (!edge.lhead.isEmpty()) {
                for (int member : m_dot.clusterMembers.value(edge.lhead))
                    m_out[edge.from].push_back(member);
            }
            if (!edge.ltail.isEmpty()) {
                for (int member : m_dot.clusterMembers.value(edge.ltail))
                    m_out[member].push_back(edge.to);
            }
        }
    }

    // Follows the edges out of a resource's node through every node that is not a resource, to the
    // resources it depends on.
    void addDependencies(int node)
    {
        const int self = m_resourceOf[node];
        ImportedResource &resource = m_plan->resources[self];
        QSet<QString> known(resource.dependsOn.cbegin(), resource.dependsOn.cend());
        std::vector<bool> seen(m_out.size(), false);
        std::vector<int> queue{node};
        seen[node] = true;
        for (size_t q = 0; q < queue.size(); ++q) {
            for (int next : m_out[queue[q]]) {
                if (seen[next])
                    continue;
                seen[next] = true;
                const int target = m_resourceOf[next];
                if (target < 0) {
                    queue.push_back(next); // a variable, provider, module call...: look through it
                } else if (target != self) {
                    const QString &address = m_plan->resources[target].address;
                    if (!known.contains(address)) {
                        known.insert(address);
                        resource.dependsOn << address;
                    }
                }
            }
        }
    }

    const DotGraph &m_dot;
    ImportedPlan *m_plan;
    std::vector<int> m_resourceOf;          // node -> resource index, -1 for the nodes dropped
    std::vector<std::vector<int>> m_out;    // node -> the nodes it depends on
    QSet<QString> m_groups;
};

} // namespace

ImportedPlan TerraformDotImporter::read(const std::string &input)
{
    ImportedPlan plan;
    std::string text = input;
    if (text.rfind("\xEF\xBB\xBF", 0) == 0)
        text.erase(0, 3);
    const TextLines lines(QString::fromUtf8(text.data(), qsizetype(text.size())));

    if (const size_t nul = text.find('\0'); nul != std::string::npos) {
        const int line = int(std::count(text.cbegin(), text.cbegin() + qsizetype(nul), '\n')) + 1;
        plan.diagnostics.append(error(line, 0, QStringLiteral("the file contains a NUL byte, so it is not text (or in "
                                                              "an encoding not recognised); %1").arg(kExpected)));
        return plan;
    }
    if (lines.text().trimmed().isEmpty()) {
        plan.diagnostics.append(error(0, 0, QStringLiteral("the file is empty; %1").arg(kExpected)));
        return plan;
    }

    DotGraph dot;
    bool directed = true;
    bool parsed = false;
    QList<GraphvizMessage> messages;
    {
        QMutexLocker locker(&graphvizMutex());
        g_messages.clear();
        const agusererrf previousHandler = agseterrf(collectMessage); // nothing goes to stderr
        const agerrlevel_t previousLevel = agseterr(AGWARN);
        agsetfile(nullptr); // line numbers from 1, no file name in messages
        if (Agraph_t *graph = agmemread(text.c_str())) {
            parsed = true;
            directed = agisdirected(graph);
            if (directed)
                dot = copyGraph(graph);
            agclose(graph);
        }
        agseterr(previousLevel);
        agseterrf(previousHandler);
        messages = std::exchange(g_messages, {});
    }

    for (const GraphvizMessage &message : std::as_const(messages)) {
        if (message.text.trimmed().isEmpty())
            continue;
        if (!parsed && message.error) {
            plan.diagnostics.append(syntaxError(message.text, lines));
            return plan; // the first error is the one that stopped the parser
        }
        static const QRegularExpression lineNumber(QStringLiteral("in line (\\d+)"));
        const auto m = lineNumber.match(message.text);
        plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, QString(),
                                           m.hasMatch() ? m.captured(1).toInt() : 0, 0,
                                           QStringLiteral("Graphviz: %1").arg(message.text.simplified())});
    }
    if (!parsed) {
        plan.diagnostics.append(error(lines.firstContentLine(), 0,
                                      QStringLiteral("no graph found, only comments or blanks; %1").arg(kExpected)));
        return plan;
    }
    if (!directed) {
        plan.diagnostics.append(error(lines.firstContentLine(), 0,
                                      QStringLiteral("this is an undirected graph (graph { a -- b }), and terraform "
                                                     "graph writes a directed one; %1").arg(kExpected)));
        return plan;
    }

    PlanBuilder(dot, &plan).build();
    if (plan.resources.isEmpty()) {
        const QString what = dot.nodes.isEmpty()
            ? QStringLiteral("the graph has no nodes")
            : QStringLiteral("none of the graph's %1 nodes (\"%2\"%3) is a Terraform resource")
                  .arg(dot.nodes.size())
                  .arg(dot.nodes.first(), dot.nodes.size() > 1 ? QStringLiteral(", ...") : QString());
        plan.diagnostics.append(error(0, 0, QStringLiteral("%1, so there is nothing to import; %2, with resource "
                                                           "nodes such as \"[root] aws_instance.web (expand)\" or "
                                                           "\"aws_instance.web\"").arg(what, kExpected)));
    }
    return plan;
}

} // namespace fanout
