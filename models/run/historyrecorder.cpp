#include "models/run/historyrecorder.h"

#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "engine/run/runreport.h"
#include "engine/support/handover.h"

#include <QDir>
#include <QSettings>

namespace fanout {

HistoryRecorder::HistoryRecorder(Deployment &deployment, QString path, QObject *parent)
    : QObject(parent)
    , m_deployment(deployment)
    , m_path(std::move(path))
{
    connect(&m_deployment, &Deployment::runFinished, this, &HistoryRecorder::onRunFinished);
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = m_watcher.result();
        if (error.startsWith(QLatin1Char('#'))) {
            emit recorded(error.mid(1).toLongLong());
            return;
        }
        if (!m_warned) {
            m_warned = true;
            emit recordFailed(error);
        }
    });
}

HistoryRecorder::~HistoryRecorder()
{
    waitForRecording();
}

void HistoryRecorder::waitForRecording()
{
    m_watcher.waitForFinished();
}

void HistoryRecorder::onRunFinished()
{
    if (m_path.isEmpty() || m_deployment.isReplaying()) // a replay's end is not a run
        return;
    waitForRecording(); // one at a time: runs end far apart
    const QString command = m_deployment.isTeardown() ? QStringLiteral("destroy") : QStringLiteral("run");
    // Copies: the thread records what the run was, whatever the window does meanwhile. Only the log
    // lines kept are read from the journal's file here (the journal belongs to this thread).
    bool ok = false;
    const int cap = QSettings().value(QLatin1String(kLogLinesKey), RunHistory::kDefaultLogLineCap).toInt(&ok);
    RunHistory::JournalExcerpt excerpt = RunHistory::excerpt(m_deployment.journal(), ok ? cap : RunHistory::kDefaultLogLineCap);
    // The report is made there too: for a 2,000-resource run it is a third of what the window's
    // last event of the run did.
    m_watcher.setFuture(runOnPool(*QThreadPool::globalInstance(), [path = m_path, command, facts = m_deployment.reportFacts(), plan = m_deployment.plan(),
                                           excerpt = std::move(excerpt)] {
        RunHistory history(path);
        const Expected<qint64> recorded = history.record(command, RunReport::toJson(facts), plan, excerpt);
        if (recorded)
            return QStringLiteral("#%1").arg(*recorded);
        return QStringLiteral("This %1 is not in the run history %2: %3").arg(command, QDir::toNativeSeparators(path), recorded.error());
    }));
}

} // namespace fanout
