#include "engine/run/staterecorder.h"

#include "engine/run/scheduler.h"
#include "engine/state/statejournal.h"

#include <QFileInfo>

#include <algorithm>

namespace fanout {

namespace {

// The journal is folded into the snapshot once it is kJournalFactor times larger than the
// snapshot, but never for less than kMinJournalBytes: a small snapshot would otherwise be
// rewritten over and over during a run (measured on 10,000 resources: folding at 1x the snapshot
// cost a third of the recording time). Reading a journal of 16 MiB takes about a tenth of a second.
constexpr qint64 kJournalFactor = 4;
constexpr qint64 kMinJournalBytes = 16 * 1024 * 1024;
// How long the ends of attempts wait for the next write-ahead to go with it.
constexpr int kGroupMs = 2;

// Times what the recorder does, for the benchmark.
class Busy
{
public:
    explicit Busy(qint64 &total)
        : m_total(total)
    {
        m_clock.start();
    }
    ~Busy() { m_total += m_clock.nsecsElapsed(); }

private:
    qint64 &m_total;
    QElapsedTimer m_clock;
};

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

StateRecorder::StateRecorder(Scheduler &scheduler, DeploymentState &state, const QString &path, Mode mode, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_state(state)
    , m_path(path)
    , m_mode(mode)
{
    if (!m_path.isEmpty()) {
        m_journal = std::make_unique<StateJournal>(m_path);
        m_snapshotBytes = QFileInfo(m_path).size();
    }
    m_scheduler.setStartHook([this](const std::vector<int> &resources) { onStarting(resources); });
    m_groupTimer.setSingleShot(true);
    m_groupTimer.setTimerType(Qt::PreciseTimer);
    m_groupTimer.setInterval(kGroupMs);
    connect(&m_groupTimer, &QTimer::timeout, this, [this] {
        const Busy busy(m_busyNs);
        flushRecords();
    });
    connect(&m_foldWatcher, &QFutureWatcherBase::finished, this, [this] { waitForFold(); });
}

StateRecorder::~StateRecorder()
{
    flushRecords();
    m_scheduler.setStartHook({});
}

void StateRecorder::addCleanup(int cleanup, int resource)
{
    m_cleanupOf.insert(cleanup, resource);
    if (cleanup != resource) // a removal tears down what its own id names
        m_cleanupBefore.insert(resource, cleanup);
}

QString StateRecorder::stateId(int r) const
{
    const int of = m_cleanupOf.value(r, r);
    return m_scheduler.plan().resources[of].id;
}

DeploymentState::OutputsOf StateRecorder::outputsOf() const
{
    return [this](const QString &id) {
        const int r = m_scheduler.plan().indexOf(id);
        return r < 0 ? QMap<QString, QString>() : m_scheduler.status(r).outputs;
    };
}

Resource StateRecorder::definition(int r) const
{
    Resource resource = m_scheduler.plan().resources[r];
    if (const auto cleanup = m_cleanupBefore.constFind(r); cleanup != m_cleanupBefore.cend())
        resource.dependsOn.removeAll(m_scheduler.plan().resources[*cleanup].id);
    return resource;
}

void StateRecorder::onStarting(const std::vector<int> &resources)
{
    const Busy busy(m_busyNs);
    const qint64 at = now();
    for (const int r : resources) {
        const QString id = stateId(r);
        const DeploymentState::Entry *recorded = m_state.find(id);
        std::optional<DeploymentState::Entry> before;
        if (recorded)
            before = *recorded;
        // A retry within the run: the entry from before its first attempt still stands behind it.
        if (const auto it = m_inFlight.constFind(r); it != m_inFlight.cend())
            before = it->before;
        DeploymentState::Entry entry;
        StateJournal::Event event = StateJournal::Event::Destroying;
        if (m_mode == Mode::Create && !m_cleanupOf.contains(r)) {
            entry = m_state.creating(definition(r), m_scheduler.plan(), outputsOf());
            event = StateJournal::Event::Creating;
        } else if (recorded) {
            entry = *recorded;
            entry.status = DeploymentState::Entry::Status::Destroying;
        } else {
            continue; // nothing recorded to tear down (a teardown's plan comes from the state)
        }
        m_state.insert(id, entry);
        m_inFlight.insert(r, InFlight{before, int(m_scheduler.status(r).attempts.size()) + 1});
        if (!m_path.isEmpty())
            m_toWrite.push_back(Record{event, id, std::move(entry), false, {}});
    }
    appendRecords(at);
    flushRecords(); // before the attempts start: the write-ahead, with what ended before it
}

void StateRecorder::onEvents(const QList<RunEvent> &events)
{
    const Busy busy(m_busyNs);
    const qint64 at = now();
    for (const RunEvent &event : events) {
        // Only the end of an attempt: a batch also holds what came before the attempt started.
        const bool ended = event.state == ResourceState::Succeeded || event.state == ResourceState::Failed
            || event.state == ResourceState::RetryWait || event.state == ResourceState::Cancelled;
        if (event.kind != RunEvent::Kind::StateChanged || event.resource < 0 || !ended)
            continue;
        const int r = event.resource;
        const auto it = m_inFlight.find(r);
        // Up to date, or never started: the state has nothing new about it. Or the end of an
        // earlier attempt, when the next one has started already.
        if (it == m_inFlight.end() || it->attempt != event.attempt)
            continue;
        const std::optional<DeploymentState::Entry> before = it->before;
        m_inFlight.erase(it);
        const QString id = stateId(r);
        if (event.state == ResourceState::Succeeded) {
            ++m_recorded;
            if (m_mode == Mode::Destroy || m_cleanupOf.contains(r)) {
                m_state.remove(id);
                if (!m_path.isEmpty())
                    m_toWrite.push_back(Record{StateJournal::Event::Destroyed, id, std::nullopt, false, {}});
            } else if (before) {
                m_state.recordCreated(definition(r), m_scheduler.status(r).outputs, m_scheduler.plan(), outputsOf());
                if (!m_path.isEmpty())
                    m_toWrite.push_back(Record{StateJournal::Event::Created, id, *m_state.find(id), false, {}});
            } else {
                // New: the write-ahead entry already holds its definition and destroy action, and
                // the journal says what is new about it.
                DeploymentState::Entry entry = *m_state.find(id);
                entry.outputs = m_scheduler.status(r).outputs;
                entry.createdAt = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC);
                entry.status = DeploymentState::Entry::Status::Created;
                m_state.insert(id, entry);
                if (!m_path.isEmpty())
                    m_toWrite.push_back(Record{StateJournal::Event::Created, id, std::move(entry), true, {}});
            }
            continue;
        }
        // Failed, waiting to retry, cancelled: no longer in flight, and what it was before.
        if (before)
            m_state.insert(id, *before);
        else
            m_state.remove(id);
        if (!m_path.isEmpty())
            m_toWrite.push_back(Record{StateJournal::Event::Failed, id, before, false, event.text});
    }
    appendRecords(at);
    // The ends of attempts are written with the next write-ahead, which in a busy run follows
    // within the millisecond (one write instead of two), or after kGroupMs. Lost to a crash in
    // between, a resource is recorded as being created still, and replaced: safe, if wasteful.
    if (!m_records.empty() && !m_groupTimer.isActive())
        m_groupTimer.start();
}

void StateRecorder::appendRecords(qint64 at)
{
    if (m_toWrite.empty())
        return;
    // Apart from the bookkeeping above, and timed once: what a state file adds to the batch.
    const Busy journal(m_journalNs);
    // The time again only when it has changed (ms): batches come faster than that in a busy run.
    if (at != m_batchTime) {
        StateJournal::appendTimeRecord(m_records, at);
        m_batchTime = at;
    }
    for (const Record &record : m_toWrite) {
        if (record.outputsOnly)
            StateJournal::appendCreatedRecord(m_records, record.id, record.entry->outputs);
        else
            StateJournal::appendRecord(m_records, record.event, record.id, record.entry ? &*record.entry : nullptr, record.error);
    }
    m_toWrite.clear();
}

void StateRecorder::flushRecords()
{
    m_groupTimer.stop();
    if (m_records.empty())
        return;
    write(m_records);
    m_records.clear(); // its capacity kept from batch to batch
}

void StateRecorder::write(std::string &records)
{
    if (records.empty() || m_path.isEmpty())
        return;
    const Busy journal(m_journalNs);
    if (m_needsSnapshot) {
        saveNow();
        return;
    }
    if (!m_planRecorded) {
        std::string plan;
        StateJournal::appendPlanRecord(plan, m_state.planName());
        records.insert(0, plan);
        m_planRecorded = true;
    }
    if (const Expected<void> appended = m_journal->append(records, m_syncEachBatch); !appended) {
        m_needsSnapshot = true; // what this batch said is in memory only: the next write is whole
        fail(appended.error());
        return;
    }
    m_lastError.clear();
    if (m_journal->size() > std::max(kJournalFactor * m_snapshotBytes, kMinJournalBytes))
        saveNow();
}

bool StateRecorder::save()
{
    const Busy busy(m_busyNs);
    flushRecords();
    waitForFold();
    return saveNow();
}

bool StateRecorder::compact()
{
    const Busy busy(m_busyNs);
    if (!m_journal)
        return true;
    flushRecords();
    const Busy journal(m_journalNs);
    if (m_needsSnapshot) {
        // The journal could not be written: only a whole snapshot is right, and now.
        const bool saved = saveNow();
        closeUnlessRunning();
        return saved;
    }
    // The snapshot is written on the journal's background thread: the run's end does not wait
    // for 10,000 entries to be formatted and fsynced. Until it is, the journal holds it all.
    waitForFold();
    m_batchTime = -1; // what follows may start the journal again: with its time
    m_fold = m_state.saveInBackground(m_path, *m_journal);
    m_folding = true;
    m_planRecorded = true; // the snapshot has the name
    m_foldWatcher.setFuture(m_fold);
    return true;
}

bool StateRecorder::waitForFold()
{
    if (!m_folding)
        return m_lastError.isEmpty();
    m_fold.waitForFinished();
    m_folding = false;
    const DeploymentState::Saved saved = m_fold.result();
    m_foldNs += saved.elapsedNs;
    if (saved.error.isEmpty()) {
        m_snapshotBytes = saved.snapshotBytes;
        m_lastError.clear();
    } else {
        fail(saved.error); // the journal has it all still: nothing is lost
    }
    closeUnlessRunning();
    return saved.error.isEmpty();
}

bool StateRecorder::holdsJournal() const
{
    return m_journal && m_journal->isOpen();
}

void StateRecorder::closeUnlessRunning()
{
    // Unlocked until the next write (a retry): another Fanout may run with the state meanwhile.
    if (m_journal && !m_scheduler.isRunning())
        m_journal->close();
}

bool StateRecorder::saveNow()
{
    if (m_path.isEmpty())
        return true;
    m_journal->waitForBackground();
    m_batchTime = -1; // the next batch starts the journal again, with its time
    if (const Expected<void> saved = m_state.save(m_path, *m_journal); !saved)
        return fail(saved.error());
    m_snapshotBytes = QFileInfo(m_path).size();
    m_needsSnapshot = false;
    m_planRecorded = true; // the snapshot has the name
    m_lastError.clear();
    return true;
}

bool StateRecorder::fail(const QString &error)
{
    m_lastError = error.isEmpty() ? QStringLiteral("unknown error") : error;
    emit saveFailed(m_lastError);
    return false;
}

} // namespace fanout
