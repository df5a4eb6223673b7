// Editing the plan on the graph: Shift+drag draws a dependency, a selected edge or selected nodes
// are deleted with Delete, Ctrl+click and Ctrl+drag select several nodes; nothing is asked while
// the graph is not editable. Driven through the real view's viewport (offscreen).
#include "executorregistry.h"
#include "graphedgeitem.h"
#include "graphnodeitem.h"
#include "graphpane.h"
#include "graphscene.h"
#include "graphview.h"
#include "planreader.h"
#include "runsession.h"

#include <QLabel>
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
    void deleteSelectedEdge();
    void ctrlClickSelectsSeveralAndDeletes();
    void rubberBandSelects();
    void notEditableAsksNothing();
    void showsEditMessage();

private:
    QPoint centreOf(const QString &id) const; // in viewport coordinates
    QPoint emptySpot() const;
    void drag(QPoint from, QPoint to, Qt::KeyboardModifiers modifiers);

    std::unique_ptr<RunSession> m_session;
    std::unique_ptr<GraphPane> m_pane;
};

void tst_graphedit::init()
{
    m_session = std::make_unique<RunSession>(ExecutorRegistry::builtIn());
    m_pane = std::make_unique<GraphPane>(*m_session);
    m_pane->resize(1000, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    const PlanReadResult read = PlanReader::readText(kPlan, QStringLiteral("test.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    QSignalSpy laidOut(m_pane->view(), &GraphView::layoutFinished);
    m_session->setPlan(read.plan, QString());
    QVERIFY(laidOut.wait(kLayoutTimeoutMs));
    QVERIFY2(m_pane->view()->layoutError().isEmpty(), qPrintable(m_pane->view()->layoutError()));
    m_pane->view()->fit();
    m_pane->view()->setFocus();
}

void tst_graphedit::cleanup()
{
    m_pane.reset();
    m_session.reset();
}

QPoint tst_graphedit::centreOf(const QString &id) const
{
    const GraphNodeItem *node = m_pane->view()->nodeItem(m_session->plan().indexOf(id));
    Q_ASSERT(node);
    const QPoint at = m_pane->view()->mapFromScene(node->mapToScene(node->rect().center()));
    Q_ASSERT(m_pane->view()->viewport()->rect().contains(at));
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

    // Without Shift the same drag pans and asks nothing.
    drag(db, cache, Qt::NoModifier);
    QCOMPARE(requested.size(), 1);
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
    QCOMPARE(m_session->selected(), -1);

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
    QVERIFY(view->nodeItem(m_session->plan().indexOf(QStringLiteral("cache")))->isSelected());
    QVERIFY(view->nodeItem(m_session->plan().indexOf(QStringLiteral("db")))->isSelected());
    QVERIFY(!view->isFaded(m_session->plan().indexOf(QStringLiteral("queue"))));

    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(removeResources.size(), 1);
    QCOMPARE(removeResources.at(0).at(0).toStringList(), (QStringList{QStringLiteral("db"), QStringLiteral("cache")}));

    // Ctrl+click again takes one out; a plain click selects just one.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("cache")));
    QCOMPARE(m_pane->selectedIds(), QStringList{QStringLiteral("db")});
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, centreOf(QStringLiteral("queue")));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centreOf(QStringLiteral("app")));
    QCOMPARE(m_pane->selectedIds(), QStringList{QStringLiteral("app")});
    QVERIFY(!view->nodeItem(m_session->plan().indexOf(QStringLiteral("queue")))->isSelected());

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

QTEST_MAIN(tst_graphedit)
#include "tst_graphedit.moc"
