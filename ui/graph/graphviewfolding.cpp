// GraphView: large plans drawn with their groups collapsed, and a group expanded or collapsed in
// place (see GroupFolding for the layout, GraphSummaryItem for what a collapsed group shows).

#include "ui/graph/graphview.h"

#include "engine/layout/graphlayouter.h"
#include "engine/layout/gridpacking.h"
#include "engine/layout/groupfolding.h"
#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "ui/graph/graphnodeitem.h"
#include "ui/graph/graphscene.h"
#include "ui/graph/graphsummaryitem.h"
#include "ui/graph/setgroups.h"

#include <QScrollBar>
#include <QSettings>

namespace fanout {

namespace {

const QString kThresholdKey = QStringLiteral("graph/collapseGroupsAbove");

// Every group with two resources or more: a group of one is no shorter collapsed.
QSet<QString> collapsibleGroups(const Plan &plan)
{
    QHash<QString, int> members;
    for (const Resource &resource : plan.resources) {
        if (!resource.group.isEmpty())
            ++members[resource.group];
    }
    QSet<QString> groups;
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        if (it.value() >= 2)
            groups.insert(it.key());
    }
    return groups;
}

} // namespace

int GraphView::collapseThreshold()
{
    return QSettings().value(kThresholdKey, kDefaultCollapseThreshold).toInt();
}

void GraphView::setCollapseThreshold(int resources)
{
    QSettings().setValue(kThresholdKey, std::max(resources, 0));
}

bool GraphView::isCollapsed(int group) const
{
    const Plan &plan = drawnPlan();
    return group >= 0 && group < plan.groups.size() && m_scene->collapsedGroups().contains(plan.groups[group].name);
}

void GraphView::chooseCollapsedGroups()
{
    const Plan &plan = drawnPlan();
    // An edit keeps what was collapsed (the plan shares resources with the one drawn); another
    // plan starts collapsed when it is too large to draw whole.
    bool edited = false;
    if (!m_shownIds.isEmpty()) {
        const QSet<QString> shown(m_shownIds.cbegin(), m_shownIds.cend());
        edited = std::any_of(plan.resources.cbegin(), plan.resources.cend(), [&](const Resource &r) { return shown.contains(r.id); });
    }
    QSet<QString> collapsed;
    if (edited) {
        collapsed = m_scene->collapsedGroups();
        const QSet<QString> groups = collapsibleGroups(plan);
        collapsed.removeIf([&](const QString &name) { return !groups.contains(name); });
    } else if (plan.resources.size() > collapseThreshold()) {
        collapsed = collapsibleGroups(plan);
    } else {
        collapsed = collapsibleGroups(plan); // sets and targets open stacked, the plan's groups open
        collapsed.removeIf([](const QString &name) { return !SetGroups::isSetGroup(name); });
    }
    m_scene->setCollapsedGroups(collapsed);
}

void GraphView::expandGroup(int group)
{
    if (!isCollapsed(group) || m_layingOut || m_sceneGeneration != m_deployment.planGeneration())
        return;
    const Plan &plan = drawnPlan();
    QSet<QString> collapsed = m_scene->collapsedGroups();
    collapsed.remove(plan.groups[group].name);
    m_scene->setCollapsedGroups(collapsed);
    // Only the group's members are laid out, drawn the way the rest is.
    m_expandInput = m_shownInput;
    m_expandInput.groups[group].folded = false;
    m_expandMembers.clear();
    for (int n = 0; n < m_expandInput.nodes.size(); ++n) {
        if (m_expandInput.nodes[n].group == group)
            m_expandMembers.push_back(n);
    }
    QList<int> groupOf;
    QList<int> edgeOf;
    GraphLayoutInput alone = subInput(m_expandInput, m_expandMembers, &groupOf, &edgeOf);
    alone.direction = m_leftToRight ? GraphLayoutInput::Direction::LeftToRight : GraphLayoutInput::Direction::TopToBottom;
    m_expanding = group;
    m_expandGeneration = m_layouter->request(alone);
}

void GraphView::finishExpanding(const GraphLayout &groupLayout)
{
    m_expandGeneration = 0;
    if (!groupLayout.isValid()) {
        m_layoutError = groupLayout.error;
        viewport()->update();
        emit layoutFinished();
        return;
    }
    showFolding(withGroupUnfolded(m_shownLayout, m_expandInput, m_expanding, m_expandMembers, groupLayout), m_expandInput);
    const int shown = std::exchange(m_showWhenExpanded, -1);
    if (nodeItem(shown))
        showResource(shown);
}

void GraphView::collapseGroup(int group)
{
    const Plan &plan = drawnPlan();
    if (group < 0 || group >= plan.groups.size() || isCollapsed(group) || m_layingOut || isExpanding()
        || m_sceneGeneration != m_deployment.planGeneration() || !collapsibleGroups(plan).contains(plan.groups[group].name))
        return;
    QSet<QString> collapsed = m_scene->collapsedGroups();
    collapsed.insert(plan.groups[group].name);
    m_scene->setCollapsedGroups(collapsed);
    GraphLayoutInput input = m_shownInput;
    input.groups[group].folded = true;
    showFolding(withGroupFolded(m_shownLayout, input, group), input);
}

void GraphView::expandAllGroups()
{
    if (m_scene->collapsedGroups().isEmpty())
        return;
    m_scene->setCollapsedGroups({});
    onPlanChanged(); // laid out again whole, the view kept where it is
}

void GraphView::collapseAllGroups()
{
    const QSet<QString> all = collapsibleGroups(drawnPlan());
    if (all == m_scene->collapsedGroups())
        return;
    m_scene->setCollapsedGroups(all);
    onPlanChanged();
}

void GraphView::showFolding(const GraphLayout &layout, const GraphLayoutInput &input)
{
    // The view stays as it is: the group grows from (or shrinks to) where its summary is.
    const QTransform kept = transform();
    const QPoint scrolled(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const QRectF shownRect = m_scene->sceneRect();
    m_shownInput = input;
    m_requested = input;
    m_shownLayout = layout;
    forgetItems();
    m_scene->build(drawnPlan(), layout);
    m_scene->setSceneRect(m_scene->contentRect() | shownRect);
    setTransform(kept);
    horizontalScrollBar()->setValue(scrolled.x());
    verticalScrollBar()->setValue(scrolled.y());
    refreshAll();
    showSelection();
    viewport()->update();
    emit layoutFinished();
    emit viewChanged();
}

void GraphView::refreshSummaries()
{
    for (GraphSummaryItem *summary : std::as_const(m_staleSummaries)) {
        GraphSummaryItem::Counts counts{};
        for (int r : m_scene->members(summary))
            ++counts[std::size_t(m_deployment.status(r).state)];
        summary->setCounts(counts);
    }
    m_staleSummaries.clear();
}

} // namespace fanout
