#include "engine/executors/attemptmailbox.h"

namespace fanout {

AttemptMailbox::AttemptMailbox(QElapsedTimer clock, std::function<void()> wake)
    : m_clock(clock)
    , m_wake(std::move(wake))
{
}

void AttemptMailbox::post(AttemptMessage message)
{
    const std::lock_guard lock(m_mutex);
    if (m_closed)
        return;
    const bool wasEmpty = m_messages.empty();
    m_messages.push_back(std::move(message));
    // Waking under the lock keeps close() simple: once it returns, no wake is in flight.
    if (wasEmpty)
        m_wake();
}

std::vector<AttemptMessage> AttemptMailbox::takeAll()
{
    std::vector<AttemptMessage> taken;
    const std::lock_guard lock(m_mutex);
    taken.swap(m_messages);
    return taken;
}

void AttemptMailbox::close()
{
    const std::lock_guard lock(m_mutex);
    m_closed = true;
    m_messages.clear();
}

} // namespace fanout
