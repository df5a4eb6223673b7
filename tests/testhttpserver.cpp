#include "testhttpserver.h"

#include <QHostAddress>
#include <QTcpSocket>

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

void TestHttpServer::respond(QTcpSocket *socket, const Response &response, bool head)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + response.reason + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    bool hasType = false;
    for (const auto &[name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
        hasType |= name.compare("Content-Type", Qt::CaseInsensitive) == 0;
    }
    if (!hasType)
        out += "Content-Type: application/json\r\n";
    out += "\r\n";
    if (!head)
        out += response.body;
    socket->write(out);
}
