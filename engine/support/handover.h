#pragma once

#include <QFuture>
#include <QList>
#include <QPromise>
#include <QRunnable>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define FANOUT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FANOUT_TSAN 1
#endif
#endif

#ifdef FANOUT_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace fanout {

// Work handed from one thread to another through Qt: a pool's queue, an object's event queue.
// Qt locks those queues inside libQt6Core, which Debian builds without ThreadSanitizer, so under
// TSan a callable built on one thread and run on another looks unsynchronised, and every capture
// it reads is reported. These say where the hand-over is: the thread that hands over releases the
// callable's own address once it is in its final place, the thread that runs it acquires that
// address first. Exactly what Qt's lock gives, for that callable, and nothing more: a race on
// anything else still shows. Outside a TSan build they are nothing.
namespace handover {

inline void release([[maybe_unused]] const void *token)
{
#ifdef FANOUT_TSAN
    __tsan_release(const_cast<void *>(token));
#endif
}

inline void acquire([[maybe_unused]] const void *token)
{
#ifdef FANOUT_TSAN
    __tsan_acquire(const_cast<void *>(token));
#endif
}

} // namespace handover

// A callable for QMetaObject::invokeMethod across threads. Qt moves it into the event it posts;
// each move releases the new place (the last one is the event's, made before Qt locks its queue),
// and the call acquires it.
template <class F>
class HandedOver
{
public:
    explicit HandedOver(F work)
        : m_work(std::move(work))
    {
        handover::release(this);
    }
    HandedOver(HandedOver &&other) noexcept(std::is_nothrow_move_constructible_v<F>)
        : m_work(std::move(other.m_work))
    {
        handover::release(this);
    }
    HandedOver(const HandedOver &other)
        : m_work(other.m_work)
    {
        handover::release(this);
    }
    HandedOver &operator=(const HandedOver &) = delete;
    HandedOver &operator=(HandedOver &&) = delete;
    ~HandedOver() = default;

    decltype(auto) operator()()
    {
        handover::acquire(this);
        return m_work();
    }

private:
    F m_work;
};

template <class F>
HandedOver<std::decay_t<F>> handedOver(F &&work)
{
    return HandedOver<std::decay_t<F>>(std::forward<F>(work));
}

namespace handover {

template <class F>
class PoolTask final : public QRunnable
{
public:
    explicit PoolTask(F work)
        : m_work(std::move(work))
    {
    }
    void run() override
    {
        acquire(this);
        m_work();
    }

private:
    F m_work;
};

} // namespace handover

// Runs `work` on one of `pool`'s threads, for its effects (no future to wait on: what it does says
// when it is done). The task is built whole, vtable included, before it is released and queued, and
// Qt calls run() from its own code: nothing of it is touched unsynchronised. QtConcurrent::run's
// task is built and run by inline templates, whose hand-over TSan cannot be told of.
template <class F>
void startOnPool(QThreadPool &pool, F &&work)
{
    auto *task = new handover::PoolTask<std::decay_t<F>>(std::forward<F>(work));
    handover::release(task);
    pool.start(task);
}

// QtConcurrent::run(&pool, work), built on startOnPool: the future has what `work` returns, or
// the exception it threw. The result goes back through the future's own lock, taken in inline code
// on both sides, which TSan sees.
template <class F>
auto runOnPool(QThreadPool &pool, F &&work)
{
    using R = std::invoke_result_t<std::decay_t<F> &>;
    QPromise<R> promise;
    QFuture<R> future = promise.future();
    promise.start();
    startOnPool(pool, [promise = std::move(promise), work = std::forward<F>(work)]() mutable {
        try {
            if constexpr (std::is_void_v<R>)
                work();
            else
                promise.addResult(work());
        } catch (...) {
            promise.setException(std::current_exception());
        }
        promise.finish();
    });
    return future;
}

// QtConcurrent::blockingMapped(&pool, inputs, fn): fn of every input, on the pool's threads and the
// calling one (which takes its share, so that a call from a busy pool still ends), in the inputs'
// order. The results come back under a std::mutex, which TSan sees. An exception from fn is thrown
// here once every input is done.
template <class In, class F>
auto mapOnPool(QThreadPool &pool, const QList<In> &inputs, F fn)
{
    using Out = std::decay_t<std::invoke_result_t<F &, const In &>>;
    static_assert(std::is_default_constructible_v<Out>, "mapOnPool fills its results in place");
    struct Shared
    {
        Shared(const QList<In> &in, F f)
            : inputs(in)
            , fn(std::move(f))
            , results(std::size_t(in.size()))
        {
        }

        QList<In> inputs;
        F fn;
        std::atomic<qsizetype> next = 0;
        std::mutex mutex;
        std::condition_variable allDone;
        qsizetype done = 0; // under mutex, with results and failure
        std::vector<Out> results;
        std::exception_ptr failure;

        // Takes inputs until none is left; what a task started after the end touches is only `next`.
        void work()
        {
            const qsizetype count = inputs.size();
            for (qsizetype i = next++; i < count; i = next++) {
                Out out{};
                std::exception_ptr error;
                try {
                    out = fn(inputs.at(i));
                } catch (...) {
                    error = std::current_exception();
                }
                std::lock_guard lock(mutex);
                results[std::size_t(i)] = std::move(out);
                if (error && !failure)
                    failure = error;
                if (++done == count)
                    allDone.notify_all();
            }
        }
    };
    auto shared = std::make_shared<Shared>(inputs, std::move(fn));
    const qsizetype helpers = std::min<qsizetype>(inputs.size(), std::max(1, pool.maxThreadCount())) - 1;
    for (qsizetype h = 0; h < helpers; ++h)
        startOnPool(pool, [shared] { shared->work(); });
    shared->work();
    std::unique_lock lock(shared->mutex);
    shared->allDone.wait(lock, [&] { return shared->done == shared->inputs.size(); });
    if (shared->failure)
        std::rethrow_exception(shared->failure);
    return QList<Out>(std::make_move_iterator(shared->results.begin()), std::make_move_iterator(shared->results.end()));
}

} // namespace fanout
