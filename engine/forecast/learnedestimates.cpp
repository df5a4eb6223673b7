#include "engine/forecast/learnedestimates.h"

#include "engine/executors/executorregistry.h"
#include "engine/executors/simexecutor.h"
#include "engine/history/runhistory.h"
#include "engine/plan/plan.h"
#include "engine/state/deploymentstate.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>

namespace fanout {

namespace {

// One successful attempt, and where it comes in time.
struct Success
{
    qint64 run = 0;
    qint64 startMs = 0;
    int number = 0;
    qint64 ms = 0;
    bool operator>(const Success &other) const
    {
        return std::tie(run, startMs, number) > std::tie(other.run, other.startMs, other.number);
    }
};

// What the history holds for one key at one level (a definition hash, a resource id, a type).
struct Observed
{
    std::vector<Success> successes; // as read
    std::vector<qint64> newestMs;   // their durations, newest first, at most kMaxSamples
    int succeeded = 0;
    int failed = 0; // failed or timed out; cancelled attempts say nothing about the resource
};
using Observations = QHash<QString, Observed>;

// One level of the search: which attempts it asks about (`column` IN the values asked), what
// else they must match, and what their observations are grouped by.
struct Level
{
    QString column;      // an SQL expression over `a` (attempts) and `r` (runs), in the IN list
    QString key;         // what observations are grouped by (the column, or more)
    QString condition;   // more SQL for the WHERE clause, may be empty
    QVariantList values; // bound to the condition's placeholders
};

// Values go to SQLite in IN lists of at most this many (SQLite's old limit on bound values is 999).
constexpr int kKeysPerQuery = 500;

QString sqlError(const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.trimmed().isEmpty() ? QStringLiteral("unknown SQLite error") : text.trimmed();
}

QString placeholders(qsizetype count)
{
    QString text;
    text.reserve(count * 2);
    for (qsizetype i = 0; i < count; ++i)
        text += i == 0 ? QStringLiteral("?") : QStringLiteral(",?");
    return text;
}

Expected<void> execute(QSqlQuery &query, const QString &sql, const Level &level, const QStringList &asked)
{
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return unexpected(sqlError(query));
    for (const QString &value : asked)
        query.addBindValue(value);
    for (const QVariant &value : level.values)
        query.addBindValue(value);
    if (!query.exec())
        return unexpected(sqlError(query));
    return {};
}

// One query per batch of values asked, no sorting or grouping in SQLite: every attempt of the
// level's keys comes back as it is found through the index on the level's column, and is counted
// and kept here. (Sorting by key in SQL, with a window function for the newest, took several times
// as long.) CROSS JOIN keeps SQLite's planner from scanning every attempt of every run: the
// attempts are found first, then each one's run by its id.
Expected<void> readBatch(const QSqlDatabase &db, const Level &level, const QStringList &values, Observations &found)
{
    QSqlQuery query(db);
    const QString sql = QStringLiteral("SELECT %1, a.outcome, MAX(0, a.end_ms - a.start_ms), a.end_ms IS NULL, a.run_id, a.start_ms, a.number"
                                       " FROM attempts a CROSS JOIN runs r ON r.id = a.run_id"
                                       " WHERE r.command = 'run' AND %2 IN (%3)%4")
                            .arg(level.key, level.column, placeholders(values.size()),
                                 level.condition.isEmpty() ? QString() : QStringLiteral(" AND ") + level.condition);
    if (const Expected<void> done = execute(query, sql, level, values); !done)
        return done;
    const QString succeeded = QStringLiteral("succeeded");
    while (query.next()) {
        Observed &observed = found[query.value(0).toString()];
        const QString outcome = query.value(1).toString();
        if (outcome == succeeded) {
            ++observed.succeeded;
            if (!query.value(3).toBool())
                observed.successes.push_back({query.value(4).toLongLong(), query.value(5).toLongLong(), query.value(6).toInt(),
                                              query.value(2).toLongLong()});
        } else if (outcome == QLatin1String("failed") || outcome == QLatin1String("timed-out")) {
            ++observed.failed;
        }
    }
    return {};
}

Expected<Observations> read(const QSqlDatabase &db, const Level &level, QStringList values)
{
    values.removeDuplicates();
    Observations found;
    for (qsizetype at = 0; at < values.size(); at += kKeysPerQuery) {
        if (const Expected<void> done = readBatch(db, level, values.mid(at, kKeysPerQuery), found); !done)
            return unexpected(done.error());
    }
    for (Observed &observed : found) {
        std::vector<Success> &all = observed.successes;
        const auto kept = all.begin() + std::min<std::ptrdiff_t>(Estimate::kMaxSamples, std::ssize(all));
        std::partial_sort(all.begin(), kept, all.end(), std::greater<Success>());
        for (auto it = all.begin(); it != kept; ++it)
            observed.newestMs.push_back(it->ms);
        all = {};
    }
    return found;
}

// The p-th percentile (0..1) of sorted values, interpolated between neighbours.
qint64 percentile(const std::vector<qint64> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const double at = p * double(sorted.size() - 1);
    const auto below = size_t(std::floor(at));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    return qint64(std::llround(double(sorted[below]) + (at - double(below)) * double(sorted[above] - sorted[below])));
}

// Takes what was observed for the estimate, when it holds any successful attempt.
bool apply(const Observations &observations, const QString &key, Estimate::Source source, Estimate &estimate)
{
    const auto it = observations.constFind(key);
    if (it == observations.cend() || it->newestMs.empty())
        return false;
    std::vector<qint64> sorted = it->newestMs;
    std::sort(sorted.begin(), sorted.end());
    estimate.source = source;
    estimate.ms = percentile(sorted, 0.5);
    estimate.lowMs = percentile(sorted, 0.1);
    estimate.highMs = percentile(sorted, 0.9);
    estimate.samples = it->succeeded;
    estimate.observedMs = it->newestMs;
    const int attempts = it->succeeded + it->failed;
    estimate.failureOdds = attempts > 0 ? double(it->failed) / double(attempts) : 0.0;
    estimate.sourceKey = source == Estimate::Source::Type ? key : QString();
    return true;
}

// The type whose history a resource shares: an imported resource's source type (aws_db_instance),
// else its executor type. RunHistory records the source type the same way.
QString typeKey(const Resource &resource)
{
    if (resource.source.is_object()) {
        const auto type = resource.source.find("type");
        if (type != resource.source.end() && type->is_string() && !type->get<std::string>().empty())
            return QString::fromStdString(type->get<std::string>());
    }
    return resource.type;
}

} // namespace

std::vector<Estimate> LearnedEstimates::withoutHistory(const Plan &plan, const ExecutorRegistry &registry)
{
    std::vector<Estimate> estimates(plan.resources.size());
    for (qsizetype r = 0; r < plan.resources.size(); ++r) {
        const Resource &resource = plan.resources[r];
        Estimate &estimate = estimates[size_t(r)];
        estimate.source = resource.estimateMs ? Estimate::Source::Plan : Estimate::Source::Executor;
        estimate.ms = registry.estimateMs(resource);
        estimate.lowMs = estimate.highMs = estimate.ms;
        if (resource.type == QLatin1String("sim")) {
            const SimExecutor::Spec spec = SimExecutor::readSpec(resource.params, QString(), nullptr);
            estimate.lowMs = std::min(spec.minDurationMs, spec.maxDurationMs);
            estimate.highMs = std::max(spec.minDurationMs, spec.maxDurationMs);
            // A sim says how it fails: its first N attempts (N failed per success), else at a rate.
            estimate.failureOdds = spec.failAttempts > 0 ? double(spec.failAttempts) / double(spec.failAttempts + 1)
                                                         : std::clamp(spec.failureRate, 0.0, 1.0);
        }
    }
    return estimates;
}

Expected<std::vector<Estimate>> LearnedEstimates::learn(RunHistory *history, const Plan &plan, const ExecutorRegistry &registry)
{
    std::vector<Estimate> estimates = withoutHistory(plan, registry);
    if (!history)
        return estimates;
    if (const Expected<void> opened = history->open(); !opened)
        return unexpected(opened.error());
    const QSqlDatabase db = QSqlDatabase::database(history->connectionName(), false);

    // Each level asks only about the resources that the levels before it left without a figure:
    // `valueOf` is what a resource asks for (in the IN list), `keyOf` what its observations are
    // grouped by (the level's key).
    const auto n = size_t(plan.resources.size());
    const QStringList definitions = DeploymentState::definitionHashes(plan);
    std::vector<bool> learned(n, false);
    using Part = std::function<QString(size_t)>;
    const auto learnLevel = [&](const Level &level, Estimate::Source source, const Part &valueOf, const Part &keyOf) -> Expected<void> {
        QStringList values;
        for (size_t r = 0; r < n; ++r) {
            if (!learned[r])
                values.append(valueOf(r));
        }
        if (values.isEmpty())
            return {};
        const Expected<Observations> observations = read(db, level, values);
        if (!observations)
            return unexpected(observations.error());
        for (size_t r = 0; r < n; ++r) {
            if (!learned[r])
                learned[r] = apply(*observations, keyOf(r), source, estimates[r]);
        }
        return {};
    };
    const Part definitionOf = [&](size_t r) { return definitions[qsizetype(r)]; };
    const Part ownDefinitionOf = [&](size_t r) { return definitions[qsizetype(r)] + QLatin1Char(' ') + plan.resources[qsizetype(r)].id; };
    const Part idOf = [&](size_t r) { return plan.resources[qsizetype(r)].id; };
    const Part typeOf = [&](size_t r) { return typeKey(plan.resources[qsizetype(r)]); };
    // Its own attempts (the same id, which a definition hash leaves out) of the same definition;
    // of the same id, within the plan (elsewhere an id may name something else); of the same type.
    const Level ownDefinition{QStringLiteral("a.definition_hash"), QStringLiteral("a.definition_hash || ' ' || a.resource_id"), QString(), {}};
    const Level sameId{QStringLiteral("a.resource_id"), QStringLiteral("a.resource_id"), QStringLiteral("r.plan_name = ?"), {plan.name}};
    const QString type = QStringLiteral("COALESCE(a.source_type, a.type)");
    const Level sameType{type, type, QString(), {}};
    if (const Expected<void> done = learnLevel(ownDefinition, Estimate::Source::Definition, definitionOf, ownDefinitionOf); !done)
        return unexpected(done.error());
    if (const Expected<void> done = learnLevel(sameId, Estimate::Source::Resource, idOf, idOf); !done)
        return unexpected(done.error());
    if (const Expected<void> done = learnLevel(sameType, Estimate::Source::Type, typeOf, typeOf); !done)
        return unexpected(done.error());
    return estimates;
}

std::vector<qint64> LearnedEstimates::durations(const std::vector<Estimate> &estimates)
{
    std::vector<qint64> ms;
    ms.reserve(estimates.size());
    for (const Estimate &estimate : estimates)
        ms.push_back(estimate.ms);
    return ms;
}

} // namespace fanout
