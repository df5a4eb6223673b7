#include "engine/history/runhistory.h"

#include "engine/history/plansnapshot.h"
#include "engine/plan/plan.h"
#include "engine/run/journal.h"
#include "engine/state/deploymentstate.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QVariant>

namespace fanout {

namespace {

// Each step takes the schema from its index to the next version; user_version says how far a
// database has come. Never edit a step that was released: add one.
const QStringList &migrations()
{
    static const QStringList steps = {
        // 0 -> 1: runs and their attempts.
        QStringLiteral("CREATE TABLE runs ("
                       " id INTEGER PRIMARY KEY,"
                       " command TEXT NOT NULL,"
                       " plan_name TEXT NOT NULL,"
                       " plan_file TEXT NOT NULL,"
                       " plan_hash TEXT NOT NULL,"
                       " started_at TEXT NOT NULL,"
                       " parallelism INTEGER NOT NULL,"
                       " options TEXT NOT NULL,"
                       " outcome TEXT NOT NULL,"
                       " makespan_ms INTEGER NOT NULL,"
                       " resources INTEGER NOT NULL,"
                       " fanout_version TEXT NOT NULL);"
                       "CREATE INDEX runs_by_plan ON runs (plan_name, id);"
                       "CREATE TABLE attempts ("
                       " run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
                       " resource_id TEXT NOT NULL,"
                       " type TEXT NOT NULL,"
                       " source_type TEXT,"
                       " definition_hash TEXT NOT NULL,"
                       " number INTEGER NOT NULL,"
                       " ready_ms INTEGER NOT NULL,"
                       " start_ms INTEGER NOT NULL,"
                       " end_ms INTEGER,"
                       " outcome TEXT NOT NULL,"
                       " error TEXT);"
                       "CREATE INDEX attempts_by_definition ON attempts (definition_hash, outcome);"
                       "CREATE INDEX attempts_by_resource ON attempts (resource_id);"
                       "CREATE INDEX attempts_by_type ON attempts (type, source_type);"),
        // 1 -> 2: the plan each run ran (once per snapshot), its report, and its journal's events.
        QStringLiteral("CREATE TABLE plans ("
                       " hash TEXT PRIMARY KEY,"
                       " snapshot BLOB NOT NULL);"
                       "ALTER TABLE runs ADD COLUMN plan_snapshot TEXT REFERENCES plans (hash);"
                       "ALTER TABLE runs ADD COLUMN report BLOB;"
                       "ALTER TABLE runs ADD COLUMN log_line_cap INTEGER;"
                       "ALTER TABLE runs ADD COLUMN log_lines_dropped INTEGER NOT NULL DEFAULT 0;"
                       "CREATE TABLE events ("
                       " run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
                       " seq INTEGER NOT NULL,"
                       " time_ms INTEGER NOT NULL,"
                       " kind TEXT NOT NULL,"
                       " state TEXT,"
                       " level TEXT,"
                       " resource_id TEXT,"
                       " attempt INTEGER NOT NULL,"
                       " number INTEGER NOT NULL,"
                       " text TEXT NOT NULL,"
                       " PRIMARY KEY (run_id, seq));"),
        // 2 -> 3: listing runs counts each run's attempts; without this index that read every
        // attempt of the history once per run (minutes for 1,000 runs of 500 resources).
        QStringLiteral("CREATE INDEX attempts_by_run ON attempts (run_id);"),
    };
    return steps;
}

QString describeSqlError(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.trimmed().isEmpty() ? QStringLiteral("unknown SQLite error") : text.trimmed();
}

QString sourceType(const Resource &resource)
{
    if (!resource.source.is_object())
        return QString();
    const auto type = resource.source.find("type");
    return type != resource.source.end() && type->is_string() ? QString::fromStdString(type->get<std::string>()) : QString();
}

QVariant sqlText(const nlohmann::ordered_json &value)
{
    return value.is_string() ? QVariant(QString::fromStdString(value.get<std::string>())) : QVariant(QMetaType(QMetaType::QString));
}

QVariant sqlNumber(const nlohmann::ordered_json &value)
{
    return value.is_number() ? QVariant(value.get<qint64>()) : QVariant(QMetaType(QMetaType::LongLong));
}

// What the events table calls each kind of event: names, not numbers, so that reordering the enum
// never changes what a recorded event means.
const QList<std::pair<RunEvent::Kind, QString>> &kindNames()
{
    static const QList<std::pair<RunEvent::Kind, QString>> names = {
        {RunEvent::Kind::RunStarted, QStringLiteral("run-started")},
        {RunEvent::Kind::RunResumed, QStringLiteral("run-resumed")},
        {RunEvent::Kind::CancelRequested, QStringLiteral("cancel-requested")},
        {RunEvent::Kind::StateChanged, QStringLiteral("state")},
        {RunEvent::Kind::Log, QStringLiteral("log")},
        {RunEvent::Kind::ParallelismChanged, QStringLiteral("parallelism")},
        {RunEvent::Kind::RunFinished, QStringLiteral("run-finished")},
    };
    return names;
}

QString kindName(RunEvent::Kind kind)
{
    for (const auto &[k, name] : kindNames()) {
        if (k == kind)
            return name;
    }
    return QString();
}

std::optional<RunEvent::Kind> kindNamed(const QString &name)
{
    for (const auto &[k, n] : kindNames()) {
        if (n == name)
            return k;
    }
    return std::nullopt;
}

ResourceState stateNamed(const QString &name)
{
    for (int s = 0; s < kResourceStateCount; ++s) {
        if (stateName(ResourceState(s)) == name)
            return ResourceState(s);
    }
    return ResourceState::Pending;
}

LogLevel levelNamed(const QString &name)
{
    for (const LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
        if (levelName(level) == name)
            return level;
    }
    return LogLevel::Info;
}

QByteArray compressed(const nlohmann::ordered_json &value)
{
    return qCompress(QByteArray::fromStdString(value.dump()));
}

// What compressed() kept; null when it is not there, an error when it cannot be read.
Expected<nlohmann::ordered_json> uncompressed(const QVariant &blob, const QString &what)
{
    if (blob.isNull())
        return nlohmann::ordered_json();
    const QByteArray bytes = qUncompress(blob.toByteArray());
    try {
        return nlohmann::ordered_json::parse(bytes.constBegin(), bytes.constEnd());
    } catch (const nlohmann::json::exception &) {
        return unexpected(QStringLiteral("%1 is damaged (not compressed JSON)").arg(what));
    }
}

const QString kRunColumns = QStringLiteral("r.id, r.command, r.plan_name, r.plan_file, r.plan_hash, r.started_at, r.parallelism, r.outcome,"
                                           " r.makespan_ms, r.resources, (SELECT COUNT(*) FROM attempts a WHERE a.run_id = r.id),"
                                           " r.log_line_cap");

// A run from a query that selected kRunColumns first.
RunHistory::Run runOf(const QSqlQuery &query)
{
    RunHistory::Run run;
    run.id = query.value(0).toLongLong();
    run.command = query.value(1).toString();
    run.planName = query.value(2).toString();
    run.planFile = query.value(3).toString();
    run.planHash = query.value(4).toString();
    run.startedAt = query.value(5).toString();
    run.parallelism = query.value(6).toInt();
    run.outcome = query.value(7).toString();
    run.makespanMs = query.value(8).toLongLong();
    run.resources = query.value(9).toInt();
    run.attempts = query.value(10).toInt();
    run.logLineCap = query.value(11).isNull() ? -1 : query.value(11).toInt();
    return run;
}

} // namespace

QString RunHistory::defaultPath()
{
    if (const QString set = qEnvironmentVariable("FANOUT_HISTORY"); !set.isEmpty())
        return set;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fanout/history.sqlite");
}

RunHistory::RunHistory(QString path)
    : m_path(std::move(path))
{
    static QAtomicInteger<quint64> instances;
    m_connection = QStringLiteral("fanout-history-%1").arg(instances.fetchAndAddRelaxed(1));
}

RunHistory::~RunHistory()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

Expected<void> RunHistory::exec(const QString &statement)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(statement))
        return unexpected(describeSqlError(query.lastError()));
    return {};
}

void RunHistory::rollback()
{
    // Nothing may be left to undo (SQLite ends a transaction itself on some errors): no matter.
    (void)exec(QStringLiteral("ROLLBACK"));
}

Expected<void> RunHistory::open()
{
    if (m_open)
        return {};
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return unexpected(QStringLiteral("Qt's SQLite driver is not installed (the libqt6sql6-sqlite package)"));
    const QFileInfo file(m_path);
    if (!QDir().mkpath(file.absolutePath()))
        return unexpected(QStringLiteral("cannot create the folder %1").arg(file.absolutePath()));
    QSqlDatabase db = QSqlDatabase::contains(m_connection) ? QSqlDatabase::database(m_connection, false)
                                                            : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.isOpen() && !db.open())
        return unexpected(describeSqlError(db.lastError()));
    // A file that is not a database opens; the first statement says so.
    for (const QString &pragma : {QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("PRAGMA foreign_keys = ON"),
                                  QStringLiteral("PRAGMA synchronous = NORMAL")}) {
        if (const Expected<void> done = exec(pragma); !done)
            return done;
    }
    if (const Expected<void> migrated = migrate(); !migrated)
        return migrated;
    m_open = true;
    return {};
}

Expected<void> RunHistory::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery version(db);
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next())
        return unexpected(describeSqlError(version.lastError()));
    int at = version.value(0).toInt();
    version.finish();
    if (at > kSchemaVersion)
        return unexpected(QStringLiteral("it was written by a newer Fanout (schema version %1; this one knows %2)").arg(at).arg(kSchemaVersion));
    while (at < kSchemaVersion) {
        // One transaction a step, BEGIN IMMEDIATE so that two processes migrating at once take turns.
        if (const Expected<void> begun = exec(QStringLiteral("BEGIN IMMEDIATE")); !begun)
            return begun;
        // Another process may have migrated while this one waited.
        QSqlQuery again(db);
        if (!again.exec(QStringLiteral("PRAGMA user_version")) || !again.next()) {
            rollback();
            return unexpected(describeSqlError(again.lastError()));
        }
        at = again.value(0).toInt();
        again.finish();
        if (at >= kSchemaVersion)
            return exec(QStringLiteral("COMMIT"));
        for (const QString &statement : migrations()[at].split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            if (const Expected<void> done = exec(statement); !done) {
                rollback();
                return done;
            }
        }
        if (const Expected<void> done = exec(QStringLiteral("PRAGMA user_version = %1").arg(at + 1)); !done) {
            rollback();
            return done;
        }
        if (const Expected<void> done = exec(QStringLiteral("COMMIT")); !done)
            return done;
        ++at;
    }
    return {};
}

QString RunHistory::planHash(const Plan &plan)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const Resource &resource : plan.resources) {
        hash.addData(resource.id.toUtf8());
        hash.addData(QByteArrayView("\n", 1));
        hash.addData(DeploymentState::definitionHash(resource).toUtf8());
        hash.addData(QByteArrayView("\n", 1));
    }
    return QStringLiteral("sha256:") + QString::fromLatin1(hash.result().toHex());
}

RunHistory::JournalExcerpt RunHistory::excerpt(const Journal &journal, int logLineCap)
{
    JournalExcerpt kept;
    kept.logLineCap = std::max(logLineCap, 0);
    qint64 logLines = 0;
    for (std::size_t i = 0; i < journal.size(); ++i) {
        if (journal.entry(i).kind == RunEvent::Kind::Log && ++logLines > kept.logLineCap) {
            ++kept.logLinesDropped; // its text is never read
            continue;
        }
        kept.events.append(journal[i]);
    }
    return kept;
}

RunHistory::JournalExcerpt RunHistory::excerpt(const QList<RunEvent> &events, int logLineCap)
{
    JournalExcerpt kept;
    kept.logLineCap = std::max(logLineCap, 0);
    qint64 logLines = 0;
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events[i].kind == RunEvent::Kind::Log && ++logLines > kept.logLineCap) {
            ++kept.logLinesDropped;
            continue;
        }
        kept.events.append(events[i]);
        if (kept.events.last().sequence < 0)
            kept.events.last().sequence = i;
    }
    return kept;
}

Expected<qint64> RunHistory::record(const QString &command, const nlohmann::ordered_json &report, const Plan &plan,
                                    const QList<RunEvent> &events, int logLineCap)
{
    return record(command, report, plan, excerpt(events, logLineCap));
}

Expected<qint64> RunHistory::record(const QString &command, const nlohmann::ordered_json &report, const Plan &plan,
                                    const JournalExcerpt &excerpt)
{
    // SQLite's busy timeout does not cover every wait: a database being switched to WAL by another
    // process, or its WAL index being set up, answers "database is locked" at once. Such a
    // record is tried again, for as long as the busy timeout, and only then is it a warning.
    QElapsedTimer clock;
    clock.start();
    for (int tries = 1;; ++tries) {
        Expected<qint64> recorded = recordOnce(command, report, plan, excerpt);
        if (recorded || clock.elapsed() > kBusyTimeoutMs
            || !(recorded.error().contains(QLatin1String("locked")) || recorded.error().contains(QLatin1String("busy"))))
            return recorded;
        QThread::msleep(10 + 15 * std::min(tries, 6));
    }
}

Expected<qint64> RunHistory::recordOnce(const QString &command, const nlohmann::ordered_json &report, const Plan &plan,
                                        const JournalExcerpt &excerpt)
{
    if (const Expected<void> opened = open(); !opened)
        return unexpected(opened.error());
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (const Expected<void> begun = exec(QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return unexpected(begun.error());
    const auto fail = [&](const QString &why) {
        rollback();
        return unexpected(why);
    };
    const Expected<QString> snapshot = recordPlan(plan);
    if (!snapshot)
        return fail(snapshot.error());
    const nlohmann::ordered_json settings = report.value("settings", nlohmann::ordered_json::object());
    nlohmann::ordered_json options = nlohmann::ordered_json::object();
    options["fail_fast"] = settings.value("fail_fast", false);
    if (settings.contains("seed"))
        options["seed"] = settings["seed"];
    QSqlQuery run(db);
    run.prepare(QStringLiteral("INSERT INTO runs (command, plan_name, plan_file, plan_hash, started_at, parallelism, options, outcome,"
                               " makespan_ms, resources, fanout_version, plan_snapshot, report, log_line_cap, log_lines_dropped)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const nlohmann::ordered_json planJson = report.value("plan", nlohmann::ordered_json::object());
    run.addBindValue(command);
    run.addBindValue(plan.name);
    run.addBindValue(sqlText(planJson.value("file", nlohmann::ordered_json())).toString());
    run.addBindValue(planHash(plan));
    run.addBindValue(sqlText(report.value("started_at", nlohmann::ordered_json())).toString());
    run.addBindValue(settings.value("parallelism", 0));
    run.addBindValue(QString::fromStdString(options.dump()));
    run.addBindValue(sqlText(report.value("outcome", nlohmann::ordered_json())).toString());
    run.addBindValue(sqlNumber(report.value("duration_ms", nlohmann::ordered_json())).toLongLong());
    run.addBindValue(int(plan.resources.size()));
    run.addBindValue(sqlText(report.value("fanout_version", nlohmann::ordered_json())).toString());
    run.addBindValue(*snapshot);
    run.addBindValue(compressed(report));
    run.addBindValue(excerpt.logLineCap);
    run.addBindValue(excerpt.logLinesDropped);
    if (!run.exec())
        return fail(describeSqlError(run.lastError()));
    const qint64 id = run.lastInsertId().toLongLong();
    if (const Expected<void> done = recordAttempts(id, report, plan); !done)
        return fail(done.error());
    if (const Expected<void> done = recordEvents(id, plan, excerpt); !done)
        return fail(done.error());
    if (const Expected<void> done = exec(QStringLiteral("COMMIT")); !done)
        return fail(done.error());
    return id;
}

Expected<QString> RunHistory::recordPlan(const Plan &plan)
{
    // Runs of the same plan share its snapshot: keyed by the hash of what is kept.
    const QByteArray snapshot = QByteArray::fromStdString(PlanSnapshot::toJson(plan).dump());
    const QString hash = QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(snapshot, QCryptographicHash::Sha256).toHex());
    QSqlQuery insert(QSqlDatabase::database(m_connection, false));
    insert.prepare(QStringLiteral("INSERT OR IGNORE INTO plans (hash, snapshot) VALUES (?, ?)"));
    insert.addBindValue(hash);
    insert.addBindValue(qCompress(snapshot));
    if (!insert.exec())
        return unexpected(describeSqlError(insert.lastError()));
    return hash;
}

Expected<void> RunHistory::recordAttempts(qint64 run, const nlohmann::ordered_json &report, const Plan &plan)
{
    QHash<QString, int> indexOf;
    indexOf.reserve(plan.resources.size());
    for (int r = 0; r < plan.resources.size(); ++r)
        indexOf.insert(plan.resources[r].id, r);
    QSqlQuery attempt(QSqlDatabase::database(m_connection, false));
    attempt.prepare(QStringLiteral("INSERT INTO attempts (run_id, resource_id, type, source_type, definition_hash, number, ready_ms,"
                                   " start_ms, end_ms, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const nlohmann::ordered_json &resource : report.value("resources", nlohmann::ordered_json::array())) {
        const QString resourceId = sqlText(resource.value("id", nlohmann::ordered_json())).toString();
        const int index = indexOf.value(resourceId, -1);
        if (index < 0)
            continue;
        const Resource &planned = plan.resources[index];
        const QString definition = DeploymentState::definitionHash(planned);
        const QString source = sourceType(planned);
        for (const nlohmann::ordered_json &a : resource.value("attempts", nlohmann::ordered_json::array())) {
            attempt.addBindValue(run);
            attempt.addBindValue(resourceId);
            attempt.addBindValue(planned.type);
            attempt.addBindValue(source.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(source));
            attempt.addBindValue(definition);
            attempt.addBindValue(a.value("number", 0));
            attempt.addBindValue(sqlNumber(a.value("ready_ms", nlohmann::ordered_json())).toLongLong());
            attempt.addBindValue(sqlNumber(a.value("start_ms", nlohmann::ordered_json())).toLongLong());
            attempt.addBindValue(sqlNumber(a.value("end_ms", nlohmann::ordered_json())));
            attempt.addBindValue(sqlText(a.value("outcome", nlohmann::ordered_json())).toString());
            attempt.addBindValue(sqlText(a.value("error", nlohmann::ordered_json())));
            if (!attempt.exec())
                return unexpected(describeSqlError(attempt.lastError()));
        }
    }
    return {};
}

Expected<void> RunHistory::recordEvents(qint64 run, const Plan &plan, const JournalExcerpt &excerpt)
{
    // One prepared statement for every event, in the run's one transaction.
    QSqlQuery insert(QSqlDatabase::database(m_connection, false));
    insert.prepare(QStringLiteral("INSERT INTO events (run_id, seq, time_ms, kind, state, level, resource_id, attempt, number, text)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const QVariant none{QMetaType(QMetaType::QString)}; // a NULL of the text column
    for (qsizetype i = 0; i < excerpt.events.size(); ++i) {
        const RunEvent &event = excerpt.events[i];
        const bool hasResource = event.resource >= 0 && event.resource < plan.resources.size();
        insert.bindValue(0, run);
        insert.bindValue(1, event.sequence >= 0 ? event.sequence : qint64(i));
        insert.bindValue(2, event.timeMs);
        insert.bindValue(3, kindName(event.kind));
        insert.bindValue(4, event.kind == RunEvent::Kind::StateChanged ? QVariant(stateName(event.state)) : none);
        insert.bindValue(5, event.kind == RunEvent::Kind::Log ? QVariant(levelName(event.level)) : none);
        insert.bindValue(6, hasResource ? QVariant(plan.resources[event.resource].id) : none);
        insert.bindValue(7, event.attempt);
        insert.bindValue(8, event.number);
        insert.bindValue(9, event.text.isNull() ? QString(QLatin1String("")) : event.text);
        if (!insert.exec())
            return unexpected(describeSqlError(insert.lastError()));
    }
    return {};
}

Expected<QList<RunHistory::Run>> RunHistory::runs(const QString &planName, int limit)
{
    if (const Expected<void> opened = open(); !opened)
        return unexpected(opened.error());
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM runs r%2 ORDER BY r.id DESC LIMIT ?")
                      .arg(kRunColumns, planName.isEmpty() ? QString() : QStringLiteral(" WHERE r.plan_name = ?")));
    if (!planName.isEmpty())
        query.addBindValue(planName);
    query.addBindValue(std::max(limit, 0));
    if (!query.exec())
        return unexpected(describeSqlError(query.lastError()));
    QList<Run> found;
    while (query.next())
        found.append(runOf(query));
    return found;
}

Expected<std::optional<RunHistory::Run>> RunHistory::findRun(qint64 id)
{
    if (const Expected<void> opened = open(); !opened)
        return unexpected(opened.error());
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM runs r WHERE r.id = ?").arg(kRunColumns));
    query.addBindValue(id);
    if (!query.exec())
        return unexpected(describeSqlError(query.lastError()));
    if (!query.next())
        return std::optional<Run>();
    return std::optional<Run>(runOf(query));
}

Expected<RunHistory::RecordedRun> RunHistory::recordedRun(qint64 id)
{
    const Expected<std::optional<Run>> found = findRun(id);
    if (!found)
        return unexpected(found.error());
    if (!*found)
        return unexpected(QStringLiteral("there is no run #%1 in it").arg(id));
    RecordedRun recorded;
    recorded.run = **found;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT p.snapshot, r.report, r.log_lines_dropped FROM runs r LEFT JOIN plans p ON p.hash = r.plan_snapshot"
                                 " WHERE r.id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return unexpected(describeSqlError(query.lastError()));
    const Expected<nlohmann::ordered_json> snapshot = uncompressed(query.value(0), QStringLiteral("the plan of run #%1").arg(id));
    if (!snapshot)
        return unexpected(snapshot.error());
    const Expected<nlohmann::ordered_json> report = uncompressed(query.value(1), QStringLiteral("the report of run #%1").arg(id));
    if (!report)
        return unexpected(report.error());
    recorded.plan = PlanSnapshot::fromJson(*snapshot);
    recorded.report = *report;
    recorded.logLinesDropped = query.value(2).toLongLong();
    query.finish();
    Expected<QList<RunEvent>> events = readEvents(id, recorded.plan);
    if (!events)
        return unexpected(events.error());
    recorded.events = std::move(*events);
    return recorded;
}

Expected<QList<RunEvent>> RunHistory::readEvents(qint64 run, const Plan &plan)
{
    QHash<QString, int> indexOf;
    indexOf.reserve(plan.resources.size());
    for (int r = 0; r < plan.resources.size(); ++r)
        indexOf.insert(plan.resources[r].id, r);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT seq, time_ms, kind, state, level, resource_id, attempt, number, text FROM events"
                                 " WHERE run_id = ? ORDER BY seq"));
    query.addBindValue(run);
    if (!query.exec())
        return unexpected(describeSqlError(query.lastError()));
    QList<RunEvent> events;
    while (query.next()) {
        const std::optional<RunEvent::Kind> kind = kindNamed(query.value(2).toString());
        if (!kind)
            continue; // a kind of event a newer Fanout knows
        RunEvent event;
        event.sequence = query.value(0).toLongLong();
        event.timeMs = query.value(1).toLongLong();
        event.kind = *kind;
        if (!query.value(3).isNull())
            event.state = stateNamed(query.value(3).toString());
        if (!query.value(4).isNull())
            event.level = levelNamed(query.value(4).toString());
        event.resource = query.value(5).isNull() ? -1 : indexOf.value(query.value(5).toString(), -1);
        event.attempt = query.value(6).toInt();
        event.number = query.value(7).toInt();
        event.text = query.value(8).toString();
        events.append(event);
    }
    return events;
}

} // namespace fanout
