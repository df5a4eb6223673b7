#include "engine/argo/argoprogress.h"

#include "engine/argo/argojson.h"
#include "engine/argo/argoworkflow.h"

#include <QRegularExpression>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

using argojson::text;

bool isFinal(ArgoProgress::Phase phase)
{
    return phase == ArgoProgress::Phase::Succeeded || phase == ArgoProgress::Phase::Failed || phase == ArgoProgress::Phase::Skipped;
}

// FNV-1a, 32 bits (Go's hash/fnv New32a), which Argo makes pod names with.
quint32 fnv1a32(const QByteArray &bytes)
{
    quint32 hash = 0x811C9DC5u;
    for (const char byte : bytes)
        hash = (hash ^ quint32(quint8(byte))) * 0x01000193u;
    return hash;
}

// The name Argo gives the pod of node `nodeName` (util.GeneratePodName, "v2" pod names): the
// workflow's name and the template's, cut to 242 characters so that the whole is at most 253, and
// the hash of the node's name.
QString podNameV2(const QString &workflow, const QString &nodeName, const QString &templateName)
{
    if (nodeName == workflow)
        return workflow;
    const QString prefix = templateName.isEmpty() ? workflow : workflow + QLatin1Char('-') + templateName;
    return prefix.left(242) + QLatin1Char('-') + QString::number(fnv1a32(nodeName.toUtf8()));
}

} // namespace

ArgoProgress::Phase ArgoProgress::phaseFrom(const std::string &argoPhase)
{
    if (argoPhase == "Running")
        return Phase::Running;
    if (argoPhase == "Succeeded")
        return Phase::Succeeded;
    if (argoPhase == "Failed" || argoPhase == "Error")
        return Phase::Failed;
    if (argoPhase == "Skipped" || argoPhase == "Omitted")
        return Phase::Skipped;
    return Phase::Pending;
}

QString ArgoProgress::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Pending: return QStringLiteral("pending");
    case Phase::Running: return QStringLiteral("running");
    case Phase::Succeeded: return QStringLiteral("succeeded");
    case Phase::Failed: return QStringLiteral("failed");
    case Phase::Skipped: return QStringLiteral("skipped");
    }
    return QString();
}

QList<ArgoProgress::Change> ArgoProgress::update(const json &workflow)
{
    const json &metadata = workflow.contains("metadata") ? workflow["metadata"] : json::object();
    const QString name = text(metadata, "name");
    if (m_resourceOfTask.isEmpty()) {
        // The export's map of task names to resource ids; a workflow from elsewhere: its DAG's tasks.
        const json annotations = metadata.contains("annotations") ? metadata["annotations"] : json::object();
        const json map = json::parse(text(annotations, ArgoWorkflow::kResourcesAnnotation).toStdString(), nullptr, false);
        if (map.is_object()) {
            for (const auto &[task, id] : map.items()) {
                const QString resource = id.is_string() ? QString::fromStdString(id.get<std::string>()) : QString::fromStdString(task);
                m_resourceOfTask.insert(QString::fromStdString(task), resource);
                m_resources.append(resource);
            }
        }
    }

    QList<Change> starting;
    QList<Change> ending;
    QList<Change> attemptsStarting;
    QList<Change> attemptsEnding;
    const json status = workflow.contains("status") ? workflow["status"] : json::object();
    const json nodes = status.contains("nodes") && status["nodes"].is_object() ? status["nodes"] : json::object();
    const QString prefix = name + QLatin1Char('.');
    // The tasks' own nodes first: a task that failed and runs again (Argo's retry resets its
    // nodes, with the same names) starts a new series of attempts, numbered on from the last.
    for (const auto &[id, node] : nodes.items()) {
        const QString nodeName = text(node, "name");
        if (!nodeName.startsWith(prefix) || !m_resourceOfTask.contains(nodeName.mid(prefix.size())))
            continue;
        const QString resource = m_resourceOfTask.value(nodeName.mid(prefix.size()));
        const Phase phase = phaseFrom(text(node, "phase").toStdString());
        if (m_phase.contains(resource) && m_phase.value(resource) == phase)
            continue;
        if (m_phase.value(resource) == Phase::Failed && !isFinal(phase)) {
            m_attemptBase.insert(resource, m_attempts.value(resource));
            for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
                if (it->resource == resource)
                    m_podPhase.remove(it.key());
            }
        }
        m_phase.insert(resource, phase);
        (isFinal(phase) ? ending : starting).append(Change{resource, 0, phase, text(node, "message"), nodeName});
    }
    // Then each attempt: a Pod (or HTTP) node, "WFNAME.TASK", "WFNAME.TASK(1)", "WFNAME.TASK.provision(0)".
    static const QRegularExpression attemptName(QStringLiteral("^([a-z0-9-]+)(?:\\.provision)?(?:\\((\\d+)\\))?$"));
    for (const auto &[id, node] : nodes.items()) {
        const QString type = text(node, "type");
        const QString nodeName = text(node, "name");
        if ((type != QLatin1String("Pod") && type != QLatin1String("HTTP")) || !nodeName.startsWith(prefix))
            continue;
        const QRegularExpressionMatch match = attemptName.match(nodeName.mid(prefix.size()));
        if (!match.hasMatch() || !m_resourceOfTask.contains(match.captured(1)))
            continue;
        const QString resource = m_resourceOfTask.value(match.captured(1));
        const Phase phase = phaseFrom(text(node, "phase").toStdString());
        const QString podId = QString::fromStdString(id);
        if (m_podPhase.contains(podId) && m_podPhase.value(podId) == phase)
            continue;
        const int attempt = m_attemptBase.value(resource) + (match.captured(2).isEmpty() ? 1 : match.captured(2).toInt() + 1);
        m_podPhase.insert(podId, phase);
        // Its pod, by either of Argo's names for it; a retry by Argo makes it again, for a later attempt.
        m_pods.insert(podId, Pod{resource, attempt});
        m_pods.insert(podNameV2(name, nodeName, text(node, "templateName")), Pod{resource, attempt});
        m_attempts.insert(resource, std::max(m_attempts.value(resource), attempt));
        (isFinal(phase) ? attemptsEnding : attemptsStarting).append(Change{resource, attempt, phase, text(node, "message"), nodeName});
    }
    const std::string workflowPhase = status.is_object() ? status.value("phase", "") : std::string();
    // Said of a failed workflow; a retried one is not failed any more.
    m_message = workflowPhase == "Failed" || workflowPhase == "Error" ? text(status, "message") : QString();
    // As a story: what ended (attempts, then their resources), then what started.
    return attemptsEnding + ending + starting + attemptsStarting;
}

ArgoProgress::Pod ArgoProgress::podOf(const QString &podName) const
{
    return m_pods.value(podName);
}

} // namespace fanout
