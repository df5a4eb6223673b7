#include "app/forecastcommand.h"

#include "app/console.h"
#include "app/planargument.h"
#include "app/runcommand.h"
#include "engine/executors/executorregistry.h"
#include "engine/forecast/forecaster.h"
#include "engine/run/deployment.h"
#include "engine/support/closestmatch.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"

#include <QCommandLineParser>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

namespace {

const QString kCommand = QStringLiteral("forecast");

struct Options
{
    std::optional<int> parallelism;
    QList<int> sweep; // empty: no sweep
    int samples = 200;
    quint64 seed = 1;
    bool json = false;
};

// "N": a whole number from `least` to `most`; nothing after saying why.
std::optional<int> wholeNumber(const QString &text, int least, int most, const QString &option, const Console &err)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (ok && value >= least && value <= most)
        return value;
    err.writeLine(QStringLiteral("fanout forecast: %1 needs a whole number from %2 to %3, not \"%4\"").arg(option).arg(least).arg(most).arg(text));
    return std::nullopt;
}

// "1..64" (the limits from 1 to 64 that a table needs: every one up to 4, then about a quarter
// more each step) or "4,8,16" (just those).
std::optional<QList<int>> sweepLimits(const QString &text, const Console &err)
{
    QList<int> limits;
    const QStringList range = text.split(QStringLiteral(".."));
    if (range.size() == 2) {
        const std::optional<int> from = wholeNumber(range[0], 1, 10000, QStringLiteral("--sweep FROM..TO"), err);
        const std::optional<int> to = from ? wholeNumber(range[1], *from, 10000, QStringLiteral("--sweep FROM..TO"), err) : std::nullopt;
        if (!to)
            return std::nullopt;
        for (int limit = *from; limit < *to; limit = std::max(limit + 1, limit * 5 / 4))
            limits.append(limit);
        limits.append(*to);
        return limits;
    }
    for (const QString &part : text.split(QLatin1Char(','))) {
        const std::optional<int> limit = wholeNumber(part, 1, 10000, QStringLiteral("--sweep"), err);
        if (!limit)
            return std::nullopt;
        if (!limits.contains(*limit))
            limits.append(*limit);
    }
    std::sort(limits.begin(), limits.end());
    return limits;
}

std::optional<Options> readOptions(const QCommandLineParser &parser, const Console &err)
{
    Options options;
    if (parser.isSet(QStringLiteral("parallelism"))) {
        options.parallelism = wholeNumber(parser.value(QStringLiteral("parallelism")), 1, 10000, QStringLiteral("-j"), err);
        if (!options.parallelism)
            return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("sweep"))) {
        const std::optional<QList<int>> limits = sweepLimits(parser.value(QStringLiteral("sweep")), err);
        if (!limits)
            return std::nullopt;
        options.sweep = *limits;
    }
    if (parser.isSet(QStringLiteral("samples"))) {
        const std::optional<int> samples = wholeNumber(parser.value(QStringLiteral("samples")), 1, 100000, QStringLiteral("--samples"), err);
        if (!samples)
            return std::nullopt;
        options.samples = *samples;
    }
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok) {
            err.writeLine(QStringLiteral("fanout forecast: --seed needs a whole number, 0 or more, not \"%1\"").arg(parser.value(QStringLiteral("seed"))));
            return std::nullopt;
        }
    }
    options.json = parser.isSet(QStringLiteral("json"));
    return options;
}

// "12 from history, 18 from the plan's estimates", counting what would run.
QString sourcesText(const std::vector<Estimate> &estimates, const std::vector<bool> &willRun)
{
    int fromHistory = 0;
    int fromPlan = 0;
    int fromExecutors = 0;
    for (std::size_t r = 0; r < estimates.size(); ++r) {
        if (!willRun[r])
            continue;
        switch (estimates[r].source) {
        case Estimate::Source::Plan: ++fromPlan; break;
        case Estimate::Source::Executor: ++fromExecutors; break;
        default: ++fromHistory; break;
        }
    }
    QStringList parts;
    if (fromHistory > 0)
        parts.append(QStringLiteral("%1 from history").arg(fromHistory));
    if (fromPlan > 0)
        parts.append(QStringLiteral("%1 from the plan's estimates").arg(fromPlan));
    if (fromExecutors > 0)
        parts.append(QStringLiteral("%1 from the executors' defaults").arg(fromExecutors));
    return parts.join(QStringLiteral(", "));
}

// "db -> app -> lb"; a long path shows its ends.
QString pathText(const Plan &plan, const QList<int> &path)
{
    QStringList ids;
    for (int i = 0; i < path.size(); ++i) {
        if (path.size() > 12 && i == 5) {
            ids.append(QStringLiteral("... (%1 more)").arg(path.size() - 10));
            i = int(path.size()) - 6;
            continue;
        }
        ids.append(plan.resources[path[i]].id);
    }
    return ids.join(QStringLiteral(" -> "));
}

QString rangeText(const Forecast &f)
{
    return QStringLiteral("%1 (%2-%3)").arg(formatDuration(f.medianMs), formatDuration(f.p10Ms), formatDuration(f.p90Ms));
}

void printText(const Console &out, const Plan &plan, const Forecast &forecast, const QList<Forecast> &sweep, const QString &sources)
{
    out.writeLine(out.paint(QStringLiteral("Expected %1 at parallelism %2, %3 simulated runs")
                                .arg(rangeText(forecast)).arg(forecast.parallelism).arg(forecast.samples),
                            Console::Colour::Bold));
    out.writeLine(QStringLiteral("Critical path (%1): %2").arg(formatDuration(forecast.criticalPathMs), pathText(plan, forecast.criticalPath)));
    out.writeLine(QStringLiteral("Estimates: %1").arg(sources));
    if (sweep.isEmpty())
        return;
    out.writeLine(QString());
    out.writeLine(QStringLiteral("%1 %2 %3 %4").arg(QStringLiteral("-j"), 6).arg(QStringLiteral("p10"), 9).arg(QStringLiteral("median"), 9).arg(QStringLiteral("p90"), 9));
    for (const Forecast &f : sweep) {
        out.writeLine(QStringLiteral("%1 %2 %3 %4").arg(f.parallelism, 6).arg(formatDuration(f.p10Ms), 9)
                          .arg(formatDuration(f.medianMs), 9).arg(formatDuration(f.p90Ms), 9));
    }
    const int knee = Forecaster::knee(sweep);
    if (knee < sweep.constLast().parallelism) {
        out.writeLine(QStringLiteral("beyond -j %1 nothing gets faster: %2 takes %3")
                          .arg(QString::number(knee), pathText(plan, forecast.criticalPath), formatDuration(forecast.criticalPathMs)));
    } else {
        out.writeLine(QStringLiteral("every step up to -j %1 still gains 5%% or more: try a higher limit").arg(knee));
    }
}

void printJson(const Console &out, const Plan &plan, const Forecast &forecast, const QList<Forecast> &sweep, int toRun)
{
    nlohmann::ordered_json path = nlohmann::ordered_json::array();
    for (const int r : forecast.criticalPath)
        path.push_back(plan.resources[r].id.toStdString());
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const Forecast &f : sweep)
        points.push_back({{"parallelism", f.parallelism}, {"median_ms", f.medianMs}, {"p10_ms", f.p10Ms}, {"p90_ms", f.p90Ms}});
    const nlohmann::ordered_json json = {
        {"parallelism", forecast.parallelism}, {"samples", forecast.samples}, {"to_run", toRun},
        {"median_ms", forecast.medianMs}, {"p10_ms", forecast.p10Ms}, {"p90_ms", forecast.p90Ms},
        {"critical_path", path}, {"critical_path_ms", forecast.criticalPathMs}, {"sweep", points},
        {"knee", sweep.isEmpty() ? nlohmann::ordered_json() : nlohmann::ordered_json(Forecaster::knee(sweep))},
    };
    out.writeLine(QString::fromStdString(json.dump(2)));
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Forecast how long a run of PLAN would take: the run is simulated many times with the\n"
        "scheduler's own order (longest remaining path first, the parallelism and group limits),\n"
        "drawing each resource's duration and failures from its past runs in the run history (else\n"
        "the plan's \"estimate\", else its executor's default), retries and backoff included.\n"
        "Only what would run counts: what the state file records as up to date takes no time.\n\n"
        "PLAN is a plan file (docs/plan-format.md) or \"demo\" for the built-in demo plan."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The plan file, or \"demo\"."), QStringLiteral("forecast PLAN"));
    parser.addOptions({
        {{QStringLiteral("j"), QStringLiteral("parallelism")}, QStringLiteral("Forecast at most N resources at once (default: the plan's, else 10)."), QStringLiteral("N")},
        {QStringLiteral("sweep"), QStringLiteral("Also forecast these limits, \"1..64\" or \"4,8,16\", and say beyond which one nothing gets faster."), QStringLiteral("LIMITS")},
        {QStringLiteral("samples"), QStringLiteral("Simulated runs per limit (default 200)."), QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("Seed of the simulation: the same seed gives the same forecast (default 1)."), QStringLiteral("N")},
        {QStringLiteral("replace"), QStringLiteral("Count resource ID as run again even if it is up to date (repeatable)."), QStringLiteral("ID")},
        {QStringLiteral("all"), QStringLiteral("Count every resource as run again, up to date or not.")},
        {QStringLiteral("state"), QStringLiteral("The state file (default: NAME.fanout-state.json beside the plan file NAME.json)."), QStringLiteral("FILE")},
        {QStringLiteral("var"), QStringLiteral("Give the plan's variable NAME this value (repeatable)."), QStringLiteral("NAME=VALUE")},
        {QStringLiteral("json"), QStringLiteral("Print the forecast as JSON: median_ms, p10_ms, p90_ms, critical_path, sweep, knee.")},
    });
    RunCommand::addHistoryOptions(parser);
}

} // namespace

int ForecastCommand::exec(const QStringList &arguments)
{
    const Console out(stdout);
    const Console err(stderr);
    QCommandLineParser parser;
    addOptions(parser);
    if (const std::optional<int> done = RunCommand::parse(parser, kCommand, arguments))
        return *done;
    const std::optional<Options> options = readOptions(parser, err);
    if (!options)
        return RunCommand::InvalidInput;
    RunCommand::Settings settings;
    settings.command = kCommand;
    settings.parallelism = options->parallelism;
    settings.stateFile = parser.value(QStringLiteral("state"));
    settings.variables = parser.values(QStringLiteral("var"));

    const QString planArgument = parser.positionalArguments().constFirst();
    PlanReadResult read = PlanArgument::load(planArgument, err);
    if (read.hasErrors())
        return RunCommand::InvalidInput;
    Plan &plan = read.plan;
    if (!RunCommand::applyVariables(plan, settings))
        return RunCommand::InvalidInput;
    QStringList ids;
    for (const Resource &resource : std::as_const(plan.resources))
        ids.append(resource.id);
    const QStringList replaced = parser.values(QStringLiteral("replace"));
    for (const QString &id : replaced) {
        if (plan.indexOf(id) < 0) {
            err.writeLine(QStringLiteral("fanout forecast: --replace %1: the plan has no resource \"%1\"%2").arg(id, didYouMean(id, ids)));
            return RunCommand::InvalidInput;
        }
    }
    Deployment deployment(ExecutorRegistry::builtIn());
    if (!RunCommand::openDeployment(deployment, plan, planArgument, settings))
        return RunCommand::InvalidInput;

    const ProvisioningPlan provisioning = deployment.preview(replaced, parser.isSet(QStringLiteral("all")));
    std::vector<bool> willRun(plan.resources.size());
    for (int r = 0; r < int(willRun.size()); ++r)
        willRun[r] = plan.resources[r].run && !provisioning.isUpToDate(r);
    const std::vector<Estimate> estimates = RunCommand::learnEstimates(plan, RunCommand::historyFile(parser));
    const Forecaster forecaster(plan, estimates, willRun);
    const Forecast forecast = forecaster.forecast(deployment.parallelism(), options->samples, options->seed);
    const QList<Forecast> sweep = options->sweep.isEmpty() ? QList<Forecast>()
                                                           : forecaster.sweep(options->sweep, options->samples, options->seed);
    const int toRun = int(std::count(willRun.begin(), willRun.end(), true));
    if (options->json) {
        printJson(out, plan, forecast, sweep, toRun);
        return RunCommand::Succeeded;
    }
    if (toRun == 0) {
        out.writeLine(QStringLiteral("Nothing to run: every resource of \"%1\" is up to date (--all or --replace ID to count them anyway).").arg(plan.name));
        return RunCommand::Succeeded;
    }
    out.writeLine(QStringLiteral("Forecast of \"%1\" from %2: %3 of %4 to run")
                      .arg(plan.name, deployment.planFile(), QString::number(toRun), counted(plan.resources.size(), "resource")));
    printText(out, plan, forecast, sweep, sourcesText(estimates, willRun));
    return RunCommand::Succeeded;
}

} // namespace fanout
