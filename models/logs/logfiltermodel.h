#pragma once

#include "engine/run/runevent.h"

#include <QSortFilterProxyModel>
#include <QString>
#include <QTimer>

#include <vector>

namespace fanout {

// The lines of a LogModel that one log pane shows: one resource's or all, containing some text, of
// some level or worse. Lines appended to the source are filtered as they come (QSortFilterProxyModel
// maps inserted rows incrementally); only changing the filter itself looks at every line again.
// Looking for text reads every line's text, from disk for older lines: in a long log (more than
// kScanAtOnce lines) that is done a slice at a time on a timer, so that the window stays responsive,
// and the lines shown change once it is over (textApplied()).
class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    static constexpr int kAllResources = -2; // -1 is the run as a whole
    static constexpr int kScanAtOnce = 200'000; // lines looked through for text at once; more take slices
    static constexpr int kSliceMs = 15;         // of each slice of looking through

    explicit LogFilterModel(QObject *parent = nullptr);

    // A resource's index, -1 for the lines about the run as a whole, or kAllResources.
    int resource() const { return m_resource; }
    void setResource(int resource);

    // Lines containing `text` in their plain text, ignoring case; empty for all. In a long log the
    // lines shown change when textApplied() says so.
    QString text() const { return m_text; }
    void setText(const QString &text);
    bool isScanning() const { return m_scanTimer.isActive(); }
    int scanProgress() const; // percent of the lines looked through, while scanning

    LogLevel minimumLevel() const { return m_minimumLevel; }
    void setMinimumLevel(LogLevel level);

    bool isFiltering() const; // anything but all lines of all resources

    void setSourceModel(QAbstractItemModel *source) override;

signals:
    // The lines shown are those containing text() now.
    void textApplied();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void refilter();
    void startScan();
    void scanSlice();

    int m_resource = kAllResources;
    QString m_text;
    QString m_appliedText; // what the lines shown contain: m_text, except while a scan is under way
    // The scan under way: which of the source's rows (as they were when it started) contain m_text.
    std::vector<bool> m_matches;
    std::size_t m_scanned = 0;
    QTimer m_scanTimer;
    LogLevel m_minimumLevel = LogLevel::Debug;
};

} // namespace fanout
