// Editing the plan on the graph: Shift+drag draws a dependency, a selected edge or selected nodes
// are deleted with Delete, Ctrl+click and Ctrl+drag select several nodes; nothing is asked while
// the graph is not editable. Driven through the real view's viewport (offscreen).
#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphpane.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphview.h"
#include "tests/expect.h"

#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace fanout;

namespace {

constexpr int kLayoutTimeoutMs = 30'000;

// "app" depends on "db"; "cache" and "queue" stand alone.
const char *kPlan = R"({
  "name": "graph-edit",
  "resources": [
    {"id": "db", "type": "sim", "duration": "50ms"},
    {"id": "app", "type": "sim", "depends_on": ["db"], "duration": "50ms"},
    {"id": "cache", "type": "sim", "duration": "50ms"},
    {"id": "queue", "type": "sim", "duration": "50ms"}
  ]
})";

} // namespace

class tst_graphedit : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void dragDrawsDependency();
    void dragToEmptySpaceCancels();
    void connectorDrawsDependency();
    void deleteSelectedEdge();
    void ctrlClickSelectsSeveralAndDeletes();
    void rubberBandSelects();
    void notEditableAsksNothing();
    void showsEditMessage();
    void dragMovesNode();
    void dragMovesSelectedNodes();
    void clickWithoutMovingSelects();
    void notEditableDragPans();
    void dropAddsResource();
    void contextMenuAddsResource();
    void pinnedNodeUnpins();
    void newResourcePosition();
    void escapeCancelsMove();
    void groupFollowsDraggedMember();

private:
    QPoint centreOf(const QString &id) const; // in viewport coordinates
    QPoint emptySpot() const;
    void drag(QPoint from, QPoint to, Qt::KeyboardModifiers modifiers);

    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<GraphPane> m_pane;
};

void tst_graphedit::init()
{
    m_workspace = std::make_unique<Workspace>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<GraphPane>(*m_workspace);
    m_pane->resize(1000, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    const PlanReadResult read = PlanReader::readText(kPlan, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    QSignalSpy laidOut(m_pane->view(), &GraphView::layoutFinished);
    m_workspace->deployment().open(read.plan, QString(), QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    QVERIFY2(m_pane->view()->layoutError().isEmpty(), qPrintable(m_pane->view()->layoutError()));
    m_pane->view()->fit();
    m_pane->view()->setFocus();
}

void tst_graphedit::cleanup()
{
    m_pane.reset();
    m_workspace.reset();
}

QPoint tst_graphedit::centreOf(const QString &id) const
{
    const GraphNodeItem *node = m_pane->view()->nodeItem(m_workspace->deployment().plan().indexOf(id));
    if (!FANOUT_EXPECT(node))
        return QPoint(-1, -1);
    const QPoint at = m_pane->view()->mapFromScene(node->mapToScene(node->rect().center()));
    FANOUT_EXPECT(m_pane->view()->viewport()->rect().contains(at));
    return at;
}

QPoint tst_graphedit::emptySpot() const
{
    const GraphView *view = m_pane->view();
    for (int y = 5; y < view->viewport()->height(); y += 10) {
        for (int x = 5; x < view->viewport()->width(); x += 10) {
            if (view->items(QPoint(x, y)).isEmpty())
                return QPoint(x, y);
        }
    }
    return QPoint(-1, -1);
}

void tst_graphedit::drag(QPoint from, QPoint to, Qt::KeyboardModifiers modifiers)
{
    QWidget *viewport = m_pane->view()->viewport();
    QTest::mousePress(viewport, Qt::LeftButton, modifiers, from);
    QTest::mouseMove(viewport, (from + to) / 2);
    QTest::mouseMove(viewport, to);
    QTest::mouseRelease(viewport, Qt::LeftButton, modifiers, to);
}

void tst_graphedit::dragDrawsDependency()
{
    QSignalSpy requested(m_pane.get(), &GraphPane::dependencyRequested);
    const QPoint db = centreOf(QStringLiteral("db"));
    const QPoint cache = centreOf(QStringLiteral("cache"));
    QWidget *viewport = m_pane->view()->viewport();

    // From the dependency to what will depend on it, as the arrows point.
    QTest::mousePress(viewport, Qt::LeftButton, Qt::ShiftModifier, db);
    QVERIFY(m_pane->view()->isDrawingDependency());
    QTest::mouseMove(viewport, (db + cache) / 2);
    QTest::mouseMove(viewport, cache);
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::ShiftModifier, cache);
    QVERIFY(!m_pane->view()->isDrawingDependency());
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("cache")); // the dependent
    QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("db"));    // its dependency

    // The rubber line is gone: only the plan's items are left.
    for (const QGraphicsItem *item : m_pane->view()->graphScene()->items())
        QVERIFY(item->type() > QGraphicsItem::UserType);

    // Without Shift the same drag moves the node and draws nothing.
    drag(db, cache, Qt::NoModifier);
    QCOMPARE(requested.size(), 1);
}

void tst_graphedit::connectorDrawsDependency()
{
    QSignalSpy requested(m_pane.get(), &GraphPane::dependencyRequested);
    GraphView *view = m_pane->view();
    QWidget *viewport = view->viewport();
    GraphNodeItem *db = view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("db")));
    const QPoint connector = view->mapFromScene(db->connectorCentre());

    // The mouse over a node shows its connector; away from it, none.
    QTest::mouseMove(viewport, centreOf(QStringLiteral("db")));
    QVERIFY(db->isConnectorShown());
    QTest::mouseMove(viewport, connector);
    QVERIFY(db->isConnectorShown());
    QCOMPARE(viewport->cursor().shape(), Qt::CrossCursor);

    // A plain drag from it to another node draws the dependency.
    const QPoint cache = centreOf(QStringLiteral("cache"));
    QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, connector);
    QVERIFY(view->isDrawingDependency());
    QTest::mouseMove(viewport, (connector + cache) / 2);
    QTest::mouseMove(viewport, cache);
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, cache);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("cache"));
    QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("db"));
    QCOMPARE(db->pos(), QPointF()); // not moved

    const QPoint empty = emptySpot();
    QTest::mouseMove(viewport, connector);
    QTest::mouseMove(viewport, empty);
    QVERIFY(!db->isConnectorShown());
    QCOMPARE(viewport->cursor().shape(), Qt::OpenHandCursor);

    // Not editable (a run): no connector to drag.
    m_pane->setEditable(false);
    QTest::mouseMove(viewport, connector);
    QVERIFY(!db->isConnectorShown());
    QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, connector);
    QVERIFY(!view->isDrawingDependency());
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, connector);
}

void tst_graphedit::dragToEmptySpaceCancels()
{
    QSignalSpy requested(m_pane.get(), &GraphPane::dependencyRequested);
    const QPoint empty = emptySpot();
    QVERIFY(empty.x() >= 0);
    drag(centreOf(QStringLiteral("db")), empty, Qt::ShiftModifier);
    QVERIFY(!m_pane->view()->isDrawingDependency());
    // Back onto the node it started on: no dependency on itself either.
    drag(centreOf(QStringLiteral("db")), centreOf(QStringLiteral("db")) + QPoint(10, 0), Qt::ShiftModifier);
    QCOMPARE(requested.size(), 0);
}

void tst_graphedit::deleteSelectedEdge()
{
    GraphView *view = m_pane->view();
    QSignalSpy removeEdge(m_pane.get(), &GraphPane::dependencyRemovalRequested);
    QSignalSpy removeResources(m_pane.get(), &GraphPane::resourcesRemovalRequested);
    QCOMPARE(view->graphScene()->edgeItems().size(), 1);
    GraphEdgeItem *edge = view->graphScene()->edgeItems().constFirst();
    const QPoint middle = view->mapFromScene(edge->path().pointAtPercent(0.5));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, middle);
    QCOMPARE(view->selectedEdge(), edge);
    QVERIFY(edge->isSelected());
    QCOMPARE(m_workspace->selection().current(), -1);

    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(removeEdge.size(), 1);
    QCOMPARE(removeEdge.at(0).at(0).toString(), QStringLiteral("app")); // the dependent
    QCOMPARE(removeEdge.at(0).at(1).toString(), QStringLiteral("db"));  // its dependency
    QCOMPARE(removeResources.size(), 0);

    // Clicking a node takes the selection off the edge.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("db")));
    QVERIFY(!view->selectedEdge());
    QVERIFY(!edge->isSelected());
}

void tst_graphedit::ctrlClickSelectsSeveralAndDeletes()
{
    GraphView *view = m_pane->view();
    QSignalSpy removeResources(m_pane.get(), &GraphPane::resourcesRemovalRequested);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("cache")));
    QCOMPARE(m_pane->selectedIds(), QStringList{QStringLiteral("cache")});
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("db")));
    QCOMPARE(m_pane->selectedIds(), (QStringList{QStringLiteral("db"), QStringLiteral("cache")})); // plan order
    QVERIFY(view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("cache")))->isSelected());
    QVERIFY(view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("db")))->isSelected());
    QVERIFY(!view->isFaded(m_workspace->deployment().plan().indexOf(QStringLiteral("queue"))));

    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(removeResources.size(), 1);
    QCOMPARE(removeResources.at(0).at(0).toStringList(), (QStringList{QStringLiteral("db"), QStringLiteral("cache")}));

    // Ctrl+click again takes one out; a plain click selects just one.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("cache")));
    QCOMPARE(m_pane->selectedIds(), QStringList{QStringLiteral("db")});
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("queue")));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("app")));
    QCOMPARE(m_pane->selectedIds(), QStringList{QStringLiteral("app")});
    QVERIFY(!view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("queue")))->isSelected());

    QTest::keyClick(view, Qt::Key_Backspace);
    QCOMPARE(removeResources.size(), 2);
    QCOMPARE(removeResources.at(1).at(0).toStringList(), QStringList{QStringLiteral("app")});
}

void tst_graphedit::rubberBandSelects()
{
    GraphView *view = m_pane->view();
    const QRect all = view->mapFromScene(view->graphScene()->itemsBoundingRect()).boundingRect().adjusted(-4, -4, 4, 4);
    QVERIFY(view->viewport()->rect().contains(all));
    // From a corner outside every node across all of them, with Ctrl; a plain drag would pan.
    drag(all.topLeft(), all.bottomRight(), Qt::ControlModifier);
    QCOMPARE(m_pane->selectedIds().size(), 4);
    QVERIFY(!view->selectedEdge());
    QVERIFY(!view->graphScene()->edgeItems().constFirst()->isSelected());
}

void tst_graphedit::notEditableAsksNothing()
{
    GraphView *view = m_pane->view();
    QSignalSpy requested(m_pane.get(), &GraphPane::dependencyRequested);
    QSignalSpy removeEdge(m_pane.get(), &GraphPane::dependencyRemovalRequested);
    QSignalSpy removeResources(m_pane.get(), &GraphPane::resourcesRemovalRequested);
    m_pane->setEditable(false);
    QVERIFY(!m_pane->isEditable());

    drag(centreOf(QStringLiteral("db")), centreOf(QStringLiteral("cache")), Qt::ShiftModifier);
    QVERIFY(!view->isDrawingDependency());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("queue")));
    QTest::keyClick(view, Qt::Key_Delete);
    const QPoint middle = view->mapFromScene(view->graphScene()->edgeItems().constFirst()->path().pointAtPercent(0.5));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, middle);
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(requested.size(), 0);
    QCOMPARE(removeEdge.size(), 0);
    QCOMPARE(removeResources.size(), 0);

    m_pane->setEditable(true);
    drag(centreOf(QStringLiteral("db")), centreOf(QStringLiteral("cache")), Qt::ShiftModifier);
    QCOMPARE(requested.size(), 1);
}

void tst_graphedit::showsEditMessage()
{
    const QString why = QStringLiteral("db → app → db would be a cycle.");
    m_pane->showEditMessage(why);
    QVERIFY(m_pane->editMessageLabel()->isVisible());
    QCOMPARE(m_pane->editMessageLabel()->text(), why);
    m_pane->showEditMessage(QString());
    QVERIFY(!m_pane->editMessageLabel()->isVisible());
}

void tst_graphedit::dragMovesNode()
{
    GraphView *view = m_pane->view();
    QSignalSpy moved(m_pane.get(), &GraphPane::resourcesMoved);
    QSignalSpy requested(m_pane.get(), &GraphPane::dependencyRequested);
    const int app = m_workspace->deployment().plan().indexOf(QStringLiteral("app"));
    const QPointF before = view->nodeItem(app)->sceneRect().center();
    const QPoint from = centreOf(QStringLiteral("app"));
    const QPoint by(90, 40);
    QWidget *viewport = view->viewport();
    QTest::mousePress(viewport, Qt::LeftButton, {}, from);
    QTest::mouseMove(viewport, from + by / 2);
    QVERIFY(view->isMovingNodes());
    QTest::mouseMove(viewport, from + by);
    // The node and its edge follow the mouse before the button is released.
    const QRectF now = view->nodeItem(app)->sceneRect();
    QVERIFY(QLineF(now.center(), before + QPointF(by) / view->zoom()).length() < 1);
    const GraphEdgeItem *edge = view->graphScene()->edgeItems().constFirst();
    QCOMPARE(edge->to(), app);
    QVERIFY(QLineF(edge->path().pointAtPercent(1), QPointF(now.center().x(), now.top())).length() < 12);
    QTest::mouseRelease(viewport, Qt::LeftButton, {}, from + by);
    QVERIFY(!view->isMovingNodes());

    QCOMPARE(moved.size(), 1);
    const auto centres = moved.at(0).at(0).value<QHash<QString, QPointF>>();
    QCOMPARE(centres.keys(), QStringList{QStringLiteral("app")});
    QVERIFY(QLineF(centres.value(QStringLiteral("app")), before + QPointF(by) / view->zoom()).length() <= 1);
    QCOMPARE(requested.size(), 0);
    QCOMPARE(m_workspace->selection().current(), -1); // moving is not selecting
}

void tst_graphedit::dragMovesSelectedNodes()
{
    GraphView *view = m_pane->view();
    QSignalSpy moved(m_pane.get(), &GraphPane::resourcesMoved);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("cache")));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("queue")));
    QCOMPARE(m_pane->selectedIds().size(), 2);
    const QPointF queueBefore = view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("queue")))->sceneRect().center();
    const QPoint from = centreOf(QStringLiteral("cache"));
    drag(from, from + QPoint(0, 60), Qt::NoModifier);
    QCOMPARE(moved.size(), 1);
    const auto centres = moved.at(0).at(0).value<QHash<QString, QPointF>>();
    QCOMPARE(centres.size(), 2);
    QVERIFY(QLineF(centres.value(QStringLiteral("queue")), queueBefore + QPointF(0, 60 / view->zoom())).length() <= 1);
    QCOMPARE(m_pane->selectedIds().size(), 2); // still both selected

    // A node outside the selection moves alone.
    drag(centreOf(QStringLiteral("db")), centreOf(QStringLiteral("db")) + QPoint(30, 0), Qt::NoModifier);
    QCOMPARE(moved.size(), 2);
    QCOMPARE((moved.at(1).at(0).value<QHash<QString, QPointF>>().keys()), QStringList{QStringLiteral("db")});
}

void tst_graphedit::clickWithoutMovingSelects()
{
    QSignalSpy moved(m_pane.get(), &GraphPane::resourcesMoved);
    QTest::mouseClick(m_pane->view()->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("db")));
    QCOMPARE(m_workspace->selection().current(), m_workspace->deployment().plan().indexOf(QStringLiteral("db")));
    QCOMPARE(moved.size(), 0);
}

void tst_graphedit::notEditableDragPans()
{
    GraphView *view = m_pane->view();
    QSignalSpy moved(m_pane.get(), &GraphPane::resourcesMoved);
    m_pane->setEditable(false);
    const int db = m_workspace->deployment().plan().indexOf(QStringLiteral("db"));
    const QPointF before = view->nodeItem(db)->sceneRect().center();
    drag(centreOf(QStringLiteral("db")), centreOf(QStringLiteral("db")) + QPoint(40, 30), Qt::NoModifier);
    QVERIFY(!view->isMovingNodes());
    QCOMPARE(view->nodeItem(db)->sceneRect().center(), before);
    QCOMPARE(moved.size(), 0);
}

void tst_graphedit::dropAddsResource()
{
    GraphView *view = m_pane->view();
    QSignalSpy added(m_pane.get(), &GraphPane::resourceAddRequested);
    const QPoint at = emptySpot() + QPoint(3, 4);
    QMimeData mime;
    mime.setData(QString::fromLatin1(GraphView::kExecutorTypeMimeType), QByteArrayLiteral("command"));
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &drop);
    QCOMPARE(added.size(), 1);
    QCOMPARE(added.at(0).at(0).toString(), QStringLiteral("command"));
    QCOMPARE(added.at(0).at(1).toPointF(), view->mapToScene(at));

    // Other data, or a graph that is not editable, is not taken.
    QMimeData text;
    text.setText(QStringLiteral("command"));
    QDropEvent other(QPointF(at), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &other);
    m_pane->setEditable(false);
    QDragEnterEvent locked(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &locked);
    QVERIFY(!locked.isAccepted());
    QDropEvent lockedDrop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &lockedDrop);
    QCOMPARE(added.size(), 1);
}

void tst_graphedit::contextMenuAddsResource()
{
    GraphView *view = m_pane->view();
    QSignalSpy added(m_pane.get(), &GraphPane::resourceAddRequested);
    std::unique_ptr<QMenu> menu(view->createAddMenu(QPointF(-12, 345)));
    const QStringList types = ExecutorRegistry::builtIn().types();
    QCOMPARE(menu->actions().size(), types.size());
    QCOMPARE(menu->actions().constFirst()->text(), QStringLiteral("Add %1 Resource Here").arg(types.constFirst()));
    menu->actions().constLast()->trigger();
    QCOMPARE(added.size(), 1);
    QCOMPARE(added.at(0).at(0).toString(), types.constLast());
    QCOMPARE(added.at(0).at(1).toPointF(), QPointF(-12, 345));
}

void tst_graphedit::pinnedNodeUnpins()
{
    GraphView *view = m_pane->view();
    PlanReadResult read = PlanReader::readText(kPlan, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    read.plan.positions.insert(QStringLiteral("cache"), QPointF(500, -80));
    read.plan.positions.insert(QStringLiteral("queue"), QPointF(700, -80));
    QSignalSpy laidOut(view, &GraphView::layoutFinished);
    m_workspace->deployment().open(read.plan, QString(), QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    QTRY_VERIFY(!view->isMovingToNewLayout()); // from where the plan opened without pins
    const Plan &plan = m_workspace->deployment().plan();
    const int cache = plan.indexOf(QStringLiteral("cache"));
    const int db = plan.indexOf(QStringLiteral("db"));
    QVERIFY(view->nodeItem(cache)->isPinned());
    QVERIFY(!view->nodeItem(db)->isPinned());
    QCOMPARE(view->nodeItem(cache)->sceneRect().center(), QPointF(500, -80));
    QVERIFY(view->graphScene()->sceneRect().contains(view->nodeItem(cache)->sceneRect()));

    QSignalSpy unpin(m_pane.get(), &GraphPane::unpinRequested);
    std::unique_ptr<QMenu> plain(view->createContextMenu(db));
    QVERIFY(!plain->findChild<QAction *>(QStringLiteral("unpinPosition")));
    std::unique_ptr<QMenu> menu(view->createContextMenu(cache));
    QAction *action = menu->findChild<QAction *>(QStringLiteral("unpinPosition"));
    QVERIFY(action);
    QCOMPARE(action->text(), QStringLiteral("Unpin Position"));
    action->trigger();
    QCOMPARE(unpin.size(), 1);
    QCOMPARE(unpin.at(0).at(0).toStringList(), QStringList{QStringLiteral("cache")});

    // Several selected: the pinned ones of them.
    m_pane->view()->fit();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("db")));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("cache")));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("queue")));
    std::unique_ptr<QMenu> several(view->createContextMenu(db));
    action = several->findChild<QAction *>(QStringLiteral("unpinPosition"));
    QVERIFY(action);
    action->trigger();
    QCOMPARE(unpin.size(), 2);
    QCOMPARE(unpin.at(1).at(0).toStringList(), (QStringList{QStringLiteral("cache"), QStringLiteral("queue")}));

    // Not while the graph is locked.
    m_pane->setEditable(false);
    std::unique_ptr<QMenu> locked(view->createContextMenu(cache));
    QVERIFY(!locked->findChild<QAction *>(QStringLiteral("unpinPosition")));
}

void tst_graphedit::newResourcePosition()
{
    GraphView *view = m_pane->view();
    // Nothing selected: the middle of what the view shows.
    const QPointF middle = view->mapToScene(view->viewport()->rect().center());
    QVERIFY(QLineF(view->newResourcePosition(), middle).length() < 2);

    // Beside the selection, to its right, on no other node.
    const int db = m_workspace->deployment().plan().indexOf(QStringLiteral("db"));
    m_workspace->selection().select(db);
    const QPointF at = view->newResourcePosition();
    const QRectF selected = view->nodeItem(db)->sceneRect();
    QVERIFY(at.x() > selected.right());
    QRectF room(QPointF(0, 0), selected.size());
    room.moveCenter(at);
    for (const GraphNodeItem *node : view->graphScene()->nodeItems())
        QVERIFY(!node->sceneRect().intersects(room));
}

void tst_graphedit::escapeCancelsMove()
{
    GraphView *view = m_pane->view();
    QSignalSpy moved(m_pane.get(), &GraphPane::resourcesMoved);
    const int app = m_workspace->deployment().plan().indexOf(QStringLiteral("app"));
    const QPointF before = view->nodeItem(app)->sceneRect().center();
    const QPoint from = centreOf(QStringLiteral("app"));
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view->viewport(), from + QPoint(50, 50));
    QVERIFY(view->isMovingNodes());
    QTest::keyClick(view, Qt::Key_Escape);
    QVERIFY(!view->isMovingNodes());
    QCOMPARE(view->nodeItem(app)->sceneRect().center(), before);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, from + QPoint(50, 50));
    QCOMPARE(moved.size(), 0);
    QCOMPARE(m_workspace->selection().current(), -1); // the release after Escape is no click either
}

void tst_graphedit::groupFollowsDraggedMember()
{
    GraphView *view = m_pane->view();
    PlanReadResult read = PlanReader::readText(kPlan, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    read.plan.groups.append(Group{QStringLiteral("data"), QStringLiteral("Data"), 0});
    read.plan.resources[read.plan.indexOf(QStringLiteral("db"))].group = QStringLiteral("data");
    read.plan.resources[read.plan.indexOf(QStringLiteral("cache"))].group = QStringLiteral("data");
    QSignalSpy laidOut(view, &GraphView::layoutFinished);
    m_workspace->deployment().open(read.plan, QString(), QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    view->fit();
    QCOMPARE(view->graphScene()->groupItems().size(), 1);
    const GraphGroupItem *group = view->graphScene()->groupItems().constFirst();
    const GraphNodeItem *db = view->nodeItem(m_workspace->deployment().plan().indexOf(QStringLiteral("db")));

    const QPoint from = centreOf(QStringLiteral("db"));
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view->viewport(), from + QPoint(20, 20));
    QTest::mouseMove(view->viewport(), from + QPoint(40, 120));
    QVERIFY(group->rect().contains(db->sceneRect()));
    QVERIFY(!group->labelRect().intersects(db->sceneRect()));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, from + QPoint(40, 120));
    QVERIFY(group->rect().contains(db->sceneRect()));
    QVERIFY(view->graphScene()->sceneRect().contains(group->rect()));
}

QTEST_MAIN(tst_graphedit)
#include "tst_graphedit.moc"
