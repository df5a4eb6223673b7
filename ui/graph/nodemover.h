#pragma once

#include <QList>
#include <QObject>
#include <QPointF>
#include <QVariantAnimation>

namespace fanout {

class GraphEdgeItem;
class GraphNodeItem;

// Moves nodes from where an edit's previous layout had them to where the new one puts them, in
// kDurationMs, easing out, so that a structural edit reads as a change rather than a new picture.
// The edges, which belong to the new places, are hidden until the nodes arrive.
class NodeMover : public QObject
{
    Q_OBJECT

public:
    explicit NodeMover(QObject *parent = nullptr);

    static constexpr int kDurationMs = 200;
    // More nodes than this are not animated: they are drawn where they go at once.
    static constexpr int kMostNodes = 2000;

    struct Move
    {
        GraphNodeItem *node = nullptr;
        QPointF offset; // from where it ends to where it starts, in scene units
    };
    // Starts moving `moves`' nodes from their offsets to where they are now; returns false (and
    // does nothing) when there is nothing to move or too much.
    bool start(const QList<Move> &moves, const QList<GraphEdgeItem *> &edges);
    // Puts every node where it goes and shows the edges, at once.
    void finish();
    // The items are about to be deleted: forget them without touching them.
    void forget();
    bool isMoving() const { return !m_moves.isEmpty(); }

signals:
    void finished();

private:
    void step(qreal progress);

    QVariantAnimation m_animation;
    QList<Move> m_moves;
    QList<QPointF> m_ends; // each node's position when it has arrived
    QList<GraphEdgeItem *> m_hidden;
};

} // namespace fanout
