#pragma once

#include "engine/forecast/estimate.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace fanout {

class Deployment;
class ExecutorRegistry;

// Learns the estimates of the deployment's plan from the run history (LearnedEstimates) when a
// plan is opened or edited, and again when a run has been recorded: on a thread of its own, so that
// a large history never stalls the window. Gives them to the deployment (Deployment::setEstimates,
// with where each came from), which orders its runs and reckons the time left with them.
class EstimateLearner : public QObject
{
    Q_OBJECT

public:
    // `path`: the history file; empty learns nothing (the plan's and executors' figures stay).
    EstimateLearner(Deployment &deployment, const ExecutorRegistry &registry, QString path, QObject *parent = nullptr);
    ~EstimateLearner() override;

    QString path() const { return m_path; }
    void setPath(const QString &path) { m_path = path; }
    // Learns again for the deployment's plan (after a run was recorded, say).
    void relearn();
    void waitForLearning(); // for tests, and before quitting

signals:
    void learned();
    void learnFailed(const QString &message); // once, for the first that fails

private:
    struct Result
    {
        std::vector<Estimate> estimates;
        QString error;
    };
    void onPlanChanged();
    void onLearned();

    Deployment &m_deployment;
    const ExecutorRegistry &m_registry;
    QString m_path;
    QFutureWatcher<Result> m_watcher;
    QStringList m_ids;    // of the plan being learned, to tell whether it is still the deployment's
    bool m_stale = false; // the plan changed while it was being learned
    bool m_warned = false;
};

} // namespace fanout
