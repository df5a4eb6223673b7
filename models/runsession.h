#pragma once

#include "plan.h"
#include "plangraph.h"
#include "runevent.h"
#include "scheduler.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace fanout {

class ExecutorRegistry;

// The plan on screen and its run: what every pane of the dashboard shows and every action acts on.
// Before a run every resource is pending; a run goes through the engine's Scheduler, whose events
// are forwarded (already batched) to the panes. Also holds the selection all panes share, so
// selecting a resource in one selects it in all of them. Lives on the GUI thread.
class RunSession : public QObject
{
    Q_OBJECT

public:
    explicit RunSession(const ExecutorRegistry &registry, QObject *parent = nullptr);
    ~RunSession() override;

    // Shows `plan` (free of validation errors); any run of the previous plan must be over.
    void setPlan(const Plan &plan, const QString &file);
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

    // Actions, as the toolbar, menus and context menus call them.
    bool start();
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

private:
    const ExecutorRegistry &m_registry;
    std::unique_ptr<Scheduler> m_scheduler;
    Plan m_plan;
    QString m_file;
    std::unique_ptr<PlanGraph> m_graph;
    std::vector<qint64> m_estimates;
    std::vector<RunEvent> m_noEvents;
    int m_parallelism = 10;
    bool m_failFast = false;
    bool m_hasRun = false;
    int m_selected = -1;
};

} // namespace fanout
