#include "models/logs/logfiltermodel.h"

#include "models/logs/logmodel.h"

#include <QElapsedTimer>

namespace fanout {

LogFilterModel::LogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Unsorted: lines stay in the order they happened. Dynamic filtering is what makes appended rows
    // get filtered one batch at a time instead of the whole model again.
    setDynamicSortFilter(true);
    m_scanTimer.setInterval(0);
    connect(&m_scanTimer, &QTimer::timeout, this, &LogFilterModel::scanSlice);
}

void LogFilterModel::setSourceModel(QAbstractItemModel *source)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QSortFilterProxyModel::setSourceModel(source);
    if (!source)
        return;
    // Rows dropped from the front (or all of them) move every row a scan has looked at: start again.
    const auto restart = [this] {
        if (m_scanTimer.isActive())
            startScan();
    };
    connect(source, &QAbstractItemModel::rowsRemoved, this, restart);
    connect(source, &QAbstractItemModel::modelReset, this, restart);
    connect(source, &QAbstractItemModel::layoutChanged, this, restart);
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
    const auto *logs = qobject_cast<const LogModel *>(sourceModel());
    if (text.isEmpty() || !logs || logs->rowCount() <= kScanAtOnce) {
        m_scanTimer.stop();
        m_matches = {};
        m_scanned = 0;
        m_appliedText = text;
        refilter();
        emit textApplied();
        return;
    }
    startScan();
}

void LogFilterModel::startScan()
{
    const auto *logs = qobject_cast<const LogModel *>(sourceModel());
    m_matches.assign(std::size_t(logs ? logs->rowCount() : 0), false);
    m_scanned = 0;
    m_scanTimer.start();
}

void LogFilterModel::refilter()
{
    // invalidateFilter() tells the view of every range of rows that goes or comes, which takes
    // seconds when millions of rows change; a new layout is one signal, and maps again on demand.
    if (sourceModel() && sourceModel()->rowCount() > kScanAtOnce)
        invalidate();
    else
        invalidateFilter();
}

int LogFilterModel::scanProgress() const
{
    return m_matches.empty() ? 100 : int(m_scanned * 100 / m_matches.size());
}

void LogFilterModel::scanSlice()
{
    const auto *logs = qobject_cast<const LogModel *>(sourceModel());
    QElapsedTimer clock;
    clock.start();
    while (logs && m_scanned < m_matches.size()) {
        m_matches[m_scanned] = logs->plainText(int(m_scanned)).contains(m_text, Qt::CaseInsensitive);
        ++m_scanned;
        if (m_scanned % 1024 == 0 && clock.elapsed() >= kSliceMs)
            return;
    }
    // Looked through: the proxy maps every row again, looking the text up in m_matches.
    m_scanTimer.stop();
    m_appliedText = m_text;
    refilter();
    m_matches = {};
    m_scanned = 0;
    emit textApplied();
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
    return m_resource != kAllResources || !m_appliedText.isEmpty() || m_minimumLevel != LogLevel::Debug;
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    // Straight to the line when the source is a LogModel: no QVariant per role per line, and its
    // text (read from disk for older lines) only when there is text to look for.
    if (const auto *logs = qobject_cast<const LogModel *>(sourceModel())) {
        if ((m_resource != kAllResources && logs->lineResource(sourceRow) != m_resource)
            || logs->lineLevel(sourceRow) < m_minimumLevel)
            return false;
        if (m_appliedText.isEmpty())
            return true;
        if (std::size_t(sourceRow) < m_scanned && !m_scanTimer.isActive()) // just looked through
            return m_matches[std::size_t(sourceRow)];
        return logs->plainText(sourceRow).contains(m_appliedText, Qt::CaseInsensitive);
    }
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_resource != kAllResources && index.data(LogModel::ResourceRole).toInt() != m_resource)
        return false;
    if (index.data(LogModel::LevelRole).toInt() < int(m_minimumLevel))
        return false;
    return m_appliedText.isEmpty() || index.data(LogModel::PlainTextRole).toString().contains(m_appliedText, Qt::CaseInsensitive);
}

} // namespace fanout
