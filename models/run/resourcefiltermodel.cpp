#include "models/run/resourcefiltermodel.h"

#include "models/run/resourcetablemodel.h"

namespace fanout {

ResourceFilterModel::ResourceFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ResourceTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // Rows move between states as the run goes: re-filter and re-sort them as they change.
    setDynamicSortFilter(true);
}

void ResourceFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

void ResourceFilterModel::setStates(const QList<ResourceState> &states)
{
    quint32 mask = 0;
    for (ResourceState state : states)
        mask |= 1u << int(state);
    if (mask == m_states)
        return;
    m_states = mask;
    invalidateRowsFilter();
}

bool ResourceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    if (m_states != 0) {
        const int state = model->index(sourceRow, 0, sourceParent).data(ResourceTableModel::StateRole).toInt();
        if (!(m_states & (1u << state)))
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column : {ResourceTableModel::IdColumn, ResourceTableModel::TypeColumn, ResourceTableModel::GroupColumn}) {
        if (model->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    // The display name, for plans whose ids are terse.
    return model->index(sourceRow, 0, sourceParent).data(Qt::ToolTipRole).toString().section(QLatin1Char('\n'), 0, 0).contains(m_text, Qt::CaseInsensitive);
}

} // namespace fanout
