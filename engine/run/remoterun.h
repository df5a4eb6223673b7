#pragma once

#include <QString>
#include <QStringList>

namespace fanout {

// A run that happens elsewhere (on Argo Workflows: engine/argo/ArgoRun), shown on a Deployment
// as a replay that grows as the run goes (Deployment::startRemote): every pane follows it as it
// follows a run here, and what the user asks of the run (retry, cancel) is asked of this.
class RemoteRun
{
public:
    virtual ~RemoteRun() = default;

    // Where the run is, for messages: "workflow web-x7k2p on https://argo.example.com:2746".
    virtual QString where() const = 0;
    // Whether a resource that failed there can be run again now (Argo retries a workflow once it
    // has ended, not while other steps still run).
    virtual bool canRetry(int resource) const = 0;
    // Asks for these failed resources to run again (their dependents follow); how many were asked.
    virtual int retry(const QStringList &ids) = 0;
    // Nothing new starts; asked again, what runs is stopped too.
    virtual void cancel() = 0;
    // Whether cancel() would now stop what runs (the second press).
    virtual bool isStopping() const = 0;
};

} // namespace fanout
