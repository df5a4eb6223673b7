#include "engine/run/replay.h"

#include "engine/run/deployment.h"

#include <algorithm>

namespace fanout {

Replay::Replay(Deployment &deployment, Plan plan, QList<RunEvent> events, bool teardown, QDateTime startedAt, QObject *parent)
    : QObject(parent)
    , m_deployment(&deployment)
    , m_plan(std::move(plan))
    , m_events(std::move(events))
    , m_startedAt(std::move(startedAt))
    , m_teardown(teardown)
{
    // An attempt's end is stamped when its executor finished, a little before events already
    // recorded: the times are not quite in order, the journal's order is the one to keep.
    m_reachedMs.reserve(std::size_t(m_events.size()));
    qint64 reached = 0;
    for (const RunEvent &event : std::as_const(m_events)) {
        reached = std::max(reached, event.timeMs);
        m_reachedMs.push_back(reached);
    }
    m_durationMs = reached;
    m_timer.setInterval(kTickMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Replay::onTick);
    connect(&deployment, &Deployment::replayingChanged, this, [this](bool replaying) {
        if (!replaying && m_open) { // another plan was opened
            m_open = false;
            pause();
            emit closed();
        }
    });
}

Replay::~Replay()
{
    close();
}

bool Replay::open()
{
    if (!m_deployment || !m_deployment->startReplay(m_plan, m_durationMs, m_teardown, m_startedAt))
        return false;
    m_open = true;
    m_applied = 0;
    m_positionMs = -1;
    seek(m_durationMs);
    return true;
}

void Replay::close()
{
    if (!m_open)
        return;
    pause();
    m_open = false;
    if (m_deployment)
        m_deployment->closeReplay();
    emit closed();
}

void Replay::seek(qint64 ms)
{
    if (!m_open || !m_deployment)
        return;
    ms = std::clamp<qint64>(ms, 0, m_durationMs);
    const int upTo = int(std::upper_bound(m_reachedMs.begin(), m_reachedMs.end(), ms) - m_reachedMs.begin());
    if (upTo < m_applied) {
        m_deployment->rewindReplay();
        m_applied = 0;
    }
    m_deployment->replayEvents(m_events.mid(m_applied, upTo - m_applied), ms);
    m_applied = upTo;
    if (ms == m_positionMs)
        return;
    m_positionMs = ms;
    emit positionChanged(ms);
}

void Replay::play()
{
    if (!m_open || isPlaying())
        return;
    if (m_positionMs >= m_durationMs)
        seek(0);
    m_playMs = double(m_positionMs);
    m_clock.start();
    m_timer.start();
    emit playingChanged(true);
}

void Replay::pause()
{
    if (!isPlaying())
        return;
    m_timer.stop();
    emit playingChanged(false);
}

void Replay::setSpeed(int times)
{
    m_speed = std::clamp(times, kMinSpeed, kMaxSpeed);
}

void Replay::onTick()
{
    m_playMs += double(m_clock.restart()) * m_speed;
    seek(qint64(m_playMs));
    if (m_positionMs >= m_durationMs)
        pause();
}

} // namespace fanout
