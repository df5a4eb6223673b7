#include "app/argoruncommand.h"

#include "app/console.h"
#include "app/exportcommand.h"
#include "app/runcommand.h"
#include "app/signalwatcher.h"
#include "engine/argo/argoclient.h"
#include "engine/argo/argoprogress.h"
#include "engine/argo/argotoken.h"
#include "engine/argo/argoworkflow.h"
#include "engine/plan/plan.h"
#include "engine/run/runreport.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <csignal>

namespace fanout {

namespace {

// The token: --token-file, else --token-env's variable, else ARGO_TOKEN (as the argo command line reads it).
Expected<QByteArray> readToken(const QCommandLineParser &parser)
{
    const QString file = parser.value(QStringLiteral("token-file"));
    const Expected<QByteArray> token = ArgoToken::read(file, parser.value(QStringLiteral("token-env")));
    if (!token)
        return unexpected(QStringLiteral("%1: %2").arg(file.isEmpty() ? QStringLiteral("--token-env") : QStringLiteral("--token-file"), token.error()));
    return token;
}

// The Argo Server (--server), the namespace (argo unless --namespace) and the token.
Expected<ArgoConnection> connectionFrom(const QCommandLineParser &parser)
{
    ArgoConnection connection;
    connection.server = QUrl(parser.value(QStringLiteral("server")));
    const QUrl &server = connection.server;
    if (!server.isValid() || (server.scheme() != QLatin1String("https") && server.scheme() != QLatin1String("http")) || server.host().isEmpty())
        return unexpected(QStringLiteral("--on argo needs --server URL, the Argo Server's address, such as https://argo.example.com:2746"));
    const Expected<QByteArray> token = readToken(parser);
    if (!token)
        return unexpected(token.error());
    connection.token = *token;
    if (parser.isSet(QStringLiteral("namespace")))
        connection.ns = parser.value(QStringLiteral("namespace"));
    return connection;
}

QString elapsed(const QElapsedTimer &clock)
{
    const qint64 s = clock.elapsed() / 1000;
    return QStringLiteral("[%1:%2]").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString outcomeOf(int exitCode)
{
    return exitCode == RunCommand::Succeeded ? QStringLiteral("succeeded") : exitCode == RunCommand::Interrupted ? QStringLiteral("cancelled") : QStringLiteral("failed");
}

// --report FILE: the report of a run here, from what Argo said. False when it cannot be written.
bool writeReport(const QString &file, const RunReport::Facts &facts)
{
    if (file.isEmpty())
        return true;
    const Expected<void> written = RunReport::write(file, RunReport::toJson(facts));
    if (!written)
        Console(stderr).writeLine(QStringLiteral("fanout run: cannot write the report %1: %2").arg(file, written.error()));
    return bool(written);
}

// Each resource's and each attempt's change, a line each: `[00:12] db attempt 1 failed: Error (exit code 1)`.
void printChanges(const Console &out, const QList<ArgoProgress::Change> &changes, const QElapsedTimer &clock)
{
    for (const ArgoProgress::Change &change : changes) {
        if (change.phase == ArgoProgress::Phase::Pending)
            continue;
        const QString what = change.attempt > 0 ? QStringLiteral("%1 attempt %2").arg(change.resource).arg(change.attempt) : change.resource;
        QString line = QStringLiteral("%1 %2 %3").arg(elapsed(clock), what, ArgoProgress::phaseName(change.phase));
        if (change.phase == ArgoProgress::Phase::Failed && !change.message.isEmpty())
            line += QStringLiteral(": ") + change.message;
        out.writeLine(line);
    }
}

// How long the run waits, once the workflow has ended, for the end of its log stream (a server
// that never ends it does not keep the command line waiting).
constexpr int kLogsGraceMs = 3000;

// The steps' output as it arrives, `[mm:ss] RESOURCE | LINE`, as a run here prints its log lines.
// A line can come before the snapshot that names its pod: it waits for it, or for the end, when
// it is printed with the pod's name.
class StepOutput
{
public:
    StepOutput(const Console &out, const ArgoProgress &progress, const QElapsedTimer &clock)
        : m_out(out), m_progress(progress), m_clock(clock)
    {
    }

    void add(const QString &pod, const QString &line)
    {
        const QString resource = m_progress.podOf(pod).resource;
        if (!resource.isEmpty())
            return print(elapsed(m_clock), resource, line);
        if (m_waiting.size() >= kMaxWaiting)
            return print(elapsed(m_clock), pod, line);
        m_waiting.append(Waiting{elapsed(m_clock), pod, line});
    }
    // After each snapshot: the lines whose pods it named.
    void placeWaiting()
    {
        QList<Waiting> still;
        for (const Waiting &waiting : std::as_const(m_waiting)) {
            const QString resource = m_progress.podOf(waiting.pod).resource;
            if (resource.isEmpty())
                still.append(waiting);
            else
                print(waiting.time, resource, waiting.line);
        }
        m_waiting = still;
    }
    // At the end: the lines of pods no snapshot named, with the pods' names.
    void flush()
    {
        placeWaiting();
        for (const Waiting &waiting : std::as_const(m_waiting))
            print(waiting.time, waiting.pod, waiting.line);
        m_waiting.clear();
    }

private:
    static constexpr qsizetype kMaxWaiting = 10'000;
    struct Waiting
    {
        QString time;
        QString pod;
        QString line;
    };
    void print(const QString &time, const QString &who, const QString &line) const
    {
        m_out.writeLine(QStringLiteral("%1 %2 %3").arg(time, who, m_out.paint(QStringLiteral("| ") + line, Console::Colour::Dim)));
    }

    const Console &m_out;
    const ArgoProgress &m_progress;
    const QElapsedTimer &m_clock;
    QList<Waiting> m_waiting;
};

// The line that says how the workflow ended, once it has; the exit status goes to `exitCode`.
QString endingOf(const nlohmann::ordered_json &workflow, const ArgoProgress &progress, const QString &name, const QElapsedTimer &clock,
                 bool interrupted, int *exitCode)
{
    QMap<ArgoProgress::Phase, QStringList> by;
    for (const QString &resource : progress.resources())
        by[progress.phaseOf(resource)].append(resource);
    const int succeeded = int(by.value(ArgoProgress::Phase::Succeeded).size());
    const bool allSucceeded = succeeded == progress.resources().size();
    QStringList parts{QStringLiteral("%1 succeeded").arg(succeeded)};
    if (const QStringList failed = by.value(ArgoProgress::Phase::Failed); !failed.isEmpty())
        parts.append(QStringLiteral("%1 failed (%2)").arg(failed.size()).arg(failed.join(QStringLiteral(", "))));
    if (const qsizetype skipped = by.value(ArgoProgress::Phase::Skipped).size() + by.value(ArgoProgress::Phase::Pending).size()
                                + by.value(ArgoProgress::Phase::Running).size())
        parts.append(QStringLiteral("%1 not run").arg(skipped));
    const std::string phase = workflow["status"].value("phase", "");
    *exitCode = interrupted ? RunCommand::Interrupted : allSucceeded && phase == "Succeeded" ? RunCommand::Succeeded : RunCommand::Failed;
    return QStringLiteral("%1 workflow %2 %3: %4%5")
        .arg(elapsed(clock), name, QString::fromStdString(phase), parts.join(QStringLiteral(", ")),
             progress.workflowMessage().isEmpty() ? QString() : QStringLiteral(" (%1)").arg(progress.workflowMessage()));
}

} // namespace

void ArgoRunCommand::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("on"), QStringLiteral("Run the plan on ENGINE: argo (Argo Workflows, with --server) instead of here. docs/argo.md."),
         QStringLiteral("ENGINE")},
        {QStringLiteral("server"), QStringLiteral("With --on argo: the Argo Server's URL, such as https://argo.example.com:2746."), QStringLiteral("URL")},
        {QStringLiteral("namespace"), QStringLiteral("With --on argo: the Kubernetes namespace to run in (default: argo)."), QStringLiteral("NS")},
        {QStringLiteral("token-env"), QStringLiteral("With --on argo: the environment variable that holds the token (default: ARGO_TOKEN)."),
         QStringLiteral("NAME")},
        {QStringLiteral("token-file"), QStringLiteral("With --on argo: the file that holds the token."), QStringLiteral("FILE")},
    });
}

bool ArgoRunCommand::requested(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("on"));
}

QString ArgoRunCommand::unsupported(const QCommandLineParser &parser)
{
    QStringList given;
    for (const char *name : {"junit", "json", "state", "replace", "all", "target", "seed"}) {
        if (parser.isSet(QString::fromLatin1(name)))
            given.append(QStringLiteral("--") + QString::fromLatin1(name));
    }
    return given.join(QStringLiteral(", "));
}

int ArgoRunCommand::exec(const QCommandLineParser &parser, const Plan &plan, const QString &planName)
{
    const Console out(stdout);
    const Console err(stderr);
    if (parser.value(QStringLiteral("on")) != QLatin1String("argo")) {
        err.writeLine(QStringLiteral("fanout run: --on %1: the one engine is argo (Argo Workflows)").arg(parser.value(QStringLiteral("on"))));
        return RunCommand::InvalidInput;
    }
    if (const QString options = unsupported(parser); !options.isEmpty()) {
        err.writeLine(QStringLiteral("fanout run: %1 not with --on argo yet: Argo keeps the run's record (argo get, argo logs)").arg(options));
        return RunCommand::InvalidInput;
    }
    const Expected<ArgoConnection> connected = connectionFrom(parser);
    if (!connected) {
        err.writeLine(QStringLiteral("fanout run: %1").arg(connected.error()));
        return RunCommand::InvalidInput;
    }
    const ArgoConnection &connection = *connected;

    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    if (!ExportCommand::printProblems(exported, planName, QStringLiteral("; nothing was submitted")))
        return RunCommand::InvalidInput;
    if (!exported.configMap.is_null()) {
        err.writeLine(err.paint(QStringLiteral("warning: the plan's group limits are semaphores in the ConfigMap %1, which must exist in namespace %2: "
                                               "fanout export PLAN -o FILE.yaml writes it, kubectl apply -f applies it")
                                    .arg(QString::fromStdString(exported.configMap["metadata"]["name"].get<std::string>()), connection.ns),
                                Console::Colour::Yellow));
    }

    ArgoClient client(connection);
    ArgoProgress progress;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    QString name;
    int exitCode = RunCommand::Failed;
    int interrupts = 0;
    // The run is over when the workflow has ended and so has its log stream (-q: no logs).
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    StepOutput output(out, progress, clock);
    QString ending; // how the workflow ended, said last
    bool logsOver = quiet;
    QTimer logsGrace;
    logsGrace.setSingleShot(true);
    QObject::connect(&logsGrace, &QTimer::timeout, &loop, [&] { loop.exit(); });

    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &loop, [&](int) {
        if (name.isEmpty() || !ending.isEmpty())
            return loop.exit();
        ++interrupts;
        const bool terminate = interrupts > 1;
        err.writeLine(terminate ? QStringLiteral("terminating %1: its running steps are stopped").arg(name)
                                : QStringLiteral("stopping %1: nothing new starts, running steps finish (Ctrl+C again terminates them)").arg(name));
        auto said = [&err](const Expected<nlohmann::ordered_json> &answer) {
            if (!answer)
                err.writeLine(answer.error());
        };
        terminate ? client.terminate(name, said) : client.stop(name, said);
    });
    QObject::connect(&client, &ArgoClient::watchInterrupted, &loop, [&](const QString &problem, int retryInMs) {
        err.writeLine(QStringLiteral("%1 following %2: %3; again in %4 ms").arg(elapsed(clock), name, problem).arg(retryInMs));
    });
    QObject::connect(&client, &ArgoClient::watchFailed, &loop, [&](const QString &problem) {
        err.writeLine(QStringLiteral("cannot follow %1: %2").arg(name, problem));
        loop.exit();
    });
    QObject::connect(&client, &ArgoClient::logLine, &loop, [&](const QString &pod, const QString &line) { output.add(pod, line); });
    QObject::connect(&client, &ArgoClient::logsFailed, &loop, [&](const QString &problem) {
        err.writeLine(QStringLiteral("cannot follow the steps' logs of %1: %2").arg(name, problem));
    });
    QObject::connect(&client, &ArgoClient::logsEnded, &loop, [&] {
        logsOver = true;
        if (!ending.isEmpty())
            loop.exit();
    });
    QObject::connect(&client, &ArgoClient::workflowChanged, &loop, [&](const nlohmann::ordered_json &workflow) {
        printChanges(out, progress.update(workflow), clock);
        output.placeWaiting();
        if (!ArgoClient::isFinished(workflow))
            return;
        ending = endingOf(workflow, progress, name, clock, interrupts > 0, &exitCode);
        if (logsOver)
            return loop.exit();
        logsGrace.start(kLogsGraceMs); // the last lines come after the end
    });

    client.submit(exported.workflow, [&](const Expected<nlohmann::ordered_json> &created) {
        if (!created) {
            err.writeLine(QStringLiteral("fanout run: cannot submit the workflow: %1").arg(created.error()));
            return loop.exit();
        }
        name = QString::fromStdString((*created)["metadata"].value("name", ""));
        out.writeLine(QStringLiteral("submitted %1 to %2 (namespace %3); following it until it ends (Ctrl+C stops it)")
                          .arg(name, connection.server.toString(QUrl::RemoveUserInfo), connection.ns));
        client.watch(name);
        if (!quiet)
            client.followLogs(name);
    });
    loop.exec();
    output.flush();
    if (!ending.isEmpty())
        out.writeLine(ending);
    client.stopWatching();
    client.stopFollowingLogs();
    if (interrupts > 0 && exitCode == RunCommand::Failed)
        exitCode = RunCommand::Interrupted;
    if (!name.isEmpty() && !writeReport(parser.value(QStringLiteral("report")), progress.facts(plan, planName, outcomeOf(exitCode))))
        exitCode = RunCommand::Failed;
    return exitCode;
}

} // namespace fanout
