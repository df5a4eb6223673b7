#include "ui/graph/graphminimap.h"

#include "models/run/statestyle.h"
#include "ui/graph/graphgroupitem.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/graphview.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace fanout {

namespace {

constexpr int kMinimapMargin = 12; // from the view's corner
constexpr int kMinimapPadding = 4; // inside the frame

} // namespace

GraphMinimap::GraphMinimap(GraphView &view)
    : QWidget(view.viewport())
    , m_view(view)
{
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("The whole graph: click or drag to show that part"));
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    hide();
}

qreal GraphMinimap::scale() const
{
    const QRectF content = m_view.graphScene()->contentRect();
    if (content.isEmpty())
        return 0;
    return (side() - 2 * kMinimapPadding) / std::max(content.width(), content.height());
}

qreal GraphMinimap::side() const
{
    // At most a third of the view's width and under half its height: a short pane gets a smaller one.
    const QWidget *viewport = m_view.viewport();
    return std::min({qreal(kMaxSide), viewport->width() / 3.0, viewport->height() / 2.2});
}

QPointF GraphMinimap::toScene(QPointF point) const
{
    const qreal s = scale();
    return s > 0 ? m_view.graphScene()->contentRect().topLeft() + (point - QPointF(kMinimapPadding, kMinimapPadding)) / s : QPointF();
}

QPointF GraphMinimap::fromScene(QPointF point) const
{
    return (point - m_view.graphScene()->contentRect().topLeft()) * scale() + QPointF(kMinimapPadding, kMinimapPadding);
}

void GraphMinimap::refresh()
{
    const QRectF content = m_view.graphScene()->contentRect();
    const QRectF visible = m_view.mapToScene(m_view.viewport()->rect()).boundingRect();
    QWidget *viewport = m_view.viewport();
    // Only when there is more than the view shows, and room for both.
    // (A pixel's slack: a view fitted to the graph maps back to it give or take rounding.)
    const qreal slack = 2 / std::max(m_view.zoom(), 0.01);
    const bool wanted = !content.isEmpty() && !visible.adjusted(-slack, -slack, slack, slack).contains(content) && side() >= kMinSide;
    if (!wanted) {
        hide();
        return;
    }
    const qreal s = scale();
    const QSize size(qCeil(content.width() * s) + 2 * kMinimapPadding, qCeil(content.height() * s) + 2 * kMinimapPadding);
    resize(size);
    move(viewport->width() - size.width() - kMinimapMargin, viewport->height() - size.height() - kMinimapMargin);
    show();
    raise();
    update();
}

void GraphMinimap::invalidate()
{
    m_pictureStale = true;
    update();
}

// Every resource is a rectangle: 2,000 of them on every paint made a tenth of the dashboard's
// time during a run, as the view under the overview is painted at each step of a move.
void GraphMinimap::drawPicture()
{
    const qreal ratio = devicePixelRatioF();
    m_picture = QImage(size() * ratio, QImage::Format_ARGB32_Premultiplied);
    m_picture.setDevicePixelRatio(ratio);
    m_picture.fill(Qt::transparent);
    m_pictureStale = false;
    ++m_picturesDrawn;
    QPainter painter(&m_picture);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QColor(0xda, 0xdc, 0xe0));
    painter.setBrush(QColor(255, 255, 255, 235));
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    const qreal s = scale();
    if (s <= 0)
        return;
    GraphScene *scene = m_view.graphScene();
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QColor(0xbd, 0xc1, 0xc6));
    for (const GraphGroupItem *group : scene->groupItems())
        painter.drawRect(QRectF(fromScene(group->sceneBoundingRect().topLeft()), group->sceneBoundingRect().size() * s));
    painter.setPen(Qt::NoPen);
    for (const GraphNodeItem *node : scene->nodeItems()) {
        const QRectF at = node->sceneRect();
        // At least a pixel and a half, so that a resource of a large plan is still a dot.
        QRectF dot(fromScene(at.topLeft()), at.size() * s);
        dot.setSize(dot.size().expandedTo(QSizeF(1.5, 1.5)));
        painter.setBrush(StateStyle::fill(node->state()));
        painter.drawRect(dot);
    }
    // A collapsed group: its box, in the colour of how far it has got (failed, running, done).
    for (const GraphSummaryItem *summary : scene->summaryItems()) {
        const GraphSummaryItem::Counts &counts = summary->counts();
        ResourceState state = ResourceState::Pending;
        for (const ResourceState shown : {ResourceState::Succeeded, ResourceState::Running, ResourceState::Failed}) {
            if (counts[std::size_t(shown)] > 0)
                state = shown;
        }
        painter.setBrush(StateStyle::fill(state));
        painter.drawRect(QRectF(fromScene(summary->rect().topLeft()), (summary->rect().size() * s).expandedTo(QSizeF(1.5, 1.5))));
    }
}

void GraphMinimap::paintEvent(QPaintEvent *)
{
    if (m_pictureStale || m_picture.deviceIndependentSize() != QSizeF(size()) || m_picture.devicePixelRatio() != devicePixelRatioF())
        drawPicture();
    QPainter painter(this);
    painter.drawImage(QPointF(0, 0), m_picture);
    const qreal s = scale();
    if (s <= 0)
        return;
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF visible = m_view.mapToScene(m_view.viewport()->rect()).boundingRect();
    painter.setPen(QPen(QColor(0x1a, 0x73, 0xe8), 1.5));
    painter.setBrush(QColor(0x1a, 0x73, 0xe8, 30));
    painter.drawRect(QRectF(fromScene(visible.topLeft()), visible.size() * s).intersected(QRectF(rect())));
}

void GraphMinimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        moveViewTo(event->position());
    event->accept();
}

void GraphMinimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        moveViewTo(event->position());
    event->accept();
}

void GraphMinimap::moveViewTo(QPointF point)
{
    emit m_view.userMoved();
    m_view.setView(toScene(point), m_view.zoom());
}

} // namespace fanout
