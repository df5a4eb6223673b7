#include "ui/graph/graphfollower.h"

#include "engine/run/deployment.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"

#include <QEasingCurve>
#include <QScrollBar>

#include <algorithm>

namespace fanout {

namespace {

constexpr qreal kFollowMargin = 40; // pixels around what is followed

} // namespace

GraphFollower::GraphFollower(GraphView &view, Deployment &deployment, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_deployment(deployment)
{
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &GraphFollower::follow);
    m_move.setDuration(kMoveMs);
    m_move.setStartValue(0.0);
    m_move.setEndValue(1.0);
    m_move.setEasingCurve(QEasingCurve::InOutCubic);
    connect(&m_move, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) {
        const qreal t = value.toReal();
        m_view.setView(m_fromCentre + (m_toCentre - m_fromCentre) * t, m_fromZoom + (m_toZoom - m_fromZoom) * t);
    });
    connect(&m_move, &QVariantAnimation::finished, this, &GraphFollower::updateOutOfSight);
    // A move that zooms draws the graph the quick way while it lasts (a frame in half the time).
    connect(&m_move, &QAbstractAnimation::stateChanged, this, [this](QAbstractAnimation::State now) {
        m_view.graphScene()->setZooming(now == QAbstractAnimation::Running && !qFuzzyCompare(m_fromZoom, m_toZoom));
    });
    connect(&m_view, &GraphView::userMoved, this, [this] { setFollowing(false); });
    connect(&m_deployment, &Deployment::runStarted, this, &GraphFollower::onRunStarted);
    connect(&m_deployment, &Deployment::eventsRecorded, this, &GraphFollower::onEvents);
    connect(&m_deployment, &Deployment::runFinished, this, [this] {
        m_timer.stop();
        m_running.clear();
        follow(); // the failures at the end, in sight
    });
    connect(&m_deployment, &Deployment::planChanged, this, [this] {
        m_running.clear();
        m_failed.clear();
        updateOutOfSight();
    });
}

GraphFollower::~GraphFollower()
{
    // A move under way stops as the animation goes, and says so: the view may be gone by then.
    m_move.disconnect(this);
}

void GraphFollower::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    if (!following)
        m_move.stop();
    emit followingChanged(following);
    if (following)
        follow();
}

bool GraphFollower::isMoving() const
{
    return m_move.state() == QAbstractAnimation::Running;
}

void GraphFollower::onRunStarted()
{
    // A retry is a new run too: what failed before and runs again is no longer a failure.
    m_running.clear();
    m_failed.clear();
    m_timer.start();
    updateOutOfSight();
}

void GraphFollower::onEvents(const QList<RunEvent> &events)
{
    bool failuresChanged = false;
    for (const RunEvent &event : events) {
        if (event.kind != RunEvent::Kind::StateChanged || event.resource < 0)
            continue;
        if (event.state == ResourceState::Running)
            m_running.insert(event.resource);
        else
            m_running.remove(event.resource);
        if (event.state == ResourceState::Failed) {
            if (!m_failed.contains(event.resource))
                m_failed.append(event.resource);
            failuresChanged = true;
        } else if (m_failed.removeOne(event.resource)) {
            failuresChanged = true;
        }
    }
    if (failuresChanged)
        updateOutOfSight();
}

void GraphFollower::follow()
{
    if (!m_following || isMoving())
        return updateOutOfSight();
    QRectF running, failed;
    // A resource of a collapsed group is where its group's summary is.
    const GraphScene *scene = m_view.graphScene();
    for (int r : std::as_const(m_running)) {
        if (const QGraphicsItem *item = scene->itemShowing(r))
            running |= item->sceneBoundingRect();
    }
    for (int r : std::as_const(m_failed)) {
        if (const QGraphicsItem *item = scene->itemShowing(r))
            failed |= item->sceneBoundingRect();
    }
    const QRectF wanted = running | failed;
    if (wanted.isNull())
        return updateOutOfSight();
    const QSizeF viewport = QSizeF(m_view.viewport()->size()) - QSizeF(2 * kFollowMargin, 2 * kFollowMargin);
    const QRectF visible = m_view.mapToScene(m_view.viewport()->rect().adjusted(kFollowMargin, kFollowMargin, -kFollowMargin, -kFollowMargin)).boundingRect();
    if (visible.contains(wanted))
        return updateOutOfSight();
    const auto zoomToShow = [&](const QRectF &rect) {
        return std::min({m_view.zoom(), viewport.width() / std::max(rect.width(), 1.0), viewport.height() / std::max(rect.height(), 1.0)});
    };
    // Everything, if names can still be read so; else the failures; else the newest failure.
    QRectF target = wanted;
    if (zoomToShow(target) < kReadableZoom && !failed.isNull())
        target = failed;
    if (zoomToShow(target) < kReadableZoom && !m_failed.isEmpty()) {
        if (const QGraphicsItem *item = scene->itemShowing(m_failed.constLast()))
            target = item->sceneBoundingRect();
    }
    const qreal zoom = std::max(zoomToShow(target), std::min(kReadableZoom, m_view.zoom()));
    moveTo(target.center(), zoom);
}

void GraphFollower::moveTo(QPointF centre, qreal zoom)
{
    m_fromCentre = m_view.mapToScene(m_view.viewport()->rect().center());
    m_fromZoom = m_view.zoom();
    m_toCentre = centre;
    m_toZoom = zoom;
    m_move.stop();
    m_move.start();
}

QList<int> GraphFollower::failuresOutOfSight() const
{
    return m_outOfSight;
}

void GraphFollower::updateOutOfSight()
{
    const QRectF visible = m_view.mapToScene(m_view.viewport()->rect()).boundingRect();
    QList<int> outOfSight;
    for (int r : std::as_const(m_failed)) {
        const QGraphicsItem *item = m_view.graphScene()->itemShowing(r);
        if (item && !visible.contains(item->sceneBoundingRect()))
            outOfSight.append(r);
    }
    if (outOfSight != m_outOfSight) {
        m_outOfSight = outOfSight;
        emit failuresOutOfSightChanged();
    }
}

} // namespace fanout
