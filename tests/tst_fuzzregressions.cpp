// Replays the fuzz targets' committed inputs (tests/fuzz/seeds/<name>, and regressions/<name>:
// every input a fuzzer found a fault with) through the same code `make fuzz` runs. A crash, a hang
// or, in the sanitizer build (make test-asan), any report fails the test.
#include "tests/fuzz/fuzztargets.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTest>

using namespace fanout::fuzz;

class Tst_fuzzregressions : public QObject
{
    Q_OBJECT

private slots:
    void everyTargetHasAHarness();
    void inputsReplay_data();
    void inputsReplay();
};

// The harnesses are built from tests/fuzz/fuzztargets.cmake's list; a target missing there would
// never be fuzzed, one missing in the code would not build.
void Tst_fuzzregressions::everyTargetHasAHarness()
{
    const QStringList built = QString::fromLatin1(FANOUT_FUZZ_TARGETS).split(QLatin1Char(','));
    QStringList coded;
    for (const FuzzTarget &target : fuzzTargets())
        coded << QString::fromLatin1(target.name);
    QCOMPARE(coded, built);
    for (const QString &name : coded) {
        // Seeds of its own, or the corpus's files (run-fuzzers.sh), for every target.
        QVERIFY2(QDir(QStringLiteral(FANOUT_FUZZ_DIR "/seeds/") + name).exists(), qPrintable(name + QStringLiteral(" has no seeds")));
    }
}

void Tst_fuzzregressions::inputsReplay_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("file");
    int rows = 0;
    for (const FuzzTarget &target : fuzzTargets()) {
        for (const char *kind : {"seeds", "regressions"}) {
            const QDir dir(QStringLiteral(FANOUT_FUZZ_DIR "/%1/%2").arg(QLatin1String(kind), QLatin1String(target.name)));
            for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
                QTest::addRow("%s/%s/%s", target.name, kind, qPrintable(file)) << QString::fromLatin1(target.name) << dir.filePath(file);
                ++rows;
            }
        }
    }
    QVERIFY(rows > 0);
}

void Tst_fuzzregressions::inputsReplay()
{
    QFETCH(QString, target);
    QFETCH(QString, file);
    const FuzzTarget *found = findFuzzTarget(qPrintable(target));
    QVERIFY(found);
    QFile input(file);
    QVERIFY2(input.open(QIODevice::ReadOnly), qPrintable(input.errorString()));
    const QByteArray bytes = input.readAll();
    found->run(reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size()));
}

QTEST_GUILESS_MAIN(Tst_fuzzregressions)
#include "tst_fuzzregressions.moc"
