#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QXmlStreamReader>

#include <nlohmann/json.hpp>

#include <csignal>
#include <set>

using json = nlohmann::ordered_json;

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

QString fixture(const char *name)
{
    return QStringLiteral(FANOUT_FIXTURES "/plans/") + QString::fromLatin1(name);
}

Result fanout(const QStringList &arguments, int timeoutMs = 60'000,
              const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(FANOUT_BINARY), arguments);
    Result result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

json readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return json();
    return json::parse(file.readAll().toStdString(), nullptr, false);
}

QString str(const json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString::fromStdString(value.dump());
}

qint64 num(const json &value)
{
    return value.is_number() ? value.get<qint64>() : -1;
}

const json *findResource(const json &report, const std::string &id)
{
    for (const json &r : report["resources"]) {
        if (r["id"] == id)
            return &r;
    }
    return nullptr;
}

// testsuite attributes and the testcases' child element names of a JUnit file.
struct JUnit
{
    QXmlStreamAttributes suite;
    QHash<QString, QStringList> children;
    bool wellFormed = false;
};
JUnit readJUnit(const QString &path)
{
    JUnit junit;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return junit;
    QXmlStreamReader xml(&file);
    QString testcase;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (xml.name() == QLatin1String("testsuite"))
                junit.suite = xml.attributes();
            else if (xml.name() == QLatin1String("testcase"))
                testcase = xml.attributes().value(QStringLiteral("name")).toString(), junit.children[testcase];
            else if (!testcase.isEmpty())
                junit.children[testcase].append(xml.name().toString());
        } else if (xml.isEndElement() && xml.name() == QLatin1String("testcase")) {
            testcase.clear();
        }
    }
    junit.wellFormed = !xml.hasError();
    return junit;
}

// A state file in `dir`, so that runs of the shared fixtures neither read nor leave one beside them.
QStringList stateIn(const QTemporaryDir &dir)
{
    return {QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))};
}

// A copy of a fixture in `dir`: its state file goes beside it, and the test may edit it.
QString copyFixture(const QTemporaryDir &dir, const char *name)
{
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile::copy(fixture(name), path);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

void replaceInFile(const QString &path, const QByteArray &before, const QByteArray &after)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    QVERIFY2(text.contains(before), before.constData());
    text.replace(before, after);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

// How many attempts each resource of a --report made, by id.
QMap<QString, int> attemptsById(const json &report)
{
    QMap<QString, int> attempts;
    for (const json &r : report["resources"])
        attempts.insert(str(r["id"]), int(r["attempts"].size()));
    return attempts;
}

QStringList stateIds(const json &state)
{
    QStringList ids;
    for (const auto &[id, entry] : state["resources"].items())
        ids.append(QString::fromStdString(id));
    return ids;
}

// Starts fixtures/plans/slow.json (60 s attempts, two at a time) and waits until both run.
void startSlowRun(QProcess &process, const QString &report, QByteArray &out)
{
    process.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("run"), fixture("slow.json"), QStringLiteral("--report"), report,
                                                  QStringLiteral("--state"), report + QStringLiteral(".state.json")});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).count("started") == 2, 10'000);
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void versionAndHelp();
    void withoutADisplay();
    void unknownCommand();
    void badArguments_data();
    void badArguments();
    void validateValidPlan();
    void validateEstimatesSayWhereTheyComeFrom();
    void validateReportsEveryProblemWithItsPlace();
    void validateForTools();
    void runThatSucceeds();
    void runWithFailures();
    void runJsonStreamsEveryEvent();
    void instancesAndARolloutInReports();
    void someTargetsAndALowerCount();
    void invalidPlanNeverStarts();
    void misspeltFieldStopsValidateAndRun();
    void outputIsPlainWhenNotATerminal();
    void interruptCancelsCleanly_data();
    void interruptCancelsCleanly();
    void secondInterruptStopsAtOnce();
    void graphFormats();
    void demoFailsNamingTheResource();
    void guiScreenshot();
    void guiScreenshotOfAPlanWithErrors();
    void guiExportWaitsForTheRun();
    void localStackProvisionsAndTearsDown();
    void destroyHelp();
    void runRecordsStateAndSkipsWhatIsUpToDate();
    void runRefusesAnotherPlansState();
    void oneFanoutAtATimePerState();
    void runSaysWhatWasInterruptedAndWarnsOfASharedState();
    void changedResourceRunsAgain();
    void replaceAndAll();
    void failedResourcesAreNotRecorded();
    void destroyEmptiesTheState();
    void unreadableStateStopsEverything_data();
    void unreadableStateStopsEverything();
    void variablesFromTheCommandLine();
    void importWritesAPlanThatRuns();
    void importProblemsSayWhere_data();
    void importProblemsSayWhere();
    void otherToolsFilesWorkDirectly();

private:
    QTemporaryDir m_importFiles;
};

void tst_Cli::versionAndHelp()
{
    const Result version = fanout({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out, QStringLiteral("fanout " FANOUT_VERSION "\n"));

    const Result help = fanout({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    for (const char *command : {"run PLAN", "validate PLAN", "graph PLAN", "\"demo\""})
        QVERIFY2(help.out.contains(QLatin1String(command)), qPrintable(help.out));

    const Result runHelp = fanout({QStringLiteral("run"), QStringLiteral("--help")});
    QCOMPARE(runHelp.exitCode, 0);
    for (const char *option : {"--parallelism", "--fail-fast", "--report", "--junit", "Exit status: 0", "130"})
        QVERIFY2(runHelp.out.contains(QLatin1String(option)), qPrintable(runHelp.out));
}

// On a machine without a display (a server, CI), help is printed, the window's absence is said
// with what to do instead, and pictures are rendered offscreen: never Qt's abort (exit 134).
void tst_Cli::withoutADisplay()
{
    QProcessEnvironment headless = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        headless.remove(QLatin1String(name));
    const Result help = fanout({QStringLiteral("--help")}, 60'000, headless);
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.contains(QLatin1String("Usage: fanout")), qPrintable(help.out + help.err));
    const Result guiHelp = fanout({QStringLiteral("gui"), QStringLiteral("--help")}, 60'000, headless);
    QCOMPARE(guiHelp.exitCode, 0);
    QVERIFY2(guiHelp.out.contains(QLatin1String("--screenshot")), qPrintable(guiHelp.out + guiHelp.err));
    const Result badOption = fanout({QStringLiteral("gui"), QStringLiteral("--screenshto")}, 60'000, headless);
    QCOMPARE(badOption.exitCode, 2);
    for (const QStringList &window : {QStringList(), QStringList{QStringLiteral("gui"), QStringLiteral("demo")}}) {
        const Result bare = fanout(window, 60'000, headless);
        QCOMPARE(bare.exitCode, 1);
        for (const char *said : {"no display", "fanout run PLAN", "QT_QPA_PLATFORM=offscreen", "--screenshot"})
            QVERIFY2(bare.err.contains(QLatin1String(said)), qPrintable(bare.err));
    }
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("window.png"));
    const Result shot = fanout({QStringLiteral("gui"), QStringLiteral("demo"), QStringLiteral("--screenshot"), png}, 60'000, headless);
    QVERIFY2(shot.exitCode == 0, qPrintable(shot.err));
    QVERIFY(!QImage(png).isNull());
}

void tst_Cli::unknownCommand()
{
    const Result result = fanout({QStringLiteral("rnu"), QStringLiteral("demo")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("unknown command \"rnu\" (did you mean \"run\"?)")), qPrintable(result.err));
}

void tst_Cli::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString ok = fixture("quick-ok.json");
    QTest::newRow("no plan") << QStringList{"run"} << "give one PLAN";
    QTest::newRow("two plans") << QStringList{"run", ok, ok} << "give one PLAN";
    QTest::newRow("parallelism zero") << QStringList{"run", ok, "-j", "0"} << "-j needs a whole number from 1 to 10000, not \"0\"";
    QTest::newRow("parallelism text") << QStringList{"run", ok, "-j", "many"} << "not \"many\"";
    QTest::newRow("unknown option") << QStringList{"run", ok, "--fastest"} << "Unknown option 'fastest'";
    QTest::newRow("report directory missing") << QStringList{"run", ok, "--report", "/nonexistent/dir/r.json"}
                                              << "cannot write --report: the directory /nonexistent/dir does not exist";
    QTest::newRow("junit is a directory") << QStringList{"run", ok, "--junit", "/tmp"} << "/tmp is a directory";
    QTest::newRow("bad seed") << QStringList{"run", ok, "--seed", "-4"} << "--seed needs a whole number";
    QTest::newRow("missing file") << QStringList{"run", "/nonexistent/plan.json"} << "/nonexistent/plan.json: error: cannot open the plan";
    QTest::newRow("graph format") << QStringList{"graph", ok, "--format", "png"} << "unknown format \"png\"; use dot or mermaid";
    QTest::newRow("validate without plan") << QStringList{"validate"} << "give one PLAN";
    QTest::newRow("destroy without plan") << QStringList{"destroy"} << "fanout destroy: give one PLAN";
    QTest::newRow("state is a directory") << QStringList{"run", ok, "--state", "/tmp"} << "cannot write --state: /tmp is a directory";
    QTest::newRow("var without value") << QStringList{"run", ok, "--var", "region"} << "--var needs NAME=VALUE, such as --var region=eu-west-1, not \"region\"";
    QTest::newRow("var of a plan without variables") << QStringList{"run", ok, "--var", "region=x"} << "the plan has no variable \"region\"; it declares none";
    QTest::newRow("replace unknown") << QStringList{"run", ok, "--replace", "dbb", "--state", "/tmp/unused.json"} << "--replace dbb: the plan has no resource \"dbb\" (did you mean \"db\"?)";
    QTest::newRow("destroy unknown option") << QStringList{"destroy", ok, "--seed", "1"} << "Unknown option 'seed'";
}

void tst_Cli::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Result result = fanout(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY2(!result.out.contains(QStringLiteral("started")), qPrintable(result.out)); // nothing ran
}

void tst_Cli::validateValidPlan()
{
    const Result result = fanout({QStringLiteral("validate"), fixture("quick-ok.json")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains(QStringLiteral("valid: 6 resources, 1 group, parallelism 3")), qPrintable(result.out));
    QCOMPARE(result.err, QString());
}

void tst_Cli::validateEstimatesSayWhereTheyComeFrom()
{
    QTemporaryDir dir;
    const QString history = dir.filePath(QStringLiteral("history.sqlite"));
    const QStringList validate = {QStringLiteral("validate"), fixture("quick-ok.json"), QStringLiteral("--estimates"),
                                  QStringLiteral("--history"), history};
    const auto lineOf = [](const QString &out, const QString &id) {
        for (const QString &line : out.split(QLatin1Char('\n'))) {
            if (line.trimmed().startsWith(id + QLatin1Char(' ')))
                return line.simplified();
        }
        return QString();
    };
    // Nothing recorded yet: the executors' figures (a sim resource's range), and no file created.
    Result result = fanout(validate);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err, QString());
    QCOMPARE(lineOf(result.out, QStringLiteral("db")), QStringLiteral("db 30ms (20ms-40ms) executor default"));
    QCOMPARE(lineOf(result.out, QStringLiteral("vpc")), QStringLiteral("vpc 30ms executor default"));
    QVERIFY(!QFile::exists(history));

    const QStringList run = {QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("-q"), QStringLiteral("--all"),
                             QStringLiteral("--history"), history, QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))};
    for (int i = 0; i < 2; ++i)
        QCOMPARE(fanout(run).exitCode, 0);
    result = fanout(validate);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(lineOf(result.out, QStringLiteral("vpc")).endsWith(QLatin1String("this definition, 2 runs")), qPrintable(result.out));
    QVERIFY2(lineOf(result.out, QStringLiteral("db")).endsWith(QLatin1String("this definition, 2 runs")), qPrintable(result.out));
    result = fanout(validate + QStringList{QStringLiteral("--no-history")});
    QVERIFY2(lineOf(result.out, QStringLiteral("vpc")).endsWith(QLatin1String("executor default")), qPrintable(result.out));

    // A history that cannot be read: one warning, and the run goes on.
    const QString corrupt = dir.filePath(QStringLiteral("corrupt.sqlite"));
    QFile file(corrupt);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    result = fanout({QStringLiteral("validate"), fixture("quick-ok.json"), QStringLiteral("--estimates"), QStringLiteral("--history"), corrupt});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err.count(QLatin1String("warning")), 1);
    QVERIFY2(result.err.contains(QLatin1String("cannot read the run history")), qPrintable(result.err));
    QVERIFY2(lineOf(result.out, QStringLiteral("vpc")).endsWith(QLatin1String("executor default")), qPrintable(result.out));
    result = fanout({QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("-q"), QStringLiteral("--history"), corrupt,
                     QStringLiteral("--state"), dir.filePath(QStringLiteral("other.json"))});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err.count(QLatin1String("warning")), 1);
}

void tst_Cli::validateReportsEveryProblemWithItsPlace()
{
    const QString file = fixture("invalid.json");
    const Result result = fanout({QStringLiteral("validate"), file});
    QCOMPARE(result.exitCode, 2);
    // In file order, each at the key or value it is about.
    const QStringList expected = {
        file + QStringLiteral(":3:3: error: parallelism: must be a whole number from 1 to 10000, not 0"),
        file + QStringLiteral(":6:48: error: resources[1].depends_on[0]: unknown dependency \"vcp\"; did you mean \"vpc\"?"),
        file + QStringLiteral(":6:56: error: resources[1].timeout: bad duration \"5 minutes\": unknown unit \"minutes\"; write it as \"250ms\", \"30s\", \"5m\", \"1h\", \"1m30s\" or a number of seconds"),
        file + QStringLiteral(":7:19: error: resources[2].type: unknown type \"bogus\"; the types are: sim, command, http"),
        file + QStringLiteral(":7:58: error: resources[2].dependson: unknown field \"dependson\"; did you mean \"depends_on\"?"),
        file + QStringLiteral(": 5 errors; the plan cannot run until they are fixed"),
    };
    // The types after these three are what other executors the binary is built with add.
    QString err = result.err;
    err.replace(QRegularExpression(QStringLiteral("(the types are: sim, command, http)(, [a-z]+)*")), QStringLiteral("\\1"));
    QCOMPARE(err, expected.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

// `validate --json` and `--format sarif`: the same diagnostics as data on stdout (nothing on
// stderr), each with its path, line, column and suggestion; the exit status as for text.
void tst_Cli::validateForTools()
{
    const QString invalid = fixture("invalid.json");
    const Result asJson = fanout({QStringLiteral("validate"), invalid, QStringLiteral("--json")});
    QCOMPARE(asJson.exitCode, 2);
    QCOMPARE(asJson.err, QString());
    const json report = json::parse(asJson.out.toStdString(), nullptr, false);
    QVERIFY2(report.is_object(), qPrintable(asJson.out));
    QVERIFY(report["valid"] == false);
    QCOMPARE(num(report["error_count"]), 5);
    QCOMPARE(int(report["diagnostics"].size()), 5);
    const json *dependency = nullptr;
    for (const json &d : report["diagnostics"]) {
        QCOMPARE(str(d["severity"]), QStringLiteral("error"));
        QCOMPARE(str(d["file"]), invalid);
        QVERIFY(num(d["line"]) > 0 && num(d["column"]) > 0);
        if (d["path"] == "resources[1].depends_on[0]")
            dependency = &d;
    }
    QVERIFY(dependency);
    QCOMPARE(num((*dependency)["line"]), 6);
    QCOMPARE(num((*dependency)["column"]), 48);
    QCOMPARE(str((*dependency)["suggestion"]), QStringLiteral("vpc"));

    const Result valid = fanout({QStringLiteral("validate"), fixture("quick-ok.json"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(valid.exitCode, 0);
    const json ok = json::parse(valid.out.toStdString(), nullptr, false);
    QVERIFY(ok["valid"] == true);
    QVERIFY(num(ok["plan"]["resources"]) > 0);
    QVERIFY(ok["diagnostics"].empty());

    const Result sarif = fanout({QStringLiteral("validate"), invalid, QStringLiteral("--format"), QStringLiteral("sarif")});
    QCOMPARE(sarif.exitCode, 2);
    QCOMPARE(sarif.err, QString());
    const json log = json::parse(sarif.out.toStdString(), nullptr, false);
    QCOMPARE(str(log["version"]), QStringLiteral("2.1.0"));
    const json &run = log["runs"][0];
    QCOMPARE(str(run["tool"]["driver"]["name"]), QStringLiteral("fanout"));
    QCOMPARE(int(run["results"].size()), 5);
    std::set<std::string> rules;
    for (const json &rule : run["tool"]["driver"]["rules"])
        rules.insert(rule["id"].get<std::string>());
    for (std::size_t i = 0; i < run["results"].size(); ++i) {
        const json &result = run["results"][i];
        const json &diagnostic = report["diagnostics"][i];
        QVERIFY(rules.count(result["ruleId"].get<std::string>()) == 1);
        QCOMPARE(str(result["level"]), QStringLiteral("error"));
        QVERIFY(str(result["message"]["text"]).endsWith(str(diagnostic["message"])));
        const json &physical = result["locations"][0]["physicalLocation"];
        QCOMPARE(str(physical["artifactLocation"]["uri"]), invalid.startsWith(QLatin1Char('/')) ? QUrl::fromLocalFile(invalid).toString() : invalid);
        QCOMPARE(num(physical["region"]["startLine"]), num(diagnostic["line"]));
        QCOMPARE(num(physical["region"]["startColumn"]), num(diagnostic["column"]));
        QCOMPARE(str(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]), str(diagnostic["path"]));
    }

    const Result unknown = fanout({QStringLiteral("validate"), invalid, QStringLiteral("--format"), QStringLiteral("xml")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains(QLatin1String("text, json or sarif")));
}

void tst_Cli::runThatSucceeds()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    const Result result = fanout(QStringList{QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("--report"), report,
                                             QStringLiteral("--junit"), junit, QStringLiteral("-j"), QStringLiteral("2")} + stateIn(dir));
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains(QStringLiteral("6 succeeded")), qPrintable(result.out));

    const json r = readJson(report);
    QVERIFY(r.is_object());
    QCOMPARE(str(r["outcome"]), QStringLiteral("succeeded"));
    QCOMPARE(str(r["plan"]["name"]), QStringLiteral("quick-ok"));
    QCOMPARE(num(r["settings"]["parallelism"]), 2);
    QCOMPARE(num(r["counts"]["succeeded"]), 6);
    QCOMPARE(int(r["resources"].size()), 6);
    const json *db = findResource(r, "db");
    QVERIFY(db);
    QCOMPARE(str((*db)["state"]), QStringLiteral("succeeded"));
    QCOMPARE(int((*db)["attempts"].size()), 1);
    const json &attempt = (*db)["attempts"][0];
    QCOMPARE(str(attempt["outcome"]), QStringLiteral("succeeded"));
    QVERIFY(attempt["error"].is_null());
    QVERIFY(attempt["start_ms"].get<qint64>() <= attempt["end_ms"].get<qint64>());
    // db started only after both subnets had finished.
    for (const char *subnet : {"subnet-a", "subnet-b"})
        QVERIFY((*findResource(r, subnet))["attempts"][0]["end_ms"].get<qint64>() <= attempt["start_ms"].get<qint64>());

    const JUnit j = readJUnit(junit);
    QVERIFY(j.wellFormed);
    QCOMPARE(j.suite.value(QStringLiteral("tests")), QStringLiteral("6"));
    QCOMPARE(j.suite.value(QStringLiteral("failures")), QStringLiteral("0"));
    QCOMPARE(j.children.size(), 6);
    QCOMPARE(j.children.value(QStringLiteral("db")), QStringList{QStringLiteral("system-out")});
}

// The shipped regions plan (durations cut to 30 ms) with a count and a for_each set added: the exit
// status, the rollout's stop, and the instance addresses in the report, the JUnit XML and the state.
void tst_Cli::instancesAndARolloutInReports()
{
    QTemporaryDir dir;
    json document = readJson(QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json"));
    QVERIFY(document.is_object());
    for (auto &resource : document["resources"])
        resource["duration"] = "30ms";
    document["resources"].push_back({{"id", "bucket"}, {"type", "sim"}, {"duration", "30ms"}, {"for_each", {"logs", "assets"}}});
    document["resources"].push_back({{"id", "worker"}, {"type", "sim"}, {"duration", "30ms"}, {"count", 2}, {"depends_on", {"bucket[\"logs\"]"}}});
    const QString plan = dir.filePath(QStringLiteral("regions.json"));
    QFile file(plan);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(document.dump(2)));
    file.close();
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    const QString state = dir.filePath(QStringLiteral("state.json"));
    const Result result = fanout({QStringLiteral("run"), plan, QStringLiteral("--report"), report, QStringLiteral("--junit"), junit,
                                  QStringLiteral("--state"), state, QStringLiteral("--no-history"), QStringLiteral("-q")});
    QCOMPARE(result.exitCode, 1); // two regions failed
    QVERIFY2(result.out.contains(QStringLiteral("Targets: 5 succeeded, 2 failed, 5 not started")), qPrintable(result.out));
    QVERIFY2(result.out.contains(QStringLiteral("Never started (5): sa-east-1, ca-central-1, eu-north-1, af-south-1, me-south-1")),
             qPrintable(result.out));
    // One line per target never started, not one per instance of it.
    QCOMPARE(result.out.count(QStringLiteral("skipped: not started: ")), 5);
    QVERIFY2(result.out.contains(QRegularExpression(QStringLiteral(R"(\] sa-east-1 \(6 resources\) +skipped: not started: 2 targets failed)"))),
             qPrintable(result.out));

    const json r = readJson(report);
    QCOMPARE(str(r["rollout"]["not_started"][0]), QStringLiteral("sa-east-1"));
    QVERIFY(r["rollout"]["stopped"].get<bool>());
    QCOMPARE(str((*findResource(r, "app@eu-central-1"))["state"]), QStringLiteral("failed"));
    QCOMPARE(str((*findResource(r, "subnet[1]@us-east-1"))["state"]), QStringLiteral("succeeded"));
    QVERIFY(findResource(r, "bucket[\"logs\"]"));
    QCOMPARE(str((*findResource(r, "worker[1]"))["state"]), QStringLiteral("succeeded"));

    const JUnit j = readJUnit(junit);
    QVERIFY(j.wellFormed);
    QVERIFY(j.children.contains(QStringLiteral("bucket[\"logs\"]")));
    QVERIFY(j.children.value(QStringLiteral("app@ap-south-1")).contains(QStringLiteral("failure")));

    const json s = readJson(state);
    const std::string text = s.dump();
    QVERIFY(text.find("\"bucket[\\\"assets\\\"]\"") != std::string::npos);
    QVERIFY(text.find("\"vpc@us-east-1\"") != std::string::npos);
    QVERIFY(text.find("vpc@me-south-1") == std::string::npos); // never started: not in the state
}

void tst_Cli::someTargetsAndALowerCount()
{
    QTemporaryDir dir;
    json document = readJson(QStringLiteral(FANOUT_SOURCE_DIR "/resources/plans/regions.json"));
    QVERIFY(document.is_object());
    for (auto &resource : document["resources"])
        resource["duration"] = "10ms";
    document["resources"].push_back({{"id", "worker"}, {"type", "sim"}, {"duration", "10ms"}, {"count", 3}, {"destroy", {{"duration", "10ms"}}}});
    const QString plan = dir.filePath(QStringLiteral("regions.json"));
    const auto write = [&plan](const json &content) {
        QFile file(plan);
        return file.open(QIODevice::WriteOnly) && file.write(QByteArray::fromStdString(content.dump(2))) > 0;
    };
    QVERIFY(write(document));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString state = dir.filePath(QStringLiteral("state.json"));
    const QStringList common{QStringLiteral("--report"), report, QStringLiteral("--state"), state, QStringLiteral("--no-history"), QStringLiteral("-q")};

    const Result misspelt = fanout(QStringList{QStringLiteral("run"), plan, QStringLiteral("--target"), QStringLiteral("eu-wset-1")} + common);
    QCOMPARE(misspelt.exitCode, 2);
    QVERIFY2(misspelt.err.contains(QStringLiteral("fanout run: --target: the plan has no target \"eu-wset-1\" (did you mean \"eu-west-1\"?)")),
             qPrintable(misspelt.err));

    // Two of twelve regions (both of which succeed): the rest is left as it is.
    const Result two = fanout(QStringList{QStringLiteral("run"), plan, QStringLiteral("--target"), QStringLiteral("eu-west-1"),
                                          QStringLiteral("--target"), QStringLiteral("us-east-1")} + common);
    QCOMPARE(two.exitCode, 0);
    QVERIFY2(two.out.contains(QStringLiteral("Only us-east-1, eu-west-1 (--target): the 60 resources of the other 10 targets are left as they are")),
             qPrintable(two.out));
    QVERIFY2(two.out.contains(QStringLiteral("Left out too, as they wait for another target's resources: global-endpoint")), qPrintable(two.out));
    QVERIFY2(two.out.contains(QStringLiteral("Targets: 2 succeeded")), qPrintable(two.out));
    json r = readJson(report);
    QVERIFY(findResource(r, "app@eu-west-1"));
    QVERIFY(!findResource(r, "app@sa-east-1"));
    QVERIFY(!findResource(r, "global-endpoint"));

    // count 3 -> 1: worker[1] and worker[2] are said to be destroyed before the run, and are; the
    // other targets, left out again, are neither.
    document["resources"].back()["count"] = 1;
    QVERIFY(write(document));
    const Result lower = fanout(QStringList{QStringLiteral("run"), plan, QStringLiteral("--target"), QStringLiteral("us-east-1")} + common);
    QCOMPARE(lower.exitCode, 0);
    const qsizetype said = lower.out.indexOf(QStringLiteral("To destroy, no longer instances of their sets (count lowered, a for_each key or a target removed): worker[1], worker[2]"));
    QVERIFY2(said >= 0, qPrintable(lower.out));
    QVERIFY2(lower.out.contains(QStringLiteral(", 2 to destroy, ")), qPrintable(lower.out));
    r = readJson(report);
    QCOMPARE(str((*findResource(r, "worker[2]"))["state"]), QStringLiteral("succeeded"));
    const std::string text = readJson(state).dump();
    QVERIFY(text.find("worker[0]") != std::string::npos);
    QVERIFY(text.find("worker[1]") == std::string::npos);
    QVERIFY(text.find("vpc@eu-west-1") != std::string::npos); // left out: left alone
}

void tst_Cli::runWithFailures()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    const Result result = fanout(QStringList{QStringLiteral("run"), fixture("quick-fail.json"), QStringLiteral("--report"), report,
                                             QStringLiteral("--junit"), junit} + stateIn(dir));
    QCOMPARE(result.exitCode, 1);
    for (const char *pattern : {R"(\] cdn +FAILED on attempt 1: ThrottlingException: Rate exceeded\n)",
                                R"(\] dns +skipped: upstream "cdn" failed\n)",
                                R"(\] db +succeeded on attempt 2 in )",
                                R"(\nFailed:\n  cdn +attempt 1: ThrottlingException: Rate exceeded\nSkipped:\n  dns +upstream "cdn" failed\n)"}) {
        QVERIFY2(result.out.contains(QRegularExpression(QString::fromLatin1(pattern))), qPrintable(QStringLiteral("no %1 in:\n%2").arg(QLatin1String(pattern), result.out)));
    }

    const json r = readJson(report);
    QCOMPARE(str(r["outcome"]), QStringLiteral("failed"));
    QCOMPARE(num(r["counts"]["failed"]), 1);
    QCOMPARE(num(r["counts"]["skipped"]), 2);
    QCOMPARE(num(r["counts"]["succeeded"]), 3);
    const json &cdn = *findResource(r, "cdn");
    QCOMPARE(str(cdn["state"]), QStringLiteral("failed"));
    QCOMPARE(str(cdn["attempts"][0]["error"]), QStringLiteral("ThrottlingException: Rate exceeded"));
    const json &alarm = *findResource(r, "alarm");
    QCOMPARE(str(alarm["state"]), QStringLiteral("skipped"));
    QCOMPARE(str(alarm["blocked_by"]), QStringLiteral("cdn"));
    QCOMPARE(str(alarm["reason"]), QStringLiteral("upstream \"cdn\" failed"));
    QVERIFY(alarm["attempts"].empty());
    const json &db = *findResource(r, "db");
    QCOMPARE(int(db["attempts"].size()), 2);
    QCOMPARE(str(db["attempts"][0]["outcome"]), QStringLiteral("failed"));
    QCOMPARE(str(db["attempts"][1]["outcome"]), QStringLiteral("succeeded"));
    QVERIFY(db["attempts"][1]["start_ms"].get<qint64>() - db["attempts"][0]["end_ms"].get<qint64>() >= 10); // backoff

    const JUnit j = readJUnit(junit);
    QVERIFY(j.wellFormed);
    QCOMPARE(j.suite.value(QStringLiteral("failures")), QStringLiteral("1"));
    QCOMPARE(j.suite.value(QStringLiteral("skipped")), QStringLiteral("2"));
    QVERIFY(j.children.value(QStringLiteral("cdn")).contains(QStringLiteral("failure")));
    QVERIFY(j.children.value(QStringLiteral("alarm")).contains(QStringLiteral("skipped")));
}

// `run --json`: stdout is one JSON object per line, every event of the run told (a retry, a
// failure, skips, log lines with the secret masked), the last the run's end with its counts and
// exit status; `destroy --json` with nothing to destroy is that last line alone.
void tst_Cli::runJsonStreamsEveryEvent()
{
    QTemporaryDir dir;
    json plan = readJson(fixture("quick-fail.json"));
    plan["variables"] = {{"token", {{"value", "s3cr3t-value"}, {"secret", true}}}};
    plan["resources"][0]["log_lines"] = json::array({"using token ${var.token}"});
    plan["resources"][2]["failure_message"] = "denied for ${var.token}";
    const QString planFile = dir.filePath(QStringLiteral("plan.json"));
    QFile file(planFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(plan.dump()));
    file.close();
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result result = fanout({QStringLiteral("run"), planFile, QStringLiteral("--json"), QStringLiteral("--report"), report,
                                  QStringLiteral("--no-history")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(!result.out.contains(QLatin1String("s3cr3t-value")), qPrintable(result.out));

    std::vector<json> events;
    for (const QString &line : result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const json event = json::parse(line.toStdString(), nullptr, false);
        QVERIFY2(event.is_object() && event.contains("type") && event.contains("time_ms"), qPrintable(line));
        QVERIFY2(QDateTime::fromString(str(event["timestamp"]), Qt::ISODateWithMs).isValid(), qPrintable(line));
        events.push_back(event);
    }
    QVERIFY(events.size() > 20);
    const auto find = [&](const std::string &type, const std::string &resource, const std::string &key = {}, const json &value = {}) {
        return std::find_if(events.cbegin(), events.cend(), [&](const json &e) {
            return e["type"] == type && (resource.empty() || e.value("resource", json()) == resource) && (key.empty() || e.value(key, json()) == value);
        });
    };
    QCOMPARE(str(events.front()["type"]), QStringLiteral("run_started"));
    QCOMPARE(num(events.front()["resources"]), 6);
    QVERIFY(find("resource_ready", "vpc") != events.cend());
    QVERIFY(find("attempt_started", "vpc", "attempt", 1) != events.cend());
    const auto logged = find("log", "vpc");
    QVERIFY(logged != events.cend());
    QCOMPARE(str((*logged)["text"]), QStringLiteral("using token ****"));
    // db's first attempt fails and is retried; cdn fails, and what waits for it is skipped.
    const auto dbFailed = find("attempt_ended", "db", "attempt", 1);
    QVERIFY(dbFailed != events.cend());
    QCOMPARE(str((*dbFailed)["outcome"]), QStringLiteral("failed"));
    const auto retry = find("retry_scheduled", "db");
    QVERIFY(retry != events.cend() && retry > dbFailed);
    QCOMPARE(num((*retry)["attempt"]), 2);
    QCOMPARE(str((*find("attempt_ended", "db", "attempt", 2))["outcome"]), QStringLiteral("succeeded"));
    const auto cdnFailed = find("attempt_ended", "cdn");
    QVERIFY(cdnFailed != events.cend());
    QCOMPARE(str((*cdnFailed)["error"]), QStringLiteral("denied for ****"));
    QCOMPARE(str((*find("resource_ended", "cdn"))["state"]), QStringLiteral("failed"));
    QCOMPARE(str((*find("resource_ended", "alarm"))["blocked_by"]), QStringLiteral("cdn"));
    QCOMPARE(str((*find("resource_ended", "app"))["state"]), QStringLiteral("succeeded"));
    // The end: the report's counts, and the exit status the command returned.
    const json &end = events.back();
    QCOMPARE(str(end["type"]), QStringLiteral("run_ended"));
    QCOMPARE(num(end["exit_status"]), 1);
    QCOMPARE(str(end["outcome"]), QStringLiteral("failed"));
    QCOMPARE(QString::fromStdString(end["counts"].dump()), QString::fromStdString(readJson(report)["counts"].dump()));
    for (std::size_t i = 1; i < events.size(); ++i)
        QVERIFY(num(events[i]["time_ms"]) >= num(events[i - 1]["time_ms"]));

    // Nothing recorded to destroy (the first run kept no state: --state in another folder).
    const Result destroy = fanout({QStringLiteral("destroy"), planFile, QStringLiteral("--json"), QStringLiteral("--no-history"),
                                   QStringLiteral("--state"), dir.filePath(QStringLiteral("none.fanout-state.json"))});
    QCOMPARE(destroy.exitCode, 0);
    const QStringList lines = destroy.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1);
    const json only = json::parse(lines.constFirst().toStdString(), nullptr, false);
    QCOMPARE(str(only["type"]), QStringLiteral("run_ended"));
    QCOMPARE(num(only["exit_status"]), 0);
    QVERIFY(destroy.err.contains(QLatin1String("Nothing to destroy")));
}

void tst_Cli::invalidPlanNeverStarts()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result result = fanout({QStringLiteral("run"), fixture("invalid.json"), QStringLiteral("--report"), report});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains(QStringLiteral("5 errors")));
    QVERIFY(!result.out.contains(QStringLiteral("started")));
    QVERIFY(!QFile::exists(report));
}

// "timout": "30s" used to be a warning, and the run went ahead with no timeout at all.
void tst_Cli::misspeltFieldStopsValidateAndRun()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "quick-ok.json");
    replaceInFile(plan, R"("id": "bucket", "type": "sim", "duration": "10ms")",
                  R"("id": "bucket", "type": "sim", "duration": "10ms", "x-owner": "storage", "timout": "30s")");
    const Result validate = fanout({QStringLiteral("validate"), plan});
    QCOMPARE(validate.exitCode, 2);
    QCOMPARE(validate.err, plan + QStringLiteral(":9:79: error: resources[3].timout: unknown field \"timout\"; did you mean \"timeout\"?\n")
                               + plan + QStringLiteral(": 1 error; the plan cannot run until it is fixed\n"));

    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result run = fanout(QStringList{QStringLiteral("run"), plan, QStringLiteral("--report"), report} + stateIn(dir));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QStringLiteral("unknown field \"timout\"; did you mean \"timeout\"?")), qPrintable(run.err));
    QVERIFY(!run.out.contains(QStringLiteral("started")));
    QVERIFY(!QFile::exists(report));

    // The note alone is fine.
    replaceInFile(plan, R"(, "timout": "30s")", "");
    const Result fixed = fanout({QStringLiteral("validate"), plan});
    QCOMPARE(fixed.exitCode, 0);
    QCOMPARE(fixed.err, QString());
}

void tst_Cli::outputIsPlainWhenNotATerminal()
{
    QTemporaryDir dir;
    const Result result = fanout(QStringList{QStringLiteral("run"), fixture("quick-ok.json")} + stateIn(dir));
    QCOMPARE(result.exitCode, 0);
    QVERIFY(!result.out.contains(QLatin1Char('\r')));
    QVERIFY(!result.out.contains(QLatin1Char('\x1b')));
    // A line per event: every resource starts and succeeds, and its log lines are shown.
    QCOMPARE(result.out.count(QStringLiteral(" started\n")), 6);
    QCOMPARE(result.out.count(QStringLiteral(" succeeded in ")), 6);
    QVERIFY(result.out.contains(QRegularExpression(QStringLiteral("\\] db +\\| available\n"))));
    const Result quiet = fanout(QStringList{QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("--quiet"), QStringLiteral("--all")} + stateIn(dir));
    QVERIFY(!quiet.out.contains(QStringLiteral("| available")));

    // Long ids that differ at their end are cut in the middle, so that their lines still differ.
    const QString plan = dir.filePath(QStringLiteral("long-ids.json"));
    QFile file(plan);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "long-ids", "resources": [
        {"id": "module.networking.aws_subnet.private_subnet_in_zone_a", "type": "sim", "duration": "1ms"},
        {"id": "module.networking.aws_subnet.private_subnet_in_zone_b", "type": "sim", "duration": "1ms"}]})");
    file.close();
    const Result cut = fanout({QStringLiteral("run"), plan, QStringLiteral("--no-history")});
    QCOMPARE(cut.exitCode, 0);
    for (const char *end : {"in_zone_a started", "in_zone_b started"})
        QVERIFY2(cut.out.contains(QLatin1String(end)), qPrintable(cut.out));
    QVERIFY2(cut.out.contains(QStringLiteral("module.net\u2026")), qPrintable(cut.out));
}

void tst_Cli::interruptCancelsCleanly_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void tst_Cli::interruptCancelsCleanly()
{
    QFETCH(int, signalNumber);
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QProcess process;
    QByteArray out;
    startSlowRun(process, report, out);
    if (QTest::currentTestFailed())
        return;
    ::kill(pid_t(process.processId()), signalNumber);
    QVERIFY(process.waitForFinished(10'000)); // the 60 s attempts were stopped
    QCOMPARE(process.exitCode(), 130);
    out += process.readAllStandardOutput();
    QVERIFY2(out.contains("Cancelling the run"), out.constData());

    const json r = readJson(report);
    QCOMPARE(str(r["outcome"]), QStringLiteral("cancelled"));
    QCOMPARE(num(r["counts"]["cancelled"]), 4);
    QCOMPARE(str((*findResource(r, "slow-a"))["attempts"][0]["outcome"]), QStringLiteral("cancelled"));
    QVERIFY((*findResource(r, "after"))["attempts"].empty());
}

void tst_Cli::secondInterruptStopsAtOnce()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QProcess process;
    QByteArray out;
    startSlowRun(process, report, out);
    if (QTest::currentTestFailed())
        return;
    ::kill(pid_t(process.processId()), SIGINT);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(readJson(report).is_object()); // written either way
}

void tst_Cli::graphFormats()
{
    const Result dot = fanout({QStringLiteral("graph"), fixture("quick-ok.json")});
    QCOMPARE(dot.exitCode, 0);
    QVERIFY(dot.out.startsWith(QStringLiteral("digraph \"quick-ok\" {")));
    QVERIFY(dot.out.contains(QStringLiteral("\"subnet-a\" -> \"db\";")));
    const Result mermaid = fanout({QStringLiteral("graph"), QStringLiteral("demo"), QStringLiteral("--format"), QStringLiteral("mermaid")});
    QCOMPARE(mermaid.exitCode, 0);
    QVERIFY(mermaid.out.startsWith(QStringLiteral("flowchart LR\n")));
    QVERIFY(mermaid.out.count(QStringLiteral("-->")) > 30);
}

void tst_Cli::demoFailsNamingTheResource()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result validate = fanout({QStringLiteral("validate"), QStringLiteral("demo")});
    QCOMPARE(validate.exitCode, 0);
    QCOMPARE(validate.err, QString()); // not even a warning

    const Result result = fanout({QStringLiteral("run"), QStringLiteral("demo"), QStringLiteral("--quiet"), QStringLiteral("--report"), report});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.contains(QStringLiteral("Failed:\n  cdn ")), qPrintable(result.out));
    const json r = readJson(report);
    int retriedBySelf = 0;
    for (const json &resource : r["resources"]) {
        if (resource["state"] == "succeeded" && resource["attempts"].size() > 1)
            ++retriedBySelf;
    }
    QCOMPARE(retriedBySelf, 1);
    QCOMPARE(num(r["counts"]["failed"]), 1);
    QVERIFY(r["counts"]["skipped"].get<int>() >= 1);
    QCOMPARE(r["counts"]["succeeded"].get<int>() + 1 + r["counts"]["skipped"].get<int>(), r["plan"]["resources"].get<int>());
}

// `fanout gui PLAN --screenshot FILE.png [--run --at SECONDS]` renders the dashboard offscreen.
void tst_Cli::guiScreenshot()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("window.png"));
    // A copy: the dashboard records what it provisions in a state file beside the plan.
    const QString plan = dir.filePath(QStringLiteral("quick-fail.json"));
    QVERIFY(QFile::copy(fixture("quick-fail.json"), plan));
    const Result shot = fanout({QStringLiteral("gui"), plan, QStringLiteral("--screenshot"), png,
                                QStringLiteral("--run"), QStringLiteral("--at"), QStringLiteral("1")});
    QVERIFY2(shot.exitCode == 0, qPrintable(shot.err));
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY2(image.width() >= 1280 && image.height() >= 800, qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    // Not a blank picture: many colours (graph nodes, bars, text).
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));

    const Result badAt = fanout({QStringLiteral("gui"), QStringLiteral("--screenshot"), png, QStringLiteral("--at"), QStringLiteral("soon")});
    QCOMPARE(badAt.exitCode, 2);
}

// A plan with errors is pictured as it opens, with its Problems tab, and exits 2 for scripts to
// notice; a file that is not a plan at all writes no picture.
void tst_Cli::guiScreenshotOfAPlanWithErrors()
{
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("invalid.png"));
    const Result invalid = fanout({QStringLiteral("gui"), fixture("invalid.json"), QStringLiteral("--screenshot"), png, QStringLiteral("--run")});
    QCOMPARE(invalid.exitCode, 2);
    // Every error with its line, as `fanout validate` says them, and what became of the picture and the run.
    for (const char *said : {"invalid.json:6:48: error: resources[1].depends_on[0]: unknown dependency \"vcp\"", "invalid.json:7:19: error",
                             "Problems tab", "nothing was run"})
        QVERIFY2(invalid.err.contains(QLatin1String(said)), qPrintable(invalid.err));
    QVERIFY2(invalid.out.contains(QLatin1String("Saved a ")), qPrintable(invalid.out));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1280);
    // That the window shows the Problems tab in front: tst_dashboard's planWithErrorsOpensWithItsProblems.

    const QString broken = dir.filePath(QStringLiteral("broken.json"));
    {
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write("{\"name\": ") > 0);
    }
    const QString brokenPng = dir.filePath(QStringLiteral("broken.png"));
    const Result notJson = fanout({QStringLiteral("gui"), broken, QStringLiteral("--screenshot"), brokenPng});
    QCOMPARE(notJson.exitCode, 2);
    QVERIFY2(notJson.err.contains(QLatin1String("broken.json:1:")) && notJson.err.contains(QLatin1String("not valid JSON")), qPrintable(notJson.err));
    QVERIFY(!QFile::exists(brokenPng));

    const Result help = fanout({QStringLiteral("gui"), QStringLiteral("--help")});
    QVERIFY2(help.out.contains(QLatin1String("Problems tab")) && help.out.contains(QLatin1String("showing the errors")), qPrintable(help.out));
}

// `fanout gui PLAN --run --export-timeline FILE.png` without --at pictures the whole run, not its
// first milliseconds: every resource has run when the picture is taken (the state file says so).
void tst_Cli::guiExportWaitsForTheRun()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    replaceInFile(plan, R"("duration": "80ms")", R"("duration": "900ms")"); // db's: longer than any start-up
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    const QString png = dir.filePath(QStringLiteral("timeline.png"));
    const Result exported = fanout({QStringLiteral("gui"), plan, QStringLiteral("--run"), QStringLiteral("--export-timeline"), png});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.out + exported.err));
    QVERIFY(!QImage(png).isNull());
    // A run cut short leaves its records in the state's journal only; an ended one writes the file.
    const json s = readJson(state);
    QVERIFY2(s.is_object(), "no state file: the run did not end");
    QCOMPARE(stateIds(s), (QStringList{"db", "dns", "subnet-a", "subnet-b", "vpc"}));
}

void tst_Cli::destroyHelp()
{
    const Result help = fanout({QStringLiteral("--help")});
    QVERIFY2(help.out.contains(QLatin1String("destroy PLAN")), qPrintable(help.out));
    const Result destroyHelp = fanout({QStringLiteral("destroy"), QStringLiteral("--help")});
    QCOMPARE(destroyHelp.exitCode, 0);
    for (const char *option : {"--state", "--parallelism", "--fail-fast", "--report", "--junit", "--var", "--quiet", "Exit status: 0", "130"})
        QVERIFY2(destroyHelp.out.contains(QLatin1String(option)), qPrintable(destroyHelp.out));
    const Result runHelp = fanout({QStringLiteral("run"), QStringLiteral("--help")});
    for (const char *option : {"--state", "--replace", "--all", "--var", "up to date"})
        QVERIFY2(runHelp.out.contains(QLatin1String(option)), qPrintable(runHelp.out));
    const Result typo = fanout({QStringLiteral("destory"), QStringLiteral("demo")});
    QCOMPARE(typo.exitCode, 2);
    QVERIFY2(typo.err.contains(QStringLiteral("(did you mean \"destroy\"?)")), qPrintable(typo.err));
}

// Like `terraform apply`: the first run creates everything and records it beside the plan; the
// next finds everything up to date and runs nothing.
void tst_Cli::runRecordsStateAndSkipsWhatIsUpToDate()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result first = fanout({QStringLiteral("run"), plan, QStringLiteral("--report"), report});
    QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
    QVERIFY2(first.out.contains(QStringLiteral("5 to create, 0 to replace (definition changed), 0 up to date")), qPrintable(first.out));
    const json s = readJson(state);
    QCOMPARE(num(s["fanout_state"]), 1);
    QCOMPARE(str(s["plan"]), QStringLiteral("state-sim"));
    QCOMPARE(stateIds(s), (QStringList{"db", "dns", "subnet-a", "subnet-b", "vpc"}));
    for (const auto &[id, entry] : s["resources"].items()) {
        QVERIFY2(str(entry["definition_hash"]).startsWith(QStringLiteral("sha256:")), id.c_str());
        QVERIFY2(entry["created_at"].is_string(), id.c_str());
    }
    QCOMPARE(str(s["resources"]["db"]["destroy"]["duration"]), QStringLiteral("30ms"));
    QCOMPARE(str(s["resources"]["subnet-a"]["destroy"]["type"]), QStringLiteral("sim")); // the resource's own type, spelt out
    QVERIFY(!s["resources"]["dns"].contains("destroy")); // none: left out
    QCOMPARE(attemptsById(readJson(report)), (QMap<QString, int>{{"vpc", 1}, {"subnet-a", 1}, {"subnet-b", 1}, {"db", 1}, {"dns", 1}}));

    const Result second = fanout({QStringLiteral("run"), plan, QStringLiteral("--report"), report});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.contains(QStringLiteral("0 to create, 0 to replace (definition changed), 5 up to date")), qPrintable(second.out));
    QVERIFY2(!second.out.contains(QStringLiteral(" started")), qPrintable(second.out));
    // Nothing ran: said so, not "Run ... finished after 0ms: 5 succeeded".
    QVERIFY2(second.out.contains(QStringLiteral("Nothing to do for \"state-sim\": 5 resources up to date")), qPrintable(second.out));
    QVERIFY2(!second.out.contains(QStringLiteral("succeeded")), qPrintable(second.out));
    const json r = readJson(report);
    QCOMPARE(str(r["outcome"]), QStringLiteral("succeeded"));
    QCOMPARE(num(r["counts"]["succeeded"]), 5);
    QCOMPARE(attemptsById(r), (QMap<QString, int>{{"vpc", 0}, {"subnet-a", 0}, {"subnet-b", 0}, {"db", 0}, {"dns", 0}}));
    QVERIFY(readJson(state)["resources"] == s["resources"]); // untouched, creation times included
}

void tst_Cli::changedResourceRunsAgain()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QCOMPARE(fanout({QStringLiteral("run"), plan}).exitCode, 0);
    const json before = readJson(state);

    replaceInFile(plan, R"("duration": "80ms")", R"("duration": "90ms")"); // db's
    const Result result = fanout({QStringLiteral("run"), plan, QStringLiteral("--report"), report});
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.contains(QStringLiteral("0 to create, 1 to replace (definition changed), 4 up to date")), qPrintable(result.out));
    QCOMPARE(attemptsById(readJson(report)), (QMap<QString, int>{{"vpc", 0}, {"subnet-a", 0}, {"subnet-b", 0}, {"db", 1}, {"dns", 0}}));
    const json after = readJson(state);
    QVERIFY(after["resources"]["db"]["definition_hash"] != before["resources"]["db"]["definition_hash"]);
    QVERIFY(after["resources"]["db"]["created_at"] != before["resources"]["db"]["created_at"]);
    QVERIFY(after["resources"]["vpc"] == before["resources"]["vpc"]);

    // A new resource is created; a name (display only) changes nothing.
    replaceInFile(plan, R"({"id": "dns", "type": "sim")", R"({"id": "cdn", "type": "sim", "duration": "10ms"}, {"id": "dns", "name": "DNS", "type": "sim")");
    const Result added = fanout({QStringLiteral("run"), plan, QStringLiteral("--report"), report});
    QCOMPARE(added.exitCode, 0);
    QVERIFY2(added.out.contains(QStringLiteral("1 to create, 0 to replace (definition changed), 5 up to date")), qPrintable(added.out));
    QCOMPARE(attemptsById(readJson(report)).value(QStringLiteral("cdn")), 1);
    QVERIFY(stateIds(readJson(state)).contains(QStringLiteral("cdn")));
}

void tst_Cli::replaceAndAll()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString report = dir.filePath(QStringLiteral("report.json"));
    QCOMPARE(fanout({QStringLiteral("run"), plan}).exitCode, 0);

    const Result replaced = fanout({QStringLiteral("run"), plan, QStringLiteral("--replace"), QStringLiteral("db"), QStringLiteral("--replace"),
                                    QStringLiteral("vpc"), QStringLiteral("--report"), report});
    QCOMPARE(replaced.exitCode, 0);
    QVERIFY2(replaced.out.contains(QStringLiteral("0 to create, 0 to replace (definition changed), 2 to replace (--replace), 3 up to date")),
             qPrintable(replaced.out));
    QCOMPARE(attemptsById(readJson(report)), (QMap<QString, int>{{"vpc", 1}, {"subnet-a", 0}, {"subnet-b", 0}, {"db", 1}, {"dns", 0}}));

    const Result all = fanout({QStringLiteral("run"), plan, QStringLiteral("--all"), QStringLiteral("--report"), report});
    QCOMPARE(all.exitCode, 0);
    QVERIFY2(all.out.contains(QStringLiteral("5 to replace (--all), 0 up to date")), qPrintable(all.out));
    QCOMPARE(attemptsById(readJson(report)), (QMap<QString, int>{{"vpc", 1}, {"subnet-a", 1}, {"subnet-b", 1}, {"db", 1}, {"dns", 1}}));
}

// Only what succeeded exists; the rest is tried again by the next run.
void tst_Cli::failedResourcesAreNotRecorded()
{
    QTemporaryDir dir;
    const QStringList state = stateIn(dir);
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result result = fanout(QStringList{QStringLiteral("run"), fixture("quick-fail.json"), QStringLiteral("--report"), report} + state);
    QCOMPARE(result.exitCode, 1);
    const json r = readJson(report);
    QStringList succeeded;
    for (const json &resource : r["resources"]) {
        if (resource["state"] == "succeeded")
            succeeded.append(str(resource["id"]));
    }
    succeeded.sort();
    QCOMPARE(succeeded.size(), 3);
    QCOMPARE(stateIds(readJson(state.constLast())), succeeded);

    const Result again = fanout(QStringList{QStringLiteral("run"), fixture("quick-fail.json")} + state);
    QVERIFY2(again.out.contains(QStringLiteral("3 to create, 0 to replace (definition changed), 3 up to date")), qPrintable(again.out));
}

void tst_Cli::destroyEmptiesTheState()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    QCOMPARE(fanout({QStringLiteral("run"), plan}).exitCode, 0);

    // vpc leaves the plan, but the state still knows how to tear it down (and that it goes last).
    replaceInFile(plan, R"({"id": "vpc", "type": "sim", "duration": "50ms", "destroy": {"type": "sim", "duration": "20ms"}},)", "");
    replaceInFile(plan, R"("depends_on": ["vpc"], )", "");
    const Result result = fanout({QStringLiteral("destroy"), plan, QStringLiteral("--report"), report, QStringLiteral("--junit"), junit});
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
    QVERIFY2(result.out.contains(QStringLiteral("nothing to run to destroy dns; removed from the state\n")), qPrintable(result.out));
    QVERIFY2(result.out.contains(QStringLiteral("Destroying \"state-sim\" from ") + plan + QStringLiteral(": 4 resources")), qPrintable(result.out));
    QVERIFY2(result.out.contains(QRegularExpression(QStringLiteral("\\] db +\\| Deleting db\n"))), qPrintable(result.out));
    QVERIFY2(result.out.contains(QStringLiteral("Destroy of \"state-sim\" finished after ")) && !result.out.contains(QStringLiteral("Run of")),
             qPrintable(result.out));
    const json s = readJson(state);
    QVERIFY(s["resources"].is_object());
    QVERIFY(s["resources"].empty());

    // Dependents first: db, then both subnets, then vpc.
    const json r = readJson(report);
    QCOMPARE(str(r["outcome"]), QStringLiteral("succeeded"));
    QCOMPARE(attemptsById(r), (QMap<QString, int>{{"vpc", 1}, {"subnet-a", 1}, {"subnet-b", 1}, {"db", 1}}));
    auto startOf = [&](const char *id) { return (*findResource(r, id))["attempts"][0]["start_ms"].get<qint64>(); };
    auto endOf = [&](const char *id) { return (*findResource(r, id))["attempts"][0]["end_ms"].get<qint64>(); };
    for (const char *subnet : {"subnet-a", "subnet-b"}) {
        QVERIFY(endOf("db") <= startOf(subnet));
        QVERIFY(endOf(subnet) <= startOf("vpc"));
    }
    QCOMPARE(readJUnit(junit).suite.value(QStringLiteral("tests")), QStringLiteral("4"));

    const Result again = fanout({QStringLiteral("destroy"), plan});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.out.contains(QStringLiteral("Nothing to destroy")), qPrintable(again.out));
    // The built-in demo keeps no state, so there is never anything to destroy.
    const Result demo = fanout({QStringLiteral("destroy"), QStringLiteral("demo")});
    QCOMPARE(demo.exitCode, 0);
    QVERIFY2(demo.out.contains(QStringLiteral("Nothing to destroy")), qPrintable(demo.out));
}

void tst_Cli::unreadableStateStopsEverything_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");
    const QByteArray cut = "{\n  \"fanout_state\": 1,\n  \"resources\": {\"vpc\": {\"definition_hash\": \"sha";
    QTest::newRow("run, cut short") << "run" << cut << ":3:48: error:" << "ends too soon";
    QTest::newRow("destroy, cut short") << "destroy" << cut << ":3:48: error:" << "ends too soon";
    QTest::newRow("run, not a state file") << "run" << QByteArray("{\n  \"name\": \"web\"\n}\n") << ": error:" << "not a Fanout state file";
    QTest::newRow("destroy, wrong type") << "destroy" << QByteArray("{\"fanout_state\": 1,\n \"resources\": {\"vpc\": {\"definition_hash\": 7}}}")
                                         << ":2:24: error:" << "resources.vpc.definition_hash: must be a string, not number";
}

// A state file that cannot be read is never acted on, nor overwritten.
void tst_Cli::unreadableStateStopsEverything()
{
    QFETCH(QString, command);
    QFETCH(QByteArray, text);
    QFETCH(QString, where);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    {
        QFile file(state);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
    }
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result result = fanout({command, plan, QStringLiteral("--report"), report});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(state + where), qPrintable(result.err));
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("fanout %1: cannot read the state file %2, so nothing was started").arg(command, state)), qPrintable(result.err));
    QVERIFY2(!result.out.contains(QStringLiteral("started")), qPrintable(result.out));
    QVERIFY(!QFile::exists(report));
    QFile file(state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), text);
}

void tst_Cli::variablesFromTheCommandLine()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-vars.json");
    const Result plain = fanout({QStringLiteral("run"), plan});
    QCOMPARE(plain.exitCode, 0);
    QVERIFY2(plain.out.contains(QStringLiteral("| Creating VPC in eu-west-1-a\n")), qPrintable(plain.out));
    QVERIFY2(!plain.out.contains(QStringLiteral("other values")), qPrintable(plain.out));

    // Another value for a variable vpc uses changes no definition: vpc stays up to date, and the
    // run says that it was created with another value and how to create it again.
    const Result changed = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), QStringLiteral("region=us-east-2")});
    QCOMPARE(changed.exitCode, 0);
    QVERIFY2(changed.out.contains(QStringLiteral("1 resource up to date was created with other values of the variables it uses (the "
                                                 "definition is the same, so it is left as it is):\n"
                                                 "  vpc: var.region was \"eu-west-1\", now \"us-east-2\"\n"
                                                 "To create it again with today's values, run again with --replace vpc\n")),
             qPrintable(changed.out));
    QVERIFY2(!changed.out.contains(QStringLiteral("| Creating VPC")), qPrintable(changed.out));
    // The same value as it was created with: nothing to say.
    const Result same = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), QStringLiteral("region=eu-west-1")});
    QCOMPARE(same.exitCode, 0);
    QVERIFY2(!same.out.contains(QStringLiteral("other values")), qPrintable(same.out));

    const Result overridden = fanout({QStringLiteral("run"), plan, QStringLiteral("--all"), QStringLiteral("--var"), QStringLiteral("region=us-east-2"),
                                      QStringLiteral("--var"), QStringLiteral("zone=c=d")});
    QCOMPARE(overridden.exitCode, 0);
    QVERIFY2(overridden.out.contains(QStringLiteral("| Creating VPC in us-east-2-c=d\n")), qPrintable(overridden.out));
    // Created again with those values: they are what the state now records.
    const Result after = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), QStringLiteral("region=us-east-2"),
                                 QStringLiteral("--var"), QStringLiteral("zone=c=d")});
    QVERIFY2(!after.out.contains(QStringLiteral("other values")), qPrintable(after.out));

    const Result unknown = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), QStringLiteral("regoin=us-east-2")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains(QStringLiteral("fanout run: --var regoin: the plan has no variable \"regoin\" (did you mean \"region\"?)")),
             qPrintable(unknown.err));
    QVERIFY(!unknown.out.contains(QStringLiteral("started")));
    const Result destroyUnknown = fanout({QStringLiteral("destroy"), plan, QStringLiteral("--var"), QStringLiteral("zon=b")});
    QCOMPARE(destroyUnknown.exitCode, 2);
    QVERIFY2(destroyUnknown.err.contains(QStringLiteral("(did you mean \"zone\"?)")), qPrintable(destroyUnknown.err));
}

// The example that runs offline: real folders and files, a web server process, an http health
// check that waits for it, a config file that uses the server's port; destroy removes it all.
void tst_Cli::localStackProvisionsAndTearsDown()
{
    QTemporaryDir dir;
    const QString plan = dir.filePath(QStringLiteral("local-stack.json"));
    // The plan as shipped, but for the default of "root": a folder of the test's own, which
    // holds something of the user's that no teardown may delete.
    json document = readJson(QStringLiteral(FANOUT_FIXTURES "/../../resources/plans/local-stack.json"));
    const QString defaultRoot = dir.filePath(QStringLiteral("default-root"));
    QVERIFY(QDir().mkpath(defaultRoot + QStringLiteral("/mine")));
    document["variables"]["root"] = defaultRoot.toStdString();
    {
        QFile file(plan);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(document.dump(2)));
    }
    const QString root = dir.filePath(QStringLiteral("stack"));
    const QString var = QStringLiteral("root=") + root;

    const Result run = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), var, QStringLiteral("-q")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    QFile config(root + QStringLiteral("/conf/app.conf"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(config.readAll());
    QFile portFile(root + QStringLiteral("/run/port"));
    QVERIFY(portFile.open(QIODevice::ReadOnly));
    const QString port = QString::fromUtf8(portFile.readAll()).trimmed();
    QVERIFY2(text.contains(QStringLiteral("endpoint=http://127.0.0.1:%1/").arg(port)) && text.contains(QLatin1String("health=ok")), qPrintable(text));
    QFile pidFile(root + QStringLiteral("/run/server.pid"));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const pid_t server = pid_t(QString::fromUtf8(pidFile.readAll()).trimmed().toInt());
    QVERIFY(server > 0 && ::kill(server, 0) == 0); // the web server keeps running after the run

    const Result again = fanout({QStringLiteral("run"), plan, QStringLiteral("--var"), var, QStringLiteral("-q")});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.out.contains(QLatin1String("0 to create, 0 to replace (definition changed), 6 up to date")), qPrintable(again.out));

    // Destroyed without the --var it was created with: what creation recorded is torn down, and
    // the folder today's default names is left alone.
    const Result destroy = fanout({QStringLiteral("destroy"), plan, QStringLiteral("-q")});
    QVERIFY2(destroy.exitCode == 0, qPrintable(destroy.out + destroy.err));
    QVERIFY(!QFile::exists(root));
    QVERIFY(QFileInfo(defaultRoot + QStringLiteral("/mine")).isDir());
    QVERIFY2(destroy.err.contains(QStringLiteral("root = \"%1\", the value it was created with (today's value, \"%2\", is not used)").arg(root, defaultRoot)),
             qPrintable(destroy.err));
    // The server got SIGTERM; it is gone (or a zombie waiting for init to reap it).
    const auto gone = [server] {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(server));
        return ::kill(server, 0) != 0 || !stat.open(QIODevice::ReadOnly) || stat.readAll().contains(") Z ");
    };
    QTRY_VERIFY_WITH_TIMEOUT(gone(), 10'000);
}


void tst_Cli::importWritesAPlanThatRuns()
{
    QTemporaryDir dir;
    const QString source = QStringLiteral(FANOUT_CORPUS "/compose/voting_app_docker-compose.yml");
    const QString mapping = dir.filePath(QStringLiteral("mapping.json"));
    {
        QFile file(mapping);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // Every service a quick simulation, so that the test runs the whole plan in a moment.
        file.write("{\"mapping\": [{\"match\": \"service\", \"type\": \"sim\", \"duration\": \"20ms\"}]}\n");
    }
    const QString plan = dir.filePath(QStringLiteral("voting.json"));
    // seed runs only with its profile, chosen here as with docker compose --profile.
    const Result imported = fanout({QStringLiteral("import"), source, QStringLiteral("--mapping"), mapping, QStringLiteral("-o"), plan,
                                    QStringLiteral("--profile"), QStringLiteral("seed")});
    QCOMPARE(imported.exitCode, 0);
    QVERIFY2(imported.err.contains(QStringLiteral("(Compose file): 6 resources, 5 dependencies, 0 groups; provisioned: 6 by mapping[0]; written to ")),
             qPrintable(imported.err));
    QVERIFY(imported.out.isEmpty());
    const json document = readJson(plan);
    QCOMPARE(str(document["import"]["format"]), QStringLiteral("compose"));
    QCOMPARE(document["mapping"].size(), 1u);
    QCOMPARE(document["resources"].size(), 6u);

    const Result validated = fanout({QStringLiteral("validate"), plan});
    QCOMPARE(validated.exitCode, 0);
    const Result ran = fanout({QStringLiteral("run"), plan, QStringLiteral("-q"), QStringLiteral("--report"), dir.filePath(QStringLiteral("run.json"))});
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
    const json report = readJson(dir.filePath(QStringLiteral("run.json")));
    QCOMPARE(str(report["outcome"]), QStringLiteral("succeeded"));
    // seed (a profile's service) ran after vote, which it depends on.
    QVERIFY(num((*findResource(report, "seed"))["attempts"][0]["start_ms"]) >= num((*findResource(report, "vote"))["attempts"][0]["end_ms"]));

    // Without -o the plan goes to standard output, the summary to standard error.
    const Result toStdout = fanout({QStringLiteral("import"), source});
    QCOMPARE(toStdout.exitCode, 0);
    QVERIFY(json::parse(toStdout.out.toStdString(), nullptr, false).is_object());
    // Without its profile, seed is on the graph but not run.
    QVERIFY2(toStdout.err.contains(QStringLiteral("1 not to run (data sources, no-ops, services of profiles not chosen)")), qPrintable(toStdout.err));
}

void tst_Cli::importProblemsSayWhere_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTemporaryDir *dir = &m_importFiles; // the rows' files live as long as the test object
    // The first half of a real template: cut in the middle of a string.
    const QString cut = dir->filePath(QStringLiteral("vpc.json"));
    {
        QFile in(QStringLiteral(FANOUT_CORPUS "/cloudformation/cfnlint_quickstart_vpc_77res.json"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.readAll().left(3000));
    }
    const QString badMapping = dir->filePath(QStringLiteral("rules.json"));
    {
        QFile out(badMapping);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("{\"mapping\": [\n  {\"type\": \"sim\"}\n]}\n");
    }
    const QString compose = QStringLiteral(FANOUT_CORPUS "/compose/voting_app_docker-compose.yml");
    QTest::newRow("truncated") << QStringList{QStringLiteral("import"), cut} << cut + QStringLiteral(":68:35: error: not valid JSON: ");
    QTest::newRow("unknown format") << QStringList{QStringLiteral("import"), compose, QStringLiteral("--format"), QStringLiteral("helm")}
                                    << QStringLiteral("unknown format \"helm\"; use one of terraform-plan, terraform-dot, cloudformation, compose");
    QTest::newRow("wrong format") << QStringList{QStringLiteral("import"), compose, QStringLiteral("--format"), QStringLiteral("terraform-plan")}
                                  << compose + QStringLiteral(": not imported");
    QTest::newRow("bad mapping") << QStringList{QStringLiteral("import"), compose, QStringLiteral("--mapping"), badMapping}
                                 << badMapping + QStringLiteral(":2:3: error: mapping[0]: a rule needs \"match\"");
    QTest::newRow("overwrite the source") << QStringList{QStringLiteral("import"), compose, QStringLiteral("-o"), compose}
                                          << QStringLiteral("the output would overwrite");
    QTest::newRow("no file") << QStringList{QStringLiteral("import")} << QStringLiteral("give one FILE to import");
    QTest::newRow("run an unknown kind") << QStringList{QStringLiteral("run"), QStringLiteral(FANOUT_CORPUS "/SOURCES.md")}
                                         << QStringLiteral("cannot tell what kind of file this is");
}

void tst_Cli::importProblemsSayWhere()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Result result = fanout(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    QVERIFY(result.out.isEmpty());
}

void tst_Cli::otherToolsFilesWorkDirectly()
{
    // validate and graph take a terraform graph (UTF-16, as PowerShell writes it) as they are.
    const QString dot = QStringLiteral(FANOUT_CORPUS "/terraform-dot/bervproject_lambda_sharp_utf16le.dot");
    const Result validated = fanout({QStringLiteral("validate"), dot});
    QCOMPARE(validated.exitCode, 0);
    QVERIFY2(validated.out.contains(QStringLiteral("valid: 4 resources")), qPrintable(validated.out));
    const Result graph = fanout({QStringLiteral("graph"), dot, QStringLiteral("--format"), QStringLiteral("mermaid")});
    QCOMPARE(graph.exitCode, 0);
    QVERIFY2(graph.out.startsWith(QStringLiteral("flowchart")), qPrintable(graph.out));
    QVERIFY2(graph.out.contains(QStringLiteral("aws_lambda_function_url.")), qPrintable(graph.out));
}

// --state with the state of another plan: nothing runs, exit status 2, the file stays as it was.
void tst_Cli::runRefusesAnotherPlansState()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString other = dir.filePath(QStringLiteral("other.fanout-state.json"));
    {
        QFile file(other);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"fanout_state": 1, "plan": "other", "resources": {}})");
    }
    const Result result = fanout({QStringLiteral("run"), plan, QStringLiteral("--state"), other});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("records the plan \"other\", not \"state-sim\"; nothing was run")), qPrintable(result.err));
    QVERIFY2(!result.out.contains(QLatin1String("Running")), qPrintable(result.out));
    QCOMPARE(str(readJson(other)["plan"]), QStringLiteral("other"));
}

// While another process holds the state's lock (a run of it, here flock(1) as a stand-in),
// neither run nor destroy touch the state: exit status 1, and why. Once it is gone, they run.
void tst_Cli::oneFanoutAtATimePerState()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    QCOMPARE(fanout({QStringLiteral("run"), plan}).exitCode, 0);
    const QByteArray before = [&] {
        QFile file(state);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    QProcess holder;
    // One process that holds the lock and goes when killed: the shell becomes the sleep.
    holder.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("exec 9>>'%1.journal'; flock 9; exec sleep 60").arg(state)});
    QVERIFY(holder.waitForStarted());
    const auto cleanup = qScopeGuard([&] {
        holder.kill();
        holder.waitForFinished();
    });
    QTest::qWait(300); // flock(1) has the lock by then

    const Result run = fanout({QStringLiteral("run"), plan, QStringLiteral("--all")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QStringLiteral("another Fanout is running with the state file %1 now; wait until that run ends. Nothing was run.").arg(state)),
             qPrintable(run.err));
    const Result destroy = fanout({QStringLiteral("destroy"), plan});
    QCOMPARE(destroy.exitCode, 1);
    QVERIFY2(destroy.err.contains(QStringLiteral("another Fanout is running with the state file %1 now; nothing was destroyed").arg(state)),
             qPrintable(destroy.err));
    QFile file(state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    file.close();

    holder.kill();
    holder.waitForFinished();
    const Result again = fanout({QStringLiteral("run"), plan, QStringLiteral("--all")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
}

// After a crash: which resources were in flight is said before anything starts, and counted in the
// summary; a state file others can read is warned about and written back private.
void tst_Cli::runSaysWhatWasInterruptedAndWarnsOfASharedState()
{
    QTemporaryDir dir;
    const QString plan = copyFixture(dir, "state-sim.json");
    const QString state = dir.filePath(QStringLiteral("state-sim.fanout-state.json"));
    QCOMPARE(fanout({QStringLiteral("run"), plan}).exitCode, 0);
    json s = readJson(state);
    s["resources"]["db"]["status"] = "creating";
    s["resources"]["dns"]["status"] = "creating";
    {
        QFile file(state);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(s.dump()));
    }
    QVERIFY(QFile::setPermissions(state, QFile::permissions(state) | QFileDevice::ReadOther));
    const Result again = fanout({QStringLiteral("run"), plan});
    QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
    QVERIFY2(again.err.contains(QStringLiteral("db, dns were being created when Fanout stopped; they may exist in part")), qPrintable(again.err));
    QVERIFY2(again.err.contains(QStringLiteral("can be read by other users (mode 0604)")), qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("2 interrupted, to replace, 3 up to date")), qPrintable(again.out));
    QVERIFY2(again.out.contains(QStringLiteral("db (destroy first)")), qPrintable(again.out));
    QCOMPARE(QFile::permissions(state) & QFileDevice::ReadOther, QFileDevice::Permissions());
    const json after = readJson(state);
    QVERIFY(!after["resources"]["db"].contains("status"));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
