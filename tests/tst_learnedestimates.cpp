// Learned estimates (LearnedEstimates): each resource's expected duration comes from its own past
// attempts with the same definition, else the same resource id, else the same type (an import's
// source type), else the plan's estimate, else the executor's default; with the spread and failure
// odds of the same level. Destroy runs do not count.
#include "engine/executors/executorregistry.h"
#include "engine/forecast/learnedestimates.h"
#include "engine/history/runhistory.h"
#include "engine/plan/planreader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fanout;
using json = nlohmann::ordered_json;

namespace {

Plan readPlan(const char *text)
{
    const PlanReadResult read = PlanReader::readText(QByteArray(text), QStringLiteral("plan.json"), ExecutorRegistry::builtIn());
    if (read.hasErrors())
        qFatal("a test plan has errors: %s", qPrintable(read.diagnostics.constFirst().message));
    return read.plan;
}

// One attempt of a recorded run: how long it took and how it ended.
struct Outcome
{
    qint64 ms;
    const char *outcome = "succeeded";
};

// A report (RunReport::toJson) in which each resource named has these attempts, one after another.
json reportOf(const Plan &plan, const QHash<QString, QList<Outcome>> &attempts)
{
    json resources = json::array();
    for (const Resource &resource : plan.resources) {
        json list = json::array();
        qint64 at = 10;
        int number = 1;
        for (const Outcome &attempt : attempts.value(resource.id)) {
            list.push_back({{"number", number++}, {"ready_ms", at}, {"start_ms", at}, {"end_ms", at + attempt.ms},
                            {"outcome", attempt.outcome}, {"error", nullptr}});
            at += attempt.ms + 5;
        }
        resources.push_back({{"id", resource.id.toStdString()}, {"attempts", list}});
    }
    return {{"fanout_version", "0.1.0"},
            {"plan", {{"name", plan.name.toStdString()}, {"file", "plan.json"}, {"resources", plan.resources.size()}}},
            {"settings", {{"parallelism", 4}, {"fail_fast", false}}},
            {"started_at", "2026-12-04T10:00:00.000Z"},
            {"duration_ms", 1000},
            {"outcome", "succeeded"},
            {"resources", resources}};
}

const char kOld[] = R"({"name": "shop", "resources": [
    {"id": "db", "type": "command", "command": ["sleep", "1"]},
    {"id": "app", "type": "command", "command": ["sleep", "2"], "depends_on": ["db"]},
    {"id": "rds", "type": "sim", "duration": "1s", "source": {"type": "aws_db_instance"}}]})";
// db unchanged, app changed (another definition), cache new of type aws_db_instance (and of the
// same definition as rds: a definition hash leaves the id out, yet it is not its own), dns and
// worker new with nothing of their type (a plan estimate, an executor default), queue a sim range.
// (The URLs' slashes are escaped: moc reads a "//" in a raw string as a comment.)
const char kNew[] = R"({"name": "shop", "resources": [
    {"id": "db", "type": "command", "command": ["sleep", "1"]},
    {"id": "app", "type": "command", "command": ["sleep", "3"], "depends_on": ["db"]},
    {"id": "cache", "type": "sim", "duration": "1s", "source": {"type": "aws_db_instance"}},
    {"id": "dns", "type": "http", "request": {"method": "GET", "url": "http:\/\/localhost:1\/"}, "estimate": "7s"},
    {"id": "worker", "type": "http", "request": {"method": "GET", "url": "http:\/\/localhost:1\/"}},
    {"id": "queue", "type": "sim", "duration": ["2s", "6s"]}]})";

void check(const Expected<qint64> &recorded)
{
    QVERIFY2(recorded, qPrintable(recorded ? QString() : recorded.error()));
}

} // namespace

class tst_learnedestimates : public QObject
{
    Q_OBJECT

private slots:
    void sourceTexts();
    void withoutHistoryPlanAndExecutorFigures();
    void simFailuresWithoutHistory();
    void precedenceAndSpread();
    void destroyRunsAndOtherPlansDoNotCount();
    void historyThatCannotBeReadIsAnError();
    void manyResourcesFewQueries();
};

void tst_learnedestimates::sourceTexts()
{
    Estimate estimate;
    estimate.source = Estimate::Source::Definition;
    QCOMPARE(estimate.sourceText(), QStringLiteral("this definition"));
    estimate.source = Estimate::Source::Resource;
    QCOMPARE(estimate.sourceText(), QStringLiteral("this resource"));
    estimate.source = Estimate::Source::Type;
    estimate.sourceKey = QStringLiteral("aws_db_instance");
    QCOMPARE(estimate.sourceText(), QStringLiteral("type aws_db_instance"));
    estimate.source = Estimate::Source::Plan;
    QCOMPARE(estimate.sourceText(), QStringLiteral("plan estimate"));
    estimate.source = Estimate::Source::Executor;
    QCOMPARE(estimate.sourceText(), QStringLiteral("executor default"));
}

void tst_learnedestimates::withoutHistoryPlanAndExecutorFigures()
{
    const Plan plan = readPlan(kNew);
    QCOMPARE(plan.resources.size(), 6);
    const ExecutorRegistry &registry = ExecutorRegistry::builtIn();
    const std::vector<Estimate> estimates = LearnedEstimates::withoutHistory(plan, registry);
    QCOMPARE(estimates.size(), std::size_t(6));
    QCOMPARE(estimates[3].source, Estimate::Source::Plan);
    QCOMPARE(estimates[3].ms, 7000);
    QCOMPARE(estimates[3].lowMs, 7000);
    QCOMPARE(estimates[3].highMs, 7000);
    QCOMPARE(estimates[4].source, Estimate::Source::Executor);
    QCOMPARE(estimates[4].ms, registry.estimateMs(plan.resources[4]));
    // A sim resource's range is its spread.
    QCOMPARE(estimates[5].source, Estimate::Source::Executor);
    QCOMPARE(estimates[5].ms, 4000);
    QCOMPARE(estimates[5].lowMs, 2000);
    QCOMPARE(estimates[5].highMs, 6000);
    for (const Estimate &estimate : estimates) {
        QCOMPARE(estimate.samples, 0);
        QVERIFY(estimate.observedMs.empty());
        QCOMPARE(estimate.failureOdds, 0.0);
    }
    // No history at all: the same.
    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(nullptr, plan, registry);
    QVERIFY(learned);
    QCOMPARE(LearnedEstimates::durations(*learned), LearnedEstimates::durations(estimates));
    QCOMPARE(LearnedEstimates::durations(estimates), (std::vector<qint64>{1000, 1000, 1000, 7000, registry.estimateMs(plan.resources[4]), 4000}));
}

void tst_learnedestimates::precedenceAndSpread()
{
    QTemporaryDir dir;
    RunHistory history(dir.filePath(QStringLiteral("history.sqlite")));
    const Plan old = readPlan(kOld);
    const Plan plan = readPlan(kNew);
    // Oldest first: db took 100..1000 ms over ten runs and failed twice; app 2000 then 2200.
    for (int run = 1; run <= 10; ++run) {
        QHash<QString, QList<Outcome>> attempts;
        attempts[QStringLiteral("db")] = {{run * 100}};
        if (run == 4 || run == 7)
            attempts[QStringLiteral("db")].prepend({50, "failed"});
        if (run == 5)
            attempts[QStringLiteral("db")].prepend({10, "cancelled"});
        if (run >= 9)
            attempts[QStringLiteral("app")] = {{run == 9 ? 2000 : 2200}};
        attempts[QStringLiteral("rds")] = {{run == 10 ? 9000 : 3000}, };
        check(history.record(QStringLiteral("run"), reportOf(old, attempts), old));
    }
    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, plan, ExecutorRegistry::builtIn());
    QVERIFY2(learned, qPrintable(learned ? QString() : learned.error()));
    const std::vector<Estimate> &e = *learned;

    const Estimate &db = e[0];
    QCOMPARE(db.source, Estimate::Source::Definition);
    QCOMPARE(db.sourceText(), QStringLiteral("this definition"));
    QCOMPARE(db.samples, 10);
    QCOMPARE(db.observedMs, (std::vector<qint64>{1000, 900, 800, 700, 600, 500, 400, 300, 200, 100})); // newest first
    QCOMPARE(db.ms, 550);     // the median
    QCOMPARE(db.lowMs, 190);  // p10
    QCOMPARE(db.highMs, 910); // p90
    QCOMPARE(db.failureOdds, 2.0 / 12.0); // the cancelled attempt does not count

    const Estimate &app = e[1]; // its definition changed: the same resource id
    QCOMPARE(app.source, Estimate::Source::Resource);
    QCOMPARE(app.sourceText(), QStringLiteral("this resource"));
    QCOMPARE(app.observedMs, (std::vector<qint64>{2200, 2000}));
    QCOMPARE(app.ms, 2100);
    QCOMPARE(app.samples, 2);
    QCOMPARE(app.failureOdds, 0.0);

    const Estimate &cache = e[2]; // new, imported like rds: their source type, not rds's own figures
    QCOMPARE(cache.source, Estimate::Source::Type);
    QCOMPARE(cache.sourceKey, QStringLiteral("aws_db_instance"));
    QCOMPARE(cache.sourceText(), QStringLiteral("type aws_db_instance"));
    QCOMPARE(cache.samples, 10);
    QCOMPARE(cache.observedMs.front(), 9000);
    QCOMPARE(cache.ms, 3000);

    QCOMPARE(e[3].source, Estimate::Source::Plan); // http: nothing of its type recorded
    QCOMPARE(e[3].ms, 7000);
    QCOMPARE(e[4].source, Estimate::Source::Executor);
    // queue is a sim resource; the one sim resource recorded (rds) was imported, so it counts for
    // its source type only: queue keeps its own range.
    QCOMPARE(e[5].source, Estimate::Source::Executor);
    QCOMPARE(e[5].lowMs, 2000);
    QCOMPARE(e[5].highMs, 6000);
    QCOMPARE(LearnedEstimates::durations(e)[1], 2100);
}

void tst_learnedestimates::destroyRunsAndOtherPlansDoNotCount()
{
    QTemporaryDir dir;
    RunHistory history(dir.filePath(QStringLiteral("history.sqlite")));
    const Plan plan = readPlan(kOld);
    const QHash<QString, QList<Outcome>> slow = {{QStringLiteral("db"), {{60'000}}}, {QStringLiteral("app"), {{60'000}}}};
    check(history.record(QStringLiteral("destroy"), reportOf(plan, slow), plan));
    // Another plan with an "app" of another definition: its resource id means something else.
    Plan other = readPlan(kNew);
    other.name = QStringLiteral("elsewhere");
    check(history.record(QStringLiteral("run"), reportOf(other, slow), other));
    check(history.record(QStringLiteral("run"), reportOf(plan, {{QStringLiteral("db"), {{400}}}}), plan));

    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, readPlan(kNew), ExecutorRegistry::builtIn());
    QVERIFY(learned);
    // db has the same definition in both plans: both runs count (the destroy's 60 s do not).
    const Estimate &db = (*learned)[0];
    QCOMPARE(db.source, Estimate::Source::Definition);
    QCOMPARE(db.samples, 2);
    QCOMPARE(db.observedMs, (std::vector<qint64>{400, 60'000}));
    // kNew's app ran in the other plan only: its definition counts wherever it ran.
    const Estimate &app = (*learned)[1];
    QCOMPARE(app.source, Estimate::Source::Definition);
    QCOMPARE(app.observedMs, (std::vector<qint64>{60'000}));

    // kOld's app: its definition never ran, and its id only in a destroy and in another plan, so
    // the figures are its type's (command), from runs only.
    const Expected<std::vector<Estimate>> again = LearnedEstimates::learn(&history, plan, ExecutorRegistry::builtIn());
    QVERIFY(again);
    const Estimate &oldApp = (*again)[1];
    QCOMPARE(oldApp.source, Estimate::Source::Type);
    QCOMPARE(oldApp.sourceKey, QStringLiteral("command"));
    QCOMPARE(oldApp.observedMs, (std::vector<qint64>{400, 60'000, 60'000}));
}

void tst_learnedestimates::historyThatCannotBeReadIsAnError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    RunHistory history(path);
    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, readPlan(kOld), ExecutorRegistry::builtIn());
    QVERIFY(!learned);
    QVERIFY(!learned.error().isEmpty());
}

void tst_learnedestimates::manyResourcesFewQueries()
{
    // More resources than one IN list takes: every one still finds its own figures.
    QTemporaryDir dir;
    RunHistory history(dir.filePath(QStringLiteral("history.sqlite")));
    json resources = json::array();
    for (int r = 0; r < 1200; ++r)
        resources.push_back({{"id", QStringLiteral("r%1").arg(r).toStdString()}, {"type", "command"},
                             {"command", {"sleep", QString::number(r).toStdString()}}});
    const std::string text = json{{"name", "many"}, {"resources", resources}}.dump();
    const Plan plan = readPlan(text.c_str());
    QCOMPARE(plan.resources.size(), 1200);
    QHash<QString, QList<Outcome>> attempts;
    for (int r = 0; r < 1200; ++r)
        attempts[QStringLiteral("r%1").arg(r)] = {{r + 1}};
    check(history.record(QStringLiteral("run"), reportOf(plan, attempts), plan));
    const Expected<std::vector<Estimate>> learned = LearnedEstimates::learn(&history, plan, ExecutorRegistry::builtIn());
    QVERIFY(learned);
    for (int r = 0; r < 1200; ++r) {
        QCOMPARE((*learned)[size_t(r)].source, Estimate::Source::Definition);
        QCOMPARE((*learned)[size_t(r)].ms, r + 1);
    }
}

void tst_learnedestimates::simFailuresWithoutHistory()
{
    // A sim says how it fails: its first N attempts fail (N failed per success), or at a rate.
    const char *text = R"({"name": "p", "resources": [
        {"id": "first", "type": "sim", "duration": "1s", "fail_attempts": 1},
        {"id": "twice", "type": "sim", "duration": "1s", "fail_attempts": 2},
        {"id": "rate", "type": "sim", "duration": "1s", "failure_rate": 0.25},
        {"id": "never", "type": "sim", "duration": "1s"}]})";
    const Plan plan = readPlan(text);
    const std::vector<Estimate> estimates = LearnedEstimates::withoutHistory(plan, ExecutorRegistry::builtIn());
    QCOMPARE(estimates.size(), std::size_t(4));
    QCOMPARE(estimates[0].failureOdds, 0.5);
    QVERIFY(qFuzzyCompare(estimates[1].failureOdds, 2.0 / 3.0));
    QCOMPARE(estimates[2].failureOdds, 0.25);
    QCOMPARE(estimates[3].failureOdds, 0.0);
}

QTEST_GUILESS_MAIN(tst_learnedestimates)
#include "tst_learnedestimates.moc"
