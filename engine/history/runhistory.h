#pragma once

#include "engine/plan/plan.h"
#include "engine/run/runevent.h"
#include "engine/support/expected.h"

#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

class Journal;

// Every run and destroy, kept in a SQLite database (Qt SQL) so that later runs can learn from
// them and the dashboard can replay them: the run (plan, when, parallelism, outcome, makespan, its
// report), each of its attempts (resource, type, source type, definition hash, times, outcome,
// error), the plan it ran (once per plan: PlanSnapshot) and its journal's events, log lines up to a
// cap. See docs/history.md.
//
// The schema has a version (SQLite's user_version) and migrations up to kSchemaVersion. The
// database is in WAL mode with a busy timeout, so that two fanout processes recording at once both
// succeed. Every failure (cannot create the folder, not a database, read-only, full) comes back as
// an error for one warning: a run never fails because its history could not be kept.
class RunHistory
{
public:
    static constexpr int kSchemaVersion = 3;
    static constexpr int kBusyTimeoutMs = 10'000;

    // $FANOUT_HISTORY when set, else $XDG_DATA_HOME/fanout/history.sqlite
    // (~/.local/share/fanout/history.sqlite).
    static QString defaultPath();

    explicit RunHistory(QString path);
    ~RunHistory();
    RunHistory(const RunHistory &) = delete;
    RunHistory &operator=(const RunHistory &) = delete;

    QString path() const { return m_path; }
    // Opens (creating the file and its folder if need be) and migrates the schema.
    Expected<void> open();

    struct Run
    {
        qint64 id = 0;
        QString command;   // "run" or "destroy"
        QString planName;
        QString planFile;
        QString planHash;  // "sha256:<hex>" of every resource's id and definition hash
        QString startedAt; // ISO 8601, UTC
        int parallelism = 0;
        QString outcome;   // "succeeded", "failed", "cancelled"
        qint64 makespanMs = 0;
        int resources = 0;
        int attempts = 0;
        int logLineCap = -1; // the most log lines kept of it; -1: recorded before log lines were kept
    };
    static constexpr int kDefaultLogLineCap = 10'000;

    // Records a run from its report (RunReport::toJson), the plan it ran and its journal's events;
    // its id. Every event but log lines is kept; log lines up to `logLineCap`, the rest counted.
    Expected<qint64> record(const QString &command, const nlohmann::ordered_json &report, const Plan &plan,
                            const QList<RunEvent> &events = {}, int logLineCap = kDefaultLogLineCap);
    // What record() keeps of a run's journal: every event but log lines, and the first
    // `logLineCap` log lines; the others only counted. excerpt() reads only the text of the lines
    // it keeps, so that the dashboard can take it on its own thread and record it on another.
    struct JournalExcerpt
    {
        QList<RunEvent> events;
        qint64 logLinesDropped = 0;
        int logLineCap = kDefaultLogLineCap;
    };
    static JournalExcerpt excerpt(const Journal &journal, int logLineCap = kDefaultLogLineCap);
    static JournalExcerpt excerpt(const QList<RunEvent> &events, int logLineCap = kDefaultLogLineCap);
    Expected<qint64> record(const QString &command, const nlohmann::ordered_json &report, const Plan &plan, const JournalExcerpt &excerpt);

    // The runs recorded, newest first; of the plan named `planName` only, unless it is empty.
    Expected<QList<Run>> runs(const QString &planName = QString(), int limit = 20);
    // One run; nothing when the history has no run `id`.
    Expected<std::optional<Run>> findRun(qint64 id);

    // One recorded run, whole: what `fanout history show` prints and the dashboard replays.
    struct RecordedRun
    {
        Run run;
        Plan plan;                      // the plan as it was run (the teardown plan, for a destroy)
        nlohmann::ordered_json report;  // what `fanout run --report` wrote for it (RunReport::toJson)
        QList<RunEvent> events;         // its journal, in order; `resource` indexes `plan`
        qint64 logLinesDropped = 0;     // log lines beyond the cap: counted, not kept
    };
    // A run recorded by an older Fanout (schema version 1) comes back with what it has: no plan, no
    // report (null), no events. An id the history does not have is an error ("no run #7").
    Expected<RecordedRun> recordedRun(qint64 id);

    // The Qt SQL connection's name, for readers elsewhere in the engine (LearnedEstimates); the
    // history must be open().
    QString connectionName() const { return m_connection; }

    // "sha256:<hex>" of the plan's resources: their ids and definition hashes, in plan order.
    static QString planHash(const Plan &plan);

private:
    Expected<qint64> recordOnce(const QString &command, const nlohmann::ordered_json &report, const Plan &plan,
                                const JournalExcerpt &excerpt);
    Expected<QString> recordPlan(const Plan &plan); // the snapshot's hash, for runs.plan_snapshot
    Expected<void> recordAttempts(qint64 run, const nlohmann::ordered_json &report, const Plan &plan);
    Expected<void> recordEvents(qint64 run, const Plan &plan, const JournalExcerpt &excerpt);
    Expected<QList<RunEvent>> readEvents(qint64 run, const Plan &plan);
    Expected<void> migrate();
    Expected<void> exec(const QString &statement);
    void rollback();

    QString m_path;
    QString m_connection; // the Qt SQL connection's name, one per instance
    bool m_open = false;
};

} // namespace fanout
