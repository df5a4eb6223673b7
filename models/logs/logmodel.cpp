#include "models/logs/logmodel.h"

#include "engine/run/deployment.h"
#include "engine/run/journal.h"
#include "engine/run/scheduler.h"
#include "engine/support/duration.h"
#include "models/logs/ansitext.h"
#include "models/logs/logstyle.h"

#include <algorithm>

namespace fanout {

namespace {

constexpr int kMsPerDay = 24 * 60 * 60 * 1000;

// Zero-padded digits written straight into the string: this runs for every line copied or saved.
void appendDigits(QString &out, qint64 value, int width)
{
    QString digits = QString::number(value);
    if (digits.size() < width)
        out.append(QString(width - digits.size(), QLatin1Char('0')));
    out.append(digits);
}

// The summary at a run's end: how it went for how many resources, as the events told it.
void describeRunFinished(LogLine &line, const std::vector<ResourceState> &states, qint64 timeMs)
{
    int counts[kResourceStateCount] = {};
    for (const ResourceState state : states)
        ++counts[int(state)];
    QStringList parts;
    for (const ResourceState state : {ResourceState::Succeeded, ResourceState::Failed,
                                      ResourceState::Skipped, ResourceState::Cancelled}) {
        if (counts[int(state)] > 0)
            parts.append(QStringLiteral("%1 %2").arg(counts[int(state)]).arg(stateName(state)));
    }
    line.level = counts[int(ResourceState::Failed)] > 0 ? LogLevel::Error
        : counts[int(ResourceState::Skipped)] + counts[int(ResourceState::Cancelled)] > 0 ? LogLevel::Warning
                                                                                            : LogLevel::Info;
    line.text = QStringLiteral("run finished after %1").arg(formatDuration(timeMs));
    if (!parts.isEmpty())
        line.text += QStringLiteral(": ") + parts.join(QStringLiteral(", "));
}

// A resource's change of state in Fanout's words, or false when it is not worth a line.
bool describeStateChange(LogLine &line, const RunEvent &event)
{
    const QString &reason = event.text;
    const auto withReason = [&](const QString &what) {
        return reason.isEmpty() ? what : what + QStringLiteral(": ") + reason;
    };
    switch (event.state) {
    case ResourceState::Running:
        line.text = event.attempt > 1 ? QStringLiteral("attempt %1 started").arg(event.attempt) : QStringLiteral("started");
        return true;
    case ResourceState::Succeeded:
        if (event.attempt == 0) // did not run: up to date per the state file
            line.text = reason.isEmpty() ? QStringLiteral("succeeded") : reason;
        else
            line.text = event.attempt > 1 ? QStringLiteral("succeeded on attempt %1").arg(event.attempt)
                                          : QStringLiteral("succeeded");
        return true;
    case ResourceState::RetryWait:
        // The scheduler's reason tells it all: "attempt 1 of 3 failed: ...; retrying in 1.2s".
        line.level = LogLevel::Warning;
        line.text = reason.isEmpty() ? QStringLiteral("attempt %1 failed; retrying").arg(event.attempt) : reason;
        return true;
    case ResourceState::Failed:
        line.level = LogLevel::Error;
        line.text = withReason(event.attempt > 0 ? QStringLiteral("failed on attempt %1").arg(event.attempt)
                                                 : QStringLiteral("failed"));
        return true;
    case ResourceState::Skipped:
        line.level = LogLevel::Warning;
        line.text = withReason(QStringLiteral("skipped"));
        return true;
    case ResourceState::Cancelled:
        line.level = LogLevel::Warning;
        line.text = withReason(QStringLiteral("cancelled"));
        return true;
    case ResourceState::Pending:
        // Back to pending with a reason is a retry ("retry requested", "resumed by the retry of db").
        if (reason.isEmpty())
            return false;
        line.text = reason;
        return true;
    case ResourceState::Ready:
        break; // waiting for a slot is the timeline's story, not the log's
    }
    return false;
}

} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogModel::flush);
}

LogModel::~LogModel() = default;

void LogModel::setDeployment(const Deployment *deployment)
{
    if (deployment == m_deployment)
        return;
    disconnect(m_planConnection);
    disconnect(m_eventsConnection);
    m_deployment = deployment;
    clear();
    if (!deployment) {
        setResourceIds({});
        return;
    }
    m_planConnection = connect(deployment, &Deployment::planChanged, this, &LogModel::onPlanChanged);
    m_eventsConnection = connect(deployment, &Deployment::eventsRecorded, this, &LogModel::appendEvents);
    onPlanChanged();
    if (deployment->hasRun()) {
        // Log lines stay where they are; only the few other events are read whole.
        const Journal &journal = deployment->journal();
        for (std::size_t i = 0; i < journal.size(); ++i) {
            const Journal::Entry &entry = journal.entry(i);
            if (entry.kind == RunEvent::Kind::Log)
                m_pending.push_back(RowKey(i));
            else
                take(journal[i]);
        }
        scheduleFlush();
        flush();
    }
}

const Deployment *LogModel::deployment() const
{
    return m_deployment;
}

void LogModel::onPlanChanged()
{
    clear();
    QStringList ids;
    if (m_deployment) {
        for (const Resource &resource : m_deployment->plan().resources)
            ids.append(resource.id);
    }
    setResourceIds(ids);
}

void LogModel::setCapacity(int lines)
{
    lines = std::max(1, lines);
    if (lines == m_capacity)
        return;
    flush();
    const int excess = std::max(0, rowCount() - lines);
    m_capacity = lines;
    if (excess == 0)
        return;
    beginRemoveRows(QModelIndex(), 0, excess - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
    m_dropped += excess;
    endRemoveRows();
}

void LogModel::append(const QList<LogLine> &lines)
{
    if (lines.isEmpty())
        return;
    m_pending.reserve(m_pending.size() + std::size_t(lines.size()));
    for (const LogLine &line : lines)
        takeLine(line);
    scheduleFlush();
}

void LogModel::takeLine(const LogLine &line)
{
    m_own.push_back(OwnLine{line.timeMs, m_ownText.append(line.text), line.resource, line.attempt, line.level, line.fromRun});
    m_pending.push_back(~RowKey(m_own.size() - 1));
}

void LogModel::scheduleFlush()
{
    if (m_pending.empty())
        return;
    // More than fit would be dropped by the flush anyway; dropping them now bounds the memory.
    if (m_pending.size() > std::size_t(m_capacity)) {
        const std::size_t excess = m_pending.size() - std::size_t(m_capacity);
        m_pending.erase(m_pending.begin(), m_pending.begin() + std::ptrdiff_t(excess));
        m_dropped += qint64(excess);
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start(flushInterval());
}

int LogModel::flushInterval() const
{
    return std::clamp(rowCount() / 2000, kFlushIntervalMs, kMaxFlushIntervalMs);
}

void LogModel::appendEvents(const QList<RunEvent> &events)
{
    m_pending.reserve(m_pending.size() + std::size_t(events.size()));
    for (const RunEvent &event : events)
        take(event);
    scheduleFlush();
}

void LogModel::take(const RunEvent &event)
{
    if (event.kind == RunEvent::Kind::RunStarted) {
        // A new run: the previous run's lines go, with whatever of them is still buffered. A
        // retry that resumes a run says RunResumed instead, and its lines stay.
        clear();
        if (m_deployment)
            setRunStart(m_deployment->scheduler().startedAt());
    }
    // A resource's line from the deployment's journal stays there; the row only points at it.
    if (event.kind == RunEvent::Kind::Log && event.sequence >= 0 && m_deployment) {
        m_pending.push_back(RowKey(event.sequence));
        return;
    }
    if (std::optional<LogLine> line = lineFor(event))
        takeLine(*line);
}

std::optional<LogLine> LogModel::lineFor(const RunEvent &event)
{
    LogLine line;
    line.timeMs = event.timeMs;
    line.resource = event.resource;
    line.attempt = event.attempt;
    line.fromRun = true;
    switch (event.kind) {
    case RunEvent::Kind::Log:
        line.level = event.level;
        line.text = event.text;
        line.fromRun = false;
        return line;
    case RunEvent::Kind::RunStarted:
        m_states.assign(std::max<std::size_t>(m_states.size(), std::size_t(m_resourceIds.size())),
                        ResourceState::Pending);
        line.text = QStringLiteral("run started: %1, parallelism %2").arg(event.text).arg(event.number);
        return line;
    case RunEvent::Kind::RunResumed:
        line.text = QStringLiteral("run resumed to retry %1").arg(event.text);
        return line;
    case RunEvent::Kind::CancelRequested:
        line.level = LogLevel::Warning;
        line.text = event.text.isEmpty() ? QStringLiteral("run cancelled") : event.text;
        return line;
    case RunEvent::Kind::ParallelismChanged:
        line.text = QStringLiteral("parallelism changed to %1").arg(event.number);
        return line;
    case RunEvent::Kind::RunFinished:
        describeRunFinished(line, m_states, event.timeMs);
        return line;
    case RunEvent::Kind::StateChanged:
        break;
    }
    if (event.resource >= 0) { // for the summary at the run's end
        if (std::size_t(event.resource) >= m_states.size())
            m_states.resize(std::size_t(event.resource) + 1, ResourceState::Pending);
        m_states[std::size_t(event.resource)] = event.state;
    }
    if (!describeStateChange(line, event))
        return std::nullopt;
    return line;
}

void LogModel::flush()
{
    m_flushTimer.stop();
    if (m_pending.empty())
        return;
    const int n = int(m_pending.size()); // at most m_capacity, scheduleFlush() sees to that
    const int overflow = rowCount() + n - m_capacity;
    if (overflow > 0) {
        beginRemoveRows(QModelIndex(), 0, overflow - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + overflow);
        m_dropped += overflow;
        endRemoveRows();
    }
    const int count = rowCount();
    beginInsertRows(QModelIndex(), count, count + n - 1);
    m_rows.insert(m_rows.end(), m_pending.begin(), m_pending.end());
    m_pending.clear();
    endInsertRows();
    emit flushed();
}

void LogModel::clear()
{
    m_flushTimer.stop();
    m_pending.clear();
    m_pending.shrink_to_fit();
    m_dropped = 0;
    std::fill(m_states.begin(), m_states.end(), ResourceState::Pending);
    m_cachedKey = kNoRow;
    m_cachedText.clear();
    m_cachedPlain.clear();
    const bool hadRows = !m_rows.empty();
    if (hadRows)
        beginResetModel();
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_own.clear();
    m_own.shrink_to_fit();
    m_ownText.clear();
    if (hadRows)
        endResetModel();
}

LogLine LogModel::line(int row) const
{
    Q_ASSERT(row >= 0 && row < rowCount());
    const Row r = at(row);
    LogLine line;
    line.timeMs = r.timeMs;
    line.resource = r.resource;
    line.attempt = r.attempt;
    line.level = r.level;
    line.fromRun = r.fromRun;
    line.text = cachedText(r, false);
    line.plain = cachedText(r, true);
    return line;
}

LogModel::Row LogModel::at(int row) const
{
    const RowKey key = m_rows[std::size_t(row)];
    if (key < 0) {
        const OwnLine &own = m_own[std::size_t(~key)];
        return Row{own.timeMs, key, own.resource, own.attempt, own.level, own.fromRun};
    }
    if (!m_deployment || std::size_t(key) >= m_deployment->journal().size())
        return Row{0, key, -1, 0, LogLevel::Info, false}; // the deployment has gone
    const Journal::Entry &entry = m_deployment->journal().entry(std::size_t(key));
    return Row{entry.timeMs, key, entry.resource, entry.attempt, entry.level, false};
}

const QString &LogModel::cachedText(const Row &row, bool plain) const
{
    if (row.key != m_cachedKey) {
        if (row.key < 0)
            m_cachedText = m_ownText.text(m_own[std::size_t(~row.key)].textId);
        else if (m_deployment && std::size_t(row.key) < m_deployment->journal().size())
            m_cachedText = m_deployment->journal().text(std::size_t(row.key));
        else
            m_cachedText.clear(); // the deployment has gone
        m_cachedPlain = AnsiText::strip(m_cachedText);
        m_cachedKey = row.key;
    }
    return plain ? m_cachedPlain : m_cachedText;
}

void LogModel::setResourceIds(const QStringList &ids)
{
    m_resourceIds = ids;
    m_longestId = 0;
    for (const QString &id : ids)
        m_longestId = std::max(m_longestId, int(id.size()));
    m_states.assign(std::size_t(ids.size()), ResourceState::Pending);
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1), {Qt::DisplayRole, ResourceIdRole});
    emit resourceIdsChanged();
}

QString LogModel::resourceId(int resource) const
{
    return resource >= 0 && resource < m_resourceIds.size() ? m_resourceIds[resource] : QString();
}

void LogModel::setRunStart(const QDateTime &startedAt)
{
    m_runStart = startedAt;
    // Times are shown as the start's local time of day plus the elapsed time, which is much cheaper
    // than a QDateTime per line; a daylight-saving change during a run is not worth the cost.
    m_startMsOfDay = startedAt.isValid() ? startedAt.toLocalTime().time().msecsSinceStartOfDay() : -1;
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1), {Qt::DisplayRole, TimeRole, TimestampRole});
}

QString LogModel::timestamp(qint64 timeMs) const
{
    if (m_startMsOfDay < 0)
        return elapsedText(timeMs);
    const qint64 ms = (qint64(m_startMsOfDay) + std::max<qint64>(0, timeMs)) % kMsPerDay;
    QString out;
    out.reserve(12);
    appendDigits(out, ms / 3'600'000, 2);
    out.append(QLatin1Char(':'));
    appendDigits(out, ms / 60'000 % 60, 2);
    out.append(QLatin1Char(':'));
    appendDigits(out, ms / 1000 % 60, 2);
    out.append(QLatin1Char('.'));
    appendDigits(out, ms % 1000, 3);
    return out;
}

QString LogModel::elapsedText(qint64 timeMs)
{
    const qint64 ms = std::max<qint64>(0, timeMs);
    QString out(QLatin1Char('+'));
    const qint64 hours = ms / 3'600'000;
    const qint64 minutes = ms / 60'000 % 60;
    if (hours > 0) {
        appendDigits(out, hours, 1);
        out.append(QLatin1Char('h'));
    }
    if (hours > 0 || minutes > 0) {
        appendDigits(out, minutes, hours > 0 ? 2 : 1);
        out.append(QLatin1Char('m'));
    }
    appendDigits(out, ms / 1000 % 60, hours > 0 || minutes > 0 ? 2 : 1);
    out.append(QLatin1Char('.'));
    appendDigits(out, ms % 1000, 3);
    out.append(QLatin1Char('s'));
    return out;
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row line = at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        // What Copy and Save write: "14:03:07.250 [db] text", plain.
        QString text = timestamp(line.timeMs);
        text.append(QLatin1Char(' '));
        if (line.resource >= 0) {
            text.append(QLatin1Char('['));
            text.append(resourceId(line.resource));
            text.append(QLatin1String("] "));
        }
        text.append(cachedText(line, true));
        return text;
    }
    case Qt::ToolTipRole: {
        QStringList about;
        if (m_startMsOfDay >= 0)
            about.append(QStringLiteral("%1 (%2 since the run started)").arg(timestamp(line.timeMs), elapsedText(line.timeMs)));
        else
            about.append(QStringLiteral("%1 since the run started").arg(elapsedText(line.timeMs)));
        about.append(line.resource >= 0 ? resourceId(line.resource) : QStringLiteral("the run"));
        if (line.attempt > 0)
            about.append(QStringLiteral("attempt %1").arg(line.attempt));
        about.append(levelName(line.level));
        // Long lines are cut off in the view; the tooltip shows all of one.
        return cachedText(line, true) + QLatin1Char('\n') + about.join(QStringLiteral(" · "));
    }
    case Qt::ForegroundRole: {
        const QColor color = LogStyle::levelColor(line.level);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    case Qt::BackgroundRole: {
        const QColor color = LogStyle::levelBackground(line.level);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    case TimeRole:
        return m_runStart.isValid() ? m_runStart.addMSecs(line.timeMs).toLocalTime() : QDateTime();
    case ResourceRole:
        return line.resource;
    case ResourceIdRole:
        return resourceId(line.resource);
    case AttemptRole:
        return line.attempt;
    case LevelRole:
        return int(line.level);
    case TextRole:
        return cachedText(line, false);
    case PlainTextRole:
        return cachedText(line, true);
    case ElapsedRole:
        return line.timeMs;
    case FromRunRole:
        return line.fromRun;
    case TimestampRole:
        return timestamp(line.timeMs);
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(TimeRole, "time");
    names.insert(ResourceRole, "resource");
    names.insert(ResourceIdRole, "resourceId");
    names.insert(AttemptRole, "attempt");
    names.insert(LevelRole, "level");
    names.insert(TextRole, "text");
    names.insert(PlainTextRole, "plainText");
    names.insert(ElapsedRole, "elapsedMs");
    names.insert(FromRunRole, "fromRun");
    names.insert(TimestampRole, "timestamp");
    return names;
}

} // namespace fanout
