#include "engine/executors/attempt.h"
#include "engine/executors/executorregistry.h"
#include "engine/executors/simexecutor.h"
#include "engine/plan/planreader.h"
#include "engine/run/scheduler.h"
#include "tests/expect.h"

#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

// An executor the test drives by hand: attempts wait until the test finishes them.
class ManualExecutor final : public Executor
{
public:
    const ExecutorDescription &description() const override
    {
        static const ExecutorDescription described{.type = QStringLiteral("manual")};
        return described;
    }
    void validate(const json &, const QString &, Diagnostics &) const override {}
    void start(std::shared_ptr<Attempt> attempt, QThreadPool &) const override { m_attempts.push_back(std::move(attempt)); }

    int outstanding() const
    {
        return int(std::count_if(m_attempts.begin(), m_attempts.end(), [](const auto &a) { return !a->isFinished(); }));
    }
    // The unfinished attempt of a resource, or null.
    std::shared_ptr<Attempt> of(const QString &id) const
    {
        for (const auto &a : m_attempts) {
            if (!a->isFinished() && a->resource().id == id)
                return a;
        }
        return nullptr;
    }
    QStringList startedIds() const
    {
        QStringList ids;
        for (const auto &a : m_attempts)
            ids.append(a->resource().id);
        return ids;
    }

private:
    mutable std::vector<std::shared_ptr<Attempt>> m_attempts;
};

struct Fixture
{
    ExecutorRegistry registry;
    ManualExecutor *manual;
    Fixture()
    {
        registry.add(std::make_unique<SimExecutor>());
        auto executor = std::make_unique<ManualExecutor>();
        manual = executor.get();
        registry.add(std::move(executor));
    }
    Plan plan(const json &document) const
    {
        const PlanReadResult result = PlanReader::readJson(document, registry);
        for (const Diagnostic &d : result.diagnostics)
            qWarning("%s", qPrintable(d.toString()));
        FANOUT_EXPECT(!result.hasErrors());
        return result.plan;
    }
};

// Built through QString: GCC 12 warns falsely (-Wrestrict) about std::string + std::to_string.
std::string idOf(const char *prefix, quint32 number)
{
    return (QLatin1String(prefix) + QString::number(number)).toStdString();
}

json resource(const std::string &id, const std::string &type, std::vector<std::string> deps = {}, json extra = json::object())
{
    json r = extra;
    r["id"] = id;
    r["type"] = type;
    r["depends_on"] = deps;
    return r;
}

json planOf(std::vector<json> resources, json extra = json::object())
{
    json p = extra;
    p["name"] = "test";
    p["resources"] = resources;
    return p;
}

int indexOf(const Scheduler &s, const QString &id)
{
    return s.plan().indexOf(id);
}

ResourceState stateOf(const Scheduler &s, const char *id)
{
    return s.status(indexOf(s, QString::fromLatin1(id))).state;
}

// The most resources running at once, and in each group, as the journal tells it.
struct Concurrency
{
    int overall = 0;
    QHash<QString, int> byGroup;
};
Concurrency maxConcurrency(const Scheduler &s)
{
    Concurrency peak;
    std::vector<bool> running(s.plan().resources.size(), false);
    int now = 0;
    QHash<QString, int> inGroup;
    for (const RunEvent &e : s.journal()) {
        if (e.kind != RunEvent::Kind::StateChanged)
            continue;
        const QString &group = s.plan().resources[e.resource].group;
        const bool isRunning = e.state == ResourceState::Running;
        if (isRunning == running[e.resource])
            continue;
        running[e.resource] = isRunning;
        const int delta = isRunning ? 1 : -1;
        now += delta;
        inGroup[group] += delta;
        peak.overall = std::max(peak.overall, now);
        peak.byGroup[group] = std::max(peak.byGroup[group], inGroup[group]);
    }
    return peak;
}

// Journal index of the first event for `resource` in `state` (and attempt, if given); -1 if none.
int eventIndex(const Scheduler &s, int resource, ResourceState state, int attempt = 0)
{
    const auto &journal = s.journal();
    for (int i = 0; i < int(journal.size()); ++i) {
        const RunEvent &e = journal[i];
        if (e.kind == RunEvent::Kind::StateChanged && e.resource == resource && e.state == state && (attempt == 0 || e.attempt == attempt))
            return i;
    }
    return -1;
}

bool waitFinished(Scheduler &s, int timeoutMs = 20'000)
{
    if (!s.isRunning())
        return true;
    QSignalSpy finished(&s, &Scheduler::finished);
    return finished.wait(timeoutMs);
}

json randomDag(int n, int maxDeps, quint32 seed, const std::string &type, json extra = json::object())
{
    QRandomGenerator random(seed);
    std::vector<json> resources;
    for (int i = 0; i < n; ++i) {
        std::vector<std::string> deps;
        const int count = i == 0 ? 0 : int(random.bounded(std::min(i, maxDeps) + 1));
        for (int k = 0; k < count; ++k) {
            const std::string dep = idOf("r", random.bounded(i));
            if (std::find(deps.begin(), deps.end(), dep) == deps.end())
                deps.push_back(dep);
        }
        json r = resource(idOf("r", i), type, deps, extra);
        if (type == "sim" && !extra.contains("duration"))
            r["duration"] = idOf("", 5 + random.bounded(20)) + "ms";
        resources.push_back(r);
    }
    return planOf(resources);
}

} // namespace

class tst_Scheduler : public QObject
{
    Q_OBJECT

private slots:
    void runsEverythingInDependencyOrder();
    void neverExceedsTheLimit();
    void neverExceedsGroupLimits();
    void blockingAttemptsRunTogether();
    void startsReadyWorkLongestPathFirst();
    void learnedEstimatesDecideTheOrder();
    void failureSkipsDependentsAndKeepsBranchesGoing();
    void retriesWithBackoff();
    void retriesStopAtMaxAttempts();
    void jitterVariesEachDelay();
    void aResourcesEstimateDecidesTheOrder();
    void timeoutStopsTheAttempt();
    void cancelStopsRunningAttemptsAndStartsNothing();
    void retryResumesSkippedDependents();
    void retryJoinsARunningRun();
    void retryIgnoresWhatDidNotFail();
    void changingTheLimitTakesEffectAtOnce();
    void failFastStopsStartingNewWork();
    void eventsAreTheJournal();
    void aSeedRepeatsARun();
    void emptyPlanFinishesAtOnce();
    void manyZeroDurationResources();
};

void tst_Scheduler::runsEverythingInDependencyOrder()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(randomDag(60, 3, 7, "sim")), RunOptions{4, {}, {}, {}, {}, {}, {}}));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 60);
    for (int r = 0; r < 60; ++r) {
        const int started = eventIndex(s, r, ResourceState::Running);
        QVERIFY(started >= 0);
        for (const QString &dep : s.plan().resources[r].dependsOn)
            QVERIFY2(eventIndex(s, indexOf(s, dep), ResourceState::Succeeded) < started,
                     qPrintable(QStringLiteral("r%1 started before %2 succeeded").arg(r).arg(dep)));
        const AttemptRecord &attempt = s.status(r).attempts.constFirst();
        QVERIFY(attempt.readyMs <= attempt.startMs && attempt.startMs <= attempt.endMs);
    }
}

void tst_Scheduler::neverExceedsTheLimit()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(randomDag(80, 2, 11, "sim")), RunOptions{5, {}, {}, {}, {}, {}, {}}));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 80);
    QCOMPARE(maxConcurrency(s).overall, 5); // reached, never exceeded

    // Exactly, with attempts held open by hand: ten independent resources at a limit of 3.
    std::vector<json> resources;
    for (int i = 0; i < 10; ++i)
        resources.push_back(resource(idOf("m", i), "manual"));
    Scheduler manual(f.registry);
    QVERIFY(manual.start(f.plan(planOf(resources, {{"parallelism", 3}}))));
    QCOMPARE(f.manual->outstanding(), 3);
    f.manual->of(QStringLiteral("m1"))->succeed();
    QTRY_COMPARE(manual.count(ResourceState::Succeeded), 1);
    QCOMPARE(f.manual->outstanding(), 3);
    QCOMPARE(manual.count(ResourceState::Running), 3);
    QCOMPARE(manual.count(ResourceState::Ready), 6);
}

void tst_Scheduler::neverExceedsGroupLimits()
{
    Fixture f;
    std::vector<json> resources;
    for (int i = 0; i < 12; ++i)
        resources.push_back(resource(idOf("api", i), "sim", {}, {{"group", "rds-api"}, {"duration", "15ms"}}));
    for (int i = 0; i < 12; ++i)
        resources.push_back(resource(idOf("free", i), "sim", {}, {{"duration", "15ms"}}));
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf(resources, {{"parallelism", 6}, {"groups", {{"rds-api", {{"limit", 2}}}}}}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 24);
    const Concurrency peak = maxConcurrency(s);
    QCOMPARE(peak.byGroup.value(QStringLiteral("rds-api")), 2);
    QCOMPARE(peak.overall, 6);
}

void tst_Scheduler::blockingAttemptsRunTogether()
{
    // The worker pool has a thread per core but one; attempts that wait must still all run at once.
    Fixture f;
    std::vector<json> resources;
    for (int i = 0; i < 8; ++i)
        resources.push_back(resource(idOf("wait", i), "sim", {}, {{"duration", "300ms"}, {"log_lines", 2}}));
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf(resources, {{"parallelism", 8}}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 8);
    qint64 lastFirstLine = 0;
    qint64 firstEnd = std::numeric_limits<qint64>::max();
    for (int r = 0; r < 8; ++r) {
        for (const RunEvent &e : s.journal()) {
            if (e.kind == RunEvent::Kind::Log && e.resource == r) {
                lastFirstLine = std::max(lastFirstLine, e.timeMs); // its first line: it really runs
                break;
            }
        }
        firstEnd = std::min(firstEnd, s.status(r).attempts.constFirst().endMs);
    }
    QVERIFY2(lastFirstLine < firstEnd, qPrintable(QStringLiteral("the last started at %1 ms, after the first ended at %2 ms").arg(lastFirstLine).arg(firstEnd)));
}

void tst_Scheduler::startsReadyWorkLongestPathFirst()
{
    Fixture f;
    Scheduler s(f.registry);
    // With one slot: the head of the longest chain goes first, then plan order among equals.
    QVERIFY(s.start(f.plan(planOf({resource("short", "manual"),
                                   resource("head", "manual"),
                                   resource("middle", "manual", {"head"}, {{"estimate", "10s"}}),
                                   resource("tail", "manual", {"middle"})},
                                  {{"parallelism", 1}}))));
    QCOMPARE(f.manual->startedIds(), QStringList{QStringLiteral("head")});
    f.manual->of(QStringLiteral("head"))->succeed();
    QTRY_COMPARE(f.manual->startedIds().size(), 2);
    QCOMPARE(f.manual->startedIds().last(), QStringLiteral("middle"));
}

void tst_Scheduler::learnedEstimatesDecideTheOrder()
{
    Fixture f;
    const Plan plan = f.plan(planOf({resource("head", "manual"), resource("tail", "manual", {"head"}), resource("alone", "manual")},
                                    {{"parallelism", 1}}));
    // By the executor's figures, head -> tail is the longer path.
    {
        Scheduler s(f.registry);
        QVERIFY(s.start(plan));
        QCOMPARE(f.manual->startedIds(), QStringList{QStringLiteral("head")});
    }
    // Learned from history, alone takes far longer: it goes first, and the chain after it.
    Fixture g;
    Scheduler s(g.registry);
    RunOptions options;
    options.estimates = {100, 100, 60'000};
    QVERIFY(s.start(g.plan(planOf({resource("head", "manual"), resource("tail", "manual", {"head"}), resource("alone", "manual")},
                                  {{"parallelism", 1}})),
                    options));
    QCOMPARE(g.manual->startedIds(), QStringList{QStringLiteral("alone")});
    g.manual->of(QStringLiteral("alone"))->succeed();
    QTRY_COMPARE(g.manual->startedIds().size(), 2);
    QCOMPARE(g.manual->startedIds().last(), QStringLiteral("head"));
}

void tst_Scheduler::failureSkipsDependentsAndKeepsBranchesGoing()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("a", "sim", {}, {{"duration", "10ms"}, {"failure_rate", 1}}),
                                   resource("b", "sim", {"a"}, {{"duration", "10ms"}}),
                                   resource("c", "sim", {"b"}, {{"duration", "10ms"}}),
                                   resource("d", "sim", {}, {{"duration", "80ms"}}),
                                   resource("e", "sim", {"d"}, {{"duration", "10ms"}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(stateOf(s, "a"), ResourceState::Failed);
    QCOMPARE(stateOf(s, "b"), ResourceState::Skipped);
    QCOMPARE(stateOf(s, "c"), ResourceState::Skipped);
    QCOMPARE(stateOf(s, "d"), ResourceState::Succeeded);
    QCOMPARE(stateOf(s, "e"), ResourceState::Succeeded); // started after a had failed
    QVERIFY(eventIndex(s, 0, ResourceState::Failed) < eventIndex(s, 4, ResourceState::Running));
    const ResourceStatus &c = s.status(2);
    QCOMPARE(c.reason, QStringLiteral("upstream \"a\" failed"));
    QCOMPARE(c.blockedBy, 0);
    QVERIFY(c.attempts.isEmpty());
    QVERIFY(s.status(0).reason.contains(QStringLiteral("simulated failure")));
    QCOMPARE(s.failedIds(), QStringList{QStringLiteral("a")});
}

void tst_Scheduler::retriesWithBackoff()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("flaky", "sim", {}, {{"duration", "5ms"}, {"fail_attempts", 2},
                                                               {"retry", {{"max_attempts", 3}, {"backoff", {{"initial", "40ms"}, {"max", "1s"}}}}}})}))));
    QVERIFY(waitFinished(s));
    const ResourceStatus &status = s.status(0);
    QCOMPARE(status.state, ResourceState::Succeeded);
    QCOMPARE(status.attempts.size(), 3);
    QCOMPARE(status.attempts[0].outcome, AttemptRecord::Outcome::Failed);
    QCOMPARE(status.attempts[1].outcome, AttemptRecord::Outcome::Failed);
    QCOMPARE(status.attempts[2].outcome, AttemptRecord::Outcome::Succeeded);
    // The delay doubles: at least 40ms, then at least 80ms.
    QVERIFY(status.attempts[1].startMs - status.attempts[0].endMs >= 40);
    QVERIFY(status.attempts[2].startMs - status.attempts[1].endMs >= 80);
    int retryWaits = 0;
    for (const RunEvent &e : s.journal())
        retryWaits += e.kind == RunEvent::Kind::StateChanged && e.state == ResourceState::RetryWait;
    QCOMPARE(retryWaits, 2);
    QVERIFY(eventIndex(s, 0, ResourceState::RetryWait, 1) >= 0);
    const QString waitReason = s.journal()[eventIndex(s, 0, ResourceState::RetryWait, 2)].text;
    QVERIFY2(waitReason.startsWith(QStringLiteral("attempt 2 of 3 failed: simulated failure")), qPrintable(waitReason));
    QVERIFY2(waitReason.endsWith(QStringLiteral("retrying in 80ms")), qPrintable(waitReason));
}

void tst_Scheduler::retriesStopAtMaxAttempts()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("bad", "sim", {}, {{"duration", "1ms"}, {"failure_rate", 1},
                                                             {"retry", {{"max_attempts", 2}, {"backoff", {{"initial", "5ms"}}}, {"jitter", 0.5}}}}),
                                   resource("after", "sim", {"bad"}, {{"duration", "1ms"}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Failed);
    QCOMPARE(s.status(0).attempts.size(), 2);
    QCOMPARE(s.status(1).state, ResourceState::Skipped);
}

// "jitter": 0.5 varies each delay by up to half of it, either way: the delays the retries wait
// (said in each retry's reason) differ, and stay within the range.
void tst_Scheduler::jitterVariesEachDelay()
{
    Fixture f;
    Scheduler s(f.registry);
    constexpr int kAttempts = 12;
    QVERIFY(s.start(f.plan(planOf({resource("flaky", "sim", {}, {{"duration", "1ms"}, {"fail_attempts", kAttempts - 1},
                                                               {"retry", {{"max_attempts", kAttempts},
                                                                          {"backoff", {{"initial", "20ms"}, {"max", "20ms"}}},
                                                                          {"jitter", 0.5}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.status(0).state, ResourceState::Succeeded);
    QSet<qint64> delays;
    for (const RunEvent &e : s.journal()) {
        if (e.kind != RunEvent::Kind::StateChanged || e.state != ResourceState::RetryWait)
            continue;
        const qsizetype in = e.text.lastIndexOf(QStringLiteral("retrying in "));
        QVERIFY2(in >= 0 && e.text.endsWith(QStringLiteral("ms")), qPrintable(e.text));
        bool ok = false;
        const qint64 delay = e.text.mid(in + 12).chopped(2).toLongLong(&ok);
        QVERIFY2(ok, qPrintable(e.text));
        QVERIFY2(delay >= 10 && delay <= 30, qPrintable(e.text));
        delays.insert(delay);
    }
    QCOMPARE(s.status(0).attempts.size(), kAttempts);
    // Eleven draws from 21 whole milliseconds: all eleven the same would be one chance in 10^13.
    QVERIFY2(delays.size() > 1, "every retry waited the same: the jitter was not applied");
}

// With one slot, of two resources that nothing depends on, the one whose own estimate says it
// takes longer starts first, whatever the plan's order.
void tst_Scheduler::aResourcesEstimateDecidesTheOrder()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("quick", "manual", {}, {{"estimate", "1s"}}),
                                   resource("slow", "manual", {}, {{"estimate", "10m"}})},
                                  {{"parallelism", 1}}))));
    QCOMPARE(f.manual->startedIds(), QStringList{QStringLiteral("slow")});
    f.manual->of(QStringLiteral("slow"))->succeed();
    QTRY_COMPARE(f.manual->startedIds().size(), 2);
}

void tst_Scheduler::timeoutStopsTheAttempt()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("slow", "sim", {}, {{"duration", "30s"}, {"timeout", "50ms"},
                                                              {"retry", {{"max_attempts", 2}, {"backoff", {{"initial", "1ms"}}}}}})}))));
    QVERIFY(waitFinished(s));
    const ResourceStatus &status = s.status(0);
    QCOMPARE(status.state, ResourceState::Failed);
    QCOMPARE(status.attempts.size(), 2);
    for (const AttemptRecord &attempt : status.attempts) {
        QCOMPARE(attempt.outcome, AttemptRecord::Outcome::TimedOut);
        QCOMPARE(attempt.error, QStringLiteral("timed out after 50ms"));
        QVERIFY(attempt.endMs - attempt.startMs >= 50);
    }
    bool warned = false;
    for (const RunEvent &e : s.journal())
        warned |= e.kind == RunEvent::Kind::Log && e.level == LogLevel::Warning && e.text.contains(QStringLiteral("timed out"));
    QVERIFY(warned);
}

void tst_Scheduler::cancelStopsRunningAttemptsAndStartsNothing()
{
    Fixture f;
    Scheduler s(f.registry);
    std::vector<json> resources;
    for (int i = 0; i < 5; ++i)
        resources.push_back(resource(idOf("long", i), "sim", {}, {{"duration", "30s"}}));
    resources.push_back(resource("after", "sim", {"long0"}, {{"duration", "1ms"}}));
    QVERIFY(s.start(f.plan(planOf(resources, {{"parallelism", 2}}))));
    QCOMPARE(s.count(ResourceState::Running), 2);
    QSignalSpy finished(&s, &Scheduler::finished);
    s.cancel();
    QVERIFY(s.isCancelling());
    QCOMPARE(s.count(ResourceState::Ready), 0); // nothing new starts
    QVERIFY(finished.wait(5000));              // the running sims stopped when asked
    QCOMPARE(s.count(ResourceState::Cancelled), 6);
    QCOMPARE(s.status(0).attempts.constFirst().outcome, AttemptRecord::Outcome::Cancelled);
    QCOMPARE(s.status(0).reason, QStringLiteral("stopped while running"));
    QCOMPARE(s.status(5).reason, QStringLiteral("the run was cancelled before it started"));
    QVERIFY(s.status(5).attempts.isEmpty());
    QVERIFY(!s.isRunning());
}

void tst_Scheduler::retryResumesSkippedDependents()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("a", "sim", {}, {{"duration", "5ms"}, {"fail_attempts", 1}}),
                                   resource("b", "sim", {"a"}, {{"duration", "5ms"}}),
                                   resource("c", "sim", {"b"}, {{"duration", "5ms"}}),
                                   resource("d", "sim", {}, {{"duration", "5ms"}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(stateOf(s, "a"), ResourceState::Failed);
    QCOMPARE(stateOf(s, "c"), ResourceState::Skipped);

    QSignalSpy finished(&s, &Scheduler::finished);
    QCOMPARE(s.retry(s.failedIds()), 1);
    QVERIFY(s.isRunning());
    QCOMPARE(stateOf(s, "b"), ResourceState::Pending); // waiting again, no longer skipped
    QVERIFY(finished.wait(5000));
    QCOMPARE(s.count(ResourceState::Succeeded), 4);
    QCOMPARE(s.status(0).attempts.size(), 2); // attempt numbers go on: the 2nd succeeded
    QCOMPARE(s.status(0).attempts[1].number, 2);
    QCOMPARE(s.status(1).attempts.size(), 1);
    QCOMPARE(s.status(3).attempts.size(), 1); // what had succeeded is not run again
    bool resumed = false;
    for (const RunEvent &e : s.journal())
        resumed |= e.kind == RunEvent::Kind::RunResumed && e.text == QStringLiteral("a");
    QVERIFY(resumed);
}

void tst_Scheduler::retryJoinsARunningRun()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("a", "manual"), resource("b", "manual", {"a"}), resource("slow", "manual")}))));
    QSignalSpy finished(&s, &Scheduler::finished);
    f.manual->of(QStringLiteral("a"))->fail(QStringLiteral("boom"));
    QTRY_COMPARE(stateOf(s, "a"), ResourceState::Failed);
    QCOMPARE(stateOf(s, "b"), ResourceState::Skipped);
    QVERIFY(s.isRunning()); // "slow" still runs

    QCOMPARE(s.retry({QStringLiteral("a")}), 1);
    QCOMPARE(stateOf(s, "a"), ResourceState::Running);
    f.manual->of(QStringLiteral("a"))->succeed();
    QTRY_COMPARE(stateOf(s, "b"), ResourceState::Running);
    f.manual->of(QStringLiteral("b"))->succeed();
    QTRY_COMPARE(stateOf(s, "b"), ResourceState::Succeeded);
    QCOMPARE(finished.count(), 0);
    f.manual->of(QStringLiteral("slow"))->succeed();
    QVERIFY(finished.wait(5000));
    QCOMPARE(s.count(ResourceState::Succeeded), 3);
    QCOMPARE(finished.count(), 1);
}

void tst_Scheduler::retryIgnoresWhatDidNotFail()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("a", "sim", {}, {{"duration", "1ms"}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(s.retry({QStringLiteral("a"), QStringLiteral("nonexistent")}), 0);
    QVERIFY(!s.isRunning());
    QCOMPARE(s.status(0).attempts.size(), 1);
}

void tst_Scheduler::changingTheLimitTakesEffectAtOnce()
{
    Fixture f;
    std::vector<json> resources;
    for (int i = 0; i < 10; ++i)
        resources.push_back(resource(idOf("m", i), "manual"));
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf(resources, {{"parallelism", 2}}))));
    QCOMPARE(f.manual->outstanding(), 2);
    s.setParallelism(5);
    QCOMPARE(f.manual->outstanding(), 5); // started in the same call
    QCOMPARE(s.parallelism(), 5);

    s.setParallelism(1); // running attempts go on; nothing new until fewer than 1 run
    for (int finished = 0; finished < 4; ++finished) {
        f.manual->of(f.manual->startedIds()[finished])->succeed();
        QTRY_COMPARE(s.count(ResourceState::Succeeded), finished + 1);
        QCOMPARE(f.manual->outstanding(), 4 - finished);
    }
    f.manual->of(f.manual->startedIds()[4])->succeed();
    QTRY_COMPARE(s.count(ResourceState::Succeeded), 5);
    QCOMPARE(f.manual->outstanding(), 1);
    QCOMPARE(f.manual->startedIds().size(), 6);

    QList<int> limits;
    for (const RunEvent &e : s.journal()) {
        if (e.kind == RunEvent::Kind::ParallelismChanged)
            limits.append(e.number);
    }
    QCOMPARE(limits, (QList<int>{5, 1}));
}

void tst_Scheduler::failFastStopsStartingNewWork()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(planOf({resource("a", "manual"), resource("b", "manual"), resource("c", "manual"),
                                   resource("d", "manual", {"b"})},
                                  {{"parallelism", 2}, {"fail_fast", true}}))));
    QCOMPARE(f.manual->startedIds(), (QStringList{QStringLiteral("b"), QStringLiteral("a")}));
    f.manual->of(QStringLiteral("a"))->fail(QStringLiteral("boom"));
    QTRY_COMPARE(stateOf(s, "a"), ResourceState::Failed);
    QCOMPARE(stateOf(s, "c"), ResourceState::Cancelled);
    QCOMPARE(s.status(2).reason, QStringLiteral("not started: fail-fast after \"a\" failed"));
    QCOMPARE(stateOf(s, "b"), ResourceState::Running); // running work is not interrupted
    QVERIFY(s.isRunning());
    f.manual->of(QStringLiteral("b"))->succeed();
    QVERIFY(waitFinished(s));
    QCOMPARE(stateOf(s, "b"), ResourceState::Succeeded);
    QCOMPARE(stateOf(s, "d"), ResourceState::Cancelled); // ready too late to start
    QCOMPARE(f.manual->startedIds().size(), 2);
}

void tst_Scheduler::eventsAreTheJournal()
{
    Fixture f;
    Scheduler s(f.registry);
    QList<RunEvent> announced;
    connect(&s, &Scheduler::eventsRecorded, this, [&](const QList<RunEvent> &batch) { announced += batch; });
    QVERIFY(s.start(f.plan(planOf({resource("a", "sim", {}, {{"duration", "20ms"}, {"log_lines", 3}}),
                                   resource("b", "sim", {"a"}, {{"duration", "20ms"}, {"log_lines", 2}, {"fail_attempts", 1},
                                                                {"retry", {{"max_attempts", 2}, {"backoff", {{"initial", "1ms"}}}}}})}))));
    QVERIFY(waitFinished(s));
    QCOMPARE(announced.size(), int(s.journal().size()));
    int logLines = 0;
    for (int i = 0; i < announced.size(); ++i) {
        QCOMPARE(announced[i].kind, s.journal()[i].kind);
        QCOMPARE(announced[i].timeMs, s.journal()[i].timeMs);
        if (announced[i].kind == RunEvent::Kind::Log) {
            ++logLines;
            QVERIFY(announced[i].attempt >= 1);
        }
    }
    QCOMPARE(logLines, 3 + 2 + 2 + 1); // b's failing attempt adds its error
    QCOMPARE(announced.constFirst().kind, RunEvent::Kind::RunStarted);
    QCOMPARE(announced.constLast().kind, RunEvent::Kind::RunFinished);
}

void tst_Scheduler::aSeedRepeatsARun()
{
    Fixture f;
    json plan = randomDag(40, 2, 3, "sim", {{"failure_rate", 0.3}});
    for (auto &r : plan["resources"])
        r["duration"] = json::array({"1ms", "8ms"});
    auto outcome = [&](quint64 seed) {
        Scheduler s(f.registry);
        s.start(f.plan(plan), RunOptions{8, {}, seed, {}, {}, {}, {}});
        waitFinished(s);
        QStringList states;
        for (int r = 0; r < 40; ++r)
            states.append(stateName(s.status(r).state));
        return states;
    };
    const QStringList first = outcome(99);
    QCOMPARE(outcome(99), first);
    QVERIFY(first.contains(QStringLiteral("failed")));
    QVERIFY(first.contains(QStringLiteral("succeeded")));
}

void tst_Scheduler::emptyPlanFinishesAtOnce()
{
    Fixture f;
    Scheduler s(f.registry);
    QSignalSpy finished(&s, &Scheduler::finished);
    QVERIFY(s.start(f.plan(planOf({}))));
    QCOMPARE(finished.count(), 1);
    QVERIFY(!s.isRunning());
}

void tst_Scheduler::manyZeroDurationResources()
{
    Fixture f;
    Scheduler s(f.registry);
    QVERIFY(s.start(f.plan(randomDag(3000, 4, 5, "sim", {{"duration", 0}})), RunOptions{8, {}, {}, {}, {}, {}, {}}));
    QVERIFY(!s.start(f.plan(planOf({}))));  // one run at a time
    QVERIFY(waitFinished(s));
    QCOMPARE(s.count(ResourceState::Succeeded), 3000);
    QVERIFY(maxConcurrency(s).overall <= 8);
}

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_scheduler.moc"
