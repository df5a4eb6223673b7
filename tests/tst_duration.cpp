#include "engine/support/duration.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace fanout;

class tst_Duration : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void rejects_data();
    void rejects();
    void format_data();
    void format();
    void elapsed();
};

void tst_Duration::parse_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("milliseconds") << "\"250ms\"" << qint64(250);
    QTest::newRow("seconds") << "\"30s\"" << qint64(30'000);
    QTest::newRow("minutes") << "\"5m\"" << qint64(300'000);
    QTest::newRow("hours") << "\"1h\"" << qint64(3'600'000);
    QTest::newRow("combined") << "\"1m30s\"" << qint64(90'000);
    QTest::newRow("all units") << "\"1h2m3s4ms\"" << qint64(3'723'004);
    QTest::newRow("fractional unit") << "\"1.5s\"" << qint64(1500);
    QTest::newRow("upper case unit") << "\"2S\"" << qint64(2000);
    QTest::newRow("padded") << "\" 3s \"" << qint64(3000);
    QTest::newRow("spaced") << "\"1m 30 s\"" << qint64(90'000);
    QTest::newRow("number of seconds") << "30" << qint64(30'000);
    QTest::newRow("fraction of a second") << "0.25" << qint64(250);
    QTest::newRow("seconds as text") << "\"45\"" << qint64(45'000);
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("zero with unit") << "\"0s\"" << qint64(0);
}

void tst_Duration::parse()
{
    QFETCH(QString, json);
    QFETCH(qint64, ms);
    const Expected<qint64> parsed = parseDuration(nlohmann::ordered_json::parse(json.toStdString()));
    QVERIFY2(parsed, qPrintable(parsed.error()));
    QCOMPARE(*parsed, ms);
}

void tst_Duration::rejects_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected"); // part of the message
    QTest::addColumn<bool>("showsFormat");  // says how durations are written
    QTest::newRow("empty") << "\"\"" << "it is empty" << true;
    QTest::newRow("unknown unit") << "\"3 mins\"" << "unknown unit \"mins\"" << true;
    QTest::newRow("days are not a unit") << "\"2d\"" << "unknown unit \"d\"" << true;
    QTest::newRow("missing unit") << "\"1m30\"" << "a unit is missing after 30" << true;
    QTest::newRow("units out of order") << "\"30s1m\"" << "from hours down to milliseconds" << true;
    QTest::newRow("negative") << "-5" << "must not be negative" << false;
    QTest::newRow("negative text") << "\"-5s\"" << "must not be negative" << true;
    QTest::newRow("negative in the middle") << "\"1m-5s\"" << "must not be negative" << true;
    QTest::newRow("too long") << "\"10000h\"" << "longer than a year" << false;
    QTest::newRow("boolean") << "true" << "must be a string or a number of seconds, not boolean" << true;
    QTest::newRow("object") << "{}" << "not object" << true;
    QTest::newRow("not a number") << "\"..s\"" << "is not a number" << true;
}

void tst_Duration::rejects()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QFETCH(bool, showsFormat);
    const Expected<qint64> parsed = parseDuration(nlohmann::ordered_json::parse(json.toStdString()));
    QVERIFY(!parsed);
    const QString error = parsed.error();
    QVERIFY2(error.contains(expected), qPrintable(error));
    QCOMPARE(error.contains(QStringLiteral("write it as \"250ms\"")), showsFormat);
}

void tst_Duration::format_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << qint64(250) << "250ms";
    QTest::newRow("s") << qint64(2000) << "2s";
    QTest::newRow("tenths") << qint64(1540) << "1.5s";
    QTest::newRow("over 10s rounds") << qint64(12'400) << "12s";
    QTest::newRow("minutes") << qint64(125'000) << "2m05s";
    QTest::newRow("hours") << qint64(3'720'000) << "1h02m";
    QTest::newRow("negative is zero") << qint64(-3) << "0ms";
}

void tst_Duration::format()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(ms), text);
}

void tst_Duration::elapsed()
{
    // Ticking: whole seconds, never "0ms" for a run under way.
    QCOMPARE(formatElapsed(379, true), QStringLiteral("0s"));
    QCOMPARE(formatElapsed(12'900, true), QStringLiteral("12s"));
    // Ended: as long as it took, not rounded down to nothing.
    QCOMPARE(formatElapsed(379, false), QStringLiteral("379ms"));
    QCOMPARE(formatElapsed(12'900, false), QStringLiteral("13s"));
}

QTEST_GUILESS_MAIN(tst_Duration)
#include "tst_duration.moc"
