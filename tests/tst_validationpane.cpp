// The Problems panel and renaming in the Inspector: every current problem of the plan being edited
// is listed with the resource it is in, clicking one selects that resource, fixing the plan empties
// the list and lets it run; the Inspector's id field renames a resource (references follow) and
// shows why a rename is refused. Runs offscreen against the real window.
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/diagnosticsmodel.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/resourcetablemodel.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/panes/resourcespane.h"
#include "ui/panes/validationpane.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// The rows of the Problems panel as "resource|field|message".
QStringList rows(const DiagnosticsModel *model)
{
    QStringList list;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, DiagnosticsModel::MessageColumn);
        list.append(QStringLiteral("%1|%2|%3").arg(index.data(DiagnosticsModel::ResourceIdRole).toString(),
                                                   index.data(DiagnosticsModel::FieldRole).toString(), index.data().toString()));
    }
    return list;
}

} // namespace

class tst_ValidationPane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void pathsNameResourceAndField_data();
    void pathsNameResourceAndField();
    void modelListsEveryProblem();
    void problemsFollowTheDocument();
    void documentWithErrorsIsListed();
    void inspectorRenames();
    void inspectorShowsWhyARenameIsRefused();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ValidationPane::initTestCase()
{
    useTestSettings("tst_validationpane");
}

void tst_ValidationPane::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ValidationPane::pathsNameResourceAndField_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("field");
    QTest::newRow("field") << "resources[3].timeout" << 3 << "timeout";
    QTest::newRow("list item") << "resources[3].depends_on[1]" << 3 << "depends_on[1]";
    QTest::newRow("nested") << "resources[12].retry.backoff.max" << 12 << "retry.backoff.max";
    QTest::newRow("whole resource") << "resources[0]" << 0 << "";
    QTest::newRow("plan field") << "mapping[2].type" << -1 << "mapping[2].type";
    QTest::newRow("whole file") << "" << -1 << "";
}

void tst_ValidationPane::pathsNameResourceAndField()
{
    QFETCH(QString, path);
    QFETCH(int, index);
    QFETCH(QString, field);
    QString actual;
    QCOMPARE(DiagnosticsModel::resourceIndex(path, &actual), index);
    QCOMPARE(actual, field);
}

void tst_ValidationPane::modelListsEveryProblem()
{
    DiagnosticsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    const json document = json::parse(R"({"name": "p", "resources": [{"id": "web", "type": "sim"}, {"type": "sim"}]})");
    const Diagnostics diagnostics = {
        {Diagnostic::Severity::Error, QStringLiteral("resources[0].depends_on[0]"), 0, 0, QStringLiteral("unknown dependency")},
        {Diagnostic::Severity::Warning, QStringLiteral("resources[0].colour"), 0, 0, QStringLiteral("unknown field")},
        {Diagnostic::Severity::Error, QStringLiteral("resources[1]"), 0, 0, QStringLiteral("needs an id")},
        {Diagnostic::Severity::Error, QStringLiteral("name"), 0, 0, QStringLiteral("bad name")},
    };
    model.setDiagnostics(diagnostics, document);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.errorCount(), 3);
    QCOMPARE(rows(&model), QStringList({"web|depends_on[0]|unknown dependency", "web|colour|unknown field",
                                        "resource 2||needs an id", "|name|bad name"}));
    QCOMPARE(model.index(3, DiagnosticsModel::ResourceColumn).data().toString(), QStringLiteral("(plan)"));
    QCOMPARE(model.index(1, DiagnosticsModel::FieldColumn).data().toString(), QStringLiteral("colour"));
    QVERIFY(model.index(0, 0).data(DiagnosticsModel::IsErrorRole).toBool());
    QVERIFY(!model.index(1, 0).data(DiagnosticsModel::IsErrorRole).toBool());
    // A glyph per severity, and they differ.
    const auto icon = [&](int row) { return model.index(row, DiagnosticsModel::MessageColumn).data(Qt::DecorationRole).value<QIcon>(); };
    QVERIFY(!icon(0).isNull() && !icon(1).isNull());
    QVERIFY(icon(0).pixmap(16).toImage() != icon(1).pixmap(16).toImage());
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QLatin1String("resources[0].depends_on[0]")));
    model.setDiagnostics({}, document);
    QCOMPARE(model.rowCount(), 0);
}

void tst_ValidationPane::problemsFollowTheDocument()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.files().setUnsavedChangesPrompt([] { return FileController::UnsavedAnswer::Discard; });
    ValidationPane *pane = window.problemsPane();
    QVERIFY(pane);
    QDockWidget *dock = window.problemsDock();
    bool listed = false;
    for (QObject *object : dock->toggleViewAction()->associatedObjects()) {
        if (auto *menu = qobject_cast<QMenu *>(object); menu && menu->title() == QLatin1String("&View"))
            listed = true;
    }
    QVERIFY2(listed, "View lists the Problems dock");

    // New Plan, a simulated and a command resource through the Edit menu.
    QVERIFY(window.files().newPlan());
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    window.edits().addResourceAction(QStringLiteral("command"))->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(pane->model()->rowCount(), 0);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Problems"));
    dock->show();
    dock->raise();
    QTRY_VERIFY(pane->emptyLabel()->isVisible());
    QCOMPARE(pane->emptyLabel()->text(), QStringLiteral("No problems: the plan can run."));

    // The command uses an output of sim-1; saved and opened again, as a user would have written it.
    json document = window.workspace().document().document();
    document["resources"][1]["command"] = json::array({"echo", "${resources.sim-1.outputs.id}"});
    const QString path = m_dir->filePath(QStringLiteral("uses.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(document.dump(2)));
    file.close();
    QString problems;
    QVERIFY_EXPECTED(window.files().openPlan(path));
    QVERIFY(window.runs().runAction()->isEnabled());

    // Deleting sim-1 leaves command-1's reference to nothing.
    window.workspace().selection().select(0);
    window.edits().deleteAction()->trigger();
    QVERIFY(window.workspace().document().hasErrors());
    QVERIFY(pane->model()->rowCount() >= 1);
    const QModelIndex first = pane->model()->index(0, DiagnosticsModel::MessageColumn);
    QCOMPARE(first.data(DiagnosticsModel::ResourceIdRole).toString(), QStringLiteral("command-1"));
    QVERIFY2(first.data(DiagnosticsModel::FieldRole).toString().startsWith(QLatin1String("command")),
             qPrintable(first.data(DiagnosticsModel::FieldRole).toString()));
    QVERIFY2(first.data().toString().contains(QLatin1String("sim-1")), qPrintable(first.data().toString()));
    QCOMPARE(pane->model()->rowCount(), window.workspace().document().diagnostics().size());
    QCOMPARE(dock->windowTitle(), QStringLiteral("Problems (%1)").arg(pane->model()->rowCount()));
    QVERIFY(!window.runs().runAction()->isEnabled());
    QVERIFY2(window.runs().runAction()->toolTip().contains(QLatin1String("Problems")), qPrintable(window.runs().runAction()->toolTip()));
    QVERIFY2(window.runs().runAction()->toolTip().contains(QLatin1String("sim-1")), qPrintable(window.runs().runAction()->toolTip()));

    // Clicking the problem selects command-1 everywhere and shows the Inspector.
    window.workspace().selection().select(-1);
    window.inspectorDock()->hide();
    QTreeView *view = pane->view();
    QTRY_VERIFY(view->isVisible());
    const QRect rect = view->visualRect(pane->model()->index(0, DiagnosticsModel::ResourceColumn));
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window.workspace().selection().current(), window.workspace().deployment().plan().indexOf(QStringLiteral("command-1")));
    QVERIFY(window.inspectorDock()->isVisible());

    // Undo fixes it: the list empties and Run is back.
    window.edits().undoAction()->trigger();
    QVERIFY(!window.workspace().document().hasErrors());
    QCOMPARE(pane->model()->rowCount(), 0);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Problems"));
    QTRY_VERIFY(pane->emptyLabel()->isVisible());
    QVERIFY(window.runs().runAction()->isEnabled());
}

void tst_ValidationPane::documentWithErrorsIsListed()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().newPlan());
    // A misspelt field is an error with its suggestion (the run would ignore it); a note of the
    // user's own ("x-") is no problem at all; a dependency listed twice is only a warning.
    window.workspace().document().load(json::parse(R"({"name": "broken", "resources": [
        {"id": "web", "type": "sim", "duration": "1s", "timout": "30s", "x-owner": "web-team"},
        {"id": "db", "type": "sim", "duration": "1s", "depends_on": ["nosuch"]},
        {"id": "app", "type": "sim", "duration": "1s", "depends_on": ["web", "web"]}]})"));
    const DiagnosticsModel *model = window.problemsPane()->model();
    QCOMPARE(model->rowCount(), window.workspace().document().diagnostics().size());
    QStringList listed;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, DiagnosticsModel::MessageColumn);
        listed.append(QStringLiteral("%1|%2|%3|%4").arg(index.data(DiagnosticsModel::IsErrorRole).toBool() ? QStringLiteral("error") : QStringLiteral("warning"),
                                                        index.data(DiagnosticsModel::ResourceIdRole).toString(),
                                                        index.data(DiagnosticsModel::FieldRole).toString(), index.data().toString()));
    }
    QCOMPARE(listed, QStringList({
                         "error|web|timout|unknown field \"timout\"; did you mean \"timeout\"?",
                         "error|db|depends_on[0]|unknown dependency \"nosuch\": no resource has this id",
                         "warning|app|depends_on[1]|\"web\" is listed twice",
                     }));
    QVERIFY(window.workspace().document().hasErrors());
    QVERIFY(!window.runs().runAction()->isEnabled());
}

void tst_ValidationPane::inspectorRenames()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files().newPlan());
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    window.edits().addResourceAction(QStringLiteral("command"))->trigger();
    QVERIFY(window.workspace().document().addDependency(QStringLiteral("command-1"), QStringLiteral("sim-1")));
    window.workspace().selection().select(0);
    QLineEdit *edit = window.inspectorPane()->idEdit();
    QCOMPARE(edit->text(), QStringLiteral("sim-1"));
    QVERIFY(!edit->isReadOnly());
    const int steps = window.workspace().document().undoStack()->count();

    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, QStringLiteral("base"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"base", "command-1"}));
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"base"}));
    QCOMPARE(window.workspace().document().undoStack()->count(), steps + 1);
    QCOMPARE(window.workspace().selection().current(), 0); // still the renamed one
    QCOMPARE(edit->text(), QStringLiteral("base"));
    const ResourceTableModel *table = window.resourcesPane()->model();
    QCOMPARE(table->index(0, ResourceTableModel::IdColumn).data().toString(), QStringLiteral("base"));

    window.edits().undoAction()->trigger();
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));
    QCOMPARE(window.workspace().selection().current(), 0);
    QCOMPARE(edit->text(), QStringLiteral("sim-1"));
    QCOMPARE(table->index(0, ResourceTableModel::IdColumn).data().toString(), QStringLiteral("sim-1"));
}

void tst_ValidationPane::inspectorShowsWhyARenameIsRefused()
{
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files().newPlan());
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    window.edits().addResourceAction(QStringLiteral("sim"))->trigger();
    window.workspace().selection().select(0);
    QLineEdit *edit = window.inspectorPane()->idEdit();
    QLabel *why = window.inspectorPane()->idError();
    QVERIFY(!why->isVisible());
    const int steps = window.workspace().document().undoStack()->count();

    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, QStringLiteral("sim-2"));
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(why->isVisible());
    QVERIFY2(why->text().contains(QLatin1String("taken")), qPrintable(why->text()));
    QCOMPARE(edit->text(), QStringLiteral("sim-1")); // the old id stays
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "sim-2"}));
    QCOMPARE(window.workspace().document().undoStack()->count(), steps);

    // Typing again clears the message (the old id is selected, ready to be typed over).
    QCOMPARE(edit->selectedText(), QStringLiteral("sim-1"));
    QTest::keyClick(edit, Qt::Key_End);
    QTest::keyClick(edit, Qt::Key_X);
    QVERIFY(!why->isVisible());
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClick(edit, Qt::Key_Return); // back to its own id: nothing to do
    QVERIFY(!why->isVisible());
    QCOMPARE(window.workspace().document().undoStack()->count(), steps);

    // Not while a run is going: the run uses the plan as it was.
    window.workspace().selection().select(1);
    QCOMPARE(edit->text(), QStringLiteral("sim-2"));
    window.runs().runAction()->trigger();
    QVERIFY(window.workspace().deployment().isRunning());
    QVERIFY(edit->isReadOnly());
    window.workspace().deployment().cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!window.workspace().deployment().isRunning(), 30000);
    QVERIFY(!edit->isReadOnly());
}

QTEST_MAIN(tst_ValidationPane)
#include "tst_validationpane.moc"
