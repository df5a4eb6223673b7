#pragma once

#include <QThreadPool>

#include <mutex>

namespace fanout {

// The threads a run's blocking attempts run on: a QThreadPool with a thread for each core but one,
// which grows by one thread for as long as an attempt blocks (sleeps, waits for a process). Quick
// attempts then share a few busy threads instead of waking one of hundreds each, while slow ones
// still never wait for each other: the run's parallelism limit, not the pool, decides how many run.
// Java's ManagedBlocker and Go's hand-off of a blocked thread solve the same problem.
class WorkerPool
{
public:
    WorkerPool();
    ~WorkerPool();

    QThreadPool &threads() { return m_threads; }

    // While one of these lives, the pool has a thread more. Cheap; use it around every wait.
    class Blocking
    {
    public:
        explicit Blocking(WorkerPool *pool);
        ~Blocking();
        Blocking(const Blocking &) = delete;
        Blocking &operator=(const Blocking &) = delete;

    private:
        WorkerPool *m_pool;
    };

private:
    void adjust(int delta);

    QThreadPool m_threads;
    std::mutex m_mutex;
    const int m_base;
    int m_blocked = 0;
};

} // namespace fanout
