#include "engine/run/scheduler.h"

#include "engine/executors/attempt.h"
#include "engine/executors/attemptmailbox.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/plan/references.h"
#include "engine/support/duration.h"
#include "engine/support/handover.h"

#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

namespace fanout {

Scheduler::Scheduler(const ExecutorRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
{
    qRegisterMetaType<fanout::RunEvent>();
    qRegisterMetaType<QList<fanout::RunEvent>>();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Scheduler::onTimer);
}

Scheduler::~Scheduler()
{
    if (m_mailbox)
        m_mailbox->close();
    for (InFlight &inFlight : m_inFlight) {
        if (inFlight.attempt)
            inFlight.attempt->requestStop();
    }
    m_workers.threads().waitForDone();
}

const Plan &Scheduler::plan() const
{
    static const Plan empty;
    return m_plan ? *m_plan : empty;
}

int Scheduler::parallelism() const
{
    return m_dispatcher ? m_dispatcher->limit() : m_replayLimit;
}

qint64 Scheduler::elapsedMs() const
{
    if (m_replayMs >= 0)
        return m_replayMs;
    if (m_stoppedAtMs >= 0)
        return m_stoppedAtMs;
    return m_clock.isValid() ? m_clock.elapsed() : 0;
}

bool Scheduler::start(const Plan &plan, const RunOptions &options)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_running)
        return false;
    if (m_mailbox)
        m_mailbox->close(); // messages of an earlier run's stragglers are not this run's
    m_replayMs = -1;

    m_plan = std::make_shared<const Plan>(plan);
    m_graph = std::make_unique<PlanGraph>(*m_plan);
    Q_ASSERT_X(m_graph->isAcyclic(), "Scheduler::start", "the plan must be validated first");
    const int limit = createDispatcher(options);
    m_rollout = RolloutGate::appliesTo(*m_plan) ? std::make_unique<RolloutGate>(*m_plan) : nullptr;
    m_failFast = options.failFast.value_or(m_plan->failFast);
    m_seed = options.seed ? *options.seed : m_plan->seed ? *m_plan->seed : QRandomGenerator::global()->generate64();
    m_random.seed(m_seed);
    resetRun();

    RunEvent started;
    started.kind = RunEvent::Kind::RunStarted;
    started.number = limit;
    started.text = m_plan->name;
    record(started);
    m_knownOutputs = options.knownOutputs;
    prepareParameters();
    settleWithoutRunning(options.provisioned);
    const int n = int(m_plan->resources.size());
    for (int r = 0; r < n; ++r) {
        if (m_status[r].state == ResourceState::Pending && m_dispatcher->unmetDependencies(r) == 0)
            makeReady(r);
    }
    dispatch();
    checkFinished();
    flush();
    return true;
}

int Scheduler::createDispatcher(const RunOptions &options)
{
    const int n = int(m_plan->resources.size());
    const bool learned = options.estimates.size() == size_t(n);
    Q_ASSERT_X(learned || options.estimates.empty(), "Scheduler::start", "RunOptions::estimates must have one per resource");
    std::vector<qint64> estimates(n);
    std::vector<int> groupOf(n);
    for (int r = 0; r < n; ++r) {
        const Resource &resource = m_plan->resources[r];
        estimates[r] = learned ? options.estimates[size_t(r)] : m_registry.estimateMs(resource);
        groupOf[r] = resource.group.isEmpty() ? -1 : m_plan->groupIndex(resource.group);
    }
    std::vector<int> groupLimits;
    for (const Group &group : m_plan->groups)
        groupLimits.push_back(group.limit);
    const int limit = std::max(1, options.parallelism.value_or(m_plan->parallelism));
    m_dispatcher = std::make_unique<Dispatcher>(*m_graph, estimates, std::move(groupOf), std::move(groupLimits),
                                                limit, options.order);
    return limit;
}

void Scheduler::resetRun()
{
    const int n = int(m_plan->resources.size());
    m_status.assign(n, ResourceStatus{});
    m_inFlight.assign(n, InFlight{});
    m_wakeups.clear();
    m_journal.clear();
    m_batch.clear();
    std::fill(std::begin(m_counts), std::end(m_counts), 0);
    m_counts[int(ResourceState::Pending)] = n;
    m_runningAttempts = 0;
    m_running = true;
    m_cancelling = false;
    m_stoppedStarting = false;
    m_stoppedAtMs = -1;
    m_clock.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    // Called on the attempt's thread: the queued call is built there and handed over.
    m_mailbox = std::make_shared<AttemptMailbox>(m_clock, [this] {
        QMetaObject::invokeMethod(this, handedOver([this] { drainMailbox(); }), Qt::QueuedConnection);
    });
}

void Scheduler::prepareParameters()
{
    // Most resources refer to nothing: they skip substitution (and the copy of their parameters).
    const int n = int(m_plan->resources.size());
    m_usesReferences.assign(n, false);
    for (int r = 0; r < n; ++r) {
        References::find(m_plan->resources[r].params, QString(), [&](const QString &, const Reference *, const QString &) {
            m_usesReferences[r] = true;
        });
    }
    m_secrets.clear();
    for (const Variable &variable : m_plan->variables) {
        if (variable.secret)
            addSecret(variable.value);
    }
}

void Scheduler::settleWithoutRunning(const QMap<int, QMap<QString, QString>> &provisioned)
{
    const int n = int(m_plan->resources.size());
    for (auto it = provisioned.cbegin(); it != provisioned.cend(); ++it) {
        if (it.key() < 0 || it.key() >= n)
            continue;
        m_status[it.key()].outputs = it.value();
        setState(it.key(), ResourceState::Succeeded, ResourceStatus::upToDateReason());
        m_dispatcher->satisfy(it.key());
    }
    // Kept on the graph for what depends on them, never provisioned: a Terraform data source, a
    // no-op change. They count as done.
    for (int r = 0; r < n; ++r) {
        const Resource &resource = m_plan->resources[r];
        if (resource.run || m_status[r].state != ResourceState::Pending)
            continue;
        setState(r, ResourceState::Succeeded, QStringLiteral("not run: %1").arg(resource.note.isEmpty() ? QStringLiteral("the plan says \"run\": false") : resource.note));
        m_dispatcher->satisfy(r);
    }
}

void Scheduler::cancel()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_running || m_cancelling || isReplay())
        return;
    m_cancelling = true;
    RunEvent event;
    event.timeMs = elapsedMs();
    event.kind = RunEvent::Kind::CancelRequested;
    event.text = QStringLiteral("run cancelled");
    record(event);
    m_dispatcher->clear();
    for (int r = 0; r < int(m_status.size()); ++r) {
        const ResourceState state = m_status[r].state;
        if (state == ResourceState::Pending || state == ResourceState::Ready || state == ResourceState::RetryWait) {
            setState(r, ResourceState::Cancelled, QStringLiteral("the run was cancelled before it started"));
        } else if (state == ResourceState::Running && m_inFlight[r].attempt) {
            m_inFlight[r].stopReason = StopReason::Cancel;
            m_inFlight[r].attempt->requestStop();
        }
    }
    checkFinished();
    flush();
}

QStringList Scheduler::failedIds() const
{
    QStringList ids;
    for (int r = 0; r < int(m_status.size()); ++r) {
        if (m_status[r].state == ResourceState::Failed)
            ids.append(m_plan->resources[r].id);
    }
    return ids;
}

int Scheduler::retry(const QStringList &ids)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_plan || isReplay())
        return 0;
    std::vector<bool> retried(m_status.size(), false);
    QStringList accepted;
    for (const QString &id : ids) {
        const int r = m_plan->indexOf(id);
        if (r < 0 || retried[r])
            continue;
        const ResourceState state = m_status[r].state;
        if (state != ResourceState::Failed && state != ResourceState::Cancelled)
            continue;
        retried[r] = true;
        accepted.append(id);
    }
    if (accepted.isEmpty())
        return 0;

    if (!m_running) {
        m_running = true;
        m_stoppedAtMs = -1; // the run's clock goes on from where it has been running all along
        RunEvent resumed;
        resumed.timeMs = elapsedMs();
        resumed.kind = RunEvent::Kind::RunResumed;
        resumed.text = accepted.join(QStringLiteral(", "));
        record(resumed);
    }
    m_cancelling = false;
    m_stoppedStarting = false;

    // The retried first: their targets no longer count as failed, which may resume the rollout.
    for (const int r : m_graph->topologicalOrder()) {
        if (!retried[r])
            continue;
        m_inFlight[r].seriesStart = int(m_status[r].attempts.size()) + 1;
        m_status[r].blockedBy = -1;
        setState(r, ResourceState::Pending, QStringLiteral("retry requested"));
    }
    // In dependency order, so that a resource is revived only once everything it waits for has
    // been: it resumes unless something upstream is still failed (or cancelled and not resumed),
    // or it is in a target the rollout still does not start.
    const QString because = QStringLiteral("resumed by the retry of %1").arg(accepted.join(QStringLiteral(", ")));
    for (const int r : m_graph->topologicalOrder()) {
        const ResourceState state = m_status[r].state;
        if (state == ResourceState::Skipped || state == ResourceState::Cancelled) {
            const bool blocked = std::any_of(m_graph->dependencies(r).begin(), m_graph->dependencies(r).end(), [&](int d) {
                const ResourceState s = m_status[d].state;
                return s == ResourceState::Failed || s == ResourceState::Skipped || s == ResourceState::Cancelled;
            });
            if (blocked || (m_rollout && m_rollout->isStopped() && !m_rollout->admits(r)))
                continue;
            m_status[r].blockedBy = -1;
            setState(r, ResourceState::Pending, because);
        } else if (!retried[r]) {
            continue;
        }
        if (m_dispatcher->unmetDependencies(r) == 0)
            makeReady(r);
    }
    dispatch();
    checkFinished();
    flush();
    return int(accepted.size());
}

void Scheduler::setParallelism(int limit)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_dispatcher || isReplay() || limit < 1 || limit == m_dispatcher->limit())
        return;
    m_dispatcher->setLimit(limit);
    RunEvent event;
    event.timeMs = elapsedMs();
    event.kind = RunEvent::Kind::ParallelismChanged;
    event.number = limit;
    record(event);
    if (m_running)
        dispatch();
    flush();
}

void Scheduler::setFailFast(bool failFast)
{
    m_failFast = failFast;
}

void Scheduler::drainMailbox()
{
    if (!m_mailbox)
        return;
    for (const AttemptMessage &message : m_mailbox->takeAll()) {
        if (message.kind == AttemptMessage::Kind::Finished) {
            AttemptMessage masked = message;
            masked.text = References::mask(message.text, m_secrets);
            onAttemptFinished(masked);
            continue;
        }
        RunEvent event;
        event.timeMs = message.timeMs;
        event.kind = RunEvent::Kind::Log;
        event.level = message.level;
        event.resource = message.resource;
        event.attempt = message.attempt;
        event.text = References::mask(message.text, m_secrets);
        record(event);
    }
    dispatch();
    checkFinished();
    flush();
}

void Scheduler::onAttemptFinished(const AttemptMessage &message)
{
    const int r = message.resource;
    InFlight &running = m_inFlight[r];
    if (!running.attempt || running.attempt->number() != message.attempt)
        return; // not this run's
    const StopReason stopReason = running.stopReason;
    running.attempt.reset();
    running.stopReason = StopReason::None;
    if (running.timeout) {
        m_wakeups.erase(*running.timeout);
        running.timeout.reset();
    }
    m_dispatcher->release(r);
    --m_runningAttempts;

    const Resource &resource = m_plan->resources[r];
    AttemptRecord &attempt = m_status[r].attempts.last();
    attempt.endMs = message.timeMs;

    if (message.succeeded) {
        attempt.outcome = AttemptRecord::Outcome::Succeeded;
        m_status[r].outputs = message.outputs;
        setState(r, ResourceState::Succeeded, QString(), message.attempt, message.timeMs);
        for (const int d : m_dispatcher->satisfy(r)) {
            if (m_status[d].state != ResourceState::Pending)
                continue;
            if (m_cancelling || m_stoppedStarting)
                setState(d, ResourceState::Cancelled, QStringLiteral("the run was cancelled before it started"));
            else
                makeReady(d);
        }
        return;
    }
    if (stopReason == StopReason::Cancel) {
        attempt.outcome = AttemptRecord::Outcome::Cancelled;
        attempt.error = QStringLiteral("cancelled");
        setState(r, ResourceState::Cancelled, QStringLiteral("stopped while running"), message.attempt, message.timeMs);
        return;
    }

    QString error = message.text.isEmpty() ? QStringLiteral("failed without saying why") : message.text;
    if (stopReason == StopReason::Timeout) {
        attempt.outcome = AttemptRecord::Outcome::TimedOut;
        error = QStringLiteral("timed out after %1").arg(formatDuration(resource.timeoutMs));
    } else {
        attempt.outcome = AttemptRecord::Outcome::Failed;
    }
    attempt.error = error;

    const int inSeries = message.attempt - running.seriesStart + 1;
    if (inSeries < resource.retry.maxAttempts && !m_cancelling && !m_stoppedStarting) {
        double delay = double(resource.retry.backoffBefore(inSeries + 1));
        if (resource.retry.jitter > 0)
            delay *= 1.0 + resource.retry.jitter * std::uniform_real_distribution<double>(-1.0, 1.0)(m_random);
        const qint64 delayMs = std::max<qint64>(0, qint64(delay));
        setState(r, ResourceState::RetryWait,
                 QStringLiteral("attempt %1 of %2 failed: %3; retrying in %4")
                     .arg(inSeries).arg(resource.retry.maxAttempts).arg(error, formatDuration(delayMs)),
                 message.attempt, message.timeMs);
        addWakeup(message.timeMs + delayMs, Wakeup{Wakeup::Kind::RetryDue, r, message.attempt});
        return;
    }
    failFinally(r, error, message.timeMs);
}

void Scheduler::failFinally(int resource, const QString &error, qint64 timeMs)
{
    const int attempt = m_status[resource].attempts.isEmpty() ? 0 : m_status[resource].attempts.last().number;
    setState(resource, ResourceState::Failed, error, attempt, timeMs);

    // Everything downstream that has not finished waits for a success that has not come.
    const QString &id = m_plan->resources[resource].id;
    for (const int d : m_graph->downstream(resource)) {
        if (m_status[d].state != ResourceState::Pending)
            continue;
        m_status[d].blockedBy = resource;
        setState(d, ResourceState::Skipped, QStringLiteral("upstream \"%1\" failed").arg(id));
    }
    if (m_failFast)
        stopStartingNew(QStringLiteral("not started: fail-fast after \"%1\" failed").arg(id));
}

void Scheduler::stopStartingNew(const QString &reason)
{
    m_stoppedStarting = true;
    m_dispatcher->clear();
    for (int r = 0; r < int(m_status.size()); ++r) {
        const ResourceState state = m_status[r].state;
        if (state == ResourceState::Pending || state == ResourceState::Ready || state == ResourceState::RetryWait)
            setState(r, ResourceState::Cancelled, reason);
    }
}

void Scheduler::onTimer()
{
    const qint64 now = elapsedMs();
    while (!m_wakeups.empty() && m_wakeups.begin()->first <= now) {
        const Wakeup wakeup = m_wakeups.begin()->second;
        m_wakeups.erase(m_wakeups.begin());
        const int r = wakeup.resource;
        if (wakeup.kind == Wakeup::Kind::Timeout) {
            InFlight &running = m_inFlight[r];
            running.timeout.reset();
            if (!running.attempt || running.attempt->number() != wakeup.attempt || running.stopReason != StopReason::None)
                continue;
            running.stopReason = StopReason::Timeout;
            running.attempt->requestStop();
            RunEvent event;
            event.timeMs = now;
            event.kind = RunEvent::Kind::Log;
            event.level = LogLevel::Warning;
            event.resource = r;
            event.attempt = wakeup.attempt;
            event.text = QStringLiteral("attempt %1 timed out after %2; stopping it")
                             .arg(wakeup.attempt).arg(formatDuration(m_plan->resources[r].timeoutMs));
            record(event);
        } else if (m_status[r].state == ResourceState::RetryWait
                   && m_status[r].attempts.last().number == wakeup.attempt) {
            makeReady(r);
        }
    }
    dispatch();
    checkFinished();
    flush();
    armTimer();
}

void Scheduler::makeReady(int resource)
{
    if (m_rollout && !m_rollout->admits(resource)) {
        m_rollout->hold(resource); // pending until its target's turn
        return;
    }
    m_inFlight[resource].readyMs = elapsedMs();
    m_status[resource].blockedBy = -1;
    setState(resource, ResourceState::Ready);
    m_dispatcher->enqueue(resource);
}

void Scheduler::dispatch()
{
    if (!m_running || m_cancelling || m_stoppedStarting)
        return;
    if (m_rollout)
        advanceRollout();
    m_starting.clear();
    for (int r = m_dispatcher->takeNext(); r >= 0; r = m_dispatcher->takeNext())
        m_starting.push_back(r);
    if (m_starting.empty())
        return;
    if (m_startHook)
        m_startHook(m_starting);
    for (const int r : m_starting)
        startAttempt(r);
}

void Scheduler::advanceRollout()
{
    m_released.clear();
    m_notStarted.clear();
    m_rollout->admit(m_released, m_notStarted);
    if (!m_notStarted.empty()) {
        const QString reason = QLatin1String(RolloutGate::kNotStarted) + m_rollout->stopReason();
        for (const int r : m_notStarted) {
            const ResourceStatus &status = m_status[r];
            const bool toldBefore = status.state == ResourceState::Skipped && status.blockedBy < 0
                && status.reason.startsWith(QLatin1String(RolloutGate::kNotStarted)) && status.reason != reason;
            if (status.state == ResourceState::Pending || toldBefore)
                setState(r, ResourceState::Skipped, reason);
        }
        // What waits for them (a shared resource waiting for every target) waits in vain, as for
        // a failure upstream.
        for (const int r : m_notStarted) {
            const QString why = QStringLiteral("upstream \"%1\" was not started: the rollout stopped").arg(m_plan->resources[r].id);
            for (const int d : m_graph->downstream(r)) {
                if (m_status[d].state == ResourceState::Pending) {
                    m_status[d].blockedBy = r;
                    setState(d, ResourceState::Skipped, why);
                }
            }
        }
    }
    for (;;) {
        for (const int r : m_released) {
            if (m_status[r].state == ResourceState::Pending && m_dispatcher->unmetDependencies(r) == 0)
                makeReady(r);
        }
        m_released.clear();
        const bool idle = m_runningAttempts == 0 && m_dispatcher->readyCount() == 0 && count(ResourceState::RetryWait) == 0;
        if (!idle || !m_rollout->admitOutOfTurn(m_released))
            return;
    }
}

void Scheduler::startAttempt(int r)
{
    const Resource &resource = m_plan->resources[r];
    ResourceStatus &status = m_status[r];
    InFlight &inFlight = m_inFlight[r];
    AttemptRecord entry;
    entry.number = int(status.attempts.size()) + 1;
    entry.readyMs = inFlight.readyMs; // the timeline draws the wait for a slot
    entry.startMs = elapsedMs();
    status.attempts.append(entry);
    ++m_runningAttempts;
    setState(r, ResourceState::Running, QString(), entry.number, entry.startMs);

    auto attempt = std::make_shared<Attempt>(m_plan, r, entry.number, m_seed, m_mailbox, &m_workers);
    QStringList problems;
    if (m_usesReferences[r])
        attempt->setParams(resolveParams(r, &problems));
    if (const auto known = m_knownOutputs.constFind(r); known != m_knownOutputs.cend())
        attempt->setKnownOutputs(*known);
    inFlight.attempt = attempt;
    inFlight.stopReason = StopReason::None;
    if (!problems.isEmpty()) {
        // Reported through the mailbox like any failure, so the attempt ends the usual way.
        attempt->fail(problems.join(QStringLiteral("; ")));
        return;
    }
    if (resource.timeoutMs > 0)
        inFlight.timeout = addWakeup(entry.startMs + resource.timeoutMs, Wakeup{Wakeup::Kind::Timeout, r, entry.number});
    const Executor *executor = m_registry.find(resource.type);
    Q_ASSERT_X(executor, "Scheduler::startAttempt", "the plan must be validated first");
    // An exception from an executor (a bug, std::bad_alloc) fails this attempt, not the run.
    attempt->runGuarded([&] { executor->start(attempt, m_workers.threads()); });
}

nlohmann::ordered_json Scheduler::resolveParams(int r, QStringList *errors)
{
    const Resource &resource = m_plan->resources[r];
    const auto lookup = [&](const Reference &reference) -> Expected<QString> {
        switch (reference.kind) {
        case Reference::Kind::Output: {
            const int from = m_plan->indexOf(reference.resource);
            if (from < 0 && reference.resource.contains(QLatin1String("[*]"))) {
                // Every instance of a set: their outputs joined with commas, in instance order.
                QStringList values;
                for (const int i : References::referred(*m_plan, reference.resource)) {
                    const auto it = m_status[i].outputs.constFind(reference.name);
                    if (it == m_status[i].outputs.cend())
                        return unexpected(QStringLiteral("%1: \"%2\" has no output \"%3\"").arg(reference.text, m_plan->resources[i].id, reference.name));
                    values.append(*it);
                }
                return values.join(QLatin1Char(','));
            }
            if (from < 0)
                return unexpected(QStringLiteral("%1: no resource has the id \"%2\"").arg(reference.text, reference.resource));
            const QMap<QString, QString> &outputs = m_status[from].outputs;
            if (const auto it = outputs.constFind(reference.name); it != outputs.cend())
                return *it;
            return unexpected(QStringLiteral("%1: \"%2\" has no output \"%3\" (%4)")
                                  .arg(reference.text, reference.resource, reference.name,
                                       outputs.isEmpty() ? QStringLiteral("it has none") : QStringLiteral("it has: ") + outputs.keys().join(QStringLiteral(", "))));
        }
        case Reference::Kind::Variable: {
            const int v = m_plan->variableIndex(reference.name);
            if (v < 0)
                return unexpected(QStringLiteral("%1: the plan has no variable \"%2\"").arg(reference.text, reference.name));
            return m_plan->variables[v].value;
        }
        case Reference::Kind::Environment: {
            const QByteArray name = reference.name.toLocal8Bit();
            if (!qEnvironmentVariableIsSet(name.constData()))
                return unexpected(QStringLiteral("%1: the environment variable %2 is not set").arg(reference.text, reference.name));
            // What comes from the environment is often a credential: it never shows.
            const QString value = qEnvironmentVariable(name.constData());
            addSecret(value);
            return value;
        }
        case Reference::Kind::SelfOutput:
            return reference.text; // the executor fills it in once it knows its outputs
        }
        Q_UNREACHABLE();
    };
    return References::substitute(resource.params, lookup, errors);
}

void Scheduler::addSecret(const QString &secret)
{
    if (secret.isEmpty() || m_secrets.contains(secret))
        return;
    m_secrets.append(secret);
    // Longest first, so that a secret containing another is masked whole.
    std::sort(m_secrets.begin(), m_secrets.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

void Scheduler::checkFinished()
{
    if (!m_running || m_runningAttempts > 0 || m_dispatcher->readyCount() > 0 || count(ResourceState::RetryWait) > 0)
        return;
    // What is left are retries of resources that were cancelled while they waited.
    m_wakeups.clear();
    m_timer.stop();
    // Anything still pending waits on something that will never succeed.
    for (int r = 0; r < int(m_status.size()); ++r) {
        if (m_status[r].state == ResourceState::Pending)
            setState(r, ResourceState::Skipped, QStringLiteral("a dependency did not succeed"));
    }
    m_running = false;
    m_cancelling = false;
    RunEvent event;
    event.timeMs = elapsedMs();
    event.kind = RunEvent::Kind::RunFinished;
    record(event);
    // A finished run lasted until now: its reports, the history and the timeline all say the same.
    m_stoppedAtMs = event.timeMs;
    flush();
    emit finished();
}

void Scheduler::setState(int resource, ResourceState state, const QString &reason, int attempt, qint64 timeMs)
{
    ResourceStatus &status = m_status[resource];
    --m_counts[int(status.state)];
    ++m_counts[int(state)];
    if (m_rollout && m_rollout->targetOf(resource) >= 0 && status.state != state) {
        if (isFinal(status.state))
            m_rollout->reopened(resource, status.state == ResourceState::Failed);
        if (isFinal(state))
            m_rollout->finished(resource, state == ResourceState::Failed);
    }
    status.state = state;
    status.reason = reason;
    RunEvent event;
    event.timeMs = timeMs >= 0 ? timeMs : elapsedMs();
    event.kind = RunEvent::Kind::StateChanged;
    event.state = state;
    event.resource = resource;
    event.attempt = attempt;
    event.text = reason;
    record(event);
}

void Scheduler::record(RunEvent event)
{
    event.sequence = m_journal.append(event);
    m_batch.append(std::move(event));
}

void Scheduler::flush()
{
    if (m_batch.isEmpty())
        return;
    const QList<RunEvent> batch = std::move(m_batch);
    m_batch.clear();
    emit eventsRecorded(batch);
}

void Scheduler::startReplay(const Plan &plan, const QDateTime &startedAt)
{
    Q_ASSERT(QThread::currentThread() == thread());
    Q_ASSERT(!m_running || isReplay());
    if (m_mailbox)
        m_mailbox->close();
    m_plan = std::make_shared<const Plan>(plan);
    m_graph = std::make_unique<PlanGraph>(*m_plan);
    m_dispatcher.reset();
    m_rollout.reset();
    resetRun();
    m_running = false; // until its RunStarted
    m_replayMs = 0;
    if (startedAt.isValid())
        m_startedAt = startedAt;
}

void Scheduler::replayEvents(const QList<RunEvent> &events, qint64 atMs)
{
    Q_ASSERT(isReplay());
    m_replayMs = std::max<qint64>(0, atMs);
    bool ended = false;
    for (const RunEvent &event : events) {
        m_replayLimit = event.kind == RunEvent::Kind::RunStarted || event.kind == RunEvent::Kind::ParallelismChanged ? event.number : m_replayLimit;
        switch (event.kind) {
        case RunEvent::Kind::RunStarted:
        case RunEvent::Kind::RunResumed:
            m_running = true;
            ended = false;
            break;
        case RunEvent::Kind::CancelRequested:
            m_cancelling = true;
            break;
        case RunEvent::Kind::RunFinished:
            m_running = false;
            m_cancelling = false;
            ended = true;
            break;
        case RunEvent::Kind::StateChanged:
            replayState(event);
            break;
        case RunEvent::Kind::Log:
        case RunEvent::Kind::ParallelismChanged:
            break;
        }
        record(event);
    }
    flush();
    if (ended)
        emit finished();
}

void Scheduler::replayState(const RunEvent &event)
{
    if (event.resource < 0 || event.resource >= int(m_status.size()))
        return;
    // What setState(), startAttempt() and onAttemptFinished() did to the status when it happened.
    ResourceStatus &status = m_status[event.resource];
    --m_counts[int(status.state)];
    ++m_counts[int(event.state)];
    status.state = event.state;
    status.reason = event.text;
    if (event.state == ResourceState::Ready) {
        m_inFlight[event.resource].readyMs = event.timeMs;
        status.blockedBy = -1;
    } else if (event.state == ResourceState::Running) {
        AttemptRecord attempt;
        attempt.number = event.attempt > 0 ? event.attempt : int(status.attempts.size()) + 1;
        attempt.readyMs = m_inFlight[event.resource].readyMs;
        attempt.startMs = event.timeMs;
        status.attempts.append(attempt);
        ++m_runningAttempts;
    } else if (event.state == ResourceState::Skipped && event.text.startsWith(QLatin1String("upstream \""))) {
        status.blockedBy = m_plan->indexOf(event.text.section(QLatin1Char('"'), 1, 1));
    }
    if (status.attempts.isEmpty() || status.attempts.constLast().endMs >= 0 || event.state == ResourceState::Running
        || (!isFinal(event.state) && event.state != ResourceState::RetryWait))
        return;
    AttemptRecord &attempt = status.attempts.last();
    attempt.endMs = event.timeMs;
    --m_runningAttempts;
    switch (event.state) {
    case ResourceState::Succeeded:
        attempt.outcome = AttemptRecord::Outcome::Succeeded;
        break;
    case ResourceState::Cancelled:
        attempt.outcome = AttemptRecord::Outcome::Cancelled;
        attempt.error = QStringLiteral("cancelled");
        break;
    default: {
        // "attempt 1 of 3 failed: ERROR; retrying in 2s" while it waits to try again
        QString error = event.text;
        if (event.state == ResourceState::RetryWait) {
            error = error.section(QStringLiteral(" failed: "), 1);
            error = error.left(error.lastIndexOf(QStringLiteral("; retrying in ")));
        }
        attempt.outcome = error.startsWith(QLatin1String("timed out")) ? AttemptRecord::Outcome::TimedOut : AttemptRecord::Outcome::Failed;
        attempt.error = error;
        break;
    }
    }
}

Scheduler::Wakeups::iterator Scheduler::addWakeup(qint64 atMs, Wakeup wakeup)
{
    const auto it = m_wakeups.emplace(atMs, wakeup);
    if (it == m_wakeups.begin())
        armTimer();
    return it;
}

void Scheduler::armTimer()
{
    if (m_wakeups.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 due = m_wakeups.begin()->first - elapsedMs();
    m_timer.start(int(std::clamp<qint64>(due, 0, std::numeric_limits<int>::max())));
}

} // namespace fanout
