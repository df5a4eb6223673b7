#include "engine/executors/httpattempt.h"

#include "engine/executors/attempt.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

#include <QCoreApplication>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

constexpr int kExcerptLength = 300;
constexpr int kShownValueLength = 80;

// Qt 6.4 opens at most 6 HTTP/1.1 connections to a host per QNetworkAccessManager and queues any
// further requests, which would quietly cap a run's parallelism against one API at 6. Each manager
// has connections (and a network thread) of its own, so a thread keeps as many as it needs.
constexpr int kConnectionsPerHost = 6;

// How much of a response may wait, read from the network, for this thread to take it.
constexpr qint64 kReadBufferBytes = qint64(1) << 20;

struct Manager
{
    QPointer<QNetworkAccessManager> manager;
    QHash<QString, int> inFlight; // by origin
};

// The managers of this thread. Each is destroyed with the thread, or with the application for
// the main thread, and replaced if used again after that.
thread_local std::vector<std::shared_ptr<Manager>> t_managers;

// The main thread's managers go in QCoreApplication's post routines, while the application still
// exists: a manager destroyed as one of its children (after ~QCoreApplication has cleared
// QCoreApplication::instance()) waits for its network thread, whose last events then crash Qt's
// event delivery (tst_httpexecutor died at exit about one run in ten).
bool g_postRoutineAdded = false; // main thread only

void deleteMainThreadManagers()
{
    g_postRoutineAdded = false;
    for (const auto &entry : std::exchange(t_managers, {}))
        delete entry->manager.data();
}

std::shared_ptr<Manager> createManager()
{
    auto entry = std::make_shared<Manager>();
    auto *manager = new QNetworkAccessManager;
    manager->setAutoDeleteReplies(false);
    // Never to another host or down to http: the request's headers (Authorization...) go with it.
    manager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    QThread *thread = QThread::currentThread();
    if (QCoreApplication *app = QCoreApplication::instance(); app && app->thread() == thread) {
        if (!std::exchange(g_postRoutineAdded, true))
            qAddPostRoutine(deleteMainThreadManagers);
    } else {
        QObject::connect(thread, &QThread::finished, manager, &QObject::deleteLater);
    }
    entry->manager = manager;
    return entry;
}

// A manager with a connection free for `origin`, and a count of the request that will use it.
// The returned function gives the connection back.
std::pair<QNetworkAccessManager *, std::function<void()>> managerFor(const QString &origin)
{
    std::erase_if(t_managers, [](const auto &entry) { return entry->manager.isNull(); });
    std::shared_ptr<Manager> chosen;
    for (const auto &entry : t_managers) {
        if (entry->inFlight.value(origin) < kConnectionsPerHost) {
            chosen = entry;
            break;
        }
    }
    if (!chosen) {
        chosen = createManager();
        t_managers.push_back(chosen);
    }
    ++chosen->inFlight[origin];
    auto released = std::make_shared<bool>(false);
    auto release = [chosen, origin, released] {
        if (!std::exchange(*released, true))
            --chosen->inFlight[origin];
    };
    return {chosen->manager.data(), release};
}

QString inQuotes(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// A JSON value as a log line shows it: "available", 3, true; long ones cut short.
QString shown(const json &value)
{
    QString text = QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
    if (text.size() > kShownValueLength)
        text = text.left(kShownValueLength) + QStringLiteral("…");
    return text;
}

// The start of a response body for an error message: enough to recognise what the API said
// without flooding the log (bodies may hold secrets, so only error bodies are shown at all).
QString excerpt(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(kExcerptLength * 4)).simplified();
    if (text.size() > kExcerptLength || body.size() > kExcerptLength * 4)
        text = text.left(kExcerptLength) + QStringLiteral("…");
    return text;
}

QString expectedText(const QList<int> &expect)
{
    if (expect.isEmpty())
        return QStringLiteral("2xx");
    QStringList codes;
    for (const int code : expect)
        codes.append(QString::number(code));
    const QString last = codes.takeLast();
    return codes.isEmpty() ? last : codes.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

bool isExpected(int status, const QList<int> &expect)
{
    return expect.isEmpty() ? status >= 200 && status < 300 : expect.contains(status);
}

std::optional<json> valueAt(const json &document, const std::string &pointer)
{
    try {
        const json::json_pointer where(pointer);
        if (document.contains(where))
            return document.at(where);
    } catch (const json::exception &) {
        // A pointer into an array with a key that is not an index: nothing is there.
    }
    return std::nullopt;
}

// An output's text: strings as they are, anything else as JSON (3, true, {"a":1}).
QString outputText(const json &value)
{
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    return QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Why a request failed before any status came back, in words that say what to check.
QString networkError(const QNetworkReply &reply)
{
    const QUrl url = reply.request().url();
    switch (reply.error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused: nothing listens at %1:%2; check the address and that the service is up")
            .arg(url.host()).arg(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host %1 not found; check the address").arg(inQuotes(url.host()));
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection without answering");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS handshake failed (%1); Fanout always verifies certificates, so the server needs one the system trusts")
            .arg(reply.errorString());
    case QNetworkReply::InsecureRedirectError:
        return QStringLiteral("redirected to another host or scheme, which is not followed because the request's headers would go along; use the final address in the plan");
    case QNetworkReply::TooManyRedirectsError:
        return QStringLiteral("too many redirects");
    default:
        return reply.errorString();
    }
}

} // namespace

void HttpAttempt::start(std::shared_ptr<Attempt> attempt, HttpExecutor::Spec spec)
{
    Q_ASSERT_X(QThread::currentThread()->eventDispatcher(), "HttpAttempt::start", "needs a thread with an event loop");
    auto *self = new HttpAttempt(std::move(attempt), std::move(spec));
    const QPointer<HttpAttempt> guard(self);
    // Called on the thread that asks for the stop: the scheduler's, which is this object's.
    self->m_attempt->setStopHandler([guard] {
        if (guard)
            QMetaObject::invokeMethod(guard.data(), &HttpAttempt::stop);
    });
    if (guard && !guard->m_finished)
        guard->sendRequest();
}

HttpAttempt::HttpAttempt(std::shared_ptr<Attempt> attempt, HttpExecutor::Spec spec)
    : m_attempt(std::move(attempt))
    , m_spec(std::move(spec))
{
    m_clock.start();
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &HttpAttempt::sendPoll);
    m_requestTimer.setSingleShot(true);
    connect(&m_requestTimer, &QTimer::timeout, this, &HttpAttempt::onRequestTimedOut);
}

HttpAttempt::~HttpAttempt()
{
    // Only when the thread or application ends under a running attempt.
    if (!m_finished && !m_attempt->isFinished())
        m_attempt->fail(QStringLiteral("the HTTP client shut down during the attempt"));
}

QString HttpAttempt::urlProblem(const QString &url, bool resolved)
{
    if (url.isEmpty())
        return QStringLiteral("is empty; give the http:// or https:// address to call");
    const qsizetype reference = url.indexOf(QLatin1String("${"));
    if (resolved && reference >= 0) {
        const qsizetype end = url.indexOf(QLatin1Char('}'), reference);
        return QStringLiteral("%1 still holds the reference %2, which nothing resolved")
            .arg(inQuotes(url), url.mid(reference, end < 0 ? -1 : end - reference + 1));
    }
    const QString known = reference < 0 ? url : url.left(reference);
    const qsizetype schemeEnd = known.indexOf(QLatin1String("://"));
    if (schemeEnd >= 0) {
        const QString scheme = known.left(schemeEnd).toLower();
        if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
            return QStringLiteral("%1 is not an http:// or https:// address").arg(inQuotes(url));
    } else if (reference < 0 || !(QStringLiteral("https://").startsWith(known, Qt::CaseInsensitive)
                                  || QStringLiteral("http://").startsWith(known, Qt::CaseInsensitive))) {
        return QStringLiteral("%1 must start with http:// or https://").arg(inQuotes(url));
    }
    if (reference < 0) {
        const QUrl parsed(url, QUrl::StrictMode);
        if (!parsed.isValid())
            return QStringLiteral("%1 is not a valid address: %2").arg(inQuotes(url), parsed.errorString());
        if (parsed.host().isEmpty())
            return QStringLiteral("%1 has no host").arg(inQuotes(url));
    }
    return QString();
}

bool HttpAttempt::isToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

QString HttpAttempt::headerValueProblem(const QString &value)
{
    for (const QChar c : value) {
        if (c == QLatin1Char('\r') || c == QLatin1Char('\n') || c == QChar(0))
            return QStringLiteral("a header's value may not hold a line break or NUL");
    }
    return QString();
}

void HttpAttempt::sendRequest()
{
    m_phase = Phase::Request;
    const HttpExecutor::Request &request = m_spec.request;
    send(Phase::Request, request.method, request.url, QStringLiteral("request.url"), request.headers,
         QStringLiteral("request.headers"), request.body ? &*request.body : nullptr);
}

void HttpAttempt::sendPoll()
{
    Q_ASSERT(m_spec.wait);
    const HttpExecutor::Wait &wait = *m_spec.wait;
    // The request's headers (Authorization...) go with every poll; the wait's own override them.
    QList<HttpExecutor::Header> headers = m_spec.request.headers;
    for (const HttpExecutor::Header &header : wait.headers) {
        headers.removeIf([&](const HttpExecutor::Header &h) { return h.first.compare(header.first, Qt::CaseInsensitive) == 0; });
        headers.append(header);
    }
    ++m_polls;
    send(Phase::Poll, wait.method, wait.url, QStringLiteral("wait.url"), headers, QStringLiteral("wait.headers"), nullptr);
}

void HttpAttempt::send(Phase phase, const QByteArray &method, const QString &url, const QString &urlPath,
                       const QList<HttpExecutor::Header> &headers, const QString &headersPath, const json *body)
{
    m_phase = phase;
    QString error;
    const QString resolvedUrl = substitute(url, urlPath, &error);
    if (!error.isEmpty())
        return finish(error);
    if (const QString problem = urlProblem(resolvedUrl, true); !problem.isEmpty())
        return finish(urlPath + QStringLiteral(": ") + problem);
    const QUrl target(resolvedUrl, QUrl::StrictMode);
    m_sent = QString::fromLatin1(method) + QLatin1Char(' ') + target.toDisplayString(QUrl::RemovePassword);

    QNetworkRequest request(target);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("fanout/" FANOUT_VERSION));
    request.setRawHeader("Accept", "application/json");
    // Each attempt stands alone: no cookies carried between resources.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    bool hasContentType = false;
    for (const auto &[name, value] : headers) {
        const QString where = jsonMemberPath(headersPath, QString::fromLatin1(name));
        const QString resolved = substitute(value, where, &error);
        if (!error.isEmpty())
            return finish(error);
        if (const QString problem = headerValueProblem(resolved); !problem.isEmpty())
            return finish(where + QStringLiteral(": ") + problem);
        request.setRawHeader(name, resolved.toUtf8());
        hasContentType |= name.compare("Content-Type", Qt::CaseInsensitive) == 0;
    }

    QByteArray data;
    if (body) {
        const json resolved = substitute(*body, QStringLiteral("request.body"), &error);
        if (!error.isEmpty())
            return finish(error);
        data = resolved.is_string() ? QByteArray::fromStdString(resolved.get<std::string>())
                                    : QByteArray::fromStdString(resolved.dump(-1, ' ', false, json::error_handler_t::replace));
        if (!hasContentType)
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }

    const QString origin = target.scheme() + QStringLiteral("://") + target.authority();
    auto [manager, release] = managerFor(origin);
    QNetworkReply *reply = nullptr;
    if (method == "HEAD")
        reply = manager->head(request);
    else if (!body && method == "GET")
        reply = manager->get(request);
    else if (!body && method == "DELETE")
        reply = manager->deleteResource(request);
    else
        reply = manager->sendCustomRequest(request, method, data);
    reply->setParent(this); // dies with the attempt, which aborts it
    // Qt's network thread otherwise reads as fast as the server sends and queues it all for this
    // thread: a busy window could hold a 100 MiB answer in memory before seeing any of it and
    // stopping at max_response_size. With a bounded buffer the network thread waits for reads.
    reply->setReadBufferSize(std::min<qint64>(kReadBufferBytes, m_spec.limits.maxResponseBytes + 1));
    // Whichever comes first; an aborted reply finishes too.
    connect(reply, &QNetworkReply::finished, release);
    connect(reply, &QObject::destroyed, release);
    connect(reply, &QNetworkReply::finished, this, &HttpAttempt::onReplyFinished);
    connect(reply, &QNetworkReply::metaDataChanged, this, &HttpAttempt::onReplyData);
    connect(reply, &QIODevice::readyRead, this, &HttpAttempt::onReplyData);
    m_reply = reply;
    m_body.clear();
    m_replyClock.start();
    // A total from now to the last byte. Qt's own transfer timeout (QNetworkRequest::
    // setTransferTimeout) restarts whenever a byte arrives, so a server trickling one byte a second
    // would hold the attempt for ever; this timer is never restarted.
    m_requestTimer.start(int(std::min<qint64>(m_spec.limits.requestTimeoutMs, std::numeric_limits<int>::max())));
}

bool HttpAttempt::takeBody(QNetworkReply *reply)
{
    const qint64 limit = m_spec.limits.maxResponseBytes;
    const QString raise = QStringLiteral("raise max_response_size on the resource, or defaults.http.max_response_size for the whole plan");
    // An announced length past the limit ends the call before any of the body is read (but the
    // answer to a HEAD announces the length of a body it does not send).
    const QVariant length = reply->operation() == QNetworkAccessManager::HeadOperation ? QVariant() : reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > limit) {
        const QString error = QStringLiteral("%1: the response is %2 (Content-Length), more than the %3 max_response_size allows, so it was not read; %4")
                                  .arg(m_sent, HttpExecutor::formatSize(length.toLongLong()), HttpExecutor::formatSize(limit), raise);
        dropReply();
        finish(error);
        return false;
    }
    // Read as it comes, so that Qt keeps no copy; no more than one byte past the limit.
    m_body += reply->read(limit + 1 - m_body.size());
    if (m_body.size() > limit) {
        const QString error = QStringLiteral("%1: the response is larger than the %2 max_response_size allows; reading stopped there; %3")
                                  .arg(m_sent, HttpExecutor::formatSize(limit), raise);
        dropReply();
        finish(error);
        return false;
    }
    return true;
}

void HttpAttempt::onReplyData()
{
    if (QNetworkReply *reply = m_reply.data(); reply && sender() == reply && !m_finished)
        takeBody(reply);
}

void HttpAttempt::onRequestTimedOut()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || m_finished)
        return;
    const QString limit = formatDuration(m_spec.limits.requestTimeoutMs);
    const QString what = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid()
        ? QStringLiteral("the response was still arriving after %1 (%2 of its body so far)").arg(limit, HttpExecutor::formatSize(m_body.size()))
        : QStringLiteral("no answer within %1").arg(limit);
    dropReply();
    callFailed(QStringLiteral("%1: %2, the most one call may take (request_timeout); raise request_timeout on the resource, "
                              "or defaults.http.request_timeout for the whole plan").arg(m_sent, what));
}

void HttpAttempt::dropReply()
{
    m_requestTimer.stop();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

void HttpAttempt::callFailed(const QString &error)
{
    if (m_phase == Phase::Poll)
        return pollFailed(error);
    finish(error);
}

void HttpAttempt::onReplyFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply || m_finished)
        return;
    m_requestTimer.stop();
    if (!takeBody(reply))
        return;
    m_reply.clear();
    reply->deleteLater();
    const qint64 ms = m_replyClock.elapsed();
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    // Qt reports an HTTP error status as an error too; only errors before a status are the network's.
    const bool answered = statusAttribute.isValid()
        && (reply->error() == QNetworkReply::NoError || reply->error() >= QNetworkReply::ContentAccessDenied);
    if (!answered)
        return callFailed(m_sent + QStringLiteral(": ") + networkError(*reply));
    const int status = statusAttribute.toInt();
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString statusLine = QString::number(status) + (reason.isEmpty() ? QString() : QLatin1Char(' ') + reason);
    m_attempt->log(m_phase == Phase::Poll ? LogLevel::Debug : LogLevel::Info,
                   QStringLiteral("%1 → %2 (%3 ms)").arg(m_sent, statusLine).arg(ms));
    const QByteArray body = std::exchange(m_body, QByteArray());
    const QList<int> &expect = m_phase == Phase::Request ? m_spec.request.expect : QList<int>();
    if (!isExpected(status, expect)) {
        QString error = QStringLiteral("%1: status %2, expected %3").arg(m_sent, statusLine, expectedText(expect));
        if (const QString shownBody = excerpt(body); !shownBody.isEmpty())
            error += QStringLiteral(": ") + shownBody;
        return callFailed(error);
    }
    if (m_phase == Phase::Request)
        onRequestAnswered(body);
    else
        onPollAnswered(body);
}

namespace {

// The response as JSON, or why it is not.
std::optional<json> parseResponse(const QByteArray &body, QString *error)
{
    if (body.isEmpty()) {
        *error = QStringLiteral("the response has no body");
        return std::nullopt;
    }
    try {
        return json::parse(body.constData(), body.constData() + body.size());
    } catch (const json::parse_error &e) {
        // Not the body itself: a successful response may hold secrets.
        *error = QStringLiteral("the response (%1 bytes) is not JSON: syntax error at byte %2").arg(body.size()).arg(e.byte);
        return std::nullopt;
    } catch (const json::exception &) {
        // A value nlohmann/json cannot hold, such as 1e999.
        *error = QStringLiteral("the response (%1 bytes) is JSON with a value Fanout cannot read (a number too large)").arg(body.size());
        return std::nullopt;
    }
}

} // namespace

void HttpAttempt::onRequestAnswered(const QByteArray &body)
{
    m_requestSent = m_sent;
    if (!m_spec.outputs.isEmpty()) {
        QString error;
        const std::optional<json> document = parseResponse(body, &error);
        // With a wait, outputs may first appear in a poll's response (an API may answer 202 and
        // nothing else); without one, this response is the only place to read them.
        if (!document && !m_spec.wait)
            return finish(QStringLiteral("%1: %2, but the outputs are read from it").arg(m_sent, error));
        if (document) {
            if (error = readOutputs(*document, !m_spec.wait); !error.isEmpty())
                return finish(error);
        }
    }
    if (!m_spec.wait)
        return finish(QString());
    sendPoll();
}

void HttpAttempt::onPollAnswered(const QByteArray &body)
{
    const HttpExecutor::Wait &wait = *m_spec.wait;
    QString error;
    const std::optional<json> document = parseResponse(body, &error);
    if (!document)
        return pollFailed(m_sent + QStringLiteral(": ") + error);
    m_pollErrorsInARow = 0;
    if (!m_spec.outputs.isEmpty())
        readOutputs(*document, false); // later values win; keys missing here keep earlier ones

    const QString pointer = QString::fromStdString(wait.until.pointer);
    if (wait.failIf) {
        if (const auto value = valueAt(*document, wait.failIf->pointer); value && *value == wait.failIf->equals) {
            return finish(QStringLiteral("wait: %1 is %2 (fail_if)")
                              .arg(QString::fromStdString(wait.failIf->pointer), shown(*value)));
        }
    }
    const std::optional<json> value = valueAt(*document, wait.until.pointer);
    if (value && *value == wait.until.equals) {
        m_attempt->log(LogLevel::Info, QStringLiteral("wait: %1 is %2 after %3 %4 (%5)")
                                           .arg(pointer, shown(*value)).arg(m_polls)
                                           .arg(m_polls == 1 ? QStringLiteral("poll") : QStringLiteral("polls"),
                                                formatDuration(m_clock.elapsed())));
        for (const auto &[key, outputPointer] : m_spec.outputs) {
            if (!m_outputs.contains(key)) {
                return finish(QStringLiteral("outputs.%1: %2 not found in the response to %3 nor in the last poll's (%4)")
                                  .arg(key, QString::fromStdString(outputPointer), m_requestSent, m_sent));
            }
        }
        return finish(QString());
    }
    const QString seen = value ? QStringLiteral("is ") + shown(*value) : QStringLiteral("is missing");
    // A line when the value changes; the polls in between only at debug level.
    m_attempt->log(seen == m_lastSeen ? LogLevel::Debug : LogLevel::Info,
                   QStringLiteral("waiting: %1 %2, want %3").arg(pointer, seen, shown(wait.until.equals)));
    m_lastSeen = seen;
    if (const QString limit = pollLimitReached(QStringLiteral("it %1").arg(seen)); !limit.isEmpty())
        return finish(limit);
    pollAgain();
}

QString HttpAttempt::pollLimitReached(const QString &lastSeen) const
{
    if (m_polls < m_spec.limits.maxPolls)
        return QString();
    const HttpExecutor::Wait &wait = *m_spec.wait;
    return QStringLiteral("wait: %1 was not %2 after %3 %4 in %5 (%6), the most wait.max_polls allows; raise wait.max_polls, "
                          "or wait.interval to poll less often")
        .arg(QString::fromStdString(wait.until.pointer), shown(wait.until.equals)).arg(m_polls)
        .arg(m_polls == 1 ? QStringLiteral("poll") : QStringLiteral("polls"), formatDuration(m_clock.elapsed()), lastSeen);
}

void HttpAttempt::pollAgain()
{
    m_pollTimer.start(int(std::min<qint64>(m_spec.wait->intervalMs, std::numeric_limits<int>::max())));
}

void HttpAttempt::pollFailed(const QString &error)
{
    ++m_pollErrorsInARow;
    if (m_pollErrorsInARow >= HttpExecutor::kMaxPollErrorsInARow) {
        return finish(QStringLiteral("wait: %1 (%2 failed polls in a row)").arg(error).arg(m_pollErrorsInARow));
    }
    if (const QString limit = pollLimitReached(QStringLiteral("the last poll failed: ") + error); !limit.isEmpty())
        return finish(limit);
    m_attempt->log(LogLevel::Warning, QStringLiteral("wait: %1 (%2 of %3 failed polls in a row allowed; polling on)")
                                          .arg(error).arg(m_pollErrorsInARow).arg(HttpExecutor::kMaxPollErrorsInARow - 1));
    m_lastSeen.clear();
    pollAgain();
}

QString HttpAttempt::readOutputs(const json &document, bool required)
{
    for (const auto &[key, pointer] : m_spec.outputs) {
        const std::optional<json> value = valueAt(document, pointer);
        if (!value) {
            if (required) {
                return QStringLiteral("outputs.%1: %2 not found in the response to %3")
                    .arg(key, QString::fromStdString(pointer), m_sent);
            }
            continue;
        }
        const QString text = outputText(*value);
        m_outputs.insert(key, text);
        m_attempt->setOutput(key, text);
    }
    return QString();
}

QString HttpAttempt::substitute(const QString &text, const QString &where, QString *error) const
{
    static const QLatin1String prefix("${self.outputs.");
    if (!text.contains(prefix))
        return text;
    QString result;
    qsizetype from = 0;
    for (qsizetype at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, from)) {
        const qsizetype end = text.indexOf(QLatin1Char('}'), at);
        if (end < 0)
            break; // not a reference: left as written
        result += QStringView(text).mid(from, at - from);
        const QString key = text.mid(at + prefix.size(), end - at - prefix.size());
        if (m_outputs.contains(key)) {
            result += m_outputs.value(key);
        } else if (m_attempt->knownOutputs().contains(key)) {
            result += m_attempt->knownOutputs().value(key);
        } else {
            QStringList known = m_attempt->knownOutputs().keys() + m_outputs.keys();
            known.removeDuplicates();
            known.sort();
            if (error->isEmpty()) // the first problem is the one to fix first
                *error = QStringLiteral("%1: ${self.outputs.%2} is unknown: no output \"%2\" has been read (%3)")
                         .arg(where, key, known.isEmpty() ? QStringLiteral("none has yet")
                                                          : QStringLiteral("known: ") + known.join(QStringLiteral(", ")));
            return text;
        }
        from = end + 1;
    }
    result += QStringView(text).mid(from);
    return result;
}

json HttpAttempt::substitute(const json &value, const QString &where, QString *error) const
{
    if (value.is_string())
        return substitute(QString::fromStdString(value.get<std::string>()), where, error).toStdString();
    if (value.is_object()) {
        json result = json::object();
        for (const auto &[key, member] : value.items())
            result[key] = substitute(member, jsonMemberPath(where, QString::fromStdString(key)), error);
        return result;
    }
    if (value.is_array()) {
        json result = json::array();
        for (std::size_t i = 0; i < value.size(); ++i)
            result.push_back(substitute(value[i], jsonIndexPath(where, qsizetype(i)), error));
        return result;
    }
    return value;
}

void HttpAttempt::stop()
{
    if (m_finished)
        return;
    finish(QStringLiteral("stopped after %1").arg(formatDuration(m_clock.elapsed())));
}

void HttpAttempt::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_pollTimer.stop();
    dropReply();
    if (error.isEmpty()) {
        m_attempt->succeed();
    } else {
        if (!error.startsWith(QLatin1String("stopped after")))
            m_attempt->log(LogLevel::Error, error);
        m_attempt->fail(error);
    }
    deleteLater();
}

} // namespace fanout
