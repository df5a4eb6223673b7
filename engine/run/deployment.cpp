#include "engine/run/deployment.h"

#include "engine/executors/commandexecutor.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/run/remoterun.h"
#include "engine/run/runreport.h"
#include "engine/run/scheduler.h"
#include "engine/run/staterecorder.h"
#include "engine/state/destroyplan.h"
#include "engine/state/replacementplan.h"
#include "engine/state/statejournal.h"
#include "engine/support/atomicfile.h"

#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fanout {

namespace {

QString errorLines(const Diagnostics &diagnostics, const QString &file)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics) {
        if (d.isError())
            lines.append(d.toString(file));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

Deployment::Deployment(const ExecutorRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_scheduler(std::make_unique<Scheduler>(registry))
    , m_graph(std::make_unique<PlanGraph>(m_shown))
{
    connect(m_scheduler.get(), &Scheduler::eventsRecorded, this, &Deployment::onEvents);
    connect(m_scheduler.get(), &Scheduler::finished, this, &Deployment::onFinished);
}

Deployment::~Deployment() = default;

bool Deployment::open(const Plan &plan, const QString &planFile, const QString &statePath)
{
    Q_ASSERT(!isRunning());
    const bool wasReplaying = m_replaying;
    m_replaying = false;
    m_remote = nullptr;
    m_recorder.reset();
    m_planPending = false;
    m_planFile = planFile;
    m_target = plan;
    m_learnedMs.clear();
    m_learnedNotes.clear();
    m_statePath = statePath;
    m_state = DeploymentState();
    m_stateDiagnostics.clear();
    if (!statePath.isEmpty()) {
        DeploymentState::ReadResult read = DeploymentState::read(statePath);
        m_stateDiagnostics = read.diagnostics;
        // Not used, and never overwritten: running would forget what it records.
        if (!read.hasErrors())
            m_state = std::move(read.state);
    }
    adoptRunSettings(plan, true);
    show(plan, false);
    if (wasReplaying)
        emit replayingChanged(false);
    return isStateReadable();
}

void Deployment::setPlan(const Plan &plan)
{
    m_learnedMs.clear(); // learned for the plan before
    m_learnedNotes.clear();
    if (isRunning() || m_replaying) {
        m_target = plan;
        m_planPending = true;
        return;
    }
    adoptRunSettings(plan, false);
    m_target = plan;
    m_planPending = false;
    m_recorder.reset();
    show(plan, false);
}

void Deployment::adoptRunSettings(const Plan &plan, bool always)
{
    // What the user set for this session (the toolbar, -j) stays, unless the plan's own value is new.
    if (always || plan.parallelism != m_target.parallelism)
        setParallelism(plan.parallelism);
    if (always || plan.failFast != m_target.failFast)
        setFailFast(plan.failFast);
}

void Deployment::show(const Plan &plan, bool teardown, int cleanups)
{
    m_shown = plan;
    m_shownCleanups = cleanups;
    m_teardown = teardown;
    m_graph = std::make_unique<PlanGraph>(m_shown);
    updateEstimates();
    m_hasRun = false;
    ++m_generation;
    updateProvisioning();
    emit planChanged();
}

bool Deployment::setEstimates(std::vector<qint64> estimatesMs, QStringList notes)
{
    if (estimatesMs.size() != size_t(m_target.resources.size()) || (!notes.isEmpty() && notes.size() != m_target.resources.size()))
        return false;
    m_learnedMs = std::move(estimatesMs);
    m_learnedNotes = std::move(notes);
    // During a run too: its order is set, but what is left of it is reckoned with these.
    updateEstimates();
    emit estimatesChanged();
    return true;
}

void Deployment::updateEstimates()
{
    // The plan shown is the target plan, or it with the cleanups of interrupted resources after it
    // (they and a teardown's resources take their executors' figures).
    const qsizetype n = m_shown.resources.size();
    m_estimates.assign(size_t(n), 0);
    m_estimateNotes.clear();
    for (qsizetype r = 0; r < n; ++r) {
        const Resource &resource = m_shown.resources[r];
        const bool learned = !m_teardown && size_t(r) < m_learnedMs.size() && m_target.resources[r].id == resource.id;
        m_estimates[size_t(r)] = learned ? m_learnedMs[size_t(r)] : m_registry.estimateMs(resource);
        if (learned && r < m_learnedNotes.size()) {
            m_estimateNotes.resize(n);
            m_estimateNotes[r] = m_learnedNotes[r];
        }
    }
}

void Deployment::updateProvisioning()
{
    // A teardown has nothing up to date; an unreadable state is not used.
    if (m_teardown) {
        m_provisioning = ProvisioningPlan();
        return;
    }
    const Plan &plan = m_shownCleanups > 0 ? m_shownWithoutCleanups : m_shown;
    if (m_definitionsOf != m_generation) {
        m_definitions = DeploymentState::definitionHashes(plan);
        m_definitionsOf = m_generation;
    }
    m_provisioning = ProvisioningPlan::build(plan, m_state, {}, false, m_definitions);
}

QString Deployment::stateError() const
{
    return errorLines(m_stateDiagnostics, m_statePath);
}

QStringList Deployment::stateWarnings() const
{
    QStringList lines;
    for (const Diagnostic &d : m_stateDiagnostics) {
        if (!d.isError())
            lines.append(d.toString(m_statePath));
    }
    return lines;
}

QString Deployment::stateInUse(const QString &notDone) const
{
    // This Deployment's own lock, until the snapshot after its last run is written, is not another's.
    if (m_statePath.isEmpty() || isRunning() || (m_recorder && m_recorder->holdsJournal()) || !StateJournal::isInUse(m_statePath))
        return QString();
    if (notDone.isEmpty())
        return tr("Another Fanout is running with the state file %1 now; wait until that run ends.").arg(m_statePath);
    return tr("Another Fanout is running with the state file %1 now; %2. Wait until that run ends.").arg(m_statePath, notDone);
}

QString Deployment::interruptionNotice() const
{
    QStringList creating;
    QStringList destroying;
    for (const QString &id : m_state.inFlight())
        (m_state.find(id)->status == DeploymentState::Entry::Status::Creating ? creating : destroying).append(id);
    if (!creating.isEmpty() || !destroying.isEmpty()) {
        // In flight now, not stopped half-way.
        if (const QString inUse = stateInUse(); !inUse.isEmpty())
            return inUse;
    }
    const auto sentence = [](const QStringList &ids, const QString &what) {
        return ids.size() == 1 ? tr("%1 was being %2 when Fanout stopped; it may exist in part").arg(ids.constFirst(), what)
                               : tr("%1 were being %2 when Fanout stopped; they may exist in part").arg(ids.join(QStringLiteral(", ")), what);
    };
    QStringList sentences;
    if (!creating.isEmpty())
        sentences.append(sentence(creating, tr("created")));
    if (!destroying.isEmpty())
        sentences.append(sentence(destroying, tr("destroyed")));
    return sentences.join(QStringLiteral(". "));
}

bool Deployment::isOwnStateFile() const
{
    return m_statePath.isEmpty()
        || QFileInfo(m_statePath).absoluteFilePath() == QFileInfo(DeploymentState::defaultPath(m_planFile)).absoluteFilePath();
}

QString Deployment::provisionRefusal() const
{
    if (const QString inUse = stateInUse(tr("nothing was run")); !inUse.isEmpty())
        return inUse;
    // The state of another plan would have its resources count as created, and its record
    // relabelled: a wrong --state must not do that.
    if (!m_state.planName().isEmpty() && m_state.planName() != m_target.name && !isOwnStateFile()) {
        return tr("The state file %1 records the plan \"%2\", not \"%3\"; nothing was run.")
            .arg(m_statePath, m_state.planName(), m_target.name);
    }
    QStringList interrupted;
    for (const QString &id : m_state.inFlight()) {
        if (m_target.indexOf(id) >= 0)
            interrupted.append(id);
    }
    const QStringList removed = m_state.removedInstances(m_target);
    if (interrupted.isEmpty() && removed.isEmpty())
        return QString();
    const Diagnostics problems = ReplacementPlan::build(m_target, m_state, interrupted, removed).check(m_registry);
    if (errorCount(problems) > 0) {
        const QString what = interrupted.isEmpty() ? tr("the instances the plan no longer has are destroyed")
                                                   : tr("the interrupted resources are destroyed first");
        return tr("Nothing was run: %1, and these destroy actions cannot run:\n%2")
            .arg(what, errorLines(problems, m_statePath.isEmpty() ? m_planFile : m_statePath));
    }
    return QString();
}

Expected<void> Deployment::moveState(const QString &path)
{
    if (path == m_statePath)
        return {};
    if (isRunning())
        return unexpected(tr("a run is in progress"));
    if (!isStateReadable())
        return unexpected(tr("the state file %1 cannot be read").arg(m_statePath));
    if (QFileInfo::exists(path))
        return unexpected(tr("%1 already exists and is not overwritten").arg(path));
    if (!m_state.isEmpty()) {
        if (const Expected<void> saved = m_state.save(path); !saved)
            return unexpected(tr("cannot write %1: %2").arg(path, saved.error()));
    }
    m_statePath = path;
    return {};
}

QString Deployment::stateSaveError() const
{
    return m_recorder ? m_recorder->lastError() : QString();
}

Expected<void> Deployment::saveState()
{
    if (m_recorder) {
        if (!m_recorder->save())
            return unexpected(m_recorder->lastError());
        return {};
    }
    return saveStateNow();
}

bool Deployment::waitForState()
{
    return !m_recorder || m_recorder->waitForFold();
}

Expected<void> Deployment::saveStateNow()
{
    if (m_statePath.isEmpty())
        return {};
    return m_state.save(m_statePath);
}

int Deployment::recordedCount() const
{
    return m_recorder ? m_recorder->recorded() : 0;
}

qint64 Deployment::stateRecordingNs() const
{
    return m_recorder ? m_recorder->busyNs() : 0;
}

qint64 Deployment::stateJournalNs() const
{
    return m_recorder ? m_recorder->journalNs() : 0;
}

qint64 Deployment::stateFoldNs() const
{
    return m_recorder ? m_recorder->foldNs() : 0;
}

ProvisioningPlan Deployment::preview(const QStringList &replace, bool all) const
{
    return ProvisioningPlan::build(m_target, m_state, replace, all);
}

bool Deployment::isProvisioned(int resource) const
{
    return resource >= 0 && resource < m_provisioning.changes.size()
        && m_provisioning.changes[resource] == DeploymentState::Change::UpToDate;
}

QString Deployment::provisioningSummary() const
{
    QString summary = tr("%1 to create, %2 to replace, ").arg(m_provisioning.toCreate).arg(m_provisioning.changed + m_provisioning.forced);
    if (m_provisioning.interrupted > 0)
        summary += tr("%1 interrupted, to replace, ").arg(m_provisioning.interrupted);
    if (!m_provisioning.removals.isEmpty())
        summary += tr("%1 to destroy (no longer in the plan's sets), ").arg(m_provisioning.removals.size());
    return summary + tr("%1 up to date").arg(m_provisioning.upToDate);
}

QStringList Deployment::orphans() const
{
    return m_state.orphans(m_target);
}

QList<Deployment::StaleInputs> Deployment::changedVariables(const ProvisioningPlan &provisioning) const
{
    QList<StaleInputs> stale;
    for (int r = 0; r < int(m_target.resources.size()); ++r) {
        if (!provisioning.isUpToDate(r))
            continue;
        if (QList<DeploymentState::VariableChange> changes = m_state.changedVariables(m_target.resources[r], m_target); !changes.isEmpty())
            stale.append(StaleInputs{m_target.resources[r].id, std::move(changes)});
    }
    return stale;
}

int Deployment::destroyCount() const
{
    return m_state.size();
}

void Deployment::setParallelism(int limit)
{
    limit = std::max(1, limit);
    if (limit == m_parallelism)
        return;
    m_parallelism = limit;
    if (m_hasRun && !m_replaying)
        m_scheduler->setParallelism(limit);
    emit parallelismChanged(limit);
}

void Deployment::setFailFast(bool failFast)
{
    if (failFast == m_failFast)
        return;
    m_failFast = failFast;
    if (m_hasRun)
        m_scheduler->setFailFast(failFast);
    emit failFastChanged(failFast);
}

void Deployment::setSeed(std::optional<quint64> seed)
{
    m_seed = seed;
}

bool Deployment::provision(const ProvisionRequest &request)
{
    if (isRunning() || m_replaying || !isStateReadable())
        return false;
    // After a teardown, the plan comes back: what was destroyed is to be created again.
    if (m_teardown || m_shownCleanups > 0)
        show(m_target, false);
    if (m_target.resources.isEmpty() || !provisionRefusal().isEmpty())
        return false;
    const ProvisioningPlan provisioning = ProvisioningPlan::build(m_target, m_state, request.replace, request.all);
    if (provisioning.toRun() == 0 && !request.evenIfUpToDate)
        return false;
    ReplacementPlan replacement = ReplacementPlan::build(m_target, m_state, provisioning.interruptedIds, provisioning.removals);
    if (!replacement.forgotten.isEmpty()) {
        // No destroy action to run: forgotten, as `fanout destroy` does, before anything starts.
        for (const QString &id : std::as_const(replacement.forgotten))
            m_state.remove(id);
        if (const Expected<void> saved = saveStateNow(); !saved)
            emit stateSaveFailed(saved.error());
    }
    if (replacement.cleanups() > 0) {
        m_shownWithoutCleanups = m_target;
        show(replacement.plan, false, replacement.cleanups());
    }
    m_provisioning = provisioning;
    return startRun(m_shown, false, provisioning.provisioned, replacement.knownOutputs, replacement.cleanupOf);
}

Deployment::Teardown Deployment::planTeardown()
{
    Teardown result;
    const auto refuse = [&result](Teardown::Refusal refusal, const QString &message) {
        result.outcome = Teardown::Outcome::Refused;
        result.refusal = refusal;
        result.message = message;
        return result;
    };
    if (isRunning())
        return refuse(Teardown::Refusal::Running, tr("A run is in progress"));
    if (m_replaying)
        return refuse(Teardown::Refusal::Running, tr("A recorded run is shown; close the replay first"));
    if (!isStateReadable())
        return refuse(Teardown::Refusal::StateUnreadable, tr("Cannot read the state file:\n%1").arg(stateError()));
    if (const QString inUse = stateInUse(tr("nothing was destroyed")); !inUse.isEmpty())
        return refuse(Teardown::Refusal::StateInUse, inUse);
    if (m_state.isEmpty()) {
        result.outcome = Teardown::Outcome::NothingRecorded;
        return result;
    }
    // Destroying is not undoable: the state of another plan (a wrong --state) must not be torn
    // down by mistake. After a rename, a run records the new name.
    if (!m_state.planName().isEmpty() && m_state.planName() != m_target.name) {
        return refuse(Teardown::Refusal::OtherPlan, tr("The state file %1 records the plan \"%2\", not \"%3\"; nothing was destroyed.")
                                                        .arg(m_statePath, m_state.planName(), m_target.name));
    }
    DestroyPlan teardown = DestroyPlan::build(m_target, m_state);
    result.notes = teardown.notes;
    // The destroy actions come from the state file, which may be older than this Fanout or edited
    // by hand: checked as a plan's resources are, before anything is torn down.
    const Diagnostics problems = teardown.check(m_registry);
    if (errorCount(problems) > 0) {
        result.problems = problems;
        return refuse(Teardown::Refusal::InvalidActions,
                      tr("Nothing was destroyed; fix these destroy actions:\n%1")
                          .arg(errorLines(problems, m_statePath.isEmpty() ? m_planFile : m_statePath)));
    }
    for (const QString &id : std::as_const(teardown.forgotten))
        m_state.remove(id);
    result.forgotten = teardown.forgotten;
    if (!teardown.forgotten.isEmpty()) {
        if (const Expected<void> saved = saveStateNow(); !saved)
            return refuse(Teardown::Refusal::StateNotSaved, tr("Cannot write the state file %1: %2").arg(m_statePath, saved.error()));
    }
    if (teardown.plan.resources.isEmpty()) {
        result.outcome = Teardown::Outcome::OnlyForgotten;
        show(m_target, false); // the plan again, with everything to create
        return result;
    }
    show(teardown.plan, true);
    m_teardownOutputs = teardown.knownOutputs;
    result.outcome = Teardown::Outcome::Ready;
    return result;
}

bool Deployment::startTeardown()
{
    if (!m_teardown || m_hasRun || isRunning() || m_replaying)
        return false;
    return startRun(m_shown, true, {}, m_teardownOutputs);
}

Deployment::Teardown Deployment::destroy()
{
    Teardown teardown = planTeardown();
    if (teardown.outcome == Teardown::Outcome::Ready && !startTeardown()) {
        teardown.outcome = Teardown::Outcome::Refused;
        teardown.refusal = Teardown::Refusal::Running;
        teardown.message = tr("The teardown could not start");
    }
    return teardown;
}

bool Deployment::startRun(const Plan &plan, bool teardown, QMap<int, QMap<QString, QString>> provisioned,
                          QMap<int, QMap<QString, QString>> knownOutputs, const QHash<int, int> &cleanupOf)
{
    RunOptions options;
    options.parallelism = m_parallelism;
    options.failFast = m_failFast;
    options.seed = m_seed;
    options.provisioned = std::move(provisioned);
    options.knownOutputs = std::move(knownOutputs);
    options.estimates = m_estimates; // `plan` is the plan shown
    m_recorder.reset(); // first: the new recorder is the scheduler's start hook
    m_recorder = std::make_unique<StateRecorder>(*m_scheduler, m_state, m_statePath,
                                                 teardown ? StateRecorder::Mode::Destroy : StateRecorder::Mode::Create);
    for (auto it = cleanupOf.cbegin(); it != cleanupOf.cend(); ++it)
        m_recorder->addCleanup(it.key(), it.value());
    connect(m_recorder.get(), &StateRecorder::saveFailed, this, &Deployment::stateSaveFailed);
    m_state.setPlanName(m_target.name);
    // The scheduler announces the run's first events from within start(): by then status() and
    // journal() must already be this run's.
    const bool hadRun = m_hasRun;
    m_hasRun = true;
    if (!m_scheduler->start(plan, options)) {
        m_hasRun = hadRun;
        m_recorder.reset();
        return false;
    }
    emit runStarted();
    return true;
}

void Deployment::onEvents(const QList<RunEvent> &events)
{
    // The state first: it is what a crash right after this burst must not lose.
    if (m_recorder)
        m_recorder->onEvents(events);
    // A retry of a finished run starts it again: what shows the run treats that like a start.
    bool states = false;
    for (const RunEvent &event : events) {
        if (event.kind == RunEvent::Kind::RunResumed || (m_replaying && event.kind == RunEvent::Kind::RunStarted))
            emit runStarted();
        states = states || event.kind != RunEvent::Kind::Log;
    }
    emit eventsRecorded(events);
    if (states)
        emit statesChanged();
}

void Deployment::onFinished()
{
    // The recorder has seen the run's last events (flushed before finished()): its journal goes
    // into the snapshot, and what is up to date now is what the next run would skip.
    if (m_recorder)
        m_recorder->compact();
    updateProvisioning();
    emit runFinished();
    // Edits made during the run are shown once it is over, with what the run left in the state.
    if (m_planPending && !isRunning() && !m_replaying) {
        m_planPending = false;
        m_recorder.reset();
        show(m_target, false);
    }
}

void Deployment::cancel()
{
    if (isRunning() && isRemote())
        m_remote->cancel();
    else if (isRunning() && !m_replaying)
        m_scheduler->cancel();
}

void Deployment::stopAtOnce()
{
    if (isRunning() && isRemote()) {
        if (!m_remote->isStopping())
            m_remote->cancel();
        m_remote->cancel(); // what runs there is stopped too
        return;
    }
    if (!isRunning() || m_replaying)
        return;
    m_scheduler->cancel();
    CommandExecutor::killAllProcesses();
}

int Deployment::retry(const QStringList &ids)
{
    if (isRemote()) {
        QStringList retryable;
        for (const QString &id : ids) {
            if (canRetry(m_shown.indexOf(id)))
                retryable.append(id);
        }
        return retryable.isEmpty() ? 0 : m_remote->retry(retryable);
    }
    return m_hasRun && !m_replaying ? m_scheduler->retry(ids) : 0;
}

int Deployment::retryFailed()
{
    return retry(failedIds());
}

int Deployment::retryWithDependents(int resource)
{
    if (!canRetry(resource))
        return 0;
    QStringList ids{m_shown.resources[resource].id};
    for (int r : m_graph->downstream(resource)) {
        if (canRetry(r))
            ids.append(m_shown.resources[r].id);
    }
    return retry(ids);
}

QStringList Deployment::failedIds() const
{
    return m_hasRun ? m_scheduler->failedIds() : QStringList();
}

bool Deployment::canRetry(int resource) const
{
    if (!m_hasRun || (m_replaying && !m_remote) || resource < 0 || resource >= resourceCount())
        return false;
    const ResourceState s = state(resource);
    return (s == ResourceState::Failed || s == ResourceState::Cancelled) && (!m_remote || m_remote->canRetry(resource));
}

bool Deployment::isRunning() const
{
    return m_hasRun && m_scheduler->isRunning();
}

bool Deployment::isCancelling() const
{
    return isRunning() && m_scheduler->isCancelling();
}

ResourceStatus Deployment::status(int resource) const
{
    if (m_hasRun)
        return m_scheduler->status(resource);
    ResourceStatus status;
    if (const auto it = m_provisioning.provisioned.constFind(resource); it != m_provisioning.provisioned.cend()) {
        // As the scheduler will start it.
        status.state = ResourceState::Succeeded;
        status.reason = ResourceStatus::upToDateReason();
        status.outputs = *it;
    } else if (resource >= 0 && resource < m_provisioning.changes.size()
               && m_provisioning.changes[resource] == DeploymentState::Change::Interrupted) {
        status.reason = QStringLiteral("interrupted: it was in flight when Fanout stopped and may exist in part; "
                                       "the next run destroys it first, then creates it again");
    }
    return status;
}

ResourceState Deployment::state(int resource) const
{
    if (m_hasRun)
        return m_scheduler->status(resource).state;
    return m_provisioning.isUpToDate(resource) ? ResourceState::Succeeded : ResourceState::Pending;
}

int Deployment::count(ResourceState state) const
{
    if (m_hasRun)
        return m_scheduler->count(state);
    const int upToDate = int(m_provisioning.provisioned.size());
    if (state == ResourceState::Succeeded)
        return upToDate;
    return state == ResourceState::Pending ? resourceCount() - upToDate : 0;
}

qint64 Deployment::elapsedMs() const
{
    return m_hasRun ? m_scheduler->elapsedMs() : 0;
}

const Journal &Deployment::journal() const
{
    static const Journal none;
    return m_hasRun ? m_scheduler->journal() : none;
}

qint64 Deployment::estimatedRemainingMs() const
{
    if (!m_hasRun)
        return -1;
    if (!isRunning())
        return 0;
    if (m_replaying && !m_remote) // known: when the recorded run ended
        return std::max<qint64>(0, m_replayDurationMs - elapsedMs());
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

bool Deployment::startRemote(const Plan &plan, const QDateTime &startedAt, RemoteRun *remote)
{
    return remote && beginReplay(plan, 0, false, startedAt, remote);
}

bool Deployment::startReplay(const Plan &plan, qint64 durationMs, bool teardown, const QDateTime &startedAt)
{
    return beginReplay(plan, durationMs, teardown, startedAt, nullptr);
}

bool Deployment::beginReplay(const Plan &plan, qint64 durationMs, bool teardown, const QDateTime &startedAt, RemoteRun *remote)
{
    if (isRunning() && !m_replaying)
        return false;
    if (m_replaying && (m_remote || remote)) {
        // A run elsewhere gives way to a recorded run, or the other way round: whatever showed
        // the one shown hears that it is no longer shown.
        m_replaying = false;
        m_remote = nullptr;
        emit replayingChanged(false);
    }
    m_remote = remote;
    m_recorder.reset(); // a replay records nothing in the state
    const bool was = m_replaying;
    m_replaying = true;
    m_replayDurationMs = std::max<qint64>(0, durationMs);
    m_replayStartedAt = startedAt;
    show(plan, teardown);
    rewindReplay();
    if (!was)
        emit replayingChanged(true);
    return true;
}

void Deployment::rewindReplay()
{
    if (!m_replaying)
        return;
    m_scheduler->startReplay(m_shown, m_replayStartedAt);
    m_hasRun = true;
}

void Deployment::replayEvents(const QList<RunEvent> &events, qint64 atMs)
{
    if (m_replaying)
        m_scheduler->replayEvents(events, atMs);
}

void Deployment::closeReplay()
{
    if (!m_replaying)
        return;
    m_replaying = false;
    m_remote = nullptr;
    m_planPending = false;
    show(m_target, false);
    emit replayingChanged(false);
}

Expected<void> Deployment::writeReport(const QString &path) const
{
    return RunReport::write(path, RunReport::toJson(*m_scheduler, m_planFile));
}

nlohmann::ordered_json Deployment::report() const
{
    return RunReport::toJson(*m_scheduler, m_planFile);
}

RunReport::Facts Deployment::reportFacts() const
{
    return RunReport::facts(*m_scheduler, m_planFile);
}

Expected<void> Deployment::writeJUnit(const QString &path) const
{
    return AtomicFile::write(path, RunReport::toJUnit(*m_scheduler));
}

QString Deployment::outcome() const
{
    return RunReport::outcome(*m_scheduler);
}

} // namespace fanout
