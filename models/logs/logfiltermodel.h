#pragma once

#include "engine/run/runevent.h"

#include <QSortFilterProxyModel>
#include <QString>

namespace fanout {

// The lines of a LogModel that one log pane shows: one resource's or all, containing some text, of
// some level or worse. Lines appended to the source are filtered as they come (QSortFilterProxyModel
// maps inserted rows incrementally); only changing the filter itself looks at every line again.
class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    static constexpr int kAllResources = -2; // -1 is the run as a whole

    explicit LogFilterModel(QObject *parent = nullptr);

    // A resource's index, -1 for the lines about the run as a whole, or kAllResources.
    int resource() const { return m_resource; }
    void setResource(int resource);

    // Lines containing `text` in their plain text, ignoring case; empty for all.
    QString text() const { return m_text; }
    void setText(const QString &text);

    LogLevel minimumLevel() const { return m_minimumLevel; }
    void setMinimumLevel(LogLevel level);

    bool isFiltering() const; // anything but all lines of all resources

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_resource = kAllResources;
    QString m_text;
    LogLevel m_minimumLevel = LogLevel::Debug;
};

} // namespace fanout
