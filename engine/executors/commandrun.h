#pragma once

#include "engine/executors/commandexecutor.h"
#include "engine/executors/commandoutput.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTimer>

#include <memory>

#include <sys/types.h>

namespace fanout {

class Attempt;

// One run of a command, on the ProcessSupervisor's thread: starts the process in a group of its
// own (registered with the GroupKeeper, with PR_SET_PDEATHSIG), streams its output into the log,
// stops it and everything it started when the attempt is asked to (SIGTERM to the group, SIGKILL
// after the grace period), and finishes the attempt. It holds no thread while it waits, and deletes
// itself once the attempt is over.
class CommandRun final : public QObject
{
    Q_OBJECT

public:
    // Starts `attempt` on the supervisor's thread; callable from any thread.
    static void start(std::shared_ptr<Attempt> attempt, CommandExecutor::Spec spec);

    ~CommandRun() override;

private:
    CommandRun(std::shared_ptr<Attempt> attempt, CommandExecutor::Spec spec);

    void begin();
    bool prepare();
    QString cannotStart(const QString &reason) const;
    void failWith(const QString &error);
    void onError(QProcess::ProcessError error);
    void onFinished();
    void concludeExit();
    void stop();
    void onGraceOver();
    void checkGroup();
    void signalGroup(int signal);
    void end();
    // Runs a step; an exception escaping it fails the attempt and kills what the command started.
    template <typename Step> void guarded(Step step);

    const std::shared_ptr<Attempt> m_attempt;
    const CommandExecutor::Spec m_spec;
    // What the stop handler reaches this run through; cleared (on the supervisor's thread) when
    // the run is deleted, so that a late stop finds nothing rather than a deleted object.
    const std::shared_ptr<CommandRun *> m_link;
    QProcess *m_process = nullptr;
    CommandOutput m_output;
    QString m_workingDirectory;  // absolute
    QElapsedTimer m_clock;
    pid_t m_pid = 0;             // also the process group's id
    bool m_exited = false;
    bool m_stopping = false;
    bool m_killed = false;
    bool m_ended = false;
    QTimer m_graceTimer;         // from SIGTERM to SIGKILL
    QTimer m_groupTimer;         // after a stop, until the group is empty
};

} // namespace fanout
