#include "engine/executors/attempt.h"

#include "engine/executors/attemptmailbox.h"

#include <chrono>

namespace fanout {

Attempt::Attempt(std::shared_ptr<const Plan> plan, int resourceIndex, int number, quint64 runSeed,
                 std::shared_ptr<AttemptMailbox> mailbox, WorkerPool *workers)
    : m_plan(std::move(plan))
    , m_resourceIndex(resourceIndex)
    , m_number(number)
    , m_runSeed(runSeed)
    , m_mailbox(std::move(mailbox))
    , m_workers(workers)
{
    Q_ASSERT(m_resourceIndex >= 0 && m_resourceIndex < m_plan->resources.size());
}

AttemptMessage Attempt::newMessage(AttemptMessage::Kind kind) const
{
    AttemptMessage message;
    message.kind = kind;
    message.resource = m_resourceIndex;
    message.attempt = m_number;
    message.timeMs = m_mailbox->elapsedMs();
    return message;
}

void Attempt::log(LogLevel level, const QString &line)
{
    if (m_finished.load())
        return;
    AttemptMessage message = newMessage(AttemptMessage::Kind::Log);
    message.level = level;
    message.text = line;
    m_mailbox->post(std::move(message));
}

void Attempt::setParams(nlohmann::ordered_json params)
{
    m_params = std::move(params);
}

void Attempt::setOutput(const QString &key, const QString &value)
{
    const std::lock_guard lock(m_mutex);
    m_outputs.insert(key, value);
}

QMap<QString, QString> Attempt::outputs() const
{
    const std::lock_guard lock(m_mutex);
    return m_outputs;
}

void Attempt::succeed()
{
    [[maybe_unused]] const bool finished = tryFinish(true, QString());
    Q_ASSERT_X(finished, "Attempt::succeed", "an attempt finished twice");
}

void Attempt::fail(const QString &error)
{
    [[maybe_unused]] const bool finished = tryFinish(false, error);
    Q_ASSERT_X(finished, "Attempt::fail", "an attempt finished twice");
}

bool Attempt::runGuarded(const std::function<void()> &work)
{
    QString what;
    try {
        work();
        return true;
    } catch (const std::exception &e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an exception of unknown type");
    }
    const QString error = QStringLiteral("internal error in the %1 executor: %2 (this is a bug in Fanout; please report it)")
                              .arg(resource().type, what);
    log(LogLevel::Error, error);
    tryFinish(false, error);
    return false;
}

bool Attempt::tryFinish(bool succeeded, const QString &error)
{
    bool expected = false;
    if (!m_finished.compare_exchange_strong(expected, true))
        return false;
    AttemptMessage message = newMessage(AttemptMessage::Kind::Finished);
    message.succeeded = succeeded;
    message.text = error;
    if (succeeded)
        message.outputs = outputs();
    m_mailbox->post(std::move(message));
    return true;
}

void Attempt::requestStop()
{
    std::function<void()> handler;
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopRequested.exchange(true))
            return;
        handler = m_stopHandler;
    }
    m_stopped.notify_all();
    if (handler)
        handler();
}

void Attempt::setStopHandler(std::function<void()> handler)
{
    {
        const std::lock_guard lock(m_mutex);
        if (!m_stopRequested.load()) {
            m_stopHandler = std::move(handler);
            return;
        }
    }
    if (handler)
        handler();
}

bool Attempt::waitForStop(qint64 ms)
{
    if (isStopRequested())
        return true;
    if (ms <= 0)
        return false;
    std::unique_lock lock(m_mutex);
    return m_stopped.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopRequested.load(); });
}

} // namespace fanout
