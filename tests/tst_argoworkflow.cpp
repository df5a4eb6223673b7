// A plan as an Argo Workflow (engine/argo): the DAG and its limits against the plan, each
// executor's template, references, secrets, what cannot be exported, the YAML, and every plan
// the project has (the demo, the fixtures, the imported corpus) through `fanout export`, checked
// against Argo's own JSON Schema (tests/argo/validate-workflow.py, python3-jsonschema).
#include "engine/argo/argoworkflow.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

using namespace fanout;
using json = nlohmann::ordered_json;

// QCOMPARE does not print nlohmann's values: this compares two JSON values and prints both.
#define QCOMPARE_JSON(actual, expected)                                                                             \
    do {                                                                                                            \
        const json actual_ = (actual);                                                                              \
        const json expected_ = (expected);                                                                          \
        QVERIFY2(actual_ == expected_, qPrintable(QString::fromStdString(actual_.dump() + "\n  expected " + expected_.dump()))); \
    } while (false)

namespace {

const QString kFixtures = QStringLiteral(FANOUT_FIXTURES "/plans/");
const QString kValidator = QStringLiteral(FANOUT_SOURCE_DIR "/tests/argo/validate-workflow.py");
const QString kSchema = QStringLiteral(FANOUT_SOURCE_DIR "/tests/argo/schema.json");

Plan readPlan(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file));
    const PlanReadResult read = PlanReader::readJson(json::parse(f.readAll().toStdString()), ExecutorRegistry::builtIn());
    for (const Diagnostic &d : read.diagnostics) {
        if (d.isError())
            qFatal("%s: %s", qPrintable(file), qPrintable(d.toString()));
    }
    return read.plan;
}

Plan planOf(const json &document)
{
    return PlanReader::readJson(document, ExecutorRegistry::builtIn()).plan;
}

// The task names of the workflow, by resource id (from its annotation).
std::map<QString, QString> tasksById(const json &workflow)
{
    const json names = json::parse(workflow["metadata"]["annotations"][ArgoWorkflow::kResourcesAnnotation].get<std::string>());
    std::map<QString, QString> byId;
    for (const auto &[task, id] : names.items())
        byId[QString::fromStdString(id.get<std::string>())] = QString::fromStdString(task);
    return byId;
}

const json &templateNamed(const json &workflow, const QString &name)
{
    for (const json &t : workflow["spec"]["templates"]) {
        if (t["name"] == name.toStdString())
            return t;
    }
    qFatal("no template %s", qPrintable(name));
}

// The template that provisions a task's resource: its own, or the inner one of its outputs' DAG.
const json &provisioning(const json &workflow, const QString &task)
{
    const json &t = templateNamed(workflow, task);
    if (t.contains("dag"))
        return templateNamed(workflow, QString::fromStdString(t["dag"]["tasks"][0]["template"].get<std::string>()));
    return t;
}

QStringList messages(const Diagnostics &problems, Diagnostic::Severity severity)
{
    QStringList list;
    for (const Diagnostic &d : problems) {
        if (d.severity == severity)
            list.append(d.message);
    }
    return list;
}

bool anyContains(const QStringList &list, const QString &a, const QString &b = QString())
{
    return std::any_of(list.cbegin(), list.cend(), [&](const QString &m) { return m.contains(a) && (b.isEmpty() || m.contains(b)); });
}

} // namespace

class tst_ArgoWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void dagMatchesThePlan_data();
    void dagMatchesThePlan();
    void templatesCarryRetriesTimeoutsAndImages();
    void referencesBecomeParametersAndSecrets();
    void whatCannotBeExportedIsAnErrorNamingTheResource();
    void namesAreKubernetesNames();
    void yamlReadsBackAsWritten();
    void everyPlanExportsToASchemaValidWorkflow();
    void validatorRejectsWhatArgoWouldNot();
};

void tst_ArgoWorkflow::dagMatchesThePlan_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("demo") << QStringLiteral(":/plans/demo.json");
    QTest::newRow("regions (targets)") << QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json");
    QTest::newRow("argo-stack") << kFixtures + QStringLiteral("argo-stack.json");
}

// Every resource that runs is a task; a task waits for exactly its resource's dependencies (a
// dependency that does not run stands for what it waits for); the plan's parallelism and
// fail_fast; every limited group's resources take its semaphore, whose ConfigMap holds the limit.
void tst_ArgoWorkflow::dagMatchesThePlan()
{
    QFETCH(QString, file);
    const Plan plan = readPlan(file);
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    QVERIFY2(!exported.workflow.is_null(), qPrintable(messages(exported.problems, Diagnostic::Severity::Error).join('\n')));
    const json &w = exported.workflow;
    QCOMPARE_JSON(w["apiVersion"], "argoproj.io/v1alpha1");
    QCOMPARE_JSON(w["kind"], "Workflow");
    QCOMPARE_JSON(w["spec"]["entrypoint"], ArgoWorkflow::kEntrypoint);
    QCOMPARE(w["spec"]["parallelism"].get<int>(), plan.parallelism);
    const json &dag = templateNamed(w, QString::fromLatin1(ArgoWorkflow::kEntrypoint))["dag"];
    QCOMPARE(dag["failFast"].get<bool>(), plan.failFast);

    const std::map<QString, QString> task = tasksById(w);
    // What each resource waits for among those that run.
    std::function<std::set<QString>(const Resource &)> waitsFor = [&](const Resource &r) {
        std::set<QString> tasks;
        for (const QString &d : r.dependsOn) {
            const Resource &dependency = plan.resources[plan.indexOf(d)];
            if (dependency.run)
                tasks.insert(task.at(d));
            else
                tasks.merge(waitsFor(dependency));
        }
        return tasks;
    };
    int running = 0;
    std::map<QString, std::set<QString>> expected;
    for (const Resource &r : plan.resources) {
        QCOMPARE(task.count(r.id), size_t(r.run ? 1 : 0));
        if (r.run) {
            ++running;
            expected[task.at(r.id)] = waitsFor(r);
        }
    }
    std::map<QString, std::set<QString>> actual;
    for (const json &t : dag["tasks"]) {
        std::set<QString> dependencies;
        for (const json &d : t.value("dependencies", json::array()))
            dependencies.insert(QString::fromStdString(d.get<std::string>()));
        QCOMPARE_JSON(t["template"], t["name"]);
        actual[QString::fromStdString(t["name"].get<std::string>())] = dependencies;
    }
    QCOMPARE(int(actual.size()), running);
    QVERIFY(actual == expected);

    int limited = 0;
    for (const Resource &r : plan.resources) {
        if (!r.run)
            continue;
        const json &t = provisioning(w, task.at(r.id));
        const int g = plan.groupIndex(r.group);
        const int limit = g >= 0 ? plan.groups[g].limit : 0;
        QCOMPARE(t.contains("synchronization"), limit > 0);
        if (limit > 0) {
            ++limited;
            const json &ref = t["synchronization"]["semaphores"][0]["configMapKeyRef"];
            QCOMPARE_JSON(ref["name"], exported.configMap["metadata"]["name"]);
            QCOMPARE_JSON(exported.configMap["data"][ref["key"].get<std::string>()], std::to_string(limit));
        }
    }
    QCOMPARE(exported.configMap.is_null(), limited == 0);
}

void tst_ArgoWorkflow::templatesCarryRetriesTimeoutsAndImages()
{
    const Plan plan = readPlan(kFixtures + QStringLiteral("argo-stack.json"));
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    QVERIFY(!exported.workflow.is_null());
    const json &w = exported.workflow;
    QCOMPARE_JSON(w["spec"]["serviceAccountName"], "deployer");
    const std::map<QString, QString> task = tasksById(w);

    // vpc: its own image, the plan's default retry (3 attempts: 2 retries) and timeout (10m).
    const json &vpc = provisioning(w, task.at(QStringLiteral("vpc")));
    QCOMPARE_JSON(vpc["container"]["image"], "amazon/aws-cli:2.17.0");
    QCOMPARE_JSON(vpc["container"]["command"][0], "aws");
    QCOMPARE_JSON(vpc["retryStrategy"], json::parse(R"({"limit": "2", "retryPolicy": "Always", "backoff": {"duration": "2s", "factor": "3", "cap": "1m"}})"));
    QCOMPARE_JSON(vpc["activeDeadlineSeconds"], "600");
    QCOMPARE_JSON(vpc["metadata"]["annotations"]["fanout/resource"], "vpc");
    // app: the plan's image; no shell unless asked.
    const json &app = provisioning(w, task.at(QStringLiteral("app")));
    QCOMPARE_JSON(app["container"]["image"], "alpine:3.20");
    QCOMPARE_JSON(app["container"]["command"][0], "deploy-app");
    // subnet[0]: a shell, as the resource asks, in its working directory.
    const json &subnet = provisioning(w, task.at(QStringLiteral("subnet[0]")));
    QCOMPARE_JSON(subnet["container"]["command"][0], "/bin/sh");
    QCOMPARE_JSON(subnet["container"]["command"][1], "-c");
    QCOMPARE_JSON(subnet["container"]["workingDir"], "/work");
    // replica: a sim sleeps for its duration; its own timeout (90s).
    const json &replica = provisioning(w, task.at(QStringLiteral("replica")));
    QCOMPARE_JSON(replica["container"]["image"], ArgoWorkflow::kSimImage);
    QCOMPARE_JSON(replica["container"]["command"], json::parse(R"(["sleep", "25"])"));
    QCOMPARE_JSON(replica["activeDeadlineSeconds"], "90");
    // db: 20-40s sleeps 30; 2 attempts; jitter is a warning that names it.
    const json &db = provisioning(w, task.at(QStringLiteral("db")));
    QVERIFY(db["container"]["command"][2].get<std::string>().starts_with("sleep 30 && echo '::output endpoint=db.internal:5432'"));
    QCOMPARE_JSON(db["retryStrategy"]["limit"], "1");
    const QStringList warnings = messages(exported.problems, Diagnostic::Severity::Warning);
    QVERIFY2(anyContains(warnings, QStringLiteral("resource \"db\""), QStringLiteral("jitter")), qPrintable(warnings.join('\n')));
    QVERIFY2(anyContains(warnings, QStringLiteral("resource \"dns\""), QStringLiteral("destroy")), qPrintable(warnings.join('\n')));
    // register: Argo's HTTP template, with the statuses the plan expects.
    const json &reg = provisioning(w, task.at(QStringLiteral("register")));
    QCOMPARE_JSON(reg["http"]["method"], "POST");
    QCOMPARE_JSON(reg["http"]["url"], "{{workflow.parameters.api}}/services");
    QCOMPARE_JSON(reg["http"]["successCondition"], "response.statusCode == 200 || response.statusCode == 201");
    QCOMPARE(reg["http"]["timeoutSeconds"].get<int>(), 300);
    QCOMPARE_JSON(json::parse(reg["http"]["body"].get<std::string>()),
             json::parse(R"({"name": "web", "database": "{{tasks.db.outputs.parameters.endpoint}}"})"));
}

void tst_ArgoWorkflow::referencesBecomeParametersAndSecrets()
{
    const Plan plan = readPlan(kFixtures + QStringLiteral("argo-stack.json"));
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    const json &w = exported.workflow;
    const std::map<QString, QString> task = tasksById(w);
    // Variables: workflow arguments, the secret one not among them.
    QCOMPARE_JSON(w["spec"]["arguments"]["parameters"],
             json::parse(R"([{"name": "region", "value": "eu-west-1"}, {"name": "api", "value": "https://api.example.com"}])"));
    QVERIFY(w.dump().find("s3cret") == std::string::npos); // a secret's value is never written

    const json &vpc = provisioning(w, task.at(QStringLiteral("vpc")))["container"];
    QCOMPARE_JSON(vpc["command"][4], "{{workflow.parameters.region}}");
    // A secret reaches the container from the Secret, as an environment variable that Kubernetes
    // expands in the values after it; a "$(" of the plan's own is escaped.
    QCOMPARE_JSON(vpc["env"], json::parse(R"j([
        {"name": "FANOUT_VAR_TOKEN", "valueFrom": {"secretKeyRef": {"name": "fanout-argo-stack-secrets", "key": "token"}}},
        {"name": "AWS_SESSION_TOKEN", "value": "$(FANOUT_VAR_TOKEN)"},
        {"name": "AUTH", "value": "Bearer $(FANOUT_VAR_TOKEN)"},
        {"name": "PRICE", "value": "$$(not a variable)"}])j"));
    // In an HTTP header, a header that is the secret comes from the Secret.
    const json &headers = provisioning(w, task.at(QStringLiteral("register")))["http"]["headers"];
    QCOMPARE_JSON(headers[0], json::parse(R"({"name": "Authorization", "valueFrom": {"secretKeyRef": {"name": "fanout-argo-stack-secrets", "key": "token"}}})"));
    QCOMPARE_JSON(headers[1], json::parse(R"({"name": "X-Region", "value": "{{workflow.parameters.region}}"})"));

    // Outputs: a resource whose outputs others read is a DAG around its template, whose output
    // parameters read what it printed (::output lines), answered (JSON pointers) or printed last
    // as JSON (outputs_json); readers use them as task parameters.
    const json &vpcOuter = templateNamed(w, task.at(QStringLiteral("vpc")));
    QCOMPARE_JSON(vpcOuter["outputs"]["parameters"][0]["name"], "vpc_id");
    QCOMPARE_JSON(vpcOuter["outputs"]["parameters"][0]["valueFrom"]["expression"],
             "sprig.trimPrefix('::output vpc_id=', sprig.last(sprig.regexFindAll('(?m)^::output vpc_id=.*$', tasks.provision.outputs.result, -1)))");
    QVERIFY(provisioning(w, task.at(QStringLiteral("subnet[1]")))["container"]["command"][2].get<std::string>().find(
                "in {{tasks.vpc.outputs.parameters.vpc_id}}") != std::string::npos);
    QCOMPARE_JSON(templateNamed(w, task.at(QStringLiteral("register")))["outputs"]["parameters"][0]["valueFrom"]["expression"],
             "jsonpath(tasks.provision.outputs.result, \"$['service']['id']\")");
    QCOMPARE_JSON(templateNamed(w, task.at(QStringLiteral("app")))["outputs"]["parameters"][0]["valueFrom"]["expression"],
             "jsonpath(sprig.last(sprig.splitList('\\n', sprig.trim(tasks.provision.outputs.result))), \"$['url']\")");
    const json &app = provisioning(w, task.at(QStringLiteral("app")))["container"]["command"];
    QCOMPARE_JSON(app[2], "{{tasks.register.outputs.parameters.service_id}}");
    // web[*]: every instance's, joined with commas.
    QCOMPARE_JSON(app[4], "{{tasks.subnet-0.outputs.parameters.subnet_id}},{{tasks.subnet-1.outputs.parameters.subnet_id}}");
    // An output reference is a dependency (the reader adds it): app waits for register.
    QCOMPARE_JSON(w["metadata"]["annotations"]["fanout/secrets"], "fanout-argo-stack-secrets: token");
}

void tst_ArgoWorkflow::whatCannotBeExportedIsAnErrorNamingTheResource()
{
    const json document = json::parse(R"({"name": "local", "variables": {"token": {"value": "x", "secret": true}}, "resources": [
        {"id": "build", "type": "command", "command": ["make"], "cwd": "src"},
        {"id": "health", "type": "http", "request": {"url": "http://localhost:8080/"},
         "wait": {"until": {"pointer": "/status", "equals": "ok"}}},
        {"id": "leak", "type": "http", "request": {"url": "https://api.example.com/?key=${var.token}"}},
        {"id": "braces", "type": "command", "command": ["echo", "{{workflow.name}}"]}]})");
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(planOf(document));
    QVERIFY(exported.workflow.is_null());
    QVERIFY(exported.configMap.is_null());
    const QStringList errors = messages(exported.problems, Diagnostic::Severity::Error);
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"build\": no image")), qPrintable(errors.join('\n')));
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"build\": its cwd \"src\" is relative")), qPrintable(errors.join('\n')));
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"health\": its wait"), QStringLiteral("one call")), qPrintable(errors.join('\n')));
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"leak\": request.url"), QStringLiteral("the secret variable token")), qPrintable(errors.join('\n')));
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"braces\""), QStringLiteral("{{")), qPrintable(errors.join('\n')));
    QVERIFY2(anyContains(errors, QStringLiteral("resource \"braces\": no image")), qPrintable(errors.join('\n')));
    QCOMPARE(errors.size(), 6);

    // With an image and an absolute directory (a variable's value counts), the command exports.
    const json fixed = json::parse(R"({"name": "local", "argo": {"image": "gcc:14"}, "variables": {"src": "/src"},
        "resources": [{"id": "build", "type": "command", "command": ["make"], "cwd": "${var.src}/app"}]})");
    const ArgoWorkflow::Export ok = ArgoWorkflow::fromPlan(planOf(fixed));
    QVERIFY2(!ok.workflow.is_null(), qPrintable(messages(ok.problems, Diagnostic::Severity::Error).join('\n')));
    QCOMPARE_JSON(templateNamed(ok.workflow, QStringLiteral("build"))["container"]["workingDir"], "{{workflow.parameters.src}}/app");

    const ArgoWorkflow::Export nothing = ArgoWorkflow::fromPlan(planOf(json::parse(R"({"name": "n", "resources": [{"id": "a", "type": "sim", "run": false}]})")));
    QVERIFY(nothing.workflow.is_null());
    QVERIFY(messages(nothing.problems, Diagnostic::Severity::Error).constFirst().contains(QLatin1String("no resource to run")));
}

void tst_ArgoWorkflow::namesAreKubernetesNames()
{
    QCOMPARE(ArgoWorkflow::kubernetesName(QStringLiteral("web[0]@eu-west-1")), QStringLiteral("web-0-eu-west-1"));
    QCOMPARE(ArgoWorkflow::kubernetesName(QStringLiteral("bucket[\"logs\"]")), QStringLiteral("bucket-logs"));
    QCOMPARE(ArgoWorkflow::kubernetesName(QStringLiteral("module.vpc.aws_subnet.private")), QStringLiteral("module-vpc-aws-subnet-private"));
    QCOMPARE(ArgoWorkflow::kubernetesName(QStringLiteral("__")), QStringLiteral("plan"));
    QCOMPARE(ArgoWorkflow::kubernetesName(QString(80, QLatin1Char('a')) + QStringLiteral("-b"), 63), QString(63, QLatin1Char('a')));
    // Ids that name alike get distinct tasks; "deploy" is the entry point's.
    const json document = json::parse(R"({"name": "names", "resources": [
        {"id": "Web_0", "type": "sim"}, {"id": "web[0]", "type": "sim"}, {"id": "web.0", "type": "sim"}, {"id": "deploy", "type": "sim"}]})");
    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(planOf(document));
    const std::map<QString, QString> task = tasksById(exported.workflow);
    QCOMPARE(task.at(QStringLiteral("Web_0")), QStringLiteral("web-0"));
    QCOMPARE(task.at(QStringLiteral("web[0]")), QStringLiteral("web-0-2"));
    QCOMPARE(task.at(QStringLiteral("web.0")), QStringLiteral("web-0-3"));
    QCOMPARE(task.at(QStringLiteral("deploy")), QStringLiteral("deploy-2"));
}

// Strings that plain YAML would read as numbers, booleans, null or syntax are quoted; the text
// reads back (as YAML 1.2 and 1.1 readers do) exactly as the JSON was.
void tst_ArgoWorkflow::yamlReadsBackAsWritten()
{
    const json document = json::parse(R"({"a": "yes", "b": "3", "c": "{{tasks.x.outputs.result}}", "d": "plain-text_1.2/x",
        "e": "Off", "f": "", "g": "line\nbreak", "h": "key: value", "i": "- item", "j": "#comment", "k": "1e3", "l": "é ü",
        "n": 7, "o": true, "p": null, "q": [], "r": {}, "s": ["x", {"t": "0x1F"}], "u": "~", "v": "y"})");
    const std::string yaml = ArgoWorkflow::toYaml(document);
    const YAML::Node node = YAML::Load(yaml);
    for (const auto &[key, value] : document.items()) {
        if (!value.is_string())
            continue;
        QVERIFY2(node[key].IsScalar(), key.c_str());
        QCOMPARE(QString::fromStdString(node[key].as<std::string>()), QString::fromStdString(value.get<std::string>()));
        // Quoted unless it is a plain word: a reader of YAML 1.1 (Kubernetes') sees a string.
        const bool quoted = node[key].Tag() == "!";
        QVERIFY2(quoted || key == "d", key.c_str());
    }
    QCOMPARE(node["n"].as<int>(), 7);
    QCOMPARE(node["o"].as<bool>(), true);
    QVERIFY(node["p"].IsNull());
    QVERIFY(node["q"].IsSequence() && node["q"].size() == 0);
    QVERIFY(node["r"].IsMap() && node["r"].size() == 0);
    QCOMPARE(QString::fromStdString(node["s"][1]["t"].as<std::string>()), QStringLiteral("0x1F"));
}

// Every plan of the project through `fanout export`, as a user runs it: the built-in plans, the
// fixtures and the real files of the corpus (imported on the way). Each is written, and Argo's
// schema accepts it, or the export stops with errors that name resources (and writes nothing).
void tst_ArgoWorkflow::everyPlanExportsToASchemaValidWorkflow()
{
    QStringList plans = {QStringLiteral("demo"), QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/local-stack.json"),
                         QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json")};
    for (const QString &file : QDir(kFixtures).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        plans.append(kFixtures + file);
    QDirIterator corpus(QStringLiteral(FANOUT_CORPUS), QDir::Files, QDirIterator::Subdirectories);
    while (corpus.hasNext()) {
        const QString file = corpus.next();
        if (!file.endsWith(QLatin1String(".md")))
            plans.append(file);
    }
    QTemporaryDir dir;
    QStringList written;
    QStringList refused;
    int index = 0;
    for (const QString &plan : plans) {
        const QString output = dir.filePath(QStringLiteral("%1-%2.yaml").arg(++index).arg(QFileInfo(plan).completeBaseName()));
        QProcess fanout;
        fanout.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("export"), plan, QStringLiteral("--format"), QStringLiteral("argo"), QStringLiteral("-o"), output});
        QVERIFY(fanout.waitForFinished(60'000));
        const QString err = QString::fromUtf8(fanout.readAllStandardError());
        if (fanout.exitCode() == 0) {
            QVERIFY2(QFile::exists(output), qPrintable(plan));
            QVERIFY2(err.contains(QLatin1String("argo submit")), qPrintable(err));
            written.append(output);
            if (QFile::exists(ArgoWorkflow::configMapPath(output)))
                written.append(ArgoWorkflow::configMapPath(output));
        } else {
            QCOMPARE(fanout.exitCode(), 2);
            QVERIFY2(!QFile::exists(output), qPrintable(plan));
            // The plan itself has errors (invalid.json), or resources that cannot be exported, each named.
            QVERIFY2(err.contains(QLatin1String(": error: resource \"")) || err.contains(QLatin1String("the plan has no resource to run"))
                         || (plan.endsWith(QLatin1String("invalid.json")) && err.contains(QLatin1String("the plan cannot run until"))),
                     qPrintable(plan + QLatin1Char('\n') + err));
            refused.append(QFileInfo(plan).fileName());
        }
    }
    qInfo("%lld plans: %lld exported, %lld refused (%s)", qint64(plans.size()), qint64(plans.size() - refused.size()), qint64(refused.size()),
          qPrintable(refused.join(QStringLiteral(", "))));
    // What is refused, and why: local-stack checks a server on this machine (http wait) and has no
    // image; invalid.json has errors; quick-fail, slow, state-* are local commands without image.
    QVERIFY2(refused.contains(QStringLiteral("local-stack.json")) && refused.contains(QStringLiteral("invalid.json")), qPrintable(refused.join(' ')));
    QVERIFY2(!refused.contains(QStringLiteral("argo-stack.json")) && !refused.contains(QStringLiteral("demo")), qPrintable(refused.join(' ')));
    QVERIFY2(plans.size() - refused.size() >= 30, qPrintable(QString::number(plans.size() - refused.size()))); // the whole corpus among them

    QProcess validator;
    validator.start(QStringLiteral("python3"), QStringList{kValidator, kSchema} + written);
    QVERIFY(validator.waitForFinished(120'000));
    const QString said = QString::fromUtf8(validator.readAllStandardOutput() + validator.readAllStandardError());
    QVERIFY2(validator.exitStatus() == QProcess::NormalExit && validator.exitCode() == 0, qPrintable(said));
    QCOMPARE(said.count(QLatin1String("1 workflow(s) checked")), written.size() - said.count(QLatin1String("0 workflow(s) checked")));
}

// The validator is stricter than Argo's schema, as Argo is: a misspelt field, a number where
// Argo wants a string, or a task without a name fail it.
void tst_ArgoWorkflow::validatorRejectsWhatArgoWouldNot()
{
    const Plan plan = readPlan(kFixtures + QStringLiteral("argo-stack.json"));
    const json good = ArgoWorkflow::fromPlan(plan).workflow;
    QTemporaryDir dir;
    auto check = [&](const json &workflow) {
        const QString file = dir.filePath(QStringLiteral("w.yaml"));
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return -1;
        f.write(QByteArray::fromStdString(ArgoWorkflow::toYaml(workflow)));
        f.close();
        QProcess validator;
        validator.start(QStringLiteral("python3"), {kValidator, kSchema, file});
        validator.waitForFinished(60'000);
        return validator.exitCode();
    };
    QCOMPARE(check(good), 0);
    json misspelt = good;
    misspelt["spec"]["templates"][0]["dag"]["tasks"][1]["dependecies"] = misspelt["spec"]["templates"][0]["dag"]["tasks"][1]["dependencies"];
    QCOMPARE(check(misspelt), 1);
    json number = good;
    number["spec"]["templates"][1]["retryStrategy"]["limit"] = 2; // IntOrString is a string in Argo's schema
    QCOMPARE(check(number), 1);
    json nameless = good;
    nameless["spec"]["templates"][0]["dag"]["tasks"][0].erase("name");
    QCOMPARE(check(nameless), 1);
}

QTEST_GUILESS_MAIN(tst_ArgoWorkflow)
#include "tst_argoworkflow.moc"
