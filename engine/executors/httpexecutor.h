#pragma once

#include "engine/executors/executor.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <string>
#include <utility>

namespace fanout {

// Provisions through a REST API: sends one request, optionally polls until the thing it created is
// ready, and reads outputs (ids, addresses) from the JSON responses. Asynchronous: an attempt holds
// a run slot but no pool thread, so hundreds of API calls can be in flight at once.
class HttpExecutor final : public Executor
{
public:
    using Header = std::pair<QByteArray, QString>; // name, value (which may use ${self.outputs.K})

    // "/status" equals "available": a JSON pointer into a response and the JSON value it must have.
    struct Condition
    {
        std::string pointer;
        nlohmann::ordered_json equals;
    };

    struct Request
    {
        QByteArray method = "GET";
        QString url;
        QList<Header> headers;
        std::optional<nlohmann::ordered_json> body;
        QList<int> expect; // empty = any 2xx
    };

    struct Wait
    {
        QString url;                // the request's when the plan gives none
        QByteArray method = "GET";
        QList<Header> headers;      // added to (and overriding) the request's
        qint64 intervalMs = 2000;
        Condition until;
        std::optional<Condition> failIf;
    };

    // What bounds one attempt's network use, so that no server can hold it or fill its memory for
    // ever: a resource's own fields, else the plan's "defaults": {"http": {...}} (same names, same
    // places), else these. The resource's `timeout` still bounds the attempt as a whole.
    struct Limits
    {
        static constexpr qint64 kDefaultRequestTimeoutMs = 5 * 60'000;
        static constexpr qint64 kDefaultMaxResponseBytes = qint64(16) << 20;
        static constexpr int kDefaultMaxPolls = 1800; // an hour at the default 2s interval

        // From sending a request (or a poll) to the last byte of its response: a total, which a
        // server sending a byte now and then does not reset. "request_timeout".
        qint64 requestTimeoutMs = kDefaultRequestTimeoutMs;
        // The most bytes of one response body that are read; past it the transfer is aborted.
        // "max_response_size".
        qint64 maxResponseBytes = kDefaultMaxResponseBytes;
        // The most polls of one attempt's wait, failed ones included. "wait.max_polls".
        int maxPolls = kDefaultMaxPolls;
    };

    // An http resource's parameters, read from its plan entry.
    struct Spec
    {
        Request request;
        std::optional<Wait> wait;
        QList<std::pair<QString, std::string>> outputs; // output key, JSON pointer
        Limits limits;
    };

    // Polls that fail (no answer, an unexpected status, a body that is not JSON) are logged and
    // polling goes on: APIs hiccup while they create things. This many in a row end the attempt.
    static constexpr int kMaxPollErrorsInARow = 5;

    // Reads an http resource's parameters. Problems go to `out` (when given), each at its JSON path
    // under `path`. Parts that still hold a reference (${...}) are checked only as far as they can
    // be before it is resolved. `planDefaults` is the plan's "defaults"."http" (null: none); its
    // problems are reported under "defaults.http".
    static Spec readSpec(const nlohmann::ordered_json &params, const QString &path, Diagnostics *out,
                         const nlohmann::ordered_json *planDefaults = nullptr);
    // "12 MiB", "512 KiB", "300 bytes": a size as messages show it.
    static QString formatSize(qint64 bytes);

    const ExecutorDescription &description() const override;
    void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const override;
    void validateDefaults(const nlohmann::ordered_json &defaults, const QString &path, Diagnostics &out) const override;
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const override;
};

} // namespace fanout
