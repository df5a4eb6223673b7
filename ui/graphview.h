#pragma once

#include <QGraphicsView>
#include <QPoint>
#include <QSet>

class QGraphicsLineItem;
class QMenu;
class QTimer;

namespace fanout {

class GraphEdgeItem;
class GraphLayouter;
class GraphNodeItem;
class GraphScene;
class RunSession;
struct GraphLayout;
struct RunEvent;

// The plan's dependency graph, live: lays the plan out in the background whenever it changes,
// colours each resource by its state as the run goes, and shares the session's selection
// (clicking a node selects it everywhere; a selection made elsewhere highlights the node and the
// paths through it). Wheel zooms around the cursor, dragging pans, right-click offers retry.
//
// While editable (see setEditable) the plan can be changed on the graph; the view only asks, the
// window edits the PlanDocument and the new plan comes back through the session:
// - Shift+drag from a node to another draws a dependency in the direction of the arrows: from the
//   dependency to what depends on it. Releasing anywhere but on another node cancels.
// - Clicking an edge selects it; Delete (or Backspace) asks to remove that dependency, or, with
//   nodes selected, those resources.
// Ctrl+click adds a node to the selection or takes it out; Ctrl+drag on empty space selects the
// nodes in a rubber band. Several nodes selected show no upstream/downstream fading.
class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit GraphView(RunSession &session, QWidget *parent = nullptr);
    ~GraphView() override;

    GraphScene *graphScene() const { return m_scene; }
    GraphNodeItem *nodeItem(int resource) const; // null before the layout has arrived
    bool isFaded(int resource) const;            // drawn faded because another is selected
    bool isLayingOut() const { return m_layingOut; }
    QString layoutError() const { return m_layoutError; }
    qreal zoom() const;                          // 1 = one scene unit per pixel

    // Whether gestures that change the plan are on; they are never on while a run is in progress.
    void setEditable(bool editable);
    bool isEditable() const;

    // Ids of the selected resources in plan order: several after Ctrl+click or a rubber band, else
    // the session's selection (or none).
    QStringList selectedIds() const;
    GraphEdgeItem *selectedEdge() const { return m_selectedEdge; }
    bool isDrawingDependency() const { return m_linkFrom >= 0; }

    // Ctrl++ (or Ctrl+=), Ctrl+- and Ctrl+0 (fit). Handled as keys, not shortcuts, so that they do
    // not clash with a main window's menu shortcuts for the same zoom slots.
    static bool handleZoomKey(QKeyEvent *event, GraphView *view);

    // A menu of what can be done to `resource`: Retry, Retry with dependents, Show logs. The
    // caller owns it. The context menu shows the same.
    QMenu *createContextMenu(int resource, QWidget *parent = nullptr);

    // Writes the graph as shown, as PNG (twice the on-screen size, for sharp text) or SVG, chosen by
    // the file name's extension. On failure returns false and says why in `error`.
    bool exportTo(const QString &path, QString *error = nullptr);

    static constexpr qreal kMinZoom = 0.05;
    static constexpr qreal kMaxZoom = 4.0;

public slots:
    void zoomIn();
    void zoomOut();
    void setZoom(qreal zoom); // around the centre of the view
    void fit();               // the whole graph, never magnified beyond 100%
    void showResource(int resource); // scrolls its node into the middle of the view

signals:
    void showLogsRequested(int resource);
    void zoomChanged(qreal zoom);
    void layoutFinished(); // items built (or the layout failed; see layoutError())
    // Asks that `dependentId` depend on `dependencyId` (a Shift+drag from the dependency's node to
    // the dependent's).
    void dependencyRequested(const QString &dependentId, const QString &dependencyId);
    // Asks that `dependentId` no longer depend on `dependencyId` (a selected edge, Delete).
    void dependencyRemovalRequested(const QString &dependentId, const QString &dependencyId);
    void resourcesRemovalRequested(const QStringList &ids); // selected nodes, Delete

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void showEvent(QShowEvent *event) override;

private:
    void onPlanChanged();
    void onLaidOut(quint64 generation, const GraphLayout &layout);
    void placeInitially(); // the first view of a new layout
    void onEvents(const QList<RunEvent> &events);
    void onSelectionChanged(int resource);
    void refreshNode(int resource);
    void refreshAll();
    void tick();
    void updateTicking();
    void scaleBy(qreal factor, QPoint anchor); // anchor: a viewport point that stays put
    GraphNodeItem *nodeAt(const QPoint &viewportPos) const;
    GraphEdgeItem *edgeAt(const QPoint &viewportPos) const;
    void clickAt(QPoint viewportPos, Qt::KeyboardModifiers modifiers);
    QList<int> selectedResources() const;
    void selectMany(QList<int> resources, int current); // current: the one the session selects
    void selectEdge(GraphEdgeItem *edge);               // null deselects
    void showSelection();
    void finishLink(QPoint viewportPos);
    void cancelLink();
    void forgetItems(); // before the scene's items are deleted

    RunSession &m_session;
    GraphScene *m_scene;
    GraphLayouter *m_layouter;
    QTimer *m_ticker;           // repaints running nodes' elapsed time
    QSet<int> m_running;        // resources whose node shows a running attempt
    quint64 m_generation = 0;   // of the layout being waited for
    bool m_layingOut = false;
    bool m_placementPending = false; // a new layout waits for the view to be shown
    QString m_layoutError;
    QPoint m_pressPos;          // where the left button went down, to tell a click from a pan
    bool m_pressed = false;
    bool m_editable = true;
    bool m_rubberBanding = false;    // a Ctrl+drag from empty space
    int m_linkFrom = -1;             // the dependency a Shift+drag started on
    QGraphicsLineItem *m_linkLine = nullptr;
    GraphEdgeItem *m_selectedEdge = nullptr;
    QList<int> m_selection;          // when several nodes are selected; else the session's
    bool m_selecting = false;        // selecting through the session for a multiple selection
};

} // namespace fanout
