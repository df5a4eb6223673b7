#include "engine/executors/httpexecutor.h"

#include "engine/executors/attempt.h"
#include "engine/executors/httpattempt.h"
#include "engine/plan/planfields.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

#include <QRegularExpression>
#include <QUrl>

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;
const QList<QByteArray> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

const QString kRequestExample = QStringLiteral("{\"method\": \"POST\", \"url\": \"https://api.example.com/buckets\"}");
const QString kConditionExample = QStringLiteral("{\"pointer\": \"/status\", \"equals\": \"available\"}");

QString textOf(const json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

// Parts of a value that still hold a reference are resolved only when the attempt starts (or, for
// ${self.outputs.K}, when the request is sent); until then they are checked as far as they can be.
bool hasReference(const QString &value)
{
    return value.contains(QLatin1String("${"));
}

QString methodList()
{
    return QStringLiteral("GET, POST, PUT, PATCH, DELETE or HEAD");
}

using Kind = FieldDescription::Kind;

ExecutorDescription describeHttp()
{
    QStringList methods;
    for (const QByteArray &method : kMethods)
        methods.append(QString::fromLatin1(method));
    return {
        .type = QStringLiteral("http"),
        .summary = QStringLiteral("calls an HTTP API and waits for it to finish"),
        .iconName = QStringLiteral("applications-internet"),
        .iconSvg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">)"
                   R"(<circle cx="8" cy="8" r="6.4" fill="#e6f4ea" stroke="#188038" stroke-width="1.2"/>)"
                   R"(<path d="M1.8 8h12.4M8 1.6c-2.3 2.2-2.3 10.6 0 12.8M8 1.6c2.3 2.2 2.3 10.6 0 12.8" fill="none" stroke="#188038" stroke-width="1"/></svg>)",
        .newParameters = {{"request", {{"method", "GET"}, {"url", "http://localhost/"}}}},
        .section = {
            .title = QStringLiteral("HTTP request"),
            .fields = {
                {.path = QStringLiteral("request.method"), .kind = Kind::Choice, .label = QStringLiteral("Method"), .what = QStringLiteral("the method"),
                 .help = QStringLiteral("%1. Default: GET.").arg(methodList()), .choices = methods, .defaultValue = "GET"},
                {.path = QStringLiteral("request.url"), .label = QStringLiteral("URL"), .what = QStringLiteral("the URL"),
                 .help = QStringLiteral("An http:// or https:// address; may use ${var.NAME} and ${resources.ID.outputs.KEY}. Required."),
                 .placeholder = QStringLiteral("https://api.example.com/buckets"), .required = true, .claims = {QStringLiteral("request")}},
                {.path = QStringLiteral("request.headers"), .kind = Kind::NameValueMap, .label = QStringLiteral("Headers"), .what = QStringLiteral("the headers"),
                 .help = QStringLiteral("Request headers, a name and its value per row. User-Agent and Accept: application/json are set unless given."),
                 .placeholder = QStringLiteral("Name"), .secondPlaceholder = QStringLiteral("value"), .addText = QStringLiteral("Add header")},
                {.path = QStringLiteral("request.body"), .kind = Kind::JsonValue, .label = QStringLiteral("Body"), .what = QStringLiteral("the body"),
                 .help = QStringLiteral("Sent as JSON: any JSON value, such as {\"name\": \"logs\"}; a JSON string (in quotes) is sent exactly as written. "
                                        "Applied when you leave it or press Ctrl+Return. Empty: no body."),
                 .placeholder = QStringLiteral("{\"name\": \"logs\"}")},
                {.path = QStringLiteral("request.expect"), .kind = Kind::NumberList, .label = QStringLiteral("Expect"), .what = QStringLiteral("the expected statuses"),
                 .help = QStringLiteral("The HTTP statuses that mean success, such as 200, 201. Empty: any 2xx."), .placeholder = QStringLiteral("any 2xx"),
                 .minimum = 100, .maximum = 599, .wholeNumber = true},
                {.path = QStringLiteral("request_timeout"), .kind = Kind::Duration, .label = QStringLiteral("Request timeout"),
                 .what = QStringLiteral("the request timeout"),
                 .help = FieldDescription::durationHelp(QStringLiteral("How long one call (the request, or one poll) may take in all, from sending it to "
                                                                       "the last byte of the answer; a server that sends a byte now and then does not extend it"),
                                                        QStringLiteral("the plan's defaults.http.request_timeout, else 5m")),
                 .placeholder = QStringLiteral("5m"), .defaultValue = "5m"},
                {.path = QStringLiteral("max_response_size"), .label = QStringLiteral("Largest response"), .what = QStringLiteral("the largest response"),
                 .help = QStringLiteral("The most one response may hold, such as 16MiB, 512KiB or a number of bytes (up to 1GiB); a larger one is "
                                        "not read to the end and fails the attempt. Empty: the plan's defaults.http.max_response_size, else 16MiB."),
                 .placeholder = QStringLiteral("16MiB"), .defaultValue = "16MiB"},
                {.path = QStringLiteral("wait"), .kind = Kind::JsonValue, .what = QStringLiteral("the wait"),
                 .help = QStringLiteral("Polls until the resource is ready, such as {\"until\": %1}; at most \"max_polls\" times (default %2).")
                             .arg(kConditionExample).arg(HttpExecutor::Limits::kDefaultMaxPolls), .jsonOnly = true},
                {.path = QStringLiteral("outputs"), .kind = Kind::NameValueMap, .what = QStringLiteral("the outputs"),
                 .help = QStringLiteral("Output names and JSON pointers into the response, such as {\"bucket_id\": \"/id\"}."), .jsonOnly = true},
            },
            .footnote = QStringLiteral("Waiting until ready and outputs: in the JSON tab."),
        },
    };
}

const ExecutorDescription &httpDescription()
{
    static const ExecutorDescription described = describeHttp();
    return described;
}

QByteArray readMethod(const json &value, const QString &path, const ErrorSink &report)
{
    if (!value.is_string()) {
        report(path, QStringLiteral("must be one of %1, not %2").arg(methodList(), jsonTypeName(value)));
        return "GET";
    }
    const QString method = textOf(value);
    if (hasReference(method))
        return method.toUtf8();
    const QByteArray upper = method.toUpper().toUtf8();
    if (!kMethods.contains(upper)) {
        report(path, QStringLiteral("unknown method \"%1\"; use %2").arg(method, methodList()));
        return "GET";
    }
    return upper;
}

QString readUrl(const json &value, const QString &path, const ErrorSink &report)
{
    if (!value.is_string()) {
        report(path, QStringLiteral("must be an http:// or https:// address as a string, not %1").arg(jsonTypeName(value)));
        return QString();
    }
    const QString url = textOf(value);
    if (const QString problem = HttpAttempt::urlProblem(url, false); !problem.isEmpty())
        report(path, problem);
    return url;
}

// A header name is an HTTP token; a value must not be able to start another header.
QList<HttpExecutor::Header> readHeaders(const json &value, const QString &path, const ErrorSink &report)
{
    QList<HttpExecutor::Header> headers;
    if (!value.is_object()) {
        report(path, QStringLiteral("must be an object of header names and values, such as {\"Authorization\": \"Bearer ${env:API_TOKEN}\"}, not %1").arg(jsonTypeName(value)));
        return headers;
    }
    for (const auto &[name, headerValue] : value.items()) {
        const QString where = jsonMemberPath(path, QString::fromStdString(name));
        const QByteArray bytes = QByteArray::fromStdString(name);
        if (!HttpAttempt::isToken(bytes)) {
            report(where, QStringLiteral("\"%1\" is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)").arg(QString::fromStdString(name)));
            continue;
        }
        if (!headerValue.is_string()) {
            report(where, QStringLiteral("a header's value must be a string, not %1").arg(jsonTypeName(headerValue)));
            continue;
        }
        const QString headerText = textOf(headerValue);
        if (const QString problem = HttpAttempt::headerValueProblem(headerText); !problem.isEmpty()) {
            report(where, problem);
            continue;
        }
        headers.append({bytes, headerText});
    }
    return headers;
}

std::string readPointer(const json &value, const QString &path, const ErrorSink &report)
{
    if (!value.is_string()) {
        report(path, QStringLiteral("must be a JSON pointer such as \"/status\" or \"/items/0/id\", not %1").arg(jsonTypeName(value)));
        return std::string();
    }
    std::string pointer = value.get<std::string>();
    try {
        (void)json::json_pointer(pointer);
    } catch (const json::exception &) {
        report(path, QStringLiteral("\"%1\" is not a JSON pointer; write it like \"/status\" or \"/items/0/id\" (a / before each key, ~1 for a / inside a key, ~0 for ~)")
                         .arg(QString::fromStdString(pointer)));
    }
    return pointer;
}

// A misspelt field would be ignored ("expct": [201] would accept any 2xx): an error with its
// did-you-mean, as anywhere in a plan; "x-" fields are the user's notes (PlanFields).
void rejectUnknown(const json &object, const QString &path, const QStringList &known, const QString &what, const ErrorSink &report)
{
    if (report.out)
        PlanFields::check(object, path, known, what, *report.out);
}

HttpExecutor::Condition readCondition(const json &value, const QString &path, const ErrorSink &report)
{
    HttpExecutor::Condition condition;
    if (!value.is_object()) {
        report(path, QStringLiteral("must be an object such as %1, not %2").arg(kConditionExample, jsonTypeName(value)));
        return condition;
    }
    if (const auto it = value.find("pointer"); it != value.end())
        condition.pointer = readPointer(*it, jsonMemberPath(path, QStringLiteral("pointer")), report);
    else
        report(path, QStringLiteral("has no \"pointer\": say which value of the response to look at, as in %1").arg(kConditionExample));
    if (const auto it = value.find("equals"); it != value.end())
        condition.equals = *it;
    else
        report(path, QStringLiteral("has no \"equals\": say which value to look for, as in %1").arg(kConditionExample));
    rejectUnknown(value, path, {QStringLiteral("pointer"), QStringLiteral("equals")}, QStringLiteral("a wait condition"), report);
    return condition;
}

QList<int> readExpect(const json &value, const QString &path, const ErrorSink &report)
{
    const QString help = QStringLiteral("must be a list of HTTP status codes such as [200, 201]");
    QList<int> codes;
    const json list = value.is_array() ? value : json::array({value});
    if (list.empty()) {
        report(path, help + QStringLiteral("; leave it out to accept any 2xx status"));
        return codes;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json &code = list[i];
        const QString where = value.is_array() ? jsonIndexPath(path, qsizetype(i)) : path;
        if (!httpDescription().field(QStringLiteral("request.expect")).acceptsNumber(code))
            report(where, help + QStringLiteral(" (whole numbers from 100 to 599), not %1").arg(QString::fromStdString(code.dump())));
        else
            codes.append(int(code.get<qint64>()));
    }
    return codes;
}

constexpr qint64 kMaxResponseLimit = qint64(1) << 30;
constexpr int kMaxPollsLimit = 1'000'000;

// "16MiB", "512 KiB", "1GiB", "300" or 300: bytes. Binary units only, so that nobody has to
// guess whether "MB" means 1000 or 1024 of them.
Expected<qint64> parseSize(const json &value)
{
    const QString example = QStringLiteral("write a size such as \"16MiB\", \"512KiB\" or a number of bytes");
    qint64 bytes = -1;
    if (value.is_number_integer()) {
        bytes = value.get<qint64>();
    } else if (value.is_string()) {
        static const QRegularExpression pattern(QStringLiteral("^\\s*(\\d{1,13})\\s*(b|bytes?|kib|mib|gib)?\\s*$"),
                                                QRegularExpression::CaseInsensitiveOption);
        const QRegularExpressionMatch match = pattern.match(textOf(value));
        if (!match.hasMatch())
            return unexpected(QStringLiteral("\"%1\" is not a size; %2 (units: bytes, KiB, MiB, GiB)").arg(textOf(value), example));
        const QString unit = match.captured(2).toLower();
        const int shift = unit == QLatin1String("kib") ? 10 : unit == QLatin1String("mib") ? 20 : unit == QLatin1String("gib") ? 30 : 0;
        bytes = match.captured(1).toLongLong() << shift;
    } else {
        return unexpected(QStringLiteral("must be a size, not %1; %2").arg(jsonTypeName(value), example));
    }
    if (bytes < 1 || bytes > kMaxResponseLimit)
        return unexpected(QStringLiteral("must be from 1 byte to 1GiB"));
    return bytes;
}

// request_timeout, max_response_size and wait.max_polls of `object` (a resource's parameters, or
// the plan's defaults.http: the same names in the same places), over `limits`. The plan's defaults
// are not resolved, so only a resource's fields may hold a reference (${...}).
void readLimits(const json &object, const QString &path, bool referencesAllowed, const ErrorSink &report, HttpExecutor::Limits &limits)
{
    auto field = [&](const char *key) { return jsonMemberPath(path, QString::fromLatin1(key)); };
    auto unresolved = [&](const json &value) { return referencesAllowed && value.is_string() && hasReference(textOf(value)); };
    if (const auto it = object.find("request_timeout"); it != object.end() && !unresolved(*it)) {
        if (const Expected<qint64> ms = parseDuration(*it); ms && *ms > 0)
            limits.requestTimeoutMs = *ms;
        else
            report(field("request_timeout"), ms ? QStringLiteral("must be more than 0, such as \"2m\": every call has a time limit") : ms.error());
    }
    if (const auto it = object.find("max_response_size"); it != object.end() && !unresolved(*it)) {
        if (const Expected<qint64> bytes = parseSize(*it))
            limits.maxResponseBytes = *bytes;
        else
            report(field("max_response_size"), bytes.error());
    }
    const auto wait = object.find("wait");
    if (wait == object.end() || !wait->is_object())
        return;
    if (const auto it = wait->find("max_polls"); it != wait->end()) {
        if (it->is_number_integer() && it->get<qint64>() >= 1 && it->get<qint64>() <= kMaxPollsLimit)
            limits.maxPolls = int(it->get<qint64>());
        else
            report(jsonMemberPath(field("wait"), QStringLiteral("max_polls")),
                   QStringLiteral("must be a whole number from 1 to %1, not %2").arg(kMaxPollsLimit).arg(QString::fromStdString(it->dump())));
    }
}

HttpExecutor::Request readRequest(const json &value, const QString &path, const ErrorSink &report)
{
    HttpExecutor::Request request;
    if (!value.is_object()) {
        report(path, QStringLiteral("must be an object such as %1, not %2").arg(kRequestExample, jsonTypeName(value)));
        return request;
    }
    auto field = [&](const char *key) { return jsonMemberPath(path, QString::fromLatin1(key)); };
    rejectUnknown(value, path, httpDescription().section.memberNames(QStringLiteral("request")), QStringLiteral("an http request"), report);
    if (const auto it = value.find("method"); it != value.end())
        request.method = readMethod(*it, field("method"), report);
    if (const auto it = value.find("url"); it != value.end())
        request.url = readUrl(*it, field("url"), report);
    else if (httpDescription().field(QStringLiteral("request.url")).required)
        report(path, QStringLiteral("has no \"url\": say where to send the request, as in %1").arg(kRequestExample));
    if (const auto it = value.find("headers"); it != value.end())
        request.headers = readHeaders(*it, field("headers"), report);
    if (const auto it = value.find("body"); it != value.end())
        request.body = *it;
    if (const auto it = value.find("expect"); it != value.end())
        request.expect = readExpect(*it, field("expect"), report);
    return request;
}

HttpExecutor::Wait readWait(const json &value, const QString &path, const HttpExecutor::Request &request, const ErrorSink &report)
{
    HttpExecutor::Wait wait;
    wait.url = request.url;
    if (!value.is_object()) {
        report(path, QStringLiteral("must be an object such as {\"url\": \"https://api.example.com/buckets/${self.outputs.id}\", \"until\": %1}, not %2")
                         .arg(kConditionExample, jsonTypeName(value)));
        return wait;
    }
    auto field = [&](const char *key) { return jsonMemberPath(path, QString::fromLatin1(key)); };
    rejectUnknown(value, path, {QStringLiteral("url"), QStringLiteral("method"), QStringLiteral("headers"), QStringLiteral("interval"), QStringLiteral("until"),
                              QStringLiteral("fail_if"), QStringLiteral("max_polls")}, QStringLiteral("an http wait"), report);
    if (const auto it = value.find("url"); it != value.end())
        wait.url = readUrl(*it, field("url"), report);
    if (const auto it = value.find("method"); it != value.end())
        wait.method = readMethod(*it, field("method"), report);
    if (const auto it = value.find("headers"); it != value.end())
        wait.headers = readHeaders(*it, field("headers"), report);
    if (const auto it = value.find("interval"); it != value.end()) {
        if (!(it->is_string() && hasReference(textOf(*it)))) {
            if (const Expected<qint64> ms = parseDuration(*it); ms && *ms > 0)
                wait.intervalMs = *ms;
            else
                report(field("interval"), ms ? QStringLiteral("must be more than 0, such as \"2s\"") : ms.error());
        }
    }
    if (const auto it = value.find("until"); it != value.end())
        wait.until = readCondition(*it, field("until"), report);
    else
        report(path, QStringLiteral("has no \"until\": say what the response shows when the resource is ready, as in %1").arg(kConditionExample));
    if (const auto it = value.find("fail_if"); it != value.end())
        wait.failIf = readCondition(*it, field("fail_if"), report);
    return wait;
}

QList<std::pair<QString, std::string>> readOutputs(const json &value, const QString &path, const ErrorSink &report)
{
    QList<std::pair<QString, std::string>> outputs;
    if (!value.is_object()) {
        report(path, QStringLiteral("must be an object of output names and JSON pointers into the response, such as {\"bucket_id\": \"/id\"}, not %1").arg(jsonTypeName(value)));
        return outputs;
    }
    for (const auto &[key, pointer] : value.items()) {
        const QString name = QString::fromStdString(key);
        const QString where = jsonMemberPath(path, name);
        if (name.isEmpty()) {
            report(where, QStringLiteral("an output needs a name"));
            continue;
        }
        outputs.append({name, readPointer(pointer, where, report)});
    }
    return outputs;
}

} // namespace

HttpExecutor::Spec HttpExecutor::readSpec(const json &params, const QString &path, Diagnostics *out, const json *planDefaults)
{
    Spec spec;
    const ErrorSink report{out};
    if (planDefaults && planDefaults->is_object())
        readLimits(*planDefaults, QStringLiteral("defaults.http"), false, report, spec.limits);
    if (!params.is_object())
        return spec;
    readLimits(params, path, true, report, spec.limits);
    const auto request = params.find("request");
    if (request != params.end())
        spec.request = readRequest(*request, jsonMemberPath(path, QStringLiteral("request")), report);
    else if (fanout::httpDescription().field(QStringLiteral("request.url")).required) // and so the request it is in
        report(path, QStringLiteral("an http resource needs a \"request\", such as %1").arg(kRequestExample));
    if (const auto it = params.find("wait"); it != params.end())
        spec.wait = readWait(*it, jsonMemberPath(path, QStringLiteral("wait")), spec.request, report);
    if (const auto it = params.find("outputs"); it != params.end())
        spec.outputs = readOutputs(*it, jsonMemberPath(path, QStringLiteral("outputs")), report);
    return spec;
}

const ExecutorDescription &HttpExecutor::description() const
{
    return fanout::httpDescription();
}

void HttpExecutor::validate(const json &params, const QString &path, Diagnostics &out) const
{
    readSpec(params, path, &out);
}

void HttpExecutor::validateDefaults(const json &defaults, const QString &path, Diagnostics &out) const
{
    const ErrorSink report{&out};
    if (!defaults.is_object()) {
        report(path, QStringLiteral("must be an object such as {\"request_timeout\": \"2m\", \"max_response_size\": \"16MiB\", \"wait\": {\"max_polls\": %1}}, not %2")
                         .arg(Limits::kDefaultMaxPolls).arg(jsonTypeName(defaults)));
        return;
    }
    rejectUnknown(defaults, path, {QStringLiteral("request_timeout"), QStringLiteral("max_response_size"), QStringLiteral("wait")}, QStringLiteral("defaults.http"), report);
    if (const auto wait = defaults.find("wait"); wait != defaults.end()) {
        const QString where = jsonMemberPath(path, QStringLiteral("wait"));
        if (wait->is_object())
            rejectUnknown(*wait, where, {QStringLiteral("max_polls")}, QStringLiteral("defaults.http.wait"), report);
        else
            report(where, QStringLiteral("must be an object such as {\"max_polls\": %1}, not %2").arg(Limits::kDefaultMaxPolls).arg(jsonTypeName(*wait)));
    }
    Limits limits;
    readLimits(defaults, path, false, report, limits);
}

QString HttpExecutor::formatSize(qint64 bytes)
{
    if (bytes >= (qint64(1) << 20) && bytes % (qint64(1) << 20) == 0)
        return QStringLiteral("%1 MiB").arg(bytes >> 20);
    if (bytes >= 1024 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes >> 10);
    return bytes == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(bytes);
}

void HttpExecutor::start(std::shared_ptr<Attempt> attempt, QThreadPool &) const
{
    // The parameters now have their references resolved, which may have made them invalid.
    Diagnostics problems;
    const json &planDefaults = attempt->plan().executorDefaults;
    const auto own = planDefaults.find("http");
    Spec spec = readSpec(attempt->params(), QString(), &problems, own != planDefaults.end() ? &*own : nullptr);
    for (const Diagnostic &problem : std::as_const(problems)) {
        if (problem.isError()) {
            const QString error = problem.path.isEmpty() ? problem.message : problem.path + QStringLiteral(": ") + problem.message;
            attempt->log(LogLevel::Error, error);
            return attempt->fail(error);
        }
    }
    HttpAttempt::start(std::move(attempt), std::move(spec));
}

} // namespace fanout
