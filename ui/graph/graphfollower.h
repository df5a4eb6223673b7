#pragma once

#include "engine/run/runevent.h"

#include <QList>
#include <QObject>
#include <QPointF>
#include <QSet>
#include <QTimer>
#include <QVariantAnimation>

namespace fanout {

class Deployment;
class GraphView;

// Follow the run: while a run goes on, keeps the resources that are running and those that failed
// in this run in the view's sight, zooming out as far as names stay readable, moving smoothly and
// at most once a second. On by default; off as soon as the user pans or zooms (GraphView::
// userMoved), and setFollowing() turns it on again (the Graph pane's Follow button).
//
// Failures that cannot be in view (the user looks elsewhere, or they are too far apart to be shown
// readable together) are listed by failuresOutOfSight(), for the pane's notice.
class GraphFollower : public QObject
{
    Q_OBJECT

public:
    GraphFollower(GraphView &view, Deployment &deployment, QObject *parent = nullptr);
    ~GraphFollower() override;

    bool isFollowing() const { return m_following; }
    void setFollowing(bool following);
    // Failed in this run (and not retried since), and not wholly in view now; in the order they failed.
    QList<int> failuresOutOfSight() const;
    bool isMoving() const; // an animated move is under way

    static constexpr int kIntervalMs = 1000; // at most one move a second
    static constexpr int kMoveMs = 400;      // how long a move takes
    static constexpr qreal kReadableZoom = 0.6;

public slots:
    void follow(); // one step now: moves the view if what it follows is not in sight
    void updateOutOfSight(); // failuresOutOfSight() again, after the view moved

signals:
    void followingChanged(bool following);
    void failuresOutOfSightChanged();

private:
    void onEvents(const QList<fanout::RunEvent> &events);
    void onRunStarted();
    void moveTo(QPointF centre, qreal zoom);

    GraphView &m_view;
    Deployment &m_deployment;
    QTimer m_timer;
    QVariantAnimation m_move; // 0..1 from where the view was to where it goes
    QPointF m_fromCentre, m_toCentre;
    qreal m_fromZoom = 1, m_toZoom = 1;
    QSet<int> m_running;
    QList<int> m_failed; // in this run, in the order they failed
    QList<int> m_outOfSight;
    bool m_following = true;
};

} // namespace fanout
