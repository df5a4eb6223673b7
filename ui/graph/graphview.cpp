#include "ui/graph/graphview.h"

#include "engine/executors/executorregistry.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphexporter.h"
#include "engine/layout/graphlayouter.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QGraphicsLineItem>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <memory>

namespace fanout {

namespace {

constexpr int kTickMs = 250;
constexpr qreal kZoomStep = 1.25;
// A small plan that would need less than this to fit is opened at this zoom, at its top left
// (where a run starts), so that the first thing one sees is readable; Fit (Ctrl+0) shows it all.
// A large plan opens fitted: an overview of coloured boxes is what helps there.
constexpr qreal kReadableZoom = 0.8;
constexpr int kOverviewNodes = 150;
const QColor kLinkColor(0x1a, 0x73, 0xe8); // the line drawn while connecting: the selection colour
constexpr qreal kSpacing = 30; // between a new resource's node and its neighbours

} // namespace

GraphView::GraphView(Workspace &workspace, QWidget *parent)
    : QGraphicsView(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_scene(new GraphScene(this))
    , m_layouter(new GraphLayouter(this))
    , m_ticker(new QTimer(this))
    , m_dragger(*m_scene)
{
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(NoAnchor); // scaleBy() anchors zooming itself
    setResizeAnchor(AnchorViewCenter);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    setAcceptDrops(true);

    m_ticker->setInterval(kTickMs);
    connect(m_ticker, &QTimer::timeout, this, &GraphView::tick);
    connect(m_layouter, &GraphLayouter::laidOut, this, &GraphView::onLaidOut);
    connect(&m_deployment, &Deployment::planChanged, this, &GraphView::onPlanChanged);
    connect(&m_deployment, &Deployment::eventsRecorded, this, &GraphView::onEvents);
    connect(&m_selection, &ResourceSelection::changed, this, &GraphView::onSelectionChanged);
    // A new run (or a retry) starts from fresh states; a finished one stops the clock.
    connect(&m_deployment, &Deployment::runStarted, this, &GraphView::refreshAll);
    connect(&m_deployment, &Deployment::runFinished, this, &GraphView::refreshAll);
    onPlanChanged();
}

GraphView::~GraphView() = default;

GraphNodeItem *GraphView::nodeItem(int resource) const
{
    return m_scene->nodeItem(resource);
}

bool GraphView::isFaded(int resource) const
{
    const GraphNodeItem *node = nodeItem(resource);
    return node && node->opacity() < 1.0;
}

qreal GraphView::zoom() const
{
    return transform().m11();
}

void GraphView::setEditable(bool editable)
{
    if (editable == m_editable)
        return;
    m_editable = editable;
    if (!editable) {
        cancelMoving();
        cancelLink();
        showConnector(-1);
    }
    refreshAll(); // the tooltips say how to edit
}

bool GraphView::isEditable() const
{
    return m_editable && !m_deployment.isRunning();
}

QList<int> GraphView::selectedResources() const
{
    return m_selection.selected();
}

QStringList GraphView::selectedIds() const
{
    const QList<int> resources = selectedResources();
    QStringList ids;
    for (int r : resources) {
        if (r >= 0 && r < m_deployment.resourceCount())
            ids.append(m_deployment.plan().resources[r].id);
    }
    return ids;
}

void GraphView::forgetItems()
{
    m_connector = -1; // its item goes with the others
    cancelMoving();
    cancelLink();
    m_selectedEdge = nullptr;
}

void GraphView::onPlanChanged()
{
    rememberPlacement();
    const QRectF shownRect = m_scene->sceneRect();
    forgetItems();
    m_scene->clearGraph();
    // While an edit's layout is on its way the view keeps its scroll range: scroll bars that came
    // and went would move what is shown when the new layout arrives.
    if (!m_shownAt.isEmpty() && m_deployment.resourceCount() > 0)
        m_scene->setSceneRect(shownRect);
    m_running.clear();
    m_layoutError.clear();
    m_generation = 0; // any layout still on its way is of another plan
    m_layingOut = m_deployment.resourceCount() > 0;
    if (m_layingOut) {
        m_requested = GraphScene::layoutInput(m_deployment.plan());
        if (!m_shownLayout.nodes.isEmpty() && m_requested == m_shownInput) {
            // Generation 0 is never the layouter's: this is the layout already shown.
            onLaidOut(0, m_shownLayout);
            return;
        }
        m_generation = m_layouter->request(m_requested);
    }
    updateTicking();
    viewport()->update();
}

void GraphView::onLaidOut(quint64 generation, const GraphLayout &layout)
{
    if (generation != m_generation)
        return;
    m_layingOut = false;
    if (!layout.isValid()) {
        m_layoutError = layout.error;
    } else {
        if (generation != 0) {
            m_shownInput = m_requested;
            m_shownLayout = layout;
        }
        forgetItems();
        m_scene->build(m_deployment.plan(), layout);
        m_sceneGeneration = m_deployment.planGeneration();
        refreshAll();
        showSelection();
        m_shownIds.clear();
        for (const Resource &resource : m_deployment.plan().resources)
            m_shownIds.append(resource.id);
        // An edit keeps the view where it was; a new plan, or a view that is not on screen yet
        // (it has no size to fit to), is placed when it can be.
        if (!(isVisible() && keepPlacement())) {
            m_placementPending = true;
            if (isVisible())
                placeInitially();
        }
        m_shownAt.clear();
    }
    viewport()->update();
    emit layoutFinished();
}

void GraphView::placeInitially()
{
    m_placementPending = false;
    // Open at a readable size: all of it when it fits, else its top (where a run starts).
    fit();
    if (zoom() < kReadableZoom && m_scene->nodeItems().size() <= kOverviewNodes) {
        setZoom(kReadableZoom);
        horizontalScrollBar()->setValue(horizontalScrollBar()->minimum());
        verticalScrollBar()->setValue(verticalScrollBar()->minimum());
    }
    if (GraphNodeItem *selected = nodeItem(m_selection.current()))
        ensureVisible(selected, 40, 40);
}

void GraphView::rememberPlacement()
{
    // While a layout is on its way the items are gone already: what was shown before stays the
    // reference, so that a burst of edits keeps the view as it was before the first.
    if (m_scene->nodeItems().isEmpty() || m_placementPending || !isVisible())
        return;
    m_shownAt.clear();
    for (const GraphNodeItem *node : m_scene->nodeItems()) {
        if (node->resource() < m_shownIds.size())
            m_shownAt.insert(m_shownIds[node->resource()], QPointF(mapFromScene(node->sceneRect().center())));
    }
    const QList<int> chosen = m_selection.selected();
    const int selected = chosen.size() > 1 ? chosen.constFirst() : m_scene->highlighted();
    m_shownSelected = m_shownIds.value(selected);
    m_shownTransform = transform();
}

bool GraphView::keepPlacement()
{
    if (m_shownAt.isEmpty())
        return false;
    const Plan &plan = m_deployment.plan();
    int anchor = m_shownSelected.isEmpty() || !m_shownAt.contains(m_shownSelected) ? -1 : plan.indexOf(m_shownSelected);
    for (int r = 0; anchor < 0 && r < plan.resources.size(); ++r) {
        if (m_shownAt.contains(plan.resources[r].id))
            anchor = r;
    }
    const GraphNodeItem *node = nodeItem(anchor);
    if (!node)
        return false; // nothing in common: another plan
    m_placementPending = false;
    const bool zoomChanges = !qFuzzyCompare(zoom(), m_shownTransform.m11());
    setTransform(m_shownTransform);
    // The scene must reach as far as the view shows, or the view could not keep the node in place
    // (an edit that shrinks the graph would centre what is left).
    const QPointF centre = node->sceneRect().center();
    const QPointF wasAt = m_shownAt.value(plan.resources[anchor].id);
    const QRectF visible(centre - wasAt / zoom(), QSizeF(viewport()->size()) / zoom());
    m_scene->setSceneRect(m_scene->contentRect() | visible);
    // Scroll bars that appear or go resize the viewport, and the view would then keep its centre,
    // not the node: let them settle first.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    horizontalScrollBar()->setValue(qRound(visible.left() * zoom()));
    verticalScrollBar()->setValue(qRound(visible.top() * zoom()));
    if (zoomChanges)
        emit zoomChanged(zoom());
    return true;
}

void GraphView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_placementPending)
        placeInitially();
}

void GraphView::onEvents(const QList<RunEvent> &events)
{
    if (m_scene->nodeItems().isEmpty())
        return; // the layout is not there yet; it shows the states as they are when it arrives
    QSet<int> changed;
    for (const RunEvent &event : events) {
        if (event.kind == RunEvent::Kind::StateChanged && event.resource >= 0)
            changed.insert(event.resource);
    }
    for (int resource : std::as_const(changed))
        refreshNode(resource);
    updateTicking();
}

void GraphView::refreshNode(int resource)
{
    GraphNodeItem *node = nodeItem(resource);
    if (!node)
        return;
    const ResourceStatus status = m_deployment.status(resource);
    const int attempt = status.attempts.isEmpty() ? 0 : status.attempts.constLast().number;
    node->setStatus(status.state, attempt);
    if (status.state == ResourceState::Running && !status.attempts.isEmpty()) {
        node->setProgress(m_deployment.elapsedMs() - status.attempts.constLast().startMs, m_deployment.estimateMs(resource));
        m_running.insert(resource);
    } else {
        node->setProgress(-1, 0);
        m_running.remove(resource);
    }
    const Resource &r = m_deployment.plan().resources[resource];
    QString tip = QStringLiteral("<b>%1</b><br>%2 · %3<br>%4").arg(r.displayName().toHtmlEscaped(), r.id.toHtmlEscaped(),
                                                                 r.type.toHtmlEscaped(), StateStyle::label(status.state));
    if (attempt > 1)
        tip += tr(", attempt %1").arg(attempt);
    if (!status.reason.isEmpty())
        tip += QStringLiteral("<br>") + status.reason.toHtmlEscaped();
    else if (!r.run)
        tip += QStringLiteral("<br>") + tr("Not run: %1").arg(r.note.isEmpty() ? tr("nothing to provision") : r.note).toHtmlEscaped();
    if (r.source.is_object()) {
        const auto type = r.source.find("type");
        if (type != r.source.end() && type->is_string())
            tip += QStringLiteral("<br>") + tr("Imported %1").arg(QString::fromStdString(type->get<std::string>())).toHtmlEscaped();
        if (r.run && !r.note.isEmpty())
            tip += QStringLiteral("<br><i>%1</i>").arg(r.note.toHtmlEscaped());
    }
    if (isEditable())
        tip += QStringLiteral("<br><span style='color:#5f6368'>%1</span>")
                   .arg(tr("Drag to place it; drag the dot on its lower edge (or Shift+drag) to another resource to make that one depend on this one").toHtmlEscaped());
    node->setToolTip(tip);
}

void GraphView::refreshAll()
{
    for (int r = 0; r < m_scene->nodeItems().size(); ++r)
        refreshNode(r);
    const Plan &plan = m_deployment.plan();
    for (GraphEdgeItem *edge : m_scene->edgeItems()) {
        if (edge->from() >= plan.resources.size() || edge->to() >= plan.resources.size())
            continue;
        QString tip = tr("%1 depends on %2").arg(plan.resources[edge->to()].id, plan.resources[edge->from()].id);
        if (isEditable())
            tip += QLatin1Char('\n') + tr("Click to select, Delete to remove this dependency");
        edge->setToolTip(tip);
    }
    updateTicking();
}

void GraphView::tick()
{
    const qint64 now = m_deployment.elapsedMs();
    for (int resource : std::as_const(m_running)) {
        const ResourceStatus status = m_deployment.status(resource);
        if (GraphNodeItem *node = nodeItem(resource); node && !status.attempts.isEmpty())
            node->setProgress(now - status.attempts.constLast().startMs, m_deployment.estimateMs(resource));
    }
}

void GraphView::updateTicking()
{
    if (m_deployment.isRunning() && !m_running.isEmpty())
        m_ticker->start();
    else
        m_ticker->stop();
}

void GraphView::onSelectionChanged()
{
    const int current = m_selection.current();
    if (current >= 0)
        selectEdge(nullptr);
    if (!showSelection())
        return;
    if (GraphNodeItem *node = nodeItem(current))
        ensureVisible(node, 40, 40);
}

bool GraphView::showSelection()
{
    // Before the new plan's nodes are drawn, the selection's indices are not theirs: the plan's
    // layout shows the selection when it arrives.
    if (m_scene->nodeItems().isEmpty() || m_sceneGeneration != m_deployment.planGeneration())
        return false;
    const QList<int> chosen = m_selection.selected();
    if (chosen.size() > 1) {
        // No single resource's paths to show: every node plain, the chosen ones ringed.
        m_scene->highlight(-1, m_deployment.graph());
        for (int r : chosen) {
            if (GraphNodeItem *node = nodeItem(r))
                node->setSelected(true);
        }
    } else {
        m_scene->highlight(m_selection.current(), m_deployment.graph());
    }
    // The scene clears selections on a press in empty space, and a rubber band selects edges too.
    const QList<QGraphicsItem *> selected = m_scene->selectedItems();
    for (QGraphicsItem *item : selected) {
        if (item->type() == GraphEdgeItem::Type && item != m_selectedEdge)
            item->setSelected(false);
    }
    if (m_selectedEdge)
        m_selectedEdge->setSelected(true);
    return true;
}

void GraphView::selectMany(QList<int> resources, int current)
{
    if (resources.size() <= 1) {
        m_selection.select(resources.value(0, -1));
        showSelection(); // also when the selection did not change: a click clears the scene's own
        return;
    }
    selectEdge(nullptr);
    m_selection.selectMany(resources, current); // the inspector shows the one clicked last
    showSelection();
}

void GraphView::selectEdge(GraphEdgeItem *edge)
{
    if (m_selectedEdge)
        m_selectedEdge->setSelected(false);
    m_selectedEdge = edge;
    if (edge)
        edge->setSelected(true);
}

void GraphView::showResource(int resource)
{
    if (GraphNodeItem *node = nodeItem(resource))
        centerOn(node);
}

void GraphView::scaleBy(qreal factor, QPoint anchor)
{
    const qreal target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(target, zoom()))
        return;
    // Keep the scene point under `anchor` where it is (as far as the scroll bars allow). Done by
    // hand: QGraphicsView's AnchorUnderMouse uses the cursor position, not the event's.
    const QPointF fixed = mapToScene(anchor);
    scale(target / zoom(), target / zoom());
    const QPointF moved = mapToScene(anchor) - fixed;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - qRound(moved.x() * zoom()));
    verticalScrollBar()->setValue(verticalScrollBar()->value() - qRound(moved.y() * zoom()));
    emit zoomChanged(zoom());
}

void GraphView::setZoom(qreal value)
{
    scaleBy(value / zoom(), viewport()->rect().center());
}

void GraphView::zoomIn()
{
    setZoom(zoom() * kZoomStep);
}

void GraphView::zoomOut()
{
    setZoom(zoom() / kZoomStep);
}

void GraphView::fit()
{
    const QRectF bounds = m_scene->contentRect();
    if (m_scene->nodeItems().isEmpty() || bounds.isEmpty())
        return;
    m_scene->setSceneRect(bounds); // room kept by an edit (see keepPlacement) is not needed now
    const QSizeF room = viewport()->size();
    const qreal fitting = std::clamp(std::min(room.width() / bounds.width(), room.height() / bounds.height()),
                                     kMinZoom, 1.0);
    setTransform(QTransform::fromScale(fitting, fitting));
    centerOn(bounds.center());
    emit zoomChanged(zoom());
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    // Like most graph tools: the wheel zooms around the cursor, dragging pans.
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleBy(std::pow(1.0015, delta), event->position().toPoint()); // one notch (120) is about 20%
    event->accept();
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    if (m_linkFrom >= 0) { // another button while drawing a dependency gives it up
        cancelLink();
        showSelection();
    }
    if (event->button() == Qt::LeftButton) {
        const QPoint pos = event->position().toPoint();
        m_pressed = true;
        m_pressPos = pos;
        const GraphNodeItem *node = nodeAt(pos);
        // A drag from a node's connector, or Shift+drag from anywhere on it, draws a dependency.
        const GraphNodeItem *linkFrom = node && (event->modifiers() & Qt::ShiftModifier) && isEditable() ? node : connectorAt(pos);
        if (linkFrom && !(event->modifiers() & Qt::ControlModifier)) {
            startLink(linkFrom, pos);
            event->accept();
            return;
        }
        if (node && !(event->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier)) && isEditable()) {
            // A plain drag from a node moves it (see mouseMoveEvent); without moving it is a click.
            m_pressedNode = node->resource();
            event->accept();
            return;
        }
        if (!node && (event->modifiers() & Qt::ControlModifier)) {
            // Ctrl+drag on empty space selects with a rubber band; a plain drag still pans.
            m_rubberBanding = true;
            setDragMode(RubberBandDrag);
        }
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::startLink(const GraphNodeItem *from, QPoint viewportPos)
{
    // A line follows the mouse until released.
    cancelLink();
    showConnector(-1);
    m_linkFrom = from->resource();
    m_linkLine = new QGraphicsLineItem(QLineF(from->mapToScene(from->rect().center()), mapToScene(viewportPos)));
    QPen pen(kLinkColor, 2, Qt::DashLine, Qt::RoundCap);
    pen.setCosmetic(true);
    m_linkLine->setPen(pen);
    m_linkLine->setZValue(10);
    m_scene->addItem(m_linkLine);
    viewport()->setCursor(Qt::CrossCursor);
}

GraphNodeItem *GraphView::connectorAt(QPoint viewportPos) const
{
    if (!isEditable())
        return nullptr;
    const qreal reach = std::max<qreal>(8, GraphNodeItem::kConnectorRadius * zoom() + 3);
    for (GraphNodeItem *node : {nodeAt(viewportPos), nodeItem(m_connector)}) {
        if (node && QLineF(mapFromScene(node->connectorCentre()), viewportPos).length() <= reach)
            return node;
    }
    return nullptr;
}

void GraphView::showConnector(int resource)
{
    if (resource == m_connector)
        return;
    if (GraphNodeItem *shown = nodeItem(m_connector))
        shown->setConnectorShown(false);
    m_connector = resource;
    if (GraphNodeItem *node = nodeItem(resource))
        node->setConnectorShown(true);
}

void GraphView::leaveEvent(QEvent *event)
{
    showConnector(-1);
    QGraphicsView::leaveEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() == Qt::NoButton && m_linkFrom < 0 && m_pressedNode < 0) {
        // The connector of the node under the mouse (or of the one just left, below its edge).
        const QPoint pos = event->position().toPoint();
        GraphNodeItem *onConnector = connectorAt(pos);
        const GraphNodeItem *under = nodeAt(pos);
        showConnector(!isEditable() ? -1 : onConnector ? onConnector->resource() : under ? under->resource() : -1);
        QGraphicsView::mouseMoveEvent(event); // which shows the cursor of the item under the mouse
        if (onConnector)
            viewport()->setCursor(Qt::CrossCursor);
        else if (viewport()->cursor().shape() == Qt::CrossCursor)
            viewport()->setCursor(Qt::OpenHandCursor); // below a node's edge no item restores it
        return;
    }
    if (m_pressedNode >= 0) {
        const QPoint pos = event->position().toPoint();
        if (!m_dragger.isMoving() && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance())
            startMoving();
        if (m_dragger.isMoving())
            m_dragger.moveBy(mapToScene(pos) - mapToScene(m_pressPos));
        event->accept();
        return;
    }
    if (!m_linkLine) {
        QGraphicsView::mouseMoveEvent(event);
        return;
    }
    // The line snaps to the centre of a node it would connect to.
    const QPoint pos = event->position().toPoint();
    QPointF end = mapToScene(pos);
    if (const GraphNodeItem *target = nodeAt(pos); target && target->resource() != m_linkFrom)
        end = target->mapToScene(target->rect().center());
    m_linkLine->setLine(QLineF(m_linkLine->line().p1(), end));
    event->accept();
}

void GraphView::mouseReleaseEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_pressedNode >= 0 && event->button() == Qt::LeftButton) {
        m_pressed = false;
        m_pressedNode = -1;
        if (m_dragger.isMoving())
            finishMoving();
        else
            clickAt(pos, event->modifiers());
        event->accept();
        return;
    }
    if (m_linkFrom >= 0 && event->button() == Qt::LeftButton) {
        m_pressed = false;
        finishLink(pos);
        event->accept();
        return;
    }
    const bool rubberBand = m_rubberBanding;
    QGraphicsView::mouseReleaseEvent(event);
    if (rubberBand) {
        m_rubberBanding = false;
        setDragMode(ScrollHandDrag);
    }
    if (event->button() != Qt::LeftButton || !m_pressed)
        return;
    m_pressed = false;
    // A press and release in place is a click; anything further was a pan or a rubber band.
    if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance()) {
        clickAt(pos, event->modifiers());
        return;
    }
    if (rubberBand) {
        QList<int> chosen = selectedResources();
        int current = chosen.value(0, -1);
        const QList<QGraphicsItem *> hits = items(QRect(m_pressPos, pos).normalized(), Qt::IntersectsItemShape);
        for (const QGraphicsItem *item : hits) {
            if (item->type() == GraphNodeItem::Type) {
                current = static_cast<const GraphNodeItem *>(item)->resource();
                chosen.append(current);
            }
        }
        selectMany(chosen, current);
        return;
    }
    showSelection(); // a pan: the press may have cleared the marks
}

void GraphView::clickAt(QPoint viewportPos, Qt::KeyboardModifiers modifiers)
{
    const GraphNodeItem *node = nodeAt(viewportPos);
    if (modifiers & Qt::ControlModifier) {
        // Ctrl+click adds a node to the selection or takes it out.
        if (!node) {
            showSelection();
            return;
        }
        QList<int> chosen = selectedResources();
        const int resource = node->resource();
        int current = resource;
        if (chosen.removeAll(resource) > 0)
            current = chosen.isEmpty() ? -1 : chosen.constLast();
        else
            chosen.append(resource);
        selectMany(chosen, current);
        return;
    }
    if (node) {
        selectMany({node->resource()}, node->resource());
        return;
    }
    GraphEdgeItem *edge = edgeAt(viewportPos);
    selectMany({}, -1);
    selectEdge(edge);
}

void GraphView::finishLink(QPoint viewportPos)
{
    const int from = m_linkFrom;
    cancelLink();
    const GraphNodeItem *target = nodeAt(viewportPos);
    const int count = m_deployment.resourceCount();
    showSelection();
    if (!target || target->resource() == from || from >= count || target->resource() >= count || !isEditable())
        return; // released on empty space or where it started: nothing drawn
    const Plan &plan = m_deployment.plan();
    emit dependencyRequested(plan.resources[target->resource()].id, plan.resources[from].id);
}

void GraphView::cancelLink()
{
    if (m_linkFrom < 0 && !m_linkLine)
        return;
    delete m_linkLine;
    m_linkLine = nullptr;
    m_linkFrom = -1;
    viewport()->setCursor(Qt::OpenHandCursor); // what ScrollHandDrag shows
}

void GraphView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (const GraphNodeItem *node = nodeAt(event->position().toPoint()); node && event->button() == Qt::LeftButton) {
        emit showLogsRequested(node->resource());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::contextMenuEvent(QContextMenuEvent *event)
{
    const GraphNodeItem *node = nodeAt(event->pos());
    if (!node) {
        if (!isEditable()) {
            QGraphicsView::contextMenuEvent(event);
            return;
        }
        std::unique_ptr<QMenu> menu(createAddMenu(mapToScene(event->pos()), this));
        menu->exec(event->globalPos());
        return;
    }
    // One of several selected keeps them selected: the menu acts on them all (Unpin Position).
    if (!(m_selection.selected().size() > 1 && m_selection.isSelected(node->resource())))
        m_selection.select(node->resource());
    std::unique_ptr<QMenu> menu(createContextMenu(node->resource(), this));
    menu->exec(event->globalPos());
}

bool GraphView::handleZoomKey(QKeyEvent *event, GraphView *view)
{
    if (!(event->modifiers() & Qt::ControlModifier))
        return false;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: // the + key without Shift on many layouts
        view->zoomIn();
        break;
    case Qt::Key_Minus:
        view->zoomOut();
        break;
    case Qt::Key_0:
        view->fit();
        break;
    default:
        return false;
    }
    event->accept();
    return true;
}

void GraphView::keyPressEvent(QKeyEvent *event)
{
    if (handleZoomKey(event, this))
        return;
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && isEditable()) {
        const int count = m_deployment.resourceCount();
        if (m_selectedEdge && m_selectedEdge->from() < count && m_selectedEdge->to() < count) {
            const Plan &plan = m_deployment.plan();
            emit dependencyRemovalRequested(plan.resources[m_selectedEdge->to()].id, plan.resources[m_selectedEdge->from()].id);
            event->accept();
            return;
        }
        if (const QStringList ids = selectedIds(); !ids.isEmpty()) {
            emit resourcesRemovalRequested(ids);
            event->accept();
            return;
        }
    }
    if (event->key() == Qt::Key_Escape && m_dragger.isMoving()) {
        cancelMoving();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape && m_linkFrom >= 0) {
        cancelLink();
        showSelection();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape && (!m_selection.isEmpty() || m_selectedEdge)) {
        selectMany({}, -1);
        selectEdge(nullptr);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

QMenu *GraphView::createContextMenu(int resource, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const bool valid = resource >= 0 && resource < m_deployment.resourceCount();
    const QString id = valid ? m_deployment.plan().resources[resource].id : QString();
    // The plan may change while the menu is open: act only on the resource it was made for.
    const auto stillThere = [this, resource, id] {
        return resource < m_deployment.resourceCount() && m_deployment.plan().resources[resource].id == id;
    };
    QAction *retry = menu->addAction(tr("Retry"));
    retry->setEnabled(valid && m_deployment.canRetry(resource));
    connect(retry, &QAction::triggered, this, [this, id, stillThere] {
        if (stillThere())
            m_deployment.retry({id});
    });
    QAction *withDependents = menu->addAction(tr("Retry with dependents"));
    withDependents->setEnabled(valid && m_deployment.canRetry(resource));
    connect(withDependents, &QAction::triggered, this, [this, resource, stillThere] {
        if (stillThere())
            m_deployment.retryWithDependents(resource);
    });
    menu->addSeparator();
    QAction *logs = menu->addAction(tr("Show logs"));
    logs->setEnabled(valid);
    connect(logs, &QAction::triggered, this, [this, resource, stillThere] {
        if (stillThere())
            emit showLogsRequested(resource);
    });
    if (valid && isEditable()) {
        const Plan &plan = m_deployment.plan();
        const QList<int> chosen = m_selection.selected();
        const QList<int> targets = chosen.size() > 1 && chosen.contains(resource) ? chosen : QList<int>{resource};
        QStringList pinned;
        for (int r : targets) {
            if (r < plan.resources.size() && plan.positions.contains(plan.resources[r].id))
                pinned.append(plan.resources[r].id);
        }
        if (!pinned.isEmpty()) {
            menu->addSeparator();
            QAction *unpin = menu->addAction(pinned.size() > 1 ? tr("Unpin Positions") : tr("Unpin Position"));
            unpin->setObjectName(QStringLiteral("unpinPosition"));
            connect(unpin, &QAction::triggered, this, [this, pinned] { emit unpinRequested(pinned); });
        }
    }
    return menu;
}

QMenu *GraphView::createAddMenu(const QPointF &scenePos, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    for (const QString &type : ExecutorRegistry::builtIn().types()) {
        QAction *add = menu->addAction(tr("Add %1 Resource Here").arg(type));
        add->setData(type);
        add->setEnabled(isEditable());
        connect(add, &QAction::triggered, this, [this, type, scenePos] {
            if (isEditable())
                emit resourceAddRequested(type, scenePos);
        });
    }
    return menu;
}

QPointF GraphView::newResourcePosition() const
{
    const GraphNodeItem *selected = nodeItem(m_selection.current());
    if (!selected && !m_selection.selected().isEmpty())
        selected = nodeItem(m_selection.selected().constLast());
    if (!selected)
        return mapToScene(viewport()->rect()).boundingRect().center();
    // Beside the selection, as wide and tall as it: the new node will be about that size.
    const QRectF beside = selected->sceneRect();
    const QSizeF size = beside.size();
    const auto free = [this](const QRectF &rect) {
        const QList<QGraphicsItem *> hits = m_scene->items(rect.adjusted(-kSpacing / 2, -kSpacing / 2, kSpacing / 2, kSpacing / 2));
        return std::none_of(hits.cbegin(), hits.cend(), [](const QGraphicsItem *item) { return item->type() == GraphNodeItem::Type; });
    };
    constexpr int kColumns = 6;
    constexpr int kRows = 20;
    for (int row = 0; row < kRows; ++row) {
        for (int column = 0; column < kColumns; ++column) {
            const QRectF candidate(QPointF(beside.right() + kSpacing + column * (size.width() + kSpacing),
                                           beside.top() + row * (size.height() + kSpacing)), size);
            if (free(candidate))
                return candidate.center();
        }
    }
    return beside.center() + QPointF(size.width() + kSpacing, 0);
}

bool GraphView::acceptsExecutorType(const QMimeData *mime) const
{
    return mime && isEditable() && mime->hasFormat(QLatin1String(kExecutorTypeMimeType));
}

void GraphView::dragEnterEvent(QDragEnterEvent *event)
{
    if (acceptsExecutorType(event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void GraphView::dragMoveEvent(QDragMoveEvent *event)
{
    if (acceptsExecutorType(event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void GraphView::dropEvent(QDropEvent *event)
{
    if (!acceptsExecutorType(event->mimeData())) {
        event->ignore();
        return;
    }
    const QString type = QString::fromUtf8(event->mimeData()->data(QLatin1String(kExecutorTypeMimeType))).trimmed();
    if (type.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    emit resourceAddRequested(type, mapToScene(event->position().toPoint()));
}

void GraphView::startMoving()
{
    QList<int> chosen = selectedResources();
    if (chosen.size() < 2 || !chosen.contains(m_pressedNode))
        chosen = {m_pressedNode};
    if (m_dragger.start(chosen, m_deployment.plan()))
        viewport()->setCursor(Qt::ClosedHandCursor);
}

void GraphView::finishMoving()
{
    const QHash<int, QPointF> moved = m_dragger.finish();
    m_scene->updateContentRect();
    viewport()->setCursor(Qt::OpenHandCursor);
    QHash<QString, QPointF> centres;
    const Plan &plan = m_deployment.plan();
    for (auto it = moved.cbegin(); it != moved.cend(); ++it) {
        if (it.key() < plan.resources.size())
            centres.insert(plan.resources[it.key()].id, it.value());
    }
    if (!centres.isEmpty() && isEditable())
        emit resourcesMoved(centres);
}

void GraphView::cancelMoving()
{
    m_pressedNode = -1;
    if (!m_dragger.isMoving())
        return;
    m_dragger.cancel();
    m_scene->updateContentRect();
    viewport()->setCursor(Qt::OpenHandCursor);
}

GraphNodeItem *GraphView::nodeAt(const QPoint &viewportPos) const
{
    const QList<QGraphicsItem *> hits = items(viewportPos);
    for (QGraphicsItem *item : hits) {
        if (item->type() == GraphNodeItem::Type)
            return static_cast<GraphNodeItem *>(item);
    }
    return nullptr;
}

GraphEdgeItem *GraphView::edgeAt(const QPoint &viewportPos) const
{
    const QList<QGraphicsItem *> hits = items(viewportPos);
    for (QGraphicsItem *item : hits) {
        if (item->type() == GraphEdgeItem::Type)
            return static_cast<GraphEdgeItem *>(item);
    }
    return nullptr;
}

void GraphView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QGraphicsView::drawForeground(painter, rect);
    QString message;
    QColor color(0x5f, 0x63, 0x68);
    if (m_layingOut) {
        message = tr("Laying out…");
    } else if (!m_layoutError.isEmpty()) {
        message = tr("The graph could not be drawn.\n%1").arg(m_layoutError);
        color = StateStyle::stroke(ResourceState::Failed);
    } else if (m_deployment.resourceCount() == 0) {
        message = tr("This plan has no resources.");
    }
    if (message.isEmpty())
        return;
    painter->save();
    painter->resetTransform(); // viewport coordinates: the message stays put while one pans
    painter->setPen(color);
    QFont font = this->font();
    font.setPointSizeF(font.pointSizeF() * 1.2);
    painter->setFont(font);
    painter->drawText(QRectF(viewport()->rect()).adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, message);
    painter->restore();
}

bool GraphView::exportTo(const QString &path, QString *error)
{
    return GraphExporter(*m_scene, m_deployment.plan().name).write(path, error);
}

} // namespace fanout
