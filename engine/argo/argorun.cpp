#include "engine/argo/argorun.h"

#include "engine/argo/argojson.h"
#include "engine/argo/argoworkflow.h"
#include "engine/run/deployment.h"

#include <QRegularExpression>

#include <algorithm>

namespace fanout {

namespace {

using ojson = nlohmann::ordered_json;

using argojson::member;
using argojson::text;

// The templates of a workflow by name.
QHash<QString, const ojson *> templatesOf(const ojson &workflow)
{
    QHash<QString, const ojson *> templates;
    for (const ojson &t : member(member(workflow, "spec"), "templates")) {
        if (t.is_object())
            templates.insert(text(t, "name"), &t);
    }
    return templates;
}

// What a task's template does, as a resource's executor and parameters: the export wraps a
// template whose outputs are read in a DAG of one task (provision), which is looked through.
void describe(Resource &resource, const ojson *tmpl, const QHash<QString, const ojson *> &templates)
{
    for (int depth = 0; tmpl && depth < 4 && member(*tmpl, "dag").is_object(); ++depth) {
        const ojson &tasks = member(member(*tmpl, "dag"), "tasks");
        tmpl = tasks.is_array() && tasks.size() == 1 ? templates.value(text(tasks[0], "template")) : nullptr;
    }
    resource.type = QStringLiteral("command");
    if (!tmpl) {
        resource.params = {{"command", resource.id.toStdString()}};
        return;
    }
    if (const ojson &http = member(*tmpl, "http"); http.is_object()) {
        resource.type = QStringLiteral("http");
        resource.params = {{"url", member(http, "url")}, {"method", http.value("method", "GET")}};
        return;
    }
    const ojson &container = member(*tmpl, "container").is_object() ? member(*tmpl, "container") : member(*tmpl, "script");
    if (!container.is_object()) {
        resource.params = {{"command", text(*tmpl, "name").toStdString()}};
        return;
    }
    ojson command = ojson::array();
    for (const char *key : {"command", "args"}) {
        for (const ojson &word : member(container, key))
            command.push_back(word);
    }
    if (command.empty())
        command = member(container, "source").is_string() ? member(container, "source") : ojson(text(*tmpl, "name").toStdString());
    resource.params = {{"command", command}, {"image", container.value("image", "")}};
    if (const ojson &retry = member(*tmpl, "retryStrategy"); retry.is_object()) {
        const ojson &limit = member(retry, "limit");
        resource.retry.maxAttempts = 1 + (limit.is_number_integer() ? limit.get<int>() : limit.is_string() ? QString::fromStdString(limit.get<std::string>()).toInt() : 0);
    }
}

// The tasks an Argo `depends` expression names ("a && (b.Succeeded || c.Failed)").
QStringList dependsNames(const QString &expression)
{
    static const QRegularExpression name(QStringLiteral("([a-z0-9][-a-z0-9]*)(\\.[A-Za-z]+)?"));
    QStringList names;
    for (auto it = name.globalMatch(expression); it.hasNext();) {
        const QString task = it.next().captured(1);
        if (!names.contains(task))
            names.append(task);
    }
    return names;
}

} // namespace

ArgoRun::ArgoRun(Deployment &deployment, ArgoConnection connection, QObject *parent)
    : QObject(parent)
    , m_deployment(&deployment)
    , m_client(std::move(connection))
{
    connect(&m_client, &ArgoClient::workflowChanged, this, &ArgoRun::onWorkflow);
    // Between two changes the clock goes on: what runs grows on the timeline and in the graph.
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (m_deployment && isShown())
            m_deployment->replayEvents({}, nowMs());
    });
    connect(&m_client, &ArgoClient::watchInterrupted, this, [this](const QString &problem, int retryInMs) {
        emit said(tr("Following %1: %2; trying again in %3 s").arg(m_name, problem).arg(double(retryInMs) / 1000.0, 0, 'f', 1));
    });
    connect(&m_client, &ArgoClient::watchFailed, this, [this](const QString &problem) {
        emit failed(tr("Cannot follow %1: %2").arg(m_name, problem));
    });
    connect(&m_client, &ArgoClient::logLine, this, &ArgoRun::onLogLine);
    m_logGrace.setSingleShot(true);
    m_logGrace.setInterval(kLogGraceMs);
    connect(&m_logGrace, &QTimer::timeout, this, &ArgoRun::finishRun);
    connect(&m_client, &ArgoClient::logsEnded, this, &ArgoRun::finishRun);
    connect(&m_client, &ArgoClient::logsFailed, this, [this](const QString &problem) {
        emit said(tr("Cannot follow the steps' output of %1: %2").arg(m_name, problem));
    });
    connect(&deployment, &Deployment::replayingChanged, this, [this](bool replaying) {
        // Another plan, or a recorded run, is shown instead (not while this one takes the place of one).
        if (!m_showing && (!replaying || (m_deployment && m_deployment->remote() != this)))
            close();
    });
}

ArgoRun::~ArgoRun()
{
    // Not close(): no signal while going.
    if (m_deployment)
        disconnect(m_deployment, nullptr, this, nullptr);
    m_client.stopWatching();
    m_client.stopFollowingLogs();
    if (m_deployment && m_deployment->remote() == this)
        m_deployment->closeReplay();
}

QStringList ArgoRun::submit(const Plan &plan)
{
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    QStringList errors;
    for (const Diagnostic &d : exported.problems) {
        if (d.isError())
            errors.append(d.message);
    }
    if (exported.workflow.is_null())
        return errors.isEmpty() ? QStringList{tr("The plan cannot be written as an Argo Workflow")} : errors;
    m_plan = plan;
    m_client.submit(exported.workflow, [this](const Expected<ojson> &created) {
        if (!created)
            return emit failed(tr("cannot submit the workflow: %1").arg(created.error()));
        m_name = text(member(*created, "metadata"), "name");
        m_client.followLogs(m_name);
        onWorkflow(*created);
        m_client.watch(m_name);
    });
    return {};
}

void ArgoRun::attach(const QString &name)
{
    m_client.get(name, [this, name](const Expected<ojson> &workflow) {
        if (!workflow)
            return emit failed(tr("Cannot open the workflow %1: %2").arg(name, workflow.error()));
        m_name = name;
        m_plan = planOf(*workflow);
        if (m_plan.resources.isEmpty())
            return emit failed(tr("The workflow %1 has no DAG to show: Fanout shows workflows whose entry point is a DAG").arg(name));
        // The logs first: a workflow that has ended ends here with its steps' lines, not before them.
        m_client.followLogs(name);
        onWorkflow(*workflow);
        if (!ArgoClient::isFinished(*workflow))
            m_client.watch(name);
    });
}

void ArgoRun::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_tick.stop();
    m_logGrace.stop();
    m_client.stopWatching();
    m_client.stopFollowingLogs();
    if (m_deployment && m_deployment->remote() == this)
        m_deployment->closeReplay();
    emit closed();
}

bool ArgoRun::isShown() const
{
    return m_deployment && m_deployment->remote() == this;
}

QString ArgoRun::where() const
{
    return tr("workflow %1 on %2").arg(m_name, m_client.connection().server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash));
}

bool ArgoRun::show(const ojson &workflow)
{
    // Argo's clock: the moments of what happened before Fanout looked are the workflow's own.
    m_startedAt = QDateTime::fromString(text(member(workflow, "status"), "startedAt"), Qt::ISODate);
    if (!m_startedAt.isValid())
        m_startedAt = QDateTime::fromString(text(member(workflow, "metadata"), "creationTimestamp"), Qt::ISODate);
    if (!m_startedAt.isValid())
        m_startedAt = QDateTime::currentDateTimeUtc();
    m_clockBaseMs = std::max<qint64>(0, m_startedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    m_clock.start();
    m_showing = true;
    const bool shown = m_deployment && m_deployment->startRemote(m_plan, m_startedAt.toUTC(), this);
    m_showing = false;
    if (!shown)
        return false;
    m_taskOf.clear();
    const ojson resources = ojson::parse(text(member(member(workflow, "metadata"), "annotations"), ArgoWorkflow::kResourcesAnnotation).toStdString(), nullptr, false);
    if (resources.is_object()) {
        for (const auto &item : resources.items())
            m_taskOf.insert(item.value().is_string() ? QString::fromStdString(item.value().get<std::string>()) : QString::fromStdString(item.key()),
                            QString::fromStdString(item.key()));
    }
    const int n = int(m_plan.resources.size());
    m_lastMs.assign(std::size_t(n), 0);
    m_state.assign(std::size_t(n), ResourceState::Pending);
    m_startedAttempt.assign(std::size_t(n), 0);
    m_ended = false;
    m_cancels = 0;
    // The limit the timeline draws: Argo's parallelism, where none means every task at once.
    const ojson &parallelism = member(member(workflow, "spec"), "parallelism");
    const int limit = parallelism.is_number_integer() && parallelism.get<int>() > 0 ? parallelism.get<int>() : std::max(1, n);
    QList<RunEvent> first{RunEvent{0, RunEvent::Kind::RunStarted, ResourceState::Pending, LogLevel::Info, -1, 0, limit, -1, m_plan.name}};
    for (int r = 0; r < n; ++r) {
        if (!m_plan.resources[r].run)
            first.append(stateEvent(r, ResourceState::Succeeded, 0, QStringLiteral("not run: %1").arg(m_plan.resources[r].note.isEmpty() ? QStringLiteral("the plan says \"run\": false") : m_plan.resources[r].note)));
    }
    m_deployment->replayEvents(first, nowMs());
    m_tick.start();
    emit started(m_name);
    return true;
}

void ArgoRun::onWorkflow(const ojson &workflow)
{
    if (m_name.isEmpty() || m_closed)
        return;
    const bool catchingUp = !isShown();
    if (catchingUp && !show(workflow))
        return emit failed(tr("The window is running a plan of its own: %1 is not shown").arg(m_name));
    QList<RunEvent> events;
    const bool finished = ArgoClient::isFinished(workflow);
    if (m_ended && !finished) { // retried
        m_ended = false;
        m_finishPending = false;
        m_logGrace.stop();
        m_cancels = 0;
        m_tick.start();
        events.append(runEvent(RunEvent::Kind::RunResumed, m_retried.isEmpty() ? tr("what failed (retried on Argo)") : m_retried));
        m_retried.clear();
    }
    events += eventsOf(m_progress.update(workflow), workflow, catchingUp);
    placeWaitingLines(events);
    if (!events.isEmpty() && m_deployment)
        m_deployment->replayEvents(events, nowMs());
    if (finished && !m_ended) {
        m_ended = true;
        m_retrying = false;
        // The steps' last lines come after the workflow's end: the run ends with them.
        m_finishPending = true;
        if (m_client.isFollowingLogs())
            m_logGrace.start();
        else
            finishRun();
    }
}

void ArgoRun::finishRun()
{
    if (!m_finishPending)
        return;
    m_finishPending = false;
    m_logGrace.stop();
    m_tick.stop();
    QList<RunEvent> events;
    placeWaitingLines(events);
    events.append(runEvent(RunEvent::Kind::RunFinished));
    if (m_deployment && isShown())
        m_deployment->replayEvents(events, nowMs());
    emit ended(summary());
}

QList<RunEvent> ArgoRun::eventsOf(const QList<ArgoProgress::Change> &changes, const ojson &workflow, bool catchingUp)
{
    // The nodes by name: the moments of what happened before Fanout looked, or between two changes.
    QHash<QString, const ojson *> nodes;
    for (const auto &item : member(member(workflow, "status"), "nodes").items())
        nodes.insert(text(item.value(), "name"), &item.value());
    auto momentOf = [&](const ArgoProgress::Change &change, const char *key, bool always) {
        const ojson *node = nodes.value(change.node);
        const QDateTime at = node && (catchingUp || always) ? QDateTime::fromString(text(*node, key), Qt::ISODate) : QDateTime();
        return at.isValid() ? std::clamp<qint64>(m_startedAt.msecsTo(at), 0, nowMs()) : nowMs();
    };
    using Phase = ArgoProgress::Phase;
    QList<RunEvent> events;
    for (const ArgoProgress::Change &change : changes) {
        const int r = m_plan.indexOf(change.resource);
        if (r < 0)
            continue;
        const bool final = change.phase != Phase::Running && change.phase != Phase::Pending;
        const qint64 at = momentOf(change, final ? "finishedAt" : "startedAt", false);
        const ResourceState shown = m_state[std::size_t(r)];
        if (change.attempt > 0) {
            // An attempt seen only once it had ended (before Fanout looked, or between two
            // changes) started all the same: its bar begins when Argo says it did.
            if (change.phase != Phase::Pending && change.attempt > m_startedAttempt[std::size_t(r)]) {
                m_startedAttempt[std::size_t(r)] = change.attempt;
                const qint64 startedAt = final ? momentOf(change, "startedAt", true) : at;
                // Ready again after a retry's backoff, as here: the wait for a slot starts there.
                if (m_state[std::size_t(r)] != ResourceState::Ready)
                    events.append(stateEvent(r, ResourceState::Ready, startedAt));
                events.append(stateEvent(r, ResourceState::Running, startedAt, QString(), change.attempt));
            }
            if (change.phase == Phase::Failed && m_progress.phaseOf(change.resource) == Phase::Running)
                events.append(stateEvent(r, ResourceState::RetryWait, at,
                                         tr("attempt %1 failed: %2; retrying in Argo's backoff").arg(change.attempt).arg(change.message), change.attempt));
            continue;
        }
        switch (change.phase) {
        case Phase::Pending:
            if (isFinal(shown))
                events.append(stateEvent(r, ResourceState::Pending, at, tr("to run again")));
            break;
        case Phase::Running:
            if (shown != ResourceState::Running && shown != ResourceState::RetryWait && shown != ResourceState::Ready)
                events.append(stateEvent(r, ResourceState::Ready, at));
            break;
        // As here, a resource's end is its last attempt's.
        case Phase::Succeeded: events.append(stateEvent(r, ResourceState::Succeeded, at, QString(), m_startedAttempt[std::size_t(r)])); break;
        case Phase::Failed:
            events.append(stateEvent(r, ResourceState::Failed, at, change.message.isEmpty() ? tr("failed on Argo") : change.message,
                                     m_startedAttempt[std::size_t(r)]));
            break;
        case Phase::Skipped: events.append(stateEvent(r, ResourceState::Skipped, at, skipReason(r))); break;
        }
    }
    return events;
}

RunEvent ArgoRun::runEvent(RunEvent::Kind kind, const QString &text) const
{
    RunEvent event;
    event.timeMs = nowMs();
    event.kind = kind;
    event.text = text;
    return event;
}

RunEvent ArgoRun::stateEvent(int resource, ResourceState state, qint64 atMs, const QString &text, int attempt)
{
    qint64 &last = m_lastMs[std::size_t(resource)];
    last = std::max(last, atMs);
    m_state[std::size_t(resource)] = state;
    return RunEvent{last, RunEvent::Kind::StateChanged, state, LogLevel::Info, resource, attempt, 0, -1, text};
}

QString ArgoRun::skipReason(int resource) const
{
    // As a run here says it, so that the views find what blocked it.
    for (const QString &dependency : m_plan.resources[resource].dependsOn) {
        const int d = m_plan.indexOf(dependency);
        if (d >= 0 && (m_state[std::size_t(d)] == ResourceState::Failed || m_state[std::size_t(d)] == ResourceState::Skipped))
            return QStringLiteral("upstream \"%1\" failed").arg(dependency);
    }
    return tr("not run: Argo omitted it");
}

void ArgoRun::onLogLine(const QString &pod, const QString &line)
{
    m_waitingLines.append({pod, line});
    QList<RunEvent> events;
    placeWaitingLines(events);
    if (!events.isEmpty() && m_deployment && isShown())
        m_deployment->replayEvents(events, nowMs());
}

void ArgoRun::placeWaitingLines(QList<RunEvent> &events)
{
    // A line can come before the change that names its pod: it waits for it (a few at most).
    constexpr qsizetype kMaxWaiting = 10'000;
    if (m_startedAttempt.size() != std::size_t(m_plan.resources.size()))
        return; // not shown yet
    QList<std::pair<QString, QString>> still;
    for (const auto &[pod, line] : std::as_const(m_waitingLines)) {
        const ArgoProgress::Pod of = m_progress.podOf(pod);
        const int r = of.resource.isEmpty() ? -1 : m_plan.indexOf(of.resource);
        // Known, and its attempt shown as started (a pod prints before Argo says it runs).
        if (r < 0 || of.attempt > m_startedAttempt[std::size_t(r)]) {
            if (still.size() < kMaxWaiting)
                still.append({pod, line});
            continue;
        }
        // After a retry the logs are read again from the first line of every pod there is: those
        // of pods the retry left alone were shown already. A pod made again is a new attempt's.
        PodLines &seen = m_podLines[pod];
        if (seen.attempt != of.attempt) {
            seen = PodLines{of.attempt, 0};
            m_linesToSkip.remove(pod);
        }
        if (const auto skip = m_linesToSkip.find(pod); skip != m_linesToSkip.end() && *skip > 0) {
            --*skip;
            continue;
        }
        ++seen.lines;
        events.append(RunEvent{nowMs(), RunEvent::Kind::Log, ResourceState::Pending, LogLevel::Info, r, of.attempt, 0, -1, line});
    }
    m_waitingLines = still;
}

qint64 ArgoRun::nowMs() const
{
    return m_clock.isValid() ? m_clockBaseMs + m_clock.elapsed() : 0;
}

bool ArgoRun::canRetry(int resource) const
{
    // Argo retries a workflow that has ended, not one still running.
    return isShown() && m_ended && !m_retrying && resource >= 0 && resource < int(m_plan.resources.size());
}

int ArgoRun::retry(const QStringList &ids)
{
    if (ids.isEmpty() || !m_ended || m_retrying)
        return 0;
    // One task by its name (what follows it runs again as it succeeds); several: every failed node.
    const QString selector = ids.size() == 1 ? QStringLiteral("displayName=%1").arg(m_taskOf.value(ids.constFirst(), ids.constFirst())) : QString();
    m_retrying = true;
    m_retried = ids.join(QStringLiteral(", "));
    m_client.retry(m_name, selector, [this, ids](const Expected<ojson> &answer) {
        m_retrying = false;
        if (!answer)
            return emit said(tr("Argo did not retry %1: %2").arg(ids.join(QStringLiteral(", ")), answer.error()));
        emit said(tr("Asked Argo to retry %1").arg(ids.join(QStringLiteral(", "))));
        onWorkflow(*answer);
        m_client.watch(m_name);
        if (!m_client.isFollowingLogs()) {
            for (auto it = m_podLines.cbegin(); it != m_podLines.cend(); ++it)
                m_linesToSkip.insert(it.key(), it->lines);
            m_client.followLogs(m_name);
        }
    });
    return int(ids.size());
}

void ArgoRun::cancel()
{
    if (m_name.isEmpty() || m_ended)
        return;
    ++m_cancels;
    if (m_cancels == 1) {
        m_stopAnswered = false;
        m_client.stop(m_name, [this](const Expected<ojson> &answer) {
            m_stopAnswered = true;
            if (!answer)
                emit said(tr("Argo did not stop %1: %2").arg(m_name, answer.error()));
            if (m_cancels > 1)
                terminate();
        });
        if (m_deployment && isShown())
            m_deployment->replayEvents({runEvent(RunEvent::Kind::CancelRequested, tr("stop asked of Argo: nothing new starts"))},
                                       nowMs());
    } else if (m_stopAnswered) {
        terminate();
    } // else terminated once the stop is answered: asked at once, the stop could reach Argo after it and undo it
}

void ArgoRun::terminate()
{
    m_client.terminate(m_name, [this](const Expected<ojson> &answer) {
        if (!answer)
            emit said(tr("Argo did not terminate %1: %2").arg(m_name, answer.error()));
    });
}

QString ArgoRun::summary() const
{
    QMap<ResourceState, int> counts;
    for (const ResourceState s : m_state)
        ++counts[s];
    QStringList parts{tr("%1 succeeded").arg(counts.value(ResourceState::Succeeded))};
    if (const int failedCount = counts.value(ResourceState::Failed))
        parts.append(tr("%1 failed").arg(failedCount));
    if (const int notRun = int(m_state.size()) - counts.value(ResourceState::Succeeded) - counts.value(ResourceState::Failed))
        parts.append(tr("%1 not run").arg(notRun));
    const QString message = m_progress.workflowMessage();
    return tr("%1 ended: %2%3").arg(m_name, parts.join(QStringLiteral(", ")), message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(message));
}

Plan ArgoRun::planOf(const ojson &workflow)
{
    Plan plan;
    const ojson &metadata = member(workflow, "metadata");
    const ojson &annotations = member(metadata, "annotations");
    plan.name = text(annotations, "fanout/plan");
    if (plan.name.isEmpty())
        plan.name = text(metadata, "name");
    const ojson ids = ojson::parse(text(annotations, ArgoWorkflow::kResourcesAnnotation).toStdString(), nullptr, false);
    auto idOf = [&ids](const QString &task) {
        const ojson &id = member(ids, task.toStdString().c_str());
        return id.is_string() ? QString::fromStdString(id.get<std::string>()) : task;
    };
    const QHash<QString, const ojson *> templates = templatesOf(workflow);
    const ojson *entry = templates.value(text(member(workflow, "spec"), "entrypoint"));
    if (!entry || !member(*entry, "dag").is_object())
        return plan;
    if (const ojson &parallelism = member(member(workflow, "spec"), "parallelism"); parallelism.is_number_integer())
        plan.parallelism = parallelism.get<int>();
    plan.failFast = member(*entry, "dag").value("failFast", true);
    for (const ojson &task : member(member(*entry, "dag"), "tasks")) {
        Resource resource;
        const QString taskName = text(task, "name");
        resource.id = idOf(taskName);
        QStringList after;
        for (const ojson &dependency : member(task, "dependencies"))
            after.append(dependency.is_string() ? QString::fromStdString(dependency.get<std::string>()) : QString());
        after += dependsNames(text(task, "depends"));
        for (const QString &d : std::as_const(after)) {
            if (!d.isEmpty() && !resource.dependsOn.contains(idOf(d)))
                resource.dependsOn.append(idOf(d));
        }
        describe(resource, templates.value(text(task, "template")), templates);
        plan.resources.append(resource);
    }
    return plan;
}

} // namespace fanout
