#pragma once

#include "engine/executors/httpexecutor.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkReply;
QT_END_NAMESPACE

namespace fanout {

class Attempt;

// One attempt of an http resource: sends its request, polls until the resource is ready, reads its
// outputs. Lives on the thread that started it (the scheduler's), whose event loop delivers the
// replies, so it holds no thread while it waits; it deletes itself once the attempt is over.
class HttpAttempt final : public QObject
{
    Q_OBJECT

public:
    // Starts `attempt`; called on a thread with an event loop.
    static void start(std::shared_ptr<Attempt> attempt, HttpExecutor::Spec spec);

    // Why `url` cannot be called, or an empty string. Until it is `resolved`, a reference (${...})
    // stands for text not known yet, and only the part before the first one is checked.
    static QString urlProblem(const QString &url, bool resolved);
    // Whether `name` may be an HTTP header name (an RFC 9110 token).
    static bool isToken(const QByteArray &name);
    // Why `value` may not be a header's value (it could start another header), or an empty string.
    static QString headerValueProblem(const QString &value);

    ~HttpAttempt() override;

private:
    enum class Phase : quint8 { Request, Poll };

    HttpAttempt(std::shared_ptr<Attempt> attempt, HttpExecutor::Spec spec);

    void sendRequest();
    void sendPoll();
    void send(Phase phase, const QByteArray &method, const QString &url, const QString &urlPath,
              const QList<HttpExecutor::Header> &headers, const QString &headersPath,
              const nlohmann::ordered_json *body);
    void onReplyFinished();
    // Reads what has arrived, so that Qt buffers nothing, and stops at the size limit.
    void onReplyData();
    // Moves what has arrived of the body into m_body; false when that ended the attempt (too large).
    bool takeBody(QNetworkReply *reply);
    void onRequestTimedOut();
    // Ends the current call: aborted, with its connection closed, and no more signals from it.
    void dropReply();
    // What goes wrong with a call: a poll's hiccup is tolerated, the request's ends the attempt.
    void callFailed(const QString &error);
    void pollAgain();
    // Why the wait may not poll again (wait.max_polls), or an empty string; `lastSeen` says what
    // the last poll showed.
    QString pollLimitReached(const QString &lastSeen) const;
    void onRequestAnswered(const QByteArray &body);
    void onPollAnswered(const QByteArray &body);
    void pollFailed(const QString &error);
    // Reads the outputs from a response. With `required`, a missing one is an error (returned).
    QString readOutputs(const nlohmann::ordered_json &document, bool required);
    // Replaces ${self.outputs.KEY} in `text`; an unknown KEY sets `error`, naming `where`.
    QString substitute(const QString &text, const QString &where, QString *error) const;
    nlohmann::ordered_json substitute(const nlohmann::ordered_json &value, const QString &where, QString *error) const;
    void stop();
    void finish(const QString &error); // an empty error is success

    const std::shared_ptr<Attempt> m_attempt;
    const HttpExecutor::Spec m_spec;
    QMap<QString, QString> m_outputs;   // read so far
    QPointer<QNetworkReply> m_reply;
    Phase m_phase = Phase::Request;
    QString m_sent;                     // "POST https://api.example.com/buckets", for messages
    QString m_requestSent;              // m_sent of the request, once polling
    QElapsedTimer m_clock;              // since the attempt started
    QElapsedTimer m_replyClock;         // since the current request was sent
    QTimer m_pollTimer;
    QTimer m_requestTimer;              // the current call's request_timeout
    QByteArray m_body;                  // the current response's body as read so far
    int m_polls = 0;
    int m_pollErrorsInARow = 0;
    QString m_lastSeen;                 // the waited-for value the last poll showed
    bool m_finished = false;
};

} // namespace fanout
