#pragma once

#include "engine/run/runevent.h"
#include "engine/run/targetprogress.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>

#include <vector>

namespace fanout {

class Deployment;

// The overview of a plan's targets (its stack deployed once per target, StackSets-style): one row
// per target, one column per resource of the stack, each cell the state of that target's instance
// (net@eu-west-1), coloured as on the graph. The first column is the target's own state, as the
// report says it (TargetProgress). Follows the Deployment's plan and run; empty without targets.
class TargetGridModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    using TargetState = TargetProgress::State;

    explicit TargetGridModel(Deployment &deployment, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The resource (plan index) of a cell; -1 for the target column or an instance the plan lacks.
    int resourceAt(const QModelIndex &index) const;
    QString targetAt(int row) const { return row >= 0 && row < m_targets.size() ? m_targets[row] : QString(); }
    TargetState targetState(int row) const;
    static QString label(TargetState state);

private:
    void rebuild();
    void onEvents(const QList<RunEvent> &events);

    Deployment &m_deployment;
    QStringList m_targets;                 // rows, in the plan's order
    QStringList m_stack;                   // columns after the first: the stack's resources (sets)
    std::vector<std::vector<int>> m_cells; // [row][column - 1]: plan index or -1
    QHash<int, QPair<int, int>> m_cellOf;  // plan index -> (row, column)
};

} // namespace fanout
