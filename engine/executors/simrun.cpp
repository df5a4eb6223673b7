#include "engine/executors/simrun.h"

#include "engine/executors/attempt.h"
#include "engine/support/duration.h"
#include "engine/support/handover.h"
#include "engine/support/splitmix.h"

#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <limits>

namespace fanout {

namespace {

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

// A SplitMix64 stream: two numbers per attempt need no heavier generator, and this one costs
// nothing to seed.
class Random
{
public:
    explicit Random(quint64 seed) : m_state(seed) {}
    double unit() { return double(splitMix64(m_state++) >> 11) * 0x1.0p-53; } // [0, 1)

private:
    quint64 m_state;
};

} // namespace

void SimRun::start(std::shared_ptr<Attempt> attempt, const SimExecutor::Spec &spec, QThreadPool &pool)
{
    if (spec.maxDurationMs <= 0) {
        // Nothing to wait for: the pool's few busy threads run it at once.
        startOnPool(pool, [attempt = std::move(attempt), spec] {
            attempt->runGuarded([&] { SimRun(attempt, spec).advance(); });
        });
        return;
    }
    auto *run = new SimRun(std::move(attempt), spec);
    run->m_timer = new QTimer(run);
    run->m_timer->setSingleShot(true);
    connect(run->m_timer, &QTimer::timeout, run, &SimRun::onTimer);
    const QPointer<SimRun> guard(run);
    // Called on the scheduler's thread, this run's own.
    run->m_attempt->setStopHandler([guard] {
        if (guard)
            QMetaObject::invokeMethod(guard.data(), &SimRun::stop);
    });
    if (guard)
        guard->onTimer();
}

SimRun::SimRun(std::shared_ptr<Attempt> attempt, const SimExecutor::Spec &spec)
    : m_attempt(std::move(attempt))
    , m_spec(spec)
{
    const quint64 base = spec.seed.value_or(m_attempt->runSeed());
    Random random(splitMix64(base ^ splitMix64(stableHash(m_attempt->resource().id) ^ (quint64(m_attempt->number()) << 32))));
    m_durationMs = spec.minDurationMs + qint64(random.unit() * double(spec.maxDurationMs - spec.minDurationMs));
    m_fails = m_attempt->number() <= spec.failAttempts || (spec.failureRate > 0 && random.unit() < spec.failureRate);
    // A failing attempt with lines of its own stops before the last, which tells of success.
    m_lineCount = spec.logLines.isEmpty() ? spec.logLineCount
                                          : int(spec.logLines.size()) - (m_fails && spec.logLines.size() > 1 ? 1 : 0);
    m_clock.start();
}

qint64 SimRun::advance()
{
    if (m_attempt->isStopRequested()) {
        m_finished = true;
        m_attempt->fail(QStringLiteral("stopped after %1").arg(formatDuration(m_clock.elapsed())));
        return 0;
    }
    for (; m_nextLine < m_lineCount; ++m_nextLine) {
        // Lines are spread evenly from the start to the end of the attempt.
        const qint64 due = m_lineCount == 1 ? m_durationMs : m_durationMs * m_nextLine / (m_lineCount - 1);
        if (due > m_clock.elapsed())
            return due - m_clock.elapsed();
        logLine(m_nextLine);
    }
    if (m_durationMs > m_clock.elapsed())
        return m_durationMs - m_clock.elapsed();
    conclude();
    return 0;
}

void SimRun::onTimer()
{
    if (m_finished)
        return;
    const bool ok = m_attempt->runGuarded([this] {
        const qint64 wait = advance();
        if (!m_finished)
            m_timer->start(int(std::clamp<qint64>(wait, 1, std::numeric_limits<int>::max())));
    });
    if (m_finished || !ok)
        deleteLater();
}

void SimRun::stop()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer->stop();
    m_attempt->fail(QStringLiteral("stopped after %1").arg(formatDuration(m_clock.elapsed())));
    deleteLater();
}

void SimRun::logLine(int line)
{
    if (!m_spec.logLines.isEmpty()) {
        m_attempt->log(LogLevel::Info, m_spec.logLines[line]);
    } else if (line == 0) {
        m_attempt->log(LogLevel::Info, QStringLiteral("Creating %1...").arg(m_attempt->resource().displayName()));
    } else if (line < m_lineCount - 1 || m_fails) {
        m_attempt->log(LogLevel::Info, QStringLiteral("Still creating... [%1 elapsed]").arg(formatDuration(m_clock.elapsed())));
    } else {
        m_attempt->log(LogLevel::Info, QStringLiteral("Creation complete after %1").arg(formatDuration(m_clock.elapsed())));
    }
}

void SimRun::conclude()
{
    m_finished = true;
    if (m_fails) {
        QString error = m_spec.failureMessage;
        if (error.isEmpty()) {
            error = m_attempt->number() <= m_spec.failAttempts
                ? QStringLiteral("simulated failure of attempt %1 (fail_attempts: %2)").arg(m_attempt->number()).arg(m_spec.failAttempts)
                : QStringLiteral("simulated failure (failure_rate: %1)").arg(m_spec.failureRate);
        }
        m_attempt->log(LogLevel::Error, error);
        return m_attempt->fail(error);
    }
    for (auto it = m_spec.outputs.cbegin(); it != m_spec.outputs.cend(); ++it)
        m_attempt->setOutput(it.key(), it.value());
    m_attempt->succeed();
}

} // namespace fanout
