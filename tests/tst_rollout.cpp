// A plan's rollout across its targets (docs/report-format.md, "The rollout"): max_concurrent,
// percentages, order, waves and the failure tolerance on a virtual clock through the Dispatcher and
// the RolloutGate, as a forecast drives them; then with the real Scheduler and sim resources: the
// stop, the reasons of what never started, a retry by hand that resumes the rollout, and the run
// report's rollout section. The plans are built expanded, as PlanReader hands them over: instances
// "net@t0", "web@t0" with Resource::target set.

#include "engine/executors/executorregistry.h"
#include "engine/forecast/simulatedrun.h"
#include "engine/plan/plan.h"
#include "engine/plan/plangraph.h"
#include "engine/run/dispatcher.h"
#include "engine/run/rolloutgate.h"
#include "engine/run/runreport.h"
#include "engine/run/scheduler.h"

#include <QSignalSpy>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <queue>
#include <set>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

QString name(int t)
{
    return QStringLiteral("t%1").arg(t);
}

QString at(const QString &set, const QString &target)
{
    return set + QLatin1Char('@') + target;
}

// `targets` targets, each with the stack net -> app -> web (sim, `duration`), and optionally a shared
// "zone" that every net waits for and a shared "dns" that waits for every web.
Plan stackPlan(int targets, const Rollout &rollout, bool shared = false, const QString &duration = QStringLiteral("5ms"))
{
    Plan plan;
    plan.name = QStringLiteral("stacks");
    plan.parallelism = 100;
    plan.rollout = rollout;
    auto add = [&](const QString &id, const QString &set, const QString &target, const QStringList &deps) {
        Resource r;
        r.id = id;
        r.type = QStringLiteral("sim");
        r.set = set;
        r.target = target;
        r.perTarget = !target.isEmpty();
        r.dependsOn = deps;
        r.params["duration"] = duration.toStdString();
        plan.resources.append(r);
    };
    if (shared)
        add(QStringLiteral("zone"), QString(), QString(), {});
    QStringList webs;
    for (int t = 0; t < targets; ++t) {
        plan.targets.append(Target{name(t), json::object()});
        add(at(QStringLiteral("net"), name(t)), QStringLiteral("net"), name(t), shared ? QStringList{QStringLiteral("zone")} : QStringList());
        add(at(QStringLiteral("app"), name(t)), QStringLiteral("app"), name(t), {at(QStringLiteral("net"), name(t))});
        add(at(QStringLiteral("web"), name(t)), QStringLiteral("web"), name(t), {at(QStringLiteral("app"), name(t))});
        webs.append(at(QStringLiteral("web"), name(t)));
    }
    if (shared)
        add(QStringLiteral("dns"), QString(), QString(), webs);
    return plan;
}

Rollout rolloutOf(int maxConcurrent, int tolerance = -1)
{
    Rollout rollout;
    rollout.maxConcurrent = maxConcurrent;
    rollout.failureTolerance = tolerance;
    return rollout;
}

// A run on a virtual clock through the Dispatcher and the RolloutGate, driven as SimulatedRun
// drives them: every resource takes its duration; those in `fails` fail for good.
struct VirtualRun
{
    explicit VirtualRun(const Plan &p, std::vector<qint64> durations = {})
        : plan(p)
        , graph(plan)
        , dispatcher(graph, std::vector<qint64>(std::size_t(plan.resources.size()), 1), std::vector<int>(std::size_t(plan.resources.size()), -1), {},
                     plan.parallelism)
        , gate(plan)
        , duration(std::move(durations))
    {
        const auto n = std::size_t(plan.resources.size());
        if (duration.empty())
            duration.assign(n, 10);
        start.assign(n, -1);
        end.assign(n, -1);
        skipped.assign(n, false);
    }

    void fail(const QString &id) { fails.insert(plan.indexOf(id)); }

    void offer(int r)
    {
        if (gate.admits(r))
            dispatcher.enqueue(r);
        else
            gate.hold(r);
    }

    void run()
    {
        for (int r = 0; r < graph.size(); ++r) {
            if (graph.dependencies(r).empty())
                offer(r);
        }
        using Finish = std::pair<qint64, int>;
        std::priority_queue<Finish, std::vector<Finish>, std::greater<Finish>> running;
        for (;;) {
            std::vector<int> released;
            std::vector<int> notStarted;
            gate.admit(released, notStarted);
            for (const int r : released)
                dispatcher.enqueue(r);
            for (const int r : notStarted) {
                if (start[std::size_t(r)] < 0 && !skipped[std::size_t(r)]) {
                    skipped[std::size_t(r)] = true;
                    gate.finished(r, false);
                    notStartedIds.append(plan.resources[r].id);
                }
            }
            for (int r = dispatcher.takeNext(); r >= 0; r = dispatcher.takeNext()) {
                start[std::size_t(r)] = now;
                running.push({now + duration[std::size_t(r)], r});
            }
            if (running.empty())
                break;
            now = running.top().first;
            while (!running.empty() && running.top().first == now) {
                const int r = running.top().second;
                running.pop();
                dispatcher.release(r);
                end[std::size_t(r)] = now;
                const bool failed = fails.count(r) > 0;
                gate.finished(r, failed);
                if (!failed) {
                    for (const int d : dispatcher.satisfy(r))
                        offer(d);
                    continue;
                }
                stopMs = gate.isStopped() && stopMs < 0 ? now : stopMs;
                for (const int d : graph.downstream(r)) {
                    if (!skipped[std::size_t(d)]) {
                        skipped[std::size_t(d)] = true;
                        gate.finished(d, false);
                    }
                }
            }
        }
    }

    // When the target's first instance started and its last one ended; -1, -1 when none started.
    std::pair<qint64, qint64> span(const QString &target) const
    {
        qint64 first = -1;
        qint64 last = -1;
        for (int r = 0; r < plan.resources.size(); ++r) {
            if (plan.resources[r].target != target || start[std::size_t(r)] < 0)
                continue;
            first = first < 0 ? start[std::size_t(r)] : std::min(first, start[std::size_t(r)]);
            last = std::max(last, end[std::size_t(r)]);
        }
        return {first, last};
    }

    // The most targets under way at one moment (from their first start until their last end).
    int mostUnderWay() const
    {
        int most = 0;
        for (const Target &target : plan.targets) {
            const qint64 moment = span(target.name).first;
            if (moment < 0)
                continue;
            int count = 0;
            for (const Target &other : plan.targets) {
                const auto [from, to] = span(other.name);
                count += from >= 0 && from <= moment && moment < to;
            }
            most = std::max(most, count);
        }
        return most;
    }

    // The most resources running at one moment.
    int mostRunning() const
    {
        int most = 0;
        for (std::size_t r = 0; r < start.size(); ++r) {
            int count = 0;
            for (std::size_t o = 0; o < start.size(); ++o)
                count += start[o] >= 0 && start[o] <= start[r] && start[r] < end[o];
            most = std::max(most, count);
        }
        return most;
    }

    // Targets by the moment their first instance started.
    QStringList startOrder() const
    {
        QStringList started;
        for (const Target &target : plan.targets) {
            if (span(target.name).first >= 0)
                started.append(target.name);
        }
        std::stable_sort(started.begin(), started.end(), [&](const QString &a, const QString &b) { return span(a).first < span(b).first; });
        return started;
    }

    Plan plan;
    PlanGraph graph;
    Dispatcher dispatcher;
    RolloutGate gate;
    std::vector<qint64> duration;
    std::set<int> fails;
    std::vector<qint64> start;
    std::vector<qint64> end;
    std::vector<bool> skipped;
    QStringList notStartedIds;
    qint64 now = 0;
    qint64 stopMs = -1;
};

bool waitFinished(Scheduler &s, int timeoutMs = 20'000)
{
    if (!s.isRunning())
        return true;
    QSignalSpy finished(&s, &Scheduler::finished);
    return finished.wait(timeoutMs);
}

} // namespace

class TestRollout : public QObject
{
    Q_OBJECT

private slots:
    void maxConcurrentBoundsTargetsUnderWay_data();
    void maxConcurrentBoundsTargetsUnderWay();
    void percentagesResolveAgainstTheTargets_data();
    void percentagesResolveAgainstTheTargets();
    void orderSaysWhichTargetStartsFirst();
    void aCanaryWaveFinishesBeforeTheNextStarts();
    void sharedResourcesAreNotSubjectToTheRollout();
    void tooManyFailuresStopNewTargets();
    void aPlanWithoutRolloutHasNoGate();
    void forecastsFollowTheRollout();
    void aTargetWaitingForAnotherDoesNotHangTheRun();

    void schedulerSkipsWhatTheStopLeavesOut();
    void retryWithinToleranceResumesTheRollout();
    void retryAboveToleranceDoesNotResume();
    void reportHasARolloutSection();
};

void TestRollout::maxConcurrentBoundsTargetsUnderWay_data()
{
    QTest::addColumn<int>("targets");
    QTest::addColumn<int>("maxConcurrent");
    QTest::addColumn<int>("parallelism");
    QTest::addColumn<int>("expected"); // the most under way at once
    QTest::newRow("12 targets, 3 at a time") << 12 << 3 << 100 << 3;
    QTest::newRow("one at a time") << 5 << 1 << 100 << 1;
    QTest::newRow("no limit of its own") << 6 << 0 << 100 << 6;
    QTest::newRow("under the plan's parallelism") << 12 << 6 << 2 << 6;
}

void TestRollout::maxConcurrentBoundsTargetsUnderWay()
{
    QFETCH(int, targets);
    QFETCH(int, maxConcurrent);
    QFETCH(int, parallelism);
    QFETCH(int, expected);
    Plan plan = stackPlan(targets, rolloutOf(maxConcurrent));
    plan.parallelism = parallelism;
    VirtualRun run(plan);
    run.run();
    QCOMPARE(run.startOrder().size(), targets); // every target ran
    QCOMPARE(run.mostUnderWay(), expected);
    QVERIFY(run.mostRunning() <= parallelism); // the plan's parallelism applies across targets
    QCOMPARE(run.gate.underWay(), 0);
    // Each target's instances run one after the other (net, app, web): 3 x 10 ms; with no limit
    // but its own, the whole rollout takes ceil(targets / max) of those.
    if (parallelism >= 100 && maxConcurrent > 0)
        QCOMPARE(run.now, qint64((targets + maxConcurrent - 1) / maxConcurrent * 30));
}

void TestRollout::percentagesResolveAgainstTheTargets_data()
{
    QTest::addColumn<int>("targets");
    QTest::addColumn<int>("percent");
    QTest::addColumn<int>("expected");
    QTest::newRow("25% of 12") << 12 << 25 << 3;
    QTest::newRow("25% of 10 rounds down") << 10 << 25 << 2;
    QTest::newRow("5% of 10 is still one") << 10 << 5 << 1;
    QTest::newRow("100%") << 4 << 100 << 4;
}

void TestRollout::percentagesResolveAgainstTheTargets()
{
    QFETCH(int, targets);
    QFETCH(int, percent);
    QFETCH(int, expected);
    Rollout rollout;
    rollout.maxConcurrent = percent;
    rollout.maxConcurrentIsPercent = true;
    VirtualRun run(stackPlan(targets, rollout));
    QCOMPARE(run.gate.maxConcurrent(), expected);
    run.run();
    QCOMPARE(run.mostUnderWay(), expected);

    // A tolerance of 10% of 20 targets is 2: the third failure stops the rollout.
    Rollout tolerant = rolloutOf(1);
    tolerant.failureTolerance = 10;
    tolerant.failureToleranceIsPercent = true;
    VirtualRun failing(stackPlan(20, tolerant));
    QCOMPARE(failing.gate.failureTolerance(), 2);
    for (const int t : {1, 2, 3})
        failing.fail(at(QStringLiteral("app"), name(t)));
    failing.run();
    QCOMPARE(failing.startOrder(), (QStringList{name(0), name(1), name(2), name(3)}));
}

void TestRollout::orderSaysWhichTargetStartsFirst()
{
    Rollout rollout = rolloutOf(1);
    rollout.order = {name(3), name(1)};
    VirtualRun run(stackPlan(5, rollout));
    run.run();
    // As the order says, then the plan's order for the targets it leaves out.
    QCOMPARE(run.startOrder(), (QStringList{name(3), name(1), name(0), name(2), name(4)}));
}

void TestRollout::aCanaryWaveFinishesBeforeTheNextStarts()
{
    Rollout rollout; // no max_concurrent: only the waves hold targets back
    rollout.waves = {{name(2)}, {name(0), name(4)}, {QStringLiteral("*")}};
    Plan plan = stackPlan(6, rollout);
    std::vector<qint64> durations(std::size_t(plan.resources.size()), 10);
    durations[std::size_t(plan.indexOf(at(QStringLiteral("web"), name(4))))] = 100; // a slow one holds its wave
    VirtualRun run(plan, durations);
    run.run();
    const qint64 canaryEnd = run.span(name(2)).second;
    QCOMPARE(run.span(name(2)).first, qint64(0));
    QCOMPARE(canaryEnd, qint64(30));
    // No instance of a later wave starts before the canary is final...
    for (const int t : {0, 1, 3, 4, 5})
        QVERIFY2(run.span(name(t)).first >= canaryEnd, qPrintable(name(t)));
    QCOMPARE(run.span(name(0)).first, canaryEnd);
    QCOMPARE(run.span(name(4)).first, canaryEnd);
    // ...and the third wave waits for the slowest target of the second.
    const qint64 secondEnd = run.span(name(4)).second;
    QCOMPARE(secondEnd, canaryEnd + 120);
    for (const int t : {1, 3, 5})
        QCOMPARE(run.span(name(t)).first, secondEnd);
    QCOMPARE(run.mostUnderWay(), 3);
}

void TestRollout::sharedResourcesAreNotSubjectToTheRollout()
{
    Rollout rollout = rolloutOf(1);
    rollout.waves = {{name(0)}, {QStringLiteral("*")}};
    VirtualRun run(stackPlan(3, rollout, true));
    run.run();
    QCOMPARE(run.start[std::size_t(run.plan.indexOf(QStringLiteral("zone")))], qint64(0));
    // dns waits for every target's web, and nothing else.
    QCOMPARE(run.start[std::size_t(run.plan.indexOf(QStringLiteral("dns")))], run.span(name(2)).second);
    QCOMPARE(run.gate.targetOf(run.plan.indexOf(QStringLiteral("dns"))), -1);
    QCOMPARE(run.startOrder(), (QStringList{name(0), name(1), name(2)}));
}

void TestRollout::tooManyFailuresStopNewTargets()
{
    // 12 targets, 3 at a time, a tolerance of 1: t1 fails at 20 ms, t4 (admitted when the first
    // three finished) at 50 ms. Under way then: t3 and t5, which finish; nothing starts after.
    VirtualRun run(stackPlan(12, rolloutOf(3, 1)));
    run.fail(at(QStringLiteral("app"), name(1)));
    run.fail(at(QStringLiteral("app"), name(4)));
    run.run();
    QCOMPARE(run.stopMs, qint64(50));
    QCOMPARE(run.startOrder(), (QStringList{name(0), name(1), name(2), name(3), name(4), name(5)}));
    for (const QString &target : run.startOrder())
        QVERIFY2(run.span(target).first < run.stopMs, qPrintable(target));
    QCOMPARE(run.span(name(5)).second, qint64(60)); // under way at the stop: it finished
    QCOMPARE(run.notStartedIds.size(), 6 * 3);
    QVERIFY(run.notStartedIds.contains(at(QStringLiteral("net"), name(6))));
    QVERIFY(run.gate.isStopped());
    QCOMPARE(run.gate.failedTargets(), 2);
    QCOMPARE(run.gate.state(6), RolloutGate::TargetState::NotStarted);
    QCOMPARE(run.gate.state(4), RolloutGate::TargetState::Finished);
    QCOMPARE(run.gate.stopReason(), QStringLiteral("2 targets failed (t1, t4), more than the rollout's failure tolerance of 1"));
}

void TestRollout::aPlanWithoutRolloutHasNoGate()
{
    Plan plan = stackPlan(3, Rollout{});
    QVERIFY(RolloutGate::appliesTo(plan));
    plan.rollout.reset();
    QVERIFY(!RolloutGate::appliesTo(plan)); // every target at once, no tolerance: nothing to gate
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan);
    QVERIFY(!scheduler.rollout());
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), 9);
}

void TestRollout::forecastsFollowTheRollout()
{
    // A forecast's simulated runs take the same turns: 12 targets of three 10 ms steps, 3 at a
    // time, take 4 x 30 ms; without the rollout, 30 ms.
    const auto makespan = [](const Plan &plan) {
        ForecastModel model(plan);
        for (int r = 0; r < plan.resources.size(); ++r) {
            SimulatedResource resource;
            resource.estimateMs = 10;
            model.resources.push_back(resource);
            model.estimates.push_back(10);
            model.groupOf.push_back(-1);
        }
        SimulatedRun run(model, plan.parallelism);
        return run.run(1, 0);
    };
    Plan plan = stackPlan(12, rolloutOf(3));
    QCOMPARE(makespan(plan), qint64(120));
    plan.rollout->waves = {{name(0)}, {QStringLiteral("*")}};
    QCOMPARE(makespan(plan), qint64(30 + 4 * 30)); // the canary alone first, then 11 by 3
    plan.rollout.reset();
    QCOMPARE(makespan(plan), qint64(30));
}

void TestRollout::aTargetWaitingForAnotherDoesNotHangTheRun()
{
    // t0's app waits for a shared "hub" that waits for every target's net: one target at a time
    // cannot hold, and the next target starts out of its turn once nothing else can go on.
    Plan plan = stackPlan(3, rolloutOf(1));
    Resource hub;
    hub.id = QStringLiteral("hub");
    hub.type = QStringLiteral("sim");
    hub.params["duration"] = "1ms";
    for (int t = 0; t < 3; ++t)
        hub.dependsOn.append(at(QStringLiteral("net"), name(t)));
    plan.resources.append(hub);
    plan.resources[plan.indexOf(at(QStringLiteral("app"), name(0)))].dependsOn.append(hub.id);
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan);
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), plan.resources.size());

    ForecastModel model(plan);
    for (int r = 0; r < plan.resources.size(); ++r) {
        model.resources.push_back(SimulatedResource{});
        model.resources.back().estimateMs = 10;
        model.estimates.push_back(10);
        model.groupOf.push_back(-1);
    }
    SimulatedRun run(model, plan.parallelism);
    run.run(1, 0);
    for (int r = 0; r < plan.resources.size(); ++r)
        QVERIFY2(run.endMs()[std::size_t(r)] >= 0, qPrintable(plan.resources[r].id));
}

void TestRollout::schedulerSkipsWhatTheStopLeavesOut()
{
    // One target at a time, a tolerance of 1: t1 fails (within the tolerance), t2 fails (one too
    // many): t3 and t4 never start, and dns, which waits for every web, is skipped.
    Plan plan = stackPlan(5, rolloutOf(1, 1), true);
    for (const int t : {1, 2})
        plan.resources[plan.indexOf(at(QStringLiteral("app"), name(t)))].params["fail_attempts"] = 1;
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan, RunOptions{{}, {}, 7, {}, {}, {}, {}});
    QVERIFY(waitFinished(scheduler));
    const QString reason = QStringLiteral("not started: 2 targets failed (t1, t2), more than the rollout's failure tolerance of 1");
    for (const int t : {3, 4}) {
        for (const char *set : {"net", "app", "web"}) {
            const int r = plan.indexOf(at(QLatin1String(set), name(t)));
            QCOMPARE(scheduler.status(r).state, ResourceState::Skipped);
            QCOMPARE(scheduler.status(r).reason, reason);
            QVERIFY(scheduler.status(r).attempts.isEmpty());
        }
    }
    QCOMPARE(scheduler.status(plan.indexOf(at(QStringLiteral("web"), name(0)))).state, ResourceState::Succeeded);
    QCOMPARE(scheduler.status(plan.indexOf(at(QStringLiteral("web"), name(1)))).reason, QStringLiteral("upstream \"app@t1\" failed"));
    QCOMPARE(scheduler.status(plan.indexOf(QStringLiteral("dns"))).state, ResourceState::Skipped);
    QVERIFY(scheduler.rollout()->isStopped());
    QCOMPARE(scheduler.rollout()->state(3), RolloutGate::TargetState::NotStarted);
}

void TestRollout::retryWithinToleranceResumesTheRollout()
{
    Plan plan = stackPlan(5, rolloutOf(1, 1), true);
    for (const int t : {1, 2})
        plan.resources[plan.indexOf(at(QStringLiteral("app"), name(t)))].params["fail_attempts"] = 1;
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan, RunOptions{{}, {}, 7, {}, {}, {}, {}});
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.rollout()->failedTargets(), 2);

    // Retrying t2's failed app: one failed target, within the tolerance: t3 and t4 wait again and
    // start one after the other; its second attempt succeeds (fail_attempts: 1).
    QCOMPARE(scheduler.retry({at(QStringLiteral("app"), name(2))}), 1);
    QVERIFY(!scheduler.rollout()->isStopped());
    const int net3 = plan.indexOf(at(QStringLiteral("net"), name(3)));
    const int net4 = plan.indexOf(at(QStringLiteral("net"), name(4)));
    QVERIFY(!isFinal(scheduler.status(net3).state));
    QCOMPARE(scheduler.status(net4).state, ResourceState::Pending); // its turn comes after t3
    QVERIFY(waitFinished(scheduler));
    for (const int t : {2, 3, 4})
        QCOMPARE(scheduler.status(plan.indexOf(at(QStringLiteral("web"), name(t)))).state, ResourceState::Succeeded);
    // One at a time still: t4 started after t3 ended.
    const auto &web3 = scheduler.status(plan.indexOf(at(QStringLiteral("web"), name(3)))).attempts;
    QVERIFY(scheduler.status(net4).attempts.first().startMs >= web3.last().endMs);
    // dns still waits for t1, which failed.
    QCOMPARE(scheduler.status(plan.indexOf(QStringLiteral("dns"))).state, ResourceState::Skipped);
    QCOMPARE(scheduler.retry({at(QStringLiteral("app"), name(1))}), 1);
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), plan.resources.size());
}

void TestRollout::retryAboveToleranceDoesNotResume()
{
    // Two at a time, no failure tolerated: t0 and t1 fail; t2 and t3 never start.
    Plan plan = stackPlan(4, rolloutOf(2, 0));
    for (const int t : {0, 1})
        plan.resources[plan.indexOf(at(QStringLiteral("net"), name(t)))].params["fail_attempts"] = 1;
    // t1 fails after the rollout has stopped for t0, in a later batch.
    plan.resources[plan.indexOf(at(QStringLiteral("net"), name(1)))].params["duration"] = "100ms";
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan, RunOptions{{}, {}, 7, {}, {}, {}, {}});
    QVERIFY(waitFinished(scheduler));
    const int net2 = plan.indexOf(at(QStringLiteral("net"), name(2)));
    QCOMPARE(scheduler.status(net2).state, ResourceState::Skipped);
    QCOMPARE(scheduler.rollout()->failedTargets(), 2);
    // Both, though the second came back after the rollout had stopped and said so.
    QCOMPARE(scheduler.status(net2).reason,
             QStringLiteral("not started: 2 targets failed (t0, t1), more than the rollout's failure tolerance of 0"));

    // One failed target is still more than none: t0 runs again, t2 and t3 stay not started.
    QCOMPARE(scheduler.retry({at(QStringLiteral("net"), name(0))}), 1);
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.status(plan.indexOf(at(QStringLiteral("web"), name(0)))).state, ResourceState::Succeeded);
    QCOMPARE(scheduler.status(net2).state, ResourceState::Skipped);
    QVERIFY(scheduler.status(net2).attempts.isEmpty());
    QVERIFY(scheduler.status(net2).reason.contains(QStringLiteral("1 target failed (t1)")));
    QVERIFY(scheduler.rollout()->isStopped());

    // With t1 retried too, none has failed: the rollout resumes and finishes.
    QCOMPARE(scheduler.retry({at(QStringLiteral("net"), name(1))}), 1);
    QVERIFY(waitFinished(scheduler));
    QCOMPARE(scheduler.count(ResourceState::Succeeded), plan.resources.size());
}

void TestRollout::reportHasARolloutSection()
{
    Rollout rollout = rolloutOf(1, 1);
    rollout.waves = {{name(0)}, {QStringLiteral("*")}};
    Plan plan = stackPlan(5, rollout, true);
    for (const int t : {1, 2})
        plan.resources[plan.indexOf(at(QStringLiteral("app"), name(t)))].params["fail_attempts"] = 1;
    Scheduler scheduler(ExecutorRegistry::builtIn());
    scheduler.start(plan, RunOptions{{}, {}, 7, {}, {}, {}, {}});
    QVERIFY(waitFinished(scheduler));
    const json report = RunReport::toJson(scheduler, QStringLiteral("stacks.json"));
    QVERIFY(report.contains("rollout"));
    const json &section = report["rollout"];
    QCOMPARE(section["max_concurrent"].get<int>(), 1);
    QCOMPARE(section["failure_tolerance"].get<int>(), 1);
    QCOMPARE(section["stopped"].get<bool>(), true);
    QCOMPARE(QString::fromStdString(section["stopped_reason"].get<std::string>()),
             QStringLiteral("2 targets failed (t1, t2), more than the rollout's failure tolerance of 1"));
    QVERIFY2((section["not_started"]) == (json({"t3", "t4"})), (section["not_started"]).dump().c_str());
    QVERIFY2((section["failed"]) == (json({"t1", "t2"})), (section["failed"]).dump().c_str());
    QVERIFY2((section["waves"]) == (json({json{"t0"}, json{"t1", "t2", "t3", "t4"}})), section["waves"].dump().c_str());
    const json &targets = section["targets"];
    QCOMPARE(targets.size(), std::size_t(5));
    QVERIFY2((targets[0]["name"]) == (json("t0")), (targets[0]["name"]).dump().c_str());
    QVERIFY2((targets[0]["wave"]) == (json(0)), (targets[0]["wave"]).dump().c_str());
    QVERIFY2((targets[0]["state"]) == (json("succeeded")), (targets[0]["state"]).dump().c_str());
    QVERIFY(targets[0]["end_ms"].get<qint64>() >= targets[0]["start_ms"].get<qint64>());
    QVERIFY2((targets[1]["state"]) == (json("failed")), (targets[1]["state"]).dump().c_str());
    QVERIFY2((targets[1]["failed"]) == (json({"app@t1"})), (targets[1]["failed"]).dump().c_str());
    QVERIFY2((targets[3]["state"]) == (json("not-started")), (targets[3]["state"]).dump().c_str());
    QVERIFY2((targets[3]["start_ms"]) == (json(nullptr)), (targets[3]["start_ms"]).dump().c_str());
    QVERIFY2((targets[3]["instances"]) == (json(3)), (targets[3]["instances"]).dump().c_str());

    // After a retry that resumes the rollout, the report says so.
    scheduler.retry({at(QStringLiteral("app"), name(2)), at(QStringLiteral("app"), name(1))});
    QVERIFY(waitFinished(scheduler));
    const json after = RunReport::toJson(scheduler, QStringLiteral("stacks.json"))["rollout"];
    QCOMPARE(after["stopped"].get<bool>(), false);
    QVERIFY2((after["stopped_reason"]) == (json(nullptr)), (after["stopped_reason"]).dump().c_str());
    QVERIFY2((after["not_started"]) == (json::array()), (after["not_started"]).dump().c_str());
    QVERIFY2((after["targets"][3]["state"]) == (json("succeeded")), (after["targets"][3]["state"]).dump().c_str());

    // A plan without targets has no rollout section.
    Plan flat;
    flat.name = QStringLiteral("flat");
    Resource one;
    one.id = QStringLiteral("one");
    one.type = QStringLiteral("sim");
    one.params["duration"] = "1ms";
    flat.resources.append(one);
    Scheduler plain(ExecutorRegistry::builtIn());
    plain.start(flat);
    QVERIFY(waitFinished(plain));
    QVERIFY(!RunReport::toJson(plain, QString()).contains("rollout"));
}

QTEST_GUILESS_MAIN(TestRollout)
#include "tst_rollout.moc"

