#pragma once

#include "engine/layout/graphlayout.h"

#include <QObject>

#include <memory>

namespace fanout {

class GraphLayoutThread;

// Lays out plan graphs in the background. Graphviz is not thread-safe, so every layout of the
// process runs on one thread of its own, shared by all layouters; the caller's thread never waits.
// A request supersedes any of this layouter's requests that have not started yet, so a burst of
// requests (a plan reloaded while it is edited) costs one layout, the newest.
class GraphLayouter : public QObject
{
    Q_OBJECT

public:
    explicit GraphLayouter(QObject *parent = nullptr);
    ~GraphLayouter() override; // waits for a layout that is running

    // Thread-safe. Returns the request's generation, which laidOut() will carry; generations grow.
    quint64 request(GraphLayoutInput input);
    quint64 latestGeneration() const; // of the last request made

signals:
    // Delivered on this object's thread. Only the newest pending request is laid out, so some
    // generations never arrive; a generation older than latestGeneration() is already stale.
    void laidOut(quint64 generation, const fanout::GraphLayout &layout);

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;             // also held by queued layout jobs
    std::shared_ptr<GraphLayoutThread> m_thread;  // shared with every other layouter
};

} // namespace fanout
