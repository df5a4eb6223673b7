#include "models/logs/ansitext.h"

#include <QVarLengthArray>

#include <algorithm>
#include <array>

namespace fanout {

namespace {

constexpr char16_t kEsc = 0x1b;
constexpr char16_t kBell = 0x07;

// Tabs stay (a monospace view lays them out); every other C0 control character and DEL would be
// drawn as a box, so they go, and ESC starts a sequence.
bool isControl(QChar c)
{
    const char16_t u = c.unicode();
    return (u < 0x20 && u != u'\t') || u == 0x7f;
}

bool inRange(QChar c, char16_t low, char16_t high)
{
    return c.unicode() >= low && c.unicode() <= high;
}

// One SGR parameter with its colon-separated sub-parameters ("38:2::255:0:0"), missing values 0.
using SubParams = QVarLengthArray<int, 6>;

// Parameters are capped well above anything meaningful so that "99999999" cannot overflow.
QVarLengthArray<SubParams, 8> sgrParameters(QStringView text)
{
    QVarLengthArray<SubParams, 8> params;
    params.append(SubParams{0});
    for (const QChar c : text) {
        if (c == u';') {
            params.append(SubParams{0});
        } else if (c == u':') {
            params.last().append(0);
        } else {
            int &value = params.last().last();
            value = std::min(value * 10 + (c.unicode() - u'0'), 1'000'000);
        }
    }
    return params;
}

// An extended colour (38/48): "5;n" or "2;r;g;b" in the following parameters, or the same as
// sub-parameters after colons (where "2" may be followed by a colour space id). Returns how many
// following parameters it used, or -1 when they make no sense (the rest of the sequence is then
// ignored, since there is no telling where the next attribute starts).
int readExtendedColor(const QVarLengthArray<SubParams, 8> &params, qsizetype at, QColor *color)
{
    const SubParams &own = params[at];
    if (own.size() > 1) {
        if (own[1] == 5 && own.size() >= 3) {
            *color = AnsiText::paletteColor(own[2]);
        } else if (own[1] == 2 && own.size() >= 5) {
            const qsizetype first = own.size() >= 6 ? 3 : 2;
            const int r = own[first], g = own[first + 1], b = own[first + 2];
            if (r <= 255 && g <= 255 && b <= 255)
                *color = QColor(r, g, b);
        }
        return 0;
    }
    const auto value = [&](qsizetype i) { return at + i < params.size() ? params[at + i].first() : -1; };
    if (value(1) == 5) {
        if (value(2) < 0)
            return -1;
        *color = AnsiText::paletteColor(value(2));
        return 2;
    }
    if (value(1) == 2) {
        const int r = value(2), g = value(3), b = value(4);
        if (r < 0 || g < 0 || b < 0)
            return -1;
        if (r <= 255 && g <= 255 && b <= 255)
            *color = QColor(r, g, b);
        return 4;
    }
    return -1;
}

void applySgr(QStringView text, AnsiText::Style *style)
{
    // Private parameters ('<' '=' '>' '?') mean another kind of sequence that merely ends in 'm'.
    if (std::any_of(text.begin(), text.end(), [](QChar c) { return !inRange(c, u'0', u';'); }))
        return;
    const auto params = sgrParameters(text);
    for (qsizetype i = 0; i < params.size(); ++i) {
        const int code = params[i].first();
        if (code == 0) {
            *style = AnsiText::Style();
        } else if (code == 1) {
            style->bold = true;
        } else if (code == 3) {
            style->italic = true;
        } else if (code == 4) {
            style->underline = true;
        } else if (code == 21 || code == 22) {
            style->bold = false;
        } else if (code == 23) {
            style->italic = false;
        } else if (code == 24) {
            style->underline = false;
        } else if (code >= 30 && code <= 37) {
            style->foreground = AnsiText::paletteColor(code - 30);
        } else if (code == 39) {
            style->foreground = QColor();
        } else if (code >= 40 && code <= 47) {
            style->background = AnsiText::paletteColor(code - 40);
        } else if (code == 49) {
            style->background = QColor();
        } else if (code >= 90 && code <= 97) {
            style->foreground = AnsiText::paletteColor(code - 90 + 8);
        } else if (code >= 100 && code <= 107) {
            style->background = AnsiText::paletteColor(code - 100 + 8);
        } else if (code == 38 || code == 48) {
            const int used = readExtendedColor(params, i, code == 38 ? &style->foreground : &style->background);
            if (used < 0)
                return;
            i += used;
        }
        // Anything else (blink, inverse, fonts, 99999999...) is ignored.
    }
}

} // namespace

AnsiText AnsiText::parse(QStringView raw)
{
    AnsiText result;
    result.plain.reserve(raw.size());
    Style style;
    const auto appendText = [&](QStringView text) {
        if (result.spans.isEmpty() || result.spans.last().style != style) {
            if (!result.spans.isEmpty() && result.spans.last().length == 0)
                result.spans.removeLast();
            result.spans.append(Span{int(result.plain.size()), 0, style});
        }
        result.plain.append(text);
        result.spans.last().length += int(text.size());
    };

    const qsizetype n = raw.size();
    qsizetype i = 0;
    while (i < n) {
        qsizetype end = i;
        while (end < n && !isControl(raw[end]))
            ++end;
        if (end > i)
            appendText(raw.sliced(i, end - i));
        if (end == n)
            break;
        i = end + 1;
        if (raw[end] != QChar(kEsc) || i == n)
            continue; // another control character, or a lone ESC at the end: dropped
        const QChar introducer = raw[i++];
        if (introducer == u'[') {
            // CSI: parameter bytes, intermediate bytes, one final byte (ECMA-48 5.4).
            const qsizetype paramStart = i;
            while (i < n && inRange(raw[i], 0x30, 0x3f))
                ++i;
            const qsizetype paramEnd = i;
            while (i < n && inRange(raw[i], 0x20, 0x2f))
                ++i;
            if (i == n)
                break; // truncated: what there is of it is dropped
            if (!inRange(raw[i], 0x40, 0x7e))
                continue; // malformed: the sequence ends here and the character after it is text
            const QChar final = raw[i++];
            if (final == u'm' && paramEnd == i - 1)
                applySgr(raw.sliced(paramStart, paramEnd - paramStart), &style);
        } else if (introducer == u']') {
            // OSC (window titles, hyperlinks): up to BEL or ESC '\'; an unterminated one runs to the end.
            while (i < n && raw[i] != QChar(kBell) && raw[i] != QChar(kEsc))
                ++i;
            if (i < n && raw[i] == QChar(kEsc) && i + 1 < n && raw[i + 1] == u'\\')
                ++i;
            if (i < n)
                ++i;
        } else {
            // Two- or three-byte escapes such as ESC 7 or ESC ( B: intermediates and a final byte.
            --i;
            while (i < n && inRange(raw[i], 0x20, 0x2f))
                ++i;
            if (i < n && inRange(raw[i], 0x30, 0x7e))
                ++i;
        }
    }
    if (!result.spans.isEmpty() && result.spans.last().length == 0)
        result.spans.removeLast();
    return result;
}

QString AnsiText::strip(const QString &raw)
{
    if (std::none_of(raw.begin(), raw.end(), isControl))
        return raw;
    return parse(raw).plain;
}

QColor AnsiText::paletteColor(int index)
{
    // The VGA palette, as Qt Creator's output panes use: dark enough to read on a light background.
    static constexpr std::array<QRgb, 16> basic = {
        0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
        0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
    };
    if (index < 0 || index > 255)
        return QColor();
    if (index < 16)
        return QColor::fromRgb(basic[std::size_t(index)]);
    if (index < 232) {
        static constexpr std::array<int, 6> levels = {0, 95, 135, 175, 215, 255};
        const int cube = index - 16;
        return QColor(levels[std::size_t(cube / 36)], levels[std::size_t(cube / 6 % 6)], levels[std::size_t(cube % 6)]);
    }
    const int grey = 8 + 10 * (index - 232);
    return QColor(grey, grey, grey);
}

} // namespace fanout
