// Designing a plan: every edit of the plan document is one undoable step that undoes exactly, edits
// that would break the plan (a cycle, a taken id) are refused with the reason, and the window's Edit
// menu, New Plan, Save As and the mapping dialog go through the same undo stack. Runs offscreen.
#include "guitest.h"
#include "engine/state/deploymentstate.h"
#include "engine/executors/executorregistry.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/window/mainwindow.h"
#include "ui/dialogs/mappingdialog.h"
#include "models/plan/plandocument.h"
#include "models/run/runsession.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

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
    void changeResourceIsOneStep();
    void pinnedPositionsFollowEdits();
    void insertedCopiesGetFreeIdsAndKeepTheirLinks();
    void copyAndPasteBetweenPlans();
    void duplicateAndCut();
    void undoDuringARunSparesRunningResources();
    void stateFollowsSaveAs();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_PlanDocument::initTestCase()
{
    useTestSettings("tst_plandocument");
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
    QCOMPARE(resourceIds(document.plan()), QStringList({"sim-1", "command-1", "http-1", "sim-2"}));
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
    QCOMPARE(resourceIds(document.plan()), QStringList({"subnet", "app"}));
    COMPARE_JSON(document.document()["resources"][0]["depends_on"], json::array());
    COMPARE_JSON(document.document()["resources"][1]["depends_on"], json::array());
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Delete 2 resource(s)"));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), before);
    QCOMPARE(resourceIds(document.plan()), QStringList({"vpc", "subnet", "db", "app"}));

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
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "command-1"}));
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
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"command-1"}));
    QCOMPARE(window.session().plan().resources[0].dependsOn, QStringList());
    window.undoAction()->trigger();
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "command-1"}));
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
    QCOMPARE(resourceIds(b), resourceIds(a));
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
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
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
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-2"}));
    QVERIFY(window.session().plan().resources[0].dependsOn.isEmpty());
    window.undoAction()->trigger();
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
    QCOMPARE(window.session().plan().resources[1].dependsOn, QStringList({"sim-1"}));
}

void tst_PlanDocument::changeResourceIsOneStep()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json before = document.document();
    json db = before["resources"][2];
    db["timeout"] = "2m";
    QString error;
    QVERIFY2(document.changeResource(QStringLiteral("db"), db, QStringLiteral("Change the timeout of db"), &error), qPrintable(error));
    QCOMPARE(document.plan().resources[2].timeoutMs, qint64(120000));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Change the timeout of db"));
    QCOMPARE(document.resourcesChangedBy(0), QStringList({"db"}));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), before);

    // The id changes only through a rename; an unchanged object is no step.
    db["id"] = "database";
    QVERIFY(!document.changeResource(QStringLiteral("db"), db, QStringLiteral("x"), &error));
    QVERIFY2(error.contains(QLatin1String("Id field")), qPrintable(error));
    QVERIFY(!document.changeResource(QStringLiteral("db"), before["resources"][2], QStringLiteral("x"), &error));
    QVERIFY(!document.changeResource(QStringLiteral("nosuch"), before["resources"][2], QStringLiteral("x"), &error));
    QVERIFY(!document.changeResource(QStringLiteral("db"), json::array(), QStringLiteral("x"), &error));
    QCOMPARE(document.undoStack()->count(), 1);
}

void tst_PlanDocument::pinnedPositionsFollowEdits()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json original = document.document();
    QVERIFY(document.pinnedPositions().isEmpty());

    QVERIFY(document.moveResources({{QStringLiteral("db"), QPointF(100, 50.25)}, {QStringLiteral("vpc"), QPointF(-20, 0)}}));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Move 2 resource(s)"));
    // In plan order, rounded to a tenth, after the members that were there.
    COMPARE_JSON(document.document()["layout"], json::parse(R"({"positions": {"vpc": {"x": -20.0, "y": 0.0}, "db": {"x": 100.0, "y": 50.3}}})"));
    QVERIFY(document.document().begin().key() == "name");
    QCOMPARE(document.pinnedPositions().value(QStringLiteral("db")), QPointF(100, 50.3));
    QCOMPARE(document.resourcesChangedBy(0), QStringList({"vpc", "db"}));

    // A rename keeps the position, in its place; a delete drops it, and undo brings it back.
    QVERIFY(document.renameResource(QStringLiteral("vpc"), QStringLiteral("network")));
    COMPARE_JSON(document.document()["layout"]["positions"], json::parse(R"({"network": {"x": -20.0, "y": 0.0}, "db": {"x": 100.0, "y": 50.3}})"));
    const json renamed = document.document();
    QVERIFY(document.removeResources({QStringLiteral("db")}));
    COMPARE_JSON(document.document()["layout"]["positions"], json::parse(R"({"network": {"x": -20.0, "y": 0.0}})"));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), renamed);

    // Unpinning the last one takes the layout section out; undo puts it back where it was.
    QVERIFY(document.unpinResources({QStringLiteral("network"), QStringLiteral("db")}));
    QVERIFY(!document.document().contains("layout"));
    QString error;
    QVERIFY(!document.unpinResources({QStringLiteral("network")}, &error));
    QVERIFY2(error.contains(QLatin1String("no position")), qPrintable(error));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), renamed);
    QCOMPARE(document.toText(), QByteArray::fromStdString(renamed.dump(2)) + '\n');

    // A new resource placed by the user is pinned where it was put.
    QString id;
    QVERIFY(document.addResource(QStringLiteral("http"), &id, nullptr, QPointF(300, 200)));
    QCOMPARE(document.pinnedPositions().value(id), QPointF(300, 200));
    QVERIFY(!document.moveResources({{QStringLiteral("nosuch"), QPointF()}}, &error));
    while (document.undoStack()->canUndo())
        document.undoStack()->undo();
    COMPARE_JSON(document.document(), original);
}

void tst_PlanDocument::insertedCopiesGetFreeIdsAndKeepTheirLinks()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    QVERIFY(document.moveResources({{QStringLiteral("db"), QPointF(10, 20)}}));
    const json copied = document.resourceObjects({QStringLiteral("app"), QStringLiteral("db")});
    QCOMPARE(copied.size(), size_t(2));
    COMPARE_JSON(copied[0]["id"], json("db")); // plan order

    // Into the same plan: new ids, the copy of app waits for the copy of db (and for vpc, which
    // the plan has), and its reference to db's output follows.
    QStringList added;
    QStringList dropped;
    QString error;
    QVERIFY2(document.insertResources(copied, document.pinnedPositions(), QPointF(40, 40), QStringLiteral("Paste"), &added, &dropped, &error),
             qPrintable(error));
    QCOMPARE(added, QStringList({"db-2", "app-2"}));
    QVERIFY(dropped.isEmpty());
    QCOMPARE(errorCount(document.diagnostics()), 0);
    const Resource &app2 = document.plan().resources[document.plan().indexOf(QStringLiteral("app-2"))];
    QCOMPARE(app2.dependsOn, QStringList({"db-2", "vpc"}));
    COMPARE_JSON(app2.params["command"], json::array({"echo", "${resources.db-2.outputs.url}"}));
    QCOMPARE(document.pinnedPositions().value(QStringLiteral("db-2")), QPointF(50, 60));
    QVERIFY(!document.pinnedPositions().contains(QStringLiteral("app-2")));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Paste"));
    QCOMPARE(document.resourcesChangedBy(document.undoStack()->index() - 1), QStringList({"db-2", "app-2"}));

    // Once more: the next free numbers, never chained renames.
    QVERIFY(document.insertResources(copied, {}, QPointF(), QStringLiteral("Paste"), &added));
    QCOMPARE(added, QStringList({"db-3", "app-3"}));
    QCOMPARE(document.plan().resources.constLast().dependsOn, QStringList({"db-3", "vpc"}));

    // Into an empty plan: what the copies depended on outside is left out, and said.
    PlanDocument other(ExecutorRegistry::builtIn());
    QVERIFY(other.insertResources(copied, {}, QPointF(), QStringLiteral("Paste"), &added, &dropped));
    QCOMPARE(added, QStringList({"db", "app"}));
    QCOMPARE(dropped, QStringList({"db on subnet", "app on vpc"}));
    QCOMPARE(other.plan().resources[1].dependsOn, QStringList({"db"}));

    // Nothing that is not resources.
    QVERIFY(!other.insertResources(json::array({json{{"type", "sim"}}}), {}, QPointF(), QStringLiteral("Paste"), &added, nullptr, &error));
    QVERIFY2(error.contains(QLatin1String("with an id")), qPrintable(error));
    QVERIFY(!other.insertResources(json::array({json{{"id", "a"}}, json{{"id", "a"}}}), {}, QPointF(), QStringLiteral("Paste"), &added, nullptr, &error));
    QVERIFY(!other.insertResources(json::array(), {}, QPointF(), QStringLiteral("Paste"), &added, nullptr, &error));
    QCOMPARE(other.undoStack()->count(), 1);
}

void tst_PlanDocument::copyAndPasteBetweenPlans()
{
    const QString path = m_dir->filePath(QStringLiteral("sample.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(sample().dump(2)));
    file.close();

    MainWindow from(MainWindow::Layout::Default);
    from.show();
    QVERIFY(from.openPlan(path));
    QCOMPARE(from.copyAction()->shortcut(), QKeySequence(QKeySequence::Copy));
    QCOMPARE(from.pasteAction()->shortcut(), QKeySequence(QKeySequence::Paste));
    from.session().select(from.session().plan().indexOf(QStringLiteral("app")));
    QVERIFY(from.copySelected());
    // The clipboard has the resource as JSON, readable anywhere.
    const json clip = json::parse(QGuiApplication::clipboard()->text().toStdString());
    COMPARE_JSON(clip["resources"][0], sample()["resources"][3]);

    MainWindow to(MainWindow::Layout::Default);
    to.setUnsavedChangesPrompt([] { return MainWindow::UnsavedAnswer::Discard; });
    to.show();
    QVERIFY(to.newPlan());
    QVERIFY(to.addResourceAt(QStringLiteral("sim"), std::nullopt));
    to.pasteAction()->trigger();
    QCOMPARE(resourceIds(to.document().plan()), QStringList({"sim-1", "app"}));
    // app waited for db and vpc, which this plan lacks: left out, and said so. Its command still
    // uses db's output, which the Problems panel shows, so the panes keep the plan without it.
    QCOMPARE(to.document().plan().resources[1].dependsOn, QStringList());
    QVERIFY2(to.statusBar()->currentMessage().contains(QLatin1String("app on db")), qPrintable(to.statusBar()->currentMessage()));
    QVERIFY(to.document().hasErrors());
    QVERIFY(!to.runAction()->isEnabled());
    to.undoAction()->trigger();
    QCOMPARE(resourceIds(to.session().plan()), QStringList({"sim-1"}));

    // A resource without references arrives on the graph and is selected.
    from.session().select(from.session().plan().indexOf(QStringLiteral("subnet")));
    from.copyAction()->trigger();
    to.pasteAction()->trigger();
    QCOMPARE(resourceIds(to.session().plan()), QStringList({"sim-1", "subnet"}));
    QCOMPARE(to.session().selected(), 1);
    QVERIFY(to.runAction()->isEnabled());
    to.undoAction()->trigger();

    // Text that is not resources is refused with the reason.
    QGuiApplication::clipboard()->setText(QStringLiteral("not json"));
    QString error;
    QVERIFY(!to.paste(&error));
    QVERIFY2(error.contains(QLatin1String("not JSON")), qPrintable(error));
    // One resource object, as typed by hand, is taken.
    QGuiApplication::clipboard()->setText(QStringLiteral(R"({"id": "cache", "type": "sim", "duration": "2s"})"));
    QVERIFY2(to.paste(&error), qPrintable(error));
    QCOMPARE(resourceIds(to.session().plan()), QStringList({"sim-1", "cache"}));
}

void tst_PlanDocument::duplicateAndCut()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.newPlan());
    QVERIFY(window.addResourceAt(QStringLiteral("sim"), QPointF(0, 0)));
    QVERIFY(window.addResourceAt(QStringLiteral("command"), QPointF(200, 0)));
    QVERIFY(window.document().addDependency(QStringLiteral("command-1"), QStringLiteral("sim-1")));
    QCOMPARE(window.duplicateAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_D));
    window.session().select(1);
    window.duplicateAction()->trigger();
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "command-1", "command-2"}));
    QCOMPARE(window.session().plan().resources[2].dependsOn, QStringList({"sim-1"}));
    QCOMPARE(window.document().pinnedPositions().value(QStringLiteral("command-2")), QPointF(240, 40));
    QCOMPARE(window.session().selected(), 2);

    window.cutAction()->trigger();
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "command-1"}));
    window.session().select(0);
    window.pasteAction()->trigger();
    QCOMPARE(resourceIds(window.session().plan()), QStringList({"sim-1", "command-1", "command-2"}));
    QCOMPARE(window.session().plan().resources[2].dependsOn, QStringList({"sim-1"}));
    QVERIFY(window.unpinAllAction()->isEnabled());
    window.unpinAllAction()->trigger();
    QVERIFY(window.document().pinnedPositions().isEmpty());
    QVERIFY(!window.unpinAllAction()->isEnabled());
}

void tst_PlanDocument::undoDuringARunSparesRunningResources()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.newPlan());
    QVERIFY(window.addResourceAt(QStringLiteral("sim"), std::nullopt));   // sim-1: runs long
    QVERIFY(window.addResourceAt(QStringLiteral("sim"), std::nullopt));   // sim-2: waits for sim-1
    QVERIFY(window.document().addDependency(QStringLiteral("sim-2"), QStringLiteral("sim-1")));
    json slow = window.document().document()["resources"][0];
    slow["duration"] = "30s";
    QVERIFY(window.document().changeResource(QStringLiteral("sim-1"), slow, QStringLiteral("Slow sim-1 down")));
    QSignalSpy started(&window.session(), &RunSession::runStarted);
    window.runAction()->trigger();
    QTRY_COMPARE(window.session().state(0), ResourceState::Running);
    // The last step changed sim-1, which runs: locked, and the tooltip says why.
    QVERIFY(!window.undoAction()->isEnabled());
    QVERIFY2(window.undoAction()->toolTip().contains(QLatin1String("running")), qPrintable(window.undoAction()->toolTip()));
    // sim-2 only waits: it can be changed, for the next run, and that step can be undone.
    json waiting = window.document().document()["resources"][1];
    waiting["duration"] = "1s";
    QVERIFY(window.document().changeResource(QStringLiteral("sim-2"), waiting, QStringLiteral("Speed sim-2 up")));
    QVERIFY(window.undoAction()->isEnabled());
    window.undoAction()->trigger();
    COMPARE_JSON(window.document().document()["resources"][1]["duration"], json("5s"));
    QVERIFY(!window.undoAction()->isEnabled()); // back at the step on sim-1
    QVERIFY(window.redoAction()->isEnabled());
    // The run keeps the plan it started with.
    COMPARE_JSON(window.session().plan().resources[0].params["duration"], json("30s"));
    window.cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session().isRunning(), kRunTimeoutMs);
    QVERIFY(window.undoAction()->isEnabled());
}

void tst_PlanDocument::stateFollowsSaveAs()
{
    // A new plan, run before it was ever saved: what it provisioned is only in memory.
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.newPlan());
    QVERIFY(window.addResourceAt(QStringLiteral("sim"), std::nullopt));
    json quick = window.document().document()["resources"][0];
    quick["duration"] = "1ms";
    QVERIFY(window.document().changeResource(QStringLiteral("sim-1"), quick, QStringLiteral("Quick")));
    QSignalSpy finished(&window.session(), &RunSession::runFinished);
    window.runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QVERIFY(window.session().statePath().isEmpty());
    QCOMPARE(window.session().deploymentState().size(), 1);

    // Saved: the state is written beside the file, and opening the file finds sim-1 up to date.
    const QString path = m_dir->filePath(QStringLiteral("built.json"));
    QVERIFY(window.savePlanAs(path));
    const QString statePath = DeploymentState::defaultPath(path);
    QCOMPARE(window.session().statePath(), statePath);
    QVERIFY(QFileInfo::exists(statePath));
    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.openPlan(path));
    QVERIFY(reopened.session().isProvisioned(0));

    // Saved under another name during a run: the state follows when the run is over, with what
    // that run recorded.
    json slow = quick;
    slow["duration"] = "300ms";
    QVERIFY(window.document().changeResource(QStringLiteral("sim-1"), slow, QStringLiteral("Slower")));
    window.runAllAction()->trigger();
    QVERIFY(window.session().isRunning());
    const QString renamed = m_dir->filePath(QStringLiteral("renamed.json"));
    QVERIFY(window.savePlanAs(renamed));
    QCOMPARE(window.session().statePath(), statePath);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(window.session().statePath(), DeploymentState::defaultPath(renamed));
    MainWindow third(MainWindow::Layout::Default);
    QVERIFY(third.openPlan(renamed));
    QVERIFY(third.session().isProvisioned(0));

    // A state file already there is never overwritten: the window says where the state stays.
    QFile other(DeploymentState::defaultPath(m_dir->filePath(QStringLiteral("taken.json"))));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("{}");
    other.close();
    QVERIFY(window.savePlanAs(m_dir->filePath(QStringLiteral("taken.json"))));
    QCOMPARE(window.session().statePath(), DeploymentState::defaultPath(renamed));
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("already exists")), qPrintable(window.statusBar()->currentMessage()));
}

QTEST_MAIN(tst_PlanDocument)
#include "tst_plandocument.moc"
