#pragma once

#include "engine/run/runevent.h"

#include <QSortFilterProxyModel>

namespace fanout {

// The Resources pane's filter: rows whose id, name, type or group contain a text, in a set of
// states ("show me what failed"). Sorts by ResourceTableModel::SortRole, so numbers sort as numbers.
class ResourceFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ResourceFilterModel(QObject *parent = nullptr);

    void setText(const QString &text);
    // Only these states; all states when `states` is empty.
    void setStates(const QList<ResourceState> &states);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    quint32 m_states = 0; // bit per ResourceState; 0 = all
};

} // namespace fanout
