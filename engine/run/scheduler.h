#pragma once

#include "engine/executors/workerpool.h"
#include "engine/plan/plan.h"
#include "engine/run/dispatcher.h"
#include "engine/run/journal.h"
#include "engine/run/resourcestatus.h"
#include "engine/run/rolloutgate.h"
#include "engine/run/runevent.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace fanout {

class Attempt;
class AttemptMailbox;
struct AttemptMessage;
class ExecutorRegistry;
class PlanGraph;

// Settings of one run that may differ from the plan's.
struct RunOptions
{
    std::optional<int> parallelism;  // the plan's when not set
    std::optional<bool> failFast;
    std::optional<quint64> seed;     // the plan's, else random
    Dispatcher::Order order = Dispatcher::Order::CriticalPath;
    // Resources provisioned by an earlier run and unchanged since (by index, with the outputs
    // recorded then): not run again, they start as succeeded ("up to date") with those outputs.
    QMap<int, QMap<QString, QString>> provisioned;
    // For teardown runs: each resource's outputs from when it was created, for ${self.outputs.KEY}.
    QMap<int, QMap<QString, QString>> knownOutputs;
    // How long each resource (by index) is expected to take, for the longest-path-first order:
    // learned from the run history (LearnedEstimates::durations). Empty: each resource's own
    // estimate, else its executor's (ExecutorRegistry::estimateMs); otherwise one per resource.
    std::vector<qint64> estimates;
};

// Runs a plan: starts every resource whose dependencies have succeeded, up to the parallelism
// limit and each group's limit, longest remaining path first; retries with backoff, enforces
// timeouts, skips what depends on a failure and keeps independent branches going. Lives on one
// thread; blocking attempts run on its own thread pool and report back through a mailbox.
// Every state change and log line is recorded in the journal and announced by eventsRecorded().
// The journal keeps log lines' text in a temporary file, so a long run's memory stays bounded.
class Scheduler : public QObject
{
    Q_OBJECT

public:
    explicit Scheduler(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~Scheduler() override;

    // Starts a run of `plan`, which must be free of validation errors. Returns false, doing
    // nothing, while another run is still going.
    bool start(const Plan &plan, const RunOptions &options = {});

    // Starts nothing new and asks running attempts to stop; finished() follows once they have.
    void cancel();

    // Runs these failed (or cancelled) resources again within the same run, and resumes what was
    // skipped or cancelled and no longer waits on a failure. Works on a running or finished run.
    // Returns how many of `ids` were retried.
    int retry(const QStringList &ids);
    QStringList failedIds() const;

    // Called on the scheduler's thread with the resources whose attempts are about to start,
    // before any of them starts (several at once when slots free up together): what must be on
    // record before an attempt can have any effect, such as the state file's write-ahead, is
    // recorded here, once per batch. It must not call back into the scheduler.
    using StartHook = std::function<void(const std::vector<int> &resources)>;
    void setStartHook(StartHook hook) { m_startHook = std::move(hook); }

    void setParallelism(int limit); // takes effect at once
    void setFailFast(bool failFast);

    // --- A recorded run, shown without running anything (engine/run/replay)

    // Shows `plan` as a recorded run before anything of it happened: nothing runs, cancel(),
    // retry() and setParallelism() do nothing, and elapsedMs() is the moment shown. start() ends it.
    void startReplay(const Plan &plan, const QDateTime &startedAt = {}); // when it ran, for startedAt()
    // Applies recorded events (those after the ones applied so far, in order) as the run applied
    // them when it happened: statuses, attempts, counts, the journal; announces them like a run's
    // (eventsRecorded(), and finished() at the run's end). `atMs`: the moment shown now.
    void replayEvents(const QList<RunEvent> &events, qint64 atMs);
    bool isReplay() const { return m_replayMs >= 0; }

    bool isRunning() const { return m_running; }
    bool isCancelling() const { return m_cancelling; }
    int parallelism() const;
    bool failFast() const { return m_failFast; }
    quint64 seed() const { return m_seed; }
    qint64 elapsedMs() const; // since the run started; it stops when the run finishes (until a retry)
    QDateTime startedAt() const { return m_startedAt; } // wall clock, UTC

    const Plan &plan() const;
    const ResourceStatus &status(int resource) const { return m_status[resource]; }
    int count(ResourceState state) const { return m_counts[int(state)]; }
    int runningAttempts() const { return m_runningAttempts; }
    const Journal &journal() const { return m_journal; }
    // The plan's rollout as it stands (which targets are under way, failed, not started); null
    // when the plan has none (no targets, or no "rollout": every target at once) and in a replay.
    const RolloutGate *rollout() const { return m_rollout.get(); }

signals:
    // New journal entries, in order, once per burst of activity.
    void eventsRecorded(const QList<fanout::RunEvent> &events);
    // The run has nothing left to do. A retry may start it again.
    void finished();

private:
    struct Wakeup
    {
        enum class Kind : quint8 { Timeout, RetryDue };
        Kind kind;
        int resource;
        int attempt;
    };
    enum class StopReason : quint8 { None, Cancel, Timeout };
    using Wakeups = std::multimap<qint64, Wakeup>;
    struct InFlight
    {
        std::shared_ptr<Attempt> attempt;
        StopReason stopReason = StopReason::None;
        std::optional<Wakeups::iterator> timeout;
        int seriesStart = 1; // first attempt of the current series of automatic retries
        qint64 readyMs = 0;  // when it last became ready
    };

    // start()'s steps: the dispatcher for the plan and options (returns the limit), a clean
    // slate, which parameters need substituting and which values are secret, and what starts as
    // succeeded without running (up to date, or "run": false).
    int createDispatcher(const RunOptions &options);
    void resetRun();
    void prepareParameters();
    void settleWithoutRunning(const QMap<int, QMap<QString, QString>> &provisioned);
    void drainMailbox();
    void onTimer();
    void onAttemptFinished(const AttemptMessage &message);
    void makeReady(int resource);
    void dispatch();
    // Admits the targets whose turn has come (their held instances become ready) and, once after
    // the rollout stopped, skips the instances of the targets it will not start, and what waits
    // for them.
    void advanceRollout();
    void startAttempt(int resource);
    // The resource's parameters with its references substituted; problems go to `errors`.
    nlohmann::ordered_json resolveParams(int resource, QStringList *errors);
    void addSecret(const QString &secret);
    void failFinally(int resource, const QString &error, qint64 timeMs);
    void stopStartingNew(const QString &reason);
    void checkFinished();
    void setState(int resource, ResourceState state, const QString &reason = QString(), int attempt = 0,
                  qint64 timeMs = -1);
    void record(RunEvent event);
    void flush();
    void replayState(const RunEvent &event);
    Wakeups::iterator addWakeup(qint64 atMs, Wakeup wakeup);
    void armTimer();

    const ExecutorRegistry &m_registry;
    WorkerPool m_workers;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QDateTime m_startedAt;
    std::shared_ptr<const Plan> m_plan;
    std::unique_ptr<PlanGraph> m_graph;
    std::unique_ptr<Dispatcher> m_dispatcher;
    std::unique_ptr<RolloutGate> m_rollout; // null: no rollout to follow
    std::vector<int> m_released;   // advanceRollout()'s lists, kept to reuse their memory
    std::vector<int> m_notStarted;
    std::shared_ptr<AttemptMailbox> m_mailbox;
    std::vector<ResourceStatus> m_status;
    std::vector<InFlight> m_inFlight;
    Wakeups m_wakeups;
    Journal m_journal; // log lines' text on disk
    StartHook m_startHook;
    std::vector<int> m_starting; // dispatch()'s batch, kept to reuse its memory
    QMap<int, QMap<QString, QString>> m_knownOutputs;
    std::vector<bool> m_usesReferences; // whose parameters have a ${...} to substitute
    QStringList m_secrets; // masked as **** in everything the run records
    QList<RunEvent> m_batch;
    std::mt19937_64 m_random;
    int m_counts[kResourceStateCount] = {};
    int m_runningAttempts = 0;
    quint64 m_seed = 0;
    qint64 m_stoppedAtMs = -1; // when the run finished; -1 while it runs
    bool m_running = false;
    bool m_cancelling = false;
    bool m_failFast = false;
    bool m_stoppedStarting = false; // fail-fast tripped
    qint64 m_replayMs = -1; // the moment a replay shows; -1 for a run
    int m_replayLimit = 0;  // a replay's parallelism, as its events said
};

} // namespace fanout
