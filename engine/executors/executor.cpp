#include "engine/executors/executor.h"

#include "engine/executors/attempt.h"

#include "engine/support/handover.h"

namespace fanout {

void Executor::runOnPool(QThreadPool &pool, std::shared_ptr<Attempt> attempt,
                         std::function<void(const std::shared_ptr<Attempt> &)> work)
{
    startOnPool(pool, [attempt = std::move(attempt), work = std::move(work)] {
        attempt->runGuarded([&] { work(attempt); });
    });
}

} // namespace fanout
