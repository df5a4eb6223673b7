// What executors say of themselves (ExecutorDescription): the validator's parameter names come from
// it, a new resource's parameters from it are valid, the executors check the ranges it states, and
// every description is complete enough for the Inspector to build a section from it.
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"

#include <QTest>

#include <set>

using namespace fanout;
using json = nlohmann::ordered_json;
using Kind = FieldDescription::Kind;

namespace {

// An executor the engine does not know, described with one field the form shows and one only the
// JSON tab edits.
class DescribedExecutor final : public Executor
{
public:
    const ExecutorDescription &description() const override
    {
        static const ExecutorDescription described{
            .type = QStringLiteral("described"),
            .section = {.fields = {{.path = QStringLiteral("target"), .label = QStringLiteral("Target"), .what = QStringLiteral("the target")},
                                   {.path = QStringLiteral("extra.deep"), .kind = Kind::JsonValue, .jsonOnly = true}}}};
        return described;
    }
    void validate(const json &, const QString &, Diagnostics &) const override {}
    void start(std::shared_ptr<Attempt>, QThreadPool &) const override {}
};

} // namespace

class tst_ExecutorDescription : public QObject
{
    Q_OBJECT

private slots:
    void parameterNamesComeFromTheDescription_data();
    void parameterNamesComeFromTheDescription();
    void validatorKnowsWhatTheDescriptionNames();
    void newResourcesAreValid();
    void descriptionsAreComplete();
    void membersOfAParameter();
    void acceptsNumber_data();
    void acceptsNumber();
    void executorsCheckTheStatedRanges();
};

void tst_ExecutorDescription::parameterNamesComeFromTheDescription_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("sim") << "sim" << QStringList{"duration", "failure_rate", "fail_attempts", "log_lines", "seed", "failure_message", "outputs"};
    QTest::newRow("command") << "command" << QStringList{"shell", "command", "cwd", "image", "env", "grace", "outputs_json"};
    QTest::newRow("http") << "http" << QStringList{"request", "request_timeout", "max_response_size", "wait", "outputs"};
}

void tst_ExecutorDescription::parameterNamesComeFromTheDescription()
{
    QFETCH(QString, type);
    QFETCH(QStringList, names);
    const Executor *executor = ExecutorRegistry::builtIn().find(type);
    QVERIFY(executor);
    QCOMPARE(executor->type(), type);
    QCOMPARE(executor->description().type, type);
    // The JSON-only ones (log_lines, wait, outputs) included.
    QCOMPARE(executor->parameterNames(), names);
}

void tst_ExecutorDescription::validatorKnowsWhatTheDescriptionNames()
{
    ExecutorRegistry registry;
    registry.add(std::make_unique<DescribedExecutor>());
    const PlanReadResult read = PlanReader::readJson(
        json::parse(R"({"name": "p", "resources": [{"id": "a", "type": "described", "target": "x", "extra": {}, "targte": 1}]})"), registry);
    QStringList unknown;
    for (const Diagnostic &d : read.diagnostics)
        unknown.append(d.path + QStringLiteral(": ") + d.message);
    QCOMPARE(unknown, QStringList{"resources[0].targte: unknown field \"targte\"; did you mean \"target\"?"});
}

void tst_ExecutorDescription::newResourcesAreValid()
{
    for (const QString &type : ExecutorRegistry::builtIn().types()) {
        const Executor *executor = ExecutorRegistry::builtIn().find(type);
        const json &parameters = executor->description().newParameters;
        QVERIFY2(parameters.is_object() && !parameters.empty(), qPrintable(type));
        Diagnostics problems;
        executor->validate(parameters, QString(), problems);
        QVERIFY2(problems.isEmpty(), qPrintable(type + QStringLiteral(": ") + problems.value(0).message));
        for (const auto &[key, value] : parameters.items())
            QVERIFY2(executor->parameterNames().contains(QString::fromStdString(key)), key.c_str());
    }
}

// What the Inspector needs to build a section: a title, and for each field it shows a label, words
// for messages and a tooltip; defaults that are among the choices; a flag that switches a command
// field names one.
void tst_ExecutorDescription::descriptionsAreComplete()
{
    QList<FieldSection> sections = FieldSection::commonSections();
    for (const QString &type : ExecutorRegistry::builtIn().types()) {
        const ExecutorDescription &description = ExecutorRegistry::builtIn().find(type)->description();
        QVERIFY2(!description.summary.isEmpty() && !description.iconSvg.isEmpty(), qPrintable(type));
        sections.append(description.section);
    }
    std::set<QString> common;
    for (const FieldSection &section : sections) {
        QVERIFY(!section.title.isEmpty());
        std::set<QString> paths;
        for (const FieldDescription &field : section.fields) {
            const QString where = section.title + QStringLiteral(": ") + field.path;
            QVERIFY2(paths.insert(field.path).second, qPrintable(where + QStringLiteral(" is described twice")));
            QVERIFY2(!field.what.isEmpty() && !field.help.isEmpty(), qPrintable(where));
            QVERIFY2(field.jsonOnly || !field.label.isEmpty(), qPrintable(where));
            if (field.kind == Kind::Choice && !field.defaultValue.is_null())
                QVERIFY2(field.choices.contains(field.defaultText()), qPrintable(where));
            if (!field.switchesCommand.isEmpty())
                QCOMPARE(section.field(field.switchesCommand).kind, Kind::Command);
        }
    }
}

void tst_ExecutorDescription::membersOfAParameter()
{
    const ExecutorDescription &http = ExecutorRegistry::builtIn().find(QStringLiteral("http"))->description();
    QCOMPARE(http.section.memberNames(QStringLiteral("request")), QStringList({"method", "url", "headers", "body", "expect"}));
    QCOMPARE(http.section.memberNames(QStringLiteral("wait")), QStringList());
    QCOMPARE(http.field(QStringLiteral("request.url")).parameter(), QStringLiteral("request"));
}

void tst_ExecutorDescription::acceptsNumber_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("whole");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("in range") << "5" << true << true;
    QTest::newRow("lowest") << "1" << true << true;
    QTest::newRow("highest") << "10" << true << true;
    QTest::newRow("below") << "0" << true << false;
    QTest::newRow("above") << "11" << true << false;
    QTest::newRow("fraction, whole wanted") << "2.5" << true << false;
    QTest::newRow("fraction") << "2.5" << false << true;
    QTest::newRow("string") << "\"5\"" << false << false;
    QTest::newRow("bool") << "true" << false << false;
}

void tst_ExecutorDescription::acceptsNumber()
{
    QFETCH(QString, value);
    QFETCH(bool, whole);
    QFETCH(bool, accepted);
    const FieldDescription field{.kind = Kind::Number, .minimum = 1, .maximum = 10, .wholeNumber = whole};
    QCOMPARE(field.acceptsNumber(json::parse(value.toStdString())), accepted);
    QVERIFY(FieldDescription{}.acceptsNumber(json(-1e9))); // no range: any number
}

// The ranges the descriptions state are the ones the executors enforce.
void tst_ExecutorDescription::executorsCheckTheStatedRanges()
{
    const Executor *sim = ExecutorRegistry::builtIn().find(QStringLiteral("sim"));
    const FieldDescription &rate = sim->description().field(QStringLiteral("failure_rate"));
    QCOMPARE(rate.minimum.value_or(-1), 0.0);
    QCOMPARE(rate.maximum.value_or(-1), 1.0);
    Diagnostics problems;
    sim->validate(json{{"failure_rate", *rate.maximum + 0.5}}, QStringLiteral("r"), problems);
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems[0].message, QStringLiteral("must be a number from 0 (never fails) to 1 (always fails)"));

    const Executor *http = ExecutorRegistry::builtIn().find(QStringLiteral("http"));
    const FieldDescription &expect = http->description().field(QStringLiteral("request.expect"));
    problems.clear();
    http->validate(json{{"request", {{"url", "http://x/"}, {"expect", {int(*expect.minimum), int(*expect.maximum), int(*expect.maximum) + 1}}}}}, QString(), problems);
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems[0].path, QStringLiteral("request.expect[2]"));

    const Executor *command = ExecutorRegistry::builtIn().find(QStringLiteral("command"));
    QVERIFY(command->description().field(QStringLiteral("command")).required);
    problems.clear();
    command->validate(json::object(), QString(), problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].message.startsWith(QLatin1String("missing:")));
}

QTEST_GUILESS_MAIN(tst_ExecutorDescription)
#include "tst_executordescription.moc"
