#include "engine/executors/executorregistry.h"
#include "engine/import/planimporter.h"
#include "engine/plan/executormapping.h"
#include "engine/run/scheduler.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/provisioningplan.h"
#include "engine/support/duration.h"
#include "engine/support/structuredtext.h"
#include "engine/support/textdecoder.h"
#include "tests/expect.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// A small Compose file: three services, one only with a profile.
const char kCompose[] =
    "services:\n"
    "  db:\n"
    "    image: postgres:16\n"
    "  api:\n"
    "    image: example/api\n"
    "    depends_on:\n"
    "      db:\n"
    "        condition: service_healthy\n"
    "  web:\n"
    "    image: example/web\n"
    "    depends_on: [api]\n";

ImportResult importCompose(const json &mapping = nullptr)
{
    return PlanImporter::importText(QByteArray(kCompose), QStringLiteral("compose.yaml"), std::nullopt, mapping);
}

const Resource &byId(const Plan &plan, const QString &id)
{
    static const Resource none;
    const int i = plan.indexOf(id);
    return FANOUT_EXPECT(i >= 0) ? plan.resources[i] : none;
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString());
    return lines.join(QLatin1Char('\n'));
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class Tst_planimporter : public QObject
{
    Q_OBJECT

private slots:
    void detectsEveryCorpusFile_data();
    void detectsEveryCorpusFile();
    void emptyFilesAreSaidToBeEmpty();
    void everyCorpusFileBecomesAValidPlan_data();
    void everyCorpusFileBecomesAValidPlan();
    void savedPlanReopensIdentically_data();
    void savedPlanReopensIdentically();
    void terraformInstancesAreSets();
    void builtInMappingEstimatesByType();
    void ownRulesComeFirstAndFillPlaceholders();
    void addressPatternsNarrowARule();
    void resourceFieldsBeatTheMapping();
    void badRulesAreErrorsWithPaths();
    void mappingFileHasLinesAndColumns();
    void notRunResourcesCountAsDone();
    void unknownFilesSayWhatIsRead();
    void theWrongFormatGivesTheImportersError();
    void truncatedFilesSaySo_data();
    void truncatedFilesSaySo();
};

void Tst_planimporter::detectsEveryCorpusFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("format");
    const std::pair<const char *, ImportFormat> folders[] = {
        {"terraform-json", ImportFormat::TerraformPlan},
        {"terraform-dot", ImportFormat::TerraformDot},
        {"cloudformation", ImportFormat::CloudFormation},
        {"compose", ImportFormat::Compose},
    };
    for (const auto &[folder, format] : folders) {
        const QDir dir(QStringLiteral(FANOUT_CORPUS "/") + QLatin1String(folder));
        const QStringList files = dir.entryList(QDir::Files);
        QVERIFY2(!files.isEmpty(), folder);
        for (const QString &file : files)
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QLatin1String(folder), file))) << dir.filePath(file) << int(format);
    }
}

void Tst_planimporter::detectsEveryCorpusFile()
{
    QFETCH(QString, file);
    QFETCH(int, format);
    const std::string text = TextDecoder::toUtf8(readAll(file));
    // By content: a renamed file (no telling suffix) is still recognised.
    const auto detected = detectFormat(text, QStringLiteral("upload"));
    QVERIFY(detected.has_value());
    QCOMPARE(int(*detected), format);
}

// An empty file is not of an unknown kind: it is empty, whatever its name says.
void Tst_planimporter::emptyFilesAreSaidToBeEmpty()
{
    for (const char *name : {"plan.json", "template.yaml", "compose.yml"}) {
        for (const QByteArray &bytes : {QByteArray(), QByteArray(" \n\n")}) {
            const ImportResult result = PlanImporter::importText(bytes, QString::fromLatin1(name));
            QVERIFY(result.hasErrors());
            QVERIFY2(result.diagnostics.constFirst().message.contains(QLatin1String("the file is empty")),
                     qPrintable(result.diagnostics.constFirst().message));
        }
    }
}

void Tst_planimporter::everyCorpusFileBecomesAValidPlan_data()
{
    detectsEveryCorpusFile_data();
}

void Tst_planimporter::everyCorpusFileBecomesAValidPlan()
{
    QFETCH(QString, file);
    QFETCH(int, format);
    const ImportResult imported = PlanImporter::importFile(file);
    QVERIFY2(!imported.hasErrors(), qPrintable(dump(imported.diagnostics)));
    QCOMPARE(int(imported.format), format);
    QVERIFY(imported.resourceCount > 0);

    // What fanout run, validate and graph read: the same plan, valid, every resource mapped.
    const PlanReadResult read = PlanImporter::readFile(file, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    QCOMPARE(read.plan.resources.size(), imported.resourceCount);
    int dependencies = 0;
    for (const Resource &r : read.plan.resources) {
        QVERIFY2(!r.type.isEmpty() && !r.mappedBy.isEmpty(), qPrintable(r.id));
        QVERIFY(r.source.is_object());
        QCOMPARE(QString::fromStdString(r.source.value("address", std::string())), r.id);
        dependencies += int(r.dependsOn.size());
    }
    QCOMPARE(dependencies, imported.dependencyCount);
}

void Tst_planimporter::savedPlanReopensIdentically_data()
{
    detectsEveryCorpusFile_data();
}

void Tst_planimporter::savedPlanReopensIdentically()
{
    QFETCH(QString, file);
    QFETCH(int, format);
    Q_UNUSED(format);
    const ImportResult imported = PlanImporter::importFile(file);
    QVERIFY2(!imported.hasErrors(), qPrintable(dump(imported.diagnostics)));

    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("plan.json"));
    const QByteArray text = QByteArray::fromStdString(imported.document.dump(2)) + '\n';
    {
        QFile out(saved);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
    }
    const PlanReadResult fromMemory = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
    const PlanReadResult reopened = PlanImporter::readFile(saved, ExecutorRegistry::builtIn());
    QVERIFY2(!reopened.hasErrors(), qPrintable(dump(reopened.diagnostics)));
    QCOMPARE(reopened.plan.name, fromMemory.plan.name);
    QCOMPARE(reopened.plan.resources.size(), fromMemory.plan.resources.size());
    QCOMPARE(reopened.plan.groups.size(), fromMemory.plan.groups.size());
    for (int g = 0; g < reopened.plan.groups.size(); ++g)
        QCOMPARE(reopened.plan.groups[g].name, fromMemory.plan.groups[g].name);
    for (int i = 0; i < reopened.plan.resources.size(); ++i) {
        const Resource &a = reopened.plan.resources[i];
        const Resource &b = fromMemory.plan.resources[i];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.dependsOn, b.dependsOn);
        QCOMPARE(a.group, b.group);
        QCOMPARE(a.type, b.type);
        QCOMPARE(a.run, b.run);
        QCOMPARE(a.estimateMs, b.estimateMs);
        QVERIFY(a.params == b.params);
        QVERIFY(a.source == b.source);
        QCOMPARE(a.set, b.set); // count and for_each instances stay one set
        QVERIFY(a.key == b.key);
    }
    // And the file itself says the same again when read and written: nothing drifts.
    const StructuredText again = StructuredText::parseJson(text.toStdString());
    QVERIFY(again.ok());
    QCOMPARE(QByteArray::fromStdString(again.document().dump(2)) + '\n', text);
}

// A Terraform plan lists each instance of a resource with count or for_each; the plan keeps them
// as one set, with their keys, as a plan written with count does: stacked on the graph, and
// waited for together.
void Tst_planimporter::terraformInstancesAreSets()
{
    const auto setsOf = [](const Plan &plan) {
        QMap<QString, QStringList> sets; // set -> keys, as JSON
        for (const Resource &r : plan.resources) {
            if (r.isInstance())
                sets[r.set].append(QString::fromStdString(r.key.dump()));
        }
        return sets;
    };
    const PlanReadResult infracost = PlanImporter::readFile(QStringLiteral(FANOUT_CORPUS "/terraform-json/infracost_terraform_v0.14_plan_modules.json"),
                                                            ExecutorRegistry::builtIn());
    QVERIFY2(!infracost.hasErrors(), qPrintable(dump(infracost.diagnostics)));
    const QMap<QString, QStringList> sets = setsOf(infracost.plan);
    QCOMPARE(sets.value(QStringLiteral("aws_instance.instance_counted")), QStringList({"0", "1"}));
    QCOMPARE(sets.value(QStringLiteral("module.instances.aws_instance.module_instance_counted")), QStringList({"0", "1"}));
    QCOMPARE(sets.value(QStringLiteral("aws_instance.instance_named")), QStringList({R"("test.1")", R"("test.2")"}));
    QCOMPARE(sets.value(QStringLiteral("module.instances.aws_instance.module_instance_named")), QStringList({R"("test.1")", R"("test.2")"}));
    // A module's key stays in the set's name; the instance keeps Terraform's address as its id.
    QCOMPARE(sets.value(QStringLiteral("module.db.module.db_1.module.db_instance.aws_db_instance.this")), QStringList({"0"}));
    const int named = infracost.plan.indexOf(QStringLiteral("aws_instance.instance_named[\"test.1\"]"));
    QVERIFY(named >= 0);
    QCOMPARE(infracost.plan.instancesOf(QStringLiteral("aws_instance.instance_named")).size(), 2);
    QVERIFY(infracost.plan.sets.contains(QStringLiteral("aws_instance.instance_counted")));

    const PlanReadResult vpc = PlanImporter::readFile(QStringLiteral(FANOUT_CORPUS "/terraform-json/tfcompliance_issue158_all_modules_tf0.12.json"),
                                                      ExecutorRegistry::builtIn());
    QVERIFY2(!vpc.hasErrors(), qPrintable(dump(vpc.diagnostics)));
    QCOMPARE(setsOf(vpc.plan).value(QStringLiteral("module.vpc.aws_nat_gateway.this")), QStringList({"0", "1", "2"}));
    // What depended on one instance still depends on that one, not on the set.
    for (const Resource &r : vpc.plan.resources) {
        for (const QString &dependency : r.dependsOn)
            QVERIFY2(vpc.plan.indexOf(dependency) >= 0, qPrintable(r.id + QStringLiteral(" -> ") + dependency));
    }
}

void Tst_planimporter::builtInMappingEstimatesByType()
{
    const ExecutorMapping none;
    // A database takes far longer than an IAM role: the table says so, for Terraform and
    // CloudFormation alike, and families and the catch-all cover the rest.
    auto estimate = [&](const QString &type) {
        const ExecutorMapping::Rule &rule = none.ruleFor(type, QStringLiteral("x"));
        const Expected<qint64> parsed = parseDuration(rule.fields["estimate"]);
        return parsed ? *parsed : -1;
    };
    QCOMPARE(estimate(QStringLiteral("aws_db_instance")), 480'000);
    QCOMPARE(estimate(QStringLiteral("AWS::RDS::DBInstance")), 480'000);
    QCOMPARE(estimate(QStringLiteral("aws_iam_role")), 3'000);
    QCOMPARE(estimate(QStringLiteral("AWS::IAM::Role")), 3'000);
    // A type with a "*" of its own is matched by the catch-all "*" too (found by fuzzing: the
    // pattern's "*" was taken for the text's character, and nothing matched).
    QCOMPARE(none.ruleFor(QStringLiteral("*ws_instance"), QStringLiteral("x")).match, QStringLiteral("*"));
    QCOMPARE(estimate(QStringLiteral("aws_something_new")), 10'000);
    QCOMPARE(estimate(QStringLiteral("service")), 5'000);
    QCOMPARE(estimate(QStringLiteral("acme_widget")), 10'000);
    QVERIFY(estimate(QStringLiteral("aws_db_instance")) > 10 * estimate(QStringLiteral("aws_iam_role")));
    const ExecutorMapping::Rule &rule = none.ruleFor(QStringLiteral("aws_db_instance"), QStringLiteral("x"));
    QVERIFY(rule.builtIn);
    QCOMPARE(QString::fromStdString(rule.fields["type"].get<std::string>()), QStringLiteral("sim"));

    const ImportResult imported = importCompose();
    const PlanReadResult read = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    const Resource &api = byId(read.plan, QStringLiteral("api"));
    QCOMPARE(api.type, QStringLiteral("sim"));
    QCOMPARE(api.estimateMs, std::optional<qint64>(5'000));
    QCOMPARE(api.mappedBy, QStringLiteral("built-in mapping (service)"));
    QCOMPARE(api.dependsOn, QStringList{QStringLiteral("db")});
}

void Tst_planimporter::ownRulesComeFirstAndFillPlaceholders()
{
    const json mapping = json::parse(R"({"mapping": [
        {"match": "serv*", "type": "command", "command": ["docker", "compose", "up", "-d", "${address}"],
         "estimate": "20s", "env": {"WHAT": "${type} ${id}"}}]})");
    const ImportResult imported = importCompose(mapping);
    QVERIFY(!imported.hasErrors());
    QCOMPARE(imported.document["mapping"].size(), 1u); // the rules travel with the plan
    const PlanReadResult read = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    const Resource &web = byId(read.plan, QStringLiteral("web"));
    QCOMPARE(web.type, QStringLiteral("command"));
    QCOMPARE(web.mappedBy, QStringLiteral("mapping[0]"));
    QCOMPARE(web.estimateMs, std::optional<qint64>(20'000));
    QCOMPARE(QString::fromStdString(web.params["command"].dump()), QStringLiteral(R"(["docker","compose","up","-d","web"])"));
    QCOMPARE(QString::fromStdString(web.params["env"]["WHAT"].get<std::string>()), QStringLiteral("service web"));
}

void Tst_planimporter::addressPatternsNarrowARule()
{
    const json mapping = json::parse(R"([{"match": "*", "address": "d?", "type": "sim", "duration": "1s"}])");
    const ImportResult imported = importCompose(mapping);
    const PlanReadResult read = PlanReader::readJson(imported.document, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    QCOMPARE(byId(read.plan, QStringLiteral("db")).mappedBy, QStringLiteral("mapping[0]"));
    QCOMPARE(byId(read.plan, QStringLiteral("api")).mappedBy, QStringLiteral("built-in mapping (service)"));
}

void Tst_planimporter::resourceFieldsBeatTheMapping()
{
    // A resource that says how it runs is not mapped; one that sets a field keeps it.
    json document = importCompose().document;
    document["resources"][0]["type"] = "command";
    document["resources"][0]["command"] = json::array({"true"});
    document["resources"][1]["estimate"] = "1m";
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    QCOMPARE(read.plan.resources[0].type, QStringLiteral("command"));
    QVERIFY(read.plan.resources[0].mappedBy.isEmpty());
    QCOMPARE(read.plan.resources[1].type, QStringLiteral("sim"));
    QCOMPARE(read.plan.resources[1].estimateMs, std::optional<qint64>(60'000));
}

void Tst_planimporter::badRulesAreErrorsWithPaths()
{
    json document = importCompose().document;
    document["mapping"] = json::parse(R"([{"type": "sim"}, {"match": "x"}, 3, {"match": "service", "type": "shell"}])");
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    QVERIFY(read.hasErrors());
    const QString text = dump(read.diagnostics);
    QVERIFY2(text.contains(QLatin1String("mapping[0]: a rule needs \"match\"")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("mapping[1]: a rule needs \"type\"")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("mapping[2]: a rule is an object")), qPrintable(text));
    // The fourth rule maps every service to an executor that does not exist: each resource says so.
    QVERIFY2(text.contains(QLatin1String("unknown type \"shell\"")), qPrintable(text));

    document["mapping"] = "aws_*";
    QVERIFY(dump(PlanReader::readJson(document, ExecutorRegistry::builtIn()).diagnostics).contains(QLatin1String("mapping: must be a list of rules")));
}

void Tst_planimporter::mappingFileHasLinesAndColumns()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mapping.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"mapping\": [\n  {\"match\": \"aws_*\", \"type\": \"command\"},\n  {\"type\": \"sim\"}\n]}\n");
    file.close();
    json rules;
    Diagnostics problems = PlanImporter::readMapping(path, &rules);
    QCOMPARE(errorCount(problems), 1);
    QCOMPARE(problems[0].line, 3);
    QCOMPARE(problems[0].column, 3);
    QVERIFY(rules.is_null()); // nothing taken from a file with errors

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("[{\"match\": \"aws_*\", \"type\": \"command\", \"command\": [\"terraform\", \"apply\", \"-target=${address}\"]}]");
    file.close();
    problems = PlanImporter::readMapping(path, &rules);
    QVERIFY2(problems.isEmpty(), qPrintable(dump(problems)));
    QCOMPARE(rules.size(), 1u);

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\"mapping\": [\n  {\"match\": ");
    file.close();
    problems = PlanImporter::readMapping(path, &rules);
    QCOMPARE(errorCount(problems), 1);
    QCOMPARE(problems[0].line, 2);
}

void Tst_planimporter::notRunResourcesCountAsDone()
{
    // A data source (run: false) is passed by: its dependents run, nothing runs it.
    json document = json::parse(R"({"name": "t", "resources": [
        {"id": "data.aws_ami.ubuntu", "run": false, "note": "data source: Terraform reads it, nothing to provision",
         "source": {"address": "data.aws_ami.ubuntu", "type": "aws_ami", "mode": "data"}},
        {"id": "aws_instance.web", "depends_on": ["data.aws_ami.ubuntu"], "type": "sim", "duration": "10ms"}]})");
    const PlanReadResult read = PlanReader::readJson(document, ExecutorRegistry::builtIn());
    QVERIFY2(!read.hasErrors(), qPrintable(dump(read.diagnostics)));
    QVERIFY(!read.plan.resources[0].run);

    const ProvisioningPlan provisioning = ProvisioningPlan::build(read.plan, DeploymentState());
    QCOMPARE(provisioning.notRun, 1);
    QCOMPARE(provisioning.toCreate, 1);

    Scheduler scheduler(ExecutorRegistry::builtIn());
    QSignalSpy finished(&scheduler, &Scheduler::finished);
    QVERIFY(scheduler.start(read.plan));
    QVERIFY(!scheduler.isRunning() || finished.wait(10'000));
    QCOMPARE(scheduler.status(0).state, ResourceState::Succeeded);
    QVERIFY(scheduler.status(0).attempts.isEmpty());
    QCOMPARE(scheduler.status(0).reason, QStringLiteral("not run: data source: Terraform reads it, nothing to provision"));
    QCOMPARE(scheduler.status(1).state, ResourceState::Succeeded);
    QCOMPARE(scheduler.status(1).attempts.size(), 1);
}

void Tst_planimporter::unknownFilesSayWhatIsRead()
{
    const ImportResult result = PlanImporter::importText(QByteArray("hello: world\n"), QStringLiteral("notes.txt"));
    QVERIFY(result.hasErrors());
    QVERIFY2(result.diagnostics[0].message.contains(QLatin1String("--format terraform-plan|terraform-dot|cloudformation|compose")),
             qPrintable(result.diagnostics[0].message));
    const ImportResult plan = PlanImporter::importText(QByteArray(R"({"name": "x", "resources": []})"), QStringLiteral("plan.json"));
    QVERIFY(plan.hasErrors());
    QVERIFY(plan.diagnostics[0].message.contains(QLatin1String("Fanout plan already")));
}

void Tst_planimporter::theWrongFormatGivesTheImportersError()
{
    // Told it is a Terraform plan, a Compose file is refused by the Terraform importer, clearly.
    const ImportResult result = PlanImporter::importText(QByteArray(kCompose), QStringLiteral("compose.yaml"), ImportFormat::TerraformPlan);
    QVERIFY(result.hasErrors());
    QCOMPARE(int(result.format), int(ImportFormat::TerraformPlan));
    QVERIFY(!result.diagnostics[0].message.isEmpty());
}

void Tst_planimporter::truncatedFilesSaySo_data()
{
    detectsEveryCorpusFile_data();
}

void Tst_planimporter::truncatedFilesSaySo()
{
    // The first half of every corpus file: an error with its place, or, where the half is still a
    // valid smaller file (YAML cut inside a value can be), a warning with its place that it ends
    // in the middle of a line. Never silence.
    QFETCH(QString, file);
    QFETCH(int, format);
    const std::string text = TextDecoder::toUtf8(readAll(file));
    const std::string half = text.substr(0, text.size() / 2);
    const ImportResult result = PlanImporter::importText(QByteArray::fromStdString(half), file, ImportFormat(format));
    QVERIFY2(!result.diagnostics.isEmpty(), qPrintable(file));
    const Diagnostic &first = result.hasErrors()
        ? *std::find_if(result.diagnostics.cbegin(), result.diagnostics.cend(), [](const Diagnostic &d) { return d.isError(); })
        : result.diagnostics.constLast();
    QVERIFY2(first.line > 0, qPrintable(first.toString(file)));
    if (!result.hasErrors())
        QVERIFY2(first.message.contains(QLatin1String("ends in the middle of a line")), qPrintable(first.toString(file)));
}

QTEST_GUILESS_MAIN(Tst_planimporter)
#include "tst_planimporter.moc"
