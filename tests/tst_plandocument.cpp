// Designing a plan: every edit of the plan document is one undoable step that undoes exactly, edits
// that would break the plan (a cycle, a taken id) are refused with the reason, and the window's Edit
// menu, New Plan, Save As and the mapping dialog go through the same undo stack. Runs offscreen.
#include "engine/executors/executorregistry.h"
#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/state/deploymentstate.h"
#include "guitest.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/dialogs/mappingdialog.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
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
    void graphDirectionFromTheViewMenu();
    void insertedCopiesGetFreeIdsAndKeepTheirLinks();
    void copyAndPasteBetweenPlans();
    void duplicateAndCut();
    void undoDuringARunSparesRunningResources();
    void stateFollowsSaveAs();
    void notesSurviveEditsAndSave();

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
        const Expected<QString> id = document.addResource(type);
        QVERIFY2(id, qPrintable(id.error()));
        QCOMPARE(document.plan().resources.constLast().id, *id);
        QCOMPARE(document.plan().resources.constLast().type, type);
    }
    QCOMPARE(resourceIds(document.plan()), QStringList({"sim-1", "command-1", "http-1", "sim-2"}));
    QCOMPARE(changed.count(), 4);
    QCOMPARE(errorCount(document.diagnostics()), 0);
    QCOMPARE(document.undoStack()->text(0), QStringLiteral("Add resource sim-1"));

    QString error;
    error = document.addResource(QStringLiteral("nosuch")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("nosuch")), qPrintable(error));
    QCOMPARE(document.undoStack()->count(), 4);

    // An id freed by undo is given again.
    document.undoStack()->undo();
    const Expected<QString> id = document.addResource(QStringLiteral("sim"));
    QVERIFY(id);
    QCOMPARE(*id, QStringLiteral("sim-2"));
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
    check("add", [&] { return bool(document.addResource(QStringLiteral("http"))); });
    check("remove one", [&] { return bool(document.removeResources({QStringLiteral("subnet")})); });
    check("remove several", [&] { return bool(document.removeResources({QStringLiteral("vpc"), QStringLiteral("db")})); });
    check("connect", [&] { return bool(document.addDependency(QStringLiteral("db"), QStringLiteral("vpc"))); });
    check("disconnect", [&] { return bool(document.removeDependency(QStringLiteral("app"), QStringLiteral("db"))); });
    check("mapping", [&] { return bool(document.setMapping(json::array({json{{"match", "x"}, {"type", "sim"}}}))); });
    check("rename", [&] { return bool(document.renameResource(QStringLiteral("db"), QStringLiteral("database"))); });
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
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Delete 2 resources"));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), before);
    QCOMPARE(resourceIds(document.plan()), QStringList({"vpc", "subnet", "db", "app"}));

    QString error;
    error = document.removeResources({QStringLiteral("nosuch")}).error();
    QVERIFY(!error.isEmpty());
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
    error = document.addDependency(QStringLiteral("vpc"), QStringLiteral("app")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("vpc → app → vpc")), qPrintable(error));
    error = document.addDependency(QStringLiteral("subnet"), QStringLiteral("db")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("subnet → db → subnet")), qPrintable(error));
    error = document.addDependency(QStringLiteral("vpc"), QStringLiteral("db")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("vpc → db → subnet → vpc")), qPrintable(error));
    error = document.addDependency(QStringLiteral("db"), QStringLiteral("db")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("db → db")), qPrintable(error));
    error = document.addDependency(QStringLiteral("db"), QStringLiteral("subnet")).error();
    QVERIFY(!error.isEmpty());
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
    error = document.renameResource(QStringLiteral("db"), QStringLiteral("vpc")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("taken")), qPrintable(error));
    error = document.renameResource(QStringLiteral("db"), QString()).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("needs an id")), qPrintable(error));
    error = document.renameResource(QStringLiteral("nosuch"), QStringLiteral("x")).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(document.undoStack()->count(), 0);
}

void tst_PlanDocument::cleanAndModified()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
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
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    QVERIFY(window.files().newAction()->isEnabled());
    QCOMPARE(window.files().newAction()->shortcut(), QKeySequence(QKeySequence::New));
    window.files().newAction()->trigger();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QCOMPARE(window.workspace().deployment().resourceCount(), 0);
    QVERIFY2(window.windowTitle().contains(QLatin1String("untitled (new plan, not saved)")), qPrintable(window.windowTitle()));
    QVERIFY(!window.edits().undoAction()->isEnabled());
    QVERIFY(!window.edits().deleteAction()->isEnabled());

    // Two resources from the Edit menu; the shortcut adds a simulated one.
    QCOMPARE(window.edits().addResourceAction(QStringLiteral("sim"))->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    window.edits().addResourceAction(QStringLiteral("command"))->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(window.workspace().selection().current(), 1); // the new one
    QVERIFY(window.edits().undoAction()->isEnabled());
    QCOMPARE(window.edits().undoAction()->text(), QStringLiteral("&Undo Add resource command-1"));
    QVERIFY(window.workspace().document().isModified());

    // Connected through the document (drawing an edge comes later).
    QVERIFY(window.workspace().document().addDependency(QStringLiteral("command-1"), QStringLiteral("sim-1")));
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));
    QCOMPARE(window.workspace().deployment().graph().dependencies(1), std::vector<int>({0}));
    window.edits().undoAction()->trigger();
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList());
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));

    // Delete the selected one, and undo it.
    window.workspace().selection().select(0);
    QVERIFY(window.edits().deleteAction()->isEnabled());
    window.edits().deleteAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"command-1"}));
    QCOMPARE(window.workspace().deployment().plan().resources[0].dependsOn, QStringList());
    window.edits().undoAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));

    // The history lists every step.
    window.edits().historyAction()->trigger();
    QCOMPARE(window.workspace().document().undoStack()->count(), 4);

    const QString path = m_dir->filePath(QStringLiteral("designed.json"));
    QVERIFY_EXPECTED(window.files().savePlanAs(path));
    QVERIFY(!window.workspace().document().isModified());
    QVERIFY2(!window.windowTitle().contains(QLatin1String("not saved")), qPrintable(window.windowTitle()));
    QVERIFY(window.edits().undoAction()->isEnabled()); // saving does not forget the history

    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.files().openPlan(path));
    const Plan &a = window.workspace().deployment().plan();
    const Plan &b = reopened.workspace().deployment().plan();
    QCOMPARE(resourceIds(b), resourceIds(a));
    for (int i = 0; i < a.resources.size(); ++i) {
        QCOMPARE(b.resources[i].type, a.resources[i].type);
        QCOMPARE(b.resources[i].dependsOn, a.resources[i].dependsOn);
    }
    COMPARE_JSON(reopened.workspace().document().document(), window.workspace().document().document());
}

void tst_PlanDocument::windowAsksBeforeDroppingChanges()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    int asked = 0;
    FileController::UnsavedAnswer answer = FileController::UnsavedAnswer::Cancel;
    window.files().setUnsavedChangesPrompt([&] {
        ++asked;
        return answer;
    });
    QVERIFY(window.files().openPlan(QStringLiteral("demo"))); // nothing to ask about yet
    QCOMPARE(asked, 0);
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    QVERIFY2(window.windowTitle().contains(QLatin1String("changes not saved")), qPrintable(window.windowTitle()));

    // Cancel keeps the plan and its changes: for opening, New Plan and closing.
    QVERIFY(!window.files().openPlan(QStringLiteral("demo")));
    QVERIFY(!window.files().newPlan());
    QCloseEvent close;
    QApplication::sendEvent(&window, &close);
    QVERIFY(!close.isAccepted());
    QCOMPARE(asked, 3);
    QCOMPARE(window.workspace().deployment().resourceCount(), 31);

    // Save writes the plan to its file before going on.
    const QString path = m_dir->filePath(QStringLiteral("kept.json"));
    QVERIFY(window.files().savePlanAs(path));
    window.edits().addResourceAction(QStringLiteral("http"))->trigger();
    answer = FileController::UnsavedAnswer::Save;
    QVERIFY(window.files().newPlan());
    QCOMPARE(asked, 4);
    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.files().openPlan(path));
    QCOMPARE(reopened.workspace().deployment().resourceCount(), 32);

    // Discard drops them.
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    answer = FileController::UnsavedAnswer::Discard;
    QVERIFY(window.files().openPlan(path));
    QCOMPARE(asked, 5);
    QCOMPARE(window.workspace().deployment().resourceCount(), 32);
    QVERIFY(!window.workspace().document().isModified());
}

void tst_PlanDocument::mappingDialogApplyIsUndoable()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(QStringLiteral("demo")));
    const json before = window.workspace().document().document();
    const json rules = json::array({json{{"match", "service"}, {"type", "sim"}, {"duration", "1s"}}});
    QVERIFY_EXPECTED(window.runs().applyMapping(rules));
    COMPARE_JSON(window.workspace().document().document()["mapping"], rules);
    QVERIFY(window.workspace().document().isModified());
    QCOMPARE(window.edits().undoAction()->text(), QStringLiteral("&Undo Change the executor mapping"));
    window.edits().undoAction()->trigger();
    COMPARE_JSON(window.workspace().document().document(), before);
    QVERIFY(!window.workspace().document().isModified());
    window.edits().redoAction()->trigger();
    COMPARE_JSON(window.workspace().document().document()["mapping"], rules);

    // Through the dialog too: OK applies what it shows, as one step.
    window.runs().mappingAction()->trigger();
    auto *dialog = window.findChild<MappingDialog *>();
    QVERIFY(dialog);
    const int steps = window.workspace().document().undoStack()->count();
    dialog->accept();
    QTRY_VERIFY(!window.findChild<MappingDialog *>());
    QCOMPARE(window.workspace().document().undoStack()->count(), steps); // nothing changed, nothing to undo
}

void tst_PlanDocument::editsAreLockedDuringARun()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    QSignalSpy finished(&window.workspace().deployment(), &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QVERIFY(window.workspace().deployment().isRunning());
    QVERIFY(!window.edits().undoAction()->isEnabled());
    QVERIFY(!window.edits().addResourceAction(QStringLiteral("sim"))->isEnabled());
    QVERIFY(!window.edits().deleteAction()->isEnabled());
    QVERIFY(!window.files().newAction()->isEnabled());
    QVERIFY2(window.edits().addResourceAction(QStringLiteral("sim"))->toolTip().contains(QLatin1String("run is in progress")),
             qPrintable(window.edits().addResourceAction(QStringLiteral("sim"))->toolTip()));
    // An edit through the document waits for the run to be over: the run keeps its plan.
    QVERIFY(window.workspace().document().addResource(QStringLiteral("command")));
    QCOMPARE(window.workspace().deployment().resourceCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(window.workspace().deployment().resourceCount(), 3);
    QVERIFY(window.edits().undoAction()->isEnabled());
    QVERIFY(window.edits().addResourceAction(QStringLiteral("sim"))->isEnabled());
    window.edits().undoAction()->trigger();
    QCOMPARE(window.workspace().deployment().resourceCount(), 2);
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
    QVERIFY(window.files().openPlan(path));
    QVERIFY(window.runs().runAction()->isEnabled());
    // db uses an output of subnet: deleting subnet leaves a reference to nothing.
    window.workspace().selection().select(window.workspace().deployment().plan().indexOf(QStringLiteral("subnet")));
    window.edits().deleteAction()->trigger();
    QVERIFY(window.workspace().document().hasErrors());
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY2(window.runs().runAction()->toolTip().contains(QLatin1String("subnet")), qPrintable(window.runs().runAction()->toolTip()));
    QCOMPARE(window.workspace().deployment().resourceCount(), 4); // the panes keep the plan as it was
    window.edits().undoAction()->trigger();
    QVERIFY(!window.workspace().document().hasErrors());
    QVERIFY(window.runs().runAction()->isEnabled());
    QVERIFY(!window.workspace().document().isModified());
}

void tst_PlanDocument::graphGesturesEditTheDocument()
{
    // What the graph asks for (tst_graphedit drives the gestures themselves) reaches the document,
    // undoably; a cycle is refused over the graph with the cycle named.
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    window.files().newAction()->trigger();
    for (int i = 0; i < 3; ++i)
        window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
    GraphPane *graph = window.graphPane();
    QVERIFY(graph->view()->isEditable());

    emit graph->dependencyRequested(QStringLiteral("sim-2"), QStringLiteral("sim-1"));
    emit graph->dependencyRequested(QStringLiteral("sim-3"), QStringLiteral("sim-2"));
    QCOMPARE(window.workspace().deployment().plan().resources[2].dependsOn, QStringList({"sim-2"}));
    emit graph->dependencyRequested(QStringLiteral("sim-1"), QStringLiteral("sim-3"));
    QCOMPARE(window.workspace().deployment().plan().resources[0].dependsOn, QStringList());
    QVERIFY(graph->editMessageLabel()->isVisible());
    QVERIFY2(graph->editMessageLabel()->text().contains(QString::fromUtf8("sim-1 → sim-3 → sim-2 → sim-1")),
             qPrintable(graph->editMessageLabel()->text()));

    emit graph->dependencyRemovalRequested(QStringLiteral("sim-3"), QStringLiteral("sim-2"));
    QCOMPARE(window.workspace().deployment().plan().resources[2].dependsOn, QStringList());
    window.edits().undoAction()->trigger();
    QCOMPARE(window.workspace().deployment().plan().resources[2].dependsOn, QStringList({"sim-2"}));

    emit graph->resourcesRemovalRequested({QStringLiteral("sim-1"), QStringLiteral("sim-3")});
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-2"}));
    QVERIFY(window.workspace().deployment().plan().resources[0].dependsOn.isEmpty());
    window.edits().undoAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "sim-2", "sim-3"}));
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));
}

void tst_PlanDocument::changeResourceIsOneStep()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json before = document.document();
    json db = before["resources"][2];
    db["timeout"] = "2m";
    QString error;
    QVERIFY_EXPECTED(document.changeResource(QStringLiteral("db"), db, QStringLiteral("Change the timeout of db")));
    QCOMPARE(document.plan().resources[2].timeoutMs, qint64(120000));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Change the timeout of db"));
    QCOMPARE(document.resourcesChangedBy(0), QStringList({"db"}));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), before);

    // The id changes only through a rename; an unchanged object is no step.
    db["id"] = "database";
    error = document.changeResource(QStringLiteral("db"), db, QStringLiteral("x")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("Id field")), qPrintable(error));
    error = document.changeResource(QStringLiteral("db"), before["resources"][2], QStringLiteral("x")).error();
    QVERIFY(!error.isEmpty());
    error = document.changeResource(QStringLiteral("nosuch"), before["resources"][2], QStringLiteral("x")).error();
    QVERIFY(!error.isEmpty());
    error = document.changeResource(QStringLiteral("db"), json::array(), QStringLiteral("x")).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(document.undoStack()->count(), 1);
}

void tst_PlanDocument::pinnedPositionsFollowEdits()
{
    PlanDocument document(ExecutorRegistry::builtIn());
    document.load(sample());
    const json original = document.document();
    QVERIFY(document.pinnedPositions().isEmpty());

    QVERIFY(document.moveResources({{QStringLiteral("db"), QPointF(100, 50.25)}, {QStringLiteral("vpc"), QPointF(-20, 0)}}));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Move 2 resources"));
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
    error = document.unpinResources({QStringLiteral("network")}).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("no position")), qPrintable(error));
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), renamed);
    QCOMPARE(document.toText(), QByteArray::fromStdString(renamed.dump(2)) + '\n');

    // The graph's direction goes in the same section, and back out.
    QVERIFY(document.setLayoutDirection(QStringLiteral("left-to-right")));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Draw the Graph Left to Right"));
    QVERIFY(document.document()["layout"]["direction"] == json("left-to-right"));
    QVERIFY(document.document()["layout"].contains("positions"));
    QVERIFY(document.setLayoutDirection(QString()));
    QVERIFY(!document.document()["layout"].contains("direction"));
    document.undoStack()->undo();
    document.undoStack()->undo();
    COMPARE_JSON(document.document(), renamed);

    // A new resource placed by the user is pinned where it was put.
    const Expected<QString> id = document.addResource(QStringLiteral("http"), QPointF(300, 200));
    QVERIFY(id);
    QCOMPARE(document.pinnedPositions().value(*id), QPointF(300, 200));
    error = document.moveResources({{QStringLiteral("nosuch"), QPointF()}}).error();
    QVERIFY(!error.isEmpty());
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
    Expected<PlanDocument::Insertion> inserted = document.insertResources(copied, document.pinnedPositions(), QPointF(40, 40), QStringLiteral("Paste"));
    QVERIFY2(inserted, qPrintable(inserted.error()));
    QCOMPARE(inserted->ids, QStringList({"db-2", "app-2"}));
    QVERIFY(inserted->dropped.isEmpty());
    QCOMPARE(errorCount(document.diagnostics()), 0);
    const Resource &app2 = document.plan().resources[document.plan().indexOf(QStringLiteral("app-2"))];
    QCOMPARE(app2.dependsOn, QStringList({"db-2", "vpc"}));
    COMPARE_JSON(app2.params["command"], json::array({"echo", "${resources.db-2.outputs.url}"}));
    QCOMPARE(document.pinnedPositions().value(QStringLiteral("db-2")), QPointF(50, 60));
    QVERIFY(!document.pinnedPositions().contains(QStringLiteral("app-2")));
    QCOMPARE(document.undoStack()->undoText(), QStringLiteral("Paste"));
    QCOMPARE(document.resourcesChangedBy(document.undoStack()->index() - 1), QStringList({"db-2", "app-2"}));

    // Once more: the next free numbers, never chained renames.
    inserted = document.insertResources(copied, {}, QPointF(), QStringLiteral("Paste"));
    QVERIFY(inserted);
    QCOMPARE(inserted->ids, QStringList({"db-3", "app-3"}));
    QCOMPARE(document.plan().resources.constLast().dependsOn, QStringList({"db-3", "vpc"}));

    // Into an empty plan: what the copies depended on outside is left out, and said.
    PlanDocument other(ExecutorRegistry::builtIn());
    inserted = other.insertResources(copied, {}, QPointF(), QStringLiteral("Paste"));
    QVERIFY(inserted);
    QCOMPARE(inserted->ids, QStringList({"db", "app"}));
    QCOMPARE(inserted->dropped, QStringList({"db on subnet", "app on vpc"}));

    QString error;
    QCOMPARE(other.plan().resources[1].dependsOn, QStringList({"db"}));

    // Nothing that is not resources.
    error = other.insertResources(json::array({json{{"type", "sim"}}}), {}, QPointF(), QStringLiteral("Paste")).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("with an id")), qPrintable(error));
    error = other.insertResources(json::array({json{{"id", "a"}}, json{{"id", "a"}}}), {}, QPointF(), QStringLiteral("Paste")).error();
    QVERIFY(!error.isEmpty());
    error = other.insertResources(json::array(), {}, QPointF(), QStringLiteral("Paste")).error();
    QVERIFY(!error.isEmpty());
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
    QVERIFY(from.files().openPlan(path));
    QCOMPARE(from.edits().copyAction()->shortcut(), QKeySequence(QKeySequence::Copy));
    QCOMPARE(from.edits().pasteAction()->shortcut(), QKeySequence(QKeySequence::Paste));
    from.workspace().selection().select(from.workspace().deployment().plan().indexOf(QStringLiteral("app")));
    QVERIFY(from.edits().copySelected());
    // The clipboard has the resource as JSON, readable anywhere.
    const json clip = json::parse(QGuiApplication::clipboard()->text().toStdString());
    COMPARE_JSON(clip["resources"][0], sample()["resources"][3]);

    MainWindow to(MainWindow::Layout::Default);
    to.files().setUnsavedChangesPrompt([] { return FileController::UnsavedAnswer::Discard; });
    to.show();
    QVERIFY(to.files().newPlan());
    QVERIFY(to.edits().addResourceAt(QStringLiteral("sim"), std::nullopt));
    to.edits().pasteAction()->trigger();
    QCOMPARE(resourceIds(to.workspace().document().plan()), QStringList({"sim-1", "app"}));
    // app waited for db and vpc, which this plan lacks: left out, and said so. Its command still
    // uses db's output, which the Problems panel shows, so the panes keep the plan without it.
    QCOMPARE(to.workspace().document().plan().resources[1].dependsOn, QStringList());
    QVERIFY2(to.statusBar()->currentMessage().contains(QLatin1String("app on db")), qPrintable(to.statusBar()->currentMessage()));
    QVERIFY(to.workspace().document().hasErrors());
    QVERIFY(!to.runs().runAction()->isEnabled());
    to.edits().undoAction()->trigger();
    QCOMPARE(resourceIds(to.workspace().deployment().plan()), QStringList({"sim-1"}));

    // A resource without references arrives on the graph and is selected.
    from.workspace().selection().select(from.workspace().deployment().plan().indexOf(QStringLiteral("subnet")));
    from.edits().copyAction()->trigger();
    to.edits().pasteAction()->trigger();
    QCOMPARE(resourceIds(to.workspace().deployment().plan()), QStringList({"sim-1", "subnet"}));
    QCOMPARE(to.workspace().selection().current(), 1);
    QVERIFY(to.runs().runAction()->isEnabled());
    to.edits().undoAction()->trigger();

    // Text that is not resources is refused with the reason.
    QGuiApplication::clipboard()->setText(QStringLiteral("not json"));
    const QString error = to.edits().paste().error();
    QVERIFY2(error.contains(QLatin1String("not JSON")), qPrintable(error));
    // One resource object, as typed by hand, is taken.
    QGuiApplication::clipboard()->setText(QStringLiteral(R"({"id": "cache", "type": "sim", "duration": "2s"})"));
    QVERIFY_EXPECTED(to.edits().paste());
    QCOMPARE(resourceIds(to.workspace().deployment().plan()), QStringList({"sim-1", "cache"}));
}

void tst_PlanDocument::duplicateAndCut()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), QPointF(0, 0)));
    QVERIFY(window.edits().addResourceAt(QStringLiteral("command"), QPointF(200, 0)));
    QVERIFY(window.workspace().document().addDependency(QStringLiteral("command-1"), QStringLiteral("sim-1")));
    QCOMPARE(window.edits().duplicateAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_D));
    window.workspace().selection().select(1);
    window.edits().duplicateAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1", "command-2"}));
    QCOMPARE(window.workspace().deployment().plan().resources[2].dependsOn, QStringList({"sim-1"}));
    QCOMPARE(window.workspace().document().pinnedPositions().value(QStringLiteral("command-2")), QPointF(240, 40));
    QCOMPARE(window.workspace().selection().current(), 2);

    window.edits().cutAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    window.workspace().selection().select(0);
    window.edits().pasteAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1", "command-2"}));
    QCOMPARE(window.workspace().deployment().plan().resources[2].dependsOn, QStringList({"sim-1"}));
    QVERIFY(window.edits().unpinAllAction()->isEnabled());
    window.edits().unpinAllAction()->trigger();
    QVERIFY(window.workspace().document().pinnedPositions().isEmpty());
    QVERIFY(!window.edits().unpinAllAction()->isEnabled());
}

// View → Graph Direction → Left to Right: saved in the plan (undoable), and the graph drawn so.
void tst_PlanDocument::graphDirectionFromTheViewMenu()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), QPointF(0, 0)));
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), QPointF(0, 200)));
    QVERIFY(window.workspace().document().unpinResources({QStringLiteral("sim-1"), QStringLiteral("sim-2")}));
    QVERIFY(window.workspace().document().addDependency(QStringLiteral("sim-2"), QStringLiteral("sim-1")));
    QAction *across = nullptr;
    QAction *fitting = nullptr;
    for (QAction *action : window.menuBar()->findChildren<QAction *>()) {
        if (action->text() == QLatin1String("&Left to Right"))
            across = action;
        if (action->text() == QLatin1String("To &Fit the Window"))
            fitting = action;
    }
    QVERIFY(across && fitting);
    QVERIFY(fitting->isChecked());
    across->trigger();
    QCOMPARE(window.workspace().deployment().plan().layoutDirection, QStringLiteral("left-to-right"));
    QVERIFY(window.workspace().document().document()["layout"]["direction"] == json("left-to-right"));
    QVERIFY(across->isChecked());
    GraphView *view = window.graphPane()->view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLayingOut() && view->nodeItem(1), 30'000);
    QTRY_VERIFY_WITH_TIMEOUT(view->nodeItem(0)->sceneRect().right() < view->nodeItem(1)->sceneRect().left(), 30'000);
    window.workspace().document().undoStack()->undo();
    QVERIFY(fitting->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(view->nodeItem(1) && view->nodeItem(0)->sceneRect().bottom() < view->nodeItem(1)->sceneRect().top(), 30'000);
}

void tst_PlanDocument::undoDuringARunSparesRunningResources()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), std::nullopt));   // sim-1: runs long
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), std::nullopt));   // sim-2: waits for sim-1
    QVERIFY(window.workspace().document().addDependency(QStringLiteral("sim-2"), QStringLiteral("sim-1")));
    json slow = window.workspace().document().document()["resources"][0];
    slow["duration"] = "30s";
    QVERIFY(window.workspace().document().changeResource(QStringLiteral("sim-1"), slow, QStringLiteral("Slow sim-1 down")));
    QSignalSpy started(&window.workspace().deployment(), &Deployment::runStarted);
    window.runs().runAction()->trigger();
    QTRY_COMPARE(window.workspace().deployment().state(0), ResourceState::Running);
    // The last step changed sim-1, which runs: locked, and the tooltip says why.
    QVERIFY(!window.edits().undoAction()->isEnabled());
    QVERIFY2(window.edits().undoAction()->toolTip().contains(QLatin1String("running")), qPrintable(window.edits().undoAction()->toolTip()));
    // sim-2 only waits: it can be changed, for the next run, and that step can be undone.
    json waiting = window.workspace().document().document()["resources"][1];
    waiting["duration"] = "1s";
    QVERIFY(window.workspace().document().changeResource(QStringLiteral("sim-2"), waiting, QStringLiteral("Speed sim-2 up")));
    QVERIFY(window.edits().undoAction()->isEnabled());
    window.edits().undoAction()->trigger();
    COMPARE_JSON(window.workspace().document().document()["resources"][1]["duration"], json("5s"));
    QVERIFY(!window.edits().undoAction()->isEnabled()); // back at the step on sim-1
    QVERIFY(window.edits().redoAction()->isEnabled());
    // The run keeps the plan it started with.
    COMPARE_JSON(window.workspace().deployment().plan().resources[0].params["duration"], json("30s"));
    window.runs().cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.workspace().deployment().isRunning(), kRunTimeoutMs);
    QVERIFY(window.edits().undoAction()->isEnabled());
}

void tst_PlanDocument::stateFollowsSaveAs()
{
    // A new plan, run before it was ever saved: what it provisioned is only in memory.
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    QVERIFY(window.edits().addResourceAt(QStringLiteral("sim"), std::nullopt));
    json quick = window.workspace().document().document()["resources"][0];
    quick["duration"] = "1ms";
    QVERIFY(window.workspace().document().changeResource(QStringLiteral("sim-1"), quick, QStringLiteral("Quick")));
    QSignalSpy finished(&window.workspace().deployment(), &Deployment::runFinished);
    window.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QVERIFY(window.workspace().deployment().statePath().isEmpty());
    QCOMPARE(window.workspace().deployment().deploymentState().size(), 1);

    // Saved: the state is written beside the file, and opening the file finds sim-1 up to date.
    const QString path = m_dir->filePath(QStringLiteral("built.json"));
    QVERIFY(window.files().savePlanAs(path));
    const QString statePath = DeploymentState::defaultPath(path);
    QCOMPARE(window.workspace().deployment().statePath(), statePath);
    QVERIFY(QFileInfo::exists(statePath));
    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY(reopened.files().openPlan(path));
    QVERIFY(reopened.workspace().deployment().isProvisioned(0));

    // Saved under another name during a run: the state follows when the run is over, with what
    // that run recorded.
    json slow = quick;
    slow["duration"] = "300ms";
    QVERIFY(window.workspace().document().changeResource(QStringLiteral("sim-1"), slow, QStringLiteral("Slower")));
    window.runs().runAllAction()->trigger();
    QVERIFY(window.workspace().deployment().isRunning());
    const QString renamed = m_dir->filePath(QStringLiteral("renamed.json"));
    QVERIFY(window.files().savePlanAs(renamed));
    QCOMPARE(window.workspace().deployment().statePath(), statePath);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kRunTimeoutMs);
    QCOMPARE(window.workspace().deployment().statePath(), DeploymentState::defaultPath(renamed));
    MainWindow third(MainWindow::Layout::Default);
    QVERIFY(third.files().openPlan(renamed));
    QVERIFY(third.workspace().deployment().isProvisioned(0));

    // A state file already there is never overwritten: the window says where the state stays.
    QFile other(DeploymentState::defaultPath(m_dir->filePath(QStringLiteral("taken.json"))));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("{}");
    other.close();
    QVERIFY(window.files().savePlanAs(m_dir->filePath(QStringLiteral("taken.json"))));
    QCOMPARE(window.workspace().deployment().statePath(), DeploymentState::defaultPath(renamed));
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("already exists")), qPrintable(window.statusBar()->currentMessage()));
}

// "x-" fields are the user's notes: opened, edited around and saved by the window, each is written
// back as it was, and the plan they are in still runs.
void tst_PlanDocument::notesSurviveEditsAndSave()
{
    const json plan = json::parse(R"({
        "name": "notes", "x-owner": "platform",
        "defaults": {"timeout": "1m", "x-why": "slow API", "retry": {"max_attempts": 2, "x-ticket": "OPS-1"}},
        "groups": {"net": {"limit": 2, "x-owner": "network"}},
        "variables": {"token": {"value": "s", "secret": true, "x-rotated": "2026-01-01"}},
        "mapping": [{"match": "aws_*", "type": "sim", "x-why": "not yet"}],
        "resources": [
            {"id": "vpc", "type": "sim", "group": "net", "duration": "1ms", "x-owner": {"team": "network", "see": "${resources.nosuch.outputs.x}"}},
            {"id": "db", "type": "sim", "depends_on": ["vpc"], "duration": "1ms", "outputs": {"url": "db:5432"},
             "retry": {"max_attempts": 3, "x-why": "flaky"}},
            {"id": "app", "type": "command", "depends_on": ["db"], "command": ["echo", "${resources.db.outputs.url}"], "x-ticket": "OPS-2",
             "destroy": {"type": "command", "command": ["true"], "x-owner": "app-team"}}
        ]
    })");
    const QString path = m_dir->filePath(QStringLiteral("notes.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(plan.dump(2)));
    file.close();

    MainWindow window(MainWindow::Layout::Default);
    QVERIFY_EXPECTED(window.files().openPlan(path));
    PlanDocument &document = window.workspace().document();
    QVERIFY2(document.diagnostics().isEmpty(), qPrintable(document.diagnostics().value(0).message));
    QVERIFY(!document.plan().resources[0].params.contains("x-owner"));

    // Edits of the resources with notes, around them, and of the plan.
    json vpc = document.document()["resources"][0];
    vpc["duration"] = "2ms";
    QVERIFY_EXPECTED(document.changeResource(QStringLiteral("vpc"), vpc, QStringLiteral("Change the duration of vpc")));
    QVERIFY_EXPECTED(document.renameResource(QStringLiteral("db"), QStringLiteral("database")));
    QVERIFY_EXPECTED(document.addDependency(QStringLiteral("app"), QStringLiteral("vpc")));
    QVERIFY_EXPECTED(document.moveResources({{QStringLiteral("vpc"), QPointF(10, 20)}}));
    QVERIFY(!document.hasErrors());
    QVERIFY_EXPECTED(window.files().savePlanAs(path));

    QVERIFY(file.open(QIODevice::ReadOnly));
    const json saved = json::parse(file.readAll().toStdString());
    file.close();
    for (const char *member : {"x-owner", "defaults", "groups", "variables", "mapping"})
        COMPARE_JSON(saved[member], plan[member]);
    const json &resources = plan["resources"];
    COMPARE_JSON(saved["resources"][0]["x-owner"], resources[0]["x-owner"]);
    QCOMPARE(saved["resources"][1]["id"].get<std::string>(), std::string("database"));
    COMPARE_JSON(saved["resources"][1]["retry"], resources[1]["retry"]);
    COMPARE_JSON(saved["resources"][2]["x-ticket"], resources[2]["x-ticket"]);
    COMPARE_JSON(saved["resources"][2]["destroy"], resources[2]["destroy"]);

    // Read again, the notes are no problem, and a run never sees them (the one with a ${...} in it
    // would not resolve).
    MainWindow reopened(MainWindow::Layout::Default);
    QVERIFY_EXPECTED(reopened.files().openPlan(path));
    QVERIFY(reopened.workspace().document().diagnostics().isEmpty());
    QSignalSpy finished(&reopened.workspace().deployment(), &Deployment::runFinished);
    reopened.runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCOMPARE(reopened.workspace().deployment().deploymentState().size(), 3);
}

QTEST_MAIN(tst_PlanDocument)
#include "tst_plandocument.moc"
