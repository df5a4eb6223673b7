#include "engine/support/textdecoder.h"

#include <QStringDecoder>

namespace fanout {

namespace {

enum class Encoding { Utf8, Utf16LE, Utf16BE };

struct Detected
{
    Encoding encoding = Encoding::Utf8;
    qsizetype bomSize = 0;
};

Detected detect(const QByteArray &bytes)
{
    if (bytes.startsWith("\xEF\xBB\xBF"))
        return {Encoding::Utf8, 3};
    if (bytes.startsWith("\xFF\xFE"))
        return {Encoding::Utf16LE, 2};
    if (bytes.startsWith("\xFE\xFF"))
        return {Encoding::Utf16BE, 2};
    // Without a byte-order mark, text in UTF-16 that is mostly ASCII has a zero in every other
    // byte; UTF-8 text never contains a zero byte. Look at the start only.
    const qsizetype n = std::min<qsizetype>(bytes.size() & ~qsizetype(1), 512);
    int zeroEven = 0;
    int zeroOdd = 0;
    for (qsizetype i = 0; i < n; ++i) {
        if (bytes[i] == '\0')
            ++(i % 2 ? zeroOdd : zeroEven);
    }
    if (n >= 2 && zeroOdd > n / 4 && zeroEven == 0)
        return {Encoding::Utf16LE, 0};
    if (n >= 2 && zeroEven > n / 4 && zeroOdd == 0)
        return {Encoding::Utf16BE, 0};
    return {};
}

} // namespace

std::string TextDecoder::toUtf8(const QByteArray &bytes)
{
    const Detected d = detect(bytes);
    std::string text;
    if (d.encoding == Encoding::Utf8) {
        text.assign(bytes.constData() + d.bomSize, std::size_t(bytes.size() - d.bomSize));
    } else {
        auto decoder = QStringDecoder(d.encoding == Encoding::Utf16LE ? QStringConverter::Utf16LE : QStringConverter::Utf16BE);
        const QString decoded = decoder(QByteArrayView(bytes).sliced(d.bomSize));
        text = decoded.toStdString();
    }
    // CRLF (and a lone CR, as old Mac tools wrote) to LF: every parser then counts lines alike.
    if (text.find('\r') == std::string::npos)
        return text;
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

const char *TextDecoder::encodingOf(const QByteArray &bytes)
{
    switch (detect(bytes).encoding) {
    case Encoding::Utf16LE:
        return "UTF-16LE";
    case Encoding::Utf16BE:
        return "UTF-16BE";
    case Encoding::Utf8:
        break;
    }
    return "UTF-8";
}

} // namespace fanout
