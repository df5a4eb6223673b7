#include "engine/layout/graphlayout.h"

#include "engine/plan/plan.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <limits>

namespace fanout {

GraphLayoutInput GraphLayoutInput::fromPlan(const Plan &plan, QSizeF nodeSize, QSizeF labelSize)
{
    GraphLayoutInput input;
    for (const fanout::Group &group : plan.groups)
        input.groups.append({group.label.isEmpty() ? group.name : group.label, labelSize});

    QHash<QString, int> indexOf;
    indexOf.reserve(plan.resources.size());
    input.nodes.reserve(plan.resources.size());
    for (int r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        if (!indexOf.contains(resource.id))
            indexOf.insert(resource.id, r); // the first of duplicates, as PlanGraph does
        input.nodes.append({resource.id, nodeSize, resource.group.isEmpty() ? -1 : plan.groupIndex(resource.group), {}});
        if (const auto pin = plan.positions.constFind(resource.id); pin != plan.positions.cend())
            input.nodes.last().pinned = *pin;
    }
    if (plan.layoutDirection == QLatin1String(Plan::kTopToBottom))
        input.direction = Direction::TopToBottom;
    else if (plan.layoutDirection == QLatin1String(Plan::kLeftToRight))
        input.direction = Direction::LeftToRight;
    for (int r = 0; r < plan.resources.size(); ++r) {
        for (const QString &id : plan.resources[r].dependsOn) {
            const auto it = indexOf.constFind(id);
            if (it != indexOf.cend())
                input.edges.append({*it, r});
        }
    }
    return input;
}

GraphLayoutInput GraphLayoutInput::transposed() const
{
    GraphLayoutInput result = *this;
    for (Node &node : result.nodes) {
        node.size.transpose();
        if (node.pinned)
            node.pinned = node.pinned->transposed();
    }
    for (Group &group : result.groups)
        group.labelSize.transpose();
    result.aspect = aspect > 0 ? 1 / aspect : aspect;
    return result;
}

namespace {

QRectF transposedRect(const QRectF &rect)
{
    return QRectF(rect.y(), rect.x(), rect.height(), rect.width());
}

} // namespace

GraphLayout GraphLayout::transposed() const
{
    GraphLayout result = *this;
    for (QRectF &node : result.nodes)
        node = transposedRect(node);
    for (Edge &edge : result.edges) {
        for (QPointF &point : edge.path)
            point = point.transposed();
        edge.arrowTip = edge.arrowTip.transposed();
    }
    for (Cluster &cluster : result.clusters) {
        cluster.rect = transposedRect(cluster.rect);
        cluster.labelRect = transposedRect(cluster.labelRect);
    }
    result.bounds = transposedRect(bounds);
    result.leftToRight = !leftToRight;
    return result;
}

GraphLayout::Edge GraphLayout::route(int from, int to, const QRectF &fromRect, const QRectF &toRect)
{
    const QRectF &a = fromRect;
    const QRectF &b = toRect;
    QPointF start, tip, direction; // direction: where the edge leaves `a` and enters `b`
    if (b.top() >= a.bottom()) {
        start = QPointF(a.center().x(), a.bottom());
        tip = QPointF(b.center().x(), b.top());
        direction = QPointF(0, 1);
    } else if (b.bottom() <= a.top()) {
        start = QPointF(a.center().x(), a.top());
        tip = QPointF(b.center().x(), b.bottom());
        direction = QPointF(0, -1);
    } else if (b.center().x() >= a.center().x()) { // side by side: from the facing sides
        start = QPointF(a.right(), a.center().y());
        tip = QPointF(b.left(), b.center().y());
        direction = QPointF(1, 0);
    } else {
        start = QPointF(a.left(), a.center().y());
        tip = QPointF(b.right(), b.center().y());
        direction = QPointF(-1, 0);
    }
    const QPointF end = tip - direction * kArrowLength;
    // Control points along the direction of travel, half the way each: the curve leaves and
    // arrives straight, as dot's splines do.
    const qreal along = std::abs(QPointF::dotProduct(end - start, direction));
    const qreal reach = std::max<qreal>(12, along / 2);
    Edge edge;
    edge.from = from;
    edge.to = to;
    edge.path = {start, start + direction * reach, end - direction * reach, end};
    edge.arrowTip = tip;
    return edge;
}

GraphLayout::Cluster GraphLayout::refit(const Cluster &cluster, const QRectF &membersBefore, const QRectF &membersNow)
{
    Cluster result = cluster;
    const qreal side = std::max<qreal>(0, membersBefore.left() - cluster.rect.left());
    const qreal top = std::max<qreal>(0, membersBefore.top() - cluster.rect.top());
    const qreal bottom = std::max<qreal>(0, cluster.rect.bottom() - membersBefore.bottom());
    result.rect = membersNow.adjusted(-side, -top, side, bottom);
    if (!cluster.labelRect.isNull()) {
        const QPointF labelOffset = cluster.labelRect.topLeft() - cluster.rect.topLeft();
        result.labelRect.moveTopLeft(result.rect.topLeft() + labelOffset);
        const qreal labelRoom = labelOffset.x() + cluster.labelRect.width() + side;
        if (result.rect.width() < labelRoom)
            result.rect.setWidth(labelRoom);
    }
    return result;
}

void GraphLayout::applyPins(const GraphLayoutInput &input)
{
    const int count = int(std::min(input.nodes.size(), nodes.size()));
    const QList<QRectF> laidOut = nodes;
    QList<bool> moved(nodes.size(), false);
    bool anyMoved = false;
    for (int i = 0; i < count; ++i) {
        if (!input.nodes[i].pinned)
            continue;
        QRectF rect = nodes[i];
        rect.moveCenter(*input.nodes[i].pinned);
        if (rect != nodes[i]) {
            nodes[i] = rect;
            moved[i] = anyMoved = true;
        }
    }
    if (!anyMoved)
        return;

    for (Edge &edge : edges) {
        if (edge.from < 0 || edge.from >= count || edge.to < 0 || edge.to >= count)
            continue;
        if (!moved[edge.from] && !moved[edge.to])
            continue;
        const QPointF byFrom = nodes[edge.from].center() - laidOut[edge.from].center();
        const QPointF byTo = nodes[edge.to].center() - laidOut[edge.to].center();
        if (byFrom == byTo) { // both ends moved alike: dot's route still fits
            for (QPointF &p : edge.path)
                p += byFrom;
            edge.arrowTip += byFrom;
        } else {
            edge = route(edge.from, edge.to, nodes[edge.from], nodes[edge.to]);
        }
    }

    for (Cluster &cluster : clusters) {
        QRectF before, now;
        bool changed = false;
        for (int i = 0; i < count; ++i) {
            if (input.nodes[i].group != cluster.group)
                continue;
            before |= laidOut[i];
            now |= nodes[i];
            changed = changed || moved[i];
        }
        if (changed)
            cluster = refit(cluster, before, now);
    }

    updateBounds();
}

void GraphLayout::updateBounds()
{
    // By hand: QRectF::united() leaves out empty rects, and a straight edge's points make one.
    qreal left = std::numeric_limits<qreal>::max(), top = left;
    qreal right = std::numeric_limits<qreal>::lowest(), bottom = right;
    const auto include = [&](QPointF p) {
        left = std::min(left, p.x());
        top = std::min(top, p.y());
        right = std::max(right, p.x());
        bottom = std::max(bottom, p.y());
    };
    const auto includeRect = [&](const QRectF &r) {
        include(r.topLeft());
        include(r.bottomRight());
    };
    for (const QRectF &rect : std::as_const(nodes)) {
        if (!rect.isNull()) // a member of a folded group
            includeRect(rect);
    }
    for (const Summary &summary : std::as_const(summaries))
        includeRect(summary.rect);
    for (const Cluster &cluster : std::as_const(clusters))
        includeRect(cluster.rect);
    for (const Edge &edge : std::as_const(edges)) {
        for (const QPointF &p : edge.path)
            include(p);
        include(edge.arrowTip);
    }
    bounds = QRectF(QPointF(left, top), QPointF(right, bottom));
}

} // namespace fanout
