#include "engine/executors/executorregistry.h"
#include "engine/plan/instanceaddress.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace fanout;

namespace {

using json = nlohmann::ordered_json;

PlanReadResult read(const QString &text)
{
    return PlanReader::readText(text.toUtf8(), QStringLiteral("plan.json"), ExecutorRegistry::builtIn());
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QStringLiteral("plan.json")));
    return lines.join(QLatin1Char('\n'));
}

// One resource a line, so that resources[i] is on line i + 3.
QString planWith(const QStringList &resources, const QString &extra = QString())
{
    return QStringLiteral("{\"name\": \"t\",%1\n\"resources\": [\n%2\n]}").arg(extra, resources.join(QStringLiteral(",\n")));
}

const QString kTargets = QStringLiteral(R"( "targets": [{"name": "eu-west-1", "vars": {"cidr": "10.1.0.0/16"}}, {"name": "us-east-1", "vars": {"cidr": "10.2.0.0/16"}}],)");

QStringList ids(const Plan &plan)
{
    QStringList result;
    for (const Resource &r : plan.resources)
        result.append(r.id);
    return result;
}

const Resource &byId(const Plan &plan, const QString &id)
{
    const int i = plan.indexOf(id);
    if (i < 0)
        qFatal("no resource %s", qPrintable(id));
    return plan.resources[i];
}

QString param(const Resource &r, const char *path)
{
    const json value = r.params.at(json::json_pointer(path));
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

} // namespace

class tst_PlanExpansion : public QObject
{
    Q_OBJECT

private slots:
    void addresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("set");
        QTest::addColumn<QString>("key"); // dumped JSON
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("all");
        QTest::newRow("plain") << "vpc" << true << "vpc" << "null" << "" << false;
        QTest::newRow("dotted") << "db.primary" << true << "db.primary" << "null" << "" << false;
        QTest::newRow("index") << "web[0]" << true << "web" << "0" << "" << false;
        QTest::newRow("key") << "web[\"eu-west-1\"]" << true << "web" << "\"eu-west-1\"" << "" << false;
        QTest::newRow("target") << "net@eu-west-1" << true << "net" << "null" << "eu-west-1" << false;
        QTest::newRow("index and target") << "web[0]@eu-west-1" << true << "web" << "0" << "eu-west-1" << false;
        QTest::newRow("all") << "web[*]" << true << "web" << "null" << "" << true;
        QTest::newRow("key with @") << "web[\"a@b\"]" << true << "web" << "\"a@b\"" << "" << false;
        QTest::newRow("escaped quote, as Terraform writes it") << "b[\"a\\\"b\"]" << true << "b" << "\"a\\\"b\"" << "" << false;
        QTest::newRow("unterminated") << "web[0" << false << "" << "" << "" << false;
        QTest::newRow("negative") << "web[-1]" << false << "" << "" << "" << false;
        QTest::newRow("unquoted word") << "web[abc]" << false << "" << "" << "" << false;
        QTest::newRow("empty target") << "net@" << false << "" << "" << "" << false;
    }
    void addresses()
    {
        QFETCH(QString, address);
        QFETCH(bool, valid);
        const auto parsed = InstanceAddress::parse(address);
        QCOMPARE(parsed.has_value(), valid);
        if (!valid)
            return;
        QTEST(parsed->set, "set");
        QTEST(QString::fromStdString(parsed->key.dump()), "key");
        QTEST(parsed->target, "target");
        QTEST(parsed->all, "all");
        QCOMPARE(parsed->format(), address); // formatting what was read gives the address back
    }

    void countExpandsInPlace()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "vpc", "type": "sim"})",
            R"({"id": "web", "type": "sim", "count": 3, "name": "web ${count.index}", "depends_on": ["vpc"], "outputs": {"ip": "10.0.0.${count.index}", "literal": "$${count.index}"}})",
            R"({"id": "lb", "type": "sim", "depends_on": ["web"]})",
        }));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        const Plan &plan = result.plan;
        QCOMPARE(ids(plan), (QStringList{"vpc", "web[0]", "web[1]", "web[2]", "lb"}));
        const Resource &web1 = byId(plan, "web[1]");
        QCOMPARE(web1.set, QStringLiteral("web"));
        QVERIFY(web1.key == json(1));
        QVERIFY(web1.target.isEmpty());
        QCOMPARE(web1.count, std::optional<int>(3)); // the written fields are kept
        QCOMPARE(web1.name, QStringLiteral("web 1"));
        QCOMPARE(param(web1, "/outputs/ip"), QStringLiteral("10.0.0.1"));
        QCOMPARE(param(web1, "/outputs/literal"), QStringLiteral("$${count.index}")); // a literal stays one
        QCOMPARE(web1.dependsOn, QStringList{"vpc"});
        QCOMPARE(byId(plan, "lb").dependsOn, (QStringList{"web[0]", "web[1]", "web[2]"}));
        QCOMPARE(plan.instancesOf(QStringLiteral("web")), (QList<int>{1, 2, 3}));
        QVERIFY(!byId(plan, "vpc").isInstance());
    }

    void forEachListAndObject()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "bucket", "type": "sim", "for_each": ["logs", "assets"], "name": "${each.key}", "outputs": {"v": "${each.value}"}})",
            R"({"id": "db", "type": "sim", "for_each": {"main": {"size": "large"}, "replica": {"size": "small"}}, "outputs": {"size": "${each.value.size}", "k": "${each.key}"}})",
        }));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        QCOMPARE(ids(result.plan), (QStringList{"bucket[\"logs\"]", "bucket[\"assets\"]", "db[\"main\"]", "db[\"replica\"]"}));
        const Resource &assets = byId(result.plan, "bucket[\"assets\"]");
        QCOMPARE(assets.name, QStringLiteral("assets"));
        QCOMPARE(param(assets, "/outputs/v"), QStringLiteral("assets"));
        QVERIFY(assets.key == json("assets"));
        const Resource &replica = byId(result.plan, "db[\"replica\"]");
        QCOMPARE(param(replica, "/outputs/size"), QStringLiteral("small"));
        QCOMPARE(param(replica, "/outputs/k"), QStringLiteral("replica"));
    }

    void perTargetStacks()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "zone", "type": "sim"})",
            R"({"id": "net", "type": "sim", "per_target": true, "name": "net in ${target.name}", "outputs": {"cidr": "${target.vars.cidr}"}})",
            R"({"id": "web", "type": "sim", "per_target": true, "count": 2, "depends_on": ["net", "zone"], "outputs": {"net": "${resources.net.outputs.cidr}"}})",
            R"({"id": "dns", "type": "sim", "depends_on": ["net"]})",
            R"({"id": "app", "type": "sim", "per_target": true, "outputs": {"webs": "${resources.web[*].outputs.net}"}})",
        }, kTargets));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        const Plan &plan = result.plan;
        QCOMPARE(plan.targets.size(), 2);
        QCOMPARE(plan.targets[1].name, QStringLiteral("us-east-1"));
        QCOMPARE(ids(plan), (QStringList{"zone", "net@eu-west-1", "net@us-east-1", "web[0]@eu-west-1", "web[0]@us-east-1",
                                         "web[1]@eu-west-1", "web[1]@us-east-1", "dns", "app@eu-west-1", "app@us-east-1"}));
        const Resource &net = byId(plan, "net@us-east-1");
        QCOMPARE(net.target, QStringLiteral("us-east-1"));
        QCOMPARE(net.name, QStringLiteral("net in us-east-1"));
        QCOMPARE(param(net, "/outputs/cidr"), QStringLiteral("10.2.0.0/16"));
        // Within the stack, "net" is the same target's net; the reference says so too.
        const Resource &web = byId(plan, "web[1]@eu-west-1");
        QCOMPARE(web.dependsOn, (QStringList{"net@eu-west-1", "zone"}));
        QCOMPARE(param(web, "/outputs/net"), QStringLiteral("${resources.net@eu-west-1.outputs.cidr}"));
        // A shared resource waits for every target's instance.
        QCOMPARE(byId(plan, "dns").dependsOn, (QStringList{"net@eu-west-1", "net@us-east-1"}));
        // web[*] inside the stack: the same target's instances.
        const Resource &app = byId(plan, "app@us-east-1");
        QCOMPARE(param(app, "/outputs/webs"), QStringLiteral("${resources.web[*]@us-east-1.outputs.net}"));
        QCOMPARE(app.dependsOn, (QStringList{"web[0]@us-east-1", "web[1]@us-east-1"}));
    }

    // A value that is one reference and nothing else keeps the referred value's JSON type.
    void wholeReferencesKeepTheirType()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "app", "type": "sim", "per_target": true, "fail_attempts": "${target.vars.fail}", "log_lines": ["in ${target.vars.fail}"]})",
            R"({"id": "web", "type": "sim", "count": 2, "log_lines": "${count.index}"})",
            R"({"id": "db", "type": "sim", "for_each": {"a": {"size": 2}}, "outputs": {"size": "${each.value.size}"}})",
        }, QStringLiteral(R"( "targets": [{"name": "eu", "vars": {"fail": 1}}, {"name": "us", "vars": {"fail": 0}}],)")));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        const Plan &plan = result.plan;
        QVERIFY(byId(plan, "app@eu").params.at("fail_attempts") == json(1));
        QVERIFY(byId(plan, "app@us").params.at("fail_attempts") == json(0));
        QVERIFY(byId(plan, "app@eu").params.at("log_lines").at(0) == json("in 1")); // within text: text
        QVERIFY(byId(plan, "web[1]").params.at("log_lines") == json(1));
        QVERIFY(byId(plan, "db[\"a\"]").params.at(json::json_pointer("/outputs/size")) == json(2));
    }

    void dependsOnForms()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "subnet", "type": "sim", "count": 3})",
            R"({"id": "web", "type": "sim", "count": 3, "depends_on": ["subnet[${count.index}]"]})",
            R"({"id": "one", "type": "sim", "depends_on": ["web[2]"]})",
            R"({"id": "all", "type": "sim", "depends_on": ["web[*]"]})",
            R"({"id": "none", "type": "sim", "count": 0})",
            R"({"id": "after_none", "type": "sim", "depends_on": ["none"], "outputs": {"all": "[${resources.none[*].outputs.ip}]"}})",
        }));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        const Plan &plan = result.plan;
        QCOMPARE(byId(plan, "web[2]").dependsOn, QStringList{"subnet[2]"});
        QCOMPARE(byId(plan, "one").dependsOn, QStringList{"web[2]"});
        QCOMPARE(byId(plan, "all").dependsOn, (QStringList{"web[0]", "web[1]", "web[2]"}));
        QVERIFY(plan.instancesOf(QStringLiteral("none")).isEmpty()); // count 0: no instances
        QVERIFY(byId(plan, "after_none").dependsOn.isEmpty());       // so nothing to wait for
        QCOMPARE(param(byId(plan, "after_none"), "/outputs/all"), QStringLiteral("[]")); // and no outputs to join
    }

    void referencesImplyDependencies()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "web", "type": "sim", "count": 3, "outputs": {"ip": "10.0.0.${count.index}"}})",
            R"({"id": "one", "type": "sim", "outputs": {"ip": "${resources.web[2].outputs.ip}"}})",
            R"({"id": "all", "type": "sim", "outputs": {"ips": "${resources.web[*].outputs.ip}"}})",
        }));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        QCOMPARE(byId(result.plan, "one").dependsOn, QStringList{"web[2]"});
        QCOMPARE(byId(result.plan, "all").dependsOn, (QStringList{"web[0]", "web[1]", "web[2]"}));
    }

    void starJoinsOutputsAtRunTime()
    {
        const PlanReadResult result = read(planWith({
            R"({"id": "web", "type": "sim", "duration": "10ms", "count": 3, "outputs": {"ip": "10.0.0.${count.index}"}})",
            R"({"id": "lb", "type": "sim", "duration": "10ms", "outputs": {"backends": "${resources.web[*].outputs.ip}", "first": "${resources.web[0].outputs.ip}"}})",
        }));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        Scheduler scheduler(ExecutorRegistry::builtIn());
        QSignalSpy finished(&scheduler, &Scheduler::finished);
        QVERIFY(scheduler.start(result.plan));
        QVERIFY(finished.wait(10'000));
        const ResourceStatus &lb = scheduler.status(result.plan.indexOf(QStringLiteral("lb")));
        QCOMPARE(lb.outputs.value(QStringLiteral("backends")), QStringLiteral("10.0.0.0,10.0.0.1,10.0.0.2"));
        QCOMPARE(lb.outputs.value(QStringLiteral("first")), QStringLiteral("10.0.0.0"));
    }

    void targetsAndRollout()
    {
        const PlanReadResult result = read(planWith({R"({"id": "net", "type": "sim", "per_target": true})"},
                                                    kTargets + QStringLiteral(R"( "rollout": {"max_concurrent": "25%", "failure_tolerance": 1, "order": ["us-east-1", "eu-west-1"], "waves": [["eu-west-1"], ["*"]]},)")));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        QVERIFY(result.plan.rollout);
        const Rollout &rollout = *result.plan.rollout;
        QCOMPARE(rollout.maxConcurrent, 25);
        QVERIFY(rollout.maxConcurrentIsPercent);
        QCOMPARE(rollout.failureTolerance, 1);
        QVERIFY(!rollout.failureToleranceIsPercent);
        QCOMPARE(rollout.order, (QStringList{"us-east-1", "eu-west-1"}));
        QCOMPARE(rollout.waves, (QList<QStringList>{{"eu-west-1"}, {"*"}}));
        QVERIFY(result.plan.targets[0].vars.value("cidr", std::string()) == "10.1.0.0/16");
    }

    void plainPlanUnchanged()
    {
        const PlanReadResult result = read(planWith({R"({"id": "a", "type": "sim"})", R"({"id": "b", "type": "sim", "depends_on": ["a"]})"}));
        QVERIFY2(!result.hasErrors(), qPrintable(dump(result.diagnostics)));
        QCOMPARE(ids(result.plan), (QStringList{"a", "b"}));
        QVERIFY(!result.plan.resources[1].isInstance());
        QVERIFY(result.plan.targets.isEmpty());
        QVERIFY(!result.plan.rollout);
    }

    // A plan may list a set's instances one by one, as an imported Terraform plan does.
    void instancesWrittenOneByOne()
    {
        const QString quoted = QStringLiteral("b[\"a\\\"b\"]"); // b["a\"b"], as Terraform escapes a quote in a key
        const QString escapedResource = QString::fromStdString(json{{"id", quoted.toStdString()}, {"type", "sim"}}.dump());
        const PlanReadResult result = read(planWith({R"({"id": "web[0]", "type": "sim"})", R"({"id": "web[1]", "type": "sim"})", escapedResource,
                                                     R"({"id": "lb", "type": "sim", "depends_on": ["web"]})", R"({"id": "db", "type": "sim"})",
                                                     R"({"id": "db[0]", "type": "sim"})"}));
        QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
        QCOMPARE(ids(result.plan), (QStringList{"web[0]", "web[1]", quoted, "lb", "db", "db[0]"}));
        QCOMPARE(result.plan.resources[1].set, QStringLiteral("web"));
        QVERIFY(result.plan.resources[1].key == json(1));
        QCOMPARE(result.plan.resources[2].set, QStringLiteral("b"));
        QVERIFY(result.plan.resources[2].key == json("a\"b"));
        QCOMPARE(byId(result.plan, "lb").dependsOn, (QStringList{"web[0]", "web[1]"}));
        // "db" is a resource of its own: db[0] beside it is just another id.
        QVERIFY(!result.plan.resources[5].isInstance());

        const PlanReadResult both = read(planWith({R"({"id": "web", "type": "sim", "count": 2})", R"({"id": "web[1]", "type": "sim"})"}));
        QCOMPARE(both.diagnostics.size(), 1);
        QCOMPARE(both.diagnostics[0].path, QStringLiteral("resources[1].id"));
        QVERIFY2(both.diagnostics[0].message.startsWith(QLatin1String("web is written with count (resources[0]), which makes its instances")),
                 qPrintable(both.diagnostics[0].message));
    }

    // An instance dragged on the graph is saved under its address, and read back without a word.
    void instancesArePlacedByHand()
    {
        const PlanReadResult result = read(planWith({R"({"id": "web", "type": "sim", "count": 2})"},
                                                    R"( "layout": {"positions": {"web[1]": {"x": 10, "y": 20}, "db[0]": {"x": 1, "y": 1}}},)"));
        QCOMPARE(result.plan.positions.value(QStringLiteral("web[1]")), QPointF(10, 20));
        QCOMPARE(result.diagnostics.size(), 1); // db is no set of the plan's
        QVERIFY(result.diagnostics[0].message.startsWith(QLatin1String("the plan has no resource db[0]")));
    }

    // docs/plan-format.md's examples of count, for_each and targets read as it says.
    void documentedExamplesHold()
    {
        QFile doc(QStringLiteral(FANOUT_DOCS "/plan-format.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        const qsizetype from = text.indexOf(QStringLiteral("## count, for_each and targets"));
        const qsizetype to = text.indexOf(QStringLiteral("\n## "), from + 1);
        QVERIFY(from > 0 && to > from);
        static const QRegularExpression fence(QStringLiteral("```json\\n(.*?)```"), QRegularExpression::DotMatchesEverythingOption);
        QList<Plan> plans;
        for (const QRegularExpressionMatch &m : fence.globalMatch(text.mid(from, to - from))) {
            const PlanReadResult result = read(m.captured(1));
            QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
            plans.append(result.plan);
        }
        QCOMPARE(plans.size(), 3);
        QCOMPARE(byId(plans[0], "lb").dependsOn, (QStringList{"web[0]", "web[1]", "web[2]"}));
        QCOMPARE(byId(plans[1], "cdn").dependsOn, QStringList{"bucket[\"assets\"]"});
        QCOMPARE(byId(plans[2], "web[1]@us-east-1").dependsOn, (QStringList{"net@us-east-1", "zone"}));
        QCOMPARE(byId(plans[2], "dns").dependsOn.size(), 6);
        QCOMPARE(plans[2].rollout->waves.size(), 2);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        const QString web = QStringLiteral(R"({"id": "web", "type": "sim", "count": 5})");
        const QString regions = QStringLiteral(R"({"id": "bucket", "type": "sim", "for_each": ["eu-west-1", "us-east-1"]})");
        QTest::newRow("index out of range") << planWith({web, R"({"id": "x", "type": "sim", "depends_on": ["web[5]"]})"})
                                            << "resources[1].depends_on[0]" << 4 << "web has 5 instances, web[0] to web[4]";
        QTest::newRow("reference out of range") << planWith({web, R"({"id": "x", "type": "sim", "outputs": {"a": "${resources.web[7].outputs.ip}"}})"})
                                                << "resources[1].outputs.a" << 4 << "web has 5 instances, web[0] to web[4]";
        QTest::newRow("unknown key") << planWith({regions, "{\"id\": \"x\", \"type\": \"sim\", \"depends_on\": [\"bucket[\\\"eu-west1\\\"]\"]}"})
                                     << "resources[1].depends_on[0]" << 4 << "(did you mean \"eu-west-1\"?)";
        QTest::newRow("count and for_each") << planWith({R"({"id": "w", "type": "sim", "count": 2, "for_each": ["a"]})"})
                                            << "resources[0].for_each" << 3 << "either \"count\" or \"for_each\", not both";
        QTest::newRow("duplicate key") << planWith({R"({"id": "w", "type": "sim", "for_each": ["a", "b", "a"]})"})
                                       << "resources[0].for_each[2]" << 3 << "duplicate key \"a\"";
        QTest::newRow("duplicate key in an object") << planWith({R"({"id": "w", "type": "sim", "for_each": {"a": 1, "b": 2, "a": 3}})"})
                                                    << "resources[0].for_each.a" << 3 << "a second \"a\" in the same object";
        QTest::newRow("a set's id twice") << planWith({R"({"id": "w", "type": "sim", "count": 2})", R"({"id": "w", "type": "sim"})"})
                                          << "resources[1].id" << 4 << "duplicate id \"w\": resources[0] has it already";
        QTest::newRow("for_each not a list") << planWith({R"({"id": "w", "type": "sim", "for_each": 3})"})
                                             << "resources[0].for_each" << 3 << "must be a list of unique strings";
        QTest::newRow("negative count") << planWith({R"({"id": "w", "type": "sim", "count": -1})"})
                                        << "resources[0].count" << 3 << "must be a whole number of instances from 0";
        QTest::newRow("fractional count") << planWith({R"({"id": "w", "type": "sim", "count": 2.5})"})
                                          << "resources[0].count" << 3 << "must be a whole number of instances from 0";
        QTest::newRow("misspelt count") << planWith({R"({"id": "w", "type": "sim", "cuont": 2})"})
                                        << "resources[0].cuont" << 3 << "did you mean \"count\"?";
        QTest::newRow("count.index without count") << planWith({R"({"id": "w", "type": "sim", "outputs": {"a": "${count.index}"}})"})
                                                   << "resources[0].outputs.a" << 3 << "${count.index} is known only in a resource with \"count\"";
        QTest::newRow("each.key without for_each") << planWith({web, R"({"id": "w", "type": "sim", "name": "${each.key}"})"})
                                                   << "resources[1].name" << 4 << "${each.key} is known only in a resource with \"for_each\"";
        QTest::newRow("target.name without per_target") << planWith({R"({"id": "w", "type": "sim", "per_target": true}, {"id": "v", "type": "sim", "outputs": {"a": "${target.name}"}})"}, kTargets)
                                                         << "resources[1].outputs.a" << 3 << "${target.name} is known only in a resource with \"per_target\"";
        QTest::newRow("unknown target var") << planWith({R"({"id": "w", "type": "sim", "per_target": true, "outputs": {"a": "${target.vars.cdir}"}})"}, kTargets)
                                            << "resources[0].outputs.a" << 3 << "target \"eu-west-1\" has no var \"cdir\" (did you mean \"cidr\"?)";
        QTest::newRow("set without an index") << planWith({web, R"({"id": "x", "type": "sim", "outputs": {"a": "${resources.web.outputs.ip}"}})"})
                                              << "resources[1].outputs.a" << 4 << "name one (web[0]) or all (web[*])";
        QTest::newRow("duplicate target") << QStringLiteral("{\"name\": \"t\",\n\"targets\": [{\"name\": \"a\"},\n{\"name\": \"a\"}],\n\"resources\": []}")
                                          << "targets[1].name" << 3 << "duplicate target \"a\"";
        QTest::newRow("per_target without targets") << planWith({R"({"id": "w", "type": "sim", "per_target": true})"})
                                                    << "resources[0].per_target" << 3 << "the plan has no \"targets\"";
        QTest::newRow("unknown target in order") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"order": ["eu-west1"]},)"))
                                                 << "rollout.order[0]" << 1 << "unknown target \"eu-west1\" (did you mean \"eu-west-1\"?)";
        QTest::newRow("unknown target in a wave") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"waves": [["us-east1"]]},)"))
                                                  << "rollout.waves[0][0]" << 1 << "(did you mean \"us-east-1\"?)";
        QTest::newRow("target in two waves") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"waves": [["eu-west-1"], ["eu-west-1", "us-east-1"]]},)"))
                                             << "rollout.waves[1]" << 1 << "target \"eu-west-1\" is in wave 1 already";
        QTest::newRow("max_concurrent 0") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"max_concurrent": 0},)"))
                                          << "rollout.max_concurrent" << 1 << "1 or more";
        QTest::newRow("malformed percentage") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"max_concurrent": "25 %"},)"))
                                              << "rollout.max_concurrent" << 1 << "a percentage of them from \"1%\" to \"100%\"";
        QTest::newRow("tolerance over 100%") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"failure_tolerance": "150%"},)"))
                                             << "rollout.failure_tolerance" << 1 << "from \"0%\" to \"100%\"";
        QTest::newRow("misspelt rollout field") << planWith({}, kTargets + QStringLiteral(R"( "rollout": {"max_concurent": 2},)"))
                                                << "rollout.max_concurent" << 1 << "did you mean \"max_concurrent\"?";
        QTest::newRow("id with a bracket") << planWith({R"({"id": "web[x]", "type": "sim", "count": 2})"})
                                           << "resources[0].id" << 3 << "may not hold [, ], @ or *";
        QTest::newRow("unknown type, once") << planWith({R"({"id": "w", "type": "simm", "count": 3})"})
                                            << "resources[0].type" << 3 << "unknown type \"simm\"";
    }
    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QString, path);
        QFETCH(int, line);
        QFETCH(QString, message);
        const PlanReadResult result = read(text);
        int found = 0;
        for (const Diagnostic &d : result.diagnostics) {
            if (d.isError() && d.path == path && d.message.contains(message)) {
                ++found;
                QCOMPARE(d.line, line);
            }
        }
        QVERIFY2(found == 1, qPrintable(QStringLiteral("%1 times; got:\n%2").arg(found).arg(dump(result.diagnostics))));
    }
};

QTEST_GUILESS_MAIN(tst_PlanExpansion)
#include "tst_planexpansion.moc"
