#include "models/run/targetgridmodel.h"

#include "engine/plan/instanceaddress.h"
#include "engine/run/deployment.h"
#include "models/run/statestyle.h"

namespace fanout {

TargetGridModel::TargetGridModel(Deployment &deployment, QObject *parent)
    : QAbstractTableModel(parent)
    , m_deployment(deployment)
{
    connect(&m_deployment, &Deployment::planChanged, this, &TargetGridModel::rebuild);
    connect(&m_deployment, &Deployment::eventsRecorded, this, &TargetGridModel::onEvents);
    // A new run or a retry starts from fresh states; a replay's rewind too.
    connect(&m_deployment, &Deployment::runStarted, this, [this] {
        if (!m_targets.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
    rebuild();
}

void TargetGridModel::rebuild()
{
    beginResetModel();
    m_targets.clear();
    m_stack.clear();
    m_cells.clear();
    m_cellOf.clear();
    const Plan &plan = m_deployment.plan();
    QHash<QString, int> row;
    QHash<QString, int> column;
    // Targets in the plan's order; the stack's resources in the order of their first instance.
    for (const Target &target : plan.targets) {
        row.insert(target.name, int(m_targets.size()));
        m_targets.append(target.name);
    }
    for (int r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        const auto t = row.constFind(resource.target);
        if (resource.target.isEmpty() || t == row.cend())
            continue;
        const QString name = InstanceAddress::format(resource.set.isEmpty() ? resource.id : resource.set, resource.key, QString());
        auto c = column.constFind(name);
        if (c == column.cend()) {
            c = column.insert(name, int(m_stack.size()));
            m_stack.append(name);
        }
        m_cellOf.insert(r, {*t, *c + 1});
    }
    m_cells.assign(std::size_t(m_targets.size()), std::vector<int>(std::size_t(m_stack.size()), -1));
    for (auto it = m_cellOf.cbegin(); it != m_cellOf.cend(); ++it)
        m_cells[std::size_t(it->first)][std::size_t(it->second - 1)] = it.key();
    // Targets without a stack deploy nothing: no grid.
    if (m_stack.isEmpty()) {
        m_targets.clear();
        m_cells.clear();
    }
    endResetModel();
}

void TargetGridModel::onEvents(const QList<RunEvent> &events)
{
    for (const RunEvent &event : events) {
        if (event.kind != RunEvent::Kind::StateChanged)
            continue;
        const auto cell = m_cellOf.constFind(event.resource);
        if (cell == m_cellOf.cend())
            continue;
        const QModelIndex changed = index(cell->first, cell->second);
        emit dataChanged(changed, changed);
        const QModelIndex target = index(cell->first, 0);
        emit dataChanged(target, target);
    }
}

int TargetGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_targets.size());
}

int TargetGridModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_targets.isEmpty() ? 0 : int(m_stack.size()) + 1;
}

int TargetGridModel::resourceAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.column() == 0 || index.row() >= int(m_cells.size()))
        return -1;
    return m_cells[std::size_t(index.row())][std::size_t(index.column() - 1)];
}

TargetGridModel::TargetState TargetGridModel::targetState(int row) const
{
    if (row < 0 || row >= int(m_cells.size()))
        return TargetState::Waiting;
    std::vector<int> instances;
    for (const int r : m_cells[std::size_t(row)]) {
        if (r >= 0)
            instances.push_back(r);
    }
    return TargetProgress::of(m_deployment.plan(), instances, [this](int r) { return m_deployment.status(r); }).state;
}

QString TargetGridModel::label(TargetState state)
{
    switch (state) {
    case TargetState::Waiting: return tr("waiting");
    case TargetState::Running: return tr("under way");
    case TargetState::Succeeded: return tr("done");
    case TargetState::Failed: return tr("failed");
    case TargetState::NotStarted: return tr("not started");
    case TargetState::Cancelled: return tr("cancelled");
    case TargetState::Skipped: return tr("skipped");
    }
    return QString();
}

QVariant TargetGridModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.column() == 0) {
        const TargetState state = targetState(index.row());
        if (role == Qt::DisplayRole)
            return state == TargetState::Failed ? tr("failed: retry") : label(state);
        if (role == Qt::ToolTipRole && state == TargetState::Failed)
            return tr("Click to retry what failed in %1; the rollout goes on if its failure tolerance allows").arg(targetAt(index.row()));
        if (role == Qt::ForegroundRole && state == TargetState::Failed)
            return StateStyle::stroke(ResourceState::Failed);
        return {};
    }
    const int r = resourceAt(index);
    if (r < 0)
        return role == Qt::ToolTipRole ? tr("Not deployed to this target") : QVariant();
    const ResourceStatus status = m_deployment.status(r);
    switch (role) {
    case Qt::DecorationRole:
        return StateStyle::icon(status.state);
    case Qt::DisplayRole:
        return StateStyle::label(status.state);
    case Qt::BackgroundRole:
        return StateStyle::fill(status.state).lighter(status.state == ResourceState::Pending ? 100 : 160);
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1: %2").arg(m_deployment.plan().resources[r].id, StateStyle::label(status.state));
        if (!status.reason.isEmpty())
            tip += QStringLiteral("\n") + status.reason;
        return tip;
    }
    default:
        return {};
    }
}

QVariant TargetGridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return targetAt(section);
    if (section == 0)
        return tr("Target");
    return section - 1 < m_stack.size() ? m_stack[section - 1] : QVariant();
}

} // namespace fanout
