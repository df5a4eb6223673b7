#include "runsession.h"

#include "executorregistry.h"

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
    connect(m_scheduler.get(), &Scheduler::finished, this, &RunSession::runFinished);
}

RunSession::~RunSession() = default;

void RunSession::setPlan(const Plan &plan, const QString &file)
{
    Q_ASSERT(!isRunning());
    m_plan = plan;
    m_file = file;
    m_graph = std::make_unique<PlanGraph>(m_plan);
    m_estimates.clear();
    for (const Resource &resource : m_plan.resources)
        m_estimates.push_back(m_registry.estimateMs(resource));
    m_hasRun = false;
    m_selected = -1;
    const bool parallelismChanges = m_parallelism != plan.parallelism;
    const bool failFastChanges = m_failFast != plan.failFast;
    m_parallelism = plan.parallelism;
    m_failFast = plan.failFast;
    emit planChanged();
    emit selectionChanged(-1);
    if (parallelismChanges)
        emit parallelismChanged(m_parallelism);
    if (failFastChanges)
        emit failFastChanged(m_failFast);
}

bool RunSession::isRunning() const
{
    return m_hasRun && m_scheduler->isRunning();
}

ResourceStatus RunSession::status(int resource) const
{
    return m_hasRun ? m_scheduler->status(resource) : ResourceStatus();
}

ResourceState RunSession::state(int resource) const
{
    return m_hasRun ? m_scheduler->status(resource).state : ResourceState::Pending;
}

int RunSession::count(ResourceState state) const
{
    if (m_hasRun)
        return m_scheduler->count(state);
    return state == ResourceState::Pending ? resourceCount() : 0;
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
    if (isRunning() || m_plan.resources.isEmpty())
        return false;
    RunOptions options;
    options.parallelism = m_parallelism;
    options.failFast = m_failFast;
    // The scheduler announces the run's first events from within start(): by then the panes must
    // already see this run's status and journal.
    const bool hadRun = m_hasRun;
    m_hasRun = true;
    if (!m_scheduler->start(m_plan, options)) {
        m_hasRun = hadRun;
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
