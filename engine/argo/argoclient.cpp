#include "engine/argo/argoclient.h"

#include "engine/argo/argojson.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <algorithm>
#include <utility>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// A workflow's status with thousands of nodes is a few MiB; an event larger than this is not one.
constexpr qsizetype kMaxEventBytes = qsizetype(64) << 20;

json parseOrNull(const QByteArray &text)
{
    return json::parse(text.constBegin(), text.constEnd(), nullptr, false);
}

using argojson::member;
using argojson::text;

} // namespace

ArgoClient::ArgoClient(ArgoConnection connection, QObject *parent)
    : QObject(parent), m_connection(std::move(connection)), m_network(new QNetworkAccessManager(this))
{
    // The token goes with every request: never to another host, nor down to http.
    m_network->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &ArgoClient::openStream);
    m_logReconnect.setSingleShot(true);
    connect(&m_logReconnect, &QTimer::timeout, this, &ArgoClient::openLogStream);
}

ArgoClient::~ArgoClient()
{
    stopWatching();
    stopFollowingLogs();
}

bool ArgoClient::isFinished(const json &workflow)
{
    if (text(member(member(workflow, "metadata"), "labels"), "workflows.argoproj.io/completed") == QLatin1String("true"))
        return true;
    const QString phase = text(member(workflow, "status"), "phase");
    return phase == QLatin1String("Succeeded") || phase == QLatin1String("Failed") || phase == QLatin1String("Error");
}

QNetworkRequest ArgoClient::request(const QString &path, const QList<std::pair<QString, QString>> &query) const
{
    QUrl url = m_connection.server;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path);
    if (!query.isEmpty()) {
        QUrlQuery q;
        for (const auto &[name, value] : query)
            q.addQueryItem(name, value);
        url.setQuery(q);
    }
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("fanout"));
    if (!m_connection.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_connection.token);
    return request;
}

// What went wrong, as a person reads it: where, what the server said, and what to do.
QString ArgoClient::describe(QNetworkReply *reply, const QByteArray &body) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = QStringLiteral("Argo Server %1").arg(m_connection.server.toString(QUrl::RemoveUserInfo));
    if (status == 0)
        return QStringLiteral("%1: %2").arg(where, reply->errorString());
    QString said = text(parseOrNull(body), "message");
    if (said.isEmpty())
        said = QString::fromUtf8(body.left(200)).simplified();
    QString hint;
    switch (status) {
    case 401: hint = QStringLiteral("; the token was refused: give Fanout a service account's token (--token-env NAME, docs/argo.md)"); break;
    case 403: hint = QStringLiteral("; the token may not do this in namespace \"%1\"").arg(m_connection.ns); break;
    case 404: hint = QStringLiteral(" (namespace \"%1\")").arg(m_connection.ns); break;
    default: break;
    }
    return QStringLiteral("%1 answered %2 %3%4%5")
        .arg(where)
        .arg(status)
        .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString(), said.isEmpty() ? QString() : QStringLiteral(": ") + said, hint);
}

void ArgoClient::send(const QByteArray &verb, const QString &path, const json *body, Result done)
{
    QNetworkRequest request = this->request(path);
    QByteArray data;
    if (body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        data = QByteArray::fromStdString(body->dump());
    }
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, data);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        reply->deleteLater();
        const QByteArray answer = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status < 200 || status >= 300)
            return done(unexpected(describe(reply, answer)));
        const json parsed = parseOrNull(answer);
        if (parsed.is_discarded())
            return done(unexpected(QStringLiteral("Argo Server %1 answered with something that is not JSON: %2")
                                       .arg(m_connection.server.toString(QUrl::RemoveUserInfo), QString::fromUtf8(answer.left(200)).simplified())));
        done(parsed);
    });
}

void ArgoClient::submit(const json &workflow, Result done)
{
    const json body = {{"namespace", m_connection.ns.toStdString()}, {"workflow", workflow}};
    send("POST", QStringLiteral("/api/v1/workflows/%1").arg(m_connection.ns), &body, std::move(done));
}

void ArgoClient::get(const QString &name, Result done)
{
    send("GET", QStringLiteral("/api/v1/workflows/%1/%2").arg(m_connection.ns, name), nullptr, std::move(done));
}

void ArgoClient::retry(const QString &name, const QString &nodeFieldSelector, Result done)
{
    json body = {{"name", name.toStdString()}, {"namespace", m_connection.ns.toStdString()}, {"restartSuccessful", false}};
    if (!nodeFieldSelector.isEmpty())
        body["nodeFieldSelector"] = nodeFieldSelector.toStdString();
    send("PUT", QStringLiteral("/api/v1/workflows/%1/%2/retry").arg(m_connection.ns, name), &body, std::move(done));
}

void ArgoClient::stop(const QString &name, Result done)
{
    shutdown(name, QStringLiteral("stop"), std::move(done));
}

void ArgoClient::terminate(const QString &name, Result done)
{
    shutdown(name, QStringLiteral("terminate"), std::move(done));
}

void ArgoClient::shutdown(const QString &name, const QString &how, Result done)
{
    const json body = {{"name", name.toStdString()}, {"namespace", m_connection.ns.toStdString()}};
    send("PUT", QStringLiteral("/api/v1/workflows/%1/%2/%3").arg(m_connection.ns, name, how), &body, std::move(done));
}

void ArgoClient::watch(const QString &name)
{
    stopWatching();
    m_watched = name;
    m_lastVersion = -1;
    m_lastVersionText.clear();
    m_backoffMs = kFirstBackoffMs;
    openStream();
}

void ArgoClient::stopWatching()
{
    m_watched.clear();
    m_reconnect.stop();
    dropStream(m_stream, this);
    m_buffer.clear();
}

void ArgoClient::dropStream(QPointer<QNetworkReply> &stream, QObject *receiver)
{
    if (QNetworkReply *reply = stream.data()) {
        stream.clear();
        disconnect(reply, nullptr, receiver, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

// A GET of a stream, read as it arrives: server-sent events if the server has them.
QNetworkReply *ArgoClient::getStream(const QString &path, const QList<std::pair<QString, QString>> &query)
{
    QNetworkRequest request = this->request(path, query);
    request.setRawHeader("Accept", "text/event-stream");
    // A stream is quiet between changes; only the server or the network ends it.
    request.setTransferTimeout(0);
    QNetworkReply *stream = m_network->get(request);
    stream->setReadBufferSize(0);
    return stream;
}

void ArgoClient::openStream()
{
    if (m_watched.isEmpty())
        return;
    QList<std::pair<QString, QString>> query = {{QStringLiteral("listOptions.fieldSelector"), QStringLiteral("metadata.name=") + m_watched}};
    // From the last change seen: the server sends what came after it, nothing is lost.
    if (!m_lastVersionText.isEmpty())
        query.append({QStringLiteral("listOptions.resourceVersion"), m_lastVersionText});
    m_buffer.clear();
    QNetworkReply *stream = getStream(QStringLiteral("/api/v1/workflow-events/%1").arg(m_connection.ns), query);
    m_stream = stream;
    connect(stream, &QIODevice::readyRead, this, &ArgoClient::onStreamData);
    connect(stream, &QNetworkReply::finished, this, &ArgoClient::onStreamFinished);
}

void ArgoClient::onStreamData()
{
    QNetworkReply *stream = m_stream.data();
    if (!stream || sender() != stream)
        return;
    readMessages(stream, m_buffer, [this, stream](const QByteArray &data) {
        handleEvent(data);
        return !m_watched.isEmpty() && m_stream.data() == stream; // not finished, nor stopped, on that event
    });
}

// Reads what has arrived of `stream` into `buffer` and gives each whole message to `handle`, while
// it answers true. Server-sent events end with an empty line and carry their message in `data:`
// lines; otherwise it is one JSON object a line.
void ArgoClient::readMessages(QNetworkReply *stream, QByteArray &buffer, const std::function<bool(const QByteArray &)> &handle)
{
    const int status = stream->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // its body is an error, read when it finishes
    const bool eventStream = stream->header(QNetworkRequest::ContentTypeHeader).toString().contains(QLatin1String("text/event-stream"));
    buffer += stream->readAll();
    const QByteArray separator = eventStream ? QByteArrayLiteral("\n\n") : QByteArrayLiteral("\n");
    buffer.replace("\r\n", "\n");
    qsizetype end = 0;
    while ((end = buffer.indexOf(separator)) >= 0) {
        const QByteArray block = buffer.left(end);
        buffer.remove(0, end + separator.size());
        QByteArray data;
        if (!eventStream) {
            data = block;
        } else {
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith("data:"))
                    data += (data.isEmpty() ? QByteArray() : QByteArrayLiteral("\n")) + line.mid(line.startsWith("data: ") ? 6 : 5);
            }
        }
        if (!data.isEmpty() && !handle(data))
            return;
    }
    if (buffer.size() > kMaxEventBytes) {
        stream->abort(); // finished follows, and a new stream
    }
}

void ArgoClient::handleEvent(const QByteArray &data)
{
    const json event = parseOrNull(data);
    if (!event.is_object())
        return; // a keep-alive or a comment
    if (event.contains("error")) {
        const json &error = event["error"];
        const std::string message = error.is_object() ? error.value("message", "") : std::string();
        // "too old resource version": the server no longer has what came after the last change
        // seen; the next stream starts from the workflow as it is now.
        if (message.find("too old") != std::string::npos || (error.is_object() && error.value("http_code", 0) == 410)) {
            m_lastVersionText.clear();
            m_lastVersion = -1;
        }
        if (QNetworkReply *stream = m_stream.data())
            stream->abort();
        return;
    }
    const json *result = event.contains("result") ? &event["result"] : &event;
    if (!result->is_object() || !result->contains("object"))
        return;
    const json &workflow = (*result)["object"];
    if (!workflow.is_object())
        return;
    // A number when it is one (Kubernetes' are), which orders the changes.
    const QString versionText = text(member(workflow, "metadata"), "resourceVersion");
    bool numeric = false;
    const qint64 version = versionText.toLongLong(&numeric);
    if (numeric && version <= m_lastVersion)
        return; // seen already (the stream was reopened from an older point)
    if (numeric)
        m_lastVersion = version;
    if (!versionText.isEmpty())
        m_lastVersionText = versionText;
    m_backoffMs = kFirstBackoffMs; // the stream works
    const bool finished = isFinished(workflow);
    emit workflowChanged(workflow);
    if (finished)
        stopWatching();
}

// How a stream ended: the server ended it, it broke (the network, a 5xx: open it again), or the
// server refused it (a token refused, a workflow not there: opening it again does not mend that).
ArgoClient::StreamEnd ArgoClient::endOf(QNetworkReply *stream, QString *problem) const
{
    const int status = stream->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 0) {
        *problem = describe(stream, stream->readAll());
        return status == 401 || status == 403 || status == 404 ? StreamEnd::Refused : StreamEnd::Broken;
    }
    if (stream->error() == QNetworkReply::NoError)
        return StreamEnd::Ended;
    *problem = describe(stream, QByteArray());
    return StreamEnd::Broken;
}

void ArgoClient::onStreamFinished()
{
    QNetworkReply *stream = m_stream.data();
    if (!stream || sender() != stream)
        return;
    m_stream.clear();
    stream->deleteLater();
    if (m_watched.isEmpty())
        return;
    QString problem;
    switch (endOf(stream, &problem)) {
    case StreamEnd::Refused:
        m_watched.clear();
        emit watchFailed(problem);
        return;
    case StreamEnd::Ended:
        return scheduleReconnect(QStringLiteral("the server closed the event stream"));
    case StreamEnd::Broken:
        return scheduleReconnect(problem);
    }
}

// How long to wait before opening a stream again: `backoffMs`, which doubles for the next time.
int ArgoClient::nextWait(int &backoffMs)
{
    const int wait = backoffMs;
    backoffMs = std::min(backoffMs * 2, kMaxBackoffMs);
    return wait;
}

void ArgoClient::scheduleReconnect(const QString &problem)
{
    const int wait = nextWait(m_backoffMs);
    emit watchInterrupted(problem, wait);
    m_reconnect.start(wait);
}

void ArgoClient::followLogs(const QString &name)
{
    stopFollowingLogs();
    m_logsOf = name;
    m_linesPassed.clear();
    m_logBackoffMs = kFirstBackoffMs;
    openLogStream();
}

void ArgoClient::stopFollowingLogs()
{
    m_logsOf.clear();
    m_logReconnect.stop();
    dropStream(m_logStream, this);
    m_logBuffer.clear();
}

bool ArgoClient::isFollowingLogs() const
{
    return !m_logsOf.isEmpty();
}

void ArgoClient::openLogStream()
{
    if (m_logsOf.isEmpty())
        return;
    // One stream for all the steps' pods (a stream each would take a connection each, and Qt opens
    // at most six to a server). It sends each pod's lines from the first, as it is opened again too.
    m_linesRead.clear();
    m_logBuffer.clear();
    QNetworkReply *stream = getStream(QStringLiteral("/api/v1/workflows/%1/%2/log").arg(m_connection.ns, m_logsOf),
                                      {{QStringLiteral("logOptions.container"), QStringLiteral("main")},
                                       {QStringLiteral("logOptions.follow"), QStringLiteral("true")}});
    m_logStream = stream;
    connect(stream, &QIODevice::readyRead, this, &ArgoClient::onLogStreamData);
    connect(stream, &QNetworkReply::finished, this, &ArgoClient::onLogStreamFinished);
}

void ArgoClient::onLogStreamData()
{
    QNetworkReply *stream = m_logStream.data();
    if (!stream || sender() != stream)
        return;
    readMessages(stream, m_logBuffer, [this, stream](const QByteArray &data) {
        handleLogLine(data);
        return !m_logsOf.isEmpty() && m_logStream.data() == stream;
    });
}

void ArgoClient::handleLogLine(const QByteArray &data)
{
    const json message = parseOrNull(data);
    if (!message.is_object())
        return; // a keep-alive or a comment
    if (message.contains("error")) {
        if (QNetworkReply *stream = m_logStream.data())
            stream->abort(); // and a new stream
        return;
    }
    const json &entry = message.contains("result") ? message["result"] : message;
    if (!entry.is_object() || (!entry.contains("content") && !entry.contains("podName")))
        return;
    m_logBackoffMs = kFirstBackoffMs; // the stream works
    const QString pod = text(entry, "podName");
    // A stream opened again sends each pod's lines from the first: those passed on already are not again.
    const qint64 read = ++m_linesRead[pod];
    qint64 &passed = m_linesPassed[pod];
    if (read <= passed)
        return;
    passed = read;
    QString line = text(entry, "content");
    if (line.endsWith(QLatin1Char('\n')))
        line.chop(line.endsWith(QLatin1String("\r\n")) ? 2 : 1);
    emit logLine(pod, line);
}

void ArgoClient::onLogStreamFinished()
{
    QNetworkReply *stream = m_logStream.data();
    if (!stream || sender() != stream)
        return;
    m_logStream.clear();
    stream->deleteLater();
    if (m_logsOf.isEmpty())
        return;
    QString problem;
    switch (endOf(stream, &problem)) {
    case StreamEnd::Ended: // the server ends it once the workflow has ended and every line is sent
        m_logsOf.clear();
        emit logsEnded();
        return;
    case StreamEnd::Refused:
        m_logsOf.clear();
        emit logsFailed(problem);
        emit logsEnded();
        return;
    case StreamEnd::Broken: {
        const int wait = nextWait(m_logBackoffMs);
        m_logReconnect.start(wait);
        emit watchInterrupted(QStringLiteral("the log stream: %1").arg(problem), wait);
        return;
    }
    }
}

} // namespace fanout
