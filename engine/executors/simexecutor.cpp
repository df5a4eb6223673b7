#include "engine/executors/simexecutor.h"

#include "engine/executors/attempt.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"
#include "engine/executors/workerpool.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>


namespace fanout {

namespace {

constexpr int kMaxLogLines = 1'000'000;

Diagnostic problem(const QString &path, const QString &message)
{
    return Diagnostic{Diagnostic::Severity::Error, path, 0, 0, message};
}

// FNV-1a over the id's UTF-16 code units: stable across processes, machines and Qt versions,
// unlike qHash, so that a seed reproduces the same run everywhere.
quint64 stableHash(const QString &text)
{
    quint64 hash = 0xcbf29ce484222325ull;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 0x100000001b3ull;
    }
    return hash;
}

// SplitMix64: turns related seeds (same run, neighbouring attempts) into unrelated streams.
quint64 mix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// A SplitMix64 stream: two numbers per attempt need no heavier generator, and this one costs
// nothing to seed.
class Random
{
public:
    explicit Random(quint64 seed) : m_state(seed) {}
    double unit() { return double(mix(m_state++) >> 11) * 0x1.0p-53; } // [0, 1)

private:
    quint64 m_state;
};

void simulate(const std::shared_ptr<Attempt> &attempt, const SimExecutor::Spec &spec)
{
    const Resource &resource = attempt->resource();
    const quint64 base = spec.seed.value_or(attempt->runSeed());
    Random random(mix(base ^ mix(stableHash(resource.id) ^ (quint64(attempt->number()) << 32))));

    const qint64 durationMs = spec.minDurationMs
        + qint64(random.unit() * double(spec.maxDurationMs - spec.minDurationMs));
    const bool fails = attempt->number() <= spec.failAttempts
        || (spec.failureRate > 0 && random.unit() < spec.failureRate);
    // While it waits, this attempt lends its pool a thread for others.
    const WorkerPool::Blocking blocking(durationMs > 0 ? attempt->workers() : nullptr);

    // A failing attempt with lines of its own stops before the last, which tells of success.
    const int lineCount = spec.logLines.isEmpty() ? spec.logLineCount
                                                  : int(spec.logLines.size()) - (fails && spec.logLines.size() > 1 ? 1 : 0);
    QElapsedTimer clock;
    clock.start();
    auto stopped = [&] {
        attempt->fail(QStringLiteral("stopped after %1").arg(formatDuration(clock.elapsed())));
    };
    for (int line = 0; line < lineCount; ++line) {
        // Lines are spread evenly from the start to the end of the attempt.
        const qint64 due = lineCount == 1 ? durationMs : durationMs * line / (lineCount - 1);
        if (attempt->waitForStop(due - clock.elapsed()))
            return stopped();
        if (!spec.logLines.isEmpty()) {
            attempt->log(LogLevel::Info, spec.logLines[line]);
        } else if (line == 0) {
            attempt->log(LogLevel::Info, QStringLiteral("Creating %1...").arg(resource.displayName()));
        } else if (line < lineCount - 1 || fails) {
            attempt->log(LogLevel::Info, QStringLiteral("Still creating... [%1 elapsed]").arg(formatDuration(clock.elapsed())));
        } else {
            attempt->log(LogLevel::Info, QStringLiteral("Creation complete after %1").arg(formatDuration(clock.elapsed())));
        }
    }
    if (attempt->waitForStop(durationMs - clock.elapsed()))
        return stopped();
    if (fails) {
        QString error = spec.failureMessage;
        if (error.isEmpty()) {
            error = attempt->number() <= spec.failAttempts
                ? QStringLiteral("simulated failure of attempt %1 (fail_attempts: %2)").arg(attempt->number()).arg(spec.failAttempts)
                : QStringLiteral("simulated failure (failure_rate: %1)").arg(spec.failureRate);
        }
        attempt->log(LogLevel::Error, error);
        return attempt->fail(error);
    }
    for (auto it = spec.outputs.cbegin(); it != spec.outputs.cend(); ++it)
        attempt->setOutput(it.key(), it.value());
    attempt->succeed();
}

} // namespace

SimExecutor::Spec SimExecutor::readSpec(const nlohmann::ordered_json &params, const QString &path, Diagnostics *out)
{
    Spec spec;
    auto report = [&](const QString &key, const QString &message) {
        if (out)
            out->append(problem(jsonMemberPath(path, key), message));
    };
    if (!params.is_object())
        return spec;

    if (const auto it = params.find("duration"); it != params.end()) {
        QString error;
        if (it->is_array()) {
            std::optional<qint64> low, high;
            if (it->size() == 2) {
                low = parseDuration((*it)[0], &error);
                if (low)
                    high = parseDuration((*it)[1], &error);
            } else {
                error = QStringLiteral("a duration range is written [min, max], for example [\"20s\", \"40s\"]");
            }
            if (low && high && *low > *high)
                error = QStringLiteral("the range [%1, %2] has its minimum above its maximum").arg(formatDuration(*low), formatDuration(*high));
            else if (low && high) {
                spec.minDurationMs = *low;
                spec.maxDurationMs = *high;
            }
        } else if (const auto fixed = parseDuration(*it, &error)) {
            spec.minDurationMs = spec.maxDurationMs = *fixed;
        }
        if (!error.isEmpty())
            report(QStringLiteral("duration"), error);
    }
    if (const auto it = params.find("failure_rate"); it != params.end()) {
        if (it->is_number() && it->get<double>() >= 0.0 && it->get<double>() <= 1.0)
            spec.failureRate = it->get<double>();
        else
            report(QStringLiteral("failure_rate"), QStringLiteral("must be a number from 0 (never fails) to 1 (always fails)"));
    }
    if (const auto it = params.find("fail_attempts"); it != params.end()) {
        if (it->is_number_integer() && it->get<qint64>() >= 0 && it->get<qint64>() <= 1'000'000)
            spec.failAttempts = int(it->get<qint64>());
        else
            report(QStringLiteral("fail_attempts"), QStringLiteral("must be a whole number of attempts, 0 or more"));
    }
    if (const auto it = params.find("log_lines"); it != params.end()) {
        if (it->is_number_integer() && it->get<qint64>() >= 0 && it->get<qint64>() <= kMaxLogLines) {
            spec.logLineCount = int(it->get<qint64>());
        } else if (it->is_array() && it->size() <= std::size_t(kMaxLogLines)) {
            for (std::size_t i = 0; i < it->size(); ++i) {
                if ((*it)[i].is_string())
                    spec.logLines.append(QString::fromStdString((*it)[i].get<std::string>()));
                else
                    report(QStringLiteral("log_lines"), QStringLiteral("element %1 is %2; every line must be a string").arg(i).arg(QString::fromLatin1((*it)[i].type_name())));
            }
        } else {
            report(QStringLiteral("log_lines"), QStringLiteral("must be how many lines to write (0 to %1) or a list of lines").arg(kMaxLogLines));
        }
    }
    if (const auto it = params.find("seed"); it != params.end()) {
        if (it->is_number_unsigned())
            spec.seed = it->get<quint64>();
        else
            report(QStringLiteral("seed"), QStringLiteral("must be a whole number, 0 or more"));
    }
    if (const auto it = params.find("failure_message"); it != params.end()) {
        if (it->is_string())
            spec.failureMessage = QString::fromStdString(it->get<std::string>());
        else
            report(QStringLiteral("failure_message"), QStringLiteral("must be a string"));
    }
    if (const auto it = params.find("outputs"); it != params.end()) {
        if (it->is_object()) {
            for (const auto &[key, value] : it->items()) {
                if (value.is_string())
                    spec.outputs.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
                else if (value.is_number() || value.is_boolean())
                    spec.outputs.insert(QString::fromStdString(key), QString::fromStdString(value.dump()));
                else
                    report(QStringLiteral("outputs"), QStringLiteral("\"%1\" must be a string or a number").arg(QString::fromStdString(key)));
            }
        } else {
            report(QStringLiteral("outputs"), QStringLiteral("must be an object of outputs, such as {\"endpoint\": \"db.internal:5432\"}"));
        }
    }
    return spec;
}

QString SimExecutor::type() const
{
    return QStringLiteral("sim");
}

QStringList SimExecutor::parameterNames() const
{
    return {QStringLiteral("duration"), QStringLiteral("failure_rate"), QStringLiteral("fail_attempts"),
            QStringLiteral("log_lines"), QStringLiteral("seed"), QStringLiteral("failure_message"), QStringLiteral("outputs")};
}

void SimExecutor::validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const
{
    readSpec(params, path, &out);
}

std::optional<qint64> SimExecutor::defaultEstimateMs(const Resource &resource) const
{
    const Spec spec = readSpec(resource.params, QString(), nullptr);
    return (spec.minDurationMs + spec.maxDurationMs) / 2;
}

void SimExecutor::start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const
{
    Spec spec = readSpec(attempt->params(), QString(), nullptr);
    // The attempt reports its end through its mailbox; nobody waits on the future.
    (void)QtConcurrent::run(&pool, [attempt = std::move(attempt), spec = std::move(spec)] { simulate(attempt, spec); });
}

} // namespace fanout
