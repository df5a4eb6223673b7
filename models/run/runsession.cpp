#include "models/run/runsession.h"

#include "engine/state/destroyplan.h"
#include "engine/executors/executorregistry.h"
#include "engine/run/staterecorder.h"

#include <QFileInfo>

#include <algorithm>

namespace fanout {

RunSession::RunSession(const ExecutorRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_scheduler(std::make_unique<Scheduler>(registry))
    , m_graph(std::make_unique<PlanGraph>(m_plan))
{
    connect(m_scheduler.get(), &Scheduler::eventsRecorded, this, [this](const QList<RunEvent> &events) {
        // A retry of a finished run starts it again: the panes treat that like a start.
        for (const RunEvent &event : events) {
            if (event.kind == RunEvent::Kind::RunResumed)
                emit runStarted();
        }
        emit eventsRecorded(events);
    });
    connect(m_scheduler.get(), &Scheduler::finished, this, [this] {
        // The recorder has seen the run's last events (flushed before finished()): what is up to
        // date now is what the next run would skip.
        updateProvisioning();
        emit runFinished();
    });
}

RunSession::~RunSession() = default;

bool RunSession::moveStateTo(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (path == m_statePath)
        return true;
    if (isRunning())
        return refuse(tr("a run is in progress"));
    if (!isStateReadable())
        return refuse(tr("the state file %1 cannot be read").arg(m_statePath));
    if (QFileInfo::exists(path))
        return refuse(tr("%1 already exists and is not overwritten").arg(path));
    if (!m_state.isEmpty()) {
        if (const Expected<void> saved = m_state.save(path); !saved)
            return refuse(tr("cannot write %1: %2").arg(path, saved.error()));
    }
    m_statePath = path;
    return true;
}

void RunSession::setPlan(const Plan &plan, const QString &file, const QString &statePath)
{
    Q_ASSERT(!isRunning());
    m_recorder.reset();
    m_file = file;
    m_originalPlan = plan;
    m_statePath = statePath;
    m_state = DeploymentState();
    m_stateError.clear();
    if (!statePath.isEmpty()) {
        const DeploymentState::ReadResult read = DeploymentState::read(statePath);
        if (read.hasErrors()) {
            // Not used, and never overwritten: running would forget what it records.
            QStringList lines;
            for (const Diagnostic &d : read.diagnostics) {
                if (d.isError())
                    lines.append(d.toString(statePath));
            }
            m_stateError = lines.join(QLatin1Char('\n'));
        } else {
            m_state = read.state;
        }
    }
    const bool parallelismChanges = m_parallelism != plan.parallelism;
    const bool failFastChanges = m_failFast != plan.failFast;
    m_parallelism = plan.parallelism;
    m_failFast = plan.failFast;
    showPlan(plan, false);
    if (parallelismChanges)
        emit parallelismChanged(m_parallelism);
    if (failFastChanges)
        emit failFastChanged(m_failFast);
}

void RunSession::showPlan(const Plan &plan, bool teardown)
{
    m_plan = plan;
    m_teardown = teardown;
    m_graph = std::make_unique<PlanGraph>(m_plan);
    m_estimates.clear();
    for (const Resource &resource : m_plan.resources)
        m_estimates.push_back(m_registry.estimateMs(resource));
    m_hasRun = false;
    m_selected = -1;
    updateProvisioning();
    emit planChanged();
    emit selectionChanged(-1);
}

void RunSession::updateProvisioning()
{
    // A teardown has nothing up to date; an unreadable state is not used.
    if (m_teardown)
        m_provisioning = ProvisioningPlan();
    else
        m_provisioning = ProvisioningPlan::build(m_plan, isStateReadable() ? m_state : DeploymentState());
}

bool RunSession::isProvisioned(int resource) const
{
    return resource >= 0 && resource < m_provisioning.changes.size()
        && m_provisioning.changes[resource] == DeploymentState::Change::UpToDate;
}

QString RunSession::provisioningSummary() const
{
    return tr("%1 to create, %2 to replace, %3 up to date")
        .arg(m_provisioning.toCreate)
        .arg(m_provisioning.changed + m_provisioning.forced)
        .arg(m_provisioning.upToDate);
}

int RunSession::destroyCount() const
{
    return isStateReadable() ? m_state.size() : 0;
}

QString RunSession::stateSaveError() const
{
    return m_recorder ? m_recorder->lastError() : QString();
}

bool RunSession::isRunning() const
{
    return m_hasRun && m_scheduler->isRunning();
}

ResourceStatus RunSession::status(int resource) const
{
    if (m_hasRun)
        return m_scheduler->status(resource);
    ResourceStatus status;
    if (const auto it = m_provisioning.provisioned.constFind(resource); it != m_provisioning.provisioned.cend()) {
        // As the scheduler will start it.
        status.state = ResourceState::Succeeded;
        status.reason = QStringLiteral("up to date: provisioned by an earlier run");
        status.outputs = *it;
    }
    return status;
}

ResourceState RunSession::state(int resource) const
{
    if (m_hasRun)
        return m_scheduler->status(resource).state;
    return m_provisioning.isUpToDate(resource) ? ResourceState::Succeeded : ResourceState::Pending;
}

int RunSession::count(ResourceState state) const
{
    if (m_hasRun)
        return m_scheduler->count(state);
    const int upToDate = int(m_provisioning.provisioned.size());
    if (state == ResourceState::Succeeded)
        return upToDate;
    return state == ResourceState::Pending ? resourceCount() - upToDate : 0;
}

qint64 RunSession::elapsedMs() const
{
    return m_hasRun ? m_scheduler->elapsedMs() : 0;
}

const std::vector<RunEvent> &RunSession::journal() const
{
    return m_hasRun ? m_scheduler->journal() : m_noEvents;
}

qint64 RunSession::estimatedRemainingMs() const
{
    if (!m_hasRun)
        return -1;
    if (!isRunning())
        return 0;
    // What is left of each resource: nothing once final, the rest of its estimate while running.
    const int n = resourceCount();
    const qint64 now = elapsedMs();
    std::vector<qint64> left(n, 0);
    qint64 work = 0;
    for (int r = 0; r < n; ++r) {
        const ResourceStatus &s = m_scheduler->status(r);
        if (isFinal(s.state))
            continue;
        left[r] = m_estimates[r];
        if (s.state == ResourceState::Running && !s.attempts.isEmpty())
            left[r] = std::max<qint64>(0, m_estimates[r] - (now - s.attempts.constLast().startMs));
        work += left[r];
    }
    const std::vector<qint64> paths = m_graph->remainingPathLengths(left);
    const qint64 longest = paths.empty() ? 0 : *std::max_element(paths.begin(), paths.end());
    return std::max(longest, work / std::max(1, m_parallelism));
}

bool RunSession::start()
{
    return provision({}, false);
}

bool RunSession::startAll()
{
    return provision({}, true);
}

bool RunSession::replace(const QStringList &ids)
{
    return provision(ids, false);
}

bool RunSession::provision(const QStringList &replace, bool all)
{
    if (isRunning() || !isStateReadable())
        return false;
    // After a teardown, the plan as opened comes back: what was destroyed is to be created again.
    if (m_teardown)
        showPlan(m_originalPlan, false);
    if (m_plan.resources.isEmpty())
        return false;
    const ProvisioningPlan provisioning = ProvisioningPlan::build(m_plan, m_state, replace, all);
    if (provisioning.toRun() == 0)
        return false;
    m_provisioning = provisioning;
    RunOptions options;
    options.provisioned = provisioning.provisioned;
    return startRun(options, false);
}

bool RunSession::destroy(QString *message)
{
    auto fail = [message](const QString &text) {
        if (message)
            *message = text;
        return false;
    };
    if (isRunning())
        return fail(tr("A run is in progress"));
    if (!isStateReadable())
        return fail(tr("Cannot read the state file:\n%1").arg(m_stateError));
    if (m_state.isEmpty())
        return fail(tr("Nothing to destroy: no resources are recorded."));
    // Destroying is not undoable: the state of another plan must not be torn down by mistake.
    if (!m_state.planName().isEmpty() && m_state.planName() != m_originalPlan.name) {
        return fail(tr("The state file %1 records the plan \"%2\", not \"%3\"; nothing was destroyed.")
                        .arg(m_statePath, m_state.planName(), m_originalPlan.name));
    }
    const DestroyPlan teardown = DestroyPlan::build(m_originalPlan, m_state);
    // The destroy actions come from the state file, which may be older than this Fanout or edited
    // by hand: checked as a plan's resources are, before anything is torn down.
    const Diagnostics problems = teardown.check(m_registry);
    if (errorCount(problems) > 0) {
        QStringList lines;
        for (const Diagnostic &d : problems) {
            if (d.isError())
                lines.append(d.toString(m_statePath.isEmpty() ? m_file : m_statePath));
        }
        return fail(tr("Nothing was destroyed; fix these destroy actions:\n%1").arg(lines.join(QLatin1Char('\n'))));
    }

    QString forgotten;
    if (!teardown.forgotten.isEmpty()) {
        for (const QString &id : teardown.forgotten)
            m_state.remove(id);
        forgotten = tr("Nothing to run to destroy %1: removed from the state.").arg(teardown.forgotten.join(QStringLiteral(", ")));
        if (!m_statePath.isEmpty()) {
            if (const Expected<void> saved = m_state.save(m_statePath); !saved)
                return fail(tr("Cannot write the state file %1: %2").arg(m_statePath, saved.error()));
        }
    }
    if (message)
        *message = forgotten;
    if (teardown.plan.resources.isEmpty()) {
        // Only forgotten: the plan shows again with everything to create.
        showPlan(m_originalPlan, false);
        return false;
    }
    showPlan(teardown.plan, true);
    RunOptions options;
    options.knownOutputs = teardown.knownOutputs;
    return startRun(options, true);
}

bool RunSession::startRun(RunOptions options, bool teardown)
{
    options.parallelism = m_parallelism;
    options.failFast = m_failFast;
    // Recorded as it goes, like `fanout run` and `fanout destroy` do: connected after the panes'
    // forwarding, and before the scheduler's first events (announced from within start()).
    m_recorder = std::make_unique<StateRecorder>(*m_scheduler, m_state, m_statePath,
                                                 teardown ? StateRecorder::Mode::Destroy : StateRecorder::Mode::Create);
    m_state.setPlanName(m_originalPlan.name);
    connect(m_scheduler.get(), &Scheduler::eventsRecorded, m_recorder.get(), &StateRecorder::onEvents);
    connect(m_recorder.get(), &StateRecorder::saveFailed, this, &RunSession::stateSaveFailed);
    // The scheduler announces the run's first events from within start(): by then the panes must
    // already see this run's status and journal.
    const bool hadRun = m_hasRun;
    m_hasRun = true;
    if (!m_scheduler->start(m_plan, options)) {
        m_hasRun = hadRun;
        m_recorder.reset();
        return false;
    }
    emit runStarted();
    return true;
}

void RunSession::cancel()
{
    if (isRunning())
        m_scheduler->cancel();
}

int RunSession::retry(const QStringList &ids)
{
    return m_hasRun ? m_scheduler->retry(ids) : 0;
}

int RunSession::retryFailed()
{
    return retry(failedIds());
}

int RunSession::retryWithDependents(int resource)
{
    if (!canRetry(resource))
        return 0;
    QStringList ids{m_plan.resources[resource].id};
    for (int r : m_graph->downstream(resource)) {
        if (canRetry(r))
            ids.append(m_plan.resources[r].id);
    }
    return retry(ids);
}

QStringList RunSession::failedIds() const
{
    return m_hasRun ? m_scheduler->failedIds() : QStringList();
}

bool RunSession::canRetry(int resource) const
{
    if (!m_hasRun || resource < 0 || resource >= resourceCount())
        return false;
    const ResourceState s = state(resource);
    return s == ResourceState::Failed || s == ResourceState::Cancelled;
}

void RunSession::setParallelism(int limit)
{
    limit = std::max(1, limit);
    if (limit == m_parallelism)
        return;
    m_parallelism = limit;
    if (m_hasRun)
        m_scheduler->setParallelism(limit);
    emit parallelismChanged(limit);
}

void RunSession::setFailFast(bool failFast)
{
    if (failFast == m_failFast)
        return;
    m_failFast = failFast;
    if (m_hasRun)
        m_scheduler->setFailFast(failFast);
    emit failFastChanged(failFast);
}

void RunSession::select(int resource)
{
    if (resource < -1 || resource >= resourceCount())
        resource = -1;
    if (resource == m_selected)
        return;
    m_selected = resource;
    emit selectionChanged(resource);
}

} // namespace fanout
