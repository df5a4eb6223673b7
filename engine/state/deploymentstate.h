#pragma once

#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>

namespace fanout {

struct Plan;
struct Resource;

// What a deployment has created so far: for each resource that exists, a hash of the definition it
// was created from, the outputs it produced, when, and how to tear it down. `fanout run` reads it to
// run only what is new or changed (like `terraform apply`), `fanout destroy` to tear down what
// exists. Kept as JSON in NAME.fanout-state.json beside the plan file (docs: the state file).
//
// Outputs are stored as the resources produced them, secrets included: later runs need the real
// values for ${resources.ID.outputs.KEY} and destroy actions for ${self.outputs.KEY}. Masking
// secrets is for what people see (logs, reports, the GUI), which is the scheduler's job; the state
// file itself must be protected like any credential store.
class DeploymentState
{
public:
    static constexpr int kFormatVersion = 1;

    struct Entry
    {
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
        // What it depended on when created, so that teardown order survives its removal from the plan.
        QStringList dependsOn;
    };

    // What reading a state file gave. With errors, the state must not be used nor overwritten.
    struct ReadResult;

    // How a plan's resource compares with what the state says exists.
    enum class Change : quint8 {
        Create,   // not in the state
        Replace,  // in the state, but its definition has changed since
        UpToDate, // in the state with the same definition
    };

    // NAME.fanout-state.json in the plan file's directory, NAME being the file name without its
    // last extension ("deploy/web.json" -> "deploy/web.fanout-state.json").
    static QString defaultPath(const QString &planFile);

    // "sha256:<hex>" of a canonical JSON dump (object keys sorted, dependencies sorted) of what makes
    // the resource what it is: type, params, destroy action and dependencies. Names, groups,
    // timeouts and retry policies only shape a run, so changing them replaces nothing.
    static QString definitionHash(const Resource &resource);

    // The resource's destroy action with its "type" spelt out (a plan may leave it out to mean the
    // resource's own type), so that it still works once the resource has left the plan; null when
    // it has none.
    static nlohmann::ordered_json destroyAction(const Resource &resource);

    // Reads a state file. A missing file is an empty state; anything unreadable is an error with its
    // place in the file.
    static ReadResult read(const QString &path);
    static ReadResult readText(const QByteArray &text);

    QString planName() const { return m_planName; }
    void setPlanName(const QString &name) { m_planName = name; }
    QDateTime updatedAt() const { return m_updatedAt; }

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

    // One Change per resource of `plan`, in plan order.
    QList<Change> compare(const Plan &plan) const;
    // Ids the state holds that `plan` no longer has.
    QStringList orphans(const Plan &plan) const;

    nlohmann::ordered_json toJson() const;

    // Stamps updated_at and writes the file all at once (a temporary file beside it, then a rename),
    // so that a crash leaves either the old file or the new one, never half of one; or why it
    // cannot.
    Expected<void> save(const QString &path);

private:
    QString m_planName;
    QDateTime m_updatedAt;
    QMap<QString, Entry> m_entries;
};

struct DeploymentState::ReadResult
{
    DeploymentState state;
    Diagnostics diagnostics; // line/column set where the place is known
    bool existed = false;    // false: there was no file, and the state is empty

    bool hasErrors() const { return errorCount(diagnostics) > 0; }
};

} // namespace fanout
