// The dashboard's runs and teardowns go into the run history (HistoryRecorder), off the GUI thread.
#include "engine/executors/executorregistry.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/plan/workspace.h"
#include "models/run/historyrecorder.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fanout;

namespace {

// Opens a copy of the fixture `name` in `dir`: its state file goes beside the copy.
bool openCopy(Workspace &workspace, const QTemporaryDir &dir, const QString &name)
{
    const QString copy = dir.filePath(name);
    if (!QFile::copy(QStringLiteral(FANOUT_FIXTURES "/plans/") + name, copy))
        return false;
    return workspace.open(copy, workspace.read(copy));
}

} // namespace

class tst_historyrecorder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings("tst_historyrecorder"); }
    void runsAndTeardownsAreRecorded();
    void logLinesUpToTheSetting();
    void aHistoryThatCannotBeKeptIsSaidOnce();
};

void tst_historyrecorder::runsAndTeardownsAreRecorded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    Workspace workspace(ExecutorRegistry::builtIn());
    QVERIFY(openCopy(workspace, dir, QStringLiteral("state-sim.json")));
    HistoryRecorder recorder(workspace.deployment(), path);
    QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
    QSignalSpy finished(&workspace.deployment(), &Deployment::runFinished);
    QVERIFY(workspace.deployment().start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 20'000);
    QCOMPARE(workspace.deployment().planTeardown().outcome, Deployment::Teardown::Outcome::Ready);
    QVERIFY(workspace.deployment().startTeardown());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20'000);
    recorder.waitForRecording();
    QTRY_COMPARE(recorded.size(), 2);

    RunHistory history(path);
    const Expected<QList<RunHistory::Run>> runs = history.runs();
    QVERIFY(runs);
    QCOMPARE(runs->size(), 2);
    QCOMPARE(runs->at(0).command, QStringLiteral("destroy"));
    QCOMPARE(runs->at(1).command, QStringLiteral("run"));
    QCOMPARE(runs->at(1).planName, QStringLiteral("state-sim"));
    QVERIFY(runs->at(1).attempts >= 5);

    // The teardown comes back with its own plan, and its journal indexes that plan.
    const Expected<RunHistory::RecordedRun> teardown = history.recordedRun(runs->at(0).id);
    QVERIFY_EXPECTED(teardown);
    QCOMPARE(resourceIds(teardown->plan), resourceIds(workspace.deployment().plan()));
    bool deletingDb = false;
    for (const RunEvent &event : teardown->events) {
        if (event.kind == RunEvent::Kind::Log && event.text == QLatin1String("Deleting db"))
            deletingDb = teardown->plan.resources.value(event.resource).id == QLatin1String("db");
    }
    QVERIFY(deletingDb);
}

void tst_historyrecorder::logLinesUpToTheSetting()
{
    QSettings().setValue(QLatin1String(HistoryRecorder::kLogLinesKey), 3);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    Workspace workspace(ExecutorRegistry::builtIn());
    QVERIFY(openCopy(workspace, dir, QStringLiteral("quick-ok.json"))); // 4 log lines
    HistoryRecorder recorder(workspace.deployment(), path);
    QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
    QVERIFY(workspace.deployment().startAll());
    QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 20'000);
    QSettings().remove(QLatin1String(HistoryRecorder::kLogLinesKey));

    RunHistory history(path);
    const Expected<RunHistory::RecordedRun> run = history.recordedRun(recorded.at(0).at(0).toLongLong());
    QVERIFY_EXPECTED(run);
    QCOMPARE(run->run.logLineCap, 3);
    const Journal &journal = workspace.deployment().journal();
    qint64 written = 0;
    for (std::size_t i = 0; i < journal.size(); ++i)
        written += journal.entry(i).kind == RunEvent::Kind::Log;
    QVERIFY(written > 3);
    QCOMPARE(run->logLinesDropped, written - 3);
    qsizetype logLines = 0;
    for (const RunEvent &event : run->events)
        logLines += event.kind == RunEvent::Kind::Log;
    QCOMPARE(logLines, 3);
    QCOMPARE(qint64(run->events.size()), qint64(journal.size()) - (written - 3));
    QCOMPARE(QString::fromStdString(run->report["outcome"].get<std::string>()), QStringLiteral("succeeded"));
}

void tst_historyrecorder::aHistoryThatCannotBeKeptIsSaidOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    QFile garbage(path);
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(4096, 'x'));
    garbage.close();
    Workspace workspace(ExecutorRegistry::builtIn());
    QVERIFY(openCopy(workspace, dir, QStringLiteral("quick-ok.json")));
    HistoryRecorder recorder(workspace.deployment(), path);
    QSignalSpy failed(&recorder, &HistoryRecorder::recordFailed);
    QSignalSpy finished(&workspace.deployment(), &Deployment::runFinished);
    for (int run = 1; run <= 2; ++run) {
        QVERIFY(workspace.deployment().startAll());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), run, 20'000);
        recorder.waitForRecording();
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("not in the run history")), qPrintable(failed.at(0).at(0).toString()));
    QCOMPARE(workspace.deployment().outcome(), QStringLiteral("succeeded"));
}

QTEST_MAIN(tst_historyrecorder)
#include "tst_historyrecorder.moc"
