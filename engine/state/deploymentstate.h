#pragma once

#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace fanout {

struct Plan;
struct Resource;
class StateJournal;

// What a deployment has created so far: for each resource that exists, a hash of the definition it
// was created from, the outputs it produced, when, and how to tear it down. `fanout run` reads it to
// run only what is new or changed (like `terraform apply`), `fanout destroy` to tear down what
// exists. Kept as JSON in NAME.fanout-state.json beside the plan file (docs: the state file).
//
// Outputs are stored as the resources produced them, secrets included: later runs need the real
// values for ${resources.ID.outputs.KEY} and destroy actions for ${self.outputs.KEY}. Masking
// secrets is for what people see (logs, reports, the GUI), which is the scheduler's job; the state
// file itself is written readable by its owner alone, and a wider mode is warned about.
//
// On disk it is a snapshot plus a journal beside it (StateJournal): a run appends what changes
// and folds the journal into the snapshot at its end; read() gives both together.
class DeploymentState
{
public:
    static constexpr int kFormatVersion = 1;

    struct Entry
    {
        // Created: it exists. Creating, Destroying: an attempt had started and Fanout stopped
        // before it ended (a crash, kill -9, a power cut), so it may exist in part: a run destroys
        // and creates it again, a teardown destroys it again.
        enum class Status : quint8 { Created, Creating, Destroying };

        QString definitionHash;          // "sha256:<hex>", see definitionHash()
        QMap<QString, QString> outputs;
        QDateTime createdAt;             // UTC
        // destroyAction() of what it was created from, with the values it was created with written
        // in (see recordCreated()); null when none.
        nlohmann::ordered_json destroy;
        // The values written into `destroy`, by reference ("var.root" -> "/srv/app"): what a
        // teardown shows when today's differ. Absent from entries older Fanouts recorded, whose
        // `destroy` still refers to variables (destroyValuesRecorded false).
        QMap<QString, QString> destroyValues;
        bool destroyValuesRecorded = false;
        // The values of the plan's variables its parameters used when it was created ("region" ->
        // "eu-west-1"), secret ones left out: what a run compares with today's to say that a --var
        // changed the inputs of a resource it leaves up to date (changedVariables()). Absent from
        // entries older Fanouts recorded.
        QMap<QString, QString> variables;
        // What it depended on when created, so that teardown order survives its removal from the plan.
        QStringList dependsOn;
        Status status = Status::Created;

        bool isInFlight() const { return status != Status::Created; }
    };

    // What reading a state file gave. With errors, the state must not be used nor overwritten.
    struct ReadResult;

    // How a plan's resource compares with what the state says exists.
    enum class Change : quint8 {
        Create,   // not in the state
        Replace,  // in the state, but its definition has changed since
        UpToDate, // in the state with the same definition
        Interrupted, // in the state as being created or destroyed when Fanout stopped: to replace
    };

    // NAME.fanout-state.json in the plan file's directory, NAME being the file name without its
    // last extension ("deploy/web.json" -> "deploy/web.fanout-state.json").
    static QString defaultPath(const QString &planFile);

    // "sha256:<hex>" of a canonical JSON dump (object keys sorted, dependencies sorted) of what makes
    // the resource what it is: type, params, destroy action and dependencies. Names, groups,
    // timeouts and retry policies only shape a run, so changing them replaces nothing.
    static QString definitionHash(const Resource &resource);
    // Each resource's definitionHash(), in plan order.
    static QStringList definitionHashes(const Plan &plan);

    // The resource's destroy action with its "type" spelt out (a plan may leave it out to mean the
    // resource's own type), so that it still works once the resource has left the plan; null when
    // it has none.
    static nlohmann::ordered_json destroyAction(const Resource &resource);

    // Reads a state file. A missing file is an empty state; anything unreadable is an error with its
    // place in the file.
    static ReadResult read(const QString &path);
    static ReadResult readText(const QByteArray &text);

    // One entry as the state file and its journal spell it, and back; problems go to `problems`
    // with `path` (such as "resources.db") before their own place.
    static nlohmann::ordered_json entryToJson(const Entry &entry);
    // entryToJson(entry).dump(), appended to `out` at a tenth of the cost; without its "status"
    // when `withStatus` is false (a journal record whose event says it).
    static void appendEntryText(std::string &out, const Entry &entry, bool withStatus = true);
    static Entry entryFromJson(const nlohmann::ordered_json &value, const QString &path, Diagnostics &problems);

    QString planName() const { return m_planName; }
    void setPlanName(const QString &name) { m_planName = name; }
    QDateTime updatedAt() const { return m_updatedAt; }
    void setUpdatedAt(const QDateTime &time) { m_updatedAt = time; }

    bool isEmpty() const { return m_entries.isEmpty(); }
    int size() const { return int(m_entries.size()); }
    QStringList ids() const { return m_entries.keys(); } // sorted
    const Entry *find(const QString &id) const;          // null when absent
    void insert(const QString &id, const Entry &entry);
    bool remove(const QString &id);                      // false when absent

    // Records `resource` of `plan` as created just now with these outputs. Its destroy action is
    // recorded as it would run now: each ${var.NAME} that is not secret and each
    // ${resources.ID.outputs.KEY} (from `outputsOf`) is written in, so that a teardown undoes what
    // was created whatever the variables say by then. Secret variables, ${env:NAME} and
    // ${self.outputs.KEY} stay references, read again when the teardown runs (secrets are not
    // written to the state for this).
    using OutputsOf = std::function<QMap<QString, QString>(const QString &id)>;
    void recordCreated(const Resource &resource, const QMap<QString, QString> &outputs, const Plan &plan,
                       const OutputsOf &outputsOf);
    // The entry of a resource whose creation starts now: the one recorded, if any, else one made
    // from `resource` with no outputs yet; its status says Creating.
    Entry creating(const Resource &resource, const Plan &plan, const OutputsOf &outputsOf) const;
    // Ids whose entry is in flight (Creating or Destroying): Fanout stopped during their attempt.
    QStringList inFlight() const;

    // The values of the variables that `resource`'s parameters use, by name, as `plan` gives them
    // now; secret ones are left out (never written to the state).
    static QMap<QString, QString> variablesUsed(const Resource &resource, const Plan &plan);
    // A variable `resource`'s parameters use whose value in `plan` is not the one its entry
    // records: the definition, and so the hash, is unchanged, yet what it would be created with is
    // not. `fanout run` names these resources and suggests --replace. Empty when the state has no
    // entry for it, or an entry without recorded values.
    struct VariableChange
    {
        QString name;
        QString was;
        QString now;
    };
    QList<VariableChange> changedVariables(const Resource &resource, const Plan &plan) const;

    // One Change per resource of `plan`, in plan order. `definitions`: the resources'
    // definitionHash(), in plan order, when the caller has them (none: worked out here).
    QList<Change> compare(const Plan &plan, const QStringList &definitions = {}) const;
    // Ids the state holds that `plan` no longer has and that a run leaves as they are: not
    // removedInstances(), not left out of the run (Plan::leftOut). `fanout destroy` tears them down.
    QStringList orphans(const Plan &plan) const;
    // Instances the state holds of a set `plan` still has, that the set no longer has: its count
    // was lowered, a for_each key or a target was removed (web[4], bucket["old"], net@eu-west-3).
    // As Terraform does, a run destroys them. Sorted.
    QStringList removedInstances(const Plan &plan) const;

    nlohmann::ordered_json toJson() const;
    // The whole state file's text: toJson()'s content, one resource a line.
    QByteArray toText() const;

    // Stamps updated_at and writes the file all at once (a temporary file beside it, fsynced, then
    // a rename and an fsync of the directory), readable by its owner alone, so that a crash leaves
    // either the old file or the new one, never half of one; then empties the journal, which the
    // snapshot now holds. Or why it cannot: another Fanout running with it, for one. The second
    // form uses a journal the caller has open (and locked) already, and leaves it open.
    Expected<void> save(const QString &path);
    Expected<void> save(const QString &path, StateJournal &journal);
    // save(path, journal) on the journal's background thread, of the state as it is now; the
    // journal is emptied only if nothing was appended to it meanwhile. The journal must outlive
    // the save (its destructor waits for it).
    struct Saved
    {
        QString error; // empty: saved
        qint64 snapshotBytes = 0;
        qint64 elapsedNs = 0; // on the background thread
    };
    QFuture<Saved> saveInBackground(const QString &path, StateJournal &journal);

private:
    static ReadResult readSnapshot(const QString &path);
    static void recordDestroyAction(Entry &entry, const Resource &resource, const Plan &plan, const OutputsOf &outputsOf);

    QString m_planName;
    QDateTime m_updatedAt;
    QMap<QString, Entry> m_entries;
};

struct DeploymentState::ReadResult
{
    DeploymentState state;
    Diagnostics diagnostics; // line/column set where the place is known
    bool existed = false;    // false: there was no file, and the state is empty
    qint64 snapshotBytes = 0; // the size of the snapshot file, and of its journal
    qint64 journalBytes = 0;

    bool hasErrors() const { return errorCount(diagnostics) > 0; }
};

} // namespace fanout
