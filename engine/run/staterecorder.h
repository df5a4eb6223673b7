#pragma once

#include "engine/run/runevent.h"

#include <QObject>
#include <QString>

namespace fanout {

class DeploymentState;
class Scheduler;

// Keeps a DeploymentState up to date while a Scheduler runs, saving it after every burst of events
// in which a resource finished, so that a crash loses at most what was in flight. Creating: each
// resource that succeeds by running is recorded (resources that were up to date did not run and
// stay as they were). Destroying: each resource whose teardown succeeds is removed.
class StateRecorder : public QObject
{
    Q_OBJECT

public:
    enum class Mode : quint8 { Create, Destroy };

    // `path` empty: the state is kept in memory only (the built-in demo). The scheduler and the
    // state must outlive the recorder.
    StateRecorder(const Scheduler &scheduler, DeploymentState &state, const QString &path, Mode mode,
                  QObject *parent = nullptr);

    void onEvents(const QList<fanout::RunEvent> &events);

    bool save(); // now; false and lastError() when the file cannot be written
    QString lastError() const { return m_lastError; } // empty once a save succeeds again
    int recorded() const { return m_recorded; }      // resources recorded or removed so far

signals:
    // Each time saving fails (the run goes on; the state is saved again on the next change).
    void saveFailed(const QString &error);

private:
    const Scheduler &m_scheduler;
    DeploymentState &m_state;
    const QString m_path;
    const Mode m_mode;
    QString m_lastError;
    int m_recorded = 0;
};

} // namespace fanout
