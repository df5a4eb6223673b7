#include "engine/executors/executor.h"

#include "engine/executors/attempt.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace fanout {

void Executor::runOnPool(QThreadPool &pool, std::shared_ptr<Attempt> attempt,
                         std::function<void(const std::shared_ptr<Attempt> &)> work)
{
    (void)QtConcurrent::run(&pool, [attempt = std::move(attempt), work = std::move(work)] {
        attempt->runGuarded([&] { work(attempt); });
    });
}

} // namespace fanout
