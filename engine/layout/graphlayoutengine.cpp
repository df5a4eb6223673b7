#include "engine/layout/graphlayoutengine.h"

#include "engine/layout/gridpacking.h"
#include "engine/layout/groupfolding.h"
#include "engine/support/graphvizlock.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QStringList>

#include <gvc.h>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <vector>

namespace fanout {

namespace {

// cgraph's API predates const: it takes char * for names and values it only reads (and copies).
char *cstr(const char *text)
{
    return const_cast<char *>(text);
}

char *cstr(QByteArray &text)
{
    return text.data();
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'f', 3);
}

// Graphviz's error messages during one layout. agseterrf() takes a plain function, hence a global;
// only the layout thread (and only under graphvizMutex(), see graphvizlock.h) touches it. GraphLayouter
// keeps all layouts on one thread; the mutex makes that hold even for the moment one layout thread is
// finishing as another starts, and keeps importers that parse DOT from running Graphviz meanwhile.
QString g_messages;

int collectMessage(char *message)
{
    g_messages += QString::fromLocal8Bit(message).trimmed() + QLatin1Char(' ');
    return 0;
}

// The dot layout plugin, loaded directly rather than through Graphviz's plugin configuration
// (config6a, written by `dot -c`): that file may be missing on a fresh system, and reading it
// also loads the pango/cairo text plugin we do not need, since we give every node its size.
// Returns null when the plugin cannot be found; gvContext() then gets its chance.
void *dotPluginLibrary(QString *tried)
{
    const char *symbol = "gvplugin_dot_layout_LTX_library";
    QStringList candidates;
    if (const char *dir = std::getenv("GVBINDIR"))
        candidates << QString::fromLocal8Bit(dir) + QStringLiteral("/libgvplugin_dot_layout.so.6");
    Dl_info info = {};
    if (dladdr(reinterpret_cast<void *>(&gvContext), &info) && info.dli_fname)
        candidates << QFileInfo(QString::fromLocal8Bit(info.dli_fname)).absolutePath()
                          + QStringLiteral("/graphviz/libgvplugin_dot_layout.so.6");
    candidates << QStringLiteral("libgvplugin_dot_layout.so.6");
    for (const QString &candidate : std::as_const(candidates)) {
        // Never closed: Graphviz keeps pointers into the plugin for the life of the process.
        void *handle = dlopen(QFile::encodeName(candidate).constData(), RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            continue;
        if (void *library = dlsym(handle, symbol))
            return library;
    }
    *tried = candidates.join(QStringLiteral(", "));
    return nullptr;
}

struct PointMapper
{
    pointf origin; // Graphviz's bottom-left corner
    double top;    // Graphviz's top edge

    QPointF operator()(pointf p) const { return QPointF(p.x - origin.x, top - p.y); }
    QRectF rect(boxf box) const { return QRectF((*this)(box.LL), (*this)(box.UR)).normalized(); }
};

void readClusters(Agraph_t *graph, const PointMapper &map, int groupCount, QList<GraphLayout::Cluster> *clusters)
{
    for (int c = 1; c <= GD_n_cluster(graph); ++c) {
        Agraph_t *sub = GD_clust(graph)[c];
        bool ok = false;
        const int group = QByteArray(agnameof(sub)).mid(int(sizeof("cluster_")) - 1).toInt(&ok);
        if (ok && group >= 0 && group < groupCount) {
            GraphLayout::Cluster cluster;
            cluster.group = group;
            cluster.rect = map.rect(GD_bb(sub));
            if (const textlabel_t *label = GD_label(sub)) {
                const QPointF centre = map(label->pos);
                cluster.labelRect = QRectF(centre.x() - label->dimen.x / 2, centre.y() - label->dimen.y / 2,
                                           label->dimen.x, label->dimen.y);
            }
            clusters->append(cluster);
        }
        readClusters(sub, map, groupCount, clusters);
    }
}

// Parts of a plan that nothing connects: no dependency between them and no group in common.
struct Components
{
    std::vector<int> of;                // component of each node
    std::vector<std::vector<int>> nodes; // nodes of each component, in node order
};

Components components(const GraphLayoutInput &input)
{
    const int n = int(input.nodes.size());
    std::vector<int> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    const std::function<int(int)> root = [&](int x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    auto join = [&](int a, int b) { parent[root(a)] = root(b); };
    for (const auto &[from, to] : input.edges) {
        if (from >= 0 && from < n && to >= 0 && to < n)
            join(from, to);
    }
    std::vector<int> firstOfGroup(input.groups.size(), -1);
    for (int i = 0; i < n; ++i) {
        const int g = input.nodes[i].group;
        if (g < 0 || g >= int(firstOfGroup.size()))
            continue;
        if (firstOfGroup[g] < 0)
            firstOfGroup[g] = i;
        else
            join(i, firstOfGroup[g]);
    }
    Components result;
    result.of.assign(n, -1);
    std::vector<int> indexOfRoot(n, -1);
    for (int i = 0; i < n; ++i) {
        int &c = indexOfRoot[root(i)];
        if (c < 0) {
            c = int(result.nodes.size());
            result.nodes.emplace_back();
        }
        result.of[i] = c;
        result.nodes[c].push_back(i);
    }
    return result;
}

// The attributes of the graph, its nodes and edges, declared before any node or edge is made.
// Those set per node or cluster come back to be set.
struct Attributes
{
    Agsym_t *width = nullptr;
    Agsym_t *height = nullptr;
    Agsym_t *clusterLabel = nullptr;
    Agsym_t *minlen = nullptr;
};

Attributes declareAttributes(Agraph_t *graph, int nodeCount)
{
    const auto set = [graph](int kind, const char *name, QByteArray value) {
        agattr(graph, kind, cstr(name), cstr(value));
    };
    // Sizes are in inches, distances in points unless noted.
    set(AGRAPH, "rankdir", "TB");
    // One ranking for the whole graph. dot's older ranking ranks each cluster on its own and may
    // put a dependency beside what depends on it when groups depend on each other both ways.
    set(AGRAPH, "newrank", "true");
    set(AGRAPH, "nodesep", "0.18");  // inches between neighbours in a rank: groups already add width
    set(AGRAPH, "ranksep", "0.42");  // inches between ranks
    set(AGRAPH, "labeljust", "l");   // group labels at the top left of their box
    set(AGRAPH, "labelloc", "t");
    set(AGRAPH, "margin", "10");     // clusters: space between the box and its members
    if (nodeCount > GraphLayoutEngine::kLargeGraph) {
        // dot's full crossing minimisation and spline routing grow faster than linearly. Cutting
        // the iterations and routing polylines lays out a random 1,000-resource plan about a quarter
        // faster (214 -> 164 ms in tests/bench/bench_layout.cpp, and narrower), at the price of a
        // few more crossings: at that size one follows highlighted paths, not single edges.
        set(AGRAPH, "splines", "polyline");
        set(AGRAPH, "mclimit", "0.2");
        set(AGRAPH, "nslimit", "2");
        set(AGRAPH, "nslimit1", "2");
        set(AGRAPH, "searchsize", "20");
        set(AGRAPH, "remincross", "false");
    }
    // Boxes of exactly the size asked for, with no text of their own: the items draw the text.
    set(AGNODE, "shape", "box");
    set(AGNODE, "fixedsize", "true");
    set(AGNODE, "label", "");
    Attributes attributes;
    attributes.width = agattr(graph, AGNODE, cstr("width"), cstr("2"));
    attributes.height = agattr(graph, AGNODE, cstr("height"), cstr("0.6"));
    set(AGEDGE, "arrowsize", "0.8");
    attributes.minlen = agattr(graph, AGEDGE, cstr("minlen"), cstr("1"));
    attributes.clusterLabel = agattr(graph, AGRAPH, cstr("label"), cstr(""));
    return attributes;
}

// The cluster of a group, with room for its label.
Agraph_t *addCluster(Agraph_t *graph, int group, QSizeF labelSize, Agsym_t *clusterLabel)
{
    QByteArray clusterName = "cluster_" + QByteArray::number(group);
    Agraph_t *cluster = agsubg(graph, cstr(clusterName), 1);
    // A fixed-size HTML table reserves exactly the room the UI's font needs; a text
    // label would be measured with Graphviz's own idea of the font.
    QByteArray html = "<TABLE BORDER=\"0\" CELLPADDING=\"0\" CELLSPACING=\"0\" FIXEDSIZE=\"TRUE\" WIDTH=\""
        + QByteArray::number(std::max(1, int(std::ceil(labelSize.width())))) + "\" HEIGHT=\""
        + QByteArray::number(std::max(1, int(std::ceil(labelSize.height()))))
        + "\"><TR><TD></TD></TR></TABLE>";
    char *value = agstrdup_html(graph, cstr(html));
    agxset(cluster, clusterLabel, value);
    agstrfree(graph, value);
    return cluster;
}

// A node for each input node, in the cluster of its group; clusters are made as their first
// member comes.
std::vector<Agnode_t *> addNodes(Agraph_t *graph, const GraphLayoutInput &input, const Attributes &attributes)
{
    const int nodeCount = int(input.nodes.size());
    std::vector<Agraph_t *> clusters(input.groups.size(), nullptr);
    std::vector<Agnode_t *> nodes(nodeCount, nullptr);
    for (int i = 0; i < nodeCount; ++i) {
        const GraphLayoutInput::Node &node = input.nodes[i];
        QByteArray name = "n" + QByteArray::number(i);
        Agraph_t *owner = graph;
        if (node.group >= 0 && node.group < int(clusters.size())) {
            Agraph_t *&cluster = clusters[node.group];
            if (!cluster)
                cluster = addCluster(graph, node.group, input.groups[node.group].labelSize, attributes.clusterLabel);
            owner = cluster;
        }
        Agnode_t *n = agnode(owner, cstr(name), 1);
        QByteArray w = number(std::max(1.0, node.size.width()) / 72.0);
        QByteArray h = number(std::max(1.0, node.size.height()) / 72.0);
        agxset(n, attributes.width, cstr(w));
        agxset(n, attributes.height, cstr(h));
        nodes[i] = n;
    }
    return nodes;
}

// The valid edges of the input, each with its input index; those of wide fan-outs staggered.
std::vector<std::pair<int, Agedge_t *>> addEdges(Agraph_t *graph, const GraphLayoutInput &input, const std::vector<Agnode_t *> &nodes,
                                                 const Attributes &attributes)
{
    const int nodeCount = int(nodes.size());
    const std::vector<int> lengths = staggeredLengths(input);
    std::vector<std::pair<int, Agedge_t *>> edges;
    edges.reserve(input.edges.size());
    for (int e = 0; e < input.edges.size(); ++e) {
        const auto [from, to] = input.edges[e];
        if (from < 0 || from >= nodeCount || to < 0 || to >= nodeCount)
            continue;
        Agedge_t *edge = agedge(graph, nodes[from], nodes[to], nullptr, 1);
        if (lengths[std::size_t(e)] > 1) {
            QByteArray length = QByteArray::number(lengths[std::size_t(e)]);
            agxset(edge, attributes.minlen, cstr(length));
        }
        edges.emplace_back(e, edge);
    }
    return edges;
}

// The route Graphviz found for an edge, or a straight line between the boxes when it found none.
GraphLayout::Edge routedEdge(Agedge_t *e, const PointMapper &map, const QList<QRectF> &nodes, std::pair<int, int> ends)
{
    GraphLayout::Edge edge;
    edge.from = ends.first;
    edge.to = ends.second;
    const splines *spline = ED_spl(e);
    if (spline && spline->size > 0) {
        for (int b = 0; b < spline->size; ++b) {
            const bezier &curve = spline->list[b];
            for (int p = edge.path.isEmpty() ? 0 : 1; p < curve.size; ++p)
                edge.path.append(map(curve.list[p]));
        }
        const bezier &last = spline->list[spline->size - 1];
        edge.arrowTip = last.eflag ? map(last.ep) : edge.path.last();
    }
    if (edge.path.size() < 4) { // no route: a straight line between the boxes
        const QRectF a = nodes[edge.from], b = nodes[edge.to];
        const QPointF start(a.center().x(), a.bottom()), end(b.center().x(), b.top());
        edge.path = {start, start + (end - start) / 3, start + (end - start) * 2 / 3, end};
        edge.arrowTip = end;
    }
    return edge;
}

// What gvLayout() made of the graph, in the input's coordinates: y down, origin at the top left.
void readLayout(Agraph_t *graph, const GraphLayoutInput &input, const std::vector<Agnode_t *> &nodes,
                const std::vector<std::pair<int, Agedge_t *>> &edges, GraphLayout &result)
{
    const boxf bb = GD_bb(graph);
    const PointMapper map{bb.LL, bb.UR.y};
    result.bounds = QRectF(0, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
    result.nodes.reserve(qsizetype(nodes.size()));
    for (Agnode_t *n : nodes) {
        const QPointF centre = map(ND_coord(n));
        const double w = ND_width(n) * 72, h = ND_height(n) * 72;
        result.nodes.append(QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h));
    }
    result.edges.reserve(int(edges.size()));
    for (const auto &[index, e] : edges)
        result.edges.append(routedEdge(e, map, result.nodes, input.edges[index]));
    readClusters(graph, map, int(input.groups.size()), &result.clusters);
}

// Which nodes have an edge, a loop on itself at least.
std::vector<bool> nodesWithEdges(const GraphLayoutInput &input)
{
    std::vector<bool> hasEdge(input.nodes.size(), false);
    for (const auto &[from, to] : input.edges) {
        if (from >= 0 && from < int(hasEdge.size()) && to >= 0 && to < int(hasEdge.size()))
            hasEdge[from] = hasEdge[to] = true;
    }
    return hasEdge;
}

// A part of the graph laid out on its own, and the input index of each of its edges.
struct LaidOutPart
{
    GraphLayout layout;
    QList<int> edgeIndexOf;
};

// The parts in rows as wide as a window of 16:10 holding everything would be, and never narrower
// than the widest part; parts keep plan order, left to right, top to bottom. `members` are the
// input nodes of each part.
GraphLayout packInRows(std::vector<LaidOutPart> &laidOut, const std::vector<std::vector<int>> &members, int nodeCount, qreal aspect)
{
    constexpr qreal kGap = 36;
    qreal area = 0;
    qreal widest = 0;
    for (const LaidOutPart &part : laidOut) {
        area += (part.layout.bounds.width() + kGap) * (part.layout.bounds.height() + kGap);
        widest = std::max(widest, part.layout.bounds.width());
    }
    const qreal rowWidth = std::max(widest, std::sqrt(area * std::clamp(aspect, 0.25, 4.0)));
    qreal x = 0;
    qreal y = 0;
    qreal rowHeight = 0;
    GraphLayout result;
    result.nodes.resize(nodeCount);
    std::vector<std::pair<int, GraphLayout::Edge>> edges; // by input edge index
    for (std::size_t c = 0; c < laidOut.size(); ++c) {
        GraphLayout &part = laidOut[c].layout;
        if (x > 0 && x + part.bounds.width() > rowWidth) {
            x = 0;
            y += rowHeight + kGap;
            rowHeight = 0;
        }
        translate(part, QPointF(x, y) - part.bounds.topLeft());
        for (std::size_t i = 0; i < members[c].size(); ++i)
            result.nodes[members[c][i]] = part.nodes[qsizetype(i)];
        for (qsizetype k = 0; k < part.edges.size(); ++k)
            edges.emplace_back(laidOut[c].edgeIndexOf[k], part.edges[k]);
        result.clusters.append(part.clusters);
        result.bounds |= QRectF(QPointF(x, y), part.bounds.size());
        x += part.bounds.width() + kGap;
        rowHeight = std::max(rowHeight, part.bounds.height());
    }
    // In the order of the input's edges, as one layout gives them.
    std::sort(edges.begin(), edges.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    result.edges.reserve(qsizetype(edges.size()));
    for (auto &[index, edge] : edges)
        result.edges.append(std::move(edge));
    return result;
}

} // namespace

GraphLayoutEngine::GraphLayoutEngine()
{
    QMutexLocker locker(&graphvizMutex());
    QString tried;
    if (void *library = dotPluginLibrary(&tried)) {
        // Graphviz keeps the pointer to this list, so it must outlive every context.
        static lt_symlist_t builtins[] = {{"gvplugin_dot_layout_LTX_library", nullptr}, {nullptr, nullptr}};
        builtins[0].address = library;
        m_context = gvContextPlugins(builtins, 0);
    } else {
        m_context = gvContext();
        m_contextError = QStringLiteral("Graphviz's dot layout plugin was not found (tried %1) and its plugin "
                                        "configuration does not list it. Install the libgvc6 package again, or "
                                        "run \"dot -c\" as root to register the plugins.").arg(tried);
    }
    if (!m_context)
        m_contextError = QStringLiteral("Graphviz could not be started (gvContext failed).");
}

GraphLayoutEngine::~GraphLayoutEngine()
{
    QMutexLocker locker(&graphvizMutex());
    if (m_context)
        gvFreeContext(m_context);
}

GraphLayout GraphLayoutEngine::layoutConnected(const GraphLayoutInput &input)
{
    GridPacker packer(input);
    if (!packer.packs())
        return layoutDot(input);
    qint64 elapsedMs = 0;
    for (int g = 0; g < int(packer.groupsToLayOut().size()); ++g) {
        // A group alone, with its own fan-outs packed; never a class of groups again.
        GraphLayout group = layoutConnected(packer.groupsToLayOut()[std::size_t(g)].input);
        if (!group.isValid())
            return group;
        elapsedMs += group.elapsedMs;
        packer.setGroupLayout(g, std::move(group));
    }
    const GraphLayout collapsed = layoutDot(packer.collapsed());
    if (!collapsed.isValid())
        return collapsed;
    GraphLayout result = packer.expand(collapsed);
    result.elapsedMs = elapsedMs + collapsed.elapsedMs;
    return result;
}

GraphLayout GraphLayoutEngine::layoutDot(const GraphLayoutInput &input)
{
    GraphLayout result;
    const int nodeCount = int(input.nodes.size());
    if (nodeCount == 0)
        return result; // nothing to draw is not an error
    if (!m_context) {
        result.error = m_contextError;
        return result;
    }

    QMutexLocker locker(&graphvizMutex());
    g_messages.clear();
    const agusererrf previousHandler = agseterrf(collectMessage);
    const agerrlevel_t previousLevel = agseterr(AGERR); // warnings are not worth a message

    Agraph_t *graph = agopen(cstr("plan"), Agdirected, nullptr);
    const Attributes attributes = declareAttributes(graph, nodeCount);
    const std::vector<Agnode_t *> nodes = addNodes(graph, input, attributes);
    const std::vector<std::pair<int, Agedge_t *>> edges = addEdges(graph, input, nodes, attributes);

    QElapsedTimer clock;
    clock.start();
    const int status = gvLayout(m_context, graph, "dot");
    result.elapsedMs = clock.elapsed();
    if (status != 0) {
        result.error = !m_contextError.isEmpty() ? m_contextError
            : QStringLiteral("Graphviz could not lay out the graph: %1").arg(g_messages.trimmed());
    } else {
        readLayout(graph, input, nodes, edges, result);
        gvFreeLayout(m_context, graph);
    }
    agclose(graph);
    agseterr(previousLevel);
    agseterrf(previousHandler);
    return result;
}

GraphLayout GraphLayoutEngine::layout(const GraphLayoutInput &input)
{
    // Pins play no part in the automatic layout, not even in packing the parts: dragging a node
    // (which pins it) then moves nothing else.
    const GroupFolding folding(input);
    const GraphLayoutInput &drawn = folding.folds() ? folding.displayInput() : input;
    GraphLayout result = layoutInDirection(drawn);
    if (result.isValid())
        result.applyPins(drawn);
    return folding.folds() ? folding.unfold(result) : result;
}

GraphLayout GraphLayoutEngine::layoutInDirection(const GraphLayoutInput &input)
{
    using Direction = GraphLayoutInput::Direction;
    // Left to right is dot's top to bottom of the graph turned a quarter, and turned back: every
    // step of the layout (packing, routing along grids) is written for one direction only.
    if (input.direction == Direction::LeftToRight)
        return layoutParts(input.transposed()).transposed();
    GraphLayout down = layoutParts(input);
    const qreal aspect = std::max(input.aspect, 0.01);
    // How far a drawing is from the window's shape, either way: 3 is three times wider or taller.
    const auto misfit = [aspect](const GraphLayout &layout) {
        return layout.aspect() > 0 ? std::max(layout.aspect() / aspect, aspect / layout.aspect()) : 1.0;
    };
    // A drawing that a window shows whole at full size is drawn as dependencies read best, down.
    const bool small = down.bounds.width() <= kSmallDrawing.width() && down.bounds.height() <= kSmallDrawing.height();
    if (input.direction == Direction::TopToBottom || !down.isValid() || small || misfit(down) <= 3)
        return down;
    // Infrastructure is wide and shallow: a VPC's dozens of subnets and tables side by side. Boxes
    // of text are wider than tall, so the same ranks stacked as columns make a rounder drawing.
    GraphLayout across = layoutParts(input.transposed()).transposed();
    if (!across.isValid())
        return down;
    across.elapsedMs += down.elapsedMs;
    down.elapsedMs = across.elapsedMs;
    return misfit(across) < misfit(down) ? across : down;
}

GraphLayout GraphLayoutEngine::layoutParts(const GraphLayoutInput &input)
{
    // dot puts parts that nothing connects side by side in one row: an imported Terraform plan
    // of independent modules, or a Compose file of independent services, becomes a ribbon far
    // wider than any window. Each part is laid out on its own and the parts are packed in rows,
    // to about the shape of a window; resources alone take no Graphviz call at all.
    const Components parts = components(input);
    if (parts.nodes.size() <= 1)
        return layoutConnected(input);

    std::vector<LaidOutPart> laidOut;
    laidOut.reserve(parts.nodes.size());
    const std::vector<bool> hasEdge = nodesWithEdges(input);
    qint64 elapsedMs = 0;
    for (const std::vector<int> &members : parts.nodes) {
        LaidOutPart part;
        const GraphLayoutInput::Node &only = input.nodes[members.front()];
        if (members.size() == 1 && only.group < 0 && !hasEdge[members.front()]) {
            part.layout.nodes.append(QRectF(QPointF(0, 0), only.size));
            part.layout.bounds = part.layout.nodes.constFirst();
        } else {
            part.layout = layoutPart(input, members, &part.edgeIndexOf);
            if (!part.layout.isValid())
                return part.layout;
            elapsedMs += part.layout.elapsedMs;
        }
        laidOut.push_back(std::move(part));
    }
    GraphLayout result = packInRows(laidOut, parts.nodes, int(input.nodes.size()), input.aspect);
    result.elapsedMs = elapsedMs;
    return result;
}

// One part that something connects, laid out by Graphviz on its own and numbered back as the
// input is; `edgeIndexOf` gets the input index of each of its edges.
GraphLayout GraphLayoutEngine::layoutPart(const GraphLayoutInput &input, const std::vector<int> &members, QList<int> *edgeIndexOf)
{
    QList<int> groupOf; // sub group -> input group
    const GraphLayoutInput sub = subInput(input, members, &groupOf, edgeIndexOf);
    GraphLayout part = layoutConnected(sub);
    if (!part.isValid())
        return part;
    // Back to the input's numbering. Every edge of `sub` is valid, so they come back in its order.
    Q_ASSERT(part.edges.size() == edgeIndexOf->size());
    for (GraphLayout::Edge &edge : part.edges) {
        edge.from = members[std::size_t(edge.from)];
        edge.to = members[std::size_t(edge.to)];
    }
    for (GraphLayout::Cluster &cluster : part.clusters)
        cluster.group = groupOf[cluster.group];
    return part;
}

} // namespace fanout
