#pragma once

#include "engine/history/runhistory.h"

#include <QAbstractTableModel>
#include <QList>

namespace fanout {

// The History pane's list: the recorded runs of the open plan, newest first, with when each
// started, how it ended, how long it took and at what parallelism.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { RunColumn, WhenColumn, ResultColumn, MakespanColumn, ParallelismColumn, ColumnCount };
    enum Roles {
        RunIdRole = Qt::UserRole, // qint64: the run's id in the history
        MakespanRole,             // qint64: milliseconds
        OutcomeRole,              // QString: "succeeded", "failed", "cancelled"
        StartedAtRole,            // QDateTime, UTC
    };

    explicit HistoryModel(QObject *parent = nullptr);

    // Newest first, as RunHistory::runs() gives them.
    void setRuns(QList<RunHistory::Run> runs);
    const QList<RunHistory::Run> &runs() const { return m_runs; }
    const RunHistory::Run *run(qint64 id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "4 Dec 21:03" (local time; the year too when it is not this one)
    static QString whenText(const QString &startedAtUtc);
    // "succeeded", "failed", "destroyed", "destroy failed"
    static QString resultText(const RunHistory::Run &run);

private:
    QList<RunHistory::Run> m_runs;
};

} // namespace fanout
