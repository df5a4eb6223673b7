// Designing a plan: every edit of the plan document is one undoable step that undoes exactly, edits
// that would break the plan (a cycle, a taken id) are refused with the reason, and the window's Edit
// menu, New Plan, Save As and the mapping dialog go through the same undo stack. Runs offscreen.
#include "executorregistry.h"
#include "graphpane.h"
#include "graphview.h"
#include "mainwindow.h"
#include "mappingdialog.h"
#include "plandocument.h"
#include "runsession.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

// QCOMPARE for JSON values, which QtTest cannot print.
#define COMPARE_JSON(actual, expected) \
    QVERIFY2(json(actual) == json(expected), qPrintable(QStringLiteral("%1 != %2").arg(QString::fromStdString(json(actual).dump()), QString::fromStdString(json(expected).dump()))))

namespace {

constexpr int kRunTimeoutMs = 60'000;

// vpc <- subnet <- db <- app, with references to outputs in parameters and a destroy action.
json sample()
{
    return json::parse(R"({
        "name": "sample",
        "parallelism": 4,
        "resources": [
            {"id": "vpc", "type": "sim", "duration": "1ms"},
            {"id": "subnet", "type": "sim", "depends_on": ["vpc"], "duration": "1ms"},
            {"id": "db", "type": "command", "depends_on": ["subnet"], "command": ["echo", "${resources.subnet.outputs.id}", "$${resources.subnet.outputs.id}"]},
            {"id": "app", "type": "command", "depends_on": ["db", "vpc"], "command": ["echo", "${resources.db.outputs.url}"],
             "destroy": {"type": "command", "command": ["echo", "${self.outputs.id}"]}}
        ],
        "mapping": []
    })");
}

QStringList ids(const Plan &plan)
{
    QStringList list;
    for (const Resource &r : plan.resources)
        list.append(r.id);
    return list;
}

} // namespace

class tst_PlanDocument : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void newResourcesGetUniqueIdsAndValidate();
    void everyEditUndoesExactly();
    void removingResourcesRemovesDependenciesOnThem();
    void cycleClosingDependencyIsRefused();
    void renameFollowsDependenciesAndReferences();
    void renameToATakenIdIsRefused();
    void cleanAndModified();
    void windowBuildsAPlanFromNothing();
    void windowAsksBeforeDroppingChanges();
    void mappingDialogApplyIsUndoable();
    void editsAreLockedDuringARun();
    void runIsOffWhileAnEditLeftErrors();
    void graphGesturesEditTheDocument();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_PlanDocument::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FanoutTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_plandocument"));
}

void tst_PlanDocument::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_PlanDocument::newResourcesGetUniqueIdsAndValidate()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    QSignalSpy changed(&document, &PlanDocument::changed);
    QCOMPARE(document.plan().resources.size(), 0);
    QCOMPARE(document.hasErrors(), false);
    for (const QString &type : {QStringLiteral("sim"), QStringLiteral("command"), QStringLiteral("http"), QStringLiteral("sim")}) {
        QString id;
        QString error;
        QVERIFY2(document.addResource(type, &id, &error), qPrintable(error));
        QCOMPARE(document.plan().resources.constLast().id, id);
        QCOMPARE(document.plan().resources.constLast().type, type);
    }
    QCOMPARE(ids(document.plan()), QStringList({"sim-1", "command-1", "http-1", "sim-2"}));
    QCOMPARE(changed.count(), 4);
    QCOMPARE(errorCount(document.diagnostics()), 0);
    QCOMPARE(document.undoStack()->text(0), QStringLiteral("Add resource sim-1"));

    QString error;
    QVERIFY(!document.addResource(QStringLiteral("nosuch"), nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("nosuch")), qPrintable(error));
    QCOMPARE(document.undoStack()->count(), 4);

    // An id freed by undo is given again.
    document.undoStack()->undo();
    QString id;
    QVERIFY(document.addResource(QStringLiteral("sim"), &id));
    QCOMPARE(id, QStringLiteral("sim-2"));
}

void tst_PlanDocument::everyEditUndoesExactly()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json original = document.document();
    const auto check = [&](const char *what, const std::function<bool()> &edit) {
        const json before = document.document();
        const int index = document.undoStack()->index();
        QVERIFY2(edit(), what);
        QCOMPARE(document.undoStack()->index(), index + 1);
        const json after = document.document();
        QVERIFY2(after != before, what);
        document.undoStack()->undo();
        QVERIFY2(document.document() == before, what);
        QCOMPARE(document.toText(), QByteArray::fromStdString(before.dump(2)) + '\n');
        document.undoStack()->redo();
        QVERIFY2(document.document() == after, what);
        document.undoStack()->undo();
    };
    check("add", [&] { return document.addResource(QStringLiteral("http")); });
    check("remove one", [&] { return document.removeResources({QStringLiteral("subnet")}); });
    check("remove several", [&] { return document.removeResources({QStringLiteral("vpc"), QStringLiteral("db")}); });
    check("connect", [&] { return document.addDependency(QStringLiteral("db"), QStringLiteral("vpc")); });
    check("disconnect", [&] { return document.removeDependency(QStringLiteral("app"), QStringLiteral("db")); });
    check("mapping", [&] { return document.setMapping(json::array({json{{"match", "x"}, {"type", "sim"}}})); });
    check("rename", [&] { return document.renameResource(QStringLiteral("db"), QStringLiteral("database")); });
    QVERIFY(document.document() == original);

    // Adding to a plan with no depends_on on the resource, and to one without a "mapping" or "resources".
    document.load(json{{"name", "bare"}});
    const json bare = document.document();
    QVERIFY(document.addResource(QStringLiteral("sim")));
    QVERIFY(document.addResource(QStringLiteral("sim")));
    QVERIFY(document.addDependency(QStringLiteral("sim-2"), QStringLiteral("sim-1")));
    COMPARE_JSON(document.document()["resources"][1]["depends_on"], json::array({"sim-1"}));
    QVERIFY(document.setMapping(json::array()));
    while (document.undoStack()->canUndo())
        document.undoStack()->undo();
    COMPARE_JSON(document.document(), bare);
}

void tst_PlanDocument::removingResourcesRemovesDependenciesOnThem()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json before = document.document();
    QVERIFY(document.removeResources({QStringLiteral("vpc"), QStringLiteral("db")}));
    QCOMPARE(ids(document.plan()), QStringList({"subnet", "app"}));
    COMPARE_JSON(document.document()["resources"][0]["depends_on"], json::array());
    COMPARE_JSON(document.document()["resources"][1]["depends_on"], json::array());
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Delete 2 resource(s)"));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), before);
    QCOMPARE(ids(document.plan()), QStringList({"vpc", "subnet", "db", "app"}));

    QString error;
    QVERIFY(!document.removeResources({QStringLiteral("nosuch")}, &error));
    QVERIFY2(error.contains(QLatin1String("nosuch")), qPrintable(error));
}

void tst_PlanDocument::cycleClosingDependencyIsRefused()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json before = document.document();
    QString error;
    // subnet waits for vpc, db for subnet, app for db and vpc. The message names the shortest cycle:
    // vpc waiting for app closes vpc → app → vpc, as app already waits for vpc directly.
    QVERIFY(!document.addDependency(QStringLiteral("vpc"), QStringLiteral("app"), &error));
    QVERIFY2(error.contains(QStringLiteral("vpc → app → vpc")), qPrintable(error));
    QVERIFY(!document.addDependency(QStringLiteral("subnet"), QStringLiteral("db"), &error));
    QVERIFY2(error.contains(QStringLiteral("subnet → db → subnet")), qPrintable(error));
    QVERIFY(!document.addDependency(QStringLiteral("vpc"), QStringLiteral("db"), &error));
    QVERIFY2(error.contains(QStringLiteral("vpc → db → subnet → vpc")), qPrintable(error));
    QVERIFY(!document.addDependency(QStringLiteral("db"), QStringLiteral("db"), &error));
    QVERIFY2(error.contains(QStringLiteral("db → db")), qPrintable(error));
    QVERIFY(!document.addDependency(QStringLiteral("db"), QStringLiteral("subnet"), &error));
    QVERIFY2(error.contains(QLatin1String("already")), qPrintable(error));
    QCOMPARE(document.undoStack()->count(), 0);
    COMPARE_JSON(document.document(), before);
    QCOMPARE(document.cycleClosedBy(QStringLiteral("app"), QStringLiteral("vpc")), QStringList());
}

void tst_PlanDocument::renameFollowsDependenciesAndReferences()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    QVERIFY(document.renameResource(QStringLiteral("db"), QStringLiteral("database")));
    QVERIFY(document.renameResource(QStringLiteral("subnet"), QStringLiteral("subnet.a")));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Rename subnet to subnet.a"));
    const json &resources = document.document()["resources"];
    COMPARE_JSON(resources[1]["id"], "subnet.a");
    COMPARE_JSON(resources[2]["id"], "database");
    COMPARE_JSON(resources[2]["depends_on"], json::array({"subnet.a"}));
    // The literal "$${…}" is not a reference and stays as written.
    COMPARE_JSON(resources[2]["command"], json::array({"echo", "${resources.subnet.a.outputs.id}", "$${resources.subnet.outputs.id}"}));
    COMPARE_JSON(resources[3]["depends_on"], json::array({"database", "vpc"}));
    COMPARE_JSON(resources[3]["command"], json::array({"echo", "${resources.database.outputs.url}"}));
    COMPARE_JSON(resources[3]["destroy"]["command"], json::array({"echo", "${self.outputs.id}"}));
    QCOMPARE(errorCount(document.diagnostics()), 0);
    const Plan &plan = document.plan();
    QCOMPARE(plan.resources[plan.indexOf(QStringLiteral("app"))].dependsOn, QStringList({"database", "vpc"}));
}

void tst_PlanDocument::renameToATakenIdIsRefused()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    QString error;
    QVERIFY(!document.renameResource(QStringLiteral("db"), QStringLiteral("vpc"), &error));
    QVERIFY2(error.contains(QLatin1String("taken")), qPrintable(error));
    QVERIFY(!document.renameResource(QStringLiteral("db"), QString(), &error));
    QVERIFY2(error.contains(QLatin1String("needs an id")), qPrintable(error));
    QVERIFY(!document.renameResource(QStringLiteral("nosuch"), QStringLiteral("x"), &error));
    QCOMPARE(document.undoStack()->count(), 0);
}

void tst_PlanDocument::cleanAndModified()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample(), QStringLiteral("/tmp/sample.json"));
    QSignalSpy modified(&document, &PlanDocument::modifiedChanged);
    QVERIFY(!document.isModified());
    QVERIFY(document.addResource(QStringLiteral("sim")));
    QVERIFY(document.isModified());
    QCOMPARE(modified.count(), 1);
    document.markSaved();
    QVERIFY(!document.isModified());
    document.undoStack()->undo();
    QVERIFY(document.isModified()); // back before what was saved
    document.undoStack()->redo();
    QVERIFY(!document.isModified());
    document.load(sample());
    QVERIFY(!document.isModified());
    QCOMPARE(document.undoStack()->count(), 0);
}

void tst_PlanDocument::windowBuildsAPlanFromNothing()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.openPlan(QStringLiteral("demo")));
    QVERIFY(window.newAction()->isEnabled());
    QCOMPARE(window.newAction()->shortcut(), QKeySequence(QKeySequence::New));
    window.newAction()->trigger();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QCOMPARE(window.session().resourceCount(), 0);
    QVERIFY2(window.windowTitle().contains(QLatin1String("untitled (new plan, not saved)")), qPrintable(window.windowTitle()));
    QVERIFY(!window.undoAction()->isEnabled());
    QVERIFY(!window.deleteAction()->isEnabled());

    // Two resources from the Edit menu; the shortcut adds a simulated one.
    QCOMPARE(window.addResourceAction(QStringLiteral("sim"))->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    window.addResourceAction(QStringLiteral("command"))->trigger();
    QCOMPARE(ids(window.session().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(window.session().selected(), 1); // the new one
    QVERIFY(window.undoAction()->isEnabled());
    QCOMPARE(window.undoAction()->text(), QStringLiteral("&Undo Add resource command-1"));
    QVERIFY(window.document().isModified());

    // Connected through the document (drawing an edge comes later).
    QVERIFY(window.document().addDependency(QStringLiteral("command-1"), QStringLiteral("sim-1")));
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList({"sim-1"}));
    QCOMPARE(window.session().graph().dependencies(1), std::vector<int>({0}));
    window.undoAction()->trigger();
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList());
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList({"sim-1"}));

    // Delete the selected one, and undo it.
    window.session().select(0);
    QVERIFY(window.deleteAction()->isEnabled());
    window.deleteAction()->trigger();
    QCOMPARE(ids(window.session().plan()), QStringList({"command-1"}));
    QCOMPARE(window.session().plan().resources[0].dependsOn, QStringList());
    window.undoAction()->trigger();
    QCOMPARE(ids(window.session().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList({"sim-1"}));

    // The history lists every step.
    window.historyAction()->trigger();
    QCOMPARE(window.document().undoStack()->count(), 4);

    const QString path = m_dir->filePath(QStringLiteral("designed.json"));
    QString error;
    QVERIFY2(window.savePlanAs(path, &error), qPrintable(error));
    QVERIFY(!window.document().isModified());
    QVERIFY2(!window.windowTitle().contains(QLatin1String("not saved")), qPrintable(window.windowTitle()));
    QVERIFY(window.undoAction()->isEnabled()); // saving does not forget the history

    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.openPlan(path));
    const Plan &a = window.session().plan();
    const Plan &b = reopened.session().plan();
    QCOMPARE(ids(b), ids(a));
    for (int i = 0; i < a.resources.size(); ++i) {
        QCOMPARE(b.resources[i].type, a.resources[i].type);
        QCOMPARE(b.resources[i].dependsOn, a.resources[i].dependsOn);
    }
    COMPARE_JSON(reopened.planDocument(), window.planDocument());
}

void tst_PlanDocument::windowAsksBeforeDroppingChanges()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.newPlan());
    int asked = 0;
    MainWindow::UnsavedAnswer answer = MainWindow::UnsavedAnswer::Cancel;
    window.setUnsavedChangesPrompt([&] {
        ++asked;
        return answer;
    });
    QVERIFY(window.openPlan(QStringLiteral("demo"))); // nothing to ask about yet
    QCOMPARE(asked, 0);
    window.addResourceAction(QStringLiteral("sim"))->trigger();
    QVERIFY2(window.windowTitle().contains(QLatin1String("changes not saved")), qPrintable(window.windowTitle()));

    // Cancel keeps the plan and its changes: for opening, New Plan and closing.
    QVERIFY(!window.openPlan(QStringLiteral("demo")));
    QVERIFY(!window.newPlan());
    QCloseEvent close;
    QApplication::sendEvent(&window, &close);
    QVERIFY(!close.isAccepted());
    QCOMPARE(asked, 3);
    QCOMPARE(window.session().resourceCount(), 31);

    // Save writes the plan to its file before going on.
    const QString path = m_dir->filePath(QStringLiteral("kept.json"));
    QVERIFY(window.savePlanAs(path));
    window.addResourceAction(QStringLiteral("http"))->trigger();
    answer = MainWindow::UnsavedAnswer::Save;
    QVERIFY(window.newPlan());
    QCOMPARE(asked, 4);
    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.openPlan(path));
    QCOMPARE(reopened.session().resourceCount(), 32);

    // Discard drops them.
    window.addResourceAction(QStringLiteral("sim"))->trigger();
    answer = MainWindow::UnsavedAnswer::Discard;
    QVERIFY(window.openPlan(path));
    QCOMPARE(asked, 5);
    QCOMPARE(window.session().resourceCount(), 32);
    QVERIFY(!window.document().isModified());
}

void tst_PlanDocument::mappingDialogApplyIsUndoable()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.openPlan(QStringLiteral("demo")));
    const json before = window.planDocument();
    const json rules = json::array({json{{"match", "service"}, {"type", "sim"}, {"duration", "1s"}}});
    QString problems;
    QVERIFY2(window.applyMapping(rules, &problems), qPrintable(problems));
    COMPARE_JSON(window.planDocument()["mapping"], rules);
    QVERIFY(window.document().isModified());
    QCOMPARE(window.undoAction()->text(), QStringLiteral("&Undo Change the executor mapping"));
    window.undoAction()->trigger();
    COMPARE_JSON(window.planDocument(), before);
    QVERIFY(!window.document().isModified());
    window.redoAction()->trigger();
    COMPARE_JSON(window.planDocument()["mapping"], rules);

    // Through the dialog too: OK applies what it shows, as one step.
    window.mappingAction()->trigger();
    auto *dialog = window.findChild<MappingDialog *>();
    QVERIFY(dialog);
    const int steps = window.document().undoStack()->count();
    dialog->accept();
    QTRY_VERIFY(!window.findChild<MappingDialog *>());
    QCOMPARE(window.document().undoStack()->count(), steps); // nothing changed, nothing to undo
}

void tst_PlanDocument::editsAreLockedDuringARun()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.newPlan());
    window.addResourceAction(QStringLiteral("sim"))->trigger();
    window.addResourceAction(QStringLiteral("sim"))->trigger();
    QSignalSpy finished(&window.session(), &RunSession::runFinished);
    window.runAction()->trigger();
    QVERIFY(window.session().isRunning());
    QVERIFY(!window.undoAction()->isEnabled());
    QVERIFY(!window.addResourceAction(QStringLiteral("sim"))->isEnabled());
    QVERIFY(!window.deleteAction()->isEnabled());
    QVERIFY(!window.newAction()->isEnabled());
    QVERIFY2(window.addResourceAction(QStringLiteral("sim"))->toolTip().contains(QLatin1String("run is in progress")),
             qPrintable(window.addResourceAction(QStringLiteral("sim"))->toolTip()));
    // An edit through the document waits for the run to be over: the run keeps its plan.
    QVERIFY(window.document().addResource(QStringLiteral("command")));
    QCOMPARE(window.session().resourceCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(window.session().resourceCount(), 3);
    QVERIFY(window.undoAction()->isEnabled());
    QVERIFY(window.addResourceAction(QStringLiteral("sim"))->isEnabled());
    window.undoAction()->trigger();
    QCOMPARE(window.session().resourceCount(), 2);
}

void tst_PlanDocument::runIsOffWhileAnEditLeftErrors()
{
    const QString path = m_dir->filePath(QStringLiteral("sample.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(sample().dump(2)));
    file.close();

    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.openPlan(path));
    QVERIFY(window.runAction()->isEnabled());
    // db uses an output of subnet: deleting subnet leaves a reference to nothing.
    window.session().select(window.session().plan().indexOf(QStringLiteral("subnet")));
    window.deleteAction()->trigger();
    QVERIFY(window.document().hasErrors());
    QVERIFY(!window.runAction()->isEnabled());
    QVERIFY2(window.runAction()->toolTip().contains(QLatin1String("subnet")), qPrintable(window.runAction()->toolTip()));
    QCOMPARE(window.session().resourceCount(), 4); // the panes keep the plan as it was
    window.undoAction()->trigger();
    QVERIFY(!window.document().hasErrors());
    QVERIFY(window.runAction()->isEnabled());
    QVERIFY(!window.document().isModified());
}

void tst_PlanDocument::graphGesturesEditTheDocument()
{
    // What the graph asks for (tst_graphedit drives the gestures themselves) reaches the document,
    // undoably; a cycle is refused over the graph with the cycle named.
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    window.newAction()->trigger();
    for (int i = 0; i < 3; ++i)
        window.addResourceAction(QStringLiteral("sim"))->trigger();
    QCOMPARE(ids(window.session().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
    GraphPane *graph = window.graphPane();
    QVERIFY(graph->view()->isEditable());

    emit graph->dependencyRequested(QStringLiteral("sim-2"), QStringLiteral("sim-1"));
    emit graph->dependencyRequested(QStringLiteral("sim-3"), QStringLiteral("sim-2"));
    QCOMPARE(window.session().plan().resources[2].dependsOn, QStringList({"sim-2"}));
    emit graph->dependencyRequested(QStringLiteral("sim-1"), QStringLiteral("sim-3"));
    QCOMPARE(window.session().plan().resources[0].dependsOn, QStringList());
    QVERIFY(graph->editMessageLabel()->isVisible());
    QVERIFY2(graph->editMessageLabel()->text().contains(QString::fromUtf8("sim-1 → sim-3 → sim-2 → sim-1")),
             qPrintable(graph->editMessageLabel()->text()));

    emit graph->dependencyRemovalRequested(QStringLiteral("sim-3"), QStringLiteral("sim-2"));
    QCOMPARE(window.session().plan().resources[2].dependsOn, QStringList());
    window.undoAction()->trigger();
    QCOMPARE(window.session().plan().resources[2].dependsOn, QStringList({"sim-2"}));

    emit graph->resourcesRemovalRequested({QStringLiteral("sim-1"), QStringLiteral("sim-3")});
    QCOMPARE(ids(window.session().plan()), QStringList({"sim-2"}));
    QVERIFY(window.session().plan().resources[0].dependsOn.isEmpty());
    window.undoAction()->trigger();
    QCOMPARE(ids(window.session().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList({"sim-1"}));
}

QTEST_MAIN(tst_PlanDocument)
#include "tst_plandocument.moc"
