// engine/support/handover.h: the pool helpers that replace QtConcurrent (so that ThreadSanitizer
// sees their hand-overs) must behave as QtConcurrent did: results in order, exceptions passed on,
// and a map called from a busy pool still ends.
#include "engine/support/handover.h"

#include <QAtomicInt>
#include <QObject>
#include <QTest>
#include <QThread>

#include <atomic>
#include <stdexcept>

using namespace fanout;

class tst_Handover : public QObject
{
    Q_OBJECT

private slots:
    void startOnPoolRunsOnThePool();
    void runOnPoolGivesTheResult();
    void runOnPoolPassesTheException();
    void mapOnPoolKeepsTheOrder();
    void mapOnPoolFromABusyPoolEnds();
    void mapOnPoolPassesTheException();
    void handedOverRunsOnTheReceiversThread();
};

void tst_Handover::startOnPoolRunsOnThePool()
{
    QThreadPool pool;
    std::atomic<QThread *> ranOn = nullptr; // not a QSemaphore: TSan cannot see Qt's futexes
    startOnPool(pool, [&] { ranOn = QThread::currentThread(); });
    QTRY_VERIFY(ranOn.load() != nullptr);
    QVERIFY(ranOn.load() != QThread::currentThread());
}

void tst_Handover::runOnPoolGivesTheResult()
{
    QThreadPool pool;
    QFuture<QString> future = runOnPool(pool, [] { return QStringLiteral("done on the pool"); });
    QCOMPARE(future.result(), QStringLiteral("done on the pool"));
    QFuture<void> nothing = runOnPool(pool, [] {});
    nothing.waitForFinished();
    QVERIFY(nothing.isFinished());
}

void tst_Handover::runOnPoolPassesTheException()
{
    QThreadPool pool;
    QFuture<int> future = runOnPool(pool, []() -> int { throw std::runtime_error("no disk"); });
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, future.waitForFinished());
}

void tst_Handover::mapOnPoolKeepsTheOrder()
{
    QThreadPool pool;
    pool.setMaxThreadCount(3);
    QList<int> inputs;
    for (int i = 0; i < 200; ++i)
        inputs.append(i);
    QAtomicInt calls = 0;
    const QList<QString> out = mapOnPool(pool, inputs, [&](const int &i) {
        calls.fetchAndAddRelaxed(1);
        return QString::number(i * i);
    });
    QCOMPARE(calls.loadRelaxed(), 200);
    QCOMPARE(out.size(), 200);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(out[i], QString::number(i * i));
    QVERIFY(mapOnPool(pool, QList<int>(), [](const int &i) { return i; }).isEmpty());
}

// The pool's only thread calls the map: its tasks cannot start, and the caller does every input.
void tst_Handover::mapOnPoolFromABusyPoolEnds()
{
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    QFuture<int> future = runOnPool(pool, [&pool] {
        const QList<int> out = mapOnPool(pool, QList<int>{1, 2, 3, 4}, [](const int &i) { return i * 10; });
        return out.isEmpty() ? -1 : out.constLast();
    });
    QVERIFY(QTest::qWaitFor([&] { return future.isFinished(); }, 10'000));
    QCOMPARE(future.result(), 40);
}

void tst_Handover::mapOnPoolPassesTheException()
{
    QThreadPool pool;
    QAtomicInt calls = 0;
    const auto failOnThree = [&](const int &i) {
        calls.fetchAndAddRelaxed(1);
        if (i == 3)
            throw std::runtime_error("three");
        return i;
    };
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, mapOnPool(pool, QList<int>{1, 2, 3, 4, 5}, failOnThree));
    QCOMPARE(calls.loadRelaxed(), 5); // every input was still done before it was thrown
}

void tst_Handover::handedOverRunsOnTheReceiversThread()
{
    QThreadPool pool;
    QObject receiver; // lives on this thread
    QThread *ranOn = nullptr;
    startOnPool(pool, [&] {
        QMetaObject::invokeMethod(&receiver, handedOver([&] { ranOn = QThread::currentThread(); }), Qt::QueuedConnection);
    });
    QTRY_VERIFY(ranOn != nullptr);
    QCOMPARE(ranOn, QThread::currentThread());
}

QTEST_GUILESS_MAIN(tst_Handover)
#include "tst_handover.moc"
