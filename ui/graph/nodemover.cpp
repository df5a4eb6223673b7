#include "ui/graph/nodemover.h"

#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphnodeitem.h"

#include <QEasingCurve>

namespace fanout {

NodeMover::NodeMover(QObject *parent)
    : QObject(parent)
{
    m_animation.setStartValue(0.0);
    m_animation.setEndValue(1.0);
    m_animation.setDuration(kDurationMs);
    m_animation.setEasingCurve(QEasingCurve::OutCubic);
    connect(&m_animation, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) { step(value.toReal()); });
    connect(&m_animation, &QVariantAnimation::finished, this, &NodeMover::finish);
}

bool NodeMover::start(const QList<Move> &moves, const QList<GraphEdgeItem *> &edges)
{
    finish();
    if (moves.isEmpty() || moves.size() > kMostNodes)
        return false;
    m_moves = moves;
    m_ends.clear();
    for (const Move &move : moves)
        m_ends.append(move.node->pos());
    for (GraphEdgeItem *edge : edges) {
        if (edge->isVisible()) {
            edge->setVisible(false);
            m_hidden.append(edge);
        }
    }
    step(0);
    m_animation.start();
    return true;
}

void NodeMover::step(qreal progress)
{
    for (int i = 0; i < m_moves.size(); ++i)
        m_moves[i].node->setPos(m_ends[i] + (1 - progress) * m_moves[i].offset);
}

void NodeMover::finish()
{
    if (m_moves.isEmpty())
        return;
    m_animation.stop();
    step(1);
    for (GraphEdgeItem *edge : std::as_const(m_hidden))
        edge->setVisible(true);
    forget();
    emit finished();
}

void NodeMover::forget()
{
    m_animation.stop();
    m_moves.clear();
    m_ends.clear();
    m_hidden.clear();
}

} // namespace fanout
