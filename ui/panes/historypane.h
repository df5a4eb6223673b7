#pragma once

#include "engine/history/runhistory.h"
#include "engine/run/replay.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace fanout {

class HistoryModel;
class RunComparisonDialog;
class Sparkline;
class Workspace;

// The History pane: the recorded runs of the open plan (RunHistory), newest first, with when,
// the result, how long each took and at what parallelism, and a sparkline of those times.
// Double-click (or Replay) shows a run on every pane as it ended, read-only, for the ReplayBar to
// move through; select two and Compare shows where their times differ. The history is read on a
// thread of its own, so that a long history never stalls the window.
class HistoryPane : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kListLimit = 1000;
    static constexpr int kSparklinePoints = 60;

    // Reads a recorded run whole; called on a pool thread. By default RunHistory::recordedRun().
    using Loader = std::function<Expected<RunHistory::RecordedRun>(const QString &historyPath, qint64 id)>;

    explicit HistoryPane(Workspace &workspace, QWidget *parent = nullptr);
    ~HistoryPane() override;

    QString historyPath() const { return m_path; }
    void setHistoryPath(const QString &path); // reads its list
    void setLoader(Loader loader) { m_loader = std::move(loader); }
    // Reads the list again, on a thread; listRead() when it shows.
    void refresh();

    HistoryModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    Sparkline *sparkline() const { return m_sparkline; }
    QPushButton *replayButton() const { return m_replayButton; }
    QPushButton *compareButton() const { return m_compareButton; }

    // Reads run `id` (on a thread) and replays it.
    void openRun(qint64 id);
    // Shows a recorded run on every pane as it ended, read-only; false (with problem()) during a run.
    bool showRecorded(RunHistory::RecordedRun recorded);
    void closeReplay();
    Replay *replay() const { return m_replay; }
    QString replayTitle() const { return m_replayTitle; }

    // Compares the two runs selected (read on a thread), or two runs given.
    void compareSelected();
    RunComparisonDialog *compare(const RunHistory::RecordedRun &a, const RunHistory::RecordedRun &b);

signals:
    void listRead();
    void replayStarted(fanout::Replay *replay, const QString &title);
    void replayClosed();
    void problem(const QString &message); // for the status bar

private:
    struct Listing
    {
        QList<RunHistory::Run> runs;
        QString planName;
        QString error;
    };
    struct Loaded
    {
        QList<RunHistory::RecordedRun> runs;
        QString error;
        bool compare = false;
    };
    void onListRead();
    void onLoaded();
    void load(const QList<qint64> &ids, bool compare);
    QList<qint64> selectedIds() const;
    void updateButtons();

    Workspace &m_workspace;
    QString m_path;
    QString m_listedPlan;
    Loader m_loader;
    HistoryModel *m_model;
    Sparkline *m_sparkline;
    QLabel *m_message;
    QTableView *m_view;
    QPushButton *m_replayButton;
    QPushButton *m_compareButton;
    QFutureWatcher<Listing> m_listing;
    QFutureWatcher<Loaded> m_loading;
    bool m_refreshAgain = false;
    QPointer<Replay> m_replay;
    QString m_replayTitle;
};

} // namespace fanout
