#include "models/plan/resourceselection.h"

#include "engine/run/deployment.h"

#include <algorithm>

namespace fanout {

ResourceSelection::ResourceSelection(const Deployment &deployment, QObject *parent)
    : QObject(parent)
    , m_deployment(deployment)
{
    connect(&deployment, &Deployment::planChanged, this, &ResourceSelection::planChanged);
}

void ResourceSelection::planChanged()
{
    // What the plan no longer has is no longer selected; the rest stays, wherever it now is.
    QStringList ids;
    for (const QString &id : std::as_const(m_ids)) {
        if (indexOf(id) >= 0)
            ids.append(id);
    }
    update(ids, indexOf(m_current) >= 0 ? m_current : QString());
}

int ResourceSelection::indexOf(const QString &id) const
{
    if (m_indexGeneration != m_deployment.planGeneration()) {
        const Plan &plan = m_deployment.plan();
        m_index.clear();
        m_index.reserve(plan.resources.size());
        for (int r = 0; r < plan.resources.size(); ++r)
            m_index.insert(plan.resources[r].id, r);
        m_indexGeneration = m_deployment.planGeneration();
    }
    return id.isEmpty() ? -1 : m_index.value(id, -1);
}

int ResourceSelection::current() const
{
    return indexOf(m_current);
}

QList<int> ResourceSelection::selected() const
{
    QList<int> resources;
    for (const QString &id : m_ids) {
        if (const int r = indexOf(id); r >= 0)
            resources.append(r);
    }
    std::sort(resources.begin(), resources.end());
    return resources;
}

QStringList ResourceSelection::selectedIds() const
{
    QStringList ids;
    const Plan &plan = m_deployment.plan();
    for (int r : selected())
        ids.append(plan.resources[r].id);
    return ids;
}

bool ResourceSelection::isSelected(int resource) const
{
    const Plan &plan = m_deployment.plan();
    return resource >= 0 && resource < plan.resources.size() && m_ids.contains(plan.resources[resource].id);
}

void ResourceSelection::select(int resource)
{
    const Plan &plan = m_deployment.plan();
    selectId(resource >= 0 && resource < plan.resources.size() ? plan.resources[resource].id : QString());
}

void ResourceSelection::selectId(const QString &id)
{
    set(id.isEmpty() ? QStringList() : QStringList{id}, id);
}

void ResourceSelection::selectMany(const QList<int> &resources, int current)
{
    const Plan &plan = m_deployment.plan();
    QStringList ids;
    for (int r : resources) {
        if (r >= 0 && r < plan.resources.size() && !ids.contains(plan.resources[r].id))
            ids.append(plan.resources[r].id);
    }
    const QString currentId = current >= 0 && current < plan.resources.size() ? plan.resources[current].id : QString();
    if (!currentId.isEmpty() && !ids.contains(currentId))
        ids.append(currentId);
    set(ids, currentId);
}

void ResourceSelection::set(const QStringList &ids, const QString &current)
{
    if (ids != m_ids || current != m_current)
        update(ids, current);
}

void ResourceSelection::update(const QStringList &ids, const QString &current)
{
    const int before = m_currentIndex;
    m_ids = ids;
    m_current = current;
    m_currentIndex = indexOf(current);
    if (m_currentIndex != before)
        emit currentChanged(m_currentIndex);
    emit changed();
}

void ResourceSelection::rename(const QString &from, const QString &to)
{
    // The plan shown still has the old id until it is read again: only the ids change here, and
    // planChanged() finds them again under their new names.
    for (QString &id : m_ids) {
        if (id == from)
            id = to;
    }
    if (m_current == from)
        m_current = to;
}

} // namespace fanout
