#pragma once

#include "engine/state/deploymentstate.h"
#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"
#include "engine/support/handover.h"

#include <QByteArray>
#include <QFuture>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <mutex>
#include <string>

namespace fanout {

// The state file's journal: FILE.journal beside the state file FILE, one JSON object a line, each
// the new entry of one resource (or null: it no longer exists) and why. A run appends each batch of
// changes, so that recording costs what changed rather than the whole state, and a process that is
// killed loses nothing once append() has returned. DeploymentState::save() folds it into the
// snapshot and empties it; DeploymentState::read() replays it over the snapshot.
//
//   {"at": "2026-12-04T09:00:01.250Z"}                       (the time of the batch that follows)
//   {"event": "creating", "id": "db", "entry": {...}}
//   {"event": "created", "id": "db", "outputs": {...}}     (the entry of "creating", created)
//   {"event": "failed", "id": "db", "error": "exited with code 1", "entry": null}
//   {"event": "plan", "plan": "web"}
//
// Appending is a copy into a shared memory mapping of the file (the kernel's page cache, so that a
// killed process loses nothing), not a write() per batch: on 10,000 resources, write() and fstat()
// alone cost a tenth of a run (docs/provisioning.md). The file grows in steps allocated ahead with
// fallocate(), whose pages a background thread faults in and reads once before they are written
// (so that the run's thread takes no page fault nor, in a virtual machine, a hypervisor's trap),
// and whose zeros close() trims; a journal left by a process that was killed ends in zeros, and
// the first zero byte ends it for a reader. Where the file cannot be mapped, it is written with
// pwrite().
//
// While a journal is open, it holds an exclusive lock (flock) on it: one Fanout at a time writes a
// state, and a second one is told so instead of both writing over each other.
class StateJournal
{
public:
    // What happened to the resource, said in each record; replaying needs only the entry.
    enum class Event : quint8 { Creating, Created, Destroying, Destroyed, Failed };

    static QString pathFor(const QString &statePath); // FILE.journal

    // Appends one record to `out`: `entry` is the resource's entry from now on, null when it no
    // longer exists. A batch of records starts with appendTimeRecord(): when they happened.
    static void appendRecord(std::string &out, Event event, const QString &id, const DeploymentState::Entry *entry,
                             const QString &error = QString());
    // The record of a resource created as the entry of its "creating" record says: its outputs
    // alone (if any), the entry's created_at being the batch's time.
    static void appendCreatedRecord(std::string &out, const QString &id, const QMap<QString, QString> &outputs);
    static void appendPlanRecord(std::string &out, const QString &planName);
    // The time of the records that follow, in milliseconds since the epoch.
    static void appendTimeRecord(std::string &out, qint64 at);

    // Replays the journal of a state file onto `state`. A last line cut short (Fanout stopped while
    // writing it) is left out with a warning; anything else unreadable is an error.
    static void replay(const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics);
    // The same for a journal's bytes read already (`journalPath` names it in messages).
    static void replayText(QByteArray text, const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics);
    // Whether another process has the journal of `statePath` open for writing now (a run of it).
    static bool isInUse(const QString &statePath);

    // How appends reach the file: through the mapping, or with pwrite() (what a file system that
    // cannot map files gets; tests choose it to try that path).
    enum class Writing : quint8 { Mapped, Written };
    explicit StateJournal(const QString &statePath, Writing writing = Writing::Mapped);
    ~StateJournal(); // close()
    StateJournal(const StateJournal &) = delete;
    StateJournal &operator=(const StateJournal &) = delete;

    // Opens the journal for appending, created readable by its owner alone, and locks it; an
    // error when another Fanout has it open. append() opens it when needed.
    Expected<void> open();
    // Waits for the background thread, unlocks it, and trims what was allocated ahead and not
    // written.
    void close();
    bool isOpen() const; // and so locked by this process

    // Appends `records` (whole lines). With `sync`, writes them to disk too (msync, fdatasync), so
    // that they survive a power cut.
    Expected<void> append(const std::string &records, bool sync = false);
    // Empties it, once the snapshot holds what it said.
    Expected<void> clear();
    // Empties it if it holds `size` bytes still (nothing was appended since a snapshot took what
    // it had); true when it did.
    Expected<bool> clearIfSize(qint64 size);
    qint64 size() const; // bytes of records in the journal now

    // Runs `task` on the journal's background thread, after what was given to it before (pages
    // prepared ahead, DeploymentState::saveInBackground()).
    template <typename Task>
    auto inBackground(Task task)
    {
        return runOnPool(m_background, std::move(task));
    }
    void waitForBackground();

private:
    Expected<void> openLocked();
    Expected<void> clearLocked();
    Expected<void> reserve(qint64 bytes);
    void prepare(qint64 from, qint64 to); // on the background thread: pages made ready for appends
    static void touchPage(const char *page); // its first access from user space, without a C++ read
    Expected<void> writeAt(const char *data, qint64 size, qint64 offset);
    QString error(const QString &what, int code) const;

    QString m_path;
    Writing m_writing;
    mutable std::mutex m_mutex; // the fields below: the background thread empties the journal too
    int m_fd = -1;
    char *m_map = nullptr; // the whole reservation, or null: pwrite()
    std::atomic<qint64> m_capacity = 0; // bytes of the file, allocated ahead (read by prepare())
    qint64 m_size = 0;     // bytes of records, where the next one goes
    std::mutex m_shrinking; // held while the file shrinks, and by prepare()
    QThreadPool m_background;
};

} // namespace fanout
