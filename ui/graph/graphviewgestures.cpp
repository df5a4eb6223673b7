// GraphView's gestures: what the mouse, the keyboard, drops and context menus do on the graph
// (selecting, panning, drawing a dependency, moving nodes, removing, adding a resource). The rest
// of the view is in graphview.cpp.

#include "ui/graph/graphview.h"

#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "ui/graph/graphedgeitem.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/setgroups.h"
#include "ui/graph/nodemover.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QGraphicsLineItem>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QMouseEvent>

#include <algorithm>
#include <memory>

namespace fanout {

namespace {

const QColor kLinkColor(0x1a, 0x73, 0xe8); // the line drawn while connecting: the selection colour
constexpr qreal kSpacing = 30; // between a new resource's node and its neighbours

// The topmost item of type `Item` at a point of the view's viewport, if any.
template<typename Item>
Item *topmostAt(const QGraphicsView &view, const QPoint &viewportPos)
{
    const QList<QGraphicsItem *> hits = view.items(viewportPos);
    for (QGraphicsItem *item : hits) {
        if (Item *found = qgraphicsitem_cast<Item *>(item))
            return found;
    }
    return nullptr;
}

} // namespace

void GraphView::mousePressEvent(QMouseEvent *event)
{
    m_mover->finish(); // a node is picked up where it is going
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
    if (!rubberBand)
        emit userMoved();
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
    // Copies: the edit replaces the plan these ids are in, while the receivers still use them.
    const Plan &plan = m_deployment.plan();
    const QString dependent = plan.resources[target->resource()].id;
    const QString dependency = plan.resources[from].id;
    emit dependencyRequested(dependent, dependency);
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
    if (const GraphSummaryItem *summary = summaryAt(event->position().toPoint()); summary && event->button() == Qt::LeftButton) {
        expandGroup(summary->group());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

GraphSummaryItem *GraphView::summaryAt(QPoint viewportPos) const
{
    for (QGraphicsItem *item : items(viewportPos)) {
        if (item->type() == GraphSummaryItem::Type)
            return static_cast<GraphSummaryItem *>(item);
    }
    return nullptr;
}

// The box of an expanded group that could be collapsed, under `viewportPos`; -1 when none.
int GraphView::groupBoxAt(QPoint viewportPos) const
{
    for (QGraphicsItem *item : items(viewportPos)) {
        if (item->type() == GraphGroupItem::Type)
            return static_cast<GraphGroupItem *>(item)->group();
    }
    return -1;
}

QMenu *GraphView::createGroupMenu(int group, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    const Plan &plan = drawnPlan();
    const QString name = group >= 0 && group < plan.groups.size() ? plan.groups[group].name : QString();
    const QString label = SetGroups::isSetGroup(name) ? plan.groups[group].label : name;
    const bool collapsed = isCollapsed(group);
    QAction *fold = menu->addAction(collapsed ? tr("Expand %1").arg(label) : tr("Collapse %1").arg(label));
    fold->setEnabled(!name.isEmpty() && !isLayingOut() && !isExpanding());
    // The plan may change while the menu is open: act on the group by its name.
    connect(fold, &QAction::triggered, this, [this, name, collapsed] {
        const int now = drawnPlan().groupIndex(name);
        if (collapsed)
            expandGroup(now);
        else
            collapseGroup(now);
    });
    menu->addSeparator();
    menu->addAction(tr("Expand All Groups"), this, &GraphView::expandAllGroups);
    menu->addAction(tr("Collapse All Groups"), this, &GraphView::collapseAllGroups);
    return menu;
}

void GraphView::contextMenuEvent(QContextMenuEvent *event)
{
    const GraphNodeItem *node = nodeAt(event->pos());
    if (!node) {
        const GraphSummaryItem *summary = summaryAt(event->pos());
        if (const int group = summary ? summary->group() : groupBoxAt(event->pos()); group >= 0) {
            std::unique_ptr<QMenu> menu(createGroupMenu(group, this));
            menu->exec(event->globalPos());
            return;
        }
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

void GraphView::keyPressEvent(QKeyEvent *event)
{
    if (handleZoomKey(event, this))
        return;
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && isEditable()) {
        const int count = m_deployment.resourceCount();
        if (m_selectedEdge && m_selectedEdge->from() < count && m_selectedEdge->to() < count) {
            const Plan &plan = m_deployment.plan();
            const QString dependent = plan.resources[m_selectedEdge->to()].id; // copies, as in finishLink()
            const QString dependency = plan.resources[m_selectedEdge->from()].id;
            emit dependencyRemovalRequested(dependent, dependency);
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
    return topmostAt<GraphNodeItem>(*this, viewportPos);
}

GraphEdgeItem *GraphView::edgeAt(const QPoint &viewportPos) const
{
    return topmostAt<GraphEdgeItem>(*this, viewportPos);
}

} // namespace fanout
