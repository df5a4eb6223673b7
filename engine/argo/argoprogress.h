#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

// What happened to a workflow's resources between two of its snapshots (the workflow-events
// stream sends the whole workflow at each change): each resource's and each attempt's phase, once
// per change, whatever the snapshots repeat or skip. Resources are found by the task names the
// export gave them (the workflow's "fanout/resources" annotation), so a workflow submitted by
// someone else, from the same export, reads the same.
class ArgoProgress
{
public:
    // Fanout's view of an Argo node phase.
    enum class Phase { Pending, Running, Succeeded, Failed, Skipped };

    struct Change
    {
        QString resource;   // the resource id
        int attempt = 0;    // 1, 2...: an attempt's change; 0: the resource's
        Phase phase = Phase::Pending;
        QString message;    // Argo's, on a failure
        QString node;       // the Argo node's name (a Pod's, for an attempt: its logs)
    };

    // The changes since the last snapshot given, in an order that reads as a story: what ended
    // (an attempt before its resource), then what started (a resource before its attempt).
    QList<Change> update(const nlohmann::ordered_json &workflow);

    // Whose output a pod's log lines are: a step's pod is named WORKFLOW-TEMPLATE-fnv32a(node name)
    // (Argo's "v2" pod names, its default) or by its node's id ("v1"). An empty resource when the
    // pod is not one of an attempt seen so far.
    struct Pod
    {
        QString resource;
        int attempt = 0;
    };
    Pod podOf(const QString &podName) const;

    // Each resource's phase in the last snapshot; those with no node yet are Pending.
    Phase phaseOf(const QString &resource) const { return m_phase.value(resource, Phase::Pending); }
    int attemptsOf(const QString &resource) const { return m_attempts.value(resource, 0); }
    QStringList resources() const { return m_resources; }
    // The workflow's message when it failed, as Argo put it ("Stopped with strategy 'Stop'").
    QString workflowMessage() const { return m_message; }

    static Phase phaseFrom(const std::string &argoPhase);
    static QString phaseName(Phase phase);

private:
    QStringList m_resources;                 // in the order of the annotation
    QHash<QString, QString> m_resourceOfTask;
    QHash<QString, Phase> m_phase;           // by resource
    QHash<QString, int> m_attempts;          // by resource
    QHash<QString, int> m_attemptBase;       // by resource: attempts before Argo's last retry of it
    QHash<QString, Phase> m_podPhase;        // by Pod node id
    QHash<QString, Pod> m_pods;              // by pod name (v2, and v1: the node id)
    QString m_message;
};

} // namespace fanout
