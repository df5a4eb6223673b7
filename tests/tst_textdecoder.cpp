#include "engine/support/textdecoder.h"

#include <QStringEncoder>
#include <QTest>

using namespace fanout;

namespace {

QByteArray encode(const QString &text, QStringConverter::Encoding encoding, bool bom)
{
    QStringEncoder encoder(encoding, bom ? QStringConverter::Flag::WriteBom : QStringConverter::Flag::Default);
    return encoder(text);
}

} // namespace

class Tst_textdecoder : public QObject
{
    Q_OBJECT

private slots:
    void decodes_data();
    void decodes();
    void corpusUtf16FilesDecode_data();
    void corpusUtf16FilesDecode();
    void oddBytesNeverCrash();
};

void Tst_textdecoder::decodes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("encoding");

    // Non-ASCII on purpose: "é" is two bytes in UTF-8 and one unit in UTF-16.
    const QString text = QStringLiteral("{\"name\": \"caf\u00e9\",\n \"x\": 1}\n");
    QTest::newRow("utf-8") << text.toUtf8() << text << "UTF-8";
    QTest::newRow("utf-8 with bom") << QByteArray("\xEF\xBB\xBF") + text.toUtf8() << text << "UTF-8";
    QTest::newRow("utf-16le with bom") << encode(text, QStringConverter::Utf16LE, true) << text << "UTF-16LE";
    QTest::newRow("utf-16be with bom") << encode(text, QStringConverter::Utf16BE, true) << text << "UTF-16BE";
    QTest::newRow("utf-16le without bom") << encode(text, QStringConverter::Utf16LE, false) << text << "UTF-16LE";
    QTest::newRow("utf-16be without bom") << encode(text, QStringConverter::Utf16BE, false) << text << "UTF-16BE";
    QString crlf = text;
    crlf.replace(QLatin1Char('\n'), QStringLiteral("\r\n"));
    QTest::newRow("utf-8 crlf") << crlf.toUtf8() << text << "UTF-8";
    QTest::newRow("utf-16le crlf with bom") << encode(crlf, QStringConverter::Utf16LE, true) << text << "UTF-16LE";
    QTest::newRow("lone cr") << QByteArray("a\rb\r\n") << QStringLiteral("a\nb\n") << "UTF-8";
    QTest::newRow("empty") << QByteArray() << QString() << "UTF-8";
}

void Tst_textdecoder::decodes()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QFETCH(QString, encoding);
    QCOMPARE(QString::fromStdString(TextDecoder::toUtf8(bytes)), text);
    QCOMPARE(QString::fromLatin1(TextDecoder::encodingOf(bytes)), encoding);
}

void Tst_textdecoder::corpusUtf16FilesDecode_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("starts");
    QTest::newRow("terraform plan") << QStringLiteral(FANOUT_CORPUS "/terraform-json/checkov_utf16_encoded_tf1.0.json") << "{";
    QTest::newRow("terraform graph") << QStringLiteral(FANOUT_CORPUS "/terraform-dot/bervproject_lambda_sharp_utf16le.dot") << "digraph";
}

void Tst_textdecoder::corpusUtf16FilesDecode()
{
    QFETCH(QString, file);
    QFETCH(QString, starts);
    QFile f(file);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
    const QByteArray bytes = f.readAll();
    QCOMPARE(TextDecoder::encodingOf(bytes), "UTF-16LE");
    const std::string text = TextDecoder::toUtf8(bytes);
    QVERIFY(QString::fromStdString(text).trimmed().startsWith(starts));
    QVERIFY(text.find('\r') == std::string::npos);
    QVERIFY(text.find('\0') == std::string::npos);
}

void Tst_textdecoder::oddBytesNeverCrash()
{
    // A UTF-16 file cut at any byte (an odd one too), lone surrogates, invalid UTF-8: decoded as far
    // as it goes, never a crash, and what comes out of UTF-16 is valid UTF-8.
    const auto validUtf8 = [](const std::string &text) {
        QStringDecoder decoder(QStringConverter::Utf8);
        (void)decoder(QByteArrayView(text.data(), qsizetype(text.size())));
        return !decoder.hasError();
    };
    const QString text = QStringLiteral("{\"caf\u00e9\": 1}");
    const QByteArray utf16 = encode(text, QStringConverter::Utf16LE, true);
    for (qsizetype n = 2; n <= utf16.size(); ++n) {
        const std::string decoded = TextDecoder::toUtf8(utf16.left(n));
        QVERIFY2(validUtf8(decoded), qPrintable(QStringLiteral("cut at byte %1").arg(n)));
        // Every whole UTF-16 unit before the cut is there, and nothing of the byte after it.
        QCOMPARE(QString::fromStdString(decoded), text.left((n - 2) / 2));
    }
    const std::string lone = TextDecoder::toUtf8(QByteArray("\xFF\xFE\x00\xD8", 4));
    QVERIFY(validUtf8(lone));
    QCOMPARE(TextDecoder::encodingOf(QByteArray("\xFF\xFE\x00\xD8", 4)), "UTF-16LE");
    // Invalid UTF-8 is left as it is, for the parser to place the error in it.
    QCOMPARE(TextDecoder::toUtf8(QByteArray("\xC3\x28\xA0\xA1")), std::string("\xC3\x28\xA0\xA1"));
}

QTEST_GUILESS_MAIN(Tst_textdecoder)
#include "tst_textdecoder.moc"
