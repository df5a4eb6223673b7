#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <nlohmann/json.hpp>

#include <csignal>

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

Result fanout(const QStringList &arguments, int timeoutMs = 60'000)
{
    QProcess process;
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

// Starts fixtures/plans/slow.json (60 s attempts, two at a time) and waits until both run.
void startSlowRun(QProcess &process, const QString &report, QByteArray &out)
{
    process.start(QStringLiteral(FANOUT_BINARY), {QStringLiteral("run"), fixture("slow.json"), QStringLiteral("--report"), report});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).count("started") == 2, 10'000);
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void versionAndHelp();
    void unknownCommand();
    void badArguments_data();
    void badArguments();
    void validateValidPlan();
    void validateReportsEveryProblemWithItsPlace();
    void runThatSucceeds();
    void runWithFailures();
    void invalidPlanNeverStarts();
    void outputIsPlainWhenNotATerminal();
    void interruptCancelsCleanly_data();
    void interruptCancelsCleanly();
    void secondInterruptStopsAtOnce();
    void graphFormats();
    void demoFailsNamingTheResource();
    void guiScreenshot();
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
    QVERIFY2(result.out.contains(QStringLiteral("valid: 6 resources, 1 groups, parallelism 3")), qPrintable(result.out));
    QCOMPARE(result.err, QString());
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
        file + QStringLiteral(":7:19: error: resources[2].type: unknown type \"bogus\"; the types are: sim"),
        file + QStringLiteral(":7:58: warning: resources[2].dependson: unknown field \"dependson\" is ignored (did you mean \"depends_on\"?)"),
        file + QStringLiteral(": 4 errors, 1 warning; the plan cannot run until they are fixed"),
    };
    QCOMPARE(result.err, expected.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

void tst_Cli::runThatSucceeds()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    const Result result = fanout({QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("--report"), report,
                                  QStringLiteral("--junit"), junit, QStringLiteral("-j"), QStringLiteral("2")});
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

void tst_Cli::runWithFailures()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const QString junit = dir.filePath(QStringLiteral("junit.xml"));
    const Result result = fanout({QStringLiteral("run"), fixture("quick-fail.json"), QStringLiteral("--report"), report,
                                  QStringLiteral("--junit"), junit});
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

void tst_Cli::invalidPlanNeverStarts()
{
    QTemporaryDir dir;
    const QString report = dir.filePath(QStringLiteral("report.json"));
    const Result result = fanout({QStringLiteral("run"), fixture("invalid.json"), QStringLiteral("--report"), report});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains(QStringLiteral("4 errors")));
    QVERIFY(!result.out.contains(QStringLiteral("started")));
    QVERIFY(!QFile::exists(report));
}

void tst_Cli::outputIsPlainWhenNotATerminal()
{
    const Result result = fanout({QStringLiteral("run"), fixture("quick-ok.json")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY(!result.out.contains(QLatin1Char('\r')));
    QVERIFY(!result.out.contains(QLatin1Char('\x1b')));
    // A line per event: every resource starts and succeeds, and its log lines are shown.
    QCOMPARE(result.out.count(QStringLiteral(" started\n")), 6);
    QCOMPARE(result.out.count(QStringLiteral(" succeeded in ")), 6);
    QVERIFY(result.out.contains(QRegularExpression(QStringLiteral("\\] db +\\| available\n"))));
    const Result quiet = fanout({QStringLiteral("run"), fixture("quick-ok.json"), QStringLiteral("--quiet")});
    QVERIFY(!quiet.out.contains(QStringLiteral("| available")));
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
    const Result shot = fanout({QStringLiteral("gui"), fixture("quick-fail.json"), QStringLiteral("--screenshot"), png,
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

    const Result invalid = fanout({QStringLiteral("gui"), fixture("invalid.json"), QStringLiteral("--screenshot"), png});
    QCOMPARE(invalid.exitCode, 2);
    QVERIFY2(invalid.err.contains(QStringLiteral("invalid.json:")), qPrintable(invalid.err));
    const Result badAt = fanout({QStringLiteral("gui"), QStringLiteral("--screenshot"), png, QStringLiteral("--at"), QStringLiteral("soon")});
    QCOMPARE(badAt.exitCode, 2);
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
