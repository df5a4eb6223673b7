#include "engine/layout/graphlayouter.h"

#include "engine/layout/graphlayoutengine.h"
#include "engine/support/handover.h"

#include <QMutex>
#include <QMutexLocker>
#include <QThread>

#include <functional>
#include <mutex>

namespace fanout {

// The thread on which Graphviz runs, shared by every GraphLayouter while there is one, so that
// two layouters (the window's and a test's, say) never run Graphviz at the same time.
class GraphLayoutThread
{
public:
    static std::shared_ptr<GraphLayoutThread> acquire()
    {
        static std::mutex mutex;
        static std::weak_ptr<GraphLayoutThread> current;
        std::lock_guard<std::mutex> lock(mutex);
        std::shared_ptr<GraphLayoutThread> thread = current.lock();
        if (!thread) {
            thread = std::make_shared<GraphLayoutThread>();
            current = thread;
        }
        return thread;
    }

    GraphLayoutThread()
    {
        m_thread.setObjectName(QStringLiteral("Graphviz layout"));
        m_context.moveToThread(&m_thread);
        m_thread.start();
    }

    ~GraphLayoutThread()
    {
        m_thread.quit();
        m_thread.wait(); // a layout in progress cannot be interrupted; it finishes first
        m_engine.reset();
    }

    // Runs `job` on the layout thread, after the jobs posted before it.
    void post(std::function<void(GraphLayoutEngine &)> job)
    {
        QMetaObject::invokeMethod(&m_context, handedOver([this, job = std::move(job)] {
            if (!m_engine)
                m_engine = std::make_unique<GraphLayoutEngine>(); // Graphviz's context lives here
            job(*m_engine);
        }), Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    QObject m_context; // lives on m_thread: queued jobs run there
    std::unique_ptr<GraphLayoutEngine> m_engine;
};

struct GraphLayouter::Shared
{
    QMutex mutex;
    GraphLayouter *owner = nullptr; // null once the layouter is gone
    quint64 latest = 0;             // the newest request's generation
    GraphLayoutInput pending;       // the newest request's input, until its job takes it
};

GraphLayouter::GraphLayouter(QObject *parent)
    : QObject(parent)
    , m_shared(std::make_shared<Shared>())
    , m_thread(GraphLayoutThread::acquire())
{
    qRegisterMetaType<fanout::GraphLayout>();
    m_shared->owner = this;
}

GraphLayouter::~GraphLayouter()
{
    QMutexLocker locker(&m_shared->mutex);
    m_shared->owner = nullptr; // jobs still queued now do nothing
}

quint64 GraphLayouter::request(GraphLayoutInput input)
{
    quint64 generation = 0;
    {
        QMutexLocker locker(&m_shared->mutex);
        generation = ++m_shared->latest;
        m_shared->pending = std::move(input);
    }
    m_thread->post([shared = m_shared, generation](GraphLayoutEngine &engine) {
        GraphLayoutInput taken;
        {
            QMutexLocker locker(&shared->mutex);
            if (!shared->owner || shared->latest != generation)
                return; // superseded before it started
            taken = std::move(shared->pending);
            shared->pending = {};
        }
        const GraphLayout layout = engine.layout(taken);
        QMutexLocker locker(&shared->mutex);
        if (!shared->owner || shared->latest != generation)
            return; // superseded while it ran: the newer job follows
        // Posted while the owner cannot be deleted (its destructor takes the mutex); Qt drops the
        // call if the owner is deleted before it runs.
        GraphLayouter *owner = shared->owner;
        QMetaObject::invokeMethod(owner, handedOver([owner, generation, layout] {
            emit owner->laidOut(generation, layout);
        }), Qt::QueuedConnection);
    });
    return generation;
}

quint64 GraphLayouter::latestGeneration() const
{
    QMutexLocker locker(&m_shared->mutex);
    return m_shared->latest;
}

} // namespace fanout
