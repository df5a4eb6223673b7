#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

#include <vector>

namespace fanout {

class Deployment;
struct Resource;
struct RunEvent;

// The Resources pane's table: one row per resource of the deployment's plan, with its state, attempts,
// how long it is expected to take (learned from the run history: its tooltip says where the figure
// came from) and how long it has run. Follows the run through the deployment's event batches, announcing the
// rows that changed as few dataChanged ranges as possible; running rows' durations tick on a timer.
class ResourceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { IdColumn, TypeColumn, GroupColumn, StateColumn, AttemptsColumn, EstimateColumn, DurationColumn, ColumnCount };
    enum Roles {
        ResourceRole = Qt::UserRole, // int: index in the plan
        StateRole,                   // int: ResourceState
        SortRole,                    // what the column sorts by (numbers for numbers)
    };

    explicit ResourceTableModel(Deployment &deployment, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void onEvents(const QList<RunEvent> &events);
    void announceRows(std::vector<int> rows, int firstColumn, int lastColumn);
    void tick();
    qint64 durationMs(int resource) const;
    static QString typeText(const Resource &resource); // "AWS::EC2::VPC (sim)" for an imported one
    QString estimateTip(int resource) const;

    Deployment &m_deployment;
    QTimer m_tick;
};

} // namespace fanout
