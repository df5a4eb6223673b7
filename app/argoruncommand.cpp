#include "app/argoruncommand.h"

#include "app/console.h"
#include "app/exportcommand.h"
#include "app/runcommand.h"
#include "app/signalwatcher.h"
#include "engine/argo/argoclient.h"
#include "engine/argo/argorun.h"
#include "engine/argo/argotoken.h"
#include "engine/argo/argoworkflow.h"
#include "engine/executors/executorregistry.h"
#include "engine/plan/plan.h"
#include "engine/run/deployment.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QEventLoop>

#include <csignal>
#include <optional>

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
    if (!ArgoConnection::isServerAddress(server))
        return unexpected(QStringLiteral("--on argo needs --server URL, the Argo Server's address, such as https://argo.example.com:2746"));
    const Expected<QByteArray> token = readToken(parser);
    if (!token)
        return unexpected(token.error());
    connection.token = *token;
    if (parser.isSet(QStringLiteral("namespace")))
        connection.ns = parser.value(QStringLiteral("namespace"));
    return connection;
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
    for (const char *name : {"state", "replace", "all", "target", "seed"}) {
        if (parser.isSet(QString::fromLatin1(name)))
            given.append(QStringLiteral("--") + QString::fromLatin1(name));
    }
    return given.join(QStringLiteral(", "));
}

namespace {

// Submits the workflow and waits until Argo has it (the run is shown on `deployment` then), or
// refuses it: an exit code then, nothing when the run goes on.
std::optional<int> submit(ArgoRun &run, const Plan &plan)
{
    const Console err(stderr);
    QEventLoop loop;
    std::optional<int> refused;
    QObject::connect(&run, &ArgoRun::started, &loop, &QEventLoop::quit);
    QObject::connect(&run, &ArgoRun::failed, &loop, [&](const QString &problem) {
        err.writeLine(QStringLiteral("fanout run: %1").arg(problem));
        refused = RunCommand::Failed;
        loop.quit();
    });
    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &loop, [&](int) {
        err.writeLine(QStringLiteral("fanout run: interrupted while submitting; the workflow may have been created (argo list)"));
        refused = RunCommand::Interrupted;
        loop.quit();
    });
    if (const QStringList errors = run.submit(plan); !errors.isEmpty()) {
        err.writeLine(QStringLiteral("fanout run: %1").arg(errors.join(QStringLiteral("; "))));
        return RunCommand::InvalidInput;
    }
    loop.exec();
    QObject::disconnect(&run, nullptr, &loop, nullptr);
    return refused;
}

} // namespace

int ArgoRunCommand::exec(const QCommandLineParser &parser, Plan plan, const QString &planName, const RunCommand::Settings &settings)
{
    const Console err(stderr);
    if (parser.value(QStringLiteral("on")) != QLatin1String("argo")) {
        err.writeLine(QStringLiteral("fanout run: --on %1: the one engine is argo (Argo Workflows)").arg(parser.value(QStringLiteral("on"))));
        return RunCommand::InvalidInput;
    }
    if (const QString options = unsupported(parser); !options.isEmpty()) {
        err.writeLine(QStringLiteral("fanout run: %1 not with --on argo: Argo runs every task, and keeps no Fanout state file").arg(options));
        return RunCommand::InvalidInput;
    }
    const Expected<ArgoConnection> connected = connectionFrom(parser);
    if (!connected) {
        err.writeLine(QStringLiteral("fanout run: %1").arg(connected.error()));
        return RunCommand::InvalidInput;
    }
    const ArgoConnection &connection = *connected;
    if (settings.parallelism)
        plan.parallelism = *settings.parallelism;
    plan.failFast = plan.failFast || settings.failFast;

    const ArgoWorkflow::Export exported = ArgoWorkflow::fromPlan(plan);
    if (!ExportCommand::printProblems(exported, planName, QStringLiteral("; nothing was submitted")))
        return RunCommand::InvalidInput;
    if (!exported.configMap.is_null()) {
        err.writeLine(err.paint(QStringLiteral("warning: the plan's group limits are semaphores in the ConfigMap %1, which must exist in namespace %2: "
                                               "fanout export PLAN -o FILE.yaml writes it, kubectl apply -f applies it")
                                    .arg(QString::fromStdString(exported.configMap["metadata"]["name"].get<std::string>()), connection.ns),
                                Console::Colour::Yellow));
    }

    // The run shown on a Deployment as the window shows it: the progress, the reports, the history
    // and the exit status are a run here's (RunCommand::watch), and Ctrl+C stops the workflow.
    Deployment deployment(ExecutorRegistry::builtIn());
    deployment.open(plan, planName, QString()); // no state file: Argo runs every task
    ArgoRun run(deployment, connection);
    if (const std::optional<int> refused = submit(run, plan))
        return *refused;
    QObject::connect(&run, &ArgoRun::said, &run, [&err](const QString &message) { err.writeLine(message); });
    QObject::connect(&run, &ArgoRun::failed, &run, [&err, &deployment](const QString &problem) {
        // Following it cannot go on: the run here ends, the workflow goes on there.
        err.writeLine(QStringLiteral("fanout run: %1; the workflow goes on (argo get)").arg(problem));
        RunEvent finished;
        finished.timeMs = deployment.elapsedMs();
        finished.kind = RunEvent::Kind::RunFinished;
        deployment.replayEvents({finished}, finished.timeMs);
    });
    const QString headline = QStringLiteral("Run of %1 on Argo Workflows: %2 (namespace %3), %4, parallelism %5 (Ctrl+C stops it; twice: terminates it)")
                                 .arg(planName, run.where(), connection.ns, counted(int(plan.resources.size()), "resource"))
                                 .arg(plan.parallelism);
    return RunCommand::watch(deployment, settings, headline, QString(), [] { return true; }, QStringLiteral("created"));
}

} // namespace fanout
