#pragma once

#include "engine/plan/plan.h"
#include "engine/run/runevent.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <vector>

namespace fanout {

class Deployment;

// Moves through a recorded run (RunHistory::RecordedRun) shown on a Deployment in replay mode:
// the recorded events up to a moment are applied as the run applied them, so that every view
// following the Deployment (graph, timeline, resources, logs) shows that moment unchanged. Moving
// forward applies only the new events; moving back starts again from the beginning (cheap: a
// recorded run of hundreds of resources has a few thousand events). Play moves forward in real
// time, 1x to 60x. Destroying the Replay closes it: the Deployment shows the open plan again.
class Replay : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMinSpeed = 1;
    static constexpr int kMaxSpeed = 60;
    static constexpr int kTickMs = 16;

    // `startedAt`: when the run started (UTC), for the times of its log lines.
    Replay(Deployment &deployment, Plan plan, QList<RunEvent> events, bool teardown = false, QDateTime startedAt = {},
           QObject *parent = nullptr);
    ~Replay() override;

    // Shows the run as it ended. False when the Deployment is running a plan.
    bool open();
    bool isOpen() const { return m_open; }
    void close(); // the open plan again

    qint64 durationMs() const { return m_durationMs; }
    qint64 positionMs() const { return m_positionMs; }
    // Shows the moment `ms` (clamped to the run) on the Deployment.
    void seek(qint64 ms);

    void play(); // from the start when at the end
    void pause();
    bool isPlaying() const { return m_timer.isActive(); }
    int speed() const { return m_speed; }
    void setSpeed(int times); // kMinSpeed..kMaxSpeed times real time

signals:
    void positionChanged(qint64 ms);
    void playingChanged(bool playing);
    void closed();

private:
    void onTick();

    QPointer<Deployment> m_deployment; // a window going away may take it first
    Plan m_plan;
    QList<RunEvent> m_events;
    std::vector<qint64> m_reachedMs; // event i applies once the position reaches it (a running maximum of times)
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_durationMs = 0;
    qint64 m_positionMs = 0;
    double m_playMs = 0; // the position while playing, with what a tick adds below a millisecond
    int m_applied = 0;   // events applied so far
    int m_speed = 10;
    QDateTime m_startedAt;
    bool m_teardown = false;
    bool m_open = false;
};

} // namespace fanout
