#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/state/deploymentstate.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>

using namespace fanout;

namespace {

PlanReadResult read(const QString &json)
{
    return PlanReader::readText(json.toUtf8(), QStringLiteral("plan.json"), ExecutorRegistry::builtIn());
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QStringLiteral("plan.json")));
    return lines.join(QLatin1Char('\n'));
}

// A valid plan to break in one place: "%1" becomes the resources' text.
QString withResources(const QString &resources)
{
    return QStringLiteral(R"({"name": "t", "resources": [%1]})").arg(resources);
}

} // namespace

class tst_PlanReader : public QObject
{
    Q_OBJECT

private slots:
    void badPlans_data();
    void badPlans();
    void layoutSection_data();
    void layoutSection();
    void syntaxErrorsHaveLineAndColumn_data();
    void syntaxErrorsHaveLineAndColumn();
    void problemsPointIntoTheFile();
    void misspeltFieldIsAnErrorAtItsPlace();
    void notesAreAcceptedEverywhere();
    void collectsEveryProblem();
    void readsEveryField();
    void defaultsApplyAndResourcesOverride();
    void demoPlanIsValid();
    void documentedExamplesHold();
    void fileProblems();
    void utf16File();
    void neverCrashesOnTruncatedInput();
    void neverCrashesOnMutatedInput();
    void deepNestingIsAnError();
};

void tst_PlanReader::badPlans_data()
{
    QTest::addColumn<QString>("plan");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message"); // a part of it

    const QString a = QStringLiteral(R"({"id": "a", "type": "sim"})");
    QTest::newRow("not an object") << "[]" << true << "" << "a plan is a JSON object";
    QTest::newRow("no name") << R"({"resources": []})" << true << "" << "the plan has no \"name\"";
    QTest::newRow("no resources") << R"({"name": "t"})" << true << "" << "the plan has no \"resources\"";
    QTest::newRow("resources not a list") << R"({"name": "t", "resources": {}})" << true << "resources" << "must be a list of resources, not object";
    QTest::newRow("empty plan") << withResources(QString()) << false << "resources" << "the plan has no resources";
    QTest::newRow("name not a string") << R"({"name": 3, "resources": []})" << true << "name" << "must be a string, not 3";
    QTest::newRow("parallelism text") << R"({"name": "t", "parallelism": "ten", "resources": []})" << true << "parallelism" << "must be a whole number from 1 to 10000, not \"ten\"";
    QTest::newRow("parallelism zero") << R"({"name": "t", "parallelism": 0, "resources": []})" << true << "parallelism" << "from 1 to 10000, not 0";
    QTest::newRow("parallelism fraction") << R"({"name": "t", "parallelism": 2.5, "resources": []})" << true << "parallelism" << "not 2.5";
    QTest::newRow("fail_fast not bool") << R"({"name": "t", "fail_fast": "yes", "resources": []})" << true << "fail_fast" << "must be true or false";
    QTest::newRow("seed negative") << R"({"name": "t", "seed": -1, "resources": []})" << true << "seed" << "must be a whole number, 0 or more";
    QTest::newRow("unknown plan field") << R"({"name": "t", "paralelism": 3, "resources": []})" << true << "paralelism" << "unknown field \"paralelism\"; did you mean \"parallelism\"?";
    QTest::newRow("unknown plan field, nothing close") << R"({"name": "t", "owner": "me", "resources": []})"
                                                       << true << "owner" << "unknown field \"owner\": the plan has no such field; to keep a note of your own, name it \"x-owner\"";
    QTest::newRow("resource not an object") << withResources(QStringLiteral("42")) << true << "resources[0]" << "a resource is an object";
    QTest::newRow("missing id") << withResources(QStringLiteral(R"({"type": "sim"})")) << true << "resources[0]" << "the resource has no \"id\"";
    QTest::newRow("id not a string") << withResources(QStringLiteral(R"({"id": 7, "type": "sim"})")) << true << "resources[0].id" << "must be a string, not 7";
    QTest::newRow("duplicate id") << withResources(a + QStringLiteral(",") + a) << true << "resources[1].id" << "duplicate id \"a\": resources[0] has it already";
    QTest::newRow("missing type") << withResources(QStringLiteral(R"({"id": "a"})")) << true << "resources[0]" << "the resource has no \"type\"; say which executor provisions it: sim, command, http";
    QTest::newRow("unknown type") << withResources(QStringLiteral(R"({"id": "a", "type": "simm"})")) << true << "resources[0].type" << "unknown type \"simm\" (did you mean \"sim\"?); the types are: sim, command, http";
    QTest::newRow("unknown dependency, did you mean") << withResources(QStringLiteral(R"({"id": "vpc", "type": "sim"}, {"id": "b", "type": "sim", "depends_on": ["vcp"]})"))
                                                      << true << "resources[1].depends_on[0]" << "unknown dependency \"vcp\"; did you mean \"vpc\"?";
    QTest::newRow("unknown dependency") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "depends_on": ["database"]})"))
                                        << true << "resources[0].depends_on[0]" << "unknown dependency \"database\": no resource has this id";
    QTest::newRow("self dependency") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "depends_on": ["a"]})"))
                                     << true << "resources[0].depends_on[0]" << "\"a\" depends on itself";
    QTest::newRow("cycle") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "depends_on": ["b"]}, {"id": "b", "type": "sim", "depends_on": ["c"]}, {"id": "c", "type": "sim", "depends_on": ["a"]})"))
                           << true << "resources[0].depends_on[0]" << "dependency cycle: a -> b -> c -> a";
    QTest::newRow("cycle of two after others") << withResources(QStringLiteral(R"({"id": "x", "type": "sim"}, {"id": "p", "type": "sim", "depends_on": ["x", "q"]}, {"id": "q", "type": "sim", "depends_on": ["p"]})"))
                                               << true << "resources[1].depends_on[1]" << "dependency cycle: p -> q -> p";
    QTest::newRow("depends_on a string") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "depends_on": "vpc"})"))
                                         << true << "resources[0].depends_on" << "must be a list of resource ids, such as [\"vpc\"], not \"vpc\"";
    QTest::newRow("dependency not a string") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "depends_on": [1]})"))
                                             << true << "resources[0].depends_on[0]" << "must be a string, not 1";
    QTest::newRow("dependency listed twice") << withResources(a + QStringLiteral(R"(, {"id": "b", "type": "sim", "depends_on": ["a", "a"]})"))
                                             << false << "resources[1].depends_on[1]" << "\"a\" is listed twice";
    QTest::newRow("bad timeout") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "timeout": "3 mins"})"))
                                 << true << "resources[0].timeout" << "bad duration \"3 mins\": unknown unit \"mins\"";
    QTest::newRow("bad estimate") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "estimate": false})"))
                                  << true << "resources[0].estimate" << "a duration must be a string or a number of seconds, not boolean";
    QTest::newRow("bad sim duration") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "duration": "fast"})"))
                                      << true << "resources[0].duration" << "bad duration \"fast\"";
    QTest::newRow("sim range reversed") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "duration": ["40s", "20s"]})"))
                                        << true << "resources[0].duration" << "the range [40s, 20s] has its minimum above its maximum";
    QTest::newRow("sim range of three") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "duration": ["1s", "2s", "3s"]})"))
                                        << true << "resources[0].duration" << "a duration range is written [min, max]";
    QTest::newRow("failure_rate above 1") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "failure_rate": 2})"))
                                          << true << "resources[0].failure_rate" << "must be a number from 0 (never fails) to 1 (always fails)";
    QTest::newRow("fail_attempts negative") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "fail_attempts": -1})"))
                                            << true << "resources[0].fail_attempts" << "must be a whole number of attempts, 0 or more";
    QTest::newRow("log_lines text") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "log_lines": "lots"})"))
                                    << true << "resources[0].log_lines" << "must be how many lines to write";
    QTest::newRow("log_lines with a number") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "log_lines": ["ok", 3]})"))
                                             << true << "resources[0].log_lines" << "element 1 is number; every line must be a string";
    QTest::newRow("sim seed text") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "seed": "x"})"))
                                   << true << "resources[0].seed" << "must be a whole number";
    QTest::newRow("unknown resource field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "dependson": []})"))
                                            << true << "resources[0].dependson" << "unknown field \"dependson\"; did you mean \"depends_on\"?";
    QTest::newRow("misspelt timeout") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "timout": "30s"})"))
                                      << true << "resources[0].timout" << "unknown field \"timout\"; did you mean \"timeout\"?";
    QTest::newRow("unknown sim field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "duraton": "1s"})"))
                                       << true << "resources[0].duraton" << "; did you mean \"duration\"?";
    QTest::newRow("unknown executor field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "outputz": {}})"))
                                            << true << "resources[0].outputz" << "unknown field \"outputz\"; did you mean \"outputs\"?";
    QTest::newRow("unknown resource field, nothing close") << withResources(QStringLiteral(R"({"id": "a", "type": "command", "command": ["true"], "owner": "me"})"))
                                                           << true << "resources[0].owner" << "unknown field \"owner\": a resource of type command has no such field; to keep a note of your own, name it \"x-owner\"";
    QTest::newRow("misspelt field of an unknown type") << withResources(QStringLiteral(R"({"id": "a", "type": "simm", "timout": "30s"})"))
                                                       << true << "resources[0].timout" << "unknown field \"timout\"; did you mean \"timeout\"?";
    QTest::newRow("retry not an object") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": 3})"))
                                         << true << "resources[0].retry" << "must be an object such as {\"max_attempts\": 3";
    QTest::newRow("max_attempts zero") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"max_attempts": 0}})"))
                                       << true << "resources[0].retry.max_attempts" << "must be a whole number from 1 to 1000, not 0";
    QTest::newRow("jitter above 1") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"jitter": 5}})"))
                                    << true << "resources[0].retry.jitter" << "must be a fraction from 0 to 1";
    QTest::newRow("bad backoff") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"backoff": {"initial": "soon"}}})"))
                                 << true << "resources[0].retry.backoff.initial" << "bad duration \"soon\"";
    QTest::newRow("backoff initial above max") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"backoff": {"initial": "1m", "max": "10s"}}})"))
                                               << false << "resources[0].retry.backoff" << "\"initial\" (1m00s) is longer than \"max\" (10s)";
    QTest::newRow("unknown retry field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"attempts": 3}})"))
                                         << true << "resources[0].retry.attempts" << "unknown field \"attempts\": a retry policy has no such field";
    QTest::newRow("misspelt retry field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"max_attempt": 3}})"))
                                          << true << "resources[0].retry.max_attempt" << "unknown field \"max_attempt\"; did you mean \"max_attempts\"?";
    QTest::newRow("unknown backoff field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "retry": {"backoff": {"inital": "2s"}}})"))
                                           << true << "resources[0].retry.backoff.inital" << "unknown field \"inital\"; did you mean \"initial\"?";
    QTest::newRow("unknown destroy field") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "destroy": {"duraton": "1s"}})"))
                                           << true << "resources[0].destroy.duraton" << "unknown field \"duraton\"; did you mean \"duration\"?";
    QTest::newRow("unknown destroy field, nothing close") << withResources(QStringLiteral(R"({"id": "a", "type": "sim", "destroy": {"type": "command", "command": ["true"], "owner": "me"}})"))
                                                          << true << "resources[0].destroy.owner" << "unknown field \"owner\": a destroy action of type command has no such field";
    QTest::newRow("unknown group") << R"({"name": "t", "groups": {"rds-api": {"limit": 2}}, "resources": [{"id": "a", "type": "sim", "group": "rds-apo"}]})"
                                   << true << "resources[0].group" << "unknown group \"rds-apo\" (did you mean \"rds-api\"?); declare it under \"groups\" first";
    QTest::newRow("group limit negative") << R"({"name": "t", "groups": {"rds-api": {"limit": -2}}, "resources": []})"
                                          << true << "groups[\"rds-api\"].limit" << "must be a whole number from 0 to 10000, not -2";
    QTest::newRow("group not an object") << R"({"name": "t", "groups": {"net": 2}, "resources": []})"
                                         << true << "groups.net" << "a group is an object such as {\"limit\": 2}";
    QTest::newRow("groups a list") << R"({"name": "t", "groups": ["net"], "resources": []})"
                                   << true << "groups" << "must be an object of named groups";
    QTest::newRow("defaults bad timeout") << R"({"name": "t", "defaults": {"timeout": "ages"}, "resources": []})"
                                          << true << "defaults.timeout" << "bad duration \"ages\"";
    QTest::newRow("defaults unknown field") << R"({"name": "t", "defaults": {"timout": "1m"}, "resources": []})"
                                            << true << "defaults.timout" << "unknown field \"timout\"; did you mean \"timeout\"?";
    QTest::newRow("defaults unknown retry field") << R"({"name": "t", "defaults": {"retry": {"jiter": 0.2}}, "resources": []})"
                                                  << true << "defaults.retry.jiter" << "unknown field \"jiter\"; did you mean \"jitter\"?";
    QTest::newRow("unknown group field") << R"({"name": "t", "groups": {"net": {"limt": 2}}, "resources": []})"
                                         << true << "groups.net.limt" << "unknown field \"limt\"; did you mean \"limit\"?";
    QTest::newRow("unknown variable field") << R"({"name": "t", "variables": {"token": {"value": "s", "secrt": true}}, "resources": []})"
                                            << true << "variables.token.secrt" << "unknown field \"secrt\"; did you mean \"secret\"?";
}

void tst_PlanReader::badPlans()
{
    QFETCH(QString, plan);
    QFETCH(bool, isError);
    QFETCH(QString, path);
    QFETCH(QString, message);
    const PlanReadResult result = read(plan);
    const auto found = std::find_if(result.diagnostics.cbegin(), result.diagnostics.cend(), [&](const Diagnostic &d) {
        return d.path == path && d.message.contains(message) && d.isError() == isError;
    });
    QVERIFY2(found != result.diagnostics.cend(), qPrintable(QStringLiteral("expected %1 at \"%2\" containing: %3\ngot:\n%4")
                                                                .arg(isError ? QStringLiteral("an error") : QStringLiteral("a warning"), path, message, dump(result.diagnostics))));
    QCOMPARE(result.hasErrors(), isError);
    // Each problem is reported once.
    QCOMPARE(std::count_if(result.diagnostics.cbegin(), result.diagnostics.cend(), [&](const Diagnostic &d) { return d.path == path; }), 1);
}

void tst_PlanReader::layoutSection_data()
{
    QTest::addColumn<QString>("layout");    // the value of "layout"
    QTest::addColumn<QString>("severity");  // of the one problem expected: "", "error" or "warning"
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");   // a part of it
    QTest::addColumn<int>("positions");     // how many the plan keeps

    QTest::newRow("valid") << R"({"positions": {"a": {"x": 120, "y": 40}, "b": {"x": -3.5, "y": 0}}})" << "" << "" << "" << 2;
    QTest::newRow("empty") << "{}" << "" << "" << "" << 0;
    QTest::newRow("no positions") << R"({"positions": {}})" << "" << "" << "" << 0;
    QTest::newRow("not an object") << "[]" << "error" << "layout" << "must be an object such as" << 0;
    QTest::newRow("positions not an object") << R"({"positions": 3})" << "error" << "layout.positions" << "must be an object of node centres by resource id" << 0;
    QTest::newRow("entry not an object") << R"({"positions": {"a": [1, 2]}})" << "error" << "layout.positions.a" << "a position is an object" << 0;
    QTest::newRow("x not a number") << R"({"positions": {"a": {"x": "1", "y": 2}, "b": {"x": 1, "y": 2}}})" << "error" << "layout.positions.a.x" << "must be a number" << 1;
    QTest::newRow("no y") << R"({"positions": {"a": {"x": 1}}})" << "error" << "layout.positions.a" << "the position has no" << 0;
    QTest::newRow("unknown id") << R"({"positions": {"foo": {"x": 1, "y": 2}, "a": {"x": 1, "y": 2}}})" << "warning" << "layout.positions.foo" << "the plan has no resource foo; its position is ignored" << 1;
    QTest::newRow("misspelt id") << R"({"positions": {"bb": {"x": 1, "y": 2}}})" << "warning" << "layout.positions.bb" << "the plan has no resource bb (did you mean \"b\"?); its position is ignored" << 0;
    // The layout never changes a run: what this Fanout does not know of it is only a warning.
    QTest::newRow("unknown layout field") << R"({"zoom": 2})" << "warning" << "layout.zoom" << "unknown field \"zoom\": \"layout\" has no such field" << 0;
    QTest::newRow("unknown position field") << R"({"positions": {"a": {"x": 1, "y": 2, "z": 3}}})" << "warning" << "layout.positions.a.z" << "unknown field \"z\"; did you mean \"x\"?" << 1;
    QTest::newRow("notes") << R"({"x-zoom": 2, "positions": {"a": {"x": 1, "y": 2, "x-by": "me"}}})" << "" << "" << "" << 1;
    QTest::newRow("direction") << R"({"direction": "left-to-right"})" << "" << "" << "" << 0;
    QTest::newRow("direction auto") << R"({"direction": "auto"})" << "" << "" << "" << 0;
    QTest::newRow("unknown direction") << R"({"direction": "diagonal"})" << "warning" << "layout.direction"
                                       << "must be \"auto\", \"top-to-bottom\" or \"left-to-right\", not \"diagonal\"" << 0;
}

void tst_PlanReader::layoutSection()
{
    QFETCH(QString, layout);
    QFETCH(QString, severity);
    QFETCH(QString, path);
    QFETCH(QString, message);
    QFETCH(int, positions);
    const PlanReadResult result = read(QStringLiteral(R"({"name": "t", "resources": [{"id": "a", "type": "sim"}, {"id": "b", "type": "sim"}], "layout": %1})").arg(layout));
    if (severity.isEmpty()) {
        QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    } else {
        QVERIFY2(result.diagnostics.size() == 1, qPrintable(dump(result.diagnostics)));
        const Diagnostic &d = result.diagnostics.constFirst();
        QCOMPARE(d.path, path);
        QVERIFY2(d.message.contains(message), qPrintable(d.message));
        QCOMPARE(d.isError(), severity == QLatin1String("error"));
        QVERIFY(d.line > 0); // placed in the file like every other problem
    }
    QCOMPARE(result.plan.positions.size(), positions);
    QCOMPARE(result.plan.layoutDirection, QByteArray(QTest::currentDataTag()) == "direction" ? QStringLiteral("left-to-right") : QString());
    if (QByteArray(QTest::currentDataTag()) == "valid") {
        QCOMPARE(result.plan.positions.value(QStringLiteral("a")), QPointF(120, 40));
        QCOMPARE(result.plan.positions.value(QStringLiteral("b")), QPointF(-3.5, 0));
    }
}

void tst_PlanReader::syntaxErrorsHaveLineAndColumn_data()
{
    QTest::addColumn<QString>("plan");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing comma") << "{\n  \"name\": \"t\"\n  \"resources\": []\n}" << 3 << 3 << "not valid JSON: syntax error while parsing object";
    QTest::newRow("truncated") << "{\"name\": \"t\",\n \"resources\": [" << 2 << 16 << "unexpected end of input";
    QTest::newRow("trailing comma") << "{\"name\": \"t\", \"resources\": [],}" << 1 << 30 << "a trailing comma: JSON allows no comma after the last member of an object";
    QTest::newRow("trailing comma in a list") << "{\"name\": \"t\",\n \"resources\": [{\"id\": \"a\"},\n ]}" << 2 << 27 << "a trailing comma: JSON allows no comma after the last item of a list";
    QTest::newRow("bad character, one line") << "{\"name\": \"t\", \"resources\": [@], \"parallelism\": 2}" << 1 << 29 << "invalid literal";
    QTest::newRow("bad literal") << "{\"name\": tru}" << 1 << 10 << "invalid literal";
    QTest::newRow("bad number") << "{\"name\": 12x}" << 1 << 10 << "invalid literal";
    QTest::newRow("after non-ASCII text") << "{\"name\": \"café\", x}" << 1 << 18 << "invalid literal";
    QTest::newRow("empty file") << "" << 1 << 1 << "the file is empty";
    QTest::newRow("only spaces") << " \n\n" << 1 << 1 << "the file is empty";
}

void tst_PlanReader::syntaxErrorsHaveLineAndColumn()
{
    QFETCH(QString, plan);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    const PlanReadResult result = read(plan);
    QCOMPARE(result.diagnostics.size(), 1);
    const Diagnostic &d = result.diagnostics.constFirst();
    QVERIFY2(d.message.contains(message), qPrintable(d.message));
    QCOMPARE(d.line, line);
    QCOMPARE(d.column, column);
    QVERIFY(d.toString(QStringLiteral("plan.json")).startsWith(QStringLiteral("plan.json:%1:%2: error: not valid JSON").arg(line).arg(column)));
    // "Cut short" only where the text ends in the middle of the JSON, never for an error before.
    QCOMPARE(d.message.contains(QLatin1String("cut short")), QByteArray(QTest::currentDataTag()) == "truncated");
}

void tst_PlanReader::problemsPointIntoTheFile()
{
    const QString plan = QStringLiteral(
        "{\n"
        "  \"name\": \"t\",\n"
        "  \"resources\": [\n"
        "    {\"id\": \"vpc\", \"type\": \"sim\"},\n"
        "    {\"id\": \"db\", \"type\": \"sim\",\n"
        "     \"depends_on\": [\"vpc\", \"vcp\"]},\n"
        "    {\"id\": \"é\", \"type\": \"sim\", \"timeout\": \"1 hour\"}\n"
        "  ]\n"
        "}\n");
    const PlanReadResult result = read(plan);
    QCOMPARE(result.diagnostics.size(), 2);
    const Diagnostic &dependency = result.diagnostics[0]; // in file order
    QCOMPARE(dependency.path, QStringLiteral("resources[1].depends_on[1]"));
    QCOMPARE(dependency.line, 6);
    QCOMPARE(dependency.column, 28);
    QCOMPARE(dependency.toString(QStringLiteral("plan.json")),
             QStringLiteral("plan.json:6:28: error: resources[1].depends_on[1]: unknown dependency \"vcp\"; did you mean \"vpc\"?"));
    const Diagnostic &timeout = result.diagnostics[1];
    QCOMPARE(timeout.path, QStringLiteral("resources[2].timeout"));
    QCOMPARE(timeout.line, 7);
    QCOMPARE(timeout.column, 32); // the key, counted in characters ("é" is two bytes)
}

// "timout": "30s" would leave the resource with no timeout at all: the plan must not run.
void tst_PlanReader::misspeltFieldIsAnErrorAtItsPlace()
{
    const QString plan = QStringLiteral(
        "{\n"
        "  \"name\": \"t\",\n"
        "  \"resources\": [\n"
        "    {\"id\": \"db\", \"type\": \"sim\", \"timout\": \"30s\"}\n"
        "  ]\n"
        "}\n");
    const PlanReadResult result = read(plan);
    QVERIFY(result.hasErrors());
    QCOMPARE(result.diagnostics.size(), 1);
    QCOMPARE(result.diagnostics[0].toString(QStringLiteral("plan.json")),
             QStringLiteral("plan.json:4:33: error: resources[0].timout: unknown field \"timout\"; did you mean \"timeout\"?"));

    // In a mapping rule, once, where it is written: not for each resource the rule maps.
    const PlanReadResult mapped = read(QStringLiteral(
        "{\"name\": \"t\",\n"
        " \"mapping\": [{\"match\": \"aws_*\", \"type\": \"sim\", \"duraton\": \"1s\", \"x-why\": \"a note\"}],\n"
        " \"resources\": [{\"id\": \"a\", \"source\": {\"type\": \"aws_vpc\"}}, {\"id\": \"b\", \"source\": {\"type\": \"aws_subnet\"}}]}\n"));
    QCOMPARE(dump(mapped.diagnostics), QStringLiteral("plan.json:2:48: error: mapping[0].duraton: unknown field \"duraton\"; did you mean \"duration\"?"));
    QVERIFY(!mapped.plan.resources[0].params.contains("duraton"));

    // A required field that is not there has no place of its own: the resource's is given.
    const PlanReadResult missing = read(QStringLiteral("{\"name\": \"t\",\n \"resources\": [\n  {\"id\": \"a\", \"type\": \"sim\"},\n"
                                                       "  {\"id\": \"b\", \"type\": \"command\"}]}\n"));
    QCOMPARE(missing.diagnostics.size(), 1);
    QVERIFY2(missing.diagnostics[0].toString(QStringLiteral("plan.json")).startsWith(QStringLiteral("plan.json:4:3: error: resources[1].command: missing")),
             qPrintable(dump(missing.diagnostics)));
}

// Fields named "x-..." are the user's own notes: accepted wherever the plan has fields, and never
// seen by a run (not among an executor's parameters, their ${...} not resolved).
void tst_PlanReader::notesAreAcceptedEverywhere()
{
    const PlanReadResult result = read(QStringLiteral(R"({
        "name": "t", "x-owner": "platform",
        "defaults": {"timeout": "1m", "x-why": "slow API", "retry": {"max_attempts": 2, "x-ticket": 12, "backoff": {"initial": "1s", "x-note": 1}}},
        "groups": {"net": {"limit": 2, "x-owner": "network"}},
        "variables": {"token": {"value": "s", "secret": true, "x-rotated": "2026-01-01"}},
        "mapping": [{"match": "aws_*", "type": "sim", "duration": "1s", "x-why": "not yet"}],
        "resources": [
            {"id": "a", "type": "sim", "group": "net", "x-owner": {"team": "db", "see": "${resources.nosuch.outputs.x}"},
             "retry": {"max_attempts": 3, "x-why": "flaky"},
             "destroy": {"type": "command", "command": ["true"], "x-owner": "${var.nosuch}"}},
            {"id": "b", "source": {"type": "aws_vpc", "address": "aws_vpc.main"}, "x-imported-by": "me"}
        ],
        "layout": {"positions": {"a": {"x": 1, "y": 2, "x-pinned-by": "me"}}, "x-zoom": 2}
    })"));
    QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    const Resource &a = result.plan.resources[0];
    QCOMPARE(a.timeoutMs, 60'000);
    QCOMPARE(a.retry.maxAttempts, 3);
    QVERIFY(!a.params.contains("x-owner"));
    QVERIFY(!a.destroy.contains("x-owner"));
    QCOMPARE(a.destroy.size(), std::size_t(2));
    const Resource &b = result.plan.resources[1];
    QCOMPARE(b.type, QStringLiteral("sim"));
    QVERIFY(!b.params.contains("x-why"));
    QVERIFY(!b.params.contains("x-imported-by"));

    // Changing a note changes nothing a run compares: the resource is not replaced.
    const PlanReadResult without = read(withResources(QStringLiteral(
        R"({"id": "a", "type": "sim", "group": "net", "destroy": {"type": "command", "command": ["true"]}})"))
                                            .replace(QStringLiteral("\"resources\""), QStringLiteral("\"groups\": {\"net\": {}}, \"resources\"")));
    QVERIFY2(without.diagnostics.isEmpty(), qPrintable(dump(without.diagnostics)));
    QCOMPARE(DeploymentState::definitionHash(a), DeploymentState::definitionHash(without.plan.resources[0]));
}

void tst_PlanReader::collectsEveryProblem()
{
    const PlanReadResult result = read(withResources(QStringLiteral(
        R"({"id": "a", "type": "sim", "timeout": "x"},
           {"id": "a", "type": "bogus"},
           {"id": "c", "type": "sim", "depends_on": ["c", "nothing"], "failure_rate": -1})")));
    QStringList paths;
    for (const Diagnostic &d : result.diagnostics)
        paths.append(d.path);
    paths.sort();
    QCOMPARE(paths, (QStringList{"resources[0].timeout", "resources[1].id", "resources[1].type",
                                 "resources[2].depends_on[0]", "resources[2].depends_on[1]", "resources[2].failure_rate"}));
}

void tst_PlanReader::readsEveryField()
{
    const PlanReadResult result = read(QStringLiteral(R"({
        "name": "web", "description": "d", "parallelism": 7, "fail_fast": true, "seed": 42,
        "groups": {"rds-api": {"label": "RDS", "limit": 2}, "net": {}},
        "resources": [
          {"id": "vpc", "name": "VPC", "type": "sim", "group": "net", "duration": "3s"},
          {"id": "db", "type": "sim", "group": "rds-api", "depends_on": ["vpc"], "duration": ["20s", "40s"],
           "timeout": "10m", "estimate": "30s", "fail_attempts": 1, "failure_rate": 0.5, "log_lines": 3, "seed": 9,
           "retry": {"max_attempts": 3, "backoff": {"initial": "1s", "max": "30s", "multiplier": 3}, "jitter": 0.2}}]})"));
    QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    const Plan &plan = result.plan;
    QCOMPARE(plan.name, QStringLiteral("web"));
    QCOMPARE(plan.parallelism, 7);
    QVERIFY(plan.failFast);
    QCOMPARE(plan.seed, std::optional<quint64>(42));
    QCOMPARE(plan.groups.size(), 2);
    QCOMPARE(plan.groups[0].name, QStringLiteral("rds-api")); // in the file's order
    const Group &rds = plan.groups[plan.groupIndex(QStringLiteral("rds-api"))];
    QCOMPARE(rds.label, QStringLiteral("RDS"));
    QCOMPARE(rds.limit, 2);
    QCOMPARE(plan.resources.size(), 2);
    QCOMPARE(plan.resources[0].displayName(), QStringLiteral("VPC"));
    const Resource &db = plan.resources[1];
    QCOMPARE(db.dependsOn, QStringList{QStringLiteral("vpc")});
    QCOMPARE(db.group, QStringLiteral("rds-api"));
    QCOMPARE(db.timeoutMs, 600'000);
    QCOMPARE(db.estimateMs, std::optional<qint64>(30'000));
    QCOMPARE(db.retry.maxAttempts, 3);
    QCOMPARE(db.retry.initialBackoffMs, 1000);
    QCOMPARE(db.retry.maxBackoffMs, 30'000);
    QCOMPARE(db.retry.multiplier, 3.0);
    QCOMPARE(db.retry.jitter, 0.2);
    QCOMPARE(db.retry.backoffBefore(2), 1000);
    QCOMPARE(db.retry.backoffBefore(3), 3000);
    QCOMPARE(db.retry.backoffBefore(5), 27'000);
    QCOMPARE(db.retry.backoffBefore(6), 30'000);
    QVERIFY(db.params.contains("duration"));
    QVERIFY(!db.params.contains("depends_on"));
}

void tst_PlanReader::defaultsApplyAndResourcesOverride()
{
    const PlanReadResult result = read(QStringLiteral(R"({"name": "t",
        "defaults": {"timeout": "10m", "retry": {"max_attempts": 3, "backoff": {"initial": "2s"}}},
        "resources": [{"id": "a", "type": "sim"},
                      {"id": "b", "type": "sim", "timeout": "1m", "retry": {"max_attempts": 1}}]})"));
    QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    QCOMPARE(result.plan.resources[0].timeoutMs, 600'000);
    QCOMPARE(result.plan.resources[0].retry.maxAttempts, 3);
    QCOMPARE(result.plan.resources[0].retry.initialBackoffMs, 2000);
    QCOMPARE(result.plan.resources[1].timeoutMs, 60'000);
    QCOMPARE(result.plan.resources[1].retry.maxAttempts, 1);
    QCOMPARE(result.plan.resources[1].retry.initialBackoffMs, 2000); // only what it sets is overridden
}

void tst_PlanReader::demoPlanIsValid()
{
    const PlanReadResult result = PlanReader::readFile(QStringLiteral(":/plans/demo.json"), ExecutorRegistry::builtIn());
    QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    QVERIFY(result.plan.resources.size() >= 20 && result.plan.resources.size() <= 32);
    // One resource fails once and retries by itself; one fails once with no retry.
    int retriedAutomatically = 0;
    int failsForGood = 0;
    for (const Resource &r : result.plan.resources) {
        const int failAttempts = r.params.value("fail_attempts", 0);
        if (failAttempts > 0 && r.retry.maxAttempts > failAttempts)
            ++retriedAutomatically;
        else if (failAttempts > 0)
            ++failsForGood;
    }
    QCOMPARE(retriedAutomatically, 1);
    QCOMPARE(failsForGood, 1);
}

// docs/plan-format.md shows a full example plan and what `fanout validate` prints for a broken one:
// both must stay true as the format changes.
void tst_PlanReader::documentedExamplesHold()
{
    QFile doc(QStringLiteral(FANOUT_DOCS "/plan-format.md"));
    QVERIFY(doc.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(doc.readAll());
    QStringList jsonBlocks;
    QStringList plainBlocks;
    static const QRegularExpression fence(QStringLiteral("```(\\w*)\\n(.*?)```"), QRegularExpression::DotMatchesEverythingOption);
    for (const QRegularExpressionMatch &m : fence.globalMatch(text)) {
        if (m.captured(1) == QLatin1String("json"))
            jsonBlocks.append(m.captured(2));
        else if (m.captured(1).isEmpty()) // ```text blocks show other output
            plainBlocks.append(m.captured(2));
    }
    QCOMPARE(jsonBlocks.size(), 5); // the full example, three of count, for_each and targets (tst_planexpansion), the broken one
    QCOMPARE(plainBlocks.size(), 1);

    const PlanReadResult full = read(jsonBlocks[0]);
    QVERIFY2(full.diagnostics.isEmpty(), qPrintable(dump(full.diagnostics)));
    QVERIFY(full.plan.resources.size() >= 5);
    QVERIFY(!full.plan.groups.isEmpty());

    const PlanReadResult broken = read(jsonBlocks.last());
    QStringList printed = plainBlocks[0].split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    printed.removeLast(); // the summary line comes from the command line, not the reader
    QCOMPARE(dump(broken.diagnostics), printed.join(QLatin1Char('\n')));
}

void tst_PlanReader::fileProblems()
{
    const PlanReadResult missing = PlanReader::readFile(QStringLiteral("/nonexistent/plan.json"), ExecutorRegistry::builtIn());
    QCOMPARE(missing.diagnostics.size(), 1);
    QVERIFY2(missing.diagnostics[0].message.startsWith(QStringLiteral("cannot open the plan: ")), qPrintable(missing.diagnostics[0].message));
    QCOMPARE(missing.file, QStringLiteral("/nonexistent/plan.json"));

    QTemporaryDir dir;
    const PlanReadResult directory = PlanReader::readFile(dir.path(), ExecutorRegistry::builtIn());
    QVERIFY(directory.diagnostics[0].message.contains(QStringLiteral("is a directory")));
}

void tst_PlanReader::utf16File()
{
    const QString text = QStringLiteral(R"({"name": "ü", "resources": [{"id": "a", "type": "sim", "duration": "1s"}]})");
    for (const auto encoding : {QStringConverter::Utf16LE, QStringConverter::Utf16BE}) {
        QStringEncoder encoder(encoding, QStringConverter::Flag::WriteBom);
        const QByteArray bytes = encoder(text);
        const PlanReadResult result = PlanReader::readText(bytes, QStringLiteral("utf16.json"), ExecutorRegistry::builtIn());
        QVERIFY2(result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
        QCOMPARE(result.plan.name, QStringLiteral("ü"));
    }
}

void tst_PlanReader::neverCrashesOnTruncatedInput()
{
    QFile demo(QStringLiteral(":/plans/demo.json"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    const QByteArray text = demo.readAll();
    int rejected = 0;
    for (qsizetype size = 0; size < text.size(); size += 7) {
        const PlanReadResult result = PlanReader::readText(text.left(size), QStringLiteral("cut.json"), ExecutorRegistry::builtIn());
        QVERIFY(result.hasErrors());
        QVERIFY(result.diagnostics[0].line > 0);
        ++rejected;
    }
    QVERIFY(rejected > 100);
}

void tst_PlanReader::neverCrashesOnMutatedInput()
{
    QFile demo(QStringLiteral(":/plans/demo.json"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    const QByteArray original = demo.readAll();
    QRandomGenerator random(1234);
    const QByteArray alphabet = "{}[],:\"0123456789-.eE \ntruefalsnl\\\xff\xc3";
    int accepted = 0;
    for (int round = 0; round < 2000; ++round) {
        QByteArray text = original;
        const int edits = 1 + int(random.bounded(4));
        for (int e = 0; e < edits; ++e)
            text[random.bounded(int(text.size()))] = alphabet[random.bounded(int(alphabet.size()))];
        const PlanReadResult result = PlanReader::readText(text, QStringLiteral("mutated.json"), ExecutorRegistry::builtIn());
        for (const Diagnostic &d : result.diagnostics)
            QVERIFY(!d.message.isEmpty());
        accepted += result.hasErrors() ? 0 : 1;
    }
    qInfo("%d of 2000 mutated plans were still valid", accepted);
}

void tst_PlanReader::deepNestingIsAnError()
{
    const QByteArray deep = QByteArray(100'000, '[') + QByteArray(100'000, ']');
    const PlanReadResult result = PlanReader::readText(deep, QStringLiteral("deep.json"), ExecutorRegistry::builtIn());
    QCOMPARE(result.diagnostics.size(), 1);
    QCOMPARE(result.diagnostics[0].message, QStringLiteral("nested more than 64 levels deep; a plan never needs that, so this is not read"));
    QCOMPARE(result.diagnostics[0].column, 65);

    // Deep inside a resource, as an executor parameter nobody knows: the place is where it
    // became too deep.
    const QByteArray inResource = R"({"name": "t", "resources": [{"id": "a", "type": "sim", "x": )" + deep + "}]}";
    const PlanReadResult nested = PlanReader::readText(inResource, QStringLiteral("deep.json"), ExecutorRegistry::builtIn());
    QCOMPARE(nested.diagnostics.size(), 1);
    QCOMPARE(nested.diagnostics[0].column, 61 + 61);

    // As deep as allowed is still read (a note of the user's own, so no problem at all).
    const QByteArray fine = R"({"name": "t", "resources": [{"id": "a", "type": "sim", "x-y": )" + QByteArray(61, '[') + QByteArray(61, ']') + "}]}";
    const PlanReadResult ok = PlanReader::readText(fine, QStringLiteral("fine.json"), ExecutorRegistry::builtIn());
    QVERIFY2(ok.diagnostics.isEmpty(), qPrintable(dump(ok.diagnostics)));
}

QTEST_GUILESS_MAIN(tst_PlanReader)
#include "tst_planreader.moc"
