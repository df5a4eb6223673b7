#pragma once

#include "engine/state/deploymentstate.h"
#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"
#include "engine/state/provisioningplan.h"
#include "engine/run/runevent.h"
#include "engine/run/scheduler.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace fanout {

class ExecutorRegistry;
class StateRecorder;

// The plan on screen and its run: what every pane of the dashboard shows and every action acts on.
// Before a run every resource is pending, except what the deployment state says was provisioned
// by an earlier run with the same definition: that shows as succeeded ("up to date"), as the
// scheduler will start it. A run goes through the engine's Scheduler, whose events are forwarded
// (already batched) to the panes, and is recorded in the state as it goes (like `fanout run`).
// Destroying switches to the teardown plan of what the state says exists (like `fanout destroy`). Also holds the selection all panes share, so
// selecting a resource in one selects it in all of them. Lives on the GUI thread.
class RunSession : public QObject
{
    Q_OBJECT

public:
    explicit RunSession(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~RunSession() override;

    // Shows `plan` (free of validation errors); any run of the previous plan must be over.
    // `statePath`: its deployment state file (DeploymentState::defaultPath()), read now; empty to
    // keep the state in memory only (the built-in demo).
    void setPlan(const Plan &plan, const QString &file, const QString &statePath = QString());
    const Plan &plan() const { return m_plan; }
    QString file() const { return m_file; }
    const PlanGraph &graph() const { return *m_graph; }
    int resourceCount() const { return int(m_plan.resources.size()); }
    // The expected duration of each resource's attempt (its estimate, else its executor's guess).
    qint64 estimateMs(int resource) const { return m_estimates[resource]; }

    const Scheduler &scheduler() const { return *m_scheduler; }
    bool hasRun() const { return m_hasRun; }      // a run of this plan has started
    bool isRunning() const;
    ResourceStatus status(int resource) const;     // pending before a run
    ResourceState state(int resource) const;
    int count(ResourceState state) const;
    qint64 elapsedMs() const;                      // 0 before a run
    const std::vector<RunEvent> &journal() const;  // empty before a run
    int parallelism() const { return m_parallelism; }
    bool failFast() const { return m_failFast; }

    // Estimated time until the run is done (remaining critical path and work against the limit),
    // -1 when unknown.
    qint64 estimatedRemainingMs() const;

    // The deployment state, and what a run would do given it.
    const DeploymentState &deploymentState() const { return m_state; }
    QString statePath() const { return m_statePath; }    // empty: in memory only
    // Keeps the state in `path` from now on, as Save As moves the plan: what the state records so
    // far is written there first. Refused (false, and why in `error`) during a run, when the state
    // cannot be read, when `path` already holds a state file, or when it cannot be written.
    bool moveStateTo(const QString &path, QString *error = nullptr);
    bool isStateReadable() const { return m_stateError.isEmpty(); }
    QString stateError() const { return m_stateError; }  // "FILE:LINE:COL: error: ..." lines
    const ProvisioningPlan &provisioning() const { return m_provisioning; } // of the plan as opened
    bool isProvisioned(int resource) const;             // in the state with the same definition
    // "3 to create, 1 to replace, 26 up to date"
    QString provisioningSummary() const;
    // Showing (or running) the teardown of what the state says exists, rather than the plan.
    bool isTeardown() const { return m_teardown; }
    // What destroy() would tear down: with destroy actions to run, and only to forget.
    int destroyCount() const;
    // Set when a state file cannot be written during a run; empty once a save succeeds again.
    QString stateSaveError() const;

    // Actions, as the toolbar, menus and context menus call them.
    // Runs what is new or changed; false (nothing started) when all is up to date or running.
    bool start();
    bool startAll();                        // every resource again (fanout run --all)
    bool replace(const QStringList &ids);   // these again, up to date or not (--replace ID)
    // Tears down what the state records, in reverse dependency order: forgets the entries with
    // no destroy action, switches to the teardown plan and runs it. False (and `message`) when
    // there is nothing to run or the destroy actions are invalid; `message` also tells what was
    // only forgotten.
    bool destroy(QString *message = nullptr);
    void cancel();
    int retry(const QStringList &ids);
    int retryFailed();                 // every failed resource
    // `resource` and every failed or cancelled resource downstream of it.
    int retryWithDependents(int resource);
    QStringList failedIds() const;
    bool canRetry(int resource) const; // failed or cancelled
    void setParallelism(int limit);    // takes effect at once in a running run
    void setFailFast(bool failFast);

    // The selected resource, -1 for none.
    int selected() const { return m_selected; }
    void select(int resource);

signals:
    void planChanged();
    void runStarted();   // also when a retry starts a finished run again
    void eventsRecorded(const QList<fanout::RunEvent> &events);
    void runFinished();
    void selectionChanged(int resource);
    void parallelismChanged(int limit);
    void failFastChanged(bool failFast);
    void stateSaveFailed(const QString &error);

private:
    void showPlan(const Plan &plan, bool teardown);
    bool provision(const QStringList &replace, bool all);
    bool startRun(RunOptions options, bool teardown);
    void updateProvisioning();

    const ExecutorRegistry &m_registry;
    std::unique_ptr<Scheduler> m_scheduler;
    Plan m_plan;
    QString m_file;
    std::unique_ptr<PlanGraph> m_graph;
    std::vector<qint64> m_estimates;
    std::vector<RunEvent> m_noEvents;
    Plan m_originalPlan;          // the plan as opened, while the teardown is shown
    DeploymentState m_state;
    QString m_statePath;
    QString m_stateError;
    ProvisioningPlan m_provisioning;
    std::unique_ptr<StateRecorder> m_recorder;
    bool m_teardown = false;
    int m_parallelism = 10;
    bool m_failFast = false;
    bool m_hasRun = false;
    int m_selected = -1;
};

} // namespace fanout
