#pragma once

#include "engine/run/runevent.h"
#include "engine/support/logstore.h"

#include <cstddef>
#include <deque>
#include <iterator>
#include <vector>

namespace fanout {

// A run's journal: every RunEvent, in order. A long run writes millions of log lines and few other
// events, so the other events are kept whole while a log line keeps 32 bytes in memory (when, whose,
// which attempt, what level) and its text in a LogStore, on disk. Reading an event gives it back
// whole, with its text; entry() gives what is in memory without reading the text.
class Journal
{
public:
    // An event without its text (and number): what the journal keeps in memory of each.
    struct Entry
    {
        qint64 timeMs = 0;
        qint64 ref = 0;   // Log: the text's id in logs(); any other kind: where it is kept whole
        qint32 resource = -1;
        qint32 attempt = 0;
        RunEvent::Kind kind = RunEvent::Kind::Log;
        ResourceState state = ResourceState::Pending;
        LogLevel level = LogLevel::Info;
    };

    // Gives events by value: range-for loops over the journal read as they did over a vector.
    class const_iterator
    {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = RunEvent;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = RunEvent;

        const_iterator(const Journal *journal, std::size_t index) : m_journal(journal), m_index(index) {}
        RunEvent operator*() const { return (*m_journal)[m_index]; }
        const_iterator &operator++() { ++m_index; return *this; }
        bool operator==(const const_iterator &other) const { return m_index == other.m_index; }
        bool operator!=(const const_iterator &other) const { return m_index != other.m_index; }

    private:
        const Journal *m_journal;
        std::size_t m_index;
    };

    Journal();
    ~Journal();
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;

    // Keeps `event` and returns its index (what RunEvent::sequence says once it is recorded).
    qint64 append(const RunEvent &event);
    void clear();

    std::size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    RunEvent operator[](std::size_t index) const; // whole, with its text and its sequence
    const Entry &entry(std::size_t index) const { return m_entries[index]; }
    QString text(std::size_t index) const;
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size()); }

    const LogStore &logs() const { return m_logs; } // the text of the log lines
    // Every event but the log lines, in the order they came (without their sequence): what a
    // search for the run's own events reads rather than a long run's hundreds of thousands of lines.
    const std::vector<RunEvent> &events() const { return m_events; }

private:
    std::deque<Entry> m_entries; // a deque grows without copying (or doubling) what it holds
    std::vector<RunEvent> m_events; // every event but log lines
    LogStore m_logs;
};

} // namespace fanout
