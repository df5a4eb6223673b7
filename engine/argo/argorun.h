#pragma once

#include "engine/argo/argoclient.h"
#include "engine/argo/argoprogress.h"
#include "engine/plan/plan.h"
#include "engine/run/remoterun.h"
#include "engine/run/runevent.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <nlohmann/json.hpp>

namespace fanout {

class Deployment;

// A workflow on Argo Workflows shown on a Deployment as it runs, as a run here is shown: submitted
// from a plan, or attached to (running or finished, submitted by anyone). Each change the event
// stream brings becomes the RunEvents a run here records (a resource ready, an attempt started, a
// retry waiting, succeeded, failed, skipped because of an upstream failure), and each line the
// steps print a log event of its resource and attempt, so that the graph, the timeline, the logs,
// the Inspector and the resources table follow it unchanged. Retry and cancel on the Deployment
// are asked of Argo: retry with a node selector for the task (its dependents run again, as here),
// cancel as `stop`, then `terminate` when asked again. Closing it (or the Deployment showing
// something else) stops following; the workflow itself goes on.
class ArgoRun : public QObject, public RemoteRun
{
    Q_OBJECT

public:
    ArgoRun(Deployment &deployment, ArgoConnection connection, QObject *parent = nullptr);
    ~ArgoRun() override;

    // Exports `plan` (ArgoWorkflow), submits it and shows it on the Deployment once Argo has it.
    // What the export refuses is returned, one line per error, and nothing is submitted; the rest
    // comes as signals (started, or failed when the server refuses it).
    QStringList submit(const Plan &plan);
    // Shows workflow `name` as it is, then as it goes on, with the plan planOf() makes of it.
    void attach(const QString &name);
    // Stops following and shows the Deployment's own plan again; the workflow goes on. Once closed,
    // it stays closed (a new ArgoRun follows another workflow).
    void close();

    QString workflowName() const { return m_name; }
    const ArgoConnection &connection() const { return m_client.connection(); }
    bool isShown() const;
    // Whether the workflow has ended (as far as the last change said). The run shown on the
    // Deployment ends with its steps' last lines, at most kLogGraceMs later.
    bool hasEnded() const { return m_ended; }

    // The plan a workflow stands for: its entry point's DAG tasks, named by the export's
    // annotation (resource ids) or by their own names, with their dependencies, each a `command`
    // (a container: its image and command), an `http` (Argo's HTTP template) or, for any other
    // kind of template, a `command` naming it. Workflows Fanout did not write read the same way.
    static Plan planOf(const nlohmann::ordered_json &workflow);

    // RemoteRun
    QString where() const override;
    bool canRetry(int resource) const override;
    int retry(const QStringList &ids) override;
    void cancel() override;
    bool isStopping() const override { return m_cancels > 0; }

    static constexpr int kTickMs = 250; // how often the clock of a running workflow moves on
    // How long the run waits, once the workflow has ended, for the last lines of its steps.
    static constexpr int kLogGraceMs = 3000;

signals:
    void started(const QString &workflow); // shown from now on
    void said(const QString &message);     // worth a line in the status bar: a stream reopened, a refusal
    void failed(const QString &problem);   // cannot submit, attach or follow: nothing more comes
    void ended(const QString &summary);    // the workflow ended (a retry may start it again)
    void closed();

private:
    void onWorkflow(const nlohmann::ordered_json &workflow);
    void finishRun();
    void terminate();
    bool show(const nlohmann::ordered_json &workflow);
    QList<RunEvent> eventsOf(const QList<ArgoProgress::Change> &changes, const nlohmann::ordered_json &workflow, bool catchingUp);
    RunEvent runEvent(RunEvent::Kind kind, const QString &text = QString()) const; // about the whole run, now
    RunEvent stateEvent(int resource, ResourceState state, qint64 atMs, const QString &text = QString(), int attempt = 0);
    QString skipReason(int resource) const;
    void onLogLine(const QString &pod, const QString &line);
    void placeWaitingLines(QList<RunEvent> &events);
    qint64 nowMs() const;
    QString summary() const;

    QPointer<Deployment> m_deployment;
    ArgoClient m_client;
    ArgoProgress m_progress;
    Plan m_plan;
    QString m_name;
    QHash<QString, QString> m_taskOf;        // resource id -> its DAG task's name
    QDateTime m_startedAt;                   // the workflow's start (Argo's clock)
    QTimer m_tick;
    QTimer m_logGrace;
    QElapsedTimer m_clock;                   // since the first snapshot, whose moment is m_clockBaseMs
    qint64 m_clockBaseMs = 0;
    std::vector<qint64> m_lastMs;            // by resource: its last event's time (kept in order)
    std::vector<ResourceState> m_state;      // by resource, as shown
    std::vector<int> m_startedAttempt;       // by resource: the last attempt shown as started
    QList<std::pair<QString, QString>> m_waitingLines; // (pod, line) of pods not known yet
    struct PodLines
    {
        int attempt = 0;
        qint64 lines = 0;
    };
    QHash<QString, PodLines> m_podLines;    // by pod: the lines shown of the attempt it was made for
    QHash<QString, qint64> m_linesToSkip;   // by pod: lines a stream opened again sends a second time
    bool m_closed = false;
    bool m_showing = false;                  // taking the Deployment's place
    bool m_ended = false;                    // the workflow has ended
    bool m_finishPending = false;            // ... and the run ends once the logs have
    bool m_retrying = false;                 // a retry asked, not answered yet
    QString m_retried;                       // what it asked to retry, for the run's resumption
    int m_cancels = 0;
    bool m_stopAnswered = false;             // the stop cancel() asked has been answered
};

} // namespace fanout
