#include "testhttpserver.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

namespace {

constexpr qint64 kChunk = 64 * 1024;
constexpr qint64 kQueued = 256 * 1024; // written ahead of what the connection has taken

} // namespace

TestHttpServer::TestHttpServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TestHttpServer::onNewConnection);
}

TestHttpServer::~TestHttpServer()
{
    // The sockets die with m_server, after the members their handlers use.
    for (QTcpSocket *socket : m_server.findChildren<QTcpSocket *>())
        socket->disconnect(this);
    for (QTimer *timer : m_server.findChildren<QTimer *>())
        timer->disconnect(this);
}

bool TestHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString TestHttpServer::url(const QString &path) const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port()) + path;
}

void TestHttpServer::script(const QByteArray &path, QList<Response> responses)
{
    m_scripts.insert(path, std::move(responses));
}

TestHttpServer::Response TestHttpServer::json(int status, const QByteArray &reason, const QByteArray &body)
{
    Response response;
    response.status = status;
    response.reason = reason;
    response.body = body;
    return response;
}

int TestHttpServer::count(const QByteArray &path) const
{
    return int(std::count_if(m_requests.begin(), m_requests.end(), [&](const Request &r) { return r.path == path; }));
}

int TestHttpServer::openHeldCount() const
{
    return int(std::count_if(m_held.begin(), m_held.end(), [](const Held &h) {
        return h.socket && h.socket->state() == QAbstractSocket::ConnectedState;
    }));
}

void TestHttpServer::release(const Response &response)
{
    const QList<Held> held = std::exchange(m_held, {});
    for (const Held &h : held) {
        if (h.socket)
            respond(h.socket, response, h.head);
    }
}

void TestHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            m_streams.remove(socket);
            socket->deleteLater();
        });
    }
}

void TestHttpServer::onReadyRead(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        Request request;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.remove(0, headerEnd + 4 + length);
        m_requests.append(request);

        QList<Response> &queue = m_scripts[request.path];
        Response response = queue.isEmpty() ? json(404, "Not Found", R"({"error":"not scripted"})") : queue.first();
        if (queue.size() > 1)
            queue.removeFirst();
        const bool head = request.method == "HEAD";
        if (response.hold)
            m_held.append(Held{socket, head});
        else
            respond(socket, response, head);
        emit requestReceived();
    }
}

int TestHttpServer::activeStreams() const
{
    return int(m_streams.size());
}

void TestHttpServer::respond(QTcpSocket *socket, const Response &response, bool head)
{
    const bool streamed = response.streamBytes > 0;
    const qint64 length = streamed ? response.streamBytes : response.body.size();
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + response.reason + "\r\n";
    if (response.announceLength)
        out += "Content-Length: " + QByteArray::number(length) + "\r\n";
    else
        out += "Connection: close\r\n";
    bool hasType = false;
    for (const auto &[name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
        hasType |= name.compare("Content-Type", Qt::CaseInsensitive) == 0;
    }
    if (!hasType)
        out += "Content-Type: application/json\r\n";
    out += "\r\n";
    if (!head && !streamed)
        out += response.body;
    socket->write(out);
    if (!head && streamed)
        startStream(socket, response);
    else if (!response.announceLength)
        socket->disconnectFromHost();
}

void TestHttpServer::startStream(QTcpSocket *socket, const Response &response)
{
    m_streams.insert(socket, Stream{response.streamBytes, !response.announceLength});
    if (response.trickleMs <= 0) {
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { feed(socket); });
        feed(socket);
        return;
    }
    auto *timer = new QTimer(socket);
    connect(timer, &QTimer::timeout, this, [this, socket, timer] {
        const auto it = m_streams.find(socket);
        if (it == m_streams.end())
            return timer->stop();
        socket->write("x", 1);
        ++m_streamedBytes;
        if (--it->remaining == 0) {
            timer->stop();
            if (it->closeAtEnd)
                socket->disconnectFromHost();
            m_streams.erase(it);
        }
    });
    timer->start(response.trickleMs);
}

void TestHttpServer::feed(QTcpSocket *socket)
{
    const auto it = m_streams.find(socket);
    if (it == m_streams.end())
        return;
    while (it->remaining > 0 && socket->bytesToWrite() < kQueued) {
        const qint64 size = std::min(kChunk, it->remaining);
        socket->write(QByteArray(size, 'x'));
        it->remaining -= size;
        m_streamedBytes += size;
    }
    if (it->remaining == 0) {
        if (it->closeAtEnd)
            socket->disconnectFromHost();
        m_streams.erase(it);
    }
}
