// Designing a plan from nothing, as a user does it in the window: New Plan, resources from the
// palette (a click, and a drop on the graph), a dependency drawn from a node's connector, a cycle
// refused, properties typed into the Inspector (an invalid one flagged), undo and redo from the
// keyboard, a node dragged into place, Save; then the file opened again in a second window must
// hold exactly what the first one built. Runs offscreen.
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphview.h"
#include "ui/inspector/fieldlist.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/inspector/resourceform.h"
#include "ui/panes/validationpane.h"
#include "ui/window/editactions.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/resourcepalette.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

#include <memory>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

constexpr int kLayoutTimeoutMs = 30'000;

// Where resource `id`'s node is on the graph's viewport, once its layout has arrived.
QPoint nodeCentre(MainWindow &window, const QString &id)
{
    GraphView *view = window.graphPane()->view();
    const GraphNodeItem *node = view->nodeItem(window.workspace().deployment().plan().indexOf(id));
    if (!node)
        return QPoint(-1, -1);
    return view->mapFromScene(node->mapToScene(node->rect().center()));
}

// Waits until the graph shows the session's plan, every node placed.
bool waitForGraph(MainWindow &window)
{
    GraphView *view = window.graphPane()->view();
    return QTest::qWaitFor([&] {
        if (view->isLayingOut())
            return false;
        for (int r = 0; r < window.workspace().deployment().resourceCount(); ++r) {
            if (!view->nodeItem(r))
                return false;
        }
        return true;
    }, kLayoutTimeoutMs);
}

void drag(QWidget *viewport, QPoint from, QPoint to, Qt::KeyboardModifiers modifiers)
{
    QTest::mousePress(viewport, Qt::LeftButton, modifiers, from);
    QTest::mouseMove(viewport, (from + to) / 2);
    QTest::mouseMove(viewport, to);
    QTest::mouseRelease(viewport, Qt::LeftButton, modifiers, to);
}

// Types `text` over what the line edit has, then Enter, as a user does.
void type(QLineEdit *edit, const QString &text, bool enter = true)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
    if (enter)
        QTest::keyClick(edit, Qt::Key_Return);
}

} // namespace

class tst_DesignPlan : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void buildSaveAndReload();
    void problemLeadsToTheField();
};

void tst_DesignPlan::initTestCase()
{
    useTestSettings("tst_designplan");
}

void tst_DesignPlan::buildSaveAndReload()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    // Ctrl+N: an empty plan.
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(window.workspace().deployment().resourceCount(), 0);
    QVERIFY(!window.edits().undoAction()->isEnabled());

    // A click on the palette adds a simulated resource.
    QToolButton *addSim = window.edits().palette()->button(QStringLiteral("sim"));
    QVERIFY(addSim && addSim->isEnabled());
    QTest::mouseClick(addSim, Qt::LeftButton);
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1"}));
    QVERIFY(waitForGraph(window));

    // A command dropped on the graph lands where it was dropped.
    GraphView *view = window.graphPane()->view();
    const QPoint dropAt = nodeCentre(window, QStringLiteral("sim-1")) + QPoint(0, 150);
    QVERIFY(view->viewport()->rect().contains(dropAt));
    QMimeData mime;
    mime.setData(QString::fromLatin1(ResourcePalette::kMimeType), QByteArrayLiteral("command"));
    QDragEnterEvent enter(dropAt, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(dropAt), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &drop);
    QCOMPARE(resourceIds(window.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    QVERIFY(waitForGraph(window));
    QVERIFY((nodeCentre(window, QStringLiteral("command-1")) - dropAt).manhattanLength() <= 2);

    // A drag from sim-1's connector (the dot on its lower edge) to command-1: command-1 waits for sim-1.
    const GraphNodeItem *sim = view->nodeItem(0);
    const QPoint connector = view->mapFromScene(sim->connectorCentre());
    QTest::mouseMove(view->viewport(), connector);
    QVERIFY(sim->isConnectorShown());
    drag(view->viewport(), connector, nodeCentre(window, QStringLiteral("command-1")), Qt::NoModifier);
    QCOMPARE(window.workspace().deployment().plan().resources[1].dependsOn, QStringList({"sim-1"}));
    QVERIFY(waitForGraph(window));

    // The other way round (Shift+drag from anywhere on the node) would close a cycle: refused, and
    // the message names it.
    const int steps = window.workspace().document().undoStack()->count();
    drag(view->viewport(), nodeCentre(window, QStringLiteral("command-1")), nodeCentre(window, QStringLiteral("sim-1")), Qt::ShiftModifier);
    QCOMPARE(window.workspace().document().undoStack()->count(), steps);
    QCOMPARE(window.workspace().deployment().plan().resources[0].dependsOn, QStringList());
    QLabel *message = window.graphPane()->editMessageLabel();
    QVERIFY(message->isVisible());
    QVERIFY2(message->text().contains(QString::fromUtf8("sim-1 → command-1 → sim-1")), qPrintable(message->text()));

    // The Inspector: an invalid timeout is flagged as it is typed and never applied; a valid one is.
    window.workspace().selection().select(1);
    ResourceForm *form = window.inspectorPane()->form();
    auto *timeout = qobject_cast<QLineEdit *>(form->editor(QStringLiteral("timeout")));
    QVERIFY(timeout);
    QVERIFY(!timeout->isReadOnly());
    type(timeout, QStringLiteral("5 parsecs"), false);
    QLabel *why = form->message(QStringLiteral("timeout"));
    QVERIFY(why && why->isVisible());
    QVERIFY2(why->text().contains(QLatin1String("parsecs")), qPrintable(why->text()));
    QTest::keyClick(timeout, Qt::Key_Return);
    QVERIFY(!window.workspace().document().document()["resources"][1].contains("timeout"));
    type(timeout, QStringLiteral("90s"));
    QVERIFY(!why->isVisible());
    COMPARE_JSON(window.workspace().document().document()["resources"][1]["timeout"], json("90s"));
    QCOMPARE(window.workspace().deployment().plan().resources[1].timeoutMs, qint64(90'000));

    // The command as an argument list: the first argument replaced, a second added.
    auto *arguments = qobject_cast<FieldList *>(form->editor(QStringLiteral("command")));
    QVERIFY(arguments);
    type(arguments->editor(0), QStringLiteral("echo"));
    QTest::mouseClick(arguments->addButton(), Qt::LeftButton);
    type(arguments->editor(1), QStringLiteral("provisioned"));
    COMPARE_JSON(window.workspace().document().document()["resources"][1]["command"], json::array({"echo", "provisioned"}));

    // Undo (Ctrl+Z) and redo (Ctrl+Shift+Z) from the keyboard, with the focus on the graph.
    view->setFocus();
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    COMPARE_JSON(window.workspace().document().document()["resources"][1]["command"], json::array({"echo"}));
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    COMPARE_JSON(window.workspace().document().document()["resources"][1]["command"], json::array({"echo", "provisioned"}));
    QCOMPARE(arguments->rowCount(), 2); // the form follows

    // A node dragged into place is pinned there.
    QVERIFY(waitForGraph(window));
    const QPoint from = nodeCentre(window, QStringLiteral("sim-1"));
    const QPoint to = from + QPoint(-120, 0);
    drag(view->viewport(), from, to, Qt::NoModifier);
    const QPointF pinned = window.workspace().document().pinnedPositions().value(QStringLiteral("sim-1"));
    QVERIFY2((view->mapFromScene(pinned) - to).manhattanLength() <= 2,
             qPrintable(QStringLiteral("pinned at %1,%2").arg(pinned.x()).arg(pinned.y())));

    // Save, with the title saying so.
    QVERIFY(window.isWindowModified());
    QVERIFY2(window.windowTitle().contains(QLatin1String("not saved")), qPrintable(window.windowTitle()));
    const QString path = dir.filePath(QStringLiteral("designed.json"));
    QString error;
    QVERIFY_EXPECTED(window.files().savePlanAs(path));
    QVERIFY(!window.isWindowModified());
    QVERIFY2(window.windowTitle().startsWith(QLatin1String("untitled (designed.json)")), qPrintable(window.windowTitle()));
    const json built = window.workspace().document().document();

    // The file holds exactly what was built, and the engine reads it without a problem.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    COMPARE_JSON(json::parse(saved.toStdString()), built);
    const PlanReadResult read = PlanReader::readFile(path, ExecutorRegistry::builtIn());
    QVERIFY2(read.diagnostics.isEmpty(), qPrintable(read.diagnostics.isEmpty() ? QString() : read.diagnostics.constFirst().toString()));

    // Opened in another window: the same plan, the same pinned place on its graph.
    MainWindow reopened(MainWindow::Layout::Default);
    reopened.show();
    QVERIFY(reopened.files().openPlan(path));
    COMPARE_JSON(reopened.workspace().document().document(), built);
    QCOMPARE(resourceIds(reopened.workspace().deployment().plan()), QStringList({"sim-1", "command-1"}));
    const Resource &command = reopened.workspace().deployment().plan().resources[1];
    QCOMPARE(command.dependsOn, QStringList({"sim-1"}));
    QCOMPARE(command.timeoutMs, qint64(90'000));
    COMPARE_JSON(command.params["command"], json::array({"echo", "provisioned"}));
    QCOMPARE(reopened.workspace().deployment().plan().positions.value(QStringLiteral("sim-1")), pinned);
    QVERIFY(waitForGraph(reopened));
    const GraphNodeItem *node = reopened.graphPane()->view()->nodeItem(0);
    QVERIFY(node);
    QCOMPARE(node->mapToScene(node->rect().center()), pinned);
    QVERIFY(!reopened.workspace().hasUnsavedChanges());
}

void tst_DesignPlan::problemLeadsToTheField()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("plan.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "p", "resources": [
        {"id": "subnet", "type": "sim", "duration": "1s", "outputs": {"id": "subnet-1"}},
        {"id": "db", "type": "command", "depends_on": ["subnet"], "command": ["echo", "${resources.subnet.outputs.id}"]}]})");
    file.close();

    MainWindow window(MainWindow::Layout::Default);
    window.show();
    QVERIFY(window.files().openPlan(path));
    // Deleting subnet leaves db's argument referring to nothing: a problem, and Run off.
    window.workspace().selection().select(0);
    window.edits().deleteAction()->trigger();
    QVERIFY(!window.runs().runAction()->isEnabled());
    QTreeView *problems = window.problemsPane()->view();
    QCOMPARE(problems->model()->rowCount(), 1);
    window.problemsDock()->raise();
    QVERIFY(QTest::qWaitForWindowExposed(problems));

    // A click on it selects db and puts the cursor in that argument.
    const QModelIndex first = problems->model()->index(0, 0);
    QTest::mouseClick(problems->viewport(), Qt::LeftButton, Qt::NoModifier, problems->visualRect(first).center());
    QCOMPARE(window.workspace().selection().current(), window.workspace().deployment().plan().indexOf(QStringLiteral("db")));
    auto *arguments = qobject_cast<FieldList *>(window.inspectorPane()->form()->editor(QStringLiteral("command")));
    QVERIFY(arguments);
    QTRY_VERIFY(arguments->editor(1)->hasFocus());
}

QTEST_MAIN(tst_DesignPlan)
#include "tst_designplan.moc"
