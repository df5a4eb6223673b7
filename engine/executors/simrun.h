#pragma once

#include "engine/executors/simexecutor.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

QT_BEGIN_NAMESPACE
class QThreadPool;
class QTimer;
QT_END_NAMESPACE

namespace fanout {

class Attempt;

// One attempt of a sim resource: writes its lines when they are due and ends when its time is up.
// One that takes time waits on a timer of the thread that started it (the scheduler's), so that ten
// thousand sleeping sim attempts hold no thread each; one that takes none runs at once on the pool.
class SimRun final : public QObject
{
    Q_OBJECT

public:
    static void start(std::shared_ptr<Attempt> attempt, const SimExecutor::Spec &spec, QThreadPool &pool);

private:
    SimRun(std::shared_ptr<Attempt> attempt, const SimExecutor::Spec &spec);

    // Writes every line due by now and ends the attempt when its time is up; else returns how long
    // until the next thing is due.
    qint64 advance();
    void onTimer();
    void stop();
    void logLine(int line);
    void conclude();

    const std::shared_ptr<Attempt> m_attempt;
    const SimExecutor::Spec m_spec;
    qint64 m_durationMs = 0;
    bool m_fails = false;
    int m_lineCount = 0;
    int m_nextLine = 0;
    bool m_finished = false;
    QElapsedTimer m_clock;
    QTimer *m_timer = nullptr; // only for an attempt that takes time
};

} // namespace fanout
