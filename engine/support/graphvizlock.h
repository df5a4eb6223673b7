#pragma once

class QMutex;

namespace fanout {

// Graphviz (libcgraph and libgvc) keeps global state: the DOT parser, the error handler, the
// plugin registry. Every call into it, whether a layout on GraphLayouter's thread or an importer
// reading `terraform graph` output on the GUI thread, holds this mutex, so that two never overlap.
QMutex &graphvizMutex();

} // namespace fanout
