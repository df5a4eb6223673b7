// A fault inside an attempt (an exception from a bug in an executor, std::bad_alloc) fails that
// attempt with its message; the resource never stays Running for ever, and the run goes on.

#include "engine/executors/attempt.h"
#include "engine/executors/executorregistry.h"
#include "engine/executors/processsupervisor.h"
#include "engine/executors/simexecutor.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"

#include <QSignalSpy>
#include <QTest>

#include <nlohmann/json.hpp>

#include <new>
#include <stdexcept>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// Throws where its resource's "where" says: in start() itself (the scheduler's thread), in work on
// the pool, or in work on the process supervisor's thread.
class ThrowingExecutor final : public Executor
{
public:
    const ExecutorDescription &description() const override
    {
        static const ExecutorDescription described{
            .type = QStringLiteral("throwing"),
            .section = {.title = QStringLiteral("Fault"), .fields = {{.path = QStringLiteral("where"), .what = QStringLiteral("where it throws")}}}};
        return described;
    }
    void validate(const json &, const QString &, Diagnostics &) const override {}
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &pool) const override
    {
        const std::string where = attempt->params().value("where", "");
        if (where == "start")
            throw std::runtime_error("injected fault in start");
        if (where == "pool") {
            runOnPool(pool, std::move(attempt), [](const std::shared_ptr<Attempt> &) { throw std::bad_alloc(); });
        } else {
            ProcessSupervisor::instance().post(attempt, [attempt] {
                attempt->log(LogLevel::Info, QStringLiteral("about to fail"));
                throw std::logic_error("injected fault on the supervisor's thread");
            });
        }
    }
};

} // namespace

class tst_ExecutorFaults : public QObject
{
    Q_OBJECT

private slots:
    void exceptionFailsTheAttempt_data();
    void exceptionFailsTheAttempt();
};

void tst_ExecutorFaults::exceptionFailsTheAttempt_data()
{
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");

    QTest::newRow("start, on the scheduler's thread") << QStringLiteral("start") << QStringLiteral("injected fault in start");
    QTest::newRow("work on the pool") << QStringLiteral("pool") << QStringLiteral("std::bad_alloc");
    QTest::newRow("work on the supervisor's thread") << QStringLiteral("supervisor")
                                                     << QStringLiteral("injected fault on the supervisor's thread");
}

void tst_ExecutorFaults::exceptionFailsTheAttempt()
{
    QFETCH(QString, where);
    QFETCH(QString, message);

    ExecutorRegistry registry;
    registry.add(std::make_unique<SimExecutor>());
    registry.add(std::make_unique<ThrowingExecutor>());
    const json plan = {{"name", "faults"},
                       {"resources", json::array({{{"id", "faulty"}, {"type", "throwing"}, {"where", where.toStdString()}},
                                                  {{"id", "healthy"}, {"type", "sim"}, {"duration", "50ms"}}})}};
    const PlanReadResult read = PlanReader::readJson(plan, registry);
    QVERIFY(!read.hasErrors());

    Scheduler s(registry);
    QSignalSpy finished(&s, &Scheduler::finished);
    QVERIFY(s.start(read.plan));
    QVERIFY(finished.wait(10'000));

    const ResourceStatus &faulty = s.status(s.plan().indexOf(QStringLiteral("faulty")));
    QCOMPARE(faulty.state, ResourceState::Failed);
    QCOMPARE(faulty.reason, QStringLiteral("internal error in the throwing executor: %1 (this is a bug in Fanout; please report it)")
                                .arg(message));
    QCOMPARE(s.status(s.plan().indexOf(QStringLiteral("healthy"))).state, ResourceState::Succeeded);
}

QTEST_GUILESS_MAIN(tst_ExecutorFaults)
#include "tst_executorfaults.moc"
