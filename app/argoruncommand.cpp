#include "app/argoruncommand.h"

#include "app/console.h"
#include "app/exportcommand.h"
#include "app/runcommand.h"
#include "app/signalwatcher.h"
#include "engine/argo/argoclient.h"
#include "engine/argo/argoprogress.h"
#include "engine/argo/argoworkflow.h"
#include "engine/plan/plan.h"
#include "engine/run/runreport.h"
#include "engine/support/counted.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>

#include <csignal>

namespace fanout {

namespace {

// The token: --token-file, else --token-env's variable, else ARGO_TOKEN (as the argo command
// line reads it). "Bearer " in front, as `argo auth token` prints it, is taken off.
Expected<QByteArray> readToken(const QCommandLineParser &parser)
{
    QByteArray token;
    if (parser.isSet(QStringLiteral("token-file"))) {
        QFile file(parser.value(QStringLiteral("token-file")));
        if (!file.open(QIODevice::ReadOnly))
            return unexpected(QStringLiteral("--token-file %1: %2").arg(file.fileName(), file.errorString()));
        token = file.readAll().trimmed();
        if (token.isEmpty())
            return unexpected(QStringLiteral("--token-file %1 is empty").arg(file.fileName()));
    } else {
        const QString variable = parser.isSet(QStringLiteral("token-env")) ? parser.value(QStringLiteral("token-env")) : QStringLiteral("ARGO_TOKEN");
        token = qgetenv(variable.toLocal8Bit().constData()).trimmed();
        if (token.isEmpty() && parser.isSet(QStringLiteral("token-env")))
            return unexpected(QStringLiteral("--token-env %1: the environment variable %1 is empty or not set").arg(variable));
    }
    if (token.startsWith("Bearer "))
        token = token.mid(7).trimmed();
    return token;
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
    const QUrl server(parser.value(QStringLiteral("server")));
    if (!server.isValid() || (server.scheme() != QLatin1String("https") && server.scheme() != QLatin1String("http")) || server.host().isEmpty()) {
        err.writeLine(QStringLiteral("fanout run: --on argo needs --server URL, the Argo Server's address, such as https://argo.example.com:2746"));
        return RunCommand::InvalidInput;
    }
    const Expected<QByteArray> token = readToken(parser);
    if (!token) {
        err.writeLine(QStringLiteral("fanout run: %1").arg(token.error()));
        return RunCommand::InvalidInput;
    }
    ArgoConnection connection; // in namespace argo unless told
    connection.server = server;
    connection.token = *token;
    if (parser.isSet(QStringLiteral("namespace")))
        connection.ns = parser.value(QStringLiteral("namespace"));

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

    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::received, &loop, [&](int) {
        if (name.isEmpty())
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
    QObject::connect(&client, &ArgoClient::workflowChanged, &loop, [&](const nlohmann::ordered_json &workflow) {
        for (const ArgoProgress::Change &change : progress.update(workflow)) {
            if (change.phase == ArgoProgress::Phase::Pending)
                continue;
            const QString what = change.attempt > 0 ? QStringLiteral("%1 attempt %2").arg(change.resource).arg(change.attempt) : change.resource;
            QString line = QStringLiteral("%1 %2 %3").arg(elapsed(clock), what, ArgoProgress::phaseName(change.phase));
            if (change.phase == ArgoProgress::Phase::Failed && !change.message.isEmpty())
                line += QStringLiteral(": ") + change.message;
            out.writeLine(line);
        }
        if (!ArgoClient::isFinished(workflow))
            return;
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
        out.writeLine(QStringLiteral("%1 workflow %2 %3: %4%5")
                          .arg(elapsed(clock), name, QString::fromStdString(phase), parts.join(QStringLiteral(", ")),
                               progress.workflowMessage().isEmpty() ? QString() : QStringLiteral(" (%1)").arg(progress.workflowMessage())));
        exitCode = interrupts > 0 ? RunCommand::Interrupted : allSucceeded && phase == "Succeeded" ? RunCommand::Succeeded : RunCommand::Failed;
        loop.exit();
    });

    client.submit(exported.workflow, [&](const Expected<nlohmann::ordered_json> &created) {
        if (!created) {
            err.writeLine(QStringLiteral("fanout run: cannot submit the workflow: %1").arg(created.error()));
            return loop.exit();
        }
        name = QString::fromStdString((*created)["metadata"].value("name", ""));
        out.writeLine(QStringLiteral("submitted %1 to %2 (namespace %3); following it until it ends (Ctrl+C stops it)")
                          .arg(name, server.toString(QUrl::RemoveUserInfo), connection.ns));
        client.watch(name);
    });
    loop.exec();
    client.stopWatching();
    if (interrupts > 0 && exitCode == RunCommand::Failed)
        exitCode = RunCommand::Interrupted;
    if (!name.isEmpty() && !writeReport(parser.value(QStringLiteral("report")), progress.facts(plan, planName, outcomeOf(exitCode))))
        exitCode = RunCommand::Failed;
    return exitCode;
}

} // namespace fanout
