#include "engine/executors/attempt.h"
#include "engine/executors/attemptmailbox.h"
#include "engine/executors/executorregistry.h"
#include "engine/executors/httpattempt.h"
#include "engine/executors/httpexecutor.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"
#include "testhttpserver.h"
#include "tests/expect.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QThreadPool>

#include <nlohmann/json.hpp>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

using Response = TestHttpServer::Response;

Response reply(int status, const QByteArray &reason, const json &body)
{
    return TestHttpServer::json(status, reason, QByteArray::fromStdString(body.dump()));
}

Response held()
{
    Response response;
    response.hold = true;
    return response;
}

// A body of `bytes` filler bytes, written as the connection takes them; `trickleMs`: one byte at a
// time, that far apart.
Response streamed(qint64 bytes, bool announceLength, int trickleMs = 0)
{
    Response response;
    response.streamBytes = bytes;
    response.announceLength = announceLength;
    response.trickleMs = trickleMs;
    return response;
}

// The most memory this process has held so far, in bytes (0 where unknown).
qint64 peakMemory()
{
#ifdef Q_OS_LINUX
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        return qint64(usage.ru_maxrss) * 1024;
#endif
    return 0;
}

std::string str(const QString &text)
{
    return text.toStdString();
}

json httpResource(const std::string &id, json fields)
{
    json r = {{"id", id}, {"type", "http"}};
    r.update(fields);
    return r;
}

json planOf(std::vector<json> resources, json extra = json::object())
{
    json p = extra;
    p["name"] = "http-test";
    p["resources"] = resources;
    return p;
}

// Through the plan reader, as `fanout run` reads a file.
PlanReadResult read(const json &document)
{
    return PlanReader::readText(QByteArray::fromStdString(document.dump(2)), QStringLiteral("plan.json"), ExecutorRegistry::builtIn());
}

Plan validPlan(const json &document)
{
    const PlanReadResult result = read(document);
    for (const Diagnostic &d : result.diagnostics)
        qWarning("%s", qPrintable(d.toString()));
    FANOUT_EXPECT(!result.hasErrors());
    return result.plan;
}

bool waitFinished(Scheduler &s, int timeoutMs = 20'000)
{
    if (!s.isRunning())
        return true;
    QSignalSpy finished(&s, &Scheduler::finished);
    return finished.wait(timeoutMs);
}

QString errorOf(const Scheduler &s, int resource = 0)
{
    const ResourceStatus &status = s.status(resource);
    return status.attempts.isEmpty() ? QString() : status.attempts.constLast().error;
}

QStringList logOf(const Scheduler &s, int resource = 0)
{
    QStringList lines;
    for (const RunEvent &e : s.journal()) {
        if (e.kind == RunEvent::Kind::Log && e.resource == resource)
            lines.append(e.text);
    }
    return lines;
}

bool logHas(const Scheduler &s, const QString &text)
{
    const QStringList lines = logOf(s);
    return std::any_of(lines.begin(), lines.end(), [&](const QString &line) { return line.contains(text); });
}

// An attempt outside any scheduler, to see exactly what the executor does with it.
struct LoneAttempt
{
    std::shared_ptr<Plan> plan;
    std::shared_ptr<AttemptMailbox> mailbox;
    std::shared_ptr<Attempt> attempt;

    // `params` are what the scheduler would set: for a destroy action, its request.
    explicit LoneAttempt(const json &params)
    {
        plan = std::make_shared<Plan>(validPlan(planOf({httpResource("bucket", {{"request", {{"url", "https://example.com"}}}})})));
        QElapsedTimer clock;
        clock.start();
        mailbox = std::make_shared<AttemptMailbox>(clock, [] {});
        attempt = std::make_shared<Attempt>(plan, 0, 1, 0, mailbox);
        attempt->setParams(params);
    }
    // The error it finished with; empty if it succeeded.
    QString error() const
    {
        for (const AttemptMessage &m : mailbox->takeAll()) {
            if (m.kind == AttemptMessage::Kind::Finished)
                return m.succeeded ? QString() : m.text;
        }
        return QStringLiteral("(no finish message)");
    }
};

} // namespace

class tst_HttpExecutor : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void validation_data();
    void validation();
    void validPlansHaveNoProblems();
    void postSendsHeadersAndBodyAsGiven();
    void stringBodyIsSentAsIs();
    void unexpectedStatusFailsWithExcerpt();
    void responseProblems_data();
    void responseProblems();
    void pollsUntilReadyAndReadsOutputsAgain();
    void failIfEndsTheWait();
    void pollErrorsAreToleratedUpToALimit();
    void connectionRefusedFailsClearly();
    void timeoutStopsAPollThatNeverAnswers();
    void limitsHaveDefaultsThePlanAndTheResourceOverride();
    void planDefaultsAreChecked();
    void requestTimeoutEndsACallThatIsNeverAnswered();
    void requestTimeoutIsATotalThatATrickleDoesNotReset();
    void responseLargerThanTheLimitIsNotRead_data();
    void responseLargerThanTheLimitIsNotRead();
    void headIsNotJudgedByTheLengthItAnnounces();
    void waitEndsAfterMaxPolls();
    void aPollThatTimesOutIsAFailedPoll();
    void cancelAbortsAnInFlightRequest();
    void destroyUsesKnownOutputs();
    void unknownSelfOutputIsNamed();
    void attemptsHoldNoPoolThread();
    void manyRequestsToOneHostRunAtOnce();

private:
    std::unique_ptr<TestHttpServer> m_server;
};

void tst_HttpExecutor::init()
{
    m_server = std::make_unique<TestHttpServer>();
    QVERIFY(m_server->listen());
}

void tst_HttpExecutor::validation_data()
{
    QTest::addColumn<QByteArray>("fields"); // the resource's fields besides id and type, as JSON
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const json request = {{"url", "https://api.example.com/buckets"}};
    const json until = {{"pointer", "/status"}, {"equals", "available"}};
    auto row = [](const char *name, const json &fields, const char *path, const char *message) {
        QTest::newRow(name) << QByteArray::fromStdString(fields.dump()) << QString::fromLatin1(path) << QString::fromLatin1(message);
    };
    row("missing request", json::object(), "resources[0]", "needs a \"request\"");
    row("request not an object", {{"request", "https://x"}}, "resources[0].request", "must be an object");
    row("missing url", {{"request", {{"method", "POST"}}}}, "resources[0].request", "has no \"url\"");
    row("url not http", {{"request", {{"url", "ftp://files.example.com/x"}}}}, "resources[0].request.url", "not an http:// or https://");
    row("url without scheme", {{"request", {{"url", "api.example.com/x"}}}}, "resources[0].request.url", "must start with http://");
    row("url without host", {{"request", {{"url", "http:///x"}}}}, "resources[0].request.url", "");
    row("bad method", {{"request", {{"method", "FETCH"}, {"url", "https://a.example.com"}}}}, "resources[0].request.method", "unknown method \"FETCH\"");
    row("expect not numbers", {{"request", {{"url", "https://a.example.com"}, {"expect", {"200"}}}}}, "resources[0].request.expect[0]", "HTTP status codes");
    row("expect out of range", {{"request", {{"url", "https://a.example.com"}, {"expect", {200, 42}}}}}, "resources[0].request.expect[1]", "100 to 599");
    row("header not a string", {{"request", {{"url", "https://a.example.com"}, {"headers", {{"X-Count", 3}}}}}}, "resources[0].request.headers[\"X-Count\"]", "must be a string");
    row("header line break", {{"request", {{"url", "https://a.example.com"}, {"headers", {{"X-A", "a\r\nX-B: b"}}}}}}, "resources[0].request.headers[\"X-A\"]", "line break");
    row("until without pointer", {{"request", request}, {"wait", {{"until", {{"equals", "available"}}}}}}, "resources[0].wait.until", "no \"pointer\"");
    row("until without equals", {{"request", request}, {"wait", {{"until", {{"pointer", "/status"}}}}}}, "resources[0].wait.until", "no \"equals\"");
    row("wait without until", {{"request", request}, {"wait", {{"interval", "1s"}}}}, "resources[0].wait", "no \"until\"");
    row("interval bad", {{"request", request}, {"wait", {{"interval", "soon"}, {"until", until}}}}, "resources[0].wait.interval", "bad duration");
    row("interval zero", {{"request", request}, {"wait", {{"interval", "0s"}, {"until", until}}}}, "resources[0].wait.interval", "more than 0");
    row("pointer without slash", {{"request", request}, {"wait", {{"until", {{"pointer", "status"}, {"equals", 1}}}}}}, "resources[0].wait.until.pointer", "not a JSON pointer");
    row("outputs not pointers", {{"request", request}, {"outputs", {{"id", 7}}}}, "resources[0].outputs.id", "JSON pointer");
    row("outputs not an object", {{"request", request}, {"outputs", {"/id"}}}, "resources[0].outputs", "must be an object");
    // A misspelt field would be ignored ("expct": any 2xx would do): an error, unless it is a note.
    row("request field misspelt", {{"request", {{"url", "https://a.example.com"}, {"expct", {201}}}}}, "resources[0].request.expct", "unknown field \"expct\"; did you mean \"expect\"?");
    row("condition field misspelt", {{"request", request}, {"wait", {{"until", {{"pointer", "/status"}, {"equals", 1}, {"equal", 2}}}}}}, "resources[0].wait.until.equal", "unknown field \"equal\"");
    row("request_timeout zero", {{"request", request}, {"request_timeout", "0s"}}, "resources[0].request_timeout", "every call has a time limit");
    row("request_timeout bad", {{"request", request}, {"request_timeout", "soon"}}, "resources[0].request_timeout", "bad duration");
    row("max_response_size MB", {{"request", request}, {"max_response_size", "16MB"}}, "resources[0].max_response_size", "units: bytes, KiB, MiB, GiB");
    row("max_response_size zero", {{"request", request}, {"max_response_size", 0}}, "resources[0].max_response_size", "from 1 byte to 1GiB");
    row("max_response_size 2GiB", {{"request", request}, {"max_response_size", "2GiB"}}, "resources[0].max_response_size", "from 1 byte to 1GiB");
    row("max_polls zero", {{"request", request}, {"wait", {{"until", until}, {"max_polls", 0}}}}, "resources[0].wait.max_polls", "whole number from 1");
}

void tst_HttpExecutor::validation()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, path);
    QFETCH(QString, message);
    const PlanReadResult result = read(planOf({httpResource("r", json::parse(fields.toStdString()))}));
    QStringList errors;
    bool found = false;
    for (const Diagnostic &d : result.diagnostics) {
        if (!d.isError())
            continue;
        errors.append(d.toString());
        found |= d.path == path && d.message.contains(message);
    }
    if (!found)
        qWarning("errors: %s", qPrintable(errors.join(QStringLiteral("\n"))));
    QVERIFY(found);
}

void tst_HttpExecutor::validPlansHaveNoProblems()
{
    // The example of the docs, references unresolved as a plan holds them.
    const json example = {
        {"request", {{"method", "POST"}, {"url", "${var.api}/buckets"},
                     {"headers", {{"Authorization", "Bearer ${env:API_TOKEN}"}}},
                     {"body", {{"name", "logs"}}}, {"expect", {200, 201}}}},
        {"wait", {{"url", "${var.api}/buckets/${self.outputs.bucket_id}"}, {"interval", "2s"},
                  {"until", {{"pointer", "/status"}, {"equals", "available"}}},
                  {"fail_if", {{"pointer", "/status"}, {"equals", "failed"}}}}},
        {"outputs", {{"bucket_id", "/id"}}}};
    Diagnostics problems;
    const HttpExecutor::Spec spec = HttpExecutor::readSpec(example, QStringLiteral("resources[0]"), &problems);
    for (const Diagnostic &d : problems)
        qWarning("%s", qPrintable(d.toString()));
    QVERIFY(problems.isEmpty());
    QCOMPARE(spec.request.method, QByteArray("POST"));
    QCOMPARE(spec.request.expect, QList<int>({200, 201}));
    QVERIFY(spec.wait);
    QCOMPARE(spec.wait->intervalMs, 2000);
    QCOMPARE(spec.wait->method, QByteArray("GET"));
    QCOMPARE(spec.outputs.size(), 1);

    // Defaults: GET, any 2xx, the wait polls the request's url.
    Diagnostics none;
    const HttpExecutor::Spec small = HttpExecutor::readSpec(
        {{"request", {{"url", "https://api.example.com/x"}}}, {"wait", {{"until", {{"pointer", ""}, {"equals", nullptr}}}}}},
        QString(), &none);
    QVERIFY(none.isEmpty());
    QCOMPARE(small.request.method, QByteArray("GET"));
    QVERIFY(small.request.expect.isEmpty());
    QCOMPARE(small.wait->url, QStringLiteral("https://api.example.com/x"));
    QCOMPARE(small.wait->intervalMs, 2000);

    QVERIFY(HttpAttempt::urlProblem(QStringLiteral("${var.api}/buckets"), false).isEmpty());
    QVERIFY(HttpAttempt::urlProblem(QStringLiteral("https://${var.host}/x"), false).isEmpty());
    QVERIFY(!HttpAttempt::urlProblem(QStringLiteral("ftp://${var.host}/x"), false).isEmpty());
    QVERIFY(!HttpAttempt::urlProblem(QStringLiteral("${var.api}/buckets"), true).isEmpty());
}

void tst_HttpExecutor::postSendsHeadersAndBodyAsGiven()
{
    m_server->script("/buckets", {reply(201, "Created", {{"id", "b-1"}, {"status", "available"}})});
    const json body = {{"name", "logs"}, {"tags", {"a", "b"}}, {"size", 3}};
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/buckets")))},
                     {"headers", {{"Authorization", "Bearer t0k3n"}, {"X-Trace", "abc"}}},
                     {"body", body}, {"expect", {200, 201}}}},
        {"outputs", {{"bucket_id", "/id"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(errorOf(s), QString());
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QCOMPARE(s.status(0).outputs.value(QStringLiteral("bucket_id")), QStringLiteral("b-1"));

    QCOMPARE(m_server->requests().size(), 1);
    const TestHttpServer::Request &request = m_server->requests().constFirst();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/buckets"));
    QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer t0k3n"));
    QCOMPARE(request.headers.value("x-trace"), QByteArray("abc"));
    QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
    QVERIFY(request.headers.value("user-agent").startsWith("fanout/"));
    QVERIFY(json::parse(request.body.toStdString()) == body);

    const QString line = QStringLiteral("POST %1 → 201 Created (").arg(m_server->url(QStringLiteral("/buckets")));
    QVERIFY2(logHas(s, line), qPrintable(logOf(s).join(QLatin1Char('\n'))));
    QVERIFY(!logOf(s).join(QLatin1Char('\n')).contains(QStringLiteral("t0k3n"))); // no secrets in the log
}

void tst_HttpExecutor::stringBodyIsSentAsIs()
{
    m_server->script("/form", {reply(200, "OK", json::object())});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("form", {
        {"request", {{"method", "put"}, {"url", str(m_server->url(QStringLiteral("/form")))},
                     {"headers", {{"content-type", "application/x-www-form-urlencoded"}}},
                     {"body", "a=1&b=two"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QCOMPARE(m_server->requests().size(), 1);
    QCOMPARE(m_server->requests()[0].method, QByteArray("PUT"));
    QCOMPARE(m_server->requests()[0].body, QByteArray("a=1&b=two"));
    QCOMPARE(m_server->requests()[0].headers.value("content-type"), QByteArray("application/x-www-form-urlencoded"));
}

void tst_HttpExecutor::unexpectedStatusFailsWithExcerpt()
{
    m_server->script("/buckets", {reply(500, "Internal Server Error", {{"message", "disk full"}})});
    Scheduler s(ExecutorRegistry::builtIn());
    const QString url = m_server->url(QStringLiteral("/buckets"));
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"request", {{"method", "POST"}, {"url", str(url)}, {"body", {{"name", "logs"}}}, {"expect", {200, 201}}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(errorOf(s), QStringLiteral("POST %1: status 500 Internal Server Error, expected 200 or 201: {\"message\":\"disk full\"}").arg(url));
}

void tst_HttpExecutor::responseProblems_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("pointer missing") << QByteArray::fromStdString(json{{"name", "x"}}.dump())
                                     << QStringLiteral("outputs.bucket_id: /id not found in the response to POST ");
    QTest::newRow("not JSON") << QByteArray("<html>hello</html>")
                              << QStringLiteral("the response (18 bytes) is not JSON: syntax error at byte 1, but the outputs are read from it");
    QTest::newRow("no body") << QByteArray() << QStringLiteral("the response has no body");
    QTest::newRow("number too large") << QByteArray("{\"id\": 1e999}") << QStringLiteral("is JSON with a value Fanout cannot read (a number too large)");
}

void tst_HttpExecutor::responseProblems()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    m_server->script("/buckets", {TestHttpServer::json(201, "Created", body)});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/buckets")))}}},
        {"outputs", {{"bucket_id", "/id"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QVERIFY2(errorOf(s).contains(error), qPrintable(errorOf(s)));
    QVERIFY(!errorOf(s).contains(QStringLiteral("hello"))); // a successful body is never shown
}

void tst_HttpExecutor::pollsUntilReadyAndReadsOutputsAgain()
{
    m_server->script("/buckets", {reply(201, "Created", {{"id", "b-7"}, {"status", "creating"}, {"region", "eu"}})});
    m_server->script("/buckets/b-7", {reply(200, "OK", {{"status", "creating"}}),
                                      reply(200, "OK", {{"status", "creating"}}),
                                      reply(200, "OK", {{"id", "b-7"}, {"status", "available"}, {"arn", "arn:b-7"}})});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/buckets")))},
                     {"headers", {{"Authorization", "Bearer t0k3n"}}}}},
        {"wait", {{"url", str(m_server->url(QStringLiteral("/buckets/${self.outputs.bucket_id}")))}, {"interval", "10ms"},
                  {"until", {{"pointer", "/status"}, {"equals", "available"}}},
                  {"fail_if", {{"pointer", "/status"}, {"equals", "failed"}}}}},
        {"outputs", {{"bucket_id", "/id"}, {"status", "/status"}, {"region", "/region"}, {"arn", "/arn"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(errorOf(s), QString());
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QCOMPARE(m_server->count("/buckets"), 1);
    QCOMPARE(m_server->count("/buckets/b-7"), 3); // ${self.outputs.bucket_id} was substituted
    for (const TestHttpServer::Request &poll : m_server->requests().mid(1)) {
        QCOMPARE(poll.method, QByteArray("GET"));
        QCOMPARE(poll.headers.value("authorization"), QByteArray("Bearer t0k3n")); // polls carry the request's headers
    }
    const QMap<QString, QString> outputs = s.status(0).outputs;
    QCOMPARE(outputs.value(QStringLiteral("bucket_id")), QStringLiteral("b-7"));
    QCOMPARE(outputs.value(QStringLiteral("status")), QStringLiteral("available")); // the last poll's wins
    QCOMPARE(outputs.value(QStringLiteral("region")), QStringLiteral("eu"));        // kept from the request
    QCOMPARE(outputs.value(QStringLiteral("arn")), QStringLiteral("arn:b-7"));      // only in the last poll
    QVERIFY2(logHas(s, QStringLiteral("waiting: /status is \"creating\", want \"available\"")), qPrintable(logOf(s).join(QLatin1Char('\n'))));
    QVERIFY(logHas(s, QStringLiteral("wait: /status is \"available\" after 3 polls")));
}

void tst_HttpExecutor::failIfEndsTheWait()
{
    m_server->script("/buckets", {reply(201, "Created", {{"id", "b-8"}})});
    m_server->script("/buckets/b-8", {reply(200, "OK", {{"status", "creating"}}), reply(200, "OK", {{"status", "failed"}})});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/buckets")))}}},
        {"wait", {{"url", str(m_server->url(QStringLiteral("/buckets/${self.outputs.bucket_id}")))}, {"interval", "10ms"},
                  {"until", {{"pointer", "/status"}, {"equals", "available"}}},
                  {"fail_if", {{"pointer", "/status"}, {"equals", "failed"}}}}},
        {"outputs", {{"bucket_id", "/id"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(errorOf(s), QStringLiteral("wait: /status is \"failed\" (fail_if)"));
    QCOMPARE(m_server->count("/buckets/b-8"), 2);
}

void tst_HttpExecutor::pollErrorsAreToleratedUpToALimit()
{
    const Response unavailable = reply(503, "Service Unavailable", {{"message", "try later"}});
    const Response notJson = TestHttpServer::json(200, "OK", "<html>");
    const json wait = {{"interval", "10ms"}, {"until", {{"pointer", "/status"}, {"equals", "available"}}}};

    // Fewer errors in a row than the limit: logged, and polling goes on.
    m_server->script("/a", {reply(202, "Accepted", json::object())});
    m_server->script("/a/status", {unavailable, notJson, unavailable, unavailable, reply(200, "OK", {{"status", "creating"}}),
                                   unavailable, unavailable, unavailable, unavailable, reply(200, "OK", {{"status", "available"}})});
    // As many as the limit: the attempt fails with the last error.
    m_server->script("/b", {reply(202, "Accepted", json::object())});
    m_server->script("/b/status", {unavailable});
    json waitA = wait;
    waitA["url"] = str(m_server->url(QStringLiteral("/a/status")));
    json waitB = wait;
    waitB["url"] = str(m_server->url(QStringLiteral("/b/status")));
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({
        httpResource("a", {{"request", {{"url", str(m_server->url(QStringLiteral("/a")))}}}, {"wait", waitA}}),
        httpResource("b", {{"request", {{"url", str(m_server->url(QStringLiteral("/b")))}}}, {"wait", waitB}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(errorOf(s, 0), QString());
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QCOMPARE(m_server->count("/a/status"), 10);
    QCOMPARE(s.status(1).state, ResourceState::Failed);
    QCOMPARE(m_server->count("/b/status"), HttpExecutor::kMaxPollErrorsInARow);
    QCOMPARE(errorOf(s, 1), QStringLiteral("wait: GET %1: status 503 Service Unavailable, expected 2xx: {\"message\":\"try later\"} (5 failed polls in a row)")
                                .arg(m_server->url(QStringLiteral("/b/status"))));
}

void tst_HttpExecutor::connectionRefusedFailsClearly()
{
    quint16 port = 0;
    {
        QTcpServer closed; // a port that was free a moment ago and has nobody listening now
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        port = closed.serverPort();
    }
    const QString url = QStringLiteral("http://127.0.0.1:%1/buckets").arg(port);
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {{"request", {{"method", "POST"}, {"url", str(url)}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QVERIFY2(errorOf(s).startsWith(QStringLiteral("POST %1: connection refused").arg(url)), qPrintable(errorOf(s)));
}

void tst_HttpExecutor::timeoutStopsAPollThatNeverAnswers()
{
    m_server->script("/buckets", {reply(201, "Created", {{"id", "b-1"}})});
    m_server->script("/buckets/b-1", {held()});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("bucket", {
        {"timeout", "300ms"},
        {"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/buckets")))}}},
        {"wait", {{"url", str(m_server->url(QStringLiteral("/buckets/${self.outputs.bucket_id}")))},
                  {"until", {{"pointer", "/status"}, {"equals", "available"}}}}},
        {"outputs", {{"bucket_id", "/id"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(s.status(0).attempts.constLast().outcome, AttemptRecord::Outcome::TimedOut);
    QCOMPARE(errorOf(s), QStringLiteral("timed out after 300ms"));
    QCOMPARE(m_server->heldCount(), 1);     // the poll was in flight...
    QTRY_COMPARE(m_server->openHeldCount(), 0); // ...and was aborted, closing its connection
}

void tst_HttpExecutor::limitsHaveDefaultsThePlanAndTheResourceOverride()
{
    const json request = {{"url", "https://api.example.com/x"}};
    const json until = {{"pointer", "/status"}, {"equals", "available"}};
    // Nothing said: every call still has a limit.
    const HttpExecutor::Spec bare = HttpExecutor::readSpec({{"request", request}}, QString(), nullptr);
    QCOMPARE(bare.limits.requestTimeoutMs, 5 * 60 * 1000);
    QCOMPARE(bare.limits.maxResponseBytes, 16 * 1024 * 1024);
    QCOMPARE(bare.limits.maxPolls, 1800);

    // The plan's defaults.http, as the plan reader keeps them; then a resource's own fields.
    const Plan plan = validPlan(planOf({httpResource("a", {{"request", request}, {"wait", {{"until", until}}}}),
                                        httpResource("b", {{"request", request}, {"request_timeout", "45s"}, {"max_response_size", "512KiB"},
                                                           {"wait", {{"until", until}, {"max_polls", 7}}}})},
                                       {{"defaults", {{"timeout", "1h"}, {"http", {{"request_timeout", "2m"}, {"max_response_size", "1MiB"},
                                                                                  {"wait", {{"max_polls", 100}}}}}}}}));
    const json &planDefaults = plan.executorDefaults.at("http");
    Diagnostics problems;
    const HttpExecutor::Spec a = HttpExecutor::readSpec(plan.resources[0].params, QString(), &problems, &planDefaults);
    QCOMPARE(a.limits.requestTimeoutMs, 2 * 60 * 1000);
    QCOMPARE(a.limits.maxResponseBytes, 1024 * 1024);
    QCOMPARE(a.limits.maxPolls, 100);
    const HttpExecutor::Spec b = HttpExecutor::readSpec(plan.resources[1].params, QString(), &problems, &planDefaults);
    QCOMPARE(b.limits.requestTimeoutMs, 45 * 1000);
    QCOMPARE(b.limits.maxResponseBytes, 512 * 1024);
    QCOMPARE(b.limits.maxPolls, 7);
    QVERIFY(problems.isEmpty());
    QCOMPARE(plan.resources[0].timeoutMs, 60 * 60 * 1000); // the resource-level timeout is unchanged by defaults.http

    // Sizes as people write them.
    for (const auto &[written, bytes] : std::vector<std::pair<json, qint64>>{{"300", 300}, {300, 300}, {"64 KiB", 65536}, {"2mib", 2 << 20}, {"1GiB", qint64(1) << 30}}) {
        const HttpExecutor::Spec spec = HttpExecutor::readSpec({{"request", request}, {"max_response_size", written}}, QString(), &problems);
        QCOMPARE(spec.limits.maxResponseBytes, bytes);
    }
    QVERIFY(problems.isEmpty());
    QCOMPARE(HttpExecutor::formatSize(16 << 20), QStringLiteral("16 MiB"));
    QCOMPARE(HttpExecutor::formatSize(1536), QStringLiteral("1536 bytes"));
    QCOMPARE(HttpExecutor::formatSize(3072), QStringLiteral("3 KiB"));
}

void tst_HttpExecutor::planDefaultsAreChecked()
{
    const json request = {{"url", "https://api.example.com/x"}};
    const PlanReadResult result = read(planOf({httpResource("a", {{"request", request}})},
                                              {{"defaults", {{"http", {{"request_timeout", "0s"}, {"max_response_size", "16MB"},
                                                                       {"wait", {{"max_polls", -1}, {"interval", "1s"}}}, {"timout", "1m"}}},
                                                             {"sim", {{"duration", "1s"}}}, {"htpp", json::object()}}}}));
    QStringList found;
    for (const Diagnostic &d : result.diagnostics)
        found.append(QStringLiteral("%1 %2: %3").arg(d.isError() ? QStringLiteral("error") : QStringLiteral("warning"), d.path, d.message));
    const auto has = [&](const QString &start) {
        return std::any_of(found.cbegin(), found.cend(), [&](const QString &line) { return line.startsWith(start); });
    };
    const QString all = found.join(QLatin1Char('\n'));
    QVERIFY2(has(QStringLiteral("error defaults.http.request_timeout: must be more than 0")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("error defaults.http.max_response_size: \"16MB\" is not a size")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("error defaults.http.wait.max_polls: must be a whole number from 1")), qPrintable(all));
    // A misspelt setting would be ignored: an error, as anywhere in a plan.
    QVERIFY2(has(QStringLiteral("error defaults.http.wait.interval: unknown field")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("error defaults.http.timout: unknown field \"timout\"")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("error defaults.sim: sim resources take no plan-wide settings")), qPrintable(all));
    QVERIFY2(has(QStringLiteral("error defaults.htpp: unknown field \"htpp\"; did you mean \"http\"?")), qPrintable(all));
}

void tst_HttpExecutor::requestTimeoutEndsACallThatIsNeverAnswered()
{
    // The server reads each request and never answers. No resource-level timeout: only the
    // request timeout, from the plan's defaults or the resource's own, ends the first two.
    m_server->script("/slow", {held()});
    const QString url = m_server->url(QStringLiteral("/slow"));
    const json request = {{"method", "POST"}, {"url", str(url)}};
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("plan-default", {{"request", request}}),
                                      httpResource("own", {{"request", request}, {"request_timeout", "200ms"}}),
                                      httpResource("resource-timeout", {{"request", request}, {"request_timeout", "1m"}, {"timeout", "250ms"}})},
                                     {{"defaults", {{"http", {{"request_timeout", "300ms"}}}}}}))));
    QVERIFY(waitFinished(s));
    const QString raise = QStringLiteral(", the most one call may take (request_timeout); raise request_timeout on the resource, "
                                         "or defaults.http.request_timeout for the whole plan");
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(errorOf(s, 0), QStringLiteral("POST %1: no answer within 300ms").arg(url) + raise);
    QCOMPARE(s.status(1).state, ResourceState::Failed);
    QCOMPARE(errorOf(s, 1), QStringLiteral("POST %1: no answer within 200ms").arg(url) + raise);
    // Whichever ends first: here the resource's timeout.
    QCOMPARE(s.status(2).attempts.constLast().outcome, AttemptRecord::Outcome::TimedOut);
    QCOMPARE(errorOf(s, 2), QStringLiteral("timed out after 250ms"));
    QCOMPARE(m_server->heldCount(), 3);
    QTRY_COMPARE(m_server->openHeldCount(), 0); // every call was aborted, its connection closed
}

void tst_HttpExecutor::requestTimeoutIsATotalThatATrickleDoesNotReset()
{
    // A byte every 200ms of a 1000-byte body: an idle timeout of 1s (Qt's setTransferTimeout)
    // would restart at each byte and never fire; request_timeout counts from the request.
    m_server->script("/trickle", {streamed(1000, true, 200)});
    const QString url = m_server->url(QStringLiteral("/trickle"));
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("trickle", {{"request", {{"url", str(url)}}}, {"request_timeout", "1s"}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QVERIFY2(errorOf(s).startsWith(QStringLiteral("GET %1: the response was still arriving after 1s (").arg(url)), qPrintable(errorOf(s)));
    QVERIFY(errorOf(s).contains(QStringLiteral("raise request_timeout")));
    QVERIFY2(m_server->streamedBytes() >= 2, qPrintable(QString::number(m_server->streamedBytes()))); // bytes did flow
    QVERIFY(m_server->streamedBytes() < 1000);
    QTRY_COMPARE(m_server->activeStreams(), 0); // the client hung up
}

void tst_HttpExecutor::responseLargerThanTheLimitIsNotRead_data()
{
    QTest::addColumn<bool>("announceLength");
    QTest::addColumn<QString>("error");
    QTest::newRow("Content-Length says 100 MiB") << true
        << QStringLiteral(": the response is 100 MiB (Content-Length), more than the 16 MiB max_response_size allows, so it was not read; "
                          "raise max_response_size on the resource, or defaults.http.max_response_size for the whole plan");
    QTest::newRow("no length, 100 MiB until the connection closes") << false
        << QStringLiteral(": the response is larger than the 16 MiB max_response_size allows; reading stopped there; "
                          "raise max_response_size on the resource, or defaults.http.max_response_size for the whole plan");
}

void tst_HttpExecutor::responseLargerThanTheLimitIsNotRead()
{
    QFETCH(bool, announceLength);
    QFETCH(QString, error);
    constexpr qint64 kSent = qint64(100) << 20;
    m_server->script("/huge", {streamed(kSent, announceLength)});
    const QString url = m_server->url(QStringLiteral("/huge"));
    const qint64 memoryBefore = peakMemory();
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("huge", {{"request", {{"url", str(url)}}}, {"outputs", {{"id", "/id"}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(errorOf(s), QStringLiteral("GET ") + url + error);
    QTRY_COMPARE(m_server->activeStreams(), 0); // the client hung up...
    const qint64 streamed = m_server->streamedBytes();
    const qint64 grown = peakMemory() - memoryBefore;
    qInfo("streamed %lld MiB of %lld MiB; peak memory grew by %lld MiB", streamed >> 20, kSent >> 20, grown >> 20);
    // ...before the end. How far the server got is not the client's doing: Linux lets a
    // connection's receive buffer grow to net.ipv4.tcp_rmem's maximum (32 MiB here) past what the
    // client read, so only memory says what the client held.
    QVERIFY2(streamed < kSent, qPrintable(QString::number(streamed >> 20)));
    QVERIFY2(grown < (qint64(64) << 20), qPrintable(QString::number(grown >> 20))); // nothing like 100 MiB was held
}

void tst_HttpExecutor::headIsNotJudgedByTheLengthItAnnounces()
{
    // The answer to a HEAD gives the length of the body a GET would get, and sends none.
    m_server->script("/huge", {streamed(qint64(100) << 20, true)});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("check", {{"request", {{"method", "HEAD"}, {"url", str(m_server->url(QStringLiteral("/huge")))}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(errorOf(s), QString());
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
}

void tst_HttpExecutor::waitEndsAfterMaxPolls()
{
    m_server->script("/a", {reply(202, "Accepted", json::object())});
    m_server->script("/a/status", {reply(200, "OK", {{"status", "creating"}})});
    m_server->script("/b", {reply(202, "Accepted", json::object())});
    m_server->script("/b/status", {reply(503, "Service Unavailable", json::object())});
    const json until = {{"pointer", "/status"}, {"equals", "available"}};
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({
        httpResource("a", {{"request", {{"url", str(m_server->url(QStringLiteral("/a")))}}},
                           {"wait", {{"url", str(m_server->url(QStringLiteral("/a/status")))}, {"interval", "10ms"}, {"until", until}, {"max_polls", 3}}}}),
        httpResource("b", {{"request", {{"url", str(m_server->url(QStringLiteral("/b")))}}},
                           {"wait", {{"url", str(m_server->url(QStringLiteral("/b/status")))}, {"interval", "10ms"}, {"until", until}}}})},
        {{"defaults", {{"http", {{"wait", {{"max_polls", 2}}}}}}}}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(m_server->count("/a/status"), 3);
    const QString raise = QStringLiteral(", the most wait.max_polls allows; raise wait.max_polls, or wait.interval to poll less often");
    QVERIFY2(errorOf(s, 0).startsWith(QStringLiteral("wait: /status was not \"available\" after 3 polls in ")), qPrintable(errorOf(s, 0)));
    QVERIFY(errorOf(s, 0).endsWith(QStringLiteral(" (it is \"creating\")") + raise));
    // The plan's default, and failed polls count too (fewer than the 5 in a row that end a wait).
    QCOMPARE(s.status(1).state, ResourceState::Failed);
    QCOMPARE(m_server->count("/b/status"), 2);
    QVERIFY2(errorOf(s, 1).contains(QStringLiteral("after 2 polls in ")), qPrintable(errorOf(s, 1)));
    QVERIFY(errorOf(s, 1).contains(QStringLiteral("(the last poll failed: GET %1: status 503 Service Unavailable").arg(m_server->url(QStringLiteral("/b/status")))));
}

void tst_HttpExecutor::aPollThatTimesOutIsAFailedPoll()
{
    // Like any poll without an answer, it is logged and polling goes on; a poll that is too large
    // is not a hiccup, and ends the attempt.
    m_server->script("/c", {reply(202, "Accepted", json::object())});
    m_server->script("/c/status", {held(), reply(200, "OK", {{"status", "available"}})});
    m_server->script("/d", {reply(202, "Accepted", json::object())});
    m_server->script("/d/status", {TestHttpServer::json(200, "OK", QByteArray(2048, ' ') + "{}")});
    const json until = {{"pointer", "/status"}, {"equals", "available"}};
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({
        httpResource("c", {{"request", {{"url", str(m_server->url(QStringLiteral("/c")))}}}, {"request_timeout", "200ms"},
                           {"wait", {{"url", str(m_server->url(QStringLiteral("/c/status")))}, {"interval", "10ms"}, {"until", until}}}}),
        httpResource("d", {{"request", {{"url", str(m_server->url(QStringLiteral("/d")))}}}, {"max_response_size", "1KiB"},
                           {"wait", {{"url", str(m_server->url(QStringLiteral("/d/status")))}, {"interval", "10ms"}, {"until", until}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(errorOf(s, 0), QString());
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QCOMPARE(m_server->count("/c/status"), 2);
    QVERIFY2(logHas(s, QStringLiteral("/c/status: no answer within 200ms")), qPrintable(logOf(s).join(QLatin1Char('\n'))));
    QCOMPARE(s.status(1).state, ResourceState::Failed);
    QCOMPARE(m_server->count("/d/status"), 1);
    QVERIFY2(errorOf(s, 1).contains(QStringLiteral("the response is 2050 bytes (Content-Length), more than the 1 KiB max_response_size allows")), qPrintable(errorOf(s, 1)));
}

void tst_HttpExecutor::cancelAbortsAnInFlightRequest()
{
    m_server->script("/slow", {held()});
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf({httpResource("slow", {{"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/slow")))}}}})}))));
    QTRY_COMPARE(m_server->openHeldCount(), 1);
    QSignalSpy finished(&s, &Scheduler::finished);
    s.cancel();
    QVERIFY(finished.count() == 1 || finished.wait(5000));
    QCOMPARE(s.status(0).state, ResourceState::Cancelled);
    QCOMPARE(s.status(0).attempts.constLast().outcome, AttemptRecord::Outcome::Cancelled);
    QTRY_COMPARE(m_server->openHeldCount(), 0);
}

void tst_HttpExecutor::destroyUsesKnownOutputs()
{
    m_server->script("/buckets/b-9", {Response{204, "No Content", {}, {}, false}});
    LoneAttempt lone(json{{"request", {{"method", "DELETE"}, {"url", str(m_server->url(QStringLiteral("/buckets/${self.outputs.bucket_id}")))}}}});
    lone.attempt->setKnownOutputs({{QStringLiteral("bucket_id"), QStringLiteral("b-9")}});
    QThreadPool pool;
    HttpExecutor().start(lone.attempt, pool);
    QTRY_VERIFY(lone.attempt->isFinished());
    QCOMPARE(lone.error(), QString());
    QCOMPARE(m_server->requests().size(), 1);
    QCOMPARE(m_server->requests()[0].method, QByteArray("DELETE"));
    QCOMPARE(m_server->requests()[0].path, QByteArray("/buckets/b-9"));
}

void tst_HttpExecutor::unknownSelfOutputIsNamed()
{
    LoneAttempt lone(json{{"request", {{"method", "DELETE"}, {"url", str(m_server->url(QStringLiteral("/buckets/${self.outputs.bucket}")))}}}});
    lone.attempt->setKnownOutputs({{QStringLiteral("bucket_id"), QStringLiteral("b-9")}});
    QThreadPool pool;
    HttpExecutor().start(lone.attempt, pool);
    QTRY_VERIFY(lone.attempt->isFinished());
    QCOMPARE(lone.error(), QStringLiteral("request.url: ${self.outputs.bucket} is unknown: no output \"bucket\" has been read (known: bucket_id)"));
    QVERIFY(m_server->requests().isEmpty());
}

void tst_HttpExecutor::attemptsHoldNoPoolThread()
{
    m_server->script("/slow", {held()});
    QElapsedTimer clock;
    clock.start();
    auto mailbox = std::make_shared<AttemptMailbox>(clock, [] {});
    std::vector<json> resources;
    for (int i = 0; i < 20; ++i)
        resources.push_back(httpResource(QStringLiteral("r%1").arg(i).toStdString(), {{"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/slow")))}}}}));
    const auto plan = std::make_shared<Plan>(validPlan(planOf(resources)));
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    std::vector<std::shared_ptr<Attempt>> attempts;
    const HttpExecutor executor;
    for (int i = 0; i < 20; ++i) {
        attempts.push_back(std::make_shared<Attempt>(plan, i, 1, 0, mailbox));
        executor.start(attempts.back(), pool); // returns at once: nothing waits here
        QCOMPARE(pool.activeThreadCount(), 0);
    }
    QTRY_COMPARE(m_server->heldCount(), 20); // all in flight together...
    QCOMPARE(pool.activeThreadCount(), 0);   // ...and none on the pool
    m_server->release(reply(201, "Created", json::object()));
    QTRY_VERIFY(std::all_of(attempts.begin(), attempts.end(), [](const auto &a) { return a->isFinished(); }));
    int succeeded = 0;
    for (const AttemptMessage &m : mailbox->takeAll())
        succeeded += m.kind == AttemptMessage::Kind::Finished && m.succeeded;
    QCOMPARE(succeeded, 20);
}

void tst_HttpExecutor::manyRequestsToOneHostRunAtOnce()
{
    // More than the 6 connections Qt opens to one host per QNetworkAccessManager.
    m_server->script("/slow", {held()});
    std::vector<json> resources;
    for (int i = 0; i < 20; ++i)
        resources.push_back(httpResource(QStringLiteral("r%1").arg(i).toStdString(), {{"request", {{"method", "POST"}, {"url", str(m_server->url(QStringLiteral("/slow")))}}}}));
    Scheduler s(ExecutorRegistry::builtIn());
    QVERIFY(s.start(validPlan(planOf(resources, {{"parallelism", 20}}))));
    QCOMPARE(s.count(ResourceState::Running), 20);
    QTRY_COMPARE(m_server->heldCount(), 20);
    QCOMPARE(s.count(ResourceState::Running), 20);
    m_server->release(reply(201, "Created", json::object()));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 20);
}

QTEST_GUILESS_MAIN(tst_HttpExecutor)

#include "tst_httpexecutor.moc"
