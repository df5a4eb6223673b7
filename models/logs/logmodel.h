#pragma once

#include "engine/run/runevent.h"
#include "engine/support/logstore.h"
#include "models/logs/logline.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <limits>
#include <optional>
#include <vector>

namespace fanout {

class Deployment;

// The lines of a run's log, for every log pane: each resource's output and what happened to it
// ("failed on attempt 1: ..."), oldest first. A run may write millions of lines, so a resource's
// line stays where it was written, in the deployment's journal (engine/run/journal: its text on
// disk), and its row keeps only where it is there: 8 bytes. Fanout's own lines, and those given to
// append(), keep 32 bytes in the model and their text in its own LogStore. data() reads the text when asked (the rows on screen,
// a filter looking through every line), through a one-line cache, since a view asks for several
// roles of a row at a time. Capped: once it holds capacity() lines, the oldest are dropped as new
// ones come, but the default is far above what runs write. Lines arrive in bursts of thousands, so
// they are buffered and inserted on a short timer, one rowsInserted per flush, never one per line.
//
// Given a Deployment it follows its runs by itself: a new plan or a new run clears it, a retry that
// resumes a finished run keeps the lines and adds to them.
class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Roles {
        TimeRole = Qt::UserRole, // QDateTime, local wall clock; invalid while the run's start is unknown
        ResourceRole,            // int: index into the plan's resources, -1 for the run as a whole
        ResourceIdRole,          // QString: empty for the run as a whole
        AttemptRole,             // int: from 1, 0 when not about an attempt
        LevelRole,               // int: a LogLevel
        TextRole,                // QString: as written, with ANSI escape sequences
        PlainTextRole,           // QString: without them
        ElapsedRole,             // qint64: milliseconds since the run started
        FromRunRole,             // bool: written by Fanout about the run, not by the resource
        TimestampRole,           // QString: the time as shown, "14:03:07.250" (or "+7.250s")
    };
    Q_ENUM(Roles)

    // 8 bytes a row (of a deployment's run): 80 MiB for a run of ten million lines.
    static constexpr int kDefaultCapacity = 10'000'000;
    // Qt Creator's output panes batch on a 10 ms timer; 25 ms is still immediate to the eye and
    // halves the number of layouts while thousands of lines a second arrive.
    static constexpr int kFlushIntervalMs = 25;
    // A list view lays out all its rows again after every insertion, so with a long log the flushes
    // get further apart (up to this), keeping that work per second about the same; see flushInterval().
    static constexpr int kMaxFlushIntervalMs = 100;

    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;

    // Shows `deployment`'s runs from now on (including the one it has already run, from its journal);
    // null to stop. The deployment must outlive the model or be set to null first.
    void setDeployment(const Deployment *deployment);
    const Deployment *deployment() const;

    int capacity() const { return m_capacity; }
    void setCapacity(int lines);

    // Lines and events are buffered and inserted on the next flush, at most flushInterval() later.
    void append(const QList<LogLine> &lines);
    // Log events become lines as they are; state changes worth telling (failures, retries, skips,
    // success), and the run's start and end, become lines in Fanout's words.
    void appendEvents(const QList<RunEvent> &events);
    // Inserts what is buffered now.
    void flush();
    void clear();
    int pendingCount() const { return int(m_pending.size()); }
    // 25 ms up to 50,000 lines, then 1 ms more per 2,000 lines, up to 100 ms at 200,000.
    int flushInterval() const;
    // Lines dropped from the front to stay within capacity() since the last clear.
    qint64 droppedCount() const { return m_dropped; }

    LogLine line(int row) const; // with its text, read from where it is kept
    // Without reading the text, for filters looking through every line.
    int lineResource(int row) const { return at(row).resource; }
    LogLevel lineLevel(int row) const { return at(row).level; }
    QString plainText(int row) const { return cachedText(at(row), true); }

    // The ids lines refer to by index; set from the deployment's plan when there is one.
    void setResourceIds(const QStringList &ids);
    QString resourceId(int resource) const;
    int longestResourceId() const { return m_longestId; } // in characters

    // When the run started (any time spec), which makes the times shown wall-clock times. Set from
    // the deployment's scheduler when there is one. Without it times are shown as "+7.250s".
    void setRunStart(const QDateTime &startedAt);
    QDateTime runStart() const { return m_runStart; }
    QString timestamp(qint64 timeMs) const; // "14:03:07.250", local time, or "+7.250s"
    static QString elapsedText(qint64 timeMs); // "+7.250s", "+2m03.250s", "+1h02m03.250s"

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    // After each flush, once its rows are in (and any old ones are dropped). Views following the
    // tail scroll on it.
    void flushed();
    void resourceIdsChanged();

private:
    // A line not in the journal; its text is in m_ownText.
    struct OwnLine
    {
        qint64 timeMs = 0;
        qint64 textId = 0;
        qint32 resource = -1;
        qint32 attempt = 0;
        LogLevel level = LogLevel::Info;
        bool fromRun = false;
    };
    // A row as the model keeps it: a line's index in the deployment's journal, or ~ its index in m_own.
    using RowKey = qint64;
    // A row with what is known of it without its text.
    struct Row
    {
        qint64 timeMs = 0;
        RowKey key = 0;
        qint32 resource = -1;
        qint32 attempt = 0;
        LogLevel level = LogLevel::Info;
        bool fromRun = false;
    };

    void onPlanChanged();
    // One event (or line) to the buffer of lines waiting for the next flush.
    void take(const RunEvent &event);
    void takeLine(const LogLine &line);
    void scheduleFlush();
    std::optional<LogLine> lineFor(const RunEvent &event);
    Row at(int row) const;
    // The row's text as written (or plain), from the cache when it is the row asked about last.
    const QString &cachedText(const Row &row, bool plain) const;

    QPointer<const Deployment> m_deployment;
    QMetaObject::Connection m_planConnection;
    QMetaObject::Connection m_eventsConnection;
    std::deque<RowKey> m_rows; // a deque grows and drops its oldest rows without moving the others
    int m_capacity = kDefaultCapacity;
    std::vector<RowKey> m_pending;
    std::deque<OwnLine> m_own; // lines not in the journal: Fanout's own, and append()'s
    LogStore m_ownText;        // their text
    static constexpr RowKey kNoRow = std::numeric_limits<qint64>::min();
    mutable RowKey m_cachedKey = kNoRow;
    mutable QString m_cachedText;
    mutable QString m_cachedPlain;
    QTimer m_flushTimer;
    qint64 m_dropped = 0;

    QStringList m_resourceIds;
    int m_longestId = 0;
    QDateTime m_runStart;
    int m_startMsOfDay = -1; // the run's start in local time, -1 when unknown
    // Every resource's state as the events told it, for the summary at the run's end.
    std::vector<ResourceState> m_states;
};

} // namespace fanout
