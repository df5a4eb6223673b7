#include "engine/executors/simexecutor.h"

#include "engine/executors/attempt.h"
#include "engine/executors/simrun.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

namespace fanout {

namespace {

constexpr int kMaxLogLines = 1'000'000;


using json = nlohmann::ordered_json;
using Kind = FieldDescription::Kind;

// Where a problem with one parameter goes: `out` at the parameter's path, when there is an `out`.
struct SimReport
{
    Diagnostics *out;
    const QString &path;
    void operator()(const char *key, const QString &message) const
    {
        if (out)
            out->append(Diagnostic::error(jsonMemberPath(path, QString::fromLatin1(key)), message));
    }
};

ExecutorDescription describeSim()
{
    return {
        .type = QStringLiteral("sim"),
        .summary = QStringLiteral("a simulated resource: takes a set time, may fail on purpose (demos, forecasts)"),
        .iconName = QStringLiteral("appointment-soon"),
        .iconSvg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">)"
                   R"(<circle cx="8" cy="8" r="6.4" fill="#e8f0fe" stroke="#1a73e8" stroke-width="1.2"/>)"
                   R"(<path d="M8 4.2V8l2.6 1.8" fill="none" stroke="#1a73e8" stroke-width="1.4" stroke-linecap="round"/></svg>)",
        .newParameters = {{"duration", "5s"}},
        .section = {
            .title = QStringLiteral("Simulation"),
            .fields = {
                {.path = QStringLiteral("duration"), .kind = Kind::DurationOrRange, .label = QStringLiteral("Duration"), .what = QStringLiteral("the duration"),
                 .help = QStringLiteral("How long an attempt takes: a duration (5s), or a range drawn from at each attempt (20s to 40s). Empty: 1s."),
                 .secondPlaceholder = QStringLiteral("fixed"), .secondHelp = QStringLiteral("The longest an attempt takes; empty for a fixed duration."),
                 .defaultValue = formatDuration(SimExecutor::kDefaultDurationMs).toStdString()},
                {.path = QStringLiteral("failure_rate"), .kind = Kind::Number, .label = QStringLiteral("Failure rate"), .what = QStringLiteral("the failure rate"),
                 .help = QStringLiteral("The chance that an attempt fails: a number from 0 (never) to 1 (always). Empty: 0."),
                 .defaultValue = 0, .minimum = 0, .maximum = 1},
                {.path = QStringLiteral("fail_attempts"), .kind = Kind::Number, .label = QStringLiteral("Fail first"), .what = QStringLiteral("the failing attempts"),
                 .help = QStringLiteral("The first N attempts fail, whatever the failure rate says: a whole number, 0 or more. Empty: 0."),
                 .defaultValue = 0, .minimum = 0, .maximum = 1'000'000, .wholeNumber = true},
                {.path = QStringLiteral("log_lines"), .kind = Kind::JsonValue, .what = QStringLiteral("the log lines"),
                 .help = QStringLiteral("How many lines to write (0 to %1), or the lines themselves as a list of strings.").arg(kMaxLogLines),
                 .jsonOnly = true},
                {.path = QStringLiteral("seed"), .kind = Kind::Number, .what = QStringLiteral("the seed"),
                 .help = QStringLiteral("Makes the durations and failures of this resource the same at every run."),
                 .minimum = 0, .wholeNumber = true, .jsonOnly = true},
                {.path = QStringLiteral("failure_message"), .label = QStringLiteral("Failure text"), .what = QStringLiteral("the failure message"),
                 .help = QStringLiteral("The error a failing attempt reports. Empty: \"simulated failure ...\"."), .placeholder = QStringLiteral("simulated failure …")},
                {.path = QStringLiteral("outputs"), .kind = Kind::NameValueMap, .what = QStringLiteral("the outputs"),
                 .help = QStringLiteral("What a successful attempt produces, such as {\"endpoint\": \"db.internal:5432\"}."), .jsonOnly = true},
            },
        },
    };
}

const ExecutorDescription &simDescription()
{
    static const ExecutorDescription described = describeSim();
    return described;
}

// A duration, or a range [min, max] to draw from.
void readDuration(const json &value, SimExecutor::Spec &spec, const SimReport &report)
{
    QString error;
    if (value.is_array()) {
        std::optional<qint64> low, high;
        if (value.size() == 2) {
            const Expected<qint64> first = parseDuration(value[0]);
            const Expected<qint64> second = first ? parseDuration(value[1]) : first;
            if (first && second) {
                low = *first;
                high = *second;
            }
            error = first ? second.error() : first.error();
        } else {
            error = QStringLiteral("a duration range is written [min, max], for example [\"20s\", \"40s\"]");
        }
        if (low && high && *low > *high)
            error = QStringLiteral("the range [%1, %2] has its minimum above its maximum").arg(formatDuration(*low), formatDuration(*high));
        else if (low && high) {
            spec.minDurationMs = *low;
            spec.maxDurationMs = *high;
        }
    } else if (const Expected<qint64> fixed = parseDuration(value)) {
        spec.minDurationMs = spec.maxDurationMs = *fixed;
    } else {
        error = fixed.error();
    }
    if (!error.isEmpty())
        report("duration", error);
}

// How many lines to write, or the lines themselves.
void readLogLines(const json &value, SimExecutor::Spec &spec, const SimReport &report)
{
    if (value.is_number_integer() && value.get<qint64>() >= 0 && value.get<qint64>() <= kMaxLogLines) {
        spec.logLineCount = int(value.get<qint64>());
    } else if (value.is_array() && value.size() <= std::size_t(kMaxLogLines)) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i].is_string())
                spec.logLines.append(QString::fromStdString(value[i].get<std::string>()));
            else
                report("log_lines", QStringLiteral("element %1 is %2; every line must be a string").arg(i).arg(jsonTypeName(value[i])));
        }
    } else {
        report("log_lines", QStringLiteral("must be how many lines to write (0 to %1) or a list of lines").arg(kMaxLogLines));
    }
}

void readSimOutputs(const json &value, SimExecutor::Spec &spec, const SimReport &report)
{
    if (!value.is_object()) {
        report("outputs", QStringLiteral("must be an object of outputs, such as {\"endpoint\": \"db.internal:5432\"}"));
        return;
    }
    for (const auto &[key, output] : value.items()) {
        if (output.is_string())
            spec.outputs.insert(QString::fromStdString(key), QString::fromStdString(output.get<std::string>()));
        else if (output.is_number() || output.is_boolean())
            spec.outputs.insert(QString::fromStdString(key), QString::fromStdString(output.dump()));
        else
            report("outputs", QStringLiteral("\"%1\" must be a string or a number").arg(QString::fromStdString(key)));
    }
}

} // namespace

SimExecutor::Spec SimExecutor::readSpec(const nlohmann::ordered_json &params, const QString &path, Diagnostics *out)
{
    Spec spec;
    const SimReport report{out, path};
    if (!params.is_object())
        return spec;
    const ExecutorDescription &described = fanout::simDescription();
    if (const auto it = params.find("duration"); it != params.end())
        readDuration(*it, spec, report);
    if (const auto it = params.find("failure_rate"); it != params.end()) {
        if (described.field(QStringLiteral("failure_rate")).acceptsNumber(*it))
            spec.failureRate = it->get<double>();
        else
            report("failure_rate", QStringLiteral("must be a number from 0 (never fails) to 1 (always fails)"));
    }
    if (const auto it = params.find("fail_attempts"); it != params.end()) {
        if (described.field(QStringLiteral("fail_attempts")).acceptsNumber(*it))
            spec.failAttempts = int(it->get<qint64>());
        else
            report("fail_attempts", QStringLiteral("must be a whole number of attempts, 0 or more"));
    }
    if (const auto it = params.find("log_lines"); it != params.end())
        readLogLines(*it, spec, report);
    if (const auto it = params.find("seed"); it != params.end()) {
        if (described.field(QStringLiteral("seed")).acceptsNumber(*it))
            spec.seed = it->get<quint64>();
        else
            report("seed", QStringLiteral("must be a whole number, 0 or more"));
    }
    if (const auto it = params.find("failure_message"); it != params.end()) {
        if (it->is_string())
            spec.failureMessage = QString::fromStdString(it->get<std::string>());
        else
            report("failure_message", QStringLiteral("must be a string"));
    }
    if (const auto it = params.find("outputs"); it != params.end())
        readSimOutputs(*it, spec, report);
    return spec;
}

const ExecutorDescription &SimExecutor::description() const
{
    return fanout::simDescription();
}

void SimExecutor::validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const
{
    readSpec(params, path, &out);
}

std::optional<qint64> SimExecutor::defaultEstimateMs(const Resource &resource) const
{
    const Spec spec = readSpec(resource.params, QString(), nullptr);
    return (spec.minDurationMs + spec.maxDurationMs) / 2;
}

void SimExecutor::start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const
{
    Spec spec = readSpec(attempt->params(), QString(), nullptr);
    SimRun::start(std::move(attempt), spec, pool);
}

} // namespace fanout
