#pragma once

#include "engine/state/deploymentstate.h"
#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace fanout {

// The state file's journal: FILE.journal beside the state file FILE, one JSON object a line, each
// the new entry of one resource (or null: it no longer exists) and why. A run appends each batch of
// changes with one write(), so that recording costs what changed rather than the whole state, and
// a process that is killed loses nothing once write() has returned. DeploymentState::save() folds
// it into the snapshot and empties it; DeploymentState::read() replays it over the snapshot.
//
//   {"at": "2026-12-04T09:00:01.250Z", "event": "creating", "id": "db", "entry": {...}}
//   {"at": "...", "event": "failed", "id": "db", "entry": null, "error": "exited with code 1"}
//   {"at": "...", "event": "plan", "plan": "web"}
class StateJournal
{
public:
    // What happened to the resource, said in each record; replaying needs only the entry.
    enum class Event : quint8 { Creating, Created, Destroying, Destroyed, Failed };

    static QString pathFor(const QString &statePath); // FILE.journal

    // One record: `entry` is the resource's entry from now on, null when it no longer exists.
    // `entryText`: DeploymentState::entryText(), or empty for null.
    static QByteArray record(const QString &at, Event event, const QString &id, const std::string &entryText,
                             const QString &error = QString());
    static QByteArray planRecord(const QString &at, const QString &planName);

    // Replays the journal of a state file onto `state`. A last line cut short (Fanout stopped while
    // writing it) is left out with a warning; anything else unreadable is an error.
    static void replay(const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics);
    // Empties the journal of `statePath` (once the snapshot holds it); missing is empty.
    static Expected<void> clear(const QString &statePath);

    // Appends to the journal of `statePath`, created readable by its owner alone.
    explicit StateJournal(const QString &statePath);
    ~StateJournal();
    StateJournal(const StateJournal &) = delete;
    StateJournal &operator=(const StateJournal &) = delete;

    // Writes `records` (whole lines) with one write(). With `sync`, fdatasync()s too, so that they
    // survive a power cut.
    Expected<void> append(const QByteArray &records, bool sync = false);
    qint64 size() const; // bytes in the journal now

private:
    Expected<void> open();

    QString m_path;
    int m_fd = -1;
};

} // namespace fanout
