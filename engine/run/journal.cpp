#include "engine/run/journal.h"

namespace fanout {

Journal::Journal() = default;

Journal::~Journal() = default;

qint64 Journal::append(const RunEvent &event)
{
    Entry entry;
    entry.timeMs = event.timeMs;
    entry.resource = event.resource;
    entry.attempt = event.attempt;
    entry.kind = event.kind;
    entry.state = event.state;
    entry.level = event.level;
    if (event.kind == RunEvent::Kind::Log) {
        entry.ref = m_logs.append(event.text);
    } else {
        entry.ref = qint64(m_events.size());
        m_events.push_back(event);
    }
    m_entries.push_back(entry);
    return qint64(m_entries.size()) - 1;
}

void Journal::clear()
{
    m_entries.clear();
    m_entries.shrink_to_fit();
    m_events.clear();
    m_events.shrink_to_fit();
    m_logs.clear();
}

RunEvent Journal::operator[](std::size_t index) const
{
    const Entry &entry = m_entries[index];
    RunEvent event;
    if (entry.kind == RunEvent::Kind::Log) {
        event.timeMs = entry.timeMs;
        event.kind = entry.kind;
        event.level = entry.level;
        event.resource = entry.resource;
        event.attempt = entry.attempt;
        event.text = m_logs.text(entry.ref);
    } else {
        event = m_events[std::size_t(entry.ref)];
    }
    event.sequence = qint64(index);
    return event;
}

QString Journal::text(std::size_t index) const
{
    const Entry &entry = m_entries[index];
    return entry.kind == RunEvent::Kind::Log ? m_logs.text(entry.ref) : m_events[std::size_t(entry.ref)].text;
}

} // namespace fanout
