#include "engine/executors/executorregistry.h"

#include "engine/executors/commandexecutor.h"
#include "engine/executors/httpexecutor.h"
#include "engine/executors/simexecutor.h"

namespace fanout {

const ExecutorRegistry &ExecutorRegistry::builtIn()
{
    static const ExecutorRegistry *const registry = [] {
        auto *r = new ExecutorRegistry; // lives as long as the process
        r->add(std::make_unique<SimExecutor>());
        r->add(std::make_unique<CommandExecutor>());
        r->add(std::make_unique<HttpExecutor>());
        return r;
    }();
    return *registry;
}

void ExecutorRegistry::add(std::unique_ptr<Executor> executor)
{
    Q_ASSERT(executor && !find(executor->type()));
    m_executors.push_back(std::move(executor));
}

const Executor *ExecutorRegistry::find(const QString &type) const
{
    for (const auto &executor : m_executors) {
        if (executor->type() == type)
            return executor.get();
    }
    return nullptr;
}

QStringList ExecutorRegistry::types() const
{
    QStringList names;
    for (const auto &executor : m_executors)
        names.append(executor->type());
    return names;
}

qint64 ExecutorRegistry::estimateMs(const Resource &resource, qint64 fallbackMs) const
{
    if (resource.estimateMs)
        return *resource.estimateMs;
    if (const Executor *executor = find(resource.type)) {
        if (const auto estimate = executor->defaultEstimateMs(resource))
            return *estimate;
    }
    return fallbackMs;
}

} // namespace fanout
