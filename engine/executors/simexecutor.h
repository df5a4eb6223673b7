#pragma once

#include "engine/executors/executor.h"

#include <QMap>

namespace fanout {

// Pretends to provision: waits for a (possibly random) duration, writes log lines, and fails when
// told to. For demos, tests and forecasts; with a seed, a run is reproducible.
class SimExecutor final : public Executor
{
public:
    // How long an attempt takes when the plan says nothing.
    static constexpr qint64 kDefaultDurationMs = 1000;

    // A sim resource's parameters, read from its plan entry.
    struct Spec
    {
        qint64 minDurationMs = kDefaultDurationMs;
        qint64 maxDurationMs = kDefaultDurationMs;
        double failureRate = 0.0;
        int failAttempts = 0;
        int logLineCount = 0;
        QStringList logLines;              // when given as text; otherwise generated
        std::optional<quint64> seed;
        QString failureMessage;
        QMap<QString, QString> outputs;    // what a successful attempt produces
    };

    // Reads a sim resource's parameters; problems go to `out` (when given) and are replaced by
    // defaults in the returned spec.
    static Spec readSpec(const nlohmann::ordered_json &params, const QString &path, Diagnostics *out);

    const ExecutorDescription &description() const override;
    void validate(const nlohmann::ordered_json &params, const QString &path, Diagnostics &out) const override;
    std::optional<qint64> defaultEstimateMs(const Resource &resource) const override;
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const override;
};

} // namespace fanout
