#pragma once

#include "engine/plan/plan.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

// Two recorded runs side by side, per resource: how long it took in each (from the start of its
// first attempt to the end of its last, retries included) and the difference. Sorted by what
// changed the makespan most: the resources on the newer run's critical path (its longest chain of
// dependencies, by the newer run's durations) first, then by how much their duration changed.
class RunComparison : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ResourceColumn, OlderColumn, NewerColumn, DifferenceColumn, ColumnCount };
    enum Roles {
        ResourceIdRole = Qt::UserRole, // QString
        DifferenceRole,                // qint64: newer - older, in ms (0 when in only one)
        CriticalRole,                  // bool: on the newer run's critical path
    };

    struct Row
    {
        QString id;
        qint64 olderMs = -1; // -1: not in that run (or never started)
        qint64 newerMs = -1;
        bool critical = false;
        qint64 differenceMs() const { return olderMs >= 0 && newerMs >= 0 ? newerMs - olderMs : 0; }
    };

    explicit RunComparison(QObject *parent = nullptr);

    // The reports (RunReport::toJson) of the two runs, and the plan the newer one ran.
    void compare(const QString &olderName, const nlohmann::ordered_json &older, const QString &newerName,
                 const nlohmann::ordered_json &newer, const Plan &newerPlan);
    const QList<Row> &rows() const { return m_rows; }
    qint64 makespanDifferenceMs() const { return m_makespanDifferenceMs; }

    // Each resource's duration in a report, by id: first start to last end.
    static QHash<QString, qint64> durations(const nlohmann::ordered_json &report);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
    QString m_olderName;
    QString m_newerName;
    qint64 m_makespanDifferenceMs = 0;
};

} // namespace fanout
