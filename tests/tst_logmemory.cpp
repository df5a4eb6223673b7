// A long run's log keeps memory bounded and loses no line: log lines' text goes to disk (LogStore,
// through the journal), rows keep a few bytes, and the filter still finds every line.
#include "engine/executors/executorregistry.h"
#include "engine/run/deployment.h"
#include "engine/run/journal.h"
#include "engine/support/logstore.h"
#include "guitest.h"
#include "models/logs/logfiltermodel.h"
#include "models/logs/logmodel.h"
#include "models/plan/workspace.h"
#include "tests/procstatus.h"
#include "ui/logs/logpane.h"
#include "ui/logs/logpanes.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace fanout;

namespace {

int logFilesInTemp()
{
    return int(QDir::temp().entryList({QStringLiteral("fanout-log-*")}, QDir::Files | QDir::Hidden | QDir::System).size());
}

} // namespace

class tst_logmemory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings("tst_logmemory"); }
    void storeKeepsEveryLine();
    void longRunKeepsMemorySmallAndEveryLine();
};

void tst_logmemory::storeKeepsEveryLine()
{
    const int filesBefore = logFilesInTemp();
    {
        LogStore store;
        QCOMPARE(store.text(0), QString());
        const auto lineText = [](int i) {
            // Lengths vary (some empty, some longer than a read block), and not all of it is ASCII.
            return i % 1000 == 7 ? QString(300'000, QLatin1Char('x')) : QStringLiteral("line %1 ünïcødé ").repeated(i % 5);
        };
        for (int i = 0; i < 300'000; ++i)
            QCOMPARE(store.append(lineText(i)), qint64(i));
        QVERIFY(store.isOnDisk());
        QCOMPARE(store.count(), qint64(300'000));
        // The file is unlinked as soon as it is made: nothing is left behind, even after a crash.
        QCOMPARE(logFilesInTemp(), filesBefore);
        for (const int i : {0, 1, 2, 3, 4, 7, 1007, 150'000, 150'001, 299'998, 299'999})
            QCOMPARE(store.text(i), lineText(i));
        for (int i = 0; i < 300'000; i += 997) // in order, and back again, through the block cache
            QCOMPARE(store.text(i), lineText(i));
        for (int i = 299'999; i >= 0; i -= 1009)
            QCOMPARE(store.text(i), lineText(i));
        QCOMPARE(store.text(300'000), QString());
        store.clear();
        QCOMPARE(store.count(), qint64(0));
        QCOMPARE(store.append(QStringLiteral("again")), qint64(0));
        QCOMPARE(store.text(0), QStringLiteral("again"));
    }
    QCOMPARE(logFilesInTemp(), filesBefore);
}

void tst_logmemory::longRunKeepsMemorySmallAndEveryLine()
{
    // 2,000 sim resources writing 100 lines each, as fast as they can, into the dashboard's log panes.
    constexpr int kResources = 2000;
    constexpr int kLines = 100;
    QTemporaryDir dir;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (int i = 0; i < kResources; ++i)
        list.push_back({{"id", QStringLiteral("r%1").arg(i).toStdString()}, {"type", "sim"}, {"duration", "0s"}, {"log_lines", kLines}});
    const nlohmann::ordered_json doc = {{"name", "long"}, {"parallelism", 50}, {"seed", 1}, {"resources", list}};
    const QString planFile = dir.filePath(QStringLiteral("long.json"));
    QFile file(planFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(doc.dump()));
    file.close();

    Workspace workspace(ExecutorRegistry::builtIn());
    QVERIFY(workspace.open(planFile, workspace.read(planFile)));
    Deployment &session = workspace.deployment();
    LogPanes panes(workspace);
    panes.resize(800, 300);
    panes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panes));
    QSignalSpy finished(&session, &Deployment::runFinished);
    const qint64 before = test::procStatus("VmRSS") * 1024;
    QVERIFY(session.start());
    QVERIFY(finished.wait(60'000));
    LogModel &model = *panes.model();
    model.flush();

    const Journal &journal = session.journal();
    std::vector<std::size_t> lines; // the journal's log lines
    for (std::size_t i = 0; i < journal.size(); ++i) {
        if (journal.entry(i).kind == RunEvent::Kind::Log)
            lines.push_back(i);
    }
    QCOMPARE(int(lines.size()), kResources * kLines);
    // Peak growth per line written: about 290 bytes when every line was a QString in the journal and
    // another in the log model (which then dropped the oldest), about 130 with the text on disk (of
    // which the journal keeps 40, the model 8 and its filters up to 24; the rest is lines in flight).
    const double perLine = double(test::procStatus("VmHWM") * 1024 - before) / double(lines.size());
    qInfo("%zu lines: %.0f bytes of peak resident memory per line written", lines.size(), perLine);
    if (test::kMemoryIsMeasured)
        QVERIFY2(perLine < 200, qPrintable(QStringLiteral("%1 bytes a line").arg(perLine)));
    else
        qInfo("not checked: a sanitizer build's memory is mostly the sanitizer's");
    QVERIFY(journal.logs().isOnDisk());

    // The All tab's filter finds the first line written, one in the middle and the last: every line
    // with that text, wherever it is kept.
    LogPane &all = *panes.allPane();
    for (const std::size_t i : {lines.front(), lines[lines.size() / 2], lines.back()}) {
        const RunEvent line = journal[i];
        int expected = 0;
        for (const std::size_t j : lines)
            expected += journal.text(j).contains(line.text, Qt::CaseInsensitive);
        all.filterEdit()->setText(line.text);
        // More lines than it looks through at once: it looks a slice at a time, the window responsive.
        QVERIFY(all.filterModel()->isScanning());
        QTRY_VERIFY(!all.filterModel()->isScanning());
        QCOMPARE(all.filterModel()->rowCount(), expected);
        bool found = false;
        for (int row = 0; row < all.filterModel()->rowCount() && !found; ++row) {
            const QModelIndex index = all.filterModel()->index(row, 0);
            found = index.data(LogModel::ResourceRole).toInt() == line.resource
                && index.data(LogModel::ElapsedRole).toLongLong() == line.timeMs
                && index.data(LogModel::TextRole).toString() == line.text;
        }
        QVERIFY2(found, qPrintable(line.text));
    }
    all.filterEdit()->clear();
    QCOMPARE(all.filterModel()->rowCount(), model.rowCount());

    // A resource's tab shows its lines, in the order written.
    const int resource = journal.entry(lines.front()).resource;
    panes.showResource(resource);
    LogFilterModel &own = *panes.pane(resource)->filterModel();
    QStringList shown;
    for (int row = 0; row < own.rowCount(); ++row) {
        if (!own.index(row, 0).data(LogModel::FromRunRole).toBool())
            shown.append(own.index(row, 0).data(LogModel::TextRole).toString());
    }
    QStringList written;
    for (const std::size_t j : lines) {
        if (journal.entry(j).resource == resource)
            written.append(journal.text(j));
    }
    QCOMPARE(written.size(), kLines);
    QCOMPARE(shown, written);
    QCOMPARE(shown.front(), QStringLiteral("Creating r%1...").arg(resource));
}

QTEST_MAIN(tst_logmemory)
#include "tst_logmemory.moc"
