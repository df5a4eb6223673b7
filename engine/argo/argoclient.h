#pragma once

#include "engine/support/expected.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace fanout {

// Where an Argo Server is, and who Fanout is to it.
struct ArgoConnection
{
    QUrl server;                  // https://argo.example.com:2746
    QString ns = QStringLiteral("argo");
    QByteArray token;             // sent as "Authorization: Bearer ..." to the server's origin only

    // Whether `server` can be an Argo Server's address: http or https, with a host.
    static bool isServerAddress(const QUrl &server)
    {
        return server.isValid() && (server.scheme() == QLatin1String("https") || server.scheme() == QLatin1String("http")) && !server.host().isEmpty();
    }
};

// The Argo Server's REST API (tests/argo/swagger.json), as Fanout uses it: submit a workflow, read
// one, retry, stop or terminate it, and follow its changes through /api/v1/workflow-events as a
// server-sent event stream read as it arrives, and its steps' output through its log endpoint. A
// stream that breaks (a proxy's timeout, a network hiccup, a restarted server) is opened again with
// backoff from the last resourceVersion seen, so that no change is lost; changes already seen are
// not passed on twice (nor log lines). Lives on the thread that made it (the GUI's, or the command
// line's); every call answers there, later.
class ArgoClient : public QObject
{
    Q_OBJECT

public:
    using Result = std::function<void(const Expected<nlohmann::ordered_json> &)>;

    explicit ArgoClient(ArgoConnection connection, QObject *parent = nullptr);
    ~ArgoClient() override;

    const ArgoConnection &connection() const { return m_connection; }

    void submit(const nlohmann::ordered_json &workflow, Result done);
    void get(const QString &name, Result done);
    // Retries the failed nodes (those `nodeFieldSelector` selects, such as "displayName=db", or
    // all failed nodes when it is empty); their dependents run again as they succeed.
    void retry(const QString &name, const QString &nodeFieldSelector, Result done);
    void stop(const QString &name, Result done);       // nothing new starts; running steps finish
    void terminate(const QString &name, Result done);  // running steps are stopped too

    // Follows workflow `name` until it has finished (or stopWatching): workflowChanged for each
    // change, in order, once. Problems while following are said (watchInterrupted) and the stream
    // reopened, with backoff up to kMaxBackoffMs; an answer that reconnecting cannot mend (the
    // token is refused, the workflow does not exist) ends it (watchFailed).
    void watch(const QString &name);
    void stopWatching();
    bool isWatching() const { return !m_watched.isEmpty(); }

    // Follows the output of every step of workflow `name` (the Argo Server's workflow log endpoint,
    // logOptions.follow) until the workflow has ended and its last line has been read: logLine
    // for each line, in order for each pod, once. A stream that breaks is opened again with
    // backoff, and the lines already passed on are not passed on again; logsEnded at the end.
    void followLogs(const QString &name);
    void stopFollowingLogs();
    bool isFollowingLogs() const;

    static constexpr int kFirstBackoffMs = 250;
    static constexpr int kMaxBackoffMs = 10'000;

    // "completed" by Argo's label, or a final phase.
    static bool isFinished(const nlohmann::ordered_json &workflow);

signals:
    void workflowChanged(const nlohmann::ordered_json &workflow);
    void watchInterrupted(const QString &problem, int retryInMs);
    void watchFailed(const QString &problem);
    void logLine(const QString &podName, const QString &line);
    void logsEnded();
    // The logs cannot be followed (the token may not read them, the workflow is not there): why;
    // logsEnded follows. A log stream that only broke is said with watchInterrupted, and reopened.
    void logsFailed(const QString &problem);

private:
    QNetworkRequest request(const QString &path, const QList<std::pair<QString, QString>> &query = {}) const;
    void send(const QByteArray &verb, const QString &path, const nlohmann::ordered_json *body, Result done);
    void shutdown(const QString &name, const QString &how, Result done); // "stop" or "terminate"
    void openStream();
    void onStreamData();
    void onStreamFinished();
    void handleEvent(const QByteArray &data);
    void scheduleReconnect(const QString &problem);
    QString describe(QNetworkReply *reply, const QByteArray &body) const;
    // Shared by the event stream and the log stream.
    QNetworkReply *getStream(const QString &path, const QList<std::pair<QString, QString>> &query);
    void readMessages(QNetworkReply *stream, QByteArray &buffer, const std::function<bool(const QByteArray &)> &handle);
    enum class StreamEnd { Ended, Broken, Refused };
    StreamEnd endOf(QNetworkReply *stream, QString *problem) const;
    static void dropStream(QPointer<QNetworkReply> &stream, QObject *receiver);
    static int nextWait(int &backoffMs);
    void openLogStream();
    void onLogStreamData();
    void onLogStreamFinished();
    void handleLogLine(const QByteArray &data);

    ArgoConnection m_connection;
    QNetworkAccessManager *m_network = nullptr;

    QString m_watched;              // the workflow followed; empty when none
    QPointer<QNetworkReply> m_stream;
    QByteArray m_buffer;            // what has arrived of the stream and is not an event yet
    qint64 m_lastVersion = -1;      // the last resourceVersion passed on
    QString m_lastVersionText;
    int m_backoffMs = kFirstBackoffMs;
    QTimer m_reconnect;

    QString m_logsOf;               // the workflow whose logs are followed; empty when none
    QPointer<QNetworkReply> m_logStream;
    QByteArray m_logBuffer;
    QHash<QString, qint64> m_linesPassed; // by pod: lines passed on (logLine) since followLogs
    QHash<QString, qint64> m_linesRead;   // by pod: lines the current log stream has sent
    int m_logBackoffMs = kFirstBackoffMs;
    QTimer m_logReconnect;
};

} // namespace fanout
