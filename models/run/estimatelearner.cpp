#include "models/run/estimatelearner.h"

#include "engine/executors/executorregistry.h"
#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/run/deployment.h"
#include "engine/support/handover.h"

#include <QDir>
#include <QFileInfo>

namespace fanout {

EstimateLearner::EstimateLearner(Deployment &deployment, const ExecutorRegistry &registry, QString path, QObject *parent)
    : QObject(parent)
    , m_deployment(deployment)
    , m_registry(registry)
    , m_path(std::move(path))
{
    connect(&m_deployment, &Deployment::planChanged, this, &EstimateLearner::onPlanChanged);
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &EstimateLearner::onLearned);
    onPlanChanged();
}

EstimateLearner::~EstimateLearner()
{
    waitForLearning();
}

void EstimateLearner::waitForLearning()
{
    m_watcher.waitForFinished();
}

void EstimateLearner::onPlanChanged()
{
    // A teardown, or the plan with cleanups before a run, keeps what was learned for the plan;
    // opening or editing one forgets it.
    if (!m_deployment.hasLearnedEstimates())
        relearn();
}

void EstimateLearner::relearn()
{
    if (m_watcher.isRunning()) {
        m_stale = true;
        return;
    }
    const Plan &plan = m_deployment.targetPlan();
    if (m_path.isEmpty() || !QFileInfo::exists(m_path) || plan.resources.isEmpty())
        return;
    m_stale = false;
    m_ids.clear();
    for (const Resource &resource : plan.resources)
        m_ids.append(resource.id);
    // Copies: the thread learns for the plan as it is now, whatever the window does meanwhile. The
    // history's connection is made, used and closed on that thread.
    m_watcher.setFuture(runOnPool(*QThreadPool::globalInstance(), [path = m_path, plan, &registry = m_registry] {
        RunHistory history(path);
        Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, plan, registry);
        if (!learned)
            return Result{{}, learned.error()};
        return Result{std::move(learned).value(), QString()};
    }));
}

void EstimateLearner::onLearned()
{
    const Result result = m_watcher.result();
    QStringList ids;
    for (const Resource &resource : m_deployment.targetPlan().resources)
        ids.append(resource.id);
    if (m_stale || ids != m_ids) {
        relearn();
        return;
    }
    if (!result.error.isEmpty()) {
        if (!m_warned) {
            m_warned = true;
            emit learnFailed(tr("Cannot read the run history %1: %2; the estimates are the plan's and its executors'")
                                 .arg(QDir::toNativeSeparators(m_path), result.error));
        }
        return;
    }
    QStringList notes;
    for (const Estimate &estimate : result.estimates)
        notes.append(QStringLiteral("%1: %2").arg(estimate.figureText(), estimate.describe()));
    m_deployment.setEstimates(LearnedEstimates::durations(result.estimates), notes);
    emit learned();
}

} // namespace fanout
