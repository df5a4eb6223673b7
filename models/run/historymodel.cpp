#include "models/run/historymodel.h"

#include "engine/support/counted.h"
#include "engine/support/duration.h"
#include "models/run/statestyle.h"

#include <QDateTime>
#include <QLocale>

namespace fanout {

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HistoryModel::setRuns(QList<RunHistory::Run> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

const RunHistory::Run *HistoryModel::run(qint64 id) const
{
    for (const RunHistory::Run &run : m_runs) {
        if (run.id == id)
            return &run;
    }
    return nullptr;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::whenText(const QString &startedAtUtc)
{
    QDateTime when = QDateTime::fromString(startedAtUtc, Qt::ISODateWithMs);
    if (!when.isValid())
        when = QDateTime::fromString(startedAtUtc, Qt::ISODate);
    if (!when.isValid())
        return startedAtUtc;
    when = when.toLocalTime();
    const bool thisYear = when.date().year() == QDate::currentDate().year();
    return QLocale::c().toString(when, thisYear ? QStringLiteral("d MMM HH:mm") : QStringLiteral("d MMM yyyy HH:mm"));
}

QString HistoryModel::resultText(const RunHistory::Run &run)
{
    if (run.command != QLatin1String("destroy"))
        return run.outcome;
    if (run.outcome == QLatin1String("succeeded"))
        return tr("destroyed");
    return tr("destroy %1").arg(run.outcome);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunHistory::Run &run = m_runs[index.row()];
    switch (role) {
    case RunIdRole:
        return run.id;
    case MakespanRole:
        return run.makespanMs;
    case OutcomeRole:
        return run.outcome;
    case StartedAtRole:
        return QDateTime::fromString(run.startedAt, Qt::ISODateWithMs);
    case Qt::DisplayRole:
        switch (index.column()) {
        case RunColumn:
            return QStringLiteral("#%1").arg(run.id);
        case WhenColumn:
            return whenText(run.startedAt);
        case ResultColumn:
            return resultText(run);
        case MakespanColumn:
            return formatDuration(run.makespanMs);
        case ParallelismColumn:
            return run.parallelism;
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() != ResultColumn)
            return {};
        return StateStyle::icon(run.outcome == QLatin1String("succeeded") ? ResourceState::Succeeded
                                : run.outcome == QLatin1String("cancelled") ? ResourceState::Cancelled
                                                                            : ResourceState::Failed);
    case Qt::ToolTipRole:
        return tr("Run #%1 (%2) of %3: %4 after %5 at parallelism %6, %7. Double-click to replay it.")
            .arg(run.id)
            .arg(run.command, whenText(run.startedAt), resultText(run), formatDuration(run.makespanMs))
            .arg(run.parallelism)
            .arg(counted(run.resources, "resource"));
    case Qt::TextAlignmentRole:
        return index.column() == MakespanColumn || index.column() == ParallelismColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RunColumn:
        return tr("Run");
    case WhenColumn:
        return tr("When");
    case ResultColumn:
        return tr("Result");
    case MakespanColumn:
        return tr("Took");
    case ParallelismColumn:
        return tr("Parallelism");
    default:
        return {};
    }
}

} // namespace fanout
