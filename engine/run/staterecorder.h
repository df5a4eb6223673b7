#pragma once

#include "engine/plan/plan.h"
#include "engine/run/runevent.h"
#include "engine/state/deploymentstate.h"
#include "engine/state/statejournal.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QString>

#include <memory>
#include <string>
#include <optional>
#include <vector>

namespace fanout {

class Scheduler;

// Keeps a DeploymentState and its file up to date while a Scheduler runs. Before an attempt starts
// (the scheduler's start hook, once per batch), its resource is recorded as being created (being
// destroyed, in a teardown): should Fanout stop during the attempt, the next run knows it may exist
// in part. When the attempt ends, the entry becomes what it is: created with its outputs (a
// teardown: removed), or, on failure, what it was before (nothing, for a new resource). Resources
// that were up to date do not run and stay as they were.
//
// Each batch is appended to the state's journal (a copy into its mapping), so that a killed process
// loses nothing and recording costs what changed; the journal is folded into the snapshot by
// compact(), at the end of a run, and whenever it grows larger than the snapshot. While the run
// lasts, the journal's lock keeps other Fanouts from writing the same state.
class StateRecorder : public QObject
{
    Q_OBJECT

public:
    enum class Mode : quint8 { Create, Destroy };

    // `path` empty: the state is kept in memory only (the built-in demo). The scheduler and the
    // state must outlive the recorder, which is the scheduler's start hook while it lives.
    StateRecorder(Scheduler &scheduler, DeploymentState &state, const QString &path, Mode mode, QObject *parent = nullptr);
    ~StateRecorder() override;

    // Create runs that replace interrupted resources: resource `cleanup` of the run's plan runs the
    // destroy action of `resource`, which depends on it, and is not recorded under its own id.
    // `cleanup` == `resource`: it destroys what the state records under its own id (an instance
    // the plan no longer has), and is then removed from the state.
    void addCleanup(int cleanup, int resource);
    // fdatasync() the journal after each batch, so that a power cut loses nothing either (off by
    // default: see docs/provisioning.md for what it costs).
    void setSyncEachBatch(bool sync) { m_syncEachBatch = sync; }

    void onEvents(const QList<fanout::RunEvent> &events);

    bool save(); // folds the journal into the snapshot now; false and lastError() when it cannot
    // At the end of a run: save() on the journal's background thread, then the journal closed
    // and unlocked until the next write. waitForFold() waits for it, and says whether it saved.
    bool compact();
    bool waitForFold();
    bool holdsJournal() const; // its journal is open, and locked by this process
    QString lastError() const { return m_lastError; } // empty once a save succeeds again
    int recorded() const { return m_recorded; }      // resources recorded or removed so far
    qint64 busyNs() const { return m_busyNs; }         // time spent recording, for the benchmark
    qint64 journalNs() const { return m_journalNs; }   // of it, writing the journal (and setting folds off)
    qint64 foldNs() const { return m_foldNs; }         // folds on the journal's background thread

signals:
    // Each time saving fails (the run goes on; the state is saved again on the next change).
    void saveFailed(const QString &error);

private:
    void onStarting(const std::vector<int> &resources);
    // What resource `r` of the run is in the state: its id, and its definition as the plan has
    // it (without the dependency on its cleanup).
    QString stateId(int r) const;
    Resource definition(int r) const;
    // Outputs of the run's resources by id, for what a destroy action records.
    DeploymentState::OutputsOf outputsOf() const;
    void appendRecords(qint64 at); // m_toWrite into m_records, after their time
    void flushRecords();  // writes m_records
    void write(std::string &records);
    bool saveNow();
    void closeUnlessRunning();
    bool fail(const QString &error);

    Scheduler &m_scheduler;
    DeploymentState &m_state;
    const QString m_path;
    const Mode m_mode;
    std::unique_ptr<StateJournal> m_journal;
    QFuture<DeploymentState::Saved> m_fold; // compact()'s, until waitForFold() has its result
    QFutureWatcher<DeploymentState::Saved> m_foldWatcher;
    bool m_folding = false;
    // A batch's records, gathered with the bookkeeping and then written out as journal text.
    struct Record
    {
        StateJournal::Event event;
        QString id;
        std::optional<DeploymentState::Entry> entry; // none: it no longer exists
        bool outputsOnly = false; // a new resource created: its entry's outputs alone
        QString error;
    };
    std::vector<Record> m_toWrite;
    std::string m_records;             // journal records not written yet
    qint64 m_batchTime = -1;           // the last time line's, while the journal goes on from it
    QTimer m_groupTimer;               // writes them when no write-ahead comes soon
    QHash<int, int> m_cleanupOf;       // cleanup resource -> the resource it tears down
    QHash<int, int> m_cleanupBefore;   // resource -> its cleanup
    // Attempts recorded as started and not yet ended, with the entry from before (none: new).
    struct InFlight
    {
        std::optional<DeploymentState::Entry> before;
        int attempt = 0;
    };
    QHash<int, InFlight> m_inFlight;
    QString m_lastError;
    qint64 m_snapshotBytes = 0;
    qint64 m_busyNs = 0;
    qint64 m_journalNs = 0;
    qint64 m_foldNs = 0;
    int m_recorded = 0;
    bool m_planRecorded = false;
    bool m_needsSnapshot = false; // a journal write failed: only a whole snapshot is right now
    bool m_syncEachBatch = false;
};

} // namespace fanout
