#include "models/run/runcomparison.h"

#include "engine/plan/plangraph.h"
#include "engine/support/duration.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace fanout {

namespace {

QString textOf(const nlohmann::ordered_json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
}

qint64 number(const nlohmann::ordered_json &value, qint64 otherwise = -1)
{
    return value.is_number() ? value.get<qint64>() : otherwise;
}

QString signedDuration(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0");
    return (ms > 0 ? QStringLiteral("+") : QStringLiteral("−")) + formatDuration(std::abs(ms));
}

} // namespace

RunComparison::RunComparison(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QHash<QString, qint64> RunComparison::durations(const nlohmann::ordered_json &report)
{
    QHash<QString, qint64> result;
    const auto resources = report.find("resources");
    if (resources == report.end() || !resources->is_array())
        return result;
    for (const nlohmann::ordered_json &resource : *resources) {
        const auto attempts = resource.find("attempts");
        if (attempts == resource.end() || !attempts->is_array() || attempts->empty())
            continue;
        const qint64 start = number(attempts->front().value("start_ms", nlohmann::ordered_json()));
        const qint64 end = number(attempts->back().value("end_ms", nlohmann::ordered_json()));
        if (start >= 0 && end >= start)
            result.insert(textOf(resource.value("id", nlohmann::ordered_json())), end - start);
    }
    return result;
}

void RunComparison::compare(const QString &olderName, const nlohmann::ordered_json &older, const QString &newerName,
                            const nlohmann::ordered_json &newer, const Plan &newerPlan)
{
    beginResetModel();
    m_olderName = olderName;
    m_newerName = newerName;
    m_rows.clear();
    const QHash<QString, qint64> before = durations(older);
    const QHash<QString, qint64> after = durations(newer);
    // The critical path by the newer run's durations: what made its makespan.
    const PlanGraph graph(newerPlan);
    std::vector<qint64> lengths(std::size_t(newerPlan.resources.size()), 0);
    for (int r = 0; r < int(newerPlan.resources.size()); ++r)
        lengths[std::size_t(r)] = std::max<qint64>(0, after.value(newerPlan.resources[r].id, 0));
    QSet<QString> critical;
    if (graph.isAcyclic()) {
        for (const int r : graph.longestPath(lengths))
            critical.insert(newerPlan.resources[r].id);
    }
    QSet<QString> seen;
    for (const Resource &resource : newerPlan.resources) {
        seen.insert(resource.id);
        m_rows.append(Row{resource.id, before.value(resource.id, -1), after.value(resource.id, -1), critical.contains(resource.id)});
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!seen.contains(it.key()))
            m_rows.append(Row{it.key(), it.value(), -1, false});
    }
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row &a, const Row &b) {
        if (a.critical != b.critical)
            return a.critical;
        if (std::abs(a.differenceMs()) != std::abs(b.differenceMs()))
            return std::abs(a.differenceMs()) > std::abs(b.differenceMs());
        return a.id < b.id;
    });
    m_makespanDifferenceMs = number(newer.value("duration_ms", nlohmann::ordered_json()), 0)
                           - number(older.value("duration_ms", nlohmann::ordered_json()), 0);
    endResetModel();
}

int RunComparison::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunComparison::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunComparison::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    switch (role) {
    case ResourceIdRole:
        return row.id;
    case DifferenceRole:
        return row.differenceMs();
    case CriticalRole:
        return row.critical;
    case Qt::DisplayRole:
        switch (index.column()) {
        case ResourceColumn:
            return row.critical ? tr("%1 (critical path)").arg(row.id) : row.id;
        case OlderColumn:
            return row.olderMs >= 0 ? formatDuration(row.olderMs) : tr("not run");
        case NewerColumn:
            return row.newerMs >= 0 ? formatDuration(row.newerMs) : tr("not run");
        case DifferenceColumn:
            return row.olderMs >= 0 && row.newerMs >= 0 ? signedDuration(row.differenceMs()) : QString();
        default:
            return {};
        }
    case Qt::FontRole:
        if (row.critical) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == DifferenceColumn && row.differenceMs() != 0)
            return QBrush(row.differenceMs() > 0 ? QColor(0xb0, 0x30, 0x20) : QColor(0x20, 0x80, 0x30));
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == ResourceColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant RunComparison::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ResourceColumn:
        return tr("Resource");
    case OlderColumn:
        return m_olderName.isEmpty() ? tr("Older run") : m_olderName;
    case NewerColumn:
        return m_newerName.isEmpty() ? tr("Newer run") : m_newerName;
    case DifferenceColumn:
        return tr("Difference");
    default:
        return {};
    }
}

} // namespace fanout
