#include "engine/argo/argoworkflow.h"

#include "engine/executors/commandexecutor.h"
#include "engine/executors/httpexecutor.h"
#include "engine/executors/simexecutor.h"
#include "engine/plan/plan.h"
#include "engine/plan/references.h"
#include "engine/support/atomicfile.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

constexpr char kApiVersion[] = "argoproj.io/v1alpha1";
// The task of a resource's own DAG (when its outputs are read) that provisions it.
constexpr char kProvisionTask[] = "provision";
// Room left in a template name for "-provision".
constexpr int kTaskNameLength = 50;

std::string str(const QString &text)
{
    return text.toStdString();
}

// A Go duration, as Argo's backoff reads it: "1s", "1m30s", "250ms".
QString goDuration(qint64 ms)
{
    if (ms % 1000 != 0)
        return QStringLiteral("%1ms").arg(ms);
    qint64 s = ms / 1000;
    QString text;
    if (s >= 3600) {
        text += QStringLiteral("%1h").arg(s / 3600);
        s %= 3600;
    }
    if (s >= 60) {
        text += QStringLiteral("%1m").arg(s / 60);
        s %= 60;
    }
    if (s > 0 || text.isEmpty())
        text += QStringLiteral("%1s").arg(s);
    return text;
}

// Whole seconds, rounded up: Argo's deadlines and HTTP timeouts are in seconds.
qint64 ceilSeconds(qint64 ms)
{
    return (ms + 999) / 1000;
}

// "1.5", "2": a number as the schema's IntOrString and a person read it.
QString number(double value)
{
    return QString::number(value, 'g', 10);
}

// `text` with '_' in place of every character but ASCII letters, digits and those of `allowed`.
QString sanitized(QString text, QLatin1String allowed)
{
    for (QChar &c : text) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && !allowed.contains(c))
            c = QLatin1Char('_');
    }
    return text;
}

// An Argo parameter name: letters, digits, '_' and '-'.
QString parameterName(const QString &text)
{
    return sanitized(text, QLatin1String("_-"));
}

// An environment variable name for a secret: FANOUT_VAR_TOKEN, FANOUT_ENV_AWS_SECRET_ACCESS_KEY.
QString secretVariable(const Reference &reference)
{
    return (reference.kind == Reference::Kind::Environment ? QStringLiteral("FANOUT_ENV_") : QStringLiteral("FANOUT_VAR_"))
        + sanitized(reference.name.toUpper(), QLatin1String());
}

// A key of a Kubernetes Secret or ConfigMap: letters, digits, '-', '_' and '.'.
QString dataKey(const QString &text)
{
    return sanitized(text, QLatin1String("_-."));
}

// Where a string of a resource is used in its template: that decides what a secret becomes.
enum class Place {
    Container, // command, args, env: Kubernetes expands $(NAME) of the container's environment
    Header,    // an HTTP header: the whole value may come from a Secret
    Elsewhere, // an URL, a body, a sim's outputs: no secret can be read
};

class Exporter
{
public:
    explicit Exporter(const Plan &plan) : m_plan(plan) {}

    ArgoWorkflow::Export run();

private:
    void error(const Resource &r, const QString &message) { problem(Diagnostic::Severity::Error, r, message); }
    void warning(const Resource &r, const QString &message) { problem(Diagnostic::Severity::Warning, r, message); }
    void problem(Diagnostic::Severity severity, const Resource &r, const QString &message)
    {
        m_problems.append(Diagnostic{severity, QString(), 0, 0, QStringLiteral("resource \"%1\": %2").arg(r.id, message)});
    }

    void nameTasks();
    QStringList dependenciesOf(int index);
    QString translate(const Resource &r, const QString &text, Place place, const QString &what, json *env);
    json templateFor(int index);
    void appendTemplates(int index, json tmpl, json &templates);
    json containerFor(const Resource &r);
    json simContainerFor(const Resource &r);
    json httpFor(const Resource &r);
    void addCommon(const Resource &r, json &tmpl);
    QString argoSetting(const char *name) const;
    QString secretName() const;
    QString configMapName() const;
    bool isSecret(const Reference &reference) const;
    json secretRef(const QString &name);

    const Plan &m_plan;
    Diagnostics m_problems;
    QHash<QString, int> m_index;        // resource id -> index
    QHash<QString, QString> m_task;     // resource id -> task name (resources that run)
    QHash<int, QStringList> m_effective; // memo: a resource's dependencies among those that run
    // The outputs each resource's dependents read: task name -> output key -> parameter name.
    QHash<QString, std::map<QString, QString>> m_outputsRead;
    QSet<QString> m_secretsUsed;        // keys of the Secret
    json m_configMapData = json::object();
};

// A member of the plan's "argo" section, empty when it does not say.
QString Exporter::argoSetting(const char *name) const
{
    if (m_plan.argo.is_object()) {
        if (const auto it = m_plan.argo.find(name); it != m_plan.argo.end() && it->is_string())
            return QString::fromStdString(it->get<std::string>());
    }
    return QString();
}

QString Exporter::secretName() const
{
    const QString named = argoSetting("secret");
    return named.isEmpty() ? QStringLiteral("fanout-%1-secrets").arg(ArgoWorkflow::kubernetesName(m_plan.name, 40)) : named;
}

// The semaphores' ConfigMap: the plan's, so that every run of the plan shares the limits.
QString Exporter::configMapName() const
{
    return QStringLiteral("fanout-%1-limits").arg(ArgoWorkflow::kubernetesName(m_plan.name, 40));
}

// A secret variable, or Fanout's environment: what only a Kubernetes Secret may hold.
bool Exporter::isSecret(const Reference &reference) const
{
    if (reference.kind == Reference::Kind::Environment)
        return true;
    const int v = reference.kind == Reference::Kind::Variable ? m_plan.variableIndex(reference.name) : -1;
    return v >= 0 && m_plan.variables[v].secret;
}

// {"secretKeyRef": ...} for `name`'s key of the Secret, which then lists it.
json Exporter::secretRef(const QString &name)
{
    const QString key = dataKey(name);
    m_secretsUsed.insert(key);
    return {{"secretKeyRef", {{"name", str(secretName())}, {"key", str(key)}}}};
}

void Exporter::nameTasks()
{
    QSet<QString> taken{QString::fromLatin1(ArgoWorkflow::kEntrypoint)};
    for (int i = 0; i < m_plan.resources.size(); ++i) {
        const Resource &r = m_plan.resources[i];
        m_index.insert(r.id, i);
        if (!r.run || m_plan.leftOut.contains(r.id))
            continue;
        const QString base = ArgoWorkflow::kubernetesName(r.id, kTaskNameLength);
        QString name = base;
        for (int n = 2; taken.contains(name); ++n) {
            const QString suffix = QStringLiteral("-%1").arg(n);
            name = base.left(kTaskNameLength - int(suffix.size())) + suffix;
        }
        taken.insert(name);
        m_task.insert(r.id, name);
    }
}

// The tasks a resource waits for: its dependencies that run, and in place of one that does not
// (it counts as done), what that one waits for.
QStringList Exporter::dependenciesOf(int index)
{
    if (const auto it = m_effective.constFind(index); it != m_effective.constEnd())
        return *it;
    m_effective.insert(index, {}); // a cycle (validation reports it) ends here
    QStringList tasks;
    for (const QString &dependency : m_plan.resources[index].dependsOn) {
        const int d = m_index.value(dependency, -1);
        if (d < 0)
            continue;
        const QStringList add = m_task.contains(dependency) ? QStringList{m_task.value(dependency)} : dependenciesOf(d);
        for (const QString &task : add) {
            if (!tasks.contains(task))
                tasks.append(task);
        }
    }
    m_effective.insert(index, tasks);
    return tasks;
}

// `text` with Fanout's references in Argo's terms: another resource's output as the parameter its
// task gives it, a variable as a workflow parameter, a secret or the environment as a Secret's key
// (an environment variable of the container, `env` gets its entry).
QString Exporter::translate(const Resource &r, const QString &text, Place place, const QString &what, json *env)
{
    if (text.contains(QLatin1String("{{"))) {
        error(r, QStringLiteral("%1 holds \"{{\", which Argo would read as one of its own expressions").arg(what));
        return text;
    }
    // Kubernetes expands $(NAME) in a container's command, arguments and environment: a "$(" of
    // the plan's own is written "$$(".
    QString escaped = text;
    if (place == Place::Container)
        escaped.replace(QLatin1String("$("), QLatin1String("$$("));
    QStringList errors;
    const QString result = References::substitute(escaped, [&](const Reference &reference) -> Expected<QString> {
        switch (reference.kind) {
        case Reference::Kind::Output: {
            const QList<int> producers = References::referred(m_plan, reference.resource);
            QStringList parts;
            for (const int p : producers) {
                const Resource &producer = m_plan.resources[p];
                if (!m_task.contains(producer.id))
                    return unexpected(QStringLiteral("%1 does not run (its outputs would come from a state file, which Argo does not read)").arg(producer.id));
                const QString task = m_task.value(producer.id);
                const QString parameter = parameterName(reference.name);
                m_outputsRead[task][reference.name] = parameter;
                parts.append(QStringLiteral("{{tasks.%1.outputs.parameters.%2}}").arg(task, parameter));
            }
            return parts.join(QLatin1Char(','));
        }
        case Reference::Kind::Variable:
            if (!isSecret(reference))
                return QStringLiteral("{{workflow.parameters.%1}}").arg(parameterName(reference.name));
            [[fallthrough]];
        case Reference::Kind::Environment: {
            const QString kind = reference.kind == Reference::Kind::Environment ? QStringLiteral("the environment variable") : QStringLiteral("the secret variable");
            if (place == Place::Elsewhere || place == Place::Header)
                return unexpected(QStringLiteral("%1 %2 cannot be read there on Argo: a Secret reaches a container's command and environment, "
                                                 "or an HTTP header that is the secret and nothing else")
                                      .arg(kind, reference.name));
            const QString variable = secretVariable(reference);
            const bool known = std::any_of(env->begin(), env->end(), [&](const json &entry) { return entry.value("name", "") == str(variable); });
            // Before the entries that use it: Kubernetes expands only those defined earlier.
            if (!known)
                env->insert(env->begin(), json{{"name", str(variable)}, {"valueFrom", secretRef(reference.name)}});
            return QStringLiteral("$(%1)").arg(variable);
        }
        case Reference::Kind::SelfOutput:
            return unexpected(QStringLiteral("%1 is only known to Fanout's own runs").arg(reference.text));
        }
        return reference.text;
    }, &errors);
    for (const QString &e : errors)
        error(r, QStringLiteral("%1: %2").arg(what, e));
    return result;
}

void Exporter::addCommon(const Resource &r, json &tmpl)
{
    tmpl["metadata"] = {{"annotations", {{"fanout/resource", str(r.id)}}}};
    if (r.retry.maxAttempts > 1) {
        json backoff = {{"duration", str(goDuration(r.retry.initialBackoffMs))}, {"factor", str(number(r.retry.multiplier))},
                        {"cap", str(goDuration(r.retry.maxBackoffMs))}};
        tmpl["retryStrategy"] = {{"limit", std::to_string(r.retry.maxAttempts - 1)}, {"retryPolicy", "Always"}, {"backoff", backoff}};
        if (r.retry.jitter > 0)
            warning(r, QStringLiteral("its retry jitter (%1) is not exported: Argo waits exactly the backoff").arg(r.retry.jitter));
    }
    if (r.timeoutMs > 0)
        tmpl["activeDeadlineSeconds"] = std::to_string(ceilSeconds(r.timeoutMs));
    if (!r.group.isEmpty()) {
        const int g = m_plan.groupIndex(r.group);
        if (g >= 0 && m_plan.groups[g].limit > 0) {
            const std::string key = str(dataKey(r.group));
            m_configMapData[key] = std::to_string(m_plan.groups[g].limit);
            tmpl["synchronization"] = {{"semaphores", json::array({{{"configMapKeyRef", {{"name", str(configMapName())}, {"key", key}}}}})}};
        }
    }
}

json Exporter::containerFor(const Resource &r)
{
    const CommandExecutor::Spec spec = CommandExecutor::readSpec(r.params, QString(), nullptr);
    QString image;
    if (const auto it = r.params.find("image"); it != r.params.end() && it->is_string())
        image = QString::fromStdString(it->get<std::string>());
    if (image.isEmpty())
        image = argoSetting("image");
    if (image.isEmpty())
        error(r, QStringLiteral("no image to run its command in on Argo; give the resource an \"image\", or the plan one for all: \"argo\": {\"image\": \"...\"}"));
    json env = json::array();
    json command = json::array();
    for (int i = 0; i < spec.command.size(); ++i)
        command.push_back(str(translate(r, spec.command[i], Place::Container, spec.shell ? QStringLiteral("command") : QStringLiteral("command[%1]").arg(i), &env)));
    for (const auto &[name, value] : spec.env)
        env.push_back({{"name", str(name)}, {"value", str(translate(r, value, Place::Container, QStringLiteral("env.%1").arg(name), &env))}});
    json container = {{"image", str(image)}, {"command", command}};
    if (!spec.workingDirectory.isEmpty()) {
        // Absolute once the variables have their values ("${var.root}/app" with root "/srv").
        QStringList ignored;
        const QString resolved = References::substitute(spec.workingDirectory, [this](const Reference &reference) -> Expected<QString> {
            const int v = reference.kind == Reference::Kind::Variable ? m_plan.variableIndex(reference.name) : -1;
            return v >= 0 ? m_plan.variables[v].value : reference.text;
        }, &ignored);
        if (resolved.startsWith(QLatin1Char('/')))
            container["workingDir"] = str(translate(r, spec.workingDirectory, Place::Container, QStringLiteral("cwd"), &env));
        else
            error(r, QStringLiteral("its cwd \"%1\" is relative to where Fanout runs, which a container does not have; give a path in the image, from /").arg(spec.workingDirectory));
    }
    if (!env.empty())
        container["env"] = env;
    if (r.params.contains("grace"))
        warning(r, QStringLiteral("its grace is not exported: Kubernetes gives a stopped container the pod's terminationGracePeriodSeconds (30s unless set)"));
    return container;
}

json Exporter::simContainerFor(const Resource &r)
{
    const SimExecutor::Spec spec = SimExecutor::readSpec(r.params, QString(), nullptr);
    const qint64 ms = (spec.minDurationMs + spec.maxDurationMs) / 2;
    const QString seconds = number(double(ms) / 1000.0);
    if (spec.failureRate > 0 || spec.failAttempts > 0)
        warning(r, QStringLiteral("its simulated failures (failure_rate, fail_attempts) are not exported: the container sleeps and succeeds"));
    if (spec.outputs.isEmpty())
        return {{"image", ArgoWorkflow::kSimImage}, {"command", {"sleep", str(seconds)}}};
    // Its outputs as a command gives them, one "::output KEY=VALUE" line each.
    QString script = QStringLiteral("sleep %1").arg(seconds);
    json env = json::array();
    for (auto it = spec.outputs.cbegin(); it != spec.outputs.cend(); ++it) {
        QString line = QStringLiteral("::output %1=%2").arg(it.key(), translate(r, it.value(), Place::Elsewhere, QStringLiteral("outputs.%1").arg(it.key()), &env));
        line.replace(QLatin1Char('\''), QLatin1String("'\\''"));
        script += QStringLiteral(" && echo '%1'").arg(line);
    }
    return {{"image", ArgoWorkflow::kSimImage}, {"command", {"/bin/sh", "-c", str(script)}}};
}

json Exporter::httpFor(const Resource &r)
{
    const json *defaults = nullptr;
    if (const auto it = m_plan.executorDefaults.find("http"); it != m_plan.executorDefaults.end())
        defaults = &*it;
    const HttpExecutor::Spec spec = HttpExecutor::readSpec(r.params, QString(), nullptr, defaults);
    if (spec.wait) {
        error(r, QStringLiteral("its wait (polling %1 until %2 is %3) cannot be exported: Argo's HTTP template makes one call, "
                                "so what depends on it would start before it is ready")
                     .arg(spec.wait->url.isEmpty() ? spec.request.url : spec.wait->url, QString::fromStdString(spec.wait->until.pointer),
                          QString::fromStdString(spec.wait->until.equals.dump())));
    }
    json unused = json::array();
    json http = {{"url", str(translate(r, spec.request.url, Place::Elsewhere, QStringLiteral("request.url"), &unused))},
                 {"method", spec.request.method.toStdString()}};
    json headers = json::array();
    bool accept = false;
    bool contentType = false;
    bool userAgent = false;
    for (const auto &[name, value] : spec.request.headers) {
        const QString what = QStringLiteral("request.headers.%1").arg(QString::fromLatin1(name));
        accept |= name.compare("Accept", Qt::CaseInsensitive) == 0;
        contentType |= name.compare("Content-Type", Qt::CaseInsensitive) == 0;
        userAgent |= name.compare("User-Agent", Qt::CaseInsensitive) == 0;
        // A header that is one secret and nothing else comes from the Secret.
        std::optional<Reference> whole;
        const QString &headerValue = value; // a structured binding cannot be captured (clang)
        References::find(json(str(value)), QString(), [&](const QString &, const Reference *reference, const QString &) {
            if (reference && reference->text == headerValue && isSecret(*reference))
                whole = *reference;
        });
        if (whole) {
            headers.push_back({{"name", name.toStdString()}, {"valueFrom", secretRef(whole->name)}});
        } else {
            headers.push_back({{"name", name.toStdString()}, {"value", str(translate(r, value, Place::Header, what, &unused))}});
        }
    }
    if (!accept)
        headers.push_back({{"name", "Accept"}, {"value", "application/json"}});
    if (!userAgent)
        headers.push_back({{"name", "User-Agent"}, {"value", "fanout (Argo Workflows)"}});
    if (spec.request.body) {
        const json &body = *spec.request.body;
        const QString text = body.is_string() ? QString::fromStdString(body.get<std::string>()) : QString::fromStdString(body.dump());
        http["body"] = str(translate(r, text, Place::Elsewhere, QStringLiteral("request.body"), &unused));
        if (!contentType)
            headers.push_back({{"name", "Content-Type"}, {"value", "application/json"}});
    }
    http["headers"] = headers;
    http["timeoutSeconds"] = ceilSeconds(spec.limits.requestTimeoutMs);
    QStringList accepted;
    for (const int status : spec.request.expect)
        accepted.append(QStringLiteral("response.statusCode == %1").arg(status));
    http["successCondition"] = accepted.isEmpty() ? "response.statusCode >= 200 && response.statusCode < 300" : str(accepted.join(QStringLiteral(" || ")));
    return http;
}

// The template of resource `index`, named after its task; when other resources read its outputs,
// a DAG of its own around the template that provisions it, whose output parameters are read from
// what that one printed (or, for http, answered).
json Exporter::templateFor(int index)
{
    const Resource &r = m_plan.resources[index];
    const QString task = m_task.value(r.id);
    json tmpl = {{"name", str(task)}};
    if (r.type == QLatin1String("command")) {
        tmpl["container"] = containerFor(r);
    } else if (r.type == QLatin1String("sim")) {
        tmpl["container"] = simContainerFor(r);
    } else if (r.type == QLatin1String("http")) {
        tmpl["http"] = httpFor(r);
    } else {
        error(r, QStringLiteral("its type \"%1\" has no Argo template").arg(r.type));
    }
    addCommon(r, tmpl);
    if (r.destroy.is_object())
        warning(r, QStringLiteral("its destroy action is not exported: the workflow creates; `fanout destroy` tears down"));
    return tmpl;
}

// Adds resource `index`'s template to `templates`; when other resources read its outputs, inside
// a DAG of its own whose output parameters read what the template printed (::output lines, or
// its last line as JSON with outputs_json) or, for http, answered (the outputs' JSON pointers).
void Exporter::appendTemplates(int index, json tmpl, json &templates)
{
    const Resource &r = m_plan.resources[index];
    const QString task = m_task.value(r.id);
    const auto read = m_outputsRead.constFind(task);
    if (read == m_outputsRead.constEnd()) {
        templates.push_back(tmpl);
        return;
    }
    const QString inner = task + QStringLiteral("-") + QLatin1String(kProvisionTask);
    const std::string result = std::string("tasks.") + kProvisionTask + ".outputs.result";
    json parameters = json::array();
    const bool isHttp = tmpl.contains("http");
    const bool fromJson = r.type == QLatin1String("command") && CommandExecutor::readSpec(r.params, QString(), nullptr).outputsJson;
    std::map<QString, std::string> pointers;
    if (isHttp) {
        const HttpExecutor::Spec spec = HttpExecutor::readSpec(r.params, QString(), nullptr);
        for (const auto &[key, pointer] : spec.outputs)
            pointers[key] = pointer;
    }
    for (const auto &[key, parameter] : read.value()) {
        std::string expression;
        if (isHttp) {
            const auto p = pointers.find(key);
            if (p == pointers.end()) {
                error(r, QStringLiteral("its output \"%1\" is read by another resource but not among its outputs").arg(key));
                continue;
            }
            // A JSON pointer as a JSONPath: /items/0/id -> $['items'][0]['id'].
            QString path = QStringLiteral("$");
            for (const QString &token : QString::fromStdString(p->second).split(QLatin1Char('/')).mid(1)) {
                QString unescaped = token;
                unescaped.replace(QLatin1String("~1"), QLatin1String("/")).replace(QLatin1String("~0"), QLatin1String("~"));
                bool isIndex = false;
                unescaped.toInt(&isIndex);
                path += isIndex ? QStringLiteral("[%1]").arg(unescaped)
                                : QStringLiteral("['%1']").arg(unescaped.replace(QLatin1Char('\''), QLatin1String("\\'")));
            }
            expression = str(QStringLiteral("jsonpath(%1, \"%2\")").arg(QString::fromStdString(result), path));
        } else if (fromJson) {
            expression = str(QStringLiteral("jsonpath(sprig.last(sprig.splitList('\\n', sprig.trim(%1))), \"$['%2']\")").arg(QString::fromStdString(result), key));
        } else {
            // The key's dots matched as dots (keys are letters, digits, '_', '.' and '-').
            const QString pattern = QStringLiteral("(?m)^::output %1=.*$").arg(QString(key).replace(QLatin1Char('.'), QLatin1String("[.]")));
            expression = str(QStringLiteral("sprig.trimPrefix('::output %1=', sprig.last(sprig.regexFindAll('%2', %3, -1)))").arg(key, pattern, QString::fromStdString(result)));
        }
        parameters.push_back({{"name", str(parameter)}, {"valueFrom", {{"expression", expression}}}});
    }
    json outer = {{"name", str(task)},
                  {"metadata", tmpl["metadata"]},
                  {"dag", {{"tasks", json::array({{{"name", kProvisionTask}, {"template", str(inner)}}})}}},
                  {"outputs", {{"parameters", parameters}}}};
    tmpl["name"] = str(inner);
    templates.push_back(outer);
    templates.push_back(tmpl);
}

ArgoWorkflow::Export Exporter::run()
{
    ArgoWorkflow::Export out;
    nameTasks();
    if (m_task.isEmpty()) {
        m_problems.append(Diagnostic::error(QStringLiteral("resources"), QStringLiteral("the plan has no resource to run, and an Argo DAG needs one task at least")));
        out.problems = m_problems;
        return out;
    }
    if (m_plan.rollout)
        m_problems.append(Diagnostic{Diagnostic::Severity::Warning, QStringLiteral("rollout"), 0, 0,
                                     QStringLiteral("the rollout (targets under way at once, failure tolerance, waves) is not exported: on Argo every target proceeds at once")});

    json tasks = json::array();
    json templates = json::array();
    std::vector<std::pair<int, json>> resourceTemplates;
    for (int i = 0; i < m_plan.resources.size(); ++i) {
        const Resource &r = m_plan.resources[i];
        if (!m_task.contains(r.id))
            continue;
        json task = {{"name", str(m_task.value(r.id))}, {"template", str(m_task.value(r.id))}};
        const QStringList dependencies = dependenciesOf(i);
        if (!dependencies.isEmpty()) {
            json list = json::array();
            for (const QString &d : dependencies)
                list.push_back(str(d));
            task["dependencies"] = list;
        }
        tasks.push_back(task);
        resourceTemplates.emplace_back(i, templateFor(i));
    }

    // Outputs: the resources whose outputs others read become a DAG around their template.
    for (auto &[index, tmpl] : resourceTemplates)
        appendTemplates(index, std::move(tmpl), templates);

    json dag = {{"failFast", m_plan.failFast}, {"tasks", tasks}};
    templates.insert(templates.begin(), json{{"name", ArgoWorkflow::kEntrypoint}, {"dag", dag}});

    json spec = {{"entrypoint", ArgoWorkflow::kEntrypoint}, {"parallelism", m_plan.parallelism}};
    json parameters = json::array();
    for (const Variable &v : m_plan.variables) {
        if (!v.secret)
            parameters.push_back({{"name", str(parameterName(v.name))}, {"value", str(v.value)}});
    }
    if (!parameters.empty())
        spec["arguments"] = {{"parameters", parameters}};
    if (const QString account = argoSetting("service_account"); !account.isEmpty())
        spec["serviceAccountName"] = str(account);
    spec["templates"] = templates;

    json resources = json::object();
    for (const Resource &r : m_plan.resources) {
        if (m_task.contains(r.id))
            resources[str(m_task.value(r.id))] = str(r.id);
    }
    json annotations = {{"fanout/plan", str(m_plan.name)}, {ArgoWorkflow::kResourcesAnnotation, resources.dump()}};
    if (!m_secretsUsed.isEmpty()) {
        QStringList keys(m_secretsUsed.cbegin(), m_secretsUsed.cend());
        keys.sort();
        annotations["fanout/secrets"] = str(secretName() + QStringLiteral(": ") + keys.join(QStringLiteral(", ")));
    }
    out.problems = m_problems;
    if (errorCount(m_problems) > 0)
        return out;
    out.workflow = {{"apiVersion", kApiVersion},
                    {"kind", "Workflow"},
                    {"metadata", {{"generateName", str(ArgoWorkflow::kubernetesName(m_plan.name, 50) + QLatin1Char('-'))},
                                  {"labels", {{"app.kubernetes.io/managed-by", "fanout"}}},
                                  {"annotations", annotations}}},
                    {"spec", spec}};
    if (!m_configMapData.empty()) {
        out.configMap = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", str(configMapName())},
                                       {"labels", {{"app.kubernetes.io/managed-by", "fanout"}}}}},
                         {"data", m_configMapData}};
    }
    return out;
}

// YAML 1.1 (what Kubernetes' and Argo's readers speak) reads these plain words as booleans or null.
bool readsAsSomethingElse(const std::string &text)
{
    static const QSet<QString> words = {QStringLiteral("y"), QStringLiteral("yes"), QStringLiteral("n"), QStringLiteral("no"),
                                        QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("on"), QStringLiteral("off"),
                                        QStringLiteral("null"), QStringLiteral("~")};
    return words.contains(QString::fromStdString(text).toLower());
}

void emitYaml(YAML::Emitter &out, const json &value)
{
    switch (value.type()) {
    case json::value_t::object:
        if (value.empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            break;
        }
        out << YAML::BeginMap;
        for (const auto &[key, member] : value.items()) {
            out << YAML::Key << key << YAML::Value;
            emitYaml(out, member);
        }
        out << YAML::EndMap;
        break;
    case json::value_t::array:
        if (value.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            break;
        }
        out << YAML::BeginSeq;
        for (const json &item : value)
            emitYaml(out, item);
        out << YAML::EndSeq;
        break;
    case json::value_t::string: {
        // Plain only when nothing could read it as another type or as YAML syntax.
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z_/][A-Za-z0-9_./@+-]*$"));
        const std::string &text = value.get_ref<const std::string &>();
        if (plain.match(QString::fromStdString(text)).hasMatch() && !readsAsSomethingElse(text))
            out << text;
        else
            out << YAML::DoubleQuoted << text;
        break;
    }
    case json::value_t::boolean:
        out << (value.get<bool>() ? "true" : "false");
        break;
    case json::value_t::null:
        out << YAML::Null;
        break;
    default:
        out << value.dump();
        break;
    }
}

} // namespace

ArgoWorkflow::Export ArgoWorkflow::fromPlan(const Plan &plan)
{
    return Exporter(plan).run();
}

QString ArgoWorkflow::kubernetesName(const QString &text, int length)
{
    QString name;
    for (const QChar c : text.toLower()) {
        const bool keep = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (keep)
            name.append(c);
        else if (!name.isEmpty() && !name.endsWith(QLatin1Char('-')))
            name.append(QLatin1Char('-'));
    }
    name = name.left(length);
    while (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    return name.isEmpty() ? QStringLiteral("plan") : name;
}

QString ArgoWorkflow::configMapPath(const QString &path)
{
    const QFileInfo info(path);
    QString base = info.fileName();
    for (const char *extension : {".yaml", ".yml", ".json"}) {
        if (base.endsWith(QLatin1String(extension), Qt::CaseInsensitive)) {
            base.chop(qsizetype(qstrlen(extension)));
            break;
        }
    }
    const QString extension = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ? QStringLiteral(".json") : QStringLiteral(".yaml");
    return info.dir().filePath(base + QStringLiteral(".configmap") + extension);
}

Expected<QStringList> ArgoWorkflow::write(const Export &exported, const QString &path)
{
    const bool asJson = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    auto text = [asJson](const json &document) {
        return QByteArray::fromStdString(asJson ? document.dump(2) + "\n" : toYaml(document));
    };
    QStringList written;
    // The ConfigMap first: a workflow whose semaphores have no ConfigMap would wait for ever.
    if (!exported.configMap.is_null()) {
        const QString configMap = configMapPath(path);
        if (const Expected<void> ok = AtomicFile::write(configMap, text(exported.configMap)); !ok)
            return unexpected(ok.error());
        written.append(configMap);
    }
    if (const Expected<void> ok = AtomicFile::write(path, text(exported.workflow)); !ok)
        return unexpected(ok.error());
    written.append(path);
    return written;
}

std::string ArgoWorkflow::toYaml(const nlohmann::ordered_json &document)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    emitYaml(out, document);
    return std::string(out.c_str()) + "\n";
}

} // namespace fanout
