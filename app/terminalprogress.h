#pragma once

#include "app/console.h"
#include "engine/run/runevent.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace fanout {

class Scheduler;

// Shows a run in the terminal. Every event that matters gets a line (time, progress, resource,
// what happened) and, on a terminal, a status line at the bottom keeps the counts per state, what
// is running and the elapsed time up to date. Piped into a file or a CI log, it is lines only.
class TerminalProgress : public QObject
{
    Q_OBJECT

public:
    TerminalProgress(const Scheduler &scheduler, const Console &console, bool showLogs, QObject *parent = nullptr);

    void onEvents(const QList<fanout::RunEvent> &events);
    void message(const QString &text);  // a line of our own, such as "Cancelling..."
    // The end of a run: its counts, then what failed, was skipped or cancelled, and why; from its
    // report (RunReport::toJson), so that `fanout history show` prints a recorded run the same way.
    // `command`: "run" or "destroy", what the summary calls it ("Run of", "Destroy of").
    void printSummary(const nlohmann::ordered_json &report, const QString &command);
    static void printSummary(const Console &console, const nlohmann::ordered_json &report, const QString &command);
    // The targets of a plan with targets (the report's "rollout"): how many ended how, and, when
    // the rollout stopped, why and which targets never started.
    static void printRollout(const Console &console, const nlohmann::ordered_json &report);

private:
    QString describe(const RunEvent &event);
    QString statusLine() const;
    void redrawStatus();
    void clearStatus();

    const Scheduler &m_scheduler;
    const Console &m_console;
    const bool m_showLogs;
    const bool m_live;
    std::vector<ResourceState> m_states; // as the events so far tell it
    int m_done = 0;                      // resources in a final state, as of the current event
    // A stopped rollout skips every instance of the targets it never started, all at once: said in
    // one line per target, with how many, rather than one line per instance.
    struct NotStarted
    {
        QString target;
        int resources = 0;
        QString reason;
        qint64 timeMs = 0;
    };
    QList<NotStarted> m_notStarted; // of the batch of events being described
    QString notStartedLines();
    int m_idWidth = 8;
    int m_spinner = 0;
    bool m_statusShown = false;
    QTimer m_tick;
};

} // namespace fanout
