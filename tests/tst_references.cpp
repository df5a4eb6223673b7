// References between resources (${resources.ID.outputs.KEY}), to variables and the environment:
// parsing, validation, substitution at run time, implied dependencies and masking of secrets.
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/plan/references.h"
#include "engine/run/scheduler.h"

#include <QSignalSpy>
#include <QTest>

using namespace fanout;
using json = nlohmann::ordered_json;
Q_DECLARE_METATYPE(nlohmann::ordered_json)

namespace {

PlanReadResult read(const json &plan)
{
    return PlanReader::readJson(plan, ExecutorRegistry::builtIn());
}

QString messages(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString());
    return lines.join(QLatin1Char('\n'));
}

// Runs `plan` to the end; returns the journal's log lines of `resource`.
QStringList runAndCollectLogs(Scheduler &scheduler, const Plan &plan, const QString &resource)
{
    QSignalSpy finished(&scheduler, &Scheduler::finished);
    if (!scheduler.start(plan))
        return {QStringLiteral("did not start")};
    if (!finished.wait(20'000))
        return {QStringLiteral("did not finish")};
    QStringList lines;
    const int r = plan.indexOf(resource);
    for (const RunEvent &event : scheduler.journal()) {
        if (event.kind == RunEvent::Kind::Log && event.resource == r)
            lines.append(event.text);
    }
    return lines;
}

} // namespace

class tst_References : public QObject
{
    Q_OBJECT

private slots:
    void findsEveryKind();
    void problemsAreReported_data();
    void problemsAreReported();
    void substitutes();
    void masks();
    void bindsSomeAndKeepsTheRest();
    void outputReferenceImpliesDependency();
    void validation_data();
    void validation();
    void outputsFlowBetweenResources();
    void missingOutputFailsNamingWhatThereIs();
    void secretsAreMasked();
};

void tst_References::findsEveryKind()
{
    const json params = {{"url", "${var.api}/x/${resources.module.vpc.aws_vpc.main.outputs.id}"},
                         {"list", {"${env:HOME}", "$${not.a.reference}"}},
                         {"wait", {{"url", "${self.outputs.bucket_id}"}}}};
    QStringList found;
    References::find(params, QStringLiteral("p"), [&](const QString &path, const Reference *reference, const QString &problem) {
        QVERIFY2(reference, qPrintable(problem));
        found.append(QStringLiteral("%1 %2 %3 %4").arg(path).arg(int(reference->kind)).arg(reference->resource, reference->name));
    });
    QCOMPARE(found, (QStringList{QStringLiteral("p.url 1  api"),
                                 QStringLiteral("p.url 0 module.vpc.aws_vpc.main id"), // ids may contain dots
                                 QStringLiteral("p.list[0] 2  HOME"),
                                 QStringLiteral("p.wait.url 3  bucket_id")}));
}

void tst_References::problemsAreReported_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem");
    QTest::newRow("unterminated") << QStringLiteral("x ${var.api") << QStringLiteral("has no closing \"}\"");
    QTest::newRow("unknown form") << QStringLiteral("${vars.api}") << QStringLiteral("is not a reference Fanout knows");
    QTest::newRow("no output key") << QStringLiteral("${resources.db.outputs.}") << QStringLiteral("is not a reference");
    QTest::newRow("no outputs part") << QStringLiteral("${resources.db}") << QStringLiteral("is not a reference");
    QTest::newRow("empty") << QStringLiteral("${}") << QStringLiteral("is not a reference");
    QTest::newRow("space in name") << QStringLiteral("${var.a b}") << QStringLiteral("is not a reference");
}

void tst_References::problemsAreReported()
{
    QFETCH(QString, text);
    QFETCH(QString, problem);
    QStringList problems;
    References::find(json(text.toStdString()), QStringLiteral("p"), [&](const QString &, const Reference *reference, const QString &p) {
        if (!reference)
            problems.append(p);
    });
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems[0].contains(problem), qPrintable(problems[0]));
}

void tst_References::substitutes()
{
    const auto lookup = [](const Reference &reference) -> Expected<QString> {
        if (reference.name == QLatin1String("missing"))
            return unexpected(QStringLiteral("no such thing"));
        return reference.name.toUpper();
    };
    QStringList errors;
    const json out = References::substitute(json{{"a", "x-${var.one}-${env:two}"}, {"n", 3}, {"l", {"$${var.one}"}}}, lookup, &errors);
    QVERIFY(errors.isEmpty());
    QCOMPARE(QString::fromStdString(out["a"].get<std::string>()), QStringLiteral("x-ONE-TWO"));
    QCOMPARE(out["n"].get<int>(), 3);
    QCOMPARE(QString::fromStdString(out["l"][0].get<std::string>()), QStringLiteral("${var.one}")); // the escape
    References::substitute(QStringLiteral("${var.missing} ${var"), lookup, &errors);
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors[0], QStringLiteral("no such thing"));
}

void tst_References::bindsSomeAndKeepsTheRest()
{
    // What a state file records of a destroy action: variables written in, the rest left to be
    // read later, and every literal "${" (in the text or in a value) still escaped.
    const auto bound = [](const Reference &reference) -> std::optional<QString> {
        if (reference.kind == Reference::Kind::Variable && reference.name == QLatin1String("root"))
            return QStringLiteral("/srv/a${b}");
        return std::nullopt;
    };
    const json in = json{{"command", {"rm", "-rf", "${var.root}/x", "$${var.root}", "${var.token}", "${env:HOME}", "${self.outputs.id}"}}, {"n", 1}};
    const json out = References::bind(in, bound);
    QCOMPARE(out["command"][2].get<std::string>(), std::string("/srv/a$${b}/x"));
    QCOMPARE(out["command"][3].get<std::string>(), std::string("$${var.root}"));
    QCOMPARE(out["command"][4].get<std::string>(), std::string("${var.token}"));
    QCOMPARE(out["command"][5].get<std::string>(), std::string("${env:HOME}"));
    QCOMPARE(out["command"][6].get<std::string>(), std::string("${self.outputs.id}"));
    QCOMPARE(out["n"].get<int>(), 1);
    // Substituted later, the escapes give back the values as they were.
    QStringList errors;
    const json later = References::substitute(out, [](const Reference &r) -> Expected<QString> { return r.text; }, &errors);
    QCOMPARE(later["command"][2].get<std::string>(), std::string("/srv/a${b}/x"));
    QCOMPARE(later["command"][3].get<std::string>(), std::string("${var.root}"));
    // A value with a problem is kept as it was.
    QCOMPARE(References::bind(json("${var.root"), bound).get<std::string>(), std::string("${var.root"));
}

void tst_References::masks()
{
    QCOMPARE(References::mask(QStringLiteral("token=abc123 again abc123"), {QStringLiteral("abc123")}),
             QStringLiteral("token=**** again ****"));
    QCOMPARE(References::mask(QStringLiteral("nothing here"), {QString()}), QStringLiteral("nothing here"));
}

void tst_References::outputReferenceImpliesDependency()
{
    const PlanReadResult result = read({{"name", "t"},
                                        {"resources", {{{"id", "db"}, {"type", "sim"}, {"outputs", {{"endpoint", "db:5432"}}}},
                                                       {{"id", "app"}, {"type", "sim"}, {"log_lines", {"connecting to ${resources.db.outputs.endpoint}"}}}}}});
    QVERIFY2(!result.hasErrors(), qPrintable(messages(result.diagnostics)));
    QCOMPARE(result.plan.resources[1].dependsOn, QStringList{QStringLiteral("db")});
}

void tst_References::validation_data()
{
    QTest::addColumn<json>("resource");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown resource")
        << json{{"id", "app"}, {"type", "sim"}, {"log_lines", {"${resources.dbb.outputs.endpoint}"}}}
        << QStringLiteral("resources[1].log_lines[0]: ${resources.dbb.outputs.endpoint}: no resource has the id \"dbb\" (did you mean \"db\"?)");
    QTest::newRow("unknown variable")
        << json{{"id", "app"}, {"type", "sim"}, {"failure_message", "${var.apii}"}}
        << QStringLiteral("resources[1].failure_message: ${var.apii}: the plan has no variable \"apii\" (did you mean \"api\"?); declare it under \"variables\"");
    QTest::newRow("itself")
        << json{{"id", "app"}, {"type", "sim"}, {"failure_message", "${resources.app.outputs.x}"}}
        << QStringLiteral("refers to the resource itself; use ${self.outputs.x}");
    QTest::newRow("self outside wait")
        << json{{"id", "app"}, {"type", "sim"}, {"failure_message", "${self.outputs.x}"}}
        << QStringLiteral("resources[1].failure_message: ${self.outputs.x}: a resource's own outputs are known only in \"wait\" and \"destroy\"");
    QTest::newRow("unset environment")
        << json{{"id", "app"}, {"type", "sim"}, {"failure_message", "${env:FANOUT_TEST_SURELY_UNSET}"}}
        << QStringLiteral("the environment variable FANOUT_TEST_SURELY_UNSET is not set");
    QTest::newRow("malformed")
        << json{{"id", "app"}, {"type", "sim"}, {"failure_message", "${var.api"}}
        << QStringLiteral("resources[1].failure_message: \"${var.api\" has no closing \"}\"");
    QTest::newRow("destroy uses another's output")
        << json{{"id", "app"}, {"type", "sim"}, {"destroy", {{"type", "sim"}, {"failure_message", "${resources.db.outputs.endpoint}"}}}}
        << QStringLiteral("resources[1].destroy.failure_message: ${resources.db.outputs.endpoint}: a destroy action may use");
    QTest::newRow("destroy of unknown type")
        << json{{"id", "app"}, {"type", "sim"}, {"destroy", {{"type", "smi"}}}}
        << QStringLiteral("resources[1].destroy.type: unknown type \"smi\" (did you mean \"sim\"?)");
    QTest::newRow("destroy with a bad field")
        << json{{"id", "app"}, {"type", "sim"}, {"destroy", {{"duration", "soon"}}}}
        << QStringLiteral("resources[1].destroy.duration:");
    QTest::newRow("destroy not an object")
        << json{{"id", "app"}, {"type", "sim"}, {"destroy", "rm -rf"}}
        << QStringLiteral("resources[1].destroy: must be an object");
}

void tst_References::validation()
{
    QFETCH(json, resource);
    QFETCH(QString, message);
    const json plan = {{"name", "t"},
                       {"variables", {{"api", "http://localhost"}}},
                       {"resources", {{{"id", "db"}, {"type", "sim"}}, resource}}};
    const PlanReadResult result = read(plan);
    QVERIFY2(result.hasErrors(), qPrintable(messages(result.diagnostics)));
    QVERIFY2(messages(result.diagnostics).contains(message), qPrintable(messages(result.diagnostics)));
}

void tst_References::outputsFlowBetweenResources()
{
    const PlanReadResult result = read({{"name", "t"},
                                        {"variables", {{"region", "eu-west-1"}}},
                                        {"resources", {{{"id", "db"}, {"type", "sim"}, {"duration", "10ms"},
                                                        {"outputs", {{"endpoint", "db-${var.region}.internal:5432"}}}},
                                                       {{"id", "app"}, {"type", "sim"}, {"duration", "10ms"},
                                                        {"log_lines", {"connecting to ${resources.db.outputs.endpoint}"}}}}}});
    QVERIFY2(!result.hasErrors(), qPrintable(messages(result.diagnostics)));
    Scheduler scheduler(ExecutorRegistry::builtIn());
    const QStringList lines = runAndCollectLogs(scheduler, result.plan, QStringLiteral("app"));
    QCOMPARE(lines, QStringList{QStringLiteral("connecting to db-eu-west-1.internal:5432")});
    QCOMPARE(scheduler.status(0).outputs.value(QStringLiteral("endpoint")), QStringLiteral("db-eu-west-1.internal:5432"));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), 2);
}

void tst_References::missingOutputFailsNamingWhatThereIs()
{
    const PlanReadResult result = read({{"name", "t"},
                                        {"resources", {{{"id", "db"}, {"type", "sim"}, {"duration", "10ms"}, {"outputs", {{"host", "h"}, {"port", "5432"}}}},
                                                       {{"id", "app"}, {"type", "sim"}, {"duration", "10ms"},
                                                        {"log_lines", {"${resources.db.outputs.endpoint}"}}}}}});
    QVERIFY(!result.hasErrors()); // which outputs a resource will have is known only when it has run
    Scheduler scheduler(ExecutorRegistry::builtIn());
    runAndCollectLogs(scheduler, result.plan, QStringLiteral("app"));
    QCOMPARE(scheduler.status(1).state, ResourceState::Failed);
    QCOMPARE(scheduler.status(1).reason, QStringLiteral("${resources.db.outputs.endpoint}: \"db\" has no output \"endpoint\" (it has: host, port)"));
}

void tst_References::secretsAreMasked()
{
    qputenv("FANOUT_TEST_TOKEN", "s3cr3t-from-env");
    const PlanReadResult result = read({{"name", "t"},
                                        {"variables", {{"password", {{"value", "hunter2-secret"}, {"secret", true}}}, {"user", "admin"}}},
                                        {"resources", {{{"id", "app"}, {"type", "sim"}, {"duration", "10ms"}, {"fail_attempts", 1},
                                                        {"log_lines", {"login ${var.user}:${var.password}", "token ${env:FANOUT_TEST_TOKEN}", "done (a failing sim attempt leaves out its last line)"}},
                                                        {"failure_message", "bad password hunter2-secret"}}}}});
    QVERIFY2(!result.hasErrors(), qPrintable(messages(result.diagnostics)));
    Scheduler scheduler(ExecutorRegistry::builtIn());
    const QStringList lines = runAndCollectLogs(scheduler, result.plan, QStringLiteral("app"));
    QVERIFY2(lines.contains(QStringLiteral("login admin:****")), qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY2(lines.contains(QStringLiteral("token ****")), qPrintable(lines.join(QLatin1Char('\n'))));
    QCOMPARE(scheduler.status(0).reason, QStringLiteral("bad password ****"));
    for (const RunEvent &event : scheduler.journal()) {
        QVERIFY2(!event.text.contains(QLatin1String("hunter2")), qPrintable(event.text));
        QVERIFY2(!event.text.contains(QLatin1String("s3cr3t")), qPrintable(event.text));
    }
    qunsetenv("FANOUT_TEST_TOKEN");
}

QTEST_GUILESS_MAIN(tst_References)
#include "tst_references.moc"
