// GraphView drawing the plan as it runs: the layout, keeping the placement and zoom across edits,
// the states, the shared selection. What the mouse, the keyboard, drops and context menus do is in
// graphviewgestures.cpp.

#include "ui/graph/graphview.h"

#include "engine/layout/graphlayouter.h"
#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphexporter.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/setgroups.h"
#include "ui/graph/nodemover.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QPainter>
#include <QHelpEvent>
#include <QScrollBar>
#include <QPixmapCache>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace fanout {

namespace {

constexpr int kTickMs = 250;
constexpr qreal kZoomStep = 1.25;
// A plan opens whole when its names can still be read so (at this zoom or more); otherwise at
// kOpeningZoom on where a run starts, and Fit (Ctrl+0) shows it all.
constexpr qreal kReadableZoom = 0.6;
constexpr qreal kOpeningZoom = 0.8;
constexpr int kRootsExamined = 200; // enough to find the main one, cheap on 10,000 resources

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
    , m_mover(new NodeMover(this))
{
    // Each node's picture is cached, and the edge layer's is as large as the view: more than Qt's
    // 10 MiB default holds, and a picture pushed out is drawn again at the next repaint.
    QPixmapCache::setCacheLimit(std::max(QPixmapCache::cacheLimit(), 64 * 1024));
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
    // Scroll bars dragged, clicked or wheeled are the user's moves; setValue() from code is not.
    connect(horizontalScrollBar(), &QAbstractSlider::actionTriggered, this, &GraphView::userMoved);
    connect(verticalScrollBar(), &QAbstractSlider::actionTriggered, this, &GraphView::userMoved);
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
}

void GraphView::setShowAllDependencies(bool all)
{
    if (all == m_scene->showsAllDependencies())
        return;
    m_scene->setShowAllDependencies(all);
    onPlanChanged(); // laid out again with them (or without), the view kept where it is
}

bool GraphView::showsAllDependencies() const
{
    return m_scene->showsAllDependencies();
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
    m_staleSummaries.clear();
    m_mover->forget();
    cancelMoving();
    cancelLink();
    m_selectedEdge = nullptr;
}

const Plan &GraphView::drawnPlan() const
{
    return m_drawn ? *m_drawn : m_deployment.plan();
}

void GraphView::onPlanChanged()
{
    m_drawn = SetGroups::drawn(m_deployment.plan());
    rememberPlacement();
    keepPicture();
    const QRectF shownRect = m_scene->sceneRect();
    const QPoint scrolled(horizontalScrollBar()->value(), verticalScrollBar()->value());
    forgetItems();
    m_scene->clearGraph();
    // While an edit's layout is on its way the view keeps its scroll range and position: scroll
    // bars that came and went would move what is shown when the new layout arrives.
    if (!m_shownAt.isEmpty() && m_deployment.resourceCount() > 0) {
        m_scene->setSceneRect(shownRect);
        horizontalScrollBar()->setValue(scrolled.x());
        verticalScrollBar()->setValue(scrolled.y());
        if (!m_picture.isNull())
            m_scene->showPicture(m_picture, m_pictureAt);
    }
    m_running.clear();
    m_layoutError.clear();
    m_generation = 0; // any layout still on its way is of another plan
    m_layingOut = m_deployment.resourceCount() > 0;
    if (!m_layingOut)
        m_shownIds.clear(); // the next plan is another, not an edit of this one
    m_expandGeneration = 0; // an expansion on its way is of the plan before
    m_showWhenExpanded = -1;
    if (m_layingOut) {
        chooseCollapsedGroups();
        m_requested = m_scene->layoutInput(drawnPlan(), m_deployment.graph());
        // Drawn for the pane's shape (to a tenth, so that a small resize asks for nothing new); a
        // pane not laid out yet gets a window's.
        const QSize pane = viewport()->size();
        if (pane.width() >= 200 && pane.height() >= 120)
            m_requested.aspect = std::round(10.0 * pane.width() / pane.height()) / 10;
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
    if (generation != 0 && generation == m_expandGeneration) {
        finishExpanding(layout);
        return;
    }
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
        m_scene->build(drawnPlan(), layout);
        m_leftToRight = layout.leftToRight;
        m_sceneGeneration = m_deployment.planGeneration();
        refreshAll();
        showSelection();
        m_shownIds.clear();
        for (const Resource &resource : m_deployment.plan().resources)
            m_shownIds.append(resource.id);
        // An edit keeps the view where it was; a new plan, or a view that is not on screen yet
        // (it has no size to fit to), is placed when it can be.
        if (isVisible() && keepPlacement()) {
            moveFromShownPlaces();
        } else {
            m_placementPending = true;
            if (isVisible())
                placeInitially();
        }
        m_shownAt.clear();
        m_picture = QImage();
    }
    viewport()->update();
    emit layoutFinished();
}

int GraphView::mainRoot() const
{
    // Of the resources that wait for nothing, the one that most others wait for, at any remove.
    const PlanGraph &graph = m_deployment.graph();
    int best = -1;
    std::size_t most = 0;
    int examined = 0;
    for (int r = 0; r < graph.size() && examined < kRootsExamined; ++r) {
        if (!graph.dependencies(r).empty())
            continue;
        ++examined;
        const std::size_t downstream = graph.downstream(r).size();
        if (best < 0 || downstream > most) {
            best = r;
            most = downstream;
        }
    }
    return best;
}

void GraphView::placeInitially()
{
    m_placementPending = false;
    const int count = m_deployment.resourceCount();
    // Whole when its names can be read so; else readable, where a run starts, and the zoom
    // control says why.
    fit();
    const qreal whole = zoom();
    const int root = mainRoot();
    QGraphicsItem *start = m_scene->itemShowing(root);
    m_openedZoom = whole;
    m_wholeZoom = 0;
    // A large plan's groups are collapsed: say so, and how to see inside one.
    const int collapsed = int(m_scene->summaryItems().size());
    QString groups;
    if (collapsed > 0 && count > collapseThreshold())
        groups = tr("; its %1 groups are collapsed, as in every plan of more than %2 resources: "
                    "double-click one to expand it").arg(collapsed).arg(collapseThreshold());
    else if (collapsed > 0)
        groups = tr("; its sets of instances are drawn stacked: double-click one to expand it");
    if (whole >= kReadableZoom || !start) {
        m_placementNote = (count == 1 ? tr("The resource in view, its name readable")
                                      : tr("All %1 resources in view, names readable").arg(count)) + groups;
        emit zoomChanged(zoom());
    } else {
        m_openedZoom = kOpeningZoom;
        m_wholeZoom = whole;
        m_placementNote = tr("Opened at %1% on %2, where the run starts, so that names can be read; "
                             "all %3 resources need %4% (Fit, Ctrl+0)")
                              .arg(qRound(kOpeningZoom * 100))
                              .arg(m_deployment.plan().resources[root].id)
                              .arg(count)
                              .arg(qRound(whole * 100)) + groups;
        setZoom(kOpeningZoom);
        // The main root at the start of the view: top centre, or left middle when drawn across.
        const QRectF at = start->sceneBoundingRect();
        const QSizeF view = QSizeF(viewport()->size()) / zoom();
        const qreal margin = 40 / zoom();
        centerOn(m_leftToRight ? QPointF(at.left() - margin + view.width() / 2, at.center().y())
                               : QPointF(at.center().x(), at.top() - margin + view.height() / 2));
    }
    if (GraphNodeItem *selected = nodeItem(m_selection.current()))
        ensureVisible(selected, 40, 40);
}

void GraphView::rememberPlacement()
{
    // While a layout is on its way the items are gone already: what was shown before stays the
    // reference, so that a burst of edits keeps the view as it was before the first.
    if (!m_scene->hasGraph() || m_placementPending || !isVisible())
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
    const auto visibleNow = [&] { return QRectF(centre - wasAt / zoom(), QSizeF(viewport()->size()) / zoom()); };
    // Scroll bars that appear or go resize the viewport, and the view would then keep its centre,
    // not the node: let them settle (they are shown or hidden by a queued call) until the scene
    // covers the viewport they leave, then place the node in it.
    for (int settling = 0; settling < 3; ++settling) {
        const QSize before = viewport()->size();
        m_scene->setSceneRect(m_scene->contentRect() | visibleNow());
        QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        if (viewport()->size() == before)
            break;
    }
    const QRectF visible = visibleNow();
    horizontalScrollBar()->setValue(qRound(visible.left() * zoom()));
    verticalScrollBar()->setValue(qRound(visible.top() * zoom()));
    if (zoomChanges)
        emit zoomChanged(zoom());
    return true;
}

void GraphView::keepPicture()
{
    // A burst of edits keeps the picture of before the first, as rememberPlacement() keeps places.
    if (!m_scene->hasGraph() || !isVisible() || m_deployment.resourceCount() == 0)
        return;
    m_pictureAt = mapToScene(viewport()->rect()).boundingRect();
    m_picture = QImage(viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    m_picture.fill(Qt::white);
    QPainter painter(&m_picture);
    painter.setRenderHints(renderHints());
    m_scene->render(&painter, QRectF(m_picture.rect()), m_pictureAt);
}

void GraphView::moveFromShownPlaces()
{
    // Where each node was on screen before the edit, in the scene as it is placed now.
    const Plan &plan = m_deployment.plan();
    QList<NodeMover::Move> moves;
    for (GraphNodeItem *node : m_scene->nodeItems()) {
        const auto was = m_shownAt.constFind(plan.resources[node->resource()].id);
        if (was == m_shownAt.cend())
            continue;
        const QPointF offset = mapToScene(was->toPoint()) - node->sceneRect().center();
        if (offset.manhattanLength() > 2)
            moves.append({node, offset});
    }
    m_mover->start(moves, m_scene->edgeItems());
}

bool GraphView::isMovingToNewLayout() const
{
    return m_mover->isMoving();
}

bool GraphView::showsPreviousPicture() const
{
    return m_scene->showsPicture();
}

void GraphView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_placementPending)
        placeInitially();
}

void GraphView::onEvents(const QList<RunEvent> &events)
{
    if (!m_scene->hasGraph())
        return; // the layout is not there yet; it shows the states as they are when it arrives
    QSet<int> changed;
    for (const RunEvent &event : events) {
        if (event.kind == RunEvent::Kind::StateChanged && event.resource >= 0)
            changed.insert(event.resource);
    }
    for (int resource : std::as_const(changed))
        refreshNode(resource);
    refreshSummaries();
    updateTicking();
}

void GraphView::refreshNode(int resource)
{
    GraphNodeItem *node = nodeItem(resource);
    if (!node) {
        if (GraphSummaryItem *summary = m_scene->summaryItem(resource))
            m_staleSummaries.insert(summary); // counted once for all of its members' changes
        return;
    }
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
}

void GraphView::refreshAll()
{
    for (const GraphNodeItem *node : m_scene->nodeItems())
        refreshNode(node->resource());
    m_staleSummaries = QSet<GraphSummaryItem *>(m_scene->summaryItems().cbegin(), m_scene->summaryItems().cend());
    refreshSummaries();
    updateTicking();
}

QString GraphView::toolTipFor(const QGraphicsItem *item) const
{
    // Made when asked for (a hover), not kept on the items: a change of state or of editability
    // would otherwise write thousands of them, and the window's last event of a 2,000-resource run
    // spent a fifth of its time on that.
    if (const auto *node = qgraphicsitem_cast<const GraphNodeItem *>(item))
        return nodeToolTip(node->resource());
    if (const auto *edge = qgraphicsitem_cast<const GraphEdgeItem *>(item))
        return edgeToolTip(*edge);
    return item ? item->toolTip() : QString();
}

QString GraphView::nodeToolTip(int resource) const
{
    if (resource < 0 || resource >= m_deployment.plan().resources.size())
        return QString();
    const ResourceStatus status = m_deployment.status(resource);
    const int attempt = status.attempts.isEmpty() ? 0 : status.attempts.constLast().number;
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
    return tip;
}

QString GraphView::edgeToolTip(const GraphEdgeItem &edge) const
{
    const Plan &plan = m_deployment.plan();
    if (edge.from() >= plan.resources.size() || edge.to() >= plan.resources.size())
        return QString();
    // Both ends by name, in the arrow's direction, then what it means.
    const Resource &from = plan.resources[edge.from()];
    const Resource &to = plan.resources[edge.to()];
    QString tip = QStringLiteral("%1 → %2\n").arg(from.displayName(), to.displayName()) + tr("%1 depends on %2").arg(to.id, from.id);
    if (edge.isImplied())
        tip += QLatin1Char('\n') + tr("Also implied by the way between them (View → Show All Dependencies draws it always)");
    if (isEditable())
        tip += QLatin1Char('\n') + tr("Click to select, Delete to remove this dependency");
    return tip;
}

bool GraphView::viewportEvent(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QGraphicsView::viewportEvent(event);
    // As QGraphicsScene does it: the topmost item under the pointer that has something to say.
    const auto *help = static_cast<QHelpEvent *>(event);
    for (const QGraphicsItem *item : items(help->pos())) {
        if (!item->isVisible())
            continue;
        if (const QString tip = toolTipFor(item); !tip.isEmpty()) {
            QToolTip::showText(help->globalPos(), tip, viewport());
            return true;
        }
    }
    QToolTip::hideText();
    event->ignore();
    return true;
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
    if (!m_scene->hasGraph() || m_sceneGeneration != m_deployment.planGeneration())
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
    if (GraphNodeItem *node = nodeItem(resource)) {
        centerOn(node);
    } else if (GraphSummaryItem *summary = m_scene->summaryItem(resource)) {
        // In a collapsed group: its summary now, and the resource itself once the group is drawn.
        centerOn(summary);
        m_showWhenExpanded = resource;
        expandGroup(summary->group());
    }
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
    if (!m_scene->hasGraph() || bounds.isEmpty())
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
    emit userMoved();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleBy(std::pow(1.0015, delta), event->position().toPoint()); // one notch (120) is about 20%
    event->accept();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    emit viewChanged();
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    emit viewChanged();
}

void GraphView::setView(QPointF centre, qreal zoom)
{
    const qreal target = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (!qFuzzyCompare(target, this->zoom())) {
        setTransform(QTransform::fromScale(target, target));
        emit zoomChanged(this->zoom());
    }
    centerOn(centre);
    emit viewChanged();
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
    emit view->userMoved();
    event->accept();
    return true;
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
    // Over the picture kept from before an edit, in a corner, where it hides nothing.
    const Qt::Alignment where = m_scene->showsPicture() ? Qt::AlignLeft | Qt::AlignBottom : Qt::AlignCenter;
    painter->drawText(QRectF(viewport()->rect()).adjusted(24, 24, -24, -24), where | Qt::TextWordWrap, message);
    painter->restore();
}

Expected<void> GraphView::exportTo(const QString &path)
{
    return GraphExporter(*m_scene, m_deployment.plan().name).write(path);
}

} // namespace fanout
