#pragma once

#include "engine/support/loglevel.h"

#include <QElapsedTimer>
#include <QMap>
#include <QString>

#include <functional>
#include <mutex>
#include <vector>

namespace fanout {

// What an attempt tells its scheduler: a line of output, or that it is over.
struct AttemptMessage
{
    enum class Kind : quint8 { Log, Finished };

    Kind kind = Kind::Log;
    LogLevel level = LogLevel::Info;
    bool succeeded = false;   // Finished
    int resource = -1;
    int attempt = 0;
    qint64 timeMs = 0;        // run time when the message was posted
    QString text;             // Log: the line; Finished: the error, if it failed
    QMap<QString, QString> outputs; // Finished: what the attempt produced (an id, an address...)
};

// The thread-safe way from attempts (on pool threads, or wherever an asynchronous executor runs)
// to the scheduler's thread. Messages queue up under a mutex and the scheduler is woken once per
// batch rather than once per message, which keeps the cost per resource and per log line low.
class AttemptMailbox
{
public:
    // `wake` is called, from any thread, when a message arrives in an empty mailbox; it must be
    // cheap and must not block (it posts a queued call to the scheduler).
    AttemptMailbox(QElapsedTimer clock, std::function<void()> wake);

    void post(AttemptMessage message);
    std::vector<AttemptMessage> takeAll();

    // After close() nothing wakes the scheduler any more; late messages are dropped.
    void close();

    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    const QElapsedTimer m_clock;
    std::function<void()> m_wake;
    std::mutex m_mutex;
    std::vector<AttemptMessage> m_messages;
    bool m_closed = false;
};

} // namespace fanout
