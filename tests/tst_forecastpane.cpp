// The forecast in the dashboard, as a user sees it: the Forecast pane's chart of makespan against
// parallelism and its caption, clicking a point to set the limit, the status bar's expected time,
// the timeline's faint forecast bars, the time left narrowing during a run, and the forecast
// beside the actual time after it. Runs offscreen.
#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "guitest.h"
#include "models/plan/workspace.h"
#include "models/run/forecastrunner.h"
#include "models/run/historyrecorder.h"
#include "models/run/statestyle.h"
#include "ui/inspector/inspectorpane.h"
#include "ui/inspector/plansummary.h"
#include "ui/panes/forecastchart.h"
#include "ui/panes/forecastpane.h"
#include "ui/timeline/timelinepane.h"
#include "ui/timeline/timelineview.h"
#include "ui/window/filecontroller.h"
#include "ui/window/mainwindow.h"
#include "ui/window/runactions.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace fanout;

namespace {

constexpr int kRunTimeoutMs = 60'000;

// Whether `image` has a pixel within `tolerance` of `color` in `rect`.
bool hasColor(const QImage &image, const QRect &rect, const QColor &color, int tolerance = 40)
{
    const QRect area = rect.intersected(image.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) + std::abs(c.blue() - color.blue()) <= tolerance)
                return true;
        }
    }
    return false;
}

bool writeAll(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

} // namespace

class tst_ForecastPane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void paneDrawsTheSweep();
    void clickingAPointSetsTheLimit();
    void statusBarSaysTheExpectedTimeBeforeARun();
    void timelineShowsForecastBarsBeforeARun();
    void newPlanSupersedesThePendingForecast();
    void remainingTimeNarrowsDuringARun();
    void forecastBesideActualAfterARun();
    void upToDatePlanSaysWhatToDo();

private:
    // A window with no run history (forecasts from the plan alone), the Forecast pane in front.
    std::unique_ptr<MainWindow> openWindow(const QString &plan);
    QString chainPlan();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ForecastPane::initTestCase()
{
    useTestSettings("tst_forecastpane");
}

void tst_ForecastPane::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<MainWindow> tst_ForecastPane::openWindow(const QString &plan)
{
    auto window = std::make_unique<MainWindow>(MainWindow::Layout::Default);
    window->history().setPath(QString());
    window->forecast().setHistoryPath(QString());
    window->show();
    window->forecastDock()->show();
    window->forecastDock()->raise();
    if (!window->files().openPlan(plan))
        return nullptr;
    return window;
}

// Six resources one after another, each 150 to 450 ms: a run of about 2 s whose time left is
// uncertain at first and less so with every resource done.
QString tst_ForecastPane::chainPlan()
{
    QByteArray resources;
    for (int i = 0; i < 6; ++i) {
        if (i > 0)
            resources += ",\n";
        resources += QStringLiteral(R"(    {"id": "step%1", "type": "sim", "duration": ["150ms", "450ms"]%2})")
                         .arg(i)
                         .arg(i == 0 ? QString() : QStringLiteral(R"(, "depends_on": ["step%1"])").arg(i - 1))
                         .toUtf8();
    }
    const QString path = m_dir->filePath(QStringLiteral("chain.json"));
    if (!writeAll(path, "{\n  \"name\": \"chain\",\n  \"parallelism\": 2,\n  \"resources\": [\n" + resources + "\n  ]\n}\n"))
        return QString();
    return path;
}

void tst_ForecastPane::paneDrawsTheSweep()
{
    const auto window = openWindow(QStringLiteral("demo"));
    QVERIFY(window);
    ForecastRunner &runner = window->forecast();
    QTRY_VERIFY_WITH_TIMEOUT(!runner.sweep().isEmpty() && runner.forecast(), 30'000);
    QCOMPARE(runner.sweep().size(), ForecastRunner::sweepLimits().size());
    QCOMPARE(runner.forecast()->parallelism, 10);

    ForecastPane *pane = window->forecastPane();
    ForecastChart *chart = pane->chart();
    QVERIFY(chart->isVisible());
    QVERIFY2(pane->emptyText().isEmpty(), qPrintable(pane->emptyText()));
    const QString caption = pane->caption();
    QVERIFY2(caption.startsWith(QStringLiteral("Expected %1 at parallelism 10").arg(ForecastRunner::rangeText(*runner.forecast()))),
             qPrintable(caption));
    QVERIFY2(caption.contains(QStringLiteral("critical path vpc \u2192 ")), qPrintable(caption));

    // The median line runs through every point, and the current limit is marked in red.
    const QImage image = chart->grab().toImage();
    const QColor line = StateStyle::stroke(ResourceState::Running);
    QCOMPARE(chart->sweep().size(), runner.sweep().size());
    for (int i = 1; i < chart->sweep().size(); ++i) {
        const QPointF middle = (chart->pointOf(i - 1) + chart->pointOf(i)) / 2;
        QVERIFY2(hasColor(image, QRect(middle.toPoint() - QPoint(2, 2), QSize(5, 5)), line),
                 qPrintable(QStringLiteral("no median line between limits %1 and %2").arg(chart->sweep()[i - 1].parallelism).arg(chart->sweep()[i].parallelism)));
    }
    // More parallelism never makes the demo slower by much, and 1 is the slowest.
    QVERIFY(chart->sweep().constFirst().medianMs > chart->sweep().constLast().medianMs);
    const int limitIndex = int(ForecastRunner::sweepLimits().indexOf(10));
    const QRectF plot = chart->plotRect();
    const int x = qRound(chart->pointOf(limitIndex).x());
    QVERIFY2(hasColor(image, QRect(x - 1, int(plot.top()), 3, int(plot.height() / 3)), QColor(0xc5, 0x22, 0x1f)),
             "the current limit is marked");
    QVERIFY(runner.knee() > 1 && runner.knee() <= 64);
}

void tst_ForecastPane::clickingAPointSetsTheLimit()
{
    const auto window = openWindow(QStringLiteral("demo"));
    QVERIFY(window);
    ForecastRunner &runner = window->forecast();
    QTRY_VERIFY_WITH_TIMEOUT(!runner.sweep().isEmpty(), 30'000);
    ForecastChart *chart = window->forecastPane()->chart();
    const int index = int(ForecastRunner::sweepLimits().indexOf(4));
    QSignalSpy changed(&window->workspace().deployment(), &Deployment::parallelismChanged);
    QTest::mouseClick(chart, Qt::LeftButton, {}, chart->pointOf(index).toPoint() + QPoint(3, -2));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(window->workspace().deployment().parallelism(), 4);
    // The forecast at 4 is the sweep's own: no wait.
    QVERIFY(runner.forecast());
    QCOMPARE(runner.forecast()->parallelism, 4);
    QVERIFY2(window->forecastPane()->caption().contains(QLatin1String("at parallelism 4")), qPrintable(window->forecastPane()->caption()));
    QVERIFY2(window->statusText().contains(QLatin1String("at parallelism 4")), qPrintable(window->statusText()));

    // A limit off the sweep is forecast on its own, off the GUI thread.
    window->workspace().deployment().setParallelism(5);
    QTRY_VERIFY_WITH_TIMEOUT(runner.forecast() && runner.forecast()->parallelism == 5, 30'000);
    QVERIFY2(window->statusText().contains(QLatin1String("at parallelism 5")), qPrintable(window->statusText()));

    // Far off the plot, nothing happens.
    QTest::mouseClick(chart, Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(window->workspace().deployment().parallelism(), 5);
}

void tst_ForecastPane::statusBarSaysTheExpectedTimeBeforeARun()
{
    const auto window = openWindow(QStringLiteral("demo"));
    QVERIFY(window);
    QVERIFY2(!window->statusText().contains(QLatin1String("Expected")), "nothing is said before the forecast is there");
    QTRY_VERIFY_WITH_TIMEOUT(window->forecast().forecast(), 30'000);
    const Forecast &forecast = *window->forecast().forecast();
    const QString text = window->statusText();
    QVERIFY2(text.contains(QStringLiteral("Expected %1 (%2\u2013%3) at parallelism 10")
                               .arg(formatDuration(forecast.medianMs), formatDuration(forecast.p10Ms), formatDuration(forecast.p90Ms))),
             qPrintable(text));
    // The demo's sims take 4 to 20 s each, its longest chain about 13 s: the forecast is that order.
    QVERIFY2(forecast.p10Ms <= forecast.medianMs && forecast.medianMs <= forecast.p90Ms, qPrintable(text));
    QVERIFY2(forecast.medianMs >= forecast.criticalPathMs / 2 && forecast.medianMs < 60'000, qPrintable(text));
    // The Inspector's summary gives the same answer, not a figure of its own.
    PlanSummary *summary = window->inspectorPane()->summary();
    summary->show();
    const QString expected = QStringLiteral("The whole run: expected %1 at parallelism 10").arg(ForecastRunner::rangeText(forecast));
    QTRY_VERIFY2(summary->text().contains(expected), qPrintable(summary->text()));
}

void tst_ForecastPane::timelineShowsForecastBarsBeforeARun()
{
    const auto window = openWindow(QStringLiteral("demo"));
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->forecast().forecast(), 30'000);
    TimelineView *view = window->timelinePane()->view();
    QCoreApplication::processEvents();
    const Forecast &forecast = *window->forecast().forecast();
    int bars = 0;
    int last = 0;
    const Plan &plan = window->workspace().deployment().plan();
    for (int r = 0; r < view->data().rowCount(); ++r) {
        const QRect bar = view->forecastRect(r);
        // The demo's cdn fails its one attempt every time (a sim says so): what waits on it never
        // runs in the forecast either, and has no bar.
        const bool neverRuns = plan.resources[r].id == QLatin1String("dns-www") || plan.resources[r].id == QLatin1String("alarm-cdn-5xx");
        QVERIFY2(bar.isValid() != neverRuns, qPrintable(QStringLiteral("row %1 (%2): bar %3").arg(r).arg(plan.resources[r].id).arg(bar.isValid())));
        QCOMPARE(forecast.startMs[std::size_t(r)] < 0, neverRuns);
        bars += bar.isValid() ? 1 : 0;
        if (forecast.endMs[std::size_t(r)] > forecast.endMs[std::size_t(last)])
            last = r;
    }
    QCOMPARE(bars, 28);
    // The axis is scaled to the forecast: the last bar ends inside the view, past its middle.
    const QRect lastBar = view->forecastRect(last);
    QVERIFY2(lastBar.right() <= view->plotRect().right(), "the forecast fits");
    QVERIFY2(lastBar.right() > view->plotRect().center().x(), "the forecast fills the view");
    // The first row's bar is drawn, faintly blue, where its rectangle is.
    const QImage image = view->viewport()->grab().toImage();
    const QRect first = view->forecastRect(0);
    const QColor inside = image.pixelColor(first.center());
    QVERIFY2(inside.blue() > inside.red() + 8 && inside.lightness() > 180, qPrintable(inside.name()));
}

void tst_ForecastPane::newPlanSupersedesThePendingForecast()
{
    const auto window = openWindow(QStringLiteral("demo"));
    QVERIFY(window);
    // Open another plan and change the limit at once: what lands is for the last plan and limit.
    const QString quick = m_dir->filePath(QStringLiteral("quick-ok.json"));
    QVERIFY(QFile::copy(QStringLiteral(FANOUT_FIXTURES "/plans/quick-ok.json"), quick));
    QVERIFY(window->files().openPlan(quick));
    window->workspace().deployment().setParallelism(2);
    window->forecast().waitForIdle();
    QCoreApplication::processEvents();
    const Forecast *forecast = window->forecast().forecast();
    QVERIFY(forecast);
    QCOMPARE(forecast->parallelism, 2);
    QCOMPARE(forecast->startMs.size(), std::size_t(6));
    QVERIFY2(forecast->medianMs < 1000, qPrintable(formatDuration(forecast->medianMs)));
    QCOMPARE(window->forecast().sweep().constFirst().startMs.size(), std::size_t(6));
}

void tst_ForecastPane::remainingTimeNarrowsDuringARun()
{
    const QString plan = chainPlan();
    const auto window = openWindow(plan);
    QVERIFY(window);
    ForecastRunner &runner = window->forecast();
    QTRY_VERIFY_WITH_TIMEOUT(runner.forecast(), 30'000);
    Deployment &deployment = window->workspace().deployment();
    QList<qint64> spreads;
    QStringList texts;
    connect(&runner, &ForecastRunner::remainingChanged, this, [&] {
        if (const Forecast *left = runner.remaining()) {
            spreads.append(left->p90Ms - left->p10Ms);
            texts.append(window->statusText());
        }
    });
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    window->runs().runAction()->trigger();
    QVERIFY(deployment.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QVERIFY2(spreads.size() >= 2, qPrintable(QStringLiteral("%1 forecasts of the time left").arg(spreads.size())));
    QVERIFY2(spreads.constLast() < spreads.constFirst(),
             qPrintable(QStringLiteral("p10-p90 spreads: %1").arg([&] {
                 QStringList list;
                 for (qint64 s : spreads)
                     list.append(QString::number(s));
                 return list.join(QLatin1Char(' '));
             }())));
    const QRegularExpression leftText(QStringLiteral("About \\S+ left( \\(\\S+\u2013\\S+\\))?"));
    QVERIFY2(leftText.match(texts.constFirst()).hasMatch(), qPrintable(texts.constFirst()));
    QVERIFY2(texts.constFirst().contains(QChar(0x2013)), qPrintable("a range at first: " + texts.constFirst()));
}

void tst_ForecastPane::forecastBesideActualAfterARun()
{
    const QString plan = chainPlan();
    const auto window = openWindow(plan);
    QVERIFY(window);
    ForecastRunner &runner = window->forecast();
    QTRY_VERIFY_WITH_TIMEOUT(runner.forecast(), 30'000);
    const Forecast before = *runner.forecast();
    Deployment &deployment = window->workspace().deployment();
    QSignalSpy finished(&deployment, &Deployment::runFinished);
    window->runs().runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
    QCoreApplication::processEvents();

    // The forecast made before the run stays, beside what the run took.
    QVERIFY(runner.forecast());
    QCOMPARE(runner.forecast()->medianMs, before.medianMs);
    QVERIFY(runner.actualMs() > 0);
    const QString caption = window->forecastPane()->caption();
    QVERIFY2(caption.startsWith(QStringLiteral("Forecast %1 \u00b7 actual %2").arg(ForecastRunner::rangeText(before), formatDuration(runner.actualMs()))),
             qPrintable(caption));
    // Six sims of 150-450 ms one after another: the actual is near the forecast.
    QVERIFY2(runner.actualMs() > before.medianMs / 2 && runner.actualMs() < before.medianMs * 2, qPrintable(caption));
    // And the timeline keeps the faint bars behind the real ones.
    TimelineView *view = window->timelinePane()->view();
    for (int r = 0; r < 6; ++r) {
        QVERIFY(view->forecastRect(r).isValid());
        QVERIFY(view->attemptRect(r, 0).isValid());
    }
    QVERIFY2(window->statusText().contains(QLatin1String("Done")), qPrintable(window->statusText()));
}

void tst_ForecastPane::upToDatePlanSaysWhatToDo()
{
    const QString plan = chainPlan();
    {
        const auto window = openWindow(plan);
        QVERIFY(window);
        QSignalSpy finished(&window->workspace().deployment(), &Deployment::runFinished);
        window->runs().runAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kRunTimeoutMs);
        QVERIFY(window->workspace().deployment().waitForState());
    }
    // Opened again: its state file says everything is up to date.
    const auto window = openWindow(plan);
    QVERIFY(window);
    window->forecast().waitForIdle();
    const QString empty = window->forecastPane()->emptyText();
    QVERIFY2(empty.contains(QLatin1String("up to date")) && empty.contains(QLatin1String("Run All Again")), qPrintable(empty));
    QVERIFY(!window->forecastPane()->chart()->isVisible());
    QVERIFY2(!window->statusText().contains(QLatin1String("Expected")), qPrintable(window->statusText()));
}

QTEST_MAIN(tst_ForecastPane)
#include "tst_forecastpane.moc"
