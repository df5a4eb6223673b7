#include "engine/support/graphvizlock.h"

#include <QMutex>

namespace fanout {

QMutex &graphvizMutex()
{
    static QMutex mutex;
    return mutex;
}

} // namespace fanout
