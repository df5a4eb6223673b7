#pragma once

// For tests and benchmarks: the most threads this process had while something ran, sampled from
// /proc/self/status every few milliseconds by one thread more (counted).

#include "tests/procstatus.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace fanout::test {

// The threads of this process now (-1 where /proc has no answer).
inline int threadCount()
{
    return int(procStatus("Threads"));
}

// Samples from construction until stop().
class ThreadSampler
{
public:
    explicit ThreadSampler(std::chrono::milliseconds every = std::chrono::milliseconds(5))
        : m_peak(threadCount())
        , m_thread([this, every] {
            while (m_running) {
                m_peak = std::max(m_peak.load(), threadCount());
                std::this_thread::sleep_for(every);
            }
        })
    {
    }
    ~ThreadSampler() { stop(); }
    ThreadSampler(const ThreadSampler &) = delete;
    ThreadSampler &operator=(const ThreadSampler &) = delete;

    // Stops sampling; returns the peak.
    int stop()
    {
        m_running = false;
        if (m_thread.joinable())
            m_thread.join();
        return m_peak;
    }

private:
    std::atomic<bool> m_running{true};
    std::atomic<int> m_peak;
    std::thread m_thread;
};

} // namespace fanout::test
