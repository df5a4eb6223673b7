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

namespace fanout {

namespace {

// What the history holds for one key at one level (a definition hash, a resource id, a type).
struct Observed
{
    std::vector<qint64> newestMs; // successful attempts' durations, newest first, at most kMaxSamples
    int succeeded = 0;
    int failed = 0; // failed or timed out; cancelled attempts say nothing about the resource
};
using Observations = QHash<QString, Observed>;

// One level of the search: how an attempt's key is written in SQL, and what else it must match.
struct Level
{
    QString key;         // an SQL expression over `a` (attempts) and `r` (runs)
    QString condition;   // more SQL for the WHERE clause, may be empty
    QVariantList values; // bound to the condition's placeholders
};

// Keys go to SQLite in IN lists of at most this many (SQLite's old limit on bound values is 999).
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

Expected<void> execute(QSqlQuery &query, const QString &sql, const Level &level, const QStringList &keys)
{
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return unexpected(sqlError(query));
    for (const QString &key : keys)
        query.addBindValue(key);
    for (const QVariant &value : level.values)
        query.addBindValue(value);
    if (!query.exec())
        return unexpected(sqlError(query));
    return {};
}

// Two queries per batch of keys: the newest successful durations of each key (a window function
// keeps kMaxSamples a key), and each key's count of successes and failures.
Expected<void> readBatch(const QSqlDatabase &db, const Level &level, const QStringList &keys, Observations &found)
{
    const QString where = QStringLiteral("r.command = 'run' AND %1 IN (%2)%3")
                              .arg(level.key, placeholders(keys.size()),
                                   level.condition.isEmpty() ? QString() : QStringLiteral(" AND ") + level.condition);
    QSqlQuery durations(db);
    const QString newest = QStringLiteral(
                               "SELECT k, d FROM (SELECT %1 AS k, MAX(0, a.end_ms - a.start_ms) AS d,"
                               " ROW_NUMBER() OVER (PARTITION BY %1 ORDER BY a.run_id DESC, a.start_ms DESC, a.number DESC) AS n"
                               " FROM attempts a JOIN runs r ON r.id = a.run_id"
                               " WHERE %2 AND a.outcome = 'succeeded' AND a.end_ms IS NOT NULL)"
                               " WHERE n <= %3 ORDER BY k, n")
                               .arg(level.key, where)
                               .arg(Estimate::kMaxSamples);
    if (const Expected<void> done = execute(durations, newest, level, keys); !done)
        return done;
    while (durations.next())
        found[durations.value(0).toString()].newestMs.push_back(durations.value(1).toLongLong());

    QSqlQuery counts(db);
    const QString counted = QStringLiteral("SELECT %1, SUM(a.outcome = 'succeeded'), SUM(a.outcome IN ('failed', 'timed-out'))"
                                           " FROM attempts a JOIN runs r ON r.id = a.run_id WHERE %2 GROUP BY %1")
                                .arg(level.key, where);
    if (const Expected<void> done = execute(counts, counted, level, keys); !done)
        return done;
    while (counts.next()) {
        Observed &observed = found[counts.value(0).toString()];
        observed.succeeded = counts.value(1).toInt();
        observed.failed = counts.value(2).toInt();
    }
    return {};
}

Expected<Observations> read(const QSqlDatabase &db, const Level &level, QStringList keys)
{
    keys.removeDuplicates();
    Observations found;
    for (qsizetype at = 0; at < keys.size(); at += kKeysPerQuery) {
        if (const Expected<void> done = readBatch(db, level, keys.mid(at, kKeysPerQuery), found); !done)
            return unexpected(done.error());
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

    // Each level asks only about the resources that the levels before it left without a figure.
    const auto n = size_t(plan.resources.size());
    std::vector<bool> learned(n, false);
    const auto learnLevel = [&](const Level &level, Estimate::Source source,
                                const std::function<QString(const Resource &)> &keyOf) -> Expected<void> {
        QStringList keys;
        for (size_t r = 0; r < n; ++r) {
            if (!learned[r])
                keys.append(keyOf(plan.resources[qsizetype(r)]));
        }
        if (keys.isEmpty())
            return {};
        const Expected<Observations> observations = read(db, level, keys);
        if (!observations)
            return unexpected(observations.error());
        for (size_t r = 0; r < n; ++r) {
            if (!learned[r])
                learned[r] = apply(*observations, keyOf(plan.resources[qsizetype(r)]), source, estimates[r]);
        }
        return {};
    };
    std::vector<QString> definitions(n);
    for (size_t r = 0; r < n; ++r)
        definitions[r] = DeploymentState::definitionHash(plan.resources[qsizetype(r)]);
    const auto definitionOf = [&](const Resource &resource) {
        return definitions[size_t(&resource - plan.resources.constData())];
    };
    // A resource id names the same thing only within its plan.
    const Level byDefinition{QStringLiteral("a.definition_hash"), QString(), {}};
    const Level byResource{QStringLiteral("a.resource_id"), QStringLiteral("r.plan_name = ?"), {plan.name}};
    const Level byType{QStringLiteral("COALESCE(a.source_type, a.type)"), QString(), {}};
    if (const Expected<void> done = learnLevel(byDefinition, Estimate::Source::Definition, definitionOf); !done)
        return unexpected(done.error());
    if (const Expected<void> done = learnLevel(byResource, Estimate::Source::Resource, [](const Resource &r) { return r.id; }); !done)
        return unexpected(done.error());
    if (const Expected<void> done = learnLevel(byType, Estimate::Source::Type, typeKey); !done)
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
