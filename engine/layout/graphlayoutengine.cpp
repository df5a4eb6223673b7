#include "engine/layout/graphlayoutengine.h"

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

void translate(GraphLayout &layout, QPointF by)
{
    for (QRectF &r : layout.nodes)
        r.translate(by);
    for (GraphLayout::Edge &e : layout.edges) {
        for (QPointF &p : e.path)
            p += by;
        e.arrowTip += by;
    }
    for (GraphLayout::Cluster &c : layout.clusters) {
        c.rect.translate(by);
        c.labelRect.translate(by);
    }
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
    if (nodeCount > kLargeGraph) {
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
    Agsym_t *width = agattr(graph, AGNODE, cstr("width"), cstr("2"));
    Agsym_t *height = agattr(graph, AGNODE, cstr("height"), cstr("0.6"));
    set(AGEDGE, "arrowsize", "0.8");
    Agsym_t *clusterLabel = agattr(graph, AGRAPH, cstr("label"), cstr(""));

    std::vector<Agraph_t *> clusters(input.groups.size(), nullptr);
    std::vector<Agnode_t *> nodes(nodeCount, nullptr);
    for (int i = 0; i < nodeCount; ++i) {
        const GraphLayoutInput::Node &node = input.nodes[i];
        QByteArray name = "n" + QByteArray::number(i);
        Agraph_t *owner = graph;
        if (node.group >= 0 && node.group < int(clusters.size())) {
            Agraph_t *&cluster = clusters[node.group];
            if (!cluster) {
                QByteArray clusterName = "cluster_" + QByteArray::number(node.group);
                cluster = agsubg(graph, cstr(clusterName), 1);
                // A fixed-size HTML table reserves exactly the room the UI's font needs; a text
                // label would be measured with Graphviz's own idea of the font.
                const QSizeF size = input.groups[node.group].labelSize;
                QByteArray html = "<TABLE BORDER=\"0\" CELLPADDING=\"0\" CELLSPACING=\"0\" FIXEDSIZE=\"TRUE\" WIDTH=\""
                    + QByteArray::number(std::max(1, int(std::ceil(size.width())))) + "\" HEIGHT=\""
                    + QByteArray::number(std::max(1, int(std::ceil(size.height()))))
                    + "\"><TR><TD></TD></TR></TABLE>";
                char *value = agstrdup_html(graph, cstr(html));
                agxset(cluster, clusterLabel, value);
                agstrfree(graph, value);
            }
            owner = cluster;
        }
        Agnode_t *n = agnode(owner, cstr(name), 1);
        QByteArray w = number(std::max(1.0, node.size.width()) / 72.0);
        QByteArray h = number(std::max(1.0, node.size.height()) / 72.0);
        agxset(n, width, cstr(w));
        agxset(n, height, cstr(h));
        nodes[i] = n;
    }
    std::vector<std::pair<int, Agedge_t *>> edges; // input edge index, Graphviz edge
    edges.reserve(input.edges.size());
    for (int e = 0; e < input.edges.size(); ++e) {
        const auto [from, to] = input.edges[e];
        if (from < 0 || from >= nodeCount || to < 0 || to >= nodeCount)
            continue;
        edges.emplace_back(e, agedge(graph, nodes[from], nodes[to], nullptr, 1));
    }

    QElapsedTimer clock;
    clock.start();
    const int status = gvLayout(m_context, graph, "dot");
    result.elapsedMs = clock.elapsed();
    if (status != 0) {
        result.error = !m_contextError.isEmpty() ? m_contextError
            : QStringLiteral("Graphviz could not lay out the graph: %1").arg(g_messages.trimmed());
    } else {
        const boxf bb = GD_bb(graph);
        const PointMapper map{bb.LL, bb.UR.y};
        result.bounds = QRectF(0, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
        result.nodes.reserve(nodeCount);
        for (Agnode_t *n : nodes) {
            const QPointF centre = map(ND_coord(n));
            const double w = ND_width(n) * 72, h = ND_height(n) * 72;
            result.nodes.append(QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h));
        }
        result.edges.reserve(int(edges.size()));
        for (const auto &[index, e] : edges) {
            GraphLayout::Edge edge;
            edge.from = input.edges[index].first;
            edge.to = input.edges[index].second;
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
                const QRectF a = result.nodes[edge.from], b = result.nodes[edge.to];
                const QPointF start(a.center().x(), a.bottom()), end(b.center().x(), b.top());
                edge.path = {start, start + (end - start) / 3, start + (end - start) * 2 / 3, end};
                edge.arrowTip = end;
            }
            result.edges.append(edge);
        }
        readClusters(graph, map, int(input.groups.size()), &result.clusters);
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
    GraphLayout result = layoutParts(input);
    if (result.isValid())
        result.applyPins(input);
    return result;
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

    std::vector<GraphLayout> laidOut;
    laidOut.reserve(parts.nodes.size());
    std::vector<QList<int>> edgeIndexOf; // per part: the input index of each of its edges
    std::vector<bool> hasEdge(input.nodes.size(), false); // a loop on itself, at least
    for (const auto &[from, to] : input.edges) {
        if (from >= 0 && from < int(hasEdge.size()) && to >= 0 && to < int(hasEdge.size()))
            hasEdge[from] = hasEdge[to] = true;
    }
    GraphLayout result;
    for (const std::vector<int> &members : parts.nodes) {
        GraphLayout part;
        const GraphLayoutInput::Node &only = input.nodes[members.front()];
        if (members.size() == 1 && only.group < 0 && !hasEdge[members.front()]) {
            part.nodes.append(QRectF(QPointF(0, 0), only.size));
            part.bounds = part.nodes.constFirst();
            edgeIndexOf.emplace_back();
        } else {
            GraphLayoutInput sub;
            std::vector<int> local(input.nodes.size(), -1);
            std::vector<int> groupIndex(input.groups.size(), -1);
            QList<int> groupOf; // sub group -> input group
            for (int i : members) {
                GraphLayoutInput::Node node = input.nodes[i];
                if (node.group >= 0 && node.group < int(groupIndex.size())) {
                    int &g = groupIndex[node.group];
                    if (g < 0) {
                        g = int(sub.groups.size());
                        sub.groups.append(input.groups[node.group]);
                        groupOf.append(node.group);
                    }
                    node.group = g;
                }
                local[i] = int(sub.nodes.size());
                sub.nodes.append(node);
            }
            QList<int> edgeOf; // sub edge -> input edge
            for (int e = 0; e < input.edges.size(); ++e) {
                const auto [from, to] = input.edges[e];
                if (from >= 0 && from < int(local.size()) && local[from] >= 0 && to >= 0 && to < int(local.size()) && local[to] >= 0) {
                    sub.edges.append({local[from], local[to]});
                    edgeOf.append(e);
                }
            }
            part = layoutConnected(sub);
            if (!part.isValid())
                return part;
            result.elapsedMs += part.elapsedMs;
            // Back to the input's numbering. Every edge of `sub` is valid, so they come back in its order.
            Q_ASSERT(part.edges.size() == edgeOf.size());
            for (GraphLayout::Edge &edge : part.edges) {
                edge.from = members[std::size_t(edge.from)];
                edge.to = members[std::size_t(edge.to)];
            }
            edgeIndexOf.push_back(edgeOf);
            for (GraphLayout::Cluster &cluster : part.clusters)
                cluster.group = groupOf[cluster.group];
        }
        laidOut.push_back(std::move(part));
    }

    // Rows as wide as a window of 16:10 holding everything would be, and never narrower than the
    // widest part; parts keep plan order, left to right, top to bottom.
    constexpr qreal kGap = 36;
    qreal area = 0;
    qreal widest = 0;
    for (const GraphLayout &part : laidOut) {
        area += (part.bounds.width() + kGap) * (part.bounds.height() + kGap);
        widest = std::max(widest, part.bounds.width());
    }
    const qreal rowWidth = std::max(widest, std::sqrt(area * 1.6));
    qreal x = 0;
    qreal y = 0;
    qreal rowHeight = 0;
    result.nodes.resize(input.nodes.size());
    std::vector<std::pair<int, GraphLayout::Edge>> edges; // by input edge index
    for (std::size_t c = 0; c < laidOut.size(); ++c) {
        GraphLayout &part = laidOut[c];
        if (x > 0 && x + part.bounds.width() > rowWidth) {
            x = 0;
            y += rowHeight + kGap;
            rowHeight = 0;
        }
        translate(part, QPointF(x, y) - part.bounds.topLeft());
        const std::vector<int> &members = parts.nodes[c];
        for (std::size_t i = 0; i < members.size(); ++i)
            result.nodes[members[i]] = part.nodes[qsizetype(i)];
        for (qsizetype k = 0; k < part.edges.size(); ++k)
            edges.emplace_back(edgeIndexOf[c][k], part.edges[k]);
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

} // namespace fanout
