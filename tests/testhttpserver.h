#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpServer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

// A scripted HTTP/1.1 server on 127.0.0.1 for tests: it answers each path with the responses
// queued for it, in order (the last one repeats), and records every request as it arrived.
// Just enough HTTP for Qt's client: Content-Length bodies, keep-alive, no chunked uploads.
class TestHttpServer : public QObject
{
    Q_OBJECT

public:
    struct Response
    {
        int status = 200;
        QByteArray reason = "OK";
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        bool hold = false; // keep the request unanswered until release(), or for ever
        // A body of this many filler bytes instead of `body`, written as the connection takes
        // them (so that the server never holds it all), one byte every `trickleMs` when set.
        qint64 streamBytes = 0;
        int trickleMs = 0;
        // Whether the headers announce the body's length; if not, the end of the body is the end
        // of the connection (Connection: close), and the client cannot know its size in advance.
        bool announceLength = true;
    };

    struct Request
    {
        QByteArray method;
        QByteArray path;
        QMap<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
    };

    explicit TestHttpServer(QObject *parent = nullptr);
    ~TestHttpServer() override;

    bool listen(); // on a free port
    quint16 port() const { return m_server.serverPort(); }
    // "http://127.0.0.1:PORT" + path
    QString url(const QString &path = QString()) const;

    void script(const QByteArray &path, QList<Response> responses);
    static Response json(int status, const QByteArray &reason, const QByteArray &body);

    const QList<Request> &requests() const { return m_requests; }
    int count(const QByteArray &path) const;
    int heldCount() const { return int(m_held.size()); }
    // Held requests whose connection the client has not closed.
    int openHeldCount() const;
    // Answers every held request with `response`.
    void release(const Response &response);
    // Filler bytes of streamed bodies handed to connections so far, and streams still going
    // (a client that aborts closes its connection, which ends the stream).
    qint64 streamedBytes() const { return m_streamedBytes; }
    int activeStreams() const;

signals:
    void requestReceived();

private:
    struct Held
    {
        QPointer<QTcpSocket> socket;
        bool head = false;
    };

    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const Response &response, bool head);
    void startStream(QTcpSocket *socket, const Response &response);
    void feed(QTcpSocket *socket);

    struct Stream
    {
        qint64 remaining = 0;
        bool closeAtEnd = false;
    };

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QMap<QByteArray, QList<Response>> m_scripts;
    QList<Request> m_requests;
    QList<Held> m_held;
    QHash<QTcpSocket *, Stream> m_streams;
    qint64 m_streamedBytes = 0;
};
