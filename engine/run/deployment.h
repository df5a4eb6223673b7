#pragma once

#include "engine/plan/plan.h"
#include "engine/run/journal.h"
#include "engine/run/resourcestatus.h"
#include "engine/run/runevent.h"
#include "engine/run/runreport.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/provisioningplan.h"
#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace fanout {

class ExecutorRegistry;
class PlanGraph;
class RemoteRun;
class Scheduler;
class StateRecorder;

// A plan's deployment: the plan, what its state file says exists, and its runs. The one flow behind
// `fanout run`, `fanout destroy` and every run action of the dashboard: it reads and checks the
// state file, works out what to provision (create, replace, up to date), runs the plan or its
// teardown on a Scheduler, records what succeeds in the state file as it goes, retries, cancels
// and writes the reports. Lives on one thread (the GUI's, or the command line's).
//
// Before a run, what the state says was provisioned from the same definition shows as succeeded
// ("up to date"), as a run will start it. A run takes a snapshot of the plan when it starts:
// setPlan() during a run changes the plan of the next one, shown once the run is over.
class Deployment : public QObject
{
    Q_OBJECT

public:
    explicit Deployment(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~Deployment() override;

    // --- The plan and its state file

    // Starts over with `plan` (free of validation errors) and its parallelism and fail-fast;
    // `planFile` is what reports and messages call it ("deploy.json", "demo (built in)").
    // `statePath` is its state file, read now; empty keeps the state in memory only (the built-in
    // demo). False when the state file cannot be read (stateDiagnostics() say why): the plan is
    // shown, but nothing runs and the file is never overwritten. Not during a run.
    bool open(const Plan &plan, const QString &planFile, const QString &statePath);
    // The plan as edited since: the state is not read again, and the run settings stay (unless the
    // plan's own parallelism or fail-fast changed). During a run it waits for the run to end.
    void setPlan(const Plan &plan);
    // What is shown and run: the plan, or the teardown of what the state records (isTeardown()).
    // During a run, the plan the run started with.
    const Plan &plan() const { return m_shown; }
    // The plan to provision, as last given to open() or setPlan() (during a run, the next run's).
    const Plan &targetPlan() const { return m_target; }
    QString planFile() const { return m_planFile; }
    void setPlanFile(const QString &planFile) { m_planFile = planFile; } // saved under another name
    const PlanGraph &graph() const { return *m_graph; }
    // Changes each time another plan is shown (planChanged()): what was computed for the plan
    // shown can tell whether it still is.
    quint64 planGeneration() const { return m_generation; }
    int resourceCount() const { return int(m_shown.resources.size()); }
    // The expected duration of each resource's attempt: learned from the run history when
    // setEstimates() gave it, else its estimate, else its executor's guess.
    qint64 estimateMs(int resource) const { return m_estimates[resource]; }
    // Learned expected durations of targetPlan()'s resources, in its order
    // (LearnedEstimates::durations): estimateMs(), estimatedRemainingMs() and the order of the
    // runs of the plan (not of its teardown) use them from now on. Forgotten when another plan is
    // opened or set. `notes` (one per resource, or none) say where each came from, for the user.
    // False, changing nothing, when there are not as many as the plan's resources.
    bool setEstimates(std::vector<qint64> estimatesMs, QStringList notes = {});
    bool hasLearnedEstimates() const { return !m_learnedMs.empty(); }
    // Where estimateMs() came from, as setEstimates() said ("this definition, 3 runs"); empty
    // when it is the resource's own estimate or its executor's.
    QString estimateNote(int resource) const { return resource < m_estimateNotes.size() ? m_estimateNotes[resource] : QString(); }

    const DeploymentState &deploymentState() const { return m_state; }
    QString statePath() const { return m_statePath; } // empty: in memory only
    bool isStateReadable() const { return errorCount(m_stateDiagnostics) == 0; } // unreadable: the state is empty
    const Diagnostics &stateDiagnostics() const { return m_stateDiagnostics; }
    QString stateError() const; // "FILE:LINE:COL: error: ..." lines; empty when readable
    // "FILE: warning: ..." for what is worth knowing about a readable state file: readable by
    // other users (it holds secrets), a journal line cut short by a crash.
    QStringList stateWarnings() const;
    // Resources the state records as in flight when Fanout last stopped (a crash, kill -9, a
    // power cut): "a, b were being created when Fanout stopped; they may exist in part". Empty
    // when none. provision() destroys and creates them again; a teardown destroys them.
    // While another Fanout runs with it: that run's resources in flight are not interrupted,
    // and the notice is stateInUse() instead.
    QString interruptionNotice() const;
    // "Another Fanout is running with the state file F now; wait until that run ends." while
    // another process (a run of the command line, another window) holds the lock of its journal;
    // empty otherwise. With `notDone` ("nothing was run"), it is said before the wait. provision()
    // and planTeardown() refuse then.
    QString stateInUse(const QString &notDone = QString()) const;
    // Keeps the state in `path` from now on (Save As moves the plan): what it records so far is
    // written there first. Refused during a run, when the state cannot be read, when `path`
    // already holds a file, or when it cannot be written.
    Expected<void> moveState(const QString &path);
    // Set when the state file cannot be written during a run; empty once a save succeeds again.
    QString stateSaveError() const;
    // The end of a run writes the state's snapshot in the background (the journal has it all
    // until then): waits for it; false, with stateSaveError(), when it could not be written.
    bool waitForState();
    Expected<void> saveState(); // tries again now
    int recordedCount() const;  // resources the last run recorded in (or removed from) the state
    qint64 stateRecordingNs() const; // time the last run spent recording its state (benchmark)
    qint64 stateJournalNs() const;   // of it, on writing the state file's journal
    qint64 stateFoldNs() const;      // time its snapshots took on the journal's background thread

    // --- What a run would do

    // Which resources a run would provision given the state: `replace` and `all` run up-to-date
    // ones again (--replace ID, --all).
    ProvisioningPlan preview(const QStringList &replace = {}, bool all = false) const;
    const ProvisioningPlan &provisioning() const { return m_provisioning; } // of the plan shown
    bool isProvisioned(int resource) const; // up to date: in the state with the same definition
    // "3 to create, 1 to replace, 2 interrupted, to replace, 26 up to date"
    QString provisioningSummary() const;
    // Why provision() would refuse to run, as a sentence; empty when it would not. A state file
    // that records another plan: given for another plan by mistake (one beside the plan file is
    // the plan's own, renamed, and records the new name); destroy actions of interrupted
    // resources that cannot run.
    QString provisionRefusal() const;
    // Ids the state holds that the plan no longer has: kept, and torn down by destroy().
    QStringList orphans() const;
    // The resources `provisioning` (a preview() of the target plan) leaves up to date although a
    // variable their parameters use has another value than when they were created (--var, or the
    // plan's default changed): in plan order, with the changes. Their definition is the same, so
    // nothing replaces them unless asked (--replace ID).
    struct StaleInputs
    {
        QString id;
        QList<DeploymentState::VariableChange> changes;
    };
    QList<StaleInputs> changedVariables(const ProvisioningPlan &provisioning) const;
    int destroyCount() const; // what destroy() would tear down or forget

    int parallelism() const { return m_parallelism; }
    bool failFast() const { return m_failFast; }
    void setParallelism(int limit); // at once in a running run
    void setFailFast(bool failFast);
    void setSeed(std::optional<quint64> seed); // for simulated resources; the plan's when not set

    // --- Actions

    struct ProvisionRequest
    {
        QStringList replace;         // run these again although up to date (--replace ID)
        bool all = false;            // run everything again (--all)
        bool evenIfUpToDate = false; // run (and finish at once) with nothing to do, to report it
    };
    // Runs what is new or changed (after a teardown, the plan comes back first); resources that
    // were interrupted are replaced: each one's destroy action runs first, as a resource of the
    // run ("ID (destroy first)") it depends on. False, with nothing started, during a run, when the
    // state cannot be read, when provisionRefusal() says why, for an empty plan, or when
    // everything is up to date (unless asked to run anyway).
    bool provision(const ProvisionRequest &request);
    bool start() { return provision({}); }
    bool startAll() { return provision({{}, true}); }
    bool replace(const QStringList &ids) { return provision({ids}); }

    // What destroying found, and what it did about it.
    struct Teardown
    {
        enum class Outcome : quint8 {
            Ready,           // the teardown plan is shown; startTeardown() runs it
            NothingRecorded, // the state records nothing
            OnlyForgotten,   // everything recorded had no destroy action: forgotten, nothing to run
            Refused,         // nothing was done: see `refusal`
        };
        enum class Refusal : quint8 { None, Running, StateUnreadable, OtherPlan, InvalidActions, StateNotSaved, StateInUse };

        Outcome outcome = Outcome::Refused;
        Refusal refusal = Refusal::None;
        QString message;       // Refused: why, as a sentence for the user
        Diagnostics problems;  // InvalidActions: the destroy actions' errors, paths in the state file
        QStringList forgotten; // recorded without a destroy action: removed from the state
        QStringList notes;     // values recorded at creation that differ from today's, and the like
    };
    // Prepares tearing down what the state records, in reverse dependency order (like `fanout
    // destroy`): checks the destroy actions, forgets (and saves) the entries that have none, and
    // shows the teardown plan. Refuses a state file that records another plan.
    Teardown planTeardown();
    bool startTeardown(); // runs the teardown planTeardown() prepared
    // Both at once, as the dashboard's Destroy does; Ready means the teardown run has started.
    Teardown destroy();

    void cancel();
    // Cancels without the grace period: the processes of every running command are killed
    // (SIGKILL to their process groups) now, and the run ends as a cancelled run. The second
    // Ctrl+C, the second close of the window. A run elsewhere is terminated there.
    void stopAtOnce();
    // Runs these failed (or cancelled) resources again within the run. How many were retried.
    int retry(const QStringList &ids);
    int retryFailed();
    int retryWithDependents(int resource); // it and what failed or was cancelled downstream of it
    QStringList failedIds() const;
    bool canRetry(int resource) const;     // failed or cancelled in the run

    // --- The run

    const Scheduler &scheduler() const { return *m_scheduler; }
    bool hasRun() const { return m_hasRun; } // a run of the plan shown has started
    bool isRunning() const;
    bool isCancelling() const;
    bool isTeardown() const { return m_teardown; }
    ResourceStatus status(int resource) const; // before a run: pending, or up to date
    ResourceState state(int resource) const;
    int count(ResourceState state) const;
    qint64 elapsedMs() const; // 0 before a run
    const Journal &journal() const;
    // Estimated time until the run is done (remaining critical path and work against the limit),
    // -1 when unknown.
    qint64 estimatedRemainingMs() const;

    // --- A recorded run, shown read-only (RunHistory; engine/run/Replay moves through it)

    // Shows `plan` as a recorded run `durationMs` long (a teardown's, for a destroy), before anything of it happened: nothing of
    // it runs, and every action (run, retry, cancel, destroy, parallelism) refuses until
    // closeReplay(); edits of the plan wait for it like they wait for a run. Refused during a run.
    bool startReplay(const Plan &plan, qint64 durationMs, bool teardown = false, const QDateTime &startedAt = {});
    // Back to the start of the recorded run (nothing of it happened yet).
    void rewindReplay();
    // Applies the recorded events after those applied so far, up to the moment `atMs`, which
    // elapsedMs() is from now on: every pane follows them as it follows a run.
    void replayEvents(const QList<RunEvent> &events, qint64 atMs);
    // The open plan again, as its state file says (and as edited meanwhile).
    void closeReplay();
    bool isReplaying() const { return m_replaying; }
    qint64 replayDurationMs() const { return m_replayDurationMs; }

    // --- A run elsewhere (Argo Workflows: engine/argo/ArgoRun), shown as it happens

    // Shows `plan` as a run that `remote` follows elsewhere: a replay that grows, its events given
    // to replayEvents() as they come; retry, canRetry and cancel are asked of `remote`, which must
    // call closeReplay() before it goes. Nothing is recorded in the state file, and the estimates
    // of what is left are worked out as for a run here. Refused during a run here.
    bool startRemote(const Plan &plan, const QDateTime &startedAt, RemoteRun *remote);
    bool isRemote() const { return m_replaying && m_remote; }
    RemoteRun *remote() const { return m_replaying ? m_remote : nullptr; }

    // The run's reports (docs/report-format.md): JSON, and JUnit XML with one test case per resource.
    Expected<void> writeReport(const QString &path) const;
    nlohmann::ordered_json report() const; // what writeReport() writes (RunReport::toJson)
    RunReport::Facts reportFacts() const;  // what report() is made of, to make it on another thread
    Expected<void> writeJUnit(const QString &path) const;
    QString outcome() const; // "succeeded", "failed" or "cancelled"

signals:
    void planChanged();
    void estimatesChanged(); // setEstimates() gave the plan shown other figures
    void runStarted(); // also when a retry starts a finished run again
    void eventsRecorded(const QList<fanout::RunEvent> &events);
    // After a batch of events in which something besides log lines happened (a resource changed
    // state, the run started or ended, the limit changed): what shows counts and actions follows
    // this rather than every batch of log lines.
    void statesChanged();
    void runFinished();
    void parallelismChanged(int limit);
    void failFastChanged(bool failFast);
    void stateSaveFailed(const QString &error);
    void replayingChanged(bool replaying);

private:
    void show(const Plan &plan, bool teardown, int cleanups = 0);
    void adoptRunSettings(const Plan &plan, bool always);
    bool beginReplay(const Plan &plan, qint64 durationMs, bool teardown, const QDateTime &startedAt, RemoteRun *remote);
    bool startRun(const Plan &plan, bool teardown, QMap<int, QMap<QString, QString>> provisioned,
                  QMap<int, QMap<QString, QString>> knownOutputs, const QHash<int, int> &cleanupOf = {});
    bool isOwnStateFile() const;
    void onEvents(const QList<RunEvent> &events);
    void onFinished();
    void updateProvisioning();
    void updateEstimates();
    Expected<void> saveStateNow();

    const ExecutorRegistry &m_registry;
    std::unique_ptr<Scheduler> m_scheduler;
    Plan m_target;
    Plan m_shown;
    // The plan shown runs cleanups of interrupted resources (the last ones): what is up to date
    // is worked out from the plan without them.
    int m_shownCleanups = 0;
    Plan m_shownWithoutCleanups;
    QString m_planFile;
    bool m_planPending = false; // the target plan changed during a run: shown when it is over
    std::unique_ptr<PlanGraph> m_graph;
    std::vector<qint64> m_estimates; // of the plan shown
    QStringList m_estimateNotes;      // of the plan shown; empty: none
    std::vector<qint64> m_learnedMs;  // of the target plan, from setEstimates(); empty: none
    QStringList m_learnedNotes;
    DeploymentState m_state;
    QString m_statePath;
    Diagnostics m_stateDiagnostics;
    ProvisioningPlan m_provisioning;
    // The definition hashes of the plan m_provisioning is of, and the planGeneration() they are of:
    // a plan's do not change with its runs (2,000 of them took half of a run's last event).
    QStringList m_definitions;
    quint64 m_definitionsOf = ~quint64(0);
    QMap<int, QMap<QString, QString>> m_teardownOutputs; // for ${self.outputs.KEY} in destroy actions
    std::unique_ptr<StateRecorder> m_recorder;
    std::optional<quint64> m_seed;
    int m_parallelism = 10;
    bool m_failFast = false;
    bool m_teardown = false;
    bool m_hasRun = false;
    bool m_replaying = false;
    RemoteRun *m_remote = nullptr; // while a run elsewhere is shown
    QDateTime m_replayStartedAt;
    qint64 m_replayDurationMs = 0;
    quint64 m_generation = 0;
};

} // namespace fanout
