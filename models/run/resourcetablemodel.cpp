#include "models/run/resourcetablemodel.h"

#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "models/run/statestyle.h"

#include <algorithm>

namespace fanout {

ResourceTableModel::ResourceTableModel(Deployment &deployment, QObject *parent)
    : QAbstractTableModel(parent)
    , m_deployment(deployment)
{
    connect(&deployment, &Deployment::planChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(&deployment, &Deployment::runStarted, this, [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        m_tick.start();
    });
    connect(&deployment, &Deployment::runFinished, &m_tick, &QTimer::stop);
    connect(&deployment, &Deployment::estimatesChanged, this, [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, EstimateColumn), index(rowCount() - 1, EstimateColumn));
    });
    connect(&deployment, &Deployment::eventsRecorded, this, &ResourceTableModel::onEvents);
    m_tick.setInterval(500);
    connect(&m_tick, &QTimer::timeout, this, &ResourceTableModel::tick);
}

int ResourceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_deployment.resourceCount();
}

int ResourceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 ResourceTableModel::durationMs(int resource) const
{
    // The time its attempts ran, all of them together: what the resource cost the run.
    qint64 total = 0;
    const qint64 now = m_deployment.elapsedMs();
    for (const AttemptRecord &attempt : m_deployment.status(resource).attempts)
        total += (attempt.endMs >= 0 ? attempt.endMs : now) - attempt.startMs;
    return total;
}

QString ResourceTableModel::typeText(const Resource &resource)
{
    // An imported resource is an aws_instance or an AWS::EC2::VPC to its user, whichever executor
    // provisions it: the source's type first, the executor beside it.
    const auto source = resource.source.is_object() ? resource.source.find("type") : resource.source.end();
    if (source == resource.source.end() || !source->is_string() || source->get<std::string>().empty())
        return resource.type;
    const QString sourceType = QString::fromStdString(source->get<std::string>());
    return sourceType == resource.type ? sourceType : tr("%1 (%2)").arg(sourceType, resource.type);
}

QString ResourceTableModel::estimateTip(int resource) const
{
    // Learned: "4.6s (4.1s-5.0s): this definition, 3 runs"; else the plan's figure or the executor's.
    QString where = m_deployment.estimateNote(resource);
    if (where.isEmpty()) {
        const bool own = m_deployment.plan().resources[resource].estimateMs.has_value();
        where = QStringLiteral("%1: %2").arg(formatDuration(m_deployment.estimateMs(resource)),
                                             own ? tr("plan estimate") : tr("executor default"));
    }
    return tr("Expected %1").arg(where);
}

QVariant ResourceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return QVariant();
    const int r = index.row();
    const Resource &resource = m_deployment.plan().resources[r];
    const ResourceStatus status = m_deployment.status(r);
    switch (role) {
    case ResourceRole: return r;
    case StateRole: return int(status.state);
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn: return resource.id;
        case TypeColumn: return typeText(resource);
        case GroupColumn: return resource.group;
        case StateColumn: return StateStyle::label(status.state);
        case AttemptsColumn: return status.attempts.isEmpty() ? QString() : QString::number(status.attempts.size());
        case EstimateColumn: return formatDuration(m_deployment.estimateMs(r));
        case DurationColumn: return status.attempts.isEmpty() ? QString() : formatDuration(durationMs(r));
        }
        break;
    case SortRole:
        switch (index.column()) {
        case StateColumn: return int(status.state);
        case AttemptsColumn: return int(status.attempts.size());
        case EstimateColumn: return m_deployment.estimateMs(r);
        case DurationColumn: return durationMs(r);
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return StateStyle::icon(status.state);
        break;
    case Qt::ToolTipRole: {
        if (index.column() == EstimateColumn)
            return estimateTip(r);
        QString tip = resource.displayName() == resource.id ? resource.id : resource.displayName() + QStringLiteral(" (") + resource.id + QLatin1Char(')');
        if (const QString type = typeText(resource); type != resource.type) // an imported one: the whole of what the column elides
            tip += QStringLiteral("\n") + type;
        tip += QStringLiteral("\n") + StateStyle::label(status.state);
        if (!status.reason.isEmpty())
            tip += QStringLiteral(": ") + status.reason;
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == AttemptsColumn || index.column() == EstimateColumn || index.column() == DurationColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return QVariant();
}

QVariant ResourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Resource");
    case TypeColumn: return tr("Type");
    case GroupColumn: return tr("Group");
    case StateColumn: return tr("State");
    case AttemptsColumn: return tr("Attempts");
    case EstimateColumn: return tr("Estimate");
    case DurationColumn: return tr("Duration");
    }
    return QVariant();
}

void ResourceTableModel::onEvents(const QList<RunEvent> &events)
{
    std::vector<int> rows;
    for (const RunEvent &event : events) {
        if (event.kind == RunEvent::Kind::StateChanged && event.resource >= 0)
            rows.push_back(event.resource);
    }
    announceRows(std::move(rows), StateColumn, DurationColumn);
}

void ResourceTableModel::announceRows(std::vector<int> rows, int firstColumn, int lastColumn)
{
    // One dataChanged per run of consecutive rows, not one per event.
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (size_t i = 0; i < rows.size();) {
        size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        emit dataChanged(index(rows[i], firstColumn), index(rows[j], lastColumn));
        i = j + 1;
    }
}

void ResourceTableModel::tick()
{
    std::vector<int> rows;
    for (int r = 0; r < rowCount(); ++r) {
        if (m_deployment.state(r) == ResourceState::Running)
            rows.push_back(r);
    }
    announceRows(std::move(rows), DurationColumn, DurationColumn);
}

} // namespace fanout
