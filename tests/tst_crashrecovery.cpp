// Nothing lost, nothing left behind: `fanout run` (the real binary) is killed with SIGKILL at
// random moments during a plan of command resources that leave marker files, then run again to
// completion. Each resource must end created exactly once as far as its markers show, the state
// file must always be readable, and what the state recorded as created before the kill must not
// run again.

#include "engine/state/deploymentstate.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

constexpr int kResources = 30;

// Creating appends "+" to markers/ID; destroying appends "-" if it exists (more "+" than "-"),
// as a real destroy action tolerates what is already gone or was never made.
json markerPlan(const QString &markers, quint32 seed)
{
    QRandomGenerator random(seed);
    json resources = json::array();
    for (int i = 0; i < kResources; ++i) {
        const QString file = QStringLiteral("%1/r%2").arg(markers).arg(i);
        // Short commands, so that kills land in every phase: starting, running, recording.
        const QString create = QStringLiteral("echo + >> '%1'").arg(file);
        const QString destroy = QStringLiteral("p=$(cat '%1' 2>/dev/null | grep -cx '+'); m=$(cat '%1' 2>/dev/null | grep -cx -e '-'); "
                                               "if [ \"$p\" -gt \"$m\" ]; then echo - >> '%1'; fi")
                                    .arg(file);
        json dependsOn = json::array();
        for (int k = 0; i > 0 && k < 2; ++k) {
            const std::string dependency = QStringLiteral("r%1").arg(random.bounded(i)).toStdString();
            if (std::find(dependsOn.begin(), dependsOn.end(), dependency) == dependsOn.end())
                dependsOn.push_back(dependency);
        }
        resources.push_back({{"id", QStringLiteral("r%1").arg(i).toStdString()},
                             {"type", "command"},
                             {"shell", true},
                             {"command", create.toStdString()},
                             {"depends_on", dependsOn},
                             {"destroy", {{"shell", true}, {"command", destroy.toStdString()}}}});
    }
    return {{"name", "markers"}, {"parallelism", 8}, {"resources", resources}};
}

// Starts `fanout run PLAN -q`, its output in `log`.
pid_t spawnRun(const QString &plan, const QString &log)
{
    const QByteArray binary = FANOUT_BINARY;
    const QByteArray planArgument = QFile::encodeName(plan);
    const QByteArray logPath = QFile::encodeName(log);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logPath.constData(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    char *argv[] = {const_cast<char *>(binary.constData()), const_cast<char *>("run"), const_cast<char *>(planArgument.constData()),
                    const_cast<char *>("-q"), nullptr};
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, binary.constData(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    return spawned == 0 ? pid : -1;
}

// Waits for every child, and for every orphan of a killed Fanout (this process is their
// subreaper): whatever a command was doing when Fanout died is over once this returns.
void reapAll()
{
    while (true) {
        const pid_t pid = ::waitpid(-1, nullptr, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            return; // ECHILD: none left
    }
}

int exitCode(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

QStringList markerLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class tst_CrashRecovery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killedRunsLoseNothing_data();
    void killedRunsLoseNothing();
};

void tst_CrashRecovery::initTestCase()
{
    // Orphans of a killed Fanout come to this process, so that reapAll() can wait for them.
    QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

void tst_CrashRecovery::killedRunsLoseNothing_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 20; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_CrashRecovery::killedRunsLoseNothing()
{
    QFETCH(quint32, seed);
    QTemporaryDir dir;
    const QString markers = dir.filePath(QStringLiteral("markers"));
    QVERIFY(QDir().mkpath(markers));
    const QString plan = dir.filePath(QStringLiteral("markers.json"));
    const QString statePath = DeploymentState::defaultPath(plan);
    const QString log = dir.filePath(QStringLiteral("log.txt"));
    {
        QFile file(plan);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(markerPlan(markers, seed).dump(2)));
    }

    // Killed somewhere between its first write-ahead (the journal appears) and a little after the
    // run would have finished (about 150 ms later here): in every phase of a run.
    const pid_t killed = spawnRun(plan, log);
    QVERIFY(killed > 0);
    const QString journal = statePath + QStringLiteral(".journal");
    for (int waited = 0; !QFile::exists(journal) && waited < 10'000; ++waited)
        QTest::qSleep(1);
    QTest::qSleep(int(QRandomGenerator(seed).bounded(0, 180)));
    ::kill(killed, SIGKILL);
    reapAll();

    const DeploymentState::ReadResult afterKill = DeploymentState::read(statePath);
    QVERIFY2(!afterKill.hasErrors(), qPrintable(afterKill.diagnostics.isEmpty() ? QString() : afterKill.diagnostics.constFirst().toString()));
    QStringList completed; // recorded as created before the kill: must not run again
    for (const QString &id : afterKill.state.ids()) {
        if (!afterKill.state.find(id)->isInFlight())
            completed.append(id);
    }
    const QStringList inFlight = afterKill.state.inFlight();
    qInfo("killed with %lld created and %lld in flight", qlonglong(completed.size()), qlonglong(inFlight.size()));

    const pid_t again = spawnRun(plan, log);
    QVERIFY(again > 0);
    const int code = exitCode(again);
    reapAll();
    QVERIFY2(code == 0, qPrintable(readText(log)));
    if (!inFlight.isEmpty())
        QVERIFY2(readText(log).contains(QLatin1String("when Fanout stopped; ")), qPrintable(readText(log)));

    const DeploymentState::ReadResult final = DeploymentState::read(statePath);
    QVERIFY(!final.hasErrors());
    QCOMPARE(final.state.size(), kResources);
    QVERIFY(final.state.inFlight().isEmpty());
    for (int i = 0; i < kResources; ++i) {
        const QString id = QStringLiteral("r%1").arg(i);
        const QStringList lines = markerLines(QStringLiteral("%1/%2").arg(markers, id));
        const qsizetype created = lines.count(QStringLiteral("+"));
        const qsizetype destroyed = lines.count(QStringLiteral("-"));
        QVERIFY2(created - destroyed == 1, qPrintable(QStringLiteral("%1: markers %2 (in flight at the kill: %3)")
                                                           .arg(id, lines.join(QString()), inFlight.join(QStringLiteral(", ")))));
        if (completed.contains(id))
            QVERIFY2(lines == QStringList{QStringLiteral("+")}, qPrintable(QStringLiteral("%1 ran again: %2").arg(id, lines.join(QString()))));
    }
}

QTEST_GUILESS_MAIN(tst_CrashRecovery)
#include "tst_crashrecovery.moc"
