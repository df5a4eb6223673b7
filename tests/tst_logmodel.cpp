#include "engine/executors/executorregistry.h"
#include "engine/plan/planreader.h"
#include "engine/run/deployment.h"
#include "guitest.h"
#include "models/logs/ansitext.h"
#include "models/logs/logfiltermodel.h"
#include "models/logs/logmodel.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/logs/logdelegate.h"
#include "ui/logs/logpane.h"
#include "ui/logs/logpanes.h"
#include "ui/logs/logview.h"
#include "tests/expect.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

#include <functional>
#include <memory>

using namespace fanout;

namespace {

using Tester = QAbstractItemModelTester;
constexpr auto kReport = QAbstractItemModelTester::FailureReportingMode::QtTest;

LogLine makeLine(int number, int resource = 0, LogLevel level = LogLevel::Info, const QString &text = QString())
{
    LogLine line;
    line.timeMs = number;
    line.resource = resource;
    line.attempt = 1;
    line.level = level;
    line.text = text.isNull() ? QStringLiteral("line %1").arg(number) : text;
    return line;
}

QList<LogLine> makeLines(int first, int count)
{
    QList<LogLine> lines;
    for (int i = first; i < first + count; ++i)
        lines.append(makeLine(i));
    return lines;
}

// A model, a proxy showing everything and a proxy filtering, each watched by a
// QAbstractItemModelTester for the whole of a test.
struct Models
{
    LogModel model;
    LogFilterModel all;
    LogFilterModel filtered;
    Tester modelTester{&model, kReport};
    Tester allTester{(all.setSourceModel(&model), &all), kReport};
    Tester filteredTester{(filtered.setSourceModel(&model), &filtered), kReport};
};

// "text{style}|text{style}": every span of a parse, for tables.
QString describe(const AnsiText &text)
{
    QStringList parts;
    for (const AnsiText::Span &span : text.spans) {
        QStringList style;
        if (span.style.bold)
            style.append(QStringLiteral("b"));
        if (span.style.italic)
            style.append(QStringLiteral("i"));
        if (span.style.underline)
            style.append(QStringLiteral("u"));
        if (span.style.foreground.isValid())
            style.append(QStringLiteral("fg=") + span.style.foreground.name());
        if (span.style.background.isValid())
            style.append(QStringLiteral("bg=") + span.style.background.name());
        parts.append(text.plain.mid(span.start, span.length) + QLatin1Char('{') + style.join(QLatin1Char(',')) + QLatin1Char('}'));
    }
    return parts.join(QLatin1Char('|'));
}

// The source rows a proxy shows.
QList<int> sourceRows(const QSortFilterProxyModel &proxy)
{
    QList<int> rows;
    for (int row = 0; row < proxy.rowCount(); ++row)
        rows.append(proxy.mapToSource(proxy.index(row, 0)).row());
    return rows;
}

// The model's rows that pass `accepts`, worked out without the proxy.
QList<int> expectedRows(const LogModel &model, const std::function<bool(const LogLine &)> &accepts)
{
    QList<int> rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (accepts(model.line(row)))
            rows.append(row);
    }
    return rows;
}

bool lastRowVisible(const LogView *view)
{
    const int rows = view->model()->rowCount();
    if (rows == 0)
        return true;
    const QRect last = view->visualRect(view->model()->index(rows - 1, 0));
    return view->viewport()->rect().contains(last.center());
}

// Counts filterAcceptsRow calls: appending a batch must filter that batch only.
class CountingFilter : public LogFilterModel
{
public:
    mutable int calls = 0;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        ++calls;
        return LogFilterModel::filterAcceptsRow(sourceRow, sourceParent);
    }
};

RunEvent runEvent(RunEvent::Kind kind, qint64 timeMs, int resource = -1, const QString &text = QString())
{
    RunEvent e;
    e.kind = kind;
    e.timeMs = timeMs;
    e.resource = resource;
    e.text = text;
    return e;
}

RunEvent stateEvent(qint64 timeMs, int resource, ResourceState state, int attempt, const QString &reason = QString())
{
    RunEvent e = runEvent(RunEvent::Kind::StateChanged, timeMs, resource, reason);
    e.state = state;
    e.attempt = attempt;
    return e;
}

RunEvent logEvent(qint64 timeMs, int resource, LogLevel level, const QString &text, int attempt = 1)
{
    RunEvent e = runEvent(RunEvent::Kind::Log, timeMs, resource, text);
    e.level = level;
    e.attempt = attempt;
    return e;
}

// "resource level text" of every row, for comparing what events became.
QStringList describeRows(const LogModel &model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        const LogLine &line = model.line(row);
        rows.append(QStringLiteral("%1 %2 %3").arg(line.resource).arg(levelName(line.level), line.plain));
    }
    return rows;
}

Plan readPlan(const QByteArray &json)
{
    const PlanReadResult result = PlanReader::readText(json, QStringLiteral("tiny.json"), ExecutorRegistry::builtIn());
    for (const Diagnostic &d : result.diagnostics)
        qWarning("%s", qPrintable(d.toString()));
    FANOUT_EXPECT(!result.hasErrors());
    return result.plan;
}

// Three resources in a chain; db's first attempt fails and is retried, and its lines are coloured.
const QByteArray kTinyPlan = R"({
  "name": "tiny", "parallelism": 4, "seed": 1,
  "resources": [
    {"id": "net", "type": "sim", "duration": "60ms", "log_lines": 4},
    {"id": "db", "type": "sim", "depends_on": ["net"], "duration": "60ms", "fail_attempts": 1,
     "retry": {"max_attempts": 2, "backoff": {"initial": "20ms"}},
     "log_lines": ["\u001b[1mcreating\u001b[0m database", "\u001b[32mavailable\u001b[0m"]},
    {"id": "app", "type": "sim", "depends_on": ["db"], "duration": "40ms", "log_lines": 3}
  ]
})";

} // namespace

class tst_logmodel : public QObject
{
    Q_OBJECT

private slots:
    void ansi_data();
    void ansi();
    void ansiNeverReadsPastTheEnd();
    void paletteColors();

    void appendBatches();
    void ringBufferWrap_data();
    void ringBufferWrap();
    void capacityShrinks();
    void filters_data();
    void filters();
    void filtersWhileLinesArrive();
    void appendedBatchIsFilteredAlone();
    void eventsBecomeLines();
    void newRunClearsResumeKeeps();
    void copyText();
    void copySelectedLines();
    void saveToWritesFilteredLines();
    void hundredThousandLines();

    void followTail();
    void panesFollowARun();
    void renderDemo();
};

void tst_logmodel::ansi_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("plain");
    QTest::addColumn<QString>("spans");

    const auto row = [](const char *name, const char *raw, const char *plain, const char *spans) {
        QTest::newRow(name) << QString::fromUtf8(raw) << QString::fromUtf8(plain) << QString::fromUtf8(spans);
    };
    row("empty", "", "", "");
    row("plain", "Creating vpc...", "Creating vpc...", "Creating vpc...{}");
    row("bold red", "\x1b[1;31mError\x1b[0m: quota", "Error: quota", "Error{b,fg=#aa0000}|: quota{}");
    row("256-colour fg", "\x1b[38;5;196mhot\x1b[39m", "hot", "hot{fg=#ff0000}");
    row("256-colour basic", "\x1b[38;5;2mok", "ok", "ok{fg=#00aa00}");
    row("256-colour grey bg", "\x1b[48;5;244mg", "g", "g{bg=#808080}");
    row("truecolor", "\x1b[38;2;255;128;0morange", "orange", "orange{fg=#ff8000}");
    row("truecolor bg", "\x1b[48;2;1;2;3mx", "x", "x{bg=#010203}");
    row("truecolor colons", "\x1b[38:2::1:2:3mx", "x", "x{fg=#010203}");
    row("truecolor colons no space id", "\x1b[38:2:4:5:6mx", "x", "x{fg=#040506}");
    row("reset mid-line", "a\x1b[32mb\x1b[mc", "abc", "a{}|b{fg=#00aa00}|c{}");
    row("reset then bold", "\x1b[31m\x1b[;1mB", "B", "B{b}");
    row("bright fg, bright bg", "\x1b[97;101mX", "X", "X{fg=#ffffff,bg=#ff5555}");
    row("bg 40-47", "\x1b[44mX", "X", "X{bg=#0000aa}");
    row("default colours", "\x1b[31;42mA\x1b[39mB\x1b[49mC", "ABC", "A{fg=#aa0000,bg=#00aa00}|B{bg=#00aa00}|C{}");
    row("bold off", "\x1b[1mA\x1b[22mB", "AB", "A{b}|B{}");
    row("italic underline", "\x1b[3;4mA\x1b[23mB\x1b[24mC", "ABC", "A{i,u}|B{u}|C{}");
    row("same style merges", "\x1b[1ma\x1b[1mb", "ab", "ab{b}");
    row("styles with no text", "\x1b[1m\x1b[0m", "", "");
    row("unicode", "\x1b[1m\xc4\x89u \xe2\x9c\x93\x1b[22m ok", "\xc4\x89u \xe2\x9c\x93 ok", "\xc4\x89u \xe2\x9c\x93{b}| ok{}");
    row("malformed ESC[ at end", "abc\x1b[", "abc", "abc{}");
    row("malformed ESC[ alone", "\x1b[", "", "");
    row("huge parameter", "\x1b[99999999mx", "x", "x{}");
    row("huge colour index", "\x1b[38;5;99999999mx", "x", "x{}");
    row("truncated at end", "ok\x1b[31", "ok", "ok{}");
    row("truncated 38;5", "\x1b[38;5mA", "A", "A{}");
    row("truncated 38;2", "\x1b[38;2;1;2mA", "A", "A{}");
    row("truecolor out of range", "\x1b[38;2;300;0;0mA", "A", "A{}");
    row("38 without mode keeps earlier", "\x1b[1;38mA", "A", "A{b}");
    row("lone ESC at end", "abc\x1b", "abc", "abc{}");
    row("other CSI stripped", "\x1b[2K\x1b[1Gprogress", "progress", "progress{}");
    row("private CSI stripped", "a\x1b[?25lb", "ab", "ab{}");
    row("private m is not SGR", "a\x1b[>4;2mb", "ab", "ab{}");
    row("malformed: stray byte ends it", "\x1b[31\x01mx", "mx", "mx{}");
    row("malformed: letter after ESC[ params", "\x1b[31;\xc3\xa9x", "\xc3\xa9x", "\xc3\xa9x{}");
    row("OSC hyperlink", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link", "link{}");
    row("OSC title with BEL", "\x1b]0;title\x07text", "text", "text{}");
    row("OSC unterminated", "a\x1b]0;title", "a", "a{}");
    row("charset escape", "\x1b(Bx", "x", "x{}");
    row("controls dropped, tab kept", "a\rb\x07" "c\td\x7f", "abc\td", "abc\td{}");
}

void tst_logmodel::ansi()
{
    QFETCH(QString, raw);
    QFETCH(QString, plain);
    QFETCH(QString, spans);
    const AnsiText text = AnsiText::parse(raw);
    QCOMPARE(text.plain, plain);
    QCOMPARE(describe(text), spans);
    QCOMPARE(AnsiText::strip(raw), plain);
}

void tst_logmodel::ansiNeverReadsPastTheEnd()
{
    // Random mixes of the characters escape sequences are made of: every parse must give spans that
    // cover the plain text exactly, in order.
    const QString alphabet = QStringLiteral("\x1b[];:m0123456789;38;5;2;48ABCxyz\x07\\?( \t\r");
    QRandomGenerator random(42);
    for (int round = 0; round < 20'000; ++round) {
        QString raw;
        const int length = int(random.bounded(24));
        for (int i = 0; i < length; ++i)
            raw.append(alphabet[int(random.bounded(int(alphabet.size())))]);
        const AnsiText text = AnsiText::parse(raw);
        int at = 0;
        for (const AnsiText::Span &span : text.spans) {
            QCOMPARE(span.start, at);
            QVERIFY(span.length > 0);
            at += span.length;
        }
        QCOMPARE(at, int(text.plain.size()));
        QVERIFY(!text.plain.contains(QChar(0x1b)));
    }
}

void tst_logmodel::paletteColors()
{
    QCOMPARE(AnsiText::paletteColor(1).name(), QStringLiteral("#aa0000"));
    QCOMPARE(AnsiText::paletteColor(16).name(), QStringLiteral("#000000"));
    QCOMPARE(AnsiText::paletteColor(231).name(), QStringLiteral("#ffffff"));
    QCOMPARE(AnsiText::paletteColor(232).name(), QStringLiteral("#080808"));
    QCOMPARE(AnsiText::paletteColor(255).name(), QStringLiteral("#eeeeee"));
    QVERIFY(!AnsiText::paletteColor(256).isValid());
    QVERIFY(!AnsiText::paletteColor(-1).isValid());
}

void tst_logmodel::appendBatches()
{
    Models m;
    QSignalSpy inserted(&m.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy proxyInserted(&m.all, &QAbstractItemModel::rowsInserted);
    QSignalSpy flushed(&m.model, &LogModel::flushed);

    m.model.append(makeLines(0, 10));
    m.model.append(makeLines(10, 10));
    m.model.append(makeLines(20, 10));
    // Buffered until the timer fires.
    QCOMPARE(m.model.rowCount(), 0);
    QCOMPARE(m.model.pendingCount(), 30);
    QTRY_COMPARE(m.model.rowCount(), 30);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 29);
    QCOMPARE(proxyInserted.count(), 1);
    QCOMPARE(flushed.count(), 1);
    QCOMPARE(m.all.rowCount(), 30);

    m.model.append(makeLines(30, 5));
    QTRY_COMPARE(m.model.rowCount(), 35);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 30);
    QCOMPARE(inserted.at(1).at(2).toInt(), 34);
    for (int row = 0; row < 35; ++row) {
        const QModelIndex index = m.model.index(row);
        QCOMPARE(index.data(LogModel::TextRole).toString(), QStringLiteral("line %1").arg(row));
        QCOMPARE(index.data(LogModel::ElapsedRole).toLongLong(), qint64(row));
        QCOMPARE(m.all.index(row, 0).data(LogModel::TextRole).toString(), QStringLiteral("line %1").arg(row));
    }

    // An explicit flush inserts at once; an empty one signals nothing.
    m.model.append(makeLines(35, 1));
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 36);
    m.model.flush();
    QCOMPARE(inserted.count(), 3);
}

void tst_logmodel::ringBufferWrap_data()
{
    QTest::addColumn<int>("batch");
    QTest::addColumn<bool>("flushEach");
    QTest::newRow("one batch of 2500") << 2500 << true;
    QTest::newRow("batches of 100") << 100 << true;
    QTest::newRow("batches of 999") << 999 << true;
    QTest::newRow("batches of 1000") << 1000 << true;
    QTest::newRow("batches of 1001") << 1001 << true;
    QTest::newRow("single lines") << 1 << true;
    QTest::newRow("batches of 7, one flush") << 7 << false;
}

void tst_logmodel::ringBufferWrap()
{
    QFETCH(int, batch);
    QFETCH(bool, flushEach);
    Models m;
    m.model.setCapacity(1000);
    // A third of the lines are resource 1's.
    m.filtered.setResource(1);
    QSignalSpy removed(&m.model, &QAbstractItemModel::rowsRemoved);
    for (int first = 0; first < 2500; first += batch) {
        QList<LogLine> lines;
        for (int i = first; i < std::min(2500, first + batch); ++i)
            lines.append(makeLine(i, i % 3));
        m.model.append(lines);
        if (flushEach)
            m.model.flush();
    }
    m.model.flush();

    QCOMPARE(m.model.rowCount(), 1000);
    QCOMPARE(m.model.droppedCount(), 1500);
    QCOMPARE(m.model.index(0).data(LogModel::TextRole).toString(), QStringLiteral("line 1500"));
    for (int row = 0; row < 1000; ++row) {
        const LogLine &line = m.model.line(row);
        QCOMPARE(line.text, QStringLiteral("line %1").arg(1500 + row));
        QCOMPARE(line.timeMs, qint64(1500 + row));
        QCOMPARE(line.resource, (1500 + row) % 3);
        QCOMPARE(m.all.index(row, 0).data(LogModel::TextRole).toString(), line.text);
    }
    // Old lines always leave from the front.
    for (const QList<QVariant> &args : std::as_const(removed))
        QCOMPARE(args.at(1).toInt(), 0);
    QCOMPARE(m.all.rowCount(), 1000);
    QCOMPARE(sourceRows(m.filtered), expectedRows(m.model, [](const LogLine &l) { return l.resource == 1; }));

    // And the ring keeps going round.
    m.model.append(makeLines(2500, 10));
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 1000);
    QCOMPARE(m.model.line(0).text, QStringLiteral("line 1510"));
    QCOMPARE(m.model.line(999).text, QStringLiteral("line 2509"));
}

void tst_logmodel::capacityShrinks()
{
    Models m;
    m.model.append(makeLines(0, 50));
    m.model.flush();
    m.model.setCapacity(20);
    QCOMPARE(m.model.rowCount(), 20);
    QCOMPARE(m.model.line(0).text, QStringLiteral("line 30"));
    m.model.append(makeLines(50, 5));
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 20);
    QCOMPARE(m.model.line(0).text, QStringLiteral("line 35"));
    QCOMPARE(m.model.line(19).text, QStringLiteral("line 54"));
    m.model.setCapacity(100);
    m.model.append(makeLines(55, 5));
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 25);
    QCOMPARE(m.model.line(24).text, QStringLiteral("line 59"));
}

namespace {

// 300 lines: resources 0-2 and the run (-1) every 10th line, every level, and "Disk full" in
// different cases, some of it coloured (which the filter must not see).
QList<LogLine> filterFixture(int first, int count)
{
    QList<LogLine> lines;
    for (int i = first; i < first + count; ++i) {
        QString text = QStringLiteral("line %1").arg(i);
        if (i % 7 == 0)
            text += QStringLiteral(" ERROR: Disk full");
        else if (i % 11 == 0)
            text += QStringLiteral(" \x1b[31mdisk\x1b[0m FULL soon");
        else if (i % 13 == 0)
            text += QStringLiteral(" di\x1b[1msk");
        lines.append(makeLine(i, i % 10 == 0 ? -1 : i % 3, LogLevel(i % 4), text));
    }
    return lines;
}

} // namespace

void tst_logmodel::filters_data()
{
    QTest::addColumn<int>("resource");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("minimumLevel");

    QTest::newRow("everything") << int(LogFilterModel::kAllResources) << QString() << int(LogLevel::Debug);
    QTest::newRow("resource 1") << 1 << QString() << int(LogLevel::Debug);
    QTest::newRow("the run") << -1 << QString() << int(LogLevel::Debug);
    QTest::newRow("absent resource") << 7 << QString() << int(LogLevel::Debug);
    QTest::newRow("text, any case") << int(LogFilterModel::kAllResources) << QStringLiteral("disk FULL") << int(LogLevel::Debug);
    QTest::newRow("text across colours") << int(LogFilterModel::kAllResources) << QStringLiteral("disk") << int(LogLevel::Debug);
    QTest::newRow("text not found") << int(LogFilterModel::kAllResources) << QStringLiteral("nothing") << int(LogLevel::Debug);
    QTest::newRow("warnings") << int(LogFilterModel::kAllResources) << QString() << int(LogLevel::Warning);
    QTest::newRow("errors") << int(LogFilterModel::kAllResources) << QString() << int(LogLevel::Error);
    QTest::newRow("resource 2, disk, info") << 2 << QStringLiteral("Disk") << int(LogLevel::Info);
}

void tst_logmodel::filters()
{
    QFETCH(int, resource);
    QFETCH(QString, text);
    QFETCH(int, minimumLevel);
    const auto accepts = [&](const LogLine &line) {
        return (resource == LogFilterModel::kAllResources || line.resource == resource)
            && int(line.level) >= minimumLevel && line.plain.contains(text, Qt::CaseInsensitive);
    };

    // Filter set before the lines come...
    Models m;
    m.filtered.setResource(resource);
    m.filtered.setText(text);
    m.filtered.setMinimumLevel(LogLevel(minimumLevel));
    m.model.append(filterFixture(0, 300));
    m.model.flush();
    QCOMPARE(sourceRows(m.filtered), expectedRows(m.model, accepts));
    QCOMPARE(sourceRows(m.all).size(), 300);

    // ...and after.
    LogFilterModel later;
    later.setSourceModel(&m.model);
    Tester laterTester(&later, kReport);
    later.setResource(resource);
    later.setText(text);
    later.setMinimumLevel(LogLevel(minimumLevel));
    QCOMPARE(sourceRows(later), expectedRows(m.model, accepts));

    // Clearing the filter shows everything again.
    later.setResource(LogFilterModel::kAllResources);
    later.setText(QString());
    later.setMinimumLevel(LogLevel::Debug);
    QVERIFY(!later.isFiltering());
    QCOMPARE(later.rowCount(), 300);
}

void tst_logmodel::filtersWhileLinesArrive()
{
    Models m;
    m.model.setCapacity(500);
    m.filtered.setText(QStringLiteral("disk"));
    m.filtered.setMinimumLevel(LogLevel::Info);
    auto accepts = [&](const LogLine &line) {
        return (m.filtered.resource() == LogFilterModel::kAllResources || line.resource == m.filtered.resource())
            && line.level >= m.filtered.minimumLevel() && line.plain.contains(m.filtered.text(), Qt::CaseInsensitive);
    };
    int next = 0;
    for (int round = 0; round < 20; ++round) {
        const int count = 37 + round * 5; // wraps the ring several times
        m.model.append(filterFixture(next, count));
        next += count;
        if (round % 2 == 0)
            QTRY_COMPARE(m.model.pendingCount(), 0); // by the timer
        else
            m.model.flush();
        QCOMPARE(sourceRows(m.filtered), expectedRows(m.model, accepts));
        // Change the filter now and then between batches.
        if (round == 6)
            m.filtered.setResource(2);
        if (round == 12)
            m.filtered.setText(QStringLiteral("FULL"));
        if (round == 15)
            m.filtered.setMinimumLevel(LogLevel::Error);
    }
    QCOMPARE(m.model.rowCount(), 500);
    QVERIFY(m.model.droppedCount() > 0);
}

void tst_logmodel::appendedBatchIsFilteredAlone()
{
    LogModel model;
    CountingFilter filter;
    filter.setSourceModel(&model);
    Tester tester(&filter, kReport);
    filter.setText(QStringLiteral("disk"));
    model.append(filterFixture(0, 10'000));
    model.flush();
    filter.calls = 0;
    model.append(filterFixture(10'000, 100));
    model.flush();
    QCOMPARE(filter.calls, 100);
    QCOMPARE(sourceRows(filter), expectedRows(model, [](const LogLine &l) { return l.plain.contains(QStringLiteral("disk"), Qt::CaseInsensitive); }));
}

void tst_logmodel::eventsBecomeLines()
{
    Models m;
    m.model.setResourceIds({QStringLiteral("net"), QStringLiteral("db"), QStringLiteral("app")});
    RunEvent started = runEvent(RunEvent::Kind::RunStarted, 0, -1, QStringLiteral("web"));
    started.number = 4;
    RunEvent parallelism = runEvent(RunEvent::Kind::ParallelismChanged, 5);
    parallelism.number = 2;
    m.model.appendEvents({
        started,
        stateEvent(0, 0, ResourceState::Ready, 0),
        stateEvent(1, 0, ResourceState::Running, 1),
        logEvent(2, 0, LogLevel::Info, QStringLiteral("Creating net...")),
        stateEvent(3, 0, ResourceState::Succeeded, 1),
        parallelism,
        stateEvent(4, 1, ResourceState::Running, 1),
        logEvent(5, 1, LogLevel::Error, QStringLiteral("\x1b[31mboom\x1b[0m")),
        stateEvent(6, 1, ResourceState::RetryWait, 1, QStringLiteral("attempt 1 of 2 failed: boom; retrying in 1s")),
        stateEvent(7, 1, ResourceState::Running, 2),
        stateEvent(8, 1, ResourceState::Failed, 2, QStringLiteral("boom")),
        stateEvent(8, 2, ResourceState::Skipped, 0, QStringLiteral("upstream \"db\" failed")),
        runEvent(RunEvent::Kind::RunFinished, 9000),
    });
    m.model.appendEvents({
        runEvent(RunEvent::Kind::RunResumed, 10'000, -1, QStringLiteral("db")),
        stateEvent(10'000, 1, ResourceState::Pending, 0, QStringLiteral("retry requested")),
        stateEvent(10'000, 2, ResourceState::Pending, 0, QStringLiteral("resumed by the retry of db")),
        stateEvent(10'001, 1, ResourceState::Running, 3),
        stateEvent(10'002, 1, ResourceState::Succeeded, 3),
        runEvent(RunEvent::Kind::CancelRequested, 10'003, -1, QStringLiteral("run cancelled")),
        stateEvent(10'004, 2, ResourceState::Cancelled, 0, QStringLiteral("the run was cancelled before it started")),
        runEvent(RunEvent::Kind::RunFinished, 10'005),
    });
    m.model.flush();
    const QStringList expected = {
        QStringLiteral("-1 info run started: web, parallelism 4"),
        QStringLiteral("0 info started"),
        QStringLiteral("0 info Creating net..."),
        QStringLiteral("0 info succeeded"),
        QStringLiteral("-1 info parallelism changed to 2"),
        QStringLiteral("1 info started"),
        QStringLiteral("1 error boom"),
        QStringLiteral("1 warning attempt 1 of 2 failed: boom; retrying in 1s"),
        QStringLiteral("1 info attempt 2 started"),
        QStringLiteral("1 error failed on attempt 2: boom"),
        QStringLiteral("2 warning skipped: upstream \"db\" failed"),
        QStringLiteral("-1 error run finished after 9s: 1 succeeded, 1 failed, 1 skipped"),
        QStringLiteral("-1 info run resumed to retry db"),
        QStringLiteral("1 info retry requested"),
        QStringLiteral("2 info resumed by the retry of db"),
        QStringLiteral("1 info attempt 3 started"),
        QStringLiteral("1 info succeeded on attempt 3"),
        QStringLiteral("-1 warning run cancelled"),
        QStringLiteral("2 warning cancelled: the run was cancelled before it started"),
        QStringLiteral("-1 warning run finished after 10s: 2 succeeded, 1 cancelled"),
    };
    QCOMPARE(describeRows(m.model), expected);
    // Fanout's own lines are told apart from the resources' output; the raw text keeps its colours.
    QVERIFY(m.model.line(1).fromRun);
    QVERIFY(!m.model.line(2).fromRun);
    QCOMPARE(m.model.line(6).text, QStringLiteral("\x1b[31mboom\x1b[0m"));
    QCOMPARE(m.model.index(6).data(LogModel::ResourceIdRole).toString(), QStringLiteral("db"));
    QCOMPARE(m.model.index(9).data(LogModel::AttemptRole).toInt(), 2);
    QCOMPARE(m.model.index(9).data(LogModel::LevelRole).toInt(), int(LogLevel::Error));
}

void tst_logmodel::newRunClearsResumeKeeps()
{
    Models m;
    QSignalSpy reset(&m.model, &QAbstractItemModel::modelReset);
    m.model.appendEvents({runEvent(RunEvent::Kind::RunStarted, 0), logEvent(1, 0, LogLevel::Info, QStringLiteral("first run"))});
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 2);
    m.model.appendEvents({runEvent(RunEvent::Kind::RunResumed, 5, -1, QStringLiteral("a")), logEvent(6, 0, LogLevel::Info, QStringLiteral("resumed"))});
    m.model.flush();
    QCOMPARE(m.model.rowCount(), 4);
    QCOMPARE(reset.count(), 0);
    // A new run in the same batch as the end of the old one: only the new run's lines stay.
    m.model.appendEvents({logEvent(7, 0, LogLevel::Info, QStringLiteral("late line of the old run")),
                          runEvent(RunEvent::Kind::RunStarted, 0), logEvent(1, 0, LogLevel::Info, QStringLiteral("second run"))});
    m.model.flush();
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m.model.rowCount(), 2);
    QCOMPARE(m.model.line(1).text, QStringLiteral("second run"));
    QCOMPARE(m.all.rowCount(), 2);
}

void tst_logmodel::copyText()
{
    Models m;
    m.model.setResourceIds({QStringLiteral("vpc"), QStringLiteral("db")});
    LogLine line = makeLine(1234, 1, LogLevel::Info, QStringLiteral("\x1b[32mready\x1b[0m in 3s"));
    LogLine runLine = makeLine(0, -1, LogLevel::Info, QStringLiteral("run started"));
    m.model.append({runLine, line});
    m.model.flush();

    // Before the run's start is known: the time since it started.
    QCOMPARE(m.model.index(1).data().toString(), QStringLiteral("+1.234s [db] ready in 3s"));
    QCOMPARE(m.model.index(0).data().toString(), QStringLiteral("+0.000s run started"));
    QVERIFY(!m.model.index(1).data(LogModel::TimeRole).toDateTime().isValid());

    // With it: the local wall-clock time, across midnight too.
    const QDateTime start(QDate(2026, 3, 1), QTime(23, 59, 59, 500));
    QSignalSpy changed(&m.model, &QAbstractItemModel::dataChanged);
    m.model.setRunStart(start.toUTC());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m.model.index(0).data().toString(), QStringLiteral("23:59:59.500 run started"));
    QCOMPARE(m.model.index(1).data().toString(), QStringLiteral("00:00:00.734 [db] ready in 3s"));
    QCOMPARE(m.model.index(1).data(LogModel::TimeRole).toDateTime(), start.addMSecs(1234));
    QCOMPARE(m.model.index(1).data(LogModel::PlainTextRole).toString(), QStringLiteral("ready in 3s"));
    QCOMPARE(m.model.index(1).data(LogModel::TextRole).toString(), line.text);
    QVERIFY(m.model.index(1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("+1.234s since the run started")));

    QCOMPARE(LogModel::elapsedText(0), QStringLiteral("+0.000s"));
    QCOMPARE(LogModel::elapsedText(61'234), QStringLiteral("+1m01.234s"));
    QCOMPARE(LogModel::elapsedText(3'723'456), QStringLiteral("+1h02m03.456s"));
}

void tst_logmodel::copySelectedLines()
{
    LogModel model;
    model.setResourceIds({QStringLiteral("vpc"), QStringLiteral("db")});
    model.append(filterFixture(0, 20));
    model.flush();
    LogPane pane(&model);
    pane.resize(600, 300);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    LogView *view = pane.view();
    QCOMPARE(view->selectionMode(), QAbstractItemView::ExtendedSelection);
    QVERIFY(view->uniformItemSizes());

    // Click one line, ctrl-click two more (out of order): Copy gives them in the order shown.
    const auto click = [&](int row, Qt::KeyboardModifiers modifiers) {
        view->scrollTo(view->model()->index(row, 0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(view->model()->index(row, 0)).center());
    };
    click(5, Qt::NoModifier);
    click(2, Qt::ControlModifier);
    click(9, Qt::ControlModifier);
    const QString expected = model.index(2).data().toString() + QLatin1Char('\n') + model.index(5).data().toString()
        + QLatin1Char('\n') + model.index(9).data().toString() + QLatin1Char('\n');
    QCOMPARE(pane.view()->selectedText(), expected);
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), expected);
    QVERIFY(!expected.contains(QChar(0x1b)));

    // The filter decides what there is to select.
    pane.filterEdit()->setText(QStringLiteral("disk"));
    view->selectAll();
    QStringList lines = pane.view()->selectedText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), pane.filterModel()->rowCount());
    for (const QString &l : lines)
        QVERIFY2(l.contains(QStringLiteral("disk"), Qt::CaseInsensitive), qPrintable(l));
}

void tst_logmodel::saveToWritesFilteredLines()
{
    LogModel model;
    model.setResourceIds({QStringLiteral("vpc"), QStringLiteral("db"), QStringLiteral("app")});
    model.append(filterFixture(0, 300));
    model.flush();
    LogPane pane(&model);
    // Through the widgets, as a person would filter.
    pane.filterEdit()->setText(QStringLiteral("full"));
    pane.levelBox()->setCurrentIndex(pane.levelBox()->findText(QStringLiteral("Warnings")));
    QCOMPARE(pane.filterModel()->minimumLevel(), LogLevel::Warning);
    QStringList expected;
    for (int row = 0; row < model.rowCount(); ++row) {
        const LogLine &line = model.line(row);
        if (line.level >= LogLevel::Warning && line.plain.contains(QStringLiteral("full"), Qt::CaseInsensitive))
            expected.append(model.index(row).data().toString());
    }
    QVERIFY(expected.size() > 10);
    QCOMPARE(pane.countText(), QStringLiteral("%1 of 300 lines").arg(expected.size()));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("web-all.log"));
    QString error;
    QVERIFY_EXPECTED(pane.saveTo(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), expected.join(QLatin1Char('\n')) + QLatin1Char('\n'));

    error = pane.saveTo(dir.filePath(QStringLiteral("missing/dir/x.log"))).error();
    QVERIFY(!error.isEmpty());
}

namespace {

QList<LogLine> benchBatch(int first)
{
    QList<LogLine> lines;
    lines.reserve(1000);
    for (int i = first; i < first + 1000; ++i) {
        lines.append(makeLine(i, i % 10, LogLevel(i % 4),
                              i % 97 == 0 ? QStringLiteral("line %1: \x1b[31mdisk full\x1b[0m").arg(i) : QString()));
    }
    return lines;
}

} // namespace

void tst_logmodel::hundredThousandLines()
{
    // First for the figures, without the testers (which look at every row on every change).
    {
        LogModel model;
        LogFilterModel all;
        all.setSourceModel(&model);
        LogFilterModel text;
        text.setSourceModel(&model);
        text.setText(QStringLiteral("disk"));
        LogModel bare;
        QElapsedTimer clock;
        clock.start();
        for (int first = 0; first < 100'000; first += 1000) {
            bare.append(benchBatch(first));
            bare.flush();
        }
        const qint64 modelOnly = clock.restart();
        for (int first = 0; first < 100'000; first += 1000) {
            model.append(benchBatch(first));
            model.flush();
        }
        const qint64 withProxies = clock.restart();
        // Figures to read, not assertions (tests/bench has the benchmarks).
        qInfo("100,000 lines in batches of 1,000 (making the lines included): model alone %lld ms; "
              "model + 2 filters (all, text) %lld ms", modelOnly, withProxies);

        LogModel shown;
        shown.setCapacity(200'000);
        LogPane pane(&shown);
        pane.resize(800, 400);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        clock.restart();
        for (int first = 0; first < 100'000; first += 1000) {
            shown.append(benchBatch(first));
            shown.flush();
            QCoreApplication::processEvents(); // layout, follow the tail, paint
        }
        qInfo("... into a shown, following All pane, laid out and painted after each batch: %lld ms", clock.elapsed());
        // Past the default capacity every batch also drops the oldest 1,000 lines.
        clock.restart();
        for (int first = 100'000; first < 200'000; first += 1000) {
            shown.append(benchBatch(first));
            shown.flush();
            QCoreApplication::processEvents();
        }
        const qint64 filling = clock.restart();
        for (int first = 200'000; first < 300'000; first += 1000) {
            shown.append(benchBatch(first));
            shown.flush();
            QCoreApplication::processEvents();
        }
        qInfo("... 100,000 more into the same pane (up to its capacity of 200,000): %lld ms; 100,000 more, each batch "
              "dropping 1,000 old lines: %lld ms", filling, clock.elapsed());
        QCOMPARE(shown.rowCount(), 200'000);
        QCOMPARE(shown.line(0).timeMs, qint64(100'000));
        QCOMPARE(text.rowCount(), 100'000 / 97 + 1);
    }

    Models m;
    m.filtered.setResource(3);
    m.filtered.setMinimumLevel(LogLevel::Warning);
    LogFilterModel text;
    text.setSourceModel(&m.model);
    Tester textTester(&text, kReport);
    text.setText(QStringLiteral("disk"));
    for (int first = 0; first < 100'000; first += 1000) {
        m.model.append(benchBatch(first));
        m.model.flush();
    }
    QCOMPARE(m.model.rowCount(), 100'000);
    QCOMPARE(m.all.rowCount(), 100'000);
    for (int row : {0, 1, 49'999, 99'999}) {
        QVERIFY(m.model.line(row).text.startsWith(QStringLiteral("line %1").arg(row)));
        QCOMPARE(m.all.index(row, 0).data(LogModel::ElapsedRole).toLongLong(), qint64(row));
    }
    QCOMPARE(sourceRows(m.filtered), expectedRows(m.model, [](const LogLine &l) { return l.resource == 3 && l.level >= LogLevel::Warning; }));
    QCOMPARE(sourceRows(text), expectedRows(m.model, [](const LogLine &l) { return l.plain.contains(QStringLiteral("disk")); }));
}

void tst_logmodel::followTail()
{
    LogModel model;
    LogPane pane(&model);
    pane.resize(600, 300);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    LogView *view = pane.view();
    QScrollBar *bar = view->verticalScrollBar();
    QVERIFY(pane.isFollowing());
    QVERIFY(pane.followButton()->isChecked());

    model.append(makeLines(0, 2000));
    QTRY_COMPARE(view->model()->rowCount(), 2000);
    QTRY_VERIFY(lastRowVisible(view));
    QVERIFY(bar->maximum() > 0);

    // The wheel up: following stops, and new lines leave the view where it is.
    QWheelEvent up(QPointF(50, 50), view->viewport()->mapToGlobal(QPointF(50, 50)), QPoint(), QPoint(0, 120),
                   Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &up);
    QVERIFY(bar->value() < bar->maximum());
    QVERIFY(!pane.isFollowing());
    QVERIFY(!pane.followButton()->isChecked());
    const int value = bar->value();
    model.append(makeLines(2000, 500));
    model.flush();
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(bar->value(), value);
    QVERIFY(!lastRowVisible(view));

    // The Follow button: back to the newest line, and following again.
    QTest::mouseClick(pane.followButton(), Qt::LeftButton);
    QVERIFY(pane.isFollowing());
    QTRY_VERIFY(lastRowVisible(view));
    model.append(makeLines(2500, 100));
    QTRY_COMPARE(view->model()->rowCount(), 2600);
    QTRY_VERIFY(lastRowVisible(view));

    // Dragging the scroll bar up stops following; scrolling back to the bottom starts it again.
    bar->triggerAction(QAbstractSlider::SliderPageStepSub);
    QVERIFY(!pane.isFollowing());
    bar->triggerAction(QAbstractSlider::SliderToMaximum);
    QVERIFY(pane.isFollowing());
    QVERIFY(pane.followButton()->isChecked());

    // Keys: Home leaves the tail, End comes back to it.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Home, Qt::ControlModifier);
    QVERIFY(!pane.isFollowing());
    QTest::keyClick(view, Qt::Key_End, Qt::ControlModifier);
    QVERIFY(pane.isFollowing());

    // Filtering while following keeps the newest matching line in view.
    pane.filterEdit()->setText(QStringLiteral("line 1"));
    QTRY_VERIFY(lastRowVisible(view));
    QVERIFY(pane.isFollowing());
}

void tst_logmodel::panesFollowARun()
{
    Workspace workspace(ExecutorRegistry::builtIn());
    Deployment &session = workspace.deployment();
    const Plan plan = readPlan(kTinyPlan);
    session.open(plan, QStringLiteral("tiny.json"), QString());
    LogPanes panes(workspace);
    panes.resize(800, 300);
    panes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panes));
    LogModel *model = panes.model();
    Tester modelTester(model, kReport);
    Tester allTester(panes.allPane()->filterModel(), kReport);
    QCOMPARE(panes.count(), 1);
    QCOMPARE(panes.tabText(0), QStringLiteral("All"));
    QVERIFY(!panes.tabBar()->tabButton(0, QTabBar::RightSide));
    QVERIFY(!panes.tabBar()->tabButton(0, QTabBar::LeftSide));

    QSignalSpy finished(&session, &Deployment::runFinished);
    QVERIFY(session.start());
    QTRY_VERIFY(model->rowCount() > 0);
    QVERIFY(model->runStart().isValid());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20'000);
    QTRY_COMPARE(model->pendingCount(), 0);
    const QString last = model->line(model->rowCount() - 1).plain;
    QVERIFY2(last.startsWith(QStringLiteral("run finished")), qPrintable(last));
    const QStringList text = describeRows(*model);
    QVERIFY2(text.contains(QStringLiteral("1 warning attempt 1 of 2 failed: simulated failure of attempt 1 (fail_attempts: 1); retrying in 20ms")),
             qPrintable(text.join(QLatin1Char('\n'))));
    QVERIFY(text.contains(QStringLiteral("1 info succeeded on attempt 2")));
    QVERIFY(text.contains(QStringLiteral("1 info creating database")));
    QCOMPARE(panes.allPane()->filterModel()->rowCount(), model->rowCount());
    QTRY_VERIFY(lastRowVisible(panes.allPane()->view()));

    // A resource's tab: only its lines, titled with its id; opening it again focuses it.
    panes.showResource(1);
    QCOMPARE(panes.count(), 2);
    QCOMPARE(panes.tabText(1), QStringLiteral("db"));
    QCOMPARE(panes.currentIndex(), 1);
    LogPane *db = panes.pane(1);
    QVERIFY(db);
    QCOMPARE(panes.currentPane(), db);
    Tester dbTester(db->filterModel(), kReport);
    QCOMPARE(sourceRows(*db->filterModel()), expectedRows(*model, [](const LogLine &l) { return l.resource == 1; }));
    QVERIFY(db->filterModel()->rowCount() >= 6);
    QVERIFY(!db->view()->logDelegate()->showsResource());
    QVERIFY(!panes.tabIcon(1).isNull()); // its state: succeeded
    QVERIFY(panes.allPane()->view()->logDelegate()->showsResource());
    panes.showAll();
    panes.showResource(1);
    QCOMPARE(panes.count(), 2);
    QCOMPARE(panes.currentIndex(), 1);
    panes.showResource(0);
    panes.showResource(99); // no such resource: nothing
    QCOMPARE(panes.openResources(), (QList<int>{1, 0}));

    // A retry resumes the run: its lines are added to the old ones.
    const int before = model->rowCount();
    QCOMPARE(session.retry({QStringLiteral("app")}), 0); // succeeded: nothing to retry
    QCOMPARE(model->rowCount(), before);

    // Clicking a line in the All tab selects its resource.
    panes.showAll();
    LogView *all = panes.allPane()->view();
    int dbRow = -1;
    for (int row = 0; row < all->model()->rowCount() && dbRow < 0; ++row) {
        if (all->model()->index(row, 0).data(LogModel::ResourceRole).toInt() == 1)
            dbRow = row;
    }
    QVERIFY(dbRow >= 0);
    panes.allPane()->setFollowing(false);
    all->scrollTo(all->model()->index(dbRow, 0));
    QSignalSpy selected(&workspace.selection(), &ResourceSelection::currentChanged);
    QTest::mouseClick(all->viewport(), Qt::LeftButton, Qt::NoModifier, all->visualRect(all->model()->index(dbRow, 0)).center());
    QCOMPARE(workspace.selection().current(), 1);
    // Double-clicking opens (here: focuses) its tab.
    QTest::mouseDClick(all->viewport(), Qt::LeftButton, Qt::NoModifier, all->visualRect(all->model()->index(dbRow, 0)).center());
    QCOMPARE(panes.currentPane(), db);

    // Closing a tab.
    emit panes.tabCloseRequested(panes.indexOf(panes.pane(0)));
    QCOMPARE(panes.openResources(), QList<int>{1});

    // A new plan: the lines and the resource tabs go.
    session.open(plan, QStringLiteral("tiny.json"), QString());
    QCOMPARE(panes.count(), 1);
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(panes.allPane()->filterModel()->rowCount(), 0);

    // And a second run starts from a clean log.
    finished.clear();
    QVERIFY(session.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20'000);
    QTRY_COMPARE(model->pendingCount(), 0);
    QCOMPARE(model->line(0).plain, QStringLiteral("run started: tiny, parallelism 4"));
    int starts = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        starts += model->line(row).plain.startsWith(QStringLiteral("run started")) ? 1 : 0;
    QCOMPARE(starts, 1);

    // A model created after the run shows it too, from the deployment's journal.
    LogModel late;
    late.setDeployment(&session);
    QCOMPARE(describeRows(late), describeRows(*model));
}

void tst_logmodel::renderDemo()
{
    // Renders the log panes after a run of the demo plan to a PNG, for people to look at. The demo
    // takes about half a minute, so this runs only when asked: FANOUT_LOG_SCREENSHOT=dir.
    const QString dir = qEnvironmentVariable("FANOUT_LOG_SCREENSHOT");
    if (dir.isEmpty())
        QSKIP("set FANOUT_LOG_SCREENSHOT to a directory to render the log panes after a demo run");
    const PlanReadResult read = PlanReader::readFile(QStringLiteral(":/plans/demo.json"), ExecutorRegistry::builtIn());
    QVERIFY(!read.hasErrors());
    Workspace workspace(ExecutorRegistry::builtIn());
    Deployment &session = workspace.deployment();
    session.open(read.plan, QStringLiteral(":/plans/demo.json"), QString());
    LogPanes panes(workspace);
    panes.resize(680, 420); // the main window's log dock
    panes.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panes));
    QSignalSpy finished(&session, &Deployment::runFinished);
    QVERIFY(session.start());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120'000);
    QTRY_COMPARE(panes.model()->pendingCount(), 0);
    QTest::qWait(100);
    QVERIFY(panes.grab().save(dir + QStringLiteral("/logpanes-all.png")));
    panes.showResource(read.plan.indexOf(QStringLiteral("db")));
    LogView *db = panes.currentPane()->view();
    db->selectionModel()->select(QItemSelection(db->model()->index(2, 0), db->model()->index(3, 0)),
                                 QItemSelectionModel::Select);
    QTest::qWait(100);
    QVERIFY(panes.grab().save(dir + QStringLiteral("/logpanes-db.png")));
    panes.showAll();
    panes.allPane()->levelBox()->setCurrentIndex(2);
    QTest::qWait(100);
    QVERIFY(panes.grab().save(dir + QStringLiteral("/logpanes-warnings.png")));
}

QTEST_MAIN(tst_logmodel)
#include "tst_logmodel.moc"
