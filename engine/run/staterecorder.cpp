#include "engine/run/staterecorder.h"

#include "engine/run/scheduler.h"
#include "engine/state/deploymentstate.h"

namespace fanout {

StateRecorder::StateRecorder(const Scheduler &scheduler, DeploymentState &state, const QString &path, Mode mode,
                             QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_state(state)
    , m_path(path)
    , m_mode(mode)
{
}

void StateRecorder::onEvents(const QList<RunEvent> &events)
{
    bool changed = false;
    for (const RunEvent &event : events) {
        if (event.kind != RunEvent::Kind::StateChanged || event.state != ResourceState::Succeeded || event.resource < 0)
            continue;
        const int r = event.resource;
        const Resource &resource = m_scheduler.plan().resources[r];
        if (m_mode == Mode::Destroy) {
            changed = m_state.remove(resource.id) || changed;
            ++m_recorded;
            continue;
        }
        // A resource that was up to date succeeds without an attempt; its entry stays as it was,
        // creation time included.
        if (m_scheduler.status(r).attempts.isEmpty())
            continue;
        m_state.recordCreated(resource, m_scheduler.status(r).outputs, m_scheduler.plan(), [this](const QString &id) {
            const int from = m_scheduler.plan().indexOf(id);
            return from < 0 ? QMap<QString, QString>() : m_scheduler.status(from).outputs;
        });
        ++m_recorded;
        changed = true;
    }
    if (changed)
        save();
}

bool StateRecorder::save()
{
    if (m_path.isEmpty())
        return true;
    if (const Expected<void> saved = m_state.save(m_path); !saved) {
        m_lastError = saved.error().isEmpty() ? QStringLiteral("unknown error") : saved.error();
        emit saveFailed(m_lastError);
        return false;
    }
    m_lastError.clear();
    return true;
}

} // namespace fanout
