#include "engine/executors/workerpool.h"

#include <QThread>

#include <algorithm>

namespace fanout {

namespace {

// Attempts of the built-in executors need little stack; hundreds of blocked threads should not
// cost gigabytes of address space.
constexpr uint kStackSize = 512 * 1024;

} // namespace

WorkerPool::WorkerPool()
    // One core is left to the scheduler's thread (the GUI's, in the app), which hears every
    // attempt's end: measured on 2 cores, a pool of 1 costs 6 us per quick attempt, a pool of 2
    // costs 12 (tests/bench/bench_engine).
    : m_base(std::max(1, QThread::idealThreadCount() - 1))
{
    m_threads.setStackSize(kStackSize);
    m_threads.setMaxThreadCount(m_base);
}

WorkerPool::~WorkerPool()
{
    m_threads.waitForDone();
}

void WorkerPool::adjust(int delta)
{
    // Under a mutex: two threads computing base + blocked at once could otherwise set a stale size.
    const std::lock_guard lock(m_mutex);
    m_blocked += delta;
    Q_ASSERT(m_blocked >= 0);
    m_threads.setMaxThreadCount(m_base + m_blocked);
}

WorkerPool::Blocking::Blocking(WorkerPool *pool)
    : m_pool(pool)
{
    if (m_pool)
        m_pool->adjust(+1);
}

WorkerPool::Blocking::~Blocking()
{
    if (m_pool)
        m_pool->adjust(-1);
}

} // namespace fanout
