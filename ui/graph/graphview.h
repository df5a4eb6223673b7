#pragma once

#include "engine/support/expected.h"

#include "engine/layout/graphlayout.h"
#include "engine/plan/plan.h"
#include "ui/graph/nodedragger.h"

#include <QGraphicsView>
#include <QHash>
#include <QImage>
#include <QPoint>
#include <QPointF>
#include <QSet>
#include <QTransform>

class QGraphicsLineItem;
class QMenu;
class QMimeData;
class QTimer;

namespace fanout {

class GraphEdgeItem;
class GraphLayouter;
class GraphNodeItem;
class GraphScene;
class GraphSummaryItem;
class NodeMover;
class Deployment;
class ResourceSelection;
class Workspace;
struct RunEvent;

// The plan's dependency graph, live: lays the plan out in the background whenever it changes,
// colours each resource by its state as the run goes, and shares the workspace's selection
// (clicking a node selects it everywhere; a selection made elsewhere highlights the node and the
// paths through it). Wheel zooms around the cursor, dragging pans, right-click offers retry.
//
// While editable (see setEditable) the plan can be changed on the graph; the view only asks, the
// window edits the PlanDocument and the new plan comes back through the deployment:
// - Dragging a node's connector (the dot on its bottom edge, shown under the mouse), or Shift+drag
//   from anywhere on a node, to another node draws a dependency in the direction of the arrows:
//   from the dependency to what depends on it. Releasing anywhere but on another node cancels.
// - Clicking an edge selects it; Delete (or Backspace) asks to remove that dependency, or, with
//   nodes selected, those resources.
// - Dragging a node moves it (all the selected ones when it is one of several selected); on
//   release the view asks that the new positions be pinned (resourcesMoved). A pinned node shows
//   a pin; its context menu offers Unpin Position.
// - Dropping an executor type (kExecutorTypeMimeType), or the context menu on empty space, asks
//   for a new resource there.
// When a new layout arrives for an edited plan (one that shares resource ids with the plan shown
// before), the zoom stays and a node that is in both (the selected one if it is) stays where it
// was on screen; only a different plan is fitted anew.
// Ctrl+click adds a node to the selection or takes it out; Ctrl+drag on empty space selects the
// nodes in a rubber band. Several nodes selected show no upstream/downstream fading.
class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    explicit GraphView(Workspace &workspace, QWidget *parent = nullptr);
    ~GraphView() override;

    GraphScene *graphScene() const { return m_scene; }
    GraphNodeItem *nodeItem(int resource) const; // null before the layout has arrived
    bool isFaded(int resource) const;            // drawn faded because another is selected
    bool isLayingOut() const { return m_layingOut; }
    // After an edit's layout arrived: the nodes on their way from their old places (NodeMover).
    bool isMovingToNewLayout() const;
    // While an edit's layout is on its way: the picture drawn before it is still shown.
    bool showsPreviousPicture() const;
    QString layoutError() const { return m_layoutError; }
    // How the plan shown was placed when it opened, and why (whole, or readable where it starts).
    QString placementNote() const { return m_placementNote; }
    qreal openedZoom() const { return m_openedZoom; } // the zoom it opened at
    qreal wholeZoom() const { return m_wholeZoom; }   // what showing it all needed, when that was too small; else 0
    qreal zoom() const;                          // 1 = one scene unit per pixel

    // Whether dependencies implied by others (a -> c when a -> b -> c) are drawn; by default only
    // those of the selected resource are (see GraphScene).
    void setShowAllDependencies(bool all);
    bool showsAllDependencies() const;

    // Plans of more resources than this open with every group (Terraform module) collapsed into one
    // summary node; stored in the settings (graph/collapseGroupsAbove), 1,500 unless set.
    static int collapseThreshold();
    static void setCollapseThreshold(int resources);
    static constexpr int kDefaultCollapseThreshold = 1500;
    bool isCollapsed(int group) const;
    bool isExpanding() const { return m_expandGeneration != 0; }
    // A collapsed group expands in place: only its members are laid out (in the background), and
    // what is to the right of it or below it moves aside. layoutFinished() when it is drawn.
    void expandGroup(int group);
    // The group's box becomes its summary again, and what moved aside moves back; at once.
    void collapseGroup(int group);
    void expandAllGroups();   // the whole plan laid out again, every group drawn
    void collapseAllGroups(); // every group of two or more resources

    // Whether gestures that change the plan are on; they are never on while a run is in progress.
    void setEditable(bool editable);
    bool isEditable() const;

    // What hovering over `item` shows: a node's resource (name, id, type, state, why), an edge's
    // dependency, or the item's own tooltip (groups, summaries).
    QString toolTipFor(const QGraphicsItem *item) const;

    // Ids of the selected resources in plan order: several after Ctrl+click or a rubber band, else
    // the current one (or none).
    QStringList selectedIds() const;
    GraphEdgeItem *selectedEdge() const { return m_selectedEdge; }
    bool isDrawingDependency() const { return m_linkFrom >= 0; }
    bool isMovingNodes() const { return m_dragger.isMoving(); }

    // Where Edit -> Add Resource puts a new resource's centre, in scene coordinates: to the right
    // of the selected node, further right (then down) until it overlaps no node; without a
    // selection, the centre of what the view shows.
    QPointF newResourcePosition() const;

    // What a drag from a palette of executor types carries: the type's name in UTF-8.
    static constexpr char kExecutorTypeMimeType[] = "application/x-fanout-executor-type";

    // Ctrl++ (or Ctrl+=), Ctrl+- and Ctrl+0 (fit). Handled as keys, not shortcuts, so that they do
    // not clash with a main window's menu shortcuts for the same zoom slots.
    static bool handleZoomKey(QKeyEvent *event, GraphView *view);

    // A menu of what can be done to `resource`: Retry, Retry with dependents, Show logs. The
    // caller owns it. The context menu shows the same.
    // While editable, a node that is pinned (or, when it is one of several selected, the pinned
    // ones of those) also gets Unpin Position.
    QMenu *createContextMenu(int resource, QWidget *parent = nullptr);
    // What can be done to a group on the graph: Expand (or Collapse) it, Expand All Groups,
    // Collapse All Groups. The caller owns it; right-clicking a summary or a group's box shows it.
    QMenu *createGroupMenu(int group, QWidget *parent = nullptr);
    // The context menu on empty space while editable: Add <type> Resource Here for each built-in
    // executor type, asking for one centred on `scenePos`. The caller owns it.
    QMenu *createAddMenu(const QPointF &scenePos, QWidget *parent = nullptr);

    // Writes the graph as shown, as PNG (twice the on-screen size, for sharp text) or SVG, chosen by
    // the file name's extension. On failure returns false and says why in `error`.
    Expected<void> exportTo(const QString &path);

    static constexpr qreal kMinZoom = 0.05;
    static constexpr qreal kMaxZoom = 4.0;

public slots:
    void zoomIn();
    void zoomOut();
    void setZoom(qreal zoom); // around the centre of the view
    void fit();               // the whole graph, never magnified beyond 100%
    // Scrolls its node into the middle of the view; in a collapsed group, expands the group first.
    void showResource(int resource);
    // Shows `centre` (scene coordinates) in the middle of the view at `zoom`, as a program does:
    // not a userMoved().
    void setView(QPointF centre, qreal zoom);

signals:
    void showLogsRequested(int resource);
    void zoomChanged(qreal zoom);
    // The user panned or zoomed (wheel, drag, keys, scroll bars, the pane's zoom buttons): what
    // follows the run stops following.
    void userMoved();
    void viewChanged(); // what the view shows moved or zoomed, by anyone
    void layoutFinished(); // items built (or the layout failed; see layoutError())
    // Asks that `dependentId` depend on `dependencyId` (a Shift+drag from the dependency's node to
    // the dependent's).
    void dependencyRequested(const QString &dependentId, const QString &dependencyId);
    // Asks that `dependentId` no longer depend on `dependencyId` (a selected edge, Delete).
    void dependencyRemovalRequested(const QString &dependentId, const QString &dependencyId);
    void resourcesRemovalRequested(const QStringList &ids); // selected nodes, Delete
    // Nodes were dragged: their new centres in scene coordinates (whole units), by resource id,
    // to be pinned in the plan's layout section.
    void resourcesMoved(const QHash<QString, QPointF> &centres);
    // Unpin Position: these resources should go back to where the automatic layout puts them.
    void unpinRequested(const QStringList &ids);
    // A new resource of executor `type` centred on `sceneCentre` (a drop, or the context menu on
    // empty space).
    void resourceAddRequested(const QString &type, const QPointF &sceneCentre);

protected:
    bool viewportEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void onPlanChanged();
    void onLaidOut(quint64 generation, const GraphLayout &layout);
    void placeInitially(); // the first view of a new layout
    int mainRoot() const;  // where a run starts: the resource most others wait for, or -1
    void rememberPlacement(); // before the items of the plan shown go
    bool keepPlacement();     // after an edit's layout: false when no node survived
    void keepPicture();       // before the items of the plan shown go, while a layout comes
    void moveFromShownPlaces(); // after keepPlacement(): nodes glide from where they were
    bool acceptsExecutorType(const QMimeData *mime) const;
    void startMoving();
    void finishMoving();
    void cancelMoving();
    void onEvents(const QList<RunEvent> &events);
    void onSelectionChanged();
    void refreshNode(int resource);
    void refreshAll();
    QString nodeToolTip(int resource) const;
    QString edgeToolTip(const GraphEdgeItem &edge) const;
    void refreshSummaries(); // the counts of those whose members changed
    // Which groups a plan is drawn with collapsed: on a new plan, all when it is large; after an
    // edit, those that were.
    void chooseCollapsedGroups();
    // The plan as drawn: the Deployment's, with its sets' instances in groups of their own
    // (SetGroups). Resource indices are the plan's; group indices past the plan's are sets'.
    const Plan &drawnPlan() const;
    void finishExpanding(const GraphLayout &groupLayout);
    void showFolding(const GraphLayout &layout, const GraphLayoutInput &input); // drawn in place
    void tick();
    void updateTicking();
    void scaleBy(qreal factor, QPoint anchor); // anchor: a viewport point that stays put
    GraphNodeItem *nodeAt(const QPoint &viewportPos) const;
    GraphSummaryItem *summaryAt(QPoint viewportPos) const;
    int groupBoxAt(QPoint viewportPos) const;
    GraphEdgeItem *edgeAt(const QPoint &viewportPos) const;
    void clickAt(QPoint viewportPos, Qt::KeyboardModifiers modifiers);
    QList<int> selectedResources() const;
    void selectMany(QList<int> resources, int current); // current: the one the Inspector shows
    void selectEdge(GraphEdgeItem *edge);               // null deselects
    bool showSelection(); // false while the nodes drawn are not the plan's (a layout is coming)
    void finishLink(QPoint viewportPos);
    void cancelLink();
    void forgetItems(); // before the scene's items are deleted
    void startLink(const GraphNodeItem *from, QPoint viewportPos);
    // The node whose connector is at `viewportPos` (within a few pixels), if the graph is editable.
    GraphNodeItem *connectorAt(QPoint viewportPos) const;
    void showConnector(int resource); // -1 hides it

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    GraphScene *m_scene;
    GraphLayouter *m_layouter;
    QTimer *m_ticker;           // repaints running nodes' elapsed time
    QSet<int> m_running;        // resources whose node shows a running attempt
    quint64 m_generation = 0;   // of the layout being waited for
    quint64 m_sceneGeneration = ~quint64(0); // the Deployment::planGeneration() the nodes were drawn for
    // What the plan shown was laid out from, and the result: a plan whose input is the same (an
    // edit of a property) is drawn again from it at once, without Graphviz.
    GraphLayoutInput m_requested;
    GraphLayoutInput m_shownInput;
    std::optional<Plan> m_drawn; // SetGroups::drawn() of the plan, when it has sets to fold
    GraphLayout m_shownLayout;
    bool m_layingOut = false;
    bool m_placementPending = false; // a new layout waits for the view to be shown
    QString m_placementNote;
    qreal m_openedZoom = 0;
    qreal m_wholeZoom = 0;
    bool m_leftToRight = false;      // how the layout shown was drawn
    QString m_layoutError;
    QPoint m_pressPos;          // where the left button went down, to tell a click from a pan
    bool m_pressed = false;
    bool m_editable = true;
    bool m_rubberBanding = false;    // a Ctrl+drag from empty space
    int m_linkFrom = -1;             // the dependency a Shift+drag started on
    QGraphicsLineItem *m_linkLine = nullptr;
    GraphEdgeItem *m_selectedEdge = nullptr;

    // A plain drag that started on a node, while editable: it moves the nodes once it goes further
    // than a click.
    int m_pressedNode = -1;
    NodeDragger m_dragger;
    int m_connector = -1;            // the node whose connector is shown (the mouse is over it)

    // The plan shown before the current layout, for an edit's layout not to jump.
    QStringList m_shownIds;                 // by resource index, as built
    QHash<QString, QPointF> m_shownAt;      // node centres in viewport coordinates
    QImage m_picture;                       // of the view before the edit, and where it was
    QRectF m_pictureAt;
    NodeMover *m_mover;

    // Collapsed groups (see expandGroup).
    QSet<GraphSummaryItem *> m_staleSummaries;
    quint64 m_expandGeneration = 0;   // of the group layout being waited for; 0 = none
    int m_expanding = -1;             // the group
    GraphLayoutInput m_expandInput;   // the drawing's input with the group expanded
    std::vector<int> m_expandMembers; // its members, as its layout numbers them
    int m_showWhenExpanded = -1;      // a resource to show once its group is drawn
    QString m_shownSelected;
    QTransform m_shownTransform;
};

} // namespace fanout
