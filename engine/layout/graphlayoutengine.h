#pragma once

#include "engine/layout/graphlayout.h"

#include <QList>
#include <QSizeF>

#include <vector>

struct GVC_s;

namespace fanout {

// Graphviz's "dot" layout of a GraphLayoutInput. Graphviz (libgvc and libcgraph) keeps global
// state, so this class is not thread-safe, not even across instances: use it only through
// GraphLayouter, which runs every layout on one thread of its own.
class GraphLayoutEngine
{
public:
    GraphLayoutEngine();
    ~GraphLayoutEngine();
    GraphLayoutEngine(const GraphLayoutEngine &) = delete;
    GraphLayoutEngine &operator=(const GraphLayoutEngine &) = delete;

    // Never fails silently: a plan Graphviz cannot lay out comes back with GraphLayout::error set.
    // Pinned nodes are laid out like the others, then moved to their pins (GraphLayout::applyPins).
    GraphLayout layout(const GraphLayoutInput &input);

    // Above this many nodes dot is told to trade some beauty for speed (see the .cpp).
    static constexpr int kLargeGraph = 300;
    // Auto keeps a drawing that fits in this much (points, at 100%) top to bottom, whatever its shape.
    static constexpr QSizeF kSmallDrawing = QSizeF(1600, 1000);

private:
    // The layout without pins, in the direction asked for or the one that fits the window.
    GraphLayout layoutInDirection(const GraphLayoutInput &input);
    // The layout without pins, top to bottom: each connected part on its own, the parts packed in rows.
    GraphLayout layoutParts(const GraphLayoutInput &input);
    GraphLayout layoutPart(const GraphLayoutInput &input, const std::vector<int> &members, QList<int> *edgeIndexOf);
    // One part, its fan-outs and modules packed in grids (GridPacker).
    GraphLayout layoutConnected(const GraphLayoutInput &input);
    // One Graphviz layout of the whole input, as it is.
    GraphLayout layoutDot(const GraphLayoutInput &input);

    GVC_s *m_context = nullptr;
    QString m_contextError; // why there is no context or no dot plugin
};

} // namespace fanout
