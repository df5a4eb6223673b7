#include "models/logs/logfiltermodel.h"

#include "models/logs/logmodel.h"

namespace fanout {

LogFilterModel::LogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Unsorted: lines stay in the order they happened. Dynamic filtering is what makes appended rows
    // get filtered one batch at a time instead of the whole model again.
    setDynamicSortFilter(true);
}

void LogFilterModel::setResource(int resource)
{
    if (resource == m_resource)
        return;
    m_resource = resource;
    invalidateFilter();
}

void LogFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

void LogFilterModel::setMinimumLevel(LogLevel level)
{
    if (level == m_minimumLevel)
        return;
    m_minimumLevel = level;
    invalidateFilter();
}

bool LogFilterModel::isFiltering() const
{
    return m_resource != kAllResources || !m_text.isEmpty() || m_minimumLevel != LogLevel::Debug;
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    // Straight to the line when the source is a LogModel: no QVariant per role per line.
    if (const auto *logs = qobject_cast<const LogModel *>(sourceModel())) {
        const LogLine &line = logs->line(sourceRow);
        return (m_resource == kAllResources || line.resource == m_resource)
            && line.level >= m_minimumLevel
            && (m_text.isEmpty() || line.plain.contains(m_text, Qt::CaseInsensitive));
    }
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_resource != kAllResources && index.data(LogModel::ResourceRole).toInt() != m_resource)
        return false;
    if (index.data(LogModel::LevelRole).toInt() < int(m_minimumLevel))
        return false;
    return m_text.isEmpty() || index.data(LogModel::PlainTextRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace fanout
