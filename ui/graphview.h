#pragma once

#include <QGraphicsView>
#include <QPoint>
#include <QSet>

class QMenu;
class QTimer;

namespace fanout {

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

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
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
};

} // namespace fanout
