// The Inspector's form as a user drives it: each executor type gets its own fields, a value is
// checked as it is typed (invalid ones are marked in place with the engine's reason and never reach
// the plan), a valid one is applied on Enter as one undoable step, the raw JSON can be edited and
// applied, the Problems panel can focus any field, and a running resource is locked. The form and
// the palette are built from the executors' descriptions: a made-up executor gets its own section.
// Offscreen.
#include "engine/executors/executorregistry.h"
#include "engine/executors/simexecutor.h"
#include "engine/run/deployment.h"
#include "engine/support/jsonlocator.h"
#include "guitest.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/inspector/fieldlist.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/inspector/fieldeditor.h"
#include "ui/inspector/planfanoutform.h"
#include "ui/inspector/resourceform.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/resourcepalette.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTextBlock>
#include <QToolButton>
#include <QUndoStack>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// A workspace (its document, deployment and selection, as the main window keeps them) and the
// Inspector on it.
class Fixture
{
public:
    explicit Fixture(const char *plan)
        : workspace(ExecutorRegistry::builtIn())
        , document(workspace.document())
        , deployment(workspace.deployment())
        , pane(workspace)
    {
        document.load(json::parse(plan)); // the deployment follows the document
        pane.resize(350, 1000);
        pane.show();
    }

    bool select(const char *id)
    {
        workspace.selection().selectId(QLatin1String(id));
        return workspace.selection().current() >= 0 && QTest::qWaitForWindowActive(&pane);
    }
    ResourceForm *form() const { return pane.form(); }
    template <typename T>
    T *editor(const char *path) const { return qobject_cast<T *>(form()->editor(QLatin1String(path))); }
    QLabel *message(const char *path) const { return form()->message(QLatin1String(path)); }
    const json &resource(int i) const { return document.document()["resources"][std::size_t(i)]; }
    int steps() const { return document.undoStack()->count(); }

    Workspace workspace;
    PlanDocument &document;
    Deployment &deployment;
    InspectorPane pane;
};

// Types `text` over what the line edit has, as a user does after selecting it all.
void retype(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Delete);
    else
        QTest::keyClicks(edit, text);
}

void retype(QPlainTextEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(edit, Qt::Key_Return);
        QTest::keyClicks(edit, lines[i]);
    }
}

bool isMarked(QWidget *edit)
{
    return edit->styleSheet().contains(QLatin1String("border"));
}

const char *kSimPlan = "{\"name\": \"p\", \"groups\": {\"network\": {}, \"rds-api\": {\"limit\": 2}},"
                       " \"resources\": ["
                       "  {\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"1s\"},"
                       "  {\"id\": \"db\", \"type\": \"sim\", \"depends_on\": [\"vpc\"], \"duration\": \"2s\", \"timeout\": \"1m\", \"log_lines\": 3}]}";

// A made-up fourth executor with a field of every kind. Neither the form nor the palette has heard
// of it: they can show it only by reading its description. It checks what its description states
// (required fields, number ranges), as the built-in executors do.
class ProbeExecutor final : public Executor
{
public:
    const ExecutorDescription &description() const override
    {
        using Kind = FieldDescription::Kind;
        static const ExecutorDescription described{
            .type = QStringLiteral("probe"),
            .summary = QStringLiteral("checks that something answers"),
            .iconSvg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='6' fill='#a142f4'/></svg>",
            .newParameters = {{"target", "db:5432"}},
            .section = {
                .title = QStringLiteral("Probe"),
                .fields = {
                    {.path = QStringLiteral("target"), .label = QStringLiteral("Target"), .what = QStringLiteral("the target"),
                     .help = QStringLiteral("Host and port. Required."), .placeholder = QStringLiteral("host:port"), .required = true},
                    {.path = QStringLiteral("every"), .kind = Kind::Duration, .label = QStringLiteral("Every"), .what = QStringLiteral("the interval"),
                     .help = QStringLiteral("Between probes."), .defaultValue = "2s"},
                    {.path = QStringLiteral("window"), .kind = Kind::DurationOrRange, .label = QStringLiteral("Window"), .what = QStringLiteral("the window"),
                     .help = QStringLiteral("How long to probe."), .secondPlaceholder = QStringLiteral("fixed"), .secondHelp = QStringLiteral("The longest.")},
                    {.path = QStringLiteral("tries"), .kind = Kind::Number, .label = QStringLiteral("Tries"), .what = QStringLiteral("the tries"),
                     .help = QStringLiteral("Probes in all."), .unit = QStringLiteral("probes"), .defaultValue = 3, .minimum = 1, .maximum = 10, .wholeNumber = true},
                    {.path = QStringLiteral("mode"), .kind = Kind::Choice, .label = QStringLiteral("Mode"), .what = QStringLiteral("the mode"),
                     .help = QStringLiteral("TCP or UDP."), .choices = {QStringLiteral("tcp"), QStringLiteral("udp")}, .defaultValue = "tcp"},
                    {.path = QStringLiteral("shell"), .kind = Kind::Flag, .label = QStringLiteral("Check through a shell"), .what = QStringLiteral("the shell setting"),
                     .help = QStringLiteral("One line for /bin/sh."), .defaultValue = false, .switchesCommand = QStringLiteral("check")},
                    {.path = QStringLiteral("check"), .kind = Kind::Command, .label = QStringLiteral("Check"), .what = QStringLiteral("the check"),
                     .help = QStringLiteral("A program and its arguments."), .placeholder = QStringLiteral("word"), .secondPlaceholder = QStringLiteral("a line"),
                     .secondHelp = QStringLiteral("One line."), .addText = QStringLiteral("Add word"), .itemName = QStringLiteral("Word")},
                    {.path = QStringLiteral("hosts"), .kind = Kind::StringList, .label = QStringLiteral("Hosts"), .what = QStringLiteral("the hosts"),
                     .help = QStringLiteral("Where to probe from."), .placeholder = QStringLiteral("host"), .addText = QStringLiteral("Add host")},
                    {.path = QStringLiteral("labels"), .kind = Kind::NameValueMap, .label = QStringLiteral("Labels"), .what = QStringLiteral("the labels"),
                     .help = QStringLiteral("A key and a value per row."), .placeholder = QStringLiteral("key"), .secondPlaceholder = QStringLiteral("value"),
                     .addText = QStringLiteral("Add label")},
                    {.path = QStringLiteral("payload.body"), .kind = Kind::JsonValue, .label = QStringLiteral("Payload"), .what = QStringLiteral("the payload"),
                     .help = QStringLiteral("Any JSON.")},
                    {.path = QStringLiteral("payload.codes"), .kind = Kind::NumberList, .label = QStringLiteral("Codes"), .what = QStringLiteral("the codes"),
                     .help = QStringLiteral("Statuses that mean up."), .minimum = 100, .maximum = 599, .wholeNumber = true},
                    {.path = QStringLiteral("history"), .kind = Kind::JsonValue, .what = QStringLiteral("the history"), .help = QStringLiteral("Kept."), .jsonOnly = true},
                },
                .footnote = QStringLiteral("History: in the JSON tab."),
            },
        };
        return described;
    }

    void validate(const json &params, const QString &path, Diagnostics &out) const override
    {
        auto error = [&](const QString &at, const QString &message) { out.append({Diagnostic::Severity::Error, at, 0, 0, message}); };
        for (const FieldDescription &field : description().section.fields) {
            QString at = path;
            const json *value = &params;
            for (const QString &key : field.path.split(QLatin1Char('.'))) {
                at = jsonMemberPath(at, key);
                value = value && value->is_object() && value->contains(key.toStdString()) ? &(*value)[key.toStdString()] : nullptr;
            }
            if (!value && field.required)
                error(at, QStringLiteral("missing: say what to probe"));
            else if (value && field.kind == FieldDescription::Kind::Number && !field.acceptsNumber(*value))
                error(at, QStringLiteral("must be a whole number from %1 to %2").arg(*field.minimum).arg(*field.maximum));
            for (std::size_t i = 0; value && field.kind == FieldDescription::Kind::NumberList && i < value->size(); ++i) {
                if (!field.acceptsNumber((*value)[i]))
                    error(jsonIndexPath(at, qsizetype(i)), QStringLiteral("must be a status from %1 to %2").arg(*field.minimum).arg(*field.maximum));
            }
        }
    }

    void start(std::shared_ptr<Attempt>, QThreadPool &) const override {}
};

// The built-in simulation and the probe.
struct ProbeRegistry
{
    ProbeRegistry()
    {
        registry.add(std::make_unique<SimExecutor>());
        registry.add(std::make_unique<ProbeExecutor>());
    }
    ExecutorRegistry registry;
};

// A form on a plan of probes (and simulations), showing the resource "p".
struct ProbeFixture : ProbeRegistry
{
    explicit ProbeFixture(const char *plan)
        : document(registry)
        , form(registry)
    {
        document.load(json::parse(plan));
        form.setDocument(&document);
        form.showResource(QStringLiteral("p"));
        form.resize(400, 1400);
        form.show();
    }
    PlanDocument document;
    ResourceForm form;
};

// The label the form shows beside `editor`'s row.
QLabel *labelOf(const ResourceForm &form, QWidget *editor)
{
    for (QLabel *label : form.findChildren<QLabel *>()) {
        if (label->buddy() && (label->buddy() == editor || label->buddy()->isAncestorOf(editor)))
            return label;
    }
    return nullptr;
}

} // namespace

class tst_InspectorForm : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void invalidDurationIsMarkedAndNotApplied();
    void validDurationAppliedAndUndone();
    void formFitsTheExecutorType();
    void commandArgumentList();
    void commandEnvironment();
    void httpMethodAndUrl();
    void retryPolicy();
    void simDurationRange();
    void groupCombo();
    void jsonApplied();
    void jsonSyntaxErrorShownWithLineAndColumn();
    void jsonIdChangeRefused();
    void focusField_data();
    void focusField();
    void runningResourceIsLocked();
    void undoFromTheEditMenu();
    void anInstanceIsEditedAsItsSet();
    void fanOutFieldsAreCheckedAsTyped();
    void targetsAndRolloutInTheirForm();
    void checksStayCheapOnALargePlan_data();
    void checksStayCheapOnALargePlan();
    void formFromADescription();
    void formFromADescriptionChecksAndApplies();
    void paletteFromTheDescriptions();
};

void tst_InspectorForm::initTestCase()
{
    useTestSettings("tst_inspectorform");
}

void tst_InspectorForm::invalidDurationIsMarkedAndNotApplied()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    auto *timeout = f.editor<QLineEdit>("timeout");
    QVERIFY(timeout && timeout->isVisible());
    QVERIFY(!timeout->isReadOnly());
    QVERIFY(!f.message("timeout")->isVisible());
    const json before = f.document.document();

    retype(timeout, QStringLiteral("5 parsecs"));
    // Marked while typing, with the reason fanout validate gives.
    QVERIFY(f.message("timeout")->isVisible());
    QVERIFY2(f.message("timeout")->text().contains(QLatin1String("bad duration &quot;5 parsecs&quot;"))
                 || f.message("timeout")->text().contains(QLatin1String("bad duration \"5 parsecs\"")),
             qPrintable(f.message("timeout")->text()));
    QVERIFY(isMarked(timeout));
    QTest::keyClick(timeout, Qt::Key_Return);
    COMPARE_JSON(f.document.document(), before);
    QCOMPARE(f.steps(), 0);
    // Still shown, and still not applied when the field is left.
    f.editor<QLineEdit>("name")->setFocus();
    COMPARE_JSON(f.document.document(), before);
    QVERIFY(f.message("timeout")->isVisible());
    QCOMPARE(timeout->text(), QStringLiteral("5 parsecs"));

    // Fixing it clears the mark as it is typed.
    retype(timeout, QStringLiteral("5s"));
    QVERIFY(!f.message("timeout")->isVisible());
    QVERIFY(!isMarked(timeout));

    // Escape gives the plan's value back.
    retype(timeout, QStringLiteral("never"));
    QVERIFY(isMarked(timeout));
    QTest::keyClick(timeout, Qt::Key_Escape);
    QCOMPARE(timeout->text(), QString());
    QVERIFY(!isMarked(timeout));
    QVERIFY(!f.message("timeout")->isVisible());
    COMPARE_JSON(f.document.document(), before);
}

void tst_InspectorForm::validDurationAppliedAndUndone()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("db"));
    auto *timeout = f.editor<QLineEdit>("timeout");
    QCOMPARE(timeout->text(), QStringLiteral("1m"));

    retype(timeout, QStringLiteral("90s"));
    QTest::keyClick(timeout, Qt::Key_Return);
    COMPARE_JSON(f.resource(1)["timeout"], json("90s"));
    QCOMPARE(f.steps(), 1);
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Change the timeout of db"));
    QCOMPARE(f.deployment.plan().resources[1].timeoutMs, 90'000); // the panes follow
    QVERIFY(timeout->hasFocus()); // still typing there

    f.document.undoStack()->undo();
    COMPARE_JSON(f.resource(1)["timeout"], json("1m"));
    QCOMPARE(timeout->text(), QStringLiteral("1m"));
    f.document.undoStack()->redo();
    QCOMPARE(timeout->text(), QStringLiteral("90s"));

    // An empty field is the default: the member goes.
    retype(timeout, QString());
    QTest::keyClick(timeout, Qt::Key_Return);
    QVERIFY(!f.resource(1).contains("timeout"));
    QVERIFY(!timeout->placeholderText().isEmpty());
    // A plain number is seconds, written as a number.
    auto *estimate = f.editor<QLineEdit>("estimate");
    retype(estimate, QStringLiteral("30"));
    QTest::keyClick(estimate, Qt::Key_Return);
    COMPARE_JSON(f.resource(1)["estimate"], json(30));
    QCOMPARE(f.steps(), 3);
}

void tst_InspectorForm::formFitsTheExecutorType()
{
    Fixture f("{\"name\": \"p\", \"resources\": ["
              " {\"id\": \"s\", \"type\": \"sim\"},"
              " {\"id\": \"c\", \"type\": \"command\", \"command\": [\"true\"]},"
              " {\"id\": \"h\", \"type\": \"http\", \"request\": {\"url\": \"http://localhost/\"}}]}");
    QVERIFY(f.select("s"));
    QVERIFY(f.editor<QLineEdit>("failure_rate")->isVisible());
    QVERIFY(!f.editor<FieldList>("command")->isVisible());
    QVERIFY(!f.editor<QLineEdit>("request.url")->isVisible());
    QVERIFY(f.editor<QLineEdit>("retry.max_attempts")->isVisible());
    QVERIFY(f.select("c"));
    QVERIFY(!f.editor<QLineEdit>("failure_rate")->isVisible());
    QVERIFY(f.editor<FieldList>("command")->isVisible());
    QVERIFY(f.editor<QLineEdit>("cwd")->isVisible());
    QVERIFY(f.select("h"));
    QVERIFY(f.editor<QLineEdit>("request.url")->isVisible());
    QVERIFY(f.editor<QComboBox>("request.method")->isVisible());
    QCOMPARE(f.editor<QComboBox>("request.method")->currentText(), QStringLiteral("GET")); // the default
    QVERIFY(!f.editor<FieldList>("command")->isVisible());
}

void tst_InspectorForm::commandArgumentList()
{
    Fixture f("{\"name\": \"p\", \"resources\": [{\"id\": \"deploy\", \"type\": \"command\", \"command\": [\"echo\", \"hello\"]}]}");
    QVERIFY(f.select("deploy"));
    auto *arguments = f.editor<FieldList>("command");
    QCOMPARE(arguments->rowCount(), 2);
    QCOMPARE(arguments->editor(1)->text(), QStringLiteral("hello"));

    // Add an argument: a new row, focused; typed and Enter.
    QTest::mouseClick(arguments->addButton(), Qt::LeftButton);
    QCOMPARE(arguments->rowCount(), 3);
    QVERIFY(arguments->editor(2)->hasFocus());
    QCOMPARE(f.steps(), 0); // nothing yet
    QTest::keyClicks(arguments->editor(2), QStringLiteral("world"));
    QTest::keyClick(arguments->editor(2), Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["command"], json::parse("[\"echo\", \"hello\", \"world\"]"));
    QCOMPARE(f.steps(), 1);
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Change the command of deploy"));

    // Move it up: one step.
    QTest::mouseClick(arguments->upButton(2), Qt::LeftButton);
    COMPARE_JSON(f.resource(0)["command"], json::parse("[\"echo\", \"world\", \"hello\"]"));
    QCOMPARE(f.steps(), 2);
    QVERIFY(!arguments->upButton(0)->isEnabled());
    QVERIFY(!arguments->downButton(2)->isEnabled());
    // Remove the last one.
    QTest::mouseClick(arguments->removeButton(2), Qt::LeftButton);
    COMPARE_JSON(f.resource(0)["command"], json::parse("[\"echo\", \"world\"]"));
    QCOMPARE(f.steps(), 3);

    // An empty program is marked on its row and not applied.
    retype(arguments->editor(0), QString());
    QVERIFY(f.message("command")->isVisible());
    QVERIFY2(f.message("command")->text().contains(QLatin1String("Argument 1 is empty")), qPrintable(f.message("command")->text()));
    QVERIFY(isMarked(arguments->editor(0)));
    QTest::keyClick(arguments->editor(0), Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["command"], json::parse("[\"echo\", \"world\"]"));
    QCOMPARE(f.steps(), 3);

    // References are checked as fanout validate checks them, against the whole plan.
    Fixture g("{\"name\": \"p\", \"resources\": [{\"id\": \"db\", \"type\": \"sim\"},"
              " {\"id\": \"app\", \"type\": \"command\", \"command\": [\"run\", \"x\"]}]}");
    QVERIFY(g.select("app"));
    auto *second = g.editor<FieldList>("command")->editor(1);
    retype(second, QStringLiteral("${resources.db.outputs.host}"));
    QVERIFY2(!g.message("command")->isVisible(), qPrintable(g.message("command")->text()));
    retype(second, QStringLiteral("${resources.dbx.outputs.host}"));
    QVERIFY2(g.message("command")->text().contains(QLatin1String("no resource has the id")), qPrintable(g.message("command")->text()));
    QVERIFY(isMarked(second));
    retype(second, QStringLiteral("${var.nope}"));
    QVERIFY2(g.message("command")->text().contains(QLatin1String("no variable")), qPrintable(g.message("command")->text()));
    QTest::keyClick(second, Qt::Key_Return);
    COMPARE_JSON(g.resource(1)["command"], json::parse("[\"run\", \"x\"]"));
    retype(second, QStringLiteral("${resources.db.outputs.host}"));
    QTest::keyClick(second, Qt::Key_Return);
    COMPARE_JSON(g.resource(1)["command"], json::parse("[\"run\", \"${resources.db.outputs.host}\"]"));
    QCOMPARE(g.document.plan().resources[1].dependsOn, QStringList{QStringLiteral("db")}); // implied

    // An added row left empty is dropped, not applied.
    QTest::keyClicks(arguments->editor(0), QStringLiteral("printf"));
    QTest::keyClick(arguments->editor(0), Qt::Key_Return);
    QCOMPARE(f.steps(), 4);
    QTest::mouseClick(arguments->addButton(), Qt::LeftButton);
    QTest::keyClick(arguments->editor(2), Qt::Key_Return);
    QCOMPARE(arguments->rowCount(), 2);
    QCOMPARE(f.steps(), 4);

    // Through a shell: the list becomes one command line, one step.
    auto *shell = f.editor<QCheckBox>("shell");
    QTest::mouseClick(shell, Qt::LeftButton);
    COMPARE_JSON(f.resource(0)["shell"], json(true));
    COMPARE_JSON(f.resource(0)["command"], json("printf world"));
    QCOMPARE(f.steps(), 5);
    f.document.undoStack()->undo();
    QCOMPARE(arguments->rowCount(), 2);
    QVERIFY(!shell->isChecked());
}

void tst_InspectorForm::commandEnvironment()
{
    Fixture f("{\"name\": \"p\", \"resources\": [{\"id\": \"deploy\", \"type\": \"command\", \"command\": [\"env\"]}]}");
    QVERIFY(f.select("deploy"));
    auto *env = f.editor<FieldList>("env");
    QCOMPARE(env->rowCount(), 0);
    QTest::mouseClick(env->addButton(), Qt::LeftButton);
    QTest::keyClicks(env->editor(0, 0), QStringLiteral("REGION"));
    QTest::keyClick(env->editor(0, 0), Qt::Key_Tab); // to its value: not the end of the row
    QCOMPARE(f.steps(), 0);
    QTest::keyClicks(env->editor(0, 1), QStringLiteral("eu-west-1"));
    QTest::keyClick(env->editor(0, 1), Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["env"], json::parse("{\"REGION\": \"eu-west-1\"}"));
    QCOMPARE(f.steps(), 1);

    // A name with "=" is marked on its row.
    retype(env->editor(0, 0), QStringLiteral("A=B"));
    QVERIFY(f.message("env")->isVisible());
    QVERIFY2(f.message("env")->text().contains(QLatin1String("not a variable name")), qPrintable(f.message("env")->text()));
    QTest::keyClick(env->editor(0, 0), Qt::Key_Return);
    QCOMPARE(f.steps(), 1);

    auto *cwd = f.editor<QLineEdit>("cwd");
    retype(cwd, QStringLiteral("scripts"));
    QTest::keyClick(cwd, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["cwd"], json("scripts"));
}

void tst_InspectorForm::httpMethodAndUrl()
{
    Fixture f("{\"name\": \"p\", \"resources\": [{\"id\": \"bucket\", \"type\": \"http\", \"request\": {\"url\": \"http://localhost/\"}}]}");
    QVERIFY(f.select("bucket"));
    auto *method = f.editor<QComboBox>("request.method");
    method->setFocus();
    QTest::keyClick(method, Qt::Key_Down); // GET → POST
    QCOMPARE(method->currentText(), QStringLiteral("POST"));
    COMPARE_JSON(f.resource(0)["request"]["method"], json("POST"));
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Change the method of bucket"));

    auto *url = f.editor<QLineEdit>("request.url");
    retype(url, QStringLiteral("ftp://example.com"));
    QVERIFY(f.message("request.url")->isVisible());
    QVERIFY2(f.message("request.url")->text().contains(QLatin1String("http://")), qPrintable(f.message("request.url")->text()));
    QTest::keyClick(url, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["request"]["url"], json("http://localhost/"));
    // Cleared: the URL is required.
    retype(url, QString());
    QVERIFY2(f.message("request.url")->text().contains(QLatin1String("url")), qPrintable(f.message("request.url")->text()));
    QTest::keyClick(url, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["request"]["url"], json("http://localhost/"));

    retype(url, QStringLiteral("https://api.example.com/buckets"));
    QVERIFY(!f.message("request.url")->isVisible());
    QTest::keyClick(url, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["request"], json::parse("{\"url\": \"https://api.example.com/buckets\", \"method\": \"POST\"}"));

    // Headers, body and expected statuses.
    auto *headers = f.editor<FieldList>("request.headers");
    QTest::mouseClick(headers->addButton(), Qt::LeftButton);
    QTest::keyClicks(headers->editor(0, 0), QStringLiteral("Authorization"));
    QTest::keyClick(headers->editor(0, 0), Qt::Key_Tab);
    QTest::keyClicks(headers->editor(0, 1), QStringLiteral("Bearer x"));
    QTest::keyClick(headers->editor(0, 1), Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["request"]["headers"], json::parse("{\"Authorization\": \"Bearer x\"}"));
    auto *body = f.editor<QPlainTextEdit>("request.body");
    retype(body, QStringLiteral("{\"name\": "));
    QVERIFY(f.message("request.body")->isVisible());
    QVERIFY2(f.message("request.body")->text().contains(QLatin1String("1:10")), qPrintable(f.message("request.body")->text()));
    QTest::keyClick(body, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(!f.resource(0)["request"].contains("body"));
    QTest::keyClicks(body, QStringLiteral("\"logs\"}"));
    QTest::keyClick(body, Qt::Key_Return, Qt::ControlModifier);
    COMPARE_JSON(f.resource(0)["request"]["body"], json::parse("{\"name\": \"logs\"}"));
    auto *expect = f.editor<QLineEdit>("request.expect");
    retype(expect, QStringLiteral("200, 201"));
    QTest::keyClick(expect, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["request"]["expect"], json::parse("[200, 201]"));
}

void tst_InspectorForm::retryPolicy()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    auto *attempts = f.editor<QLineEdit>("retry.max_attempts");
    retype(attempts, QStringLiteral("3"));
    QTest::keyClick(attempts, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["retry"], json::parse("{\"max_attempts\": 3}"));
    QCOMPARE(f.deployment.plan().resources[0].retry.maxAttempts, 3);

    auto *initial = f.editor<QLineEdit>("retry.backoff.initial");
    retype(initial, QStringLiteral("5s"));
    QTest::keyClick(initial, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["retry"], json::parse("{\"max_attempts\": 3, \"backoff\": {\"initial\": \"5s\"}}"));

    auto *jitter = f.editor<QLineEdit>("retry.jitter");
    retype(jitter, QStringLiteral("2"));
    QVERIFY(f.message("retry.jitter")->isVisible());
    QVERIFY2(f.message("retry.jitter")->text().contains(QLatin1String("from 0 to 1")), qPrintable(f.message("retry.jitter")->text()));
    QTest::keyClick(jitter, Qt::Key_Return);
    QVERIFY(!f.resource(0)["retry"].contains("jitter"));
    retype(jitter, QStringLiteral("0.2"));
    QTest::keyClick(jitter, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["retry"]["jitter"], json(0.2));

    auto *multiplier = f.editor<QLineEdit>("retry.backoff.multiplier");
    retype(multiplier, QStringLiteral("fast"));
    QVERIFY2(f.message("retry.backoff.multiplier")->text().contains(QLatin1String("from 1 to 100")), qPrintable(f.message("retry.backoff.multiplier")->text()));
    retype(multiplier, QStringLiteral("3"));
    QTest::keyClick(multiplier, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["retry"]["backoff"]["multiplier"], json(3));

    // A longest wait under the first is a warning, shown but applied.
    auto *longest = f.editor<QLineEdit>("retry.backoff.max");
    retype(longest, QStringLiteral("2s"));
    QVERIFY(f.message("retry.backoff.max")->isVisible());
    QTest::keyClick(longest, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["retry"]["backoff"]["max"], json("2s"));
    QVERIFY(f.message("retry.backoff.max")->isVisible());
    QVERIFY(!isMarked(longest));

    // Clearing every field leaves no "retry" at all.
    for (const char *path : {"retry.max_attempts", "retry.backoff.initial", "retry.backoff.max", "retry.backoff.multiplier", "retry.jitter"}) {
        auto *edit = f.editor<QLineEdit>(path);
        retype(edit, QString());
        QTest::keyClick(edit, Qt::Key_Return);
    }
    QVERIFY2(!f.resource(0).contains("retry"), f.resource(0).dump().c_str());
}

void tst_InspectorForm::simDurationRange()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    auto *low = f.editor<QLineEdit>("duration");
    auto *high = qobject_cast<QLineEdit *>(f.form()->secondEditor(QStringLiteral("duration")));
    QVERIFY(high);
    QCOMPARE(low->text(), QStringLiteral("1s"));
    QCOMPARE(high->text(), QString());
    retype(high, QStringLiteral("500ms"));
    QVERIFY2(f.message("duration")->text().contains(QLatin1String("minimum above its maximum")), qPrintable(f.message("duration")->text()));
    QTest::keyClick(high, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["duration"], json("1s"));
    retype(high, QStringLiteral("3s"));
    QTest::keyClick(high, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["duration"], json::parse("[\"1s\", \"3s\"]"));

    auto *rate = f.editor<QLineEdit>("failure_rate");
    retype(rate, QStringLiteral("0.5"));
    QTest::keyClick(rate, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["failure_rate"], json(0.5));
}

void tst_InspectorForm::groupCombo()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    auto *group = f.editor<QComboBox>("group");
    QVERIFY(group->findText(QStringLiteral("network")) >= 0);
    QVERIFY(group->findText(QStringLiteral("rds-api")) >= 0);
    group->setFocus();
    QTest::keyClicks(group->lineEdit(), QStringLiteral("netwrk"));
    QVERIFY(f.message("group")->isVisible());
    QVERIFY2(f.message("group")->text().contains(QLatin1String("network")), qPrintable(f.message("group")->text())); // did you mean
    QTest::keyClick(group->lineEdit(), Qt::Key_Return);
    QVERIFY(!f.resource(0).contains("group"));

    group->setCurrentIndex(group->findText(QStringLiteral("network")));
    emit group->activated(group->currentIndex());
    COMPARE_JSON(f.resource(0)["group"], json("network"));
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Change the group of vpc"));
}

void tst_InspectorForm::jsonApplied()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    QPlainTextEdit *text = f.form()->jsonEdit();
    f.form()->tabs()->setCurrentIndex(1);
    QVERIFY(text->isVisible());
    COMPARE_JSON(json::parse(text->toPlainText().toStdString()), f.resource(0));
    QVERIFY(!f.form()->applyButton()->isEnabled());

    retype(text, QStringLiteral("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"4s\", \"seed\": 7}"));
    QVERIFY(f.form()->applyButton()->isEnabled());
    QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
    COMPARE_JSON(f.resource(0), json::parse("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"4s\", \"seed\": 7}"));
    QCOMPARE(f.steps(), 1);
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Edit the JSON of vpc"));
    QCOMPARE(f.editor<QLineEdit>("duration")->text(), QStringLiteral("4s")); // the form follows

    // An invalid value is shown and not applied.
    retype(text, QStringLiteral("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"soon\"}"));
    QVERIFY(f.form()->jsonMessage()->isVisible());
    QVERIFY2(f.form()->jsonMessage()->text().contains(QLatin1String("duration")), qPrintable(f.form()->jsonMessage()->text()));
    QTest::mouseClick(f.form()->applyButton(), Qt::LeftButton);
    COMPARE_JSON(f.resource(0)["duration"], json("4s"));
    QCOMPARE(f.steps(), 1);

    // A dependency that would close a cycle is refused, with the cycle.
    retype(text, QStringLiteral("{\"id\": \"vpc\", \"type\": \"sim\", \"depends_on\": [\"db\"]}"));
    QVERIFY(!f.form()->applyJson());
    QVERIFY2(f.form()->jsonMessage()->text().contains(QLatin1String("cycle")), qPrintable(f.form()->jsonMessage()->text()));
    QCOMPARE(f.steps(), 1);

    // Undo brings the resource back; the form shows it, and Revert the JSON view.
    f.document.undoStack()->undo();
    COMPARE_JSON(f.resource(0), json::parse("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"1s\"}"));
    QCOMPARE(f.editor<QLineEdit>("duration")->text(), QStringLiteral("1s"));
    auto *revert = f.form()->findChild<QPushButton *>(QStringLiteral("InspectorJsonRevert"));
    QVERIFY(revert && revert->isEnabled());
    QTest::mouseClick(revert, Qt::LeftButton);
    COMPARE_JSON(json::parse(text->toPlainText().toStdString()), f.resource(0));
    QVERIFY(!f.form()->jsonMessage()->isVisible());
}

void tst_InspectorForm::jsonSyntaxErrorShownWithLineAndColumn()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    f.form()->tabs()->setCurrentIndex(1);
    QPlainTextEdit *text = f.form()->jsonEdit();
    retype(text, QStringLiteral("{\"id\": \"vpc\",\n\"type\": }"));
    QVERIFY(f.form()->jsonMessage()->isVisible());
    QVERIFY2(f.form()->jsonMessage()->text().contains(QLatin1String("2:9")), qPrintable(f.form()->jsonMessage()->text()));
    QVERIFY(!f.form()->applyJson());
    // A number too large for a double is an error like any other, not an exception (found by fuzzing).
    retype(text, QStringLiteral("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": 1e999}"));
    QVERIFY(f.form()->jsonMessage()->isVisible());
    QVERIFY2(f.form()->jsonMessage()->text().contains(QLatin1String("1e999")), qPrintable(f.form()->jsonMessage()->text()));
    QVERIFY(!f.form()->applyJson());
    QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(f.steps(), 0);
    COMPARE_JSON(f.resource(0), json::parse("{\"id\": \"vpc\", \"type\": \"sim\", \"duration\": \"1s\"}"));
}

void tst_InspectorForm::jsonIdChangeRefused()
{
    Fixture f(kSimPlan);
    QVERIFY(f.select("vpc"));
    f.form()->tabs()->setCurrentIndex(1);
    QPlainTextEdit *text = f.form()->jsonEdit();
    retype(text, QStringLiteral("{\"id\": \"network\", \"type\": \"sim\"}"));
    QTest::mouseClick(f.form()->applyButton(), Qt::LeftButton);
    QVERIFY(f.form()->jsonMessage()->isVisible());
    QVERIFY2(f.form()->jsonMessage()->text().contains(QLatin1String("Id field")), qPrintable(f.form()->jsonMessage()->text()));
    QCOMPARE(f.steps(), 0);
    COMPARE_JSON(f.resource(0)["id"], json("vpc"));
}

void tst_InspectorForm::focusField_data()
{
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("widget"); // objectName of what gets the focus; empty when refused
    QTest::newRow("timeout") << "db" << "timeout" << "InspectorField:timeout";
    QTest::newRow("backoff") << "db" << "retry.backoff.initial" << "InspectorField:retry.backoff.initial";
    QTest::newRow("id") << "db" << "id" << "InspectorId";
    QTest::newRow("dependency") << "db" << "depends_on[0]" << "InspectorDependencies";
    QTest::newRow("json only") << "db" << "log_lines" << "InspectorJson";
    QTest::newRow("range end") << "db" << "duration[1]" << "InspectorField:duration.max";
    QTest::newRow("argument") << "c" << "command[1]" << "argument 1";
    QTest::newRow("url") << "h" << "request.url" << "InspectorField:request.url";
    QTest::newRow("request") << "h" << "request" << "InspectorField:request.url";
    QTest::newRow("header") << "h" << "request.headers.Accept" << "header 0";
    QTest::newRow("wait") << "h" << "wait.interval" << "InspectorJson";
    QTest::newRow("unknown") << "db" << "bogus" << "";
    QTest::newRow("sim field of http") << "h" << "failure_rate" << "";
}

void tst_InspectorForm::focusField()
{
    QFETCH(QString, resource);
    QFETCH(QString, path);
    QFETCH(QString, widget);
    Fixture f("{\"name\": \"p\", \"resources\": ["
              " {\"id\": \"vpc\", \"type\": \"sim\"},"
              " {\"id\": \"db\", \"type\": \"sim\", \"depends_on\": [\"vpc\"], \"log_lines\": 3},"
              " {\"id\": \"c\", \"type\": \"command\", \"command\": [\"a\", \"b\", \"c\"]},"
              " {\"id\": \"h\", \"type\": \"http\", \"request\": {\"url\": \"http://x/\", \"headers\": {\"Accept\": \"*/*\"}},"
              "  \"wait\": {\"until\": {\"pointer\": \"/s\", \"equals\": 1}, \"interval\": \"1s\"}}]}");
    QVERIFY(f.select(resource.toLatin1().constData()));
    const bool found = f.pane.focusField(path);
    QCOMPARE(found, !widget.isEmpty());
    if (!found)
        return;
    QWidget *focus = QApplication::focusWidget();
    QVERIFY(focus);
    if (widget.startsWith(QLatin1String("argument"))) {
        QCOMPARE(focus, static_cast<QWidget *>(f.editor<FieldList>("command")->editor(1)));
    } else if (widget.startsWith(QLatin1String("header"))) {
        QCOMPARE(focus, static_cast<QWidget *>(f.editor<FieldList>("request.headers")->editor(0)));
    } else if (widget == QLatin1String("InspectorDependencies")) {
        auto *list = qobject_cast<QListWidget *>(focus);
        QVERIFY(list);
        QCOMPARE(list->currentItem()->text(), QStringLiteral("vpc"));
    } else if (widget == QLatin1String("InspectorJson")) {
        QCOMPARE(focus, static_cast<QWidget *>(f.form()->jsonEdit()));
        QCOMPARE(f.form()->tabs()->currentIndex(), 1);
        // The cursor is on the member's line.
        const QString line = f.form()->jsonEdit()->textCursor().block().text();
        QVERIFY2(line.contains(path.section(QLatin1Char('.'), -1)), qPrintable(line));
    } else {
        QCOMPARE(focus->objectName(), widget);
        QCOMPARE(f.form()->tabs()->currentIndex(), 0);
    }
}

void tst_InspectorForm::runningResourceIsLocked()
{
    Fixture f("{\"name\": \"p\", \"resources\": ["
              " {\"id\": \"slow\", \"type\": \"sim\", \"duration\": \"1m\"},"
              " {\"id\": \"next\", \"type\": \"sim\", \"depends_on\": [\"slow\"], \"duration\": \"1s\"}]}");
    QVERIFY(f.select("slow"));
    QVERIFY(!f.form()->isLocked());
    QVERIFY(f.deployment.start());
    QTRY_COMPARE(f.deployment.state(0), ResourceState::Running);
    QVERIFY(f.form()->isLocked());
    QVERIFY(f.form()->lockLabel()->isVisible());
    QCOMPARE(f.form()->lockLabel()->text(), QStringLiteral("Running: locked until its attempt ends"));
    auto *timeout = f.editor<QLineEdit>("timeout");
    QVERIFY(timeout->isReadOnly());
    QVERIFY(f.form()->jsonEdit()->isReadOnly());
    retype(timeout, QStringLiteral("5m"));
    QTest::keyClick(timeout, Qt::Key_Return);
    QVERIFY(!f.resource(0).contains("timeout"));

    // The others stay editable: for the next run (the run keeps its snapshot).
    QVERIFY(f.select("next"));
    QVERIFY(!f.form()->isLocked());
    QCOMPARE(f.form()->lockLabel()->text(), QStringLiteral("Edits apply to the next run"));
    QVERIFY(!timeout->isReadOnly());
    retype(timeout, QStringLiteral("5m"));
    QTest::keyClick(timeout, Qt::Key_Return);
    COMPARE_JSON(f.resource(1)["timeout"], json("5m"));
    QCOMPARE(f.deployment.plan().resources[1].timeoutMs, 0); // the run's snapshot
    QCOMPARE(timeout->text(), QStringLiteral("5m"));      // the form shows the document

    f.deployment.cancel();
    QTRY_VERIFY(!f.deployment.isRunning());
    QVERIFY(f.select("slow"));
    QVERIFY(!f.form()->isLocked());
    QVERIFY(!f.form()->lockLabel()->isVisible());
}

namespace {

const char *kSetPlan = "{\"name\": \"p\", \"targets\": [{\"name\": \"eu\"}, {\"name\": \"us\"}], \"resources\": ["
                       "  {\"id\": \"web\", \"type\": \"sim\", \"count\": 3, \"duration\": \"1s\"},"
                       "  {\"id\": \"net\", \"type\": \"sim\", \"per_target\": true},"
                       "  {\"id\": \"lb\", \"type\": \"command\", \"command\": [\"true\"], \"depends_on\": [\"web[2]\"]}]}";

} // namespace

// Selecting web[2] edits web as written, for all its instances; no resource "web[2]" is written.
void tst_InspectorForm::anInstanceIsEditedAsItsSet()
{
    Fixture f(kSetPlan);
    QVERIFY(f.select("web[2]"));
    QLabel *note = f.form()->findChild<QLabel *>(QStringLiteral("InspectorInstanceNote"));
    QVERIFY(note && note->isVisible());
    QCOMPARE(note->text(), QStringLiteral("web[2] is one of the 3 instances of web: what you change here applies to all of them."));
    QVERIFY(f.pane.idEdit()->isReadOnly()); // an address, not an id to rename
    auto *count = f.editor<QLineEdit>("count");
    QVERIFY(count && count->isVisible());
    QCOMPARE(count->text(), QStringLiteral("3"));
    retype(count, QStringLiteral("5"));
    QTest::keyClick(count, Qt::Key_Return);
    COMPARE_JSON(f.resource(0)["count"], json(5));
    QCOMPARE(f.document.document()["resources"].size(), std::size_t(3));
    QCOMPARE(f.deployment.plan().instancesOf(QStringLiteral("web")).size(), 5);
    f.document.undoStack()->undo();
    QCOMPARE(f.deployment.plan().instancesOf(QStringLiteral("web")).size(), 3);

    // lb comes after the sets as written (index 2) but not as read (index 3 + 2): its form is a
    // command's, not web[2]'s simulation.
    QVERIFY(f.select("lb"));
    QVERIFY(!note->isVisible());
    QVERIFY(!f.pane.idEdit()->isReadOnly());
    QVERIFY(f.form()->editor(QStringLiteral("command"))->isVisible());
    QVERIFY(!f.form()->editor(QStringLiteral("duration"))->isVisible());
    // Its dependency on one instance is not "unknown" while it is checked as typed.
    auto *timeout = f.editor<QLineEdit>("timeout");
    retype(timeout, QStringLiteral("30s"));
    QTest::keyClick(timeout, Qt::Key_Return);
    COMPARE_JSON(f.resource(2)["timeout"], json("30s"));

    QVERIFY(f.select("net@us"));
    QCOMPARE(note->text(), QStringLiteral("net@us is one of the 2 instances of net: what you change here applies to all of them."));
    QVERIFY(qobject_cast<QCheckBox *>(f.form()->editor(QStringLiteral("per_target")))->isChecked());
}

// count and for_each together, or a negative count: said beside the field as it is typed, as the
// plan reader says it.
void tst_InspectorForm::fanOutFieldsAreCheckedAsTyped()
{
    Fixture f(kSetPlan);
    QVERIFY(f.select("web[0]"));
    auto *count = f.editor<QLineEdit>("count");
    retype(count, QStringLiteral("-1"));
    QVERIFY(f.message("count")->isVisible());
    QTest::keyClick(count, Qt::Key_Escape);
    COMPARE_JSON(f.resource(0)["count"], json(3));

    auto *forEach = f.editor<QPlainTextEdit>("for_each");
    QVERIFY(forEach);
    retype(forEach, QStringLiteral("[\"a\", \"b\"]"));
    QVERIFY2(f.message("for_each")->isVisible() && f.message("for_each")->text().contains(QLatin1String("not both")),
             qPrintable(f.message("for_each")->text()));
}

// With nothing selected, the plan's targets and rollout are edited in a form of their own,
// checked as typed as the plan reader checks them, each change one step.
void tst_InspectorForm::targetsAndRolloutInTheirForm()
{
    Fixture f(kSetPlan);
    PlanFanOutForm *form = f.pane.fanOutForm();
    QVERIFY(form && form->isVisible());
    auto *limit = qobject_cast<QLineEdit *>(form->editor(QStringLiteral("rollout.max_concurrent"))->editor());
    QVERIFY(limit);
    retype(limit, QStringLiteral("1"));
    QTest::keyClick(limit, Qt::Key_Return);
    COMPARE_JSON(f.document.document()["rollout"], json({{"max_concurrent", 1}})); // a number, as typed
    QCOMPARE(f.deployment.plan().rollout->maxConcurrent, 1);
    retype(limit, QStringLiteral("50%"));
    QTest::keyClick(limit, Qt::Key_Return);
    COMPARE_JSON(f.document.document()["rollout"]["max_concurrent"], json("50%"));
    retype(limit, QStringLiteral("150%"));
    FieldEditor *limitField = form->editor(QStringLiteral("rollout.max_concurrent"));
    QVERIFY(limitField->message()->isVisible());
    QTest::keyClick(limit, Qt::Key_Return);
    COMPARE_JSON(f.document.document()["rollout"]["max_concurrent"], json("50%")); // refused

    auto *waves = qobject_cast<QPlainTextEdit *>(form->editor(QStringLiteral("rollout.waves"))->editor());
    QVERIFY(waves);
    retype(waves, QStringLiteral("[[\"uss\"], [\"*\"]]"));
    FieldEditor *wavesField = form->editor(QStringLiteral("rollout.waves"));
    QVERIFY2(wavesField->message()->isVisible() && wavesField->message()->text().contains(QLatin1String("did you mean")),
             qPrintable(wavesField->message()->text()));
    retype(waves, QStringLiteral("[[\"us\"], [\"*\"]]"));
    QVERIFY(!wavesField->message()->isVisible());
    QTest::keyClick(waves, Qt::Key_Return, Qt::ControlModifier); // as leaving the field does
    COMPARE_JSON(f.document.document()["rollout"]["waves"], json::array({json::array({"us"}), json::array({"*"})}));
    QCOMPARE(f.deployment.plan().rollout->waves.size(), 2);

    const int steps = f.steps();
    f.document.undoStack()->undo();
    QCOMPARE(f.steps(), steps);
    QVERIFY(!f.document.document()["rollout"].contains("waves"));
}

void tst_InspectorForm::undoFromTheEditMenu()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files().newPlan());
    window.edits().addResourceAction(QStringLiteral("command"))->trigger();
    window.workspace().selection().select(0);
    ResourceForm *form = window.inspectorPane()->form();
    auto *timeout = qobject_cast<QLineEdit *>(form->editor(QStringLiteral("timeout")));
    QVERIFY(QTest::qWaitForWindowActive(&window));
    retype(timeout, QStringLiteral("2m"));
    QTest::keyClick(timeout, Qt::Key_Return);
    COMPARE_JSON(window.workspace().document().document()["resources"][0]["timeout"], json("2m"));
    QVERIFY(timeout->hasFocus()); // the panes showed the new plan; the field kept the focus
    QVERIFY2(window.edits().undoAction()->text().contains(QLatin1String("Change the timeout of command-1")), qPrintable(window.edits().undoAction()->text()));
    window.edits().undoAction()->trigger();
    QVERIFY(!window.workspace().document().document()["resources"][0].contains("timeout"));
    QCOMPARE(timeout->text(), QString());
}

void tst_InspectorForm::checksStayCheapOnALargePlan_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("100 resources") << 100;
    QTest::newRow("10,000 resources") << 10'000;
}

void tst_InspectorForm::checksStayCheapOnALargePlan()
{
    // Resources in a chain, each in one of many groups: what a keystroke costs must not depend on them.
    QFETCH(int, size);
    json plan = json::parse("{\"name\": \"big\", \"resources\": []}");
    for (int i = 0; i < size / 10; ++i)
        plan["groups"]["g-" + std::to_string(i)] = json::object();
    for (int i = 0; i < size; ++i) {
        json r = {{"id", "r-" + std::to_string(i)}, {"type", "sim"}, {"group", "g-" + std::to_string(i / 10)}, {"duration", "1s"}};
        if (i > 0)
            r["depends_on"] = json::array({"r-" + std::to_string(i - 1)});
        plan["resources"].push_back(r);
    }
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(plan);
    ResourceForm form;
    form.setDocument(&document);
    form.showResource(QStringLiteral("r-%1").arg(size / 2));
    form.resize(350, 900);
    form.show();
    QVERIFY(QTest::qWaitForWindowActive(&form));
    auto *timeout = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("timeout")));
    timeout->setFocus();
    timeout->setText(QString()); // the first keystroke after a change reads the plan's ids once
    QTest::keyClick(timeout, Qt::Key_5);
    const ResourceCheck::Work before = form.checkWork();
    const QString typed = QStringLiteral(" parsecs, which is not a unit of time at all");
    QTest::keyClicks(timeout, typed);
    QVERIFY(form.message(QStringLiteral("timeout"))->isVisible());
    QVERIFY(form.message(QStringLiteral("timeout"))->text().contains(QLatin1String("parsecs")));
    // The work counted, not timed (timing belongs in benches): every keystroke is checked, in a plan
    // of the resource and a stand-in for the one it depends on, and the whole plan is not read again.
    const ResourceCheck::Work after = form.checkWork();
    QCOMPARE(after.checks - before.checks, int(typed.size()));
    QCOMPARE(after.lastPlanSize, 2);
    QCOMPARE(after.documentsRead, before.documentsRead);
    QTest::keyClick(timeout, Qt::Key_Return);
    QVERIFY(!document.document()["resources"][std::size_t(size / 2)].contains("timeout"));
    // A valid value is applied (reading the whole plan again, once).
    timeout->selectAll();
    QTest::keyClicks(timeout, QStringLiteral("5m"));
    QTest::keyClick(timeout, Qt::Key_Return);

    COMPARE_JSON(document.document()["resources"][std::size_t(size / 2)]["timeout"], json("5m"));
    QVERIFY(timeout->hasFocus());
    // A dependency on a resource outside the small plan the check reads is not reported unknown.
    QVERIFY(!form.message(QStringLiteral("group"))->isVisible());
    QVERIFY(!form.problemsLabel()->isVisible());
}

void tst_InspectorForm::formFromADescription()
{
    ProbeFixture f(R"({"name": "p", "resources": [{"id": "p", "type": "probe", "target": "db:5432", "history": [], "bogus": 1},
                                                 {"id": "s", "type": "sim"}]})");
    ResourceForm &form = f.form;
    QVERIFY(QTest::qWaitForWindowExposed(&form));

    // Its section, with its title and footnote; the simulation's is not shown.
    auto visibleLabel = [&](const QString &text) {
        const QList<QLabel *> labels = form.findChildren<QLabel *>();
        return std::any_of(labels.begin(), labels.end(), [&](QLabel *l) { return l->text() == text && l->isVisible(); });
    };
    QVERIFY(visibleLabel(QStringLiteral("Probe")));
    QVERIFY(visibleLabel(QStringLiteral("History: in the JSON tab.")));
    QVERIFY(visibleLabel(QStringLiteral("probes"))); // the tries' unit
    QVERIFY(!visibleLabel(QStringLiteral("Simulation")));
    QVERIFY(!form.editor(QStringLiteral("duration"))->isVisible());

    // An editor of the right kind for every field, with the description's words.
    const ExecutorDescription &described = f.registry.find(QStringLiteral("probe"))->description();
    const QHash<QString, const char *> widgetClass = {
        {"target", "QLineEdit"}, {"every", "QLineEdit"}, {"window", "QLineEdit"}, {"tries", "QLineEdit"},
        {"mode", "QComboBox"}, {"shell", "QCheckBox"}, {"check", "fanout::FieldList"}, {"hosts", "fanout::FieldList"},
        {"labels", "fanout::FieldList"}, {"payload.body", "QPlainTextEdit"}, {"payload.codes", "QLineEdit"}};
    for (const FieldDescription &field : described.section.fields) {
        QWidget *editor = form.editor(field.path);
        if (field.jsonOnly) {
            QVERIFY2(!editor, qPrintable(field.path));
            continue;
        }
        QVERIFY2(editor && editor->isVisible(), qPrintable(field.path));
        QCOMPARE(editor->metaObject()->className(), widgetClass.value(field.path));
        QCOMPARE(editor->toolTip(), field.help);
        QVERIFY2(editor->objectName().startsWith(QStringLiteral("InspectorField:") + field.path), qPrintable(editor->objectName()));
        if (field.kind == FieldDescription::Kind::Flag)
            QCOMPARE(qobject_cast<QCheckBox *>(editor)->text(), field.label);
        else
            QCOMPARE(labelOf(form, editor)->text(), field.label);
    }
    QCOMPARE(qobject_cast<QLineEdit *>(form.editor(QStringLiteral("target")))->placeholderText(), QStringLiteral("host:port"));
    QCOMPARE(qobject_cast<QLineEdit *>(form.editor(QStringLiteral("every")))->placeholderText(), QStringLiteral("2s")); // the default
    QCOMPARE(qobject_cast<QLineEdit *>(form.secondEditor(QStringLiteral("window")))->placeholderText(), QStringLiteral("fixed"));
    auto *mode = qobject_cast<QComboBox *>(form.editor(QStringLiteral("mode")));
    QCOMPARE(mode->currentText(), QStringLiteral("tcp"));
    QCOMPARE(mode->count(), 2);
    QCOMPARE(qobject_cast<FieldList *>(form.editor(QStringLiteral("labels")))->columnCount(), 2);
    QCOMPARE(qobject_cast<FieldList *>(form.editor(QStringLiteral("hosts")))->addButton()->text(), QStringLiteral("+ Add host"));

    // A field only the JSON tab edits is known (no warning), an undescribed one is not.
    QVERIFY(form.problemsLabel()->isVisible());
    QVERIFY2(form.problemsLabel()->text().contains(QLatin1String("bogus")), qPrintable(form.problemsLabel()->text()));
    QVERIFY2(!form.problemsLabel()->text().contains(QLatin1String("history")), qPrintable(form.problemsLabel()->text()));
    QVERIFY(form.focusField(QStringLiteral("history")));
    QCOMPARE(form.tabs()->currentIndex(), 1);

    // The simulation keeps its own section.
    form.showResource(QStringLiteral("s"));
    form.tabs()->setCurrentIndex(0);
    QVERIFY(form.editor(QStringLiteral("duration"))->isVisible());
    QVERIFY(!form.editor(QStringLiteral("target"))->isVisible());
}

void tst_InspectorForm::formFromADescriptionChecksAndApplies()
{
    ProbeFixture f(R"({"name": "p", "resources": [{"id": "p", "type": "probe", "target": "db:5432", "check": ["nc", "-z", "db"]}]})");
    ResourceForm &form = f.form;
    QVERIFY(QTest::qWaitForWindowActive(&form));
    const auto resource = [&] { return f.document.document()["resources"][0]; };

    // Checked by the probe's own validate(), with the description's range; applied when valid.
    auto *count = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("tries")));
    retype(count, QStringLiteral("50"));
    QVERIFY2(form.message(QStringLiteral("tries"))->text().contains(QLatin1String("Tries must be a whole number from 1 to 10")),
             qPrintable(form.message(QStringLiteral("tries"))->text()));
    QTest::keyClick(count, Qt::Key_Return);
    QVERIFY(!resource().contains("tries"));
    retype(count, QStringLiteral("4"));
    QTest::keyClick(count, Qt::Key_Return);
    COMPARE_JSON(resource()["tries"], json(4));
    QCOMPARE(f.document.undoStack()->undoText(), QStringLiteral("Change the tries of p"));

    // A nested number list: the element is named in the message.
    auto *codes = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("payload.codes")));
    retype(codes, QStringLiteral("200, 42"));
    QVERIFY2(form.message(QStringLiteral("payload.codes"))->text().contains(QLatin1String("Entry 2 must be a status from 100 to 599")),
             qPrintable(form.message(QStringLiteral("payload.codes"))->text()));
    retype(codes, QStringLiteral("200, 204"));
    QTest::keyClick(codes, Qt::Key_Return);
    COMPARE_JSON(resource()["payload"], json::parse(R"({"codes": [200, 204]})"));

    // The required target: cleared, it is refused.
    auto *target = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("target")));
    retype(target, QString());
    QVERIFY2(form.message(QStringLiteral("target"))->text().contains(QLatin1String("Target missing: say what to probe")),
             qPrintable(form.message(QStringLiteral("target"))->text()));
    QTest::keyClick(target, Qt::Key_Return);
    COMPARE_JSON(resource()["target"], json("db:5432"));

    // A choice, and the flag that switches the command between a list and one line.
    auto *mode = qobject_cast<QComboBox *>(form.editor(QStringLiteral("mode")));
    mode->setCurrentIndex(1);
    emit mode->activated(1);
    COMPARE_JSON(resource()["mode"], json("udp"));
    QWidget *shell = form.editor(QStringLiteral("shell"));
    QTest::mouseClick(shell, Qt::LeftButton, {}, QPoint(8, shell->height() / 2)); // on its box
    COMPARE_JSON(resource()["shell"], json(true));
    COMPARE_JSON(resource()["check"], json("nc -z db"));
    QVERIFY(form.secondEditor(QStringLiteral("check"))->isVisible());
}

void tst_InspectorForm::paletteFromTheDescriptions()
{
    ProbeRegistry probes;
    ResourcePalette palette(probes.registry);
    QCOMPARE(palette.button(QStringLiteral("sim"))->text(), QStringLiteral("+ sim"));
    QToolButton *probe = palette.button(QStringLiteral("probe"));
    QVERIFY(probe);
    QCOMPARE(probe->text(), QStringLiteral("+ probe"));
    QVERIFY2(probe->toolTip().contains(QLatin1String("checks that something answers")), qPrintable(probe->toolTip()));
    QVERIFY(!probe->icon().isNull()); // drawn from its SVG: the test has no icon theme
    QVERIFY(!palette.button(QStringLiteral("http"))); // not in this registry

    // A new resource starts from the description's parameters, and they are valid.
    PlanDocument document(probes.registry);
    document.load(PlanDocument::emptyDocument());
    const Expected<QString> id = document.addResource(QStringLiteral("probe"));
    QVERIFY(id);
    QCOMPARE(*id, QStringLiteral("probe-1"));
    COMPARE_JSON(document.document()["resources"][0], json::parse(R"({"id": "probe-1", "type": "probe", "target": "db:5432"})"));
    QVERIFY(!document.hasErrors());
}

QTEST_MAIN(tst_InspectorForm)
#include "tst_inspectorform.moc"
