#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

namespace fanout {

class Deployment;

// Records every run and teardown the dashboard makes in the run history (RunHistory), as `fanout
// run` and `fanout destroy` do, with its journal (log lines up to the "history/logLines" setting):
// when a run ends, on a thread of its own, so that writing the history of a 10,000-resource run
// never stalls the window. A history that cannot be kept is said
// once (recordFailed), and costs the run nothing.
class HistoryRecorder : public QObject
{
    Q_OBJECT

public:
    // The QSettings key of the most log lines kept of a run (RunHistory::kDefaultLogLineCap unless set).
    static constexpr char kLogLinesKey[] = "history/logLines";

    // `path`: the history file; empty records nothing.
    HistoryRecorder(Deployment &deployment, QString path, QObject *parent = nullptr);
    ~HistoryRecorder() override;

    QString path() const { return m_path; }
    void setPath(const QString &path) { m_path = path; }
    // Until the recording under way (if any) is done: before quitting, and for tests.
    void waitForRecording();

signals:
    void recorded(qint64 run);
    void recordFailed(const QString &message); // once, for the first that fails

private:
    void onRunFinished();

    Deployment &m_deployment;
    QString m_path;
    QFutureWatcher<QString> m_watcher; // the error, empty when recorded
    bool m_warned = false;
};

} // namespace fanout
