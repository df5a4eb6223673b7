#pragma once

#include "engine/executors/executor.h"

#include <memory>
#include <vector>

namespace fanout {

// The executors a plan may use, by type name.
class ExecutorRegistry final : public ExecutorTypes
{
public:
    ExecutorRegistry() = default;
    ExecutorRegistry(const ExecutorRegistry &) = delete;
    ExecutorRegistry &operator=(const ExecutorRegistry &) = delete;

    // Every executor Fanout ships with.
    static const ExecutorRegistry &builtIn();

    void add(std::unique_ptr<Executor> executor);
    const Executor *find(const QString &type) const;
    const ExecutorType *findType(const QString &type) const override { return find(type); }
    QStringList types() const override;

    // How long an attempt of `resource` is expected to take: its own estimate, else what its
    // executor expects, else `fallbackMs`. The scheduler orders ready work by these.
    qint64 estimateMs(const Resource &resource, qint64 fallbackMs = 1000) const;

private:
    std::vector<std::unique_ptr<Executor>> m_executors;
};

} // namespace fanout
