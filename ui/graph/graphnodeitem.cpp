#include "ui/graph/graphnodeitem.h"

#include "engine/support/duration.h"
#include "models/run/statestyle.h"
#include "ui/graph/graphscene.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace fanout {

namespace {

constexpr qreal kPadding = 8;
constexpr qreal kGlyph = 14;
constexpr qreal kGap = 6;
constexpr qreal kBarHeight = 4;
constexpr qreal kMinBarWidth = 40;
constexpr qreal kRadius = 6;
// Narrow nodes keep a wide rank (the demo has eight resources in one) within a window's width at
// a readable zoom; longer names take a second line, then are elided (the tooltip has them whole).
constexpr qreal kMinTextWidth = 120;
constexpr qreal kMaxTextWidth = 170;
// Below this zoom text is too small to read (under 7 px), so nodes show only their state: the
// coloured box and the glyph; further out just the box, which also keeps a 2,000-node overview fast.
constexpr qreal kTextLevelOfDetail = 0.55;
constexpr qreal kGlyphLevelOfDetail = 0.25;

const QColor kText(0x20, 0x21, 0x24);
const QColor kSecondaryText(0x3c, 0x40, 0x43);
const QColor kSelectionRing(0x1a, 0x73, 0xe8);
const QColor kOverrun(0xb0, 0x60, 0x00);
const QColor kConditional(0x7b, 0x4d, 0xb8);
constexpr qreal kTagHeight = 14;
const QColor kPin(0x5f, 0x63, 0x68);

// Tenths of a second below 10 s, so a short attempt visibly moves; else "12s", "2m05s".
QString shortDuration(qint64 ms)
{
    if (ms < 10'000)
        return QString::number(double(std::max<qint64>(0, ms)) / 1000.0, 'f', 1) + QLatin1Char('s');
    return formatDuration(ms);
}

QString detailText(const QString &type, int attempt, bool runs = true)
{
    if (!runs) // first, so that a long type is what gets elided
        return QStringLiteral("not run · %1").arg(type);
    return attempt > 1 ? QStringLiteral("%1 · attempt %2").arg(type).arg(attempt) : type;
}

// Never-run resources: the state's fill washed out towards white.
QColor muted(const QColor &fill)
{
    return QColor::fromRgbF(fill.redF() * 0.4f + 0.6f, fill.greenF() * 0.4f + 0.6f, fill.blueF() * 0.4f + 0.6f);
}

QPen outline(const QColor &stroke, qreal width, bool runs)
{
    QPen pen(stroke, width);
    if (!runs)
        pen.setStyle(Qt::DashLine);
    return pen;
}

// The name in one line if it fits in `width`, else broken at the last space that fits, the rest
// elided on a second line; a name without such a space in its short form (see shortName).
QStringList nameLines(const QString &name, const QFontMetricsF &metrics, qreal width, int sharedTail = 0)
{
    if (metrics.horizontalAdvance(name) <= width)
        return {name};
    int cut = -1;
    for (int i = name.indexOf(QLatin1Char(' ')); i > 0; i = name.indexOf(QLatin1Char(' '), i + 1)) {
        if (metrics.horizontalAdvance(name.left(i)) > width)
            break;
        cut = i;
    }
    if (cut < 0)
        return {GraphNodeItem::shortName(name, metrics, width, sharedTail)};
    return {name.left(cut), metrics.elidedText(name.mid(cut + 1), Qt::ElideRight, width)};
}

bool isSeparator(QChar c)
{
    return c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('/')
        || c == QLatin1Char(':') || c == QLatin1Char(' ');
}

// Where the words of a resource name start, after the first: after a separator, at "[", and at a
// capital that follows a small letter or starts a word after an acronym (Subnet2B|Route|Table).
QList<int> wordStarts(const QString &name)
{
    QList<int> starts;
    for (int i = 1; i < name.size(); ++i) {
        const QChar c = name[i];
        const QChar before = name[i - 1];
        const bool capital = c.isUpper()
            && (before.isLower() || (before.isLetterOrNumber() && i + 1 < name.size() && name[i + 1].isLower()));
        if ((isSeparator(before) && !isSeparator(c)) || c == QLatin1Char('[') || capital)
            starts.append(i);
    }
    return starts;
}

} // namespace

GraphNodeItem::GraphNodeItem(int resource, const QString &name, const QString &type, const QRectF &rect)
    : m_resource(resource)
    , m_name(name)
    , m_type(type)
    , m_rect(rect)
{
    // Selectable only so that isSelected() can carry the session's selection: the view handles
    // clicks itself, the item takes no mouse buttons (a drag that starts on a node pans too).
    setFlag(ItemIsSelectable);
    setAcceptedMouseButtons(Qt::NoButton);
    setCacheMode(DeviceCoordinateCache); // text is the expensive part; panning reuses the pixels
    setCursor(Qt::PointingHandCursor);
    setAcceptHoverEvents(true);
}

void GraphNodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    if (auto *graph = qobject_cast<GraphScene *>(scene()))
        graph->hoverNode(m_resource);
    QGraphicsItem::hoverEnterEvent(event);
}

void GraphNodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *event)
{
    if (auto *graph = qobject_cast<GraphScene *>(scene()); graph && graph->hoveredNode() == m_resource)
        graph->hoverNode(-1);
    QGraphicsItem::hoverLeaveEvent(event);
}

QFont GraphNodeItem::nameFont()
{
    QFont font = QGuiApplication::font();
    font.setBold(true);
    return font;
}

QFont GraphNodeItem::detailFont()
{
    QFont font = QGuiApplication::font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    return font;
}

QSizeF GraphNodeItem::sizeFor(const QString &name, const QString &type)
{
    const QFontMetricsF nameMetrics(nameFont());
    const QFontMetricsF detailMetrics(detailFont());
    const qreal detail = std::max(detailMetrics.horizontalAdvance(detailText(type, 2)),
                                  kMinBarWidth + kGap + detailMetrics.horizontalAdvance(QStringLiteral("10.0s / 10.0s")));
    const qreal text = std::clamp(std::max(nameMetrics.horizontalAdvance(name), detail), kMinTextWidth, kMaxTextWidth);
    const qreal width = kPadding + kGlyph + kGap + text + kPadding;
    const qreal names = nameLines(name, nameMetrics, text).size() * nameMetrics.height();
    // The progress line is there whether or not the resource runs: a node never changes size.
    const qreal height = kPadding + names + 2 + detailMetrics.height() + 2 + detailMetrics.height() + kPadding;
    return QSizeF(std::ceil(width), std::ceil(height));
}

QString GraphNodeItem::shortName(const QString &name, const QFontMetricsF &metrics, qreal width, int sharedTail)
{
    if (metrics.horizontalAdvance(name) <= width)
        return name;
    const QString ellipsis(QChar(0x2026));
    const auto fits = [&](const QString &text) { return metrics.horizontalAdvance(text) <= width; };
    const QList<int> starts = wordStarts(name);
    // The longest end, from the start of a word, that fits and that no other name ends with.
    for (const int start : starts) {
        const QString tail = ellipsis + name.mid(start);
        if (name.size() - start > sharedTail && fits(tail))
            return tail;
    }
    // Every such end is too long: the word where it differs from the names that end alike, and
    // the last word.
    if (sharedTail < name.size() && !starts.isEmpty()) {
        const int differs = int(name.size()) - sharedTail - 1;
        int from = 0;
        int to = int(name.size());
        for (const int start : starts) {
            if (start <= differs)
                from = start;
            else if (start < to)
                to = start;
        }
        const QString word = name.mid(from, to - from);
        const QString lead = from > 0 ? ellipsis : QString();
        if (to < starts.constLast()) {
            const QString both = lead + word + ellipsis + name.mid(starts.constLast());
            if (fits(both))
                return both;
        }
        if (to < name.size() && fits(lead + word + ellipsis))
            return lead + word + ellipsis;
    }
    return metrics.elidedText(name, Qt::ElideLeft, width);
}

void GraphNodeItem::setMarks(bool runs, bool conditional)
{
    if (runs == m_runs && conditional == m_conditional)
        return;
    prepareGeometryChange(); // the tag reaches above the box
    m_runs = runs;
    m_conditional = conditional;
    update();
}

void GraphNodeItem::setPinned(bool pinned)
{
    if (pinned == m_pinned)
        return;
    m_pinned = pinned;
    update();
}

void GraphNodeItem::setConnectorShown(bool shown)
{
    if (shown == m_connectorShown)
        return;
    m_connectorShown = shown;
    update();
}

void GraphNodeItem::setStatus(ResourceState state, int attempt)
{
    if (state == m_state && attempt == m_attempt)
        return;
    m_state = state;
    m_attempt = attempt;
    update();
}

void GraphNodeItem::setProgress(qint64 elapsedMs, qint64 estimateMs)
{
    if (elapsedMs == m_elapsedMs && estimateMs == m_estimateMs)
        return;
    // Repaint only when what is shown changes: the text moves in tenths of a second at most.
    const QString before = progressText();
    const bool wasShown = m_elapsedMs >= 0;
    m_elapsedMs = elapsedMs;
    m_estimateMs = estimateMs;
    if (before != progressText() || wasShown != (elapsedMs >= 0))
        update();
}

QString GraphNodeItem::progressText() const
{
    if (m_elapsedMs < 0)
        return QString();
    return shortDuration(m_elapsedMs) + QStringLiteral(" / ") + shortDuration(m_estimateMs);
}

QRectF GraphNodeItem::boundingRect() const
{
    // Room for the selection ring, the "if" tag on the top edge and the connector on the bottom one.
    return m_rect.adjusted(-5, m_conditional ? -kTagHeight / 2 - 1 : -5, 5, kConnectorRadius + 2);
}

QPainterPath GraphNodeItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(m_rect, kRadius, kRadius);
    return path;
}

void GraphNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    Q_UNUSED(widget)
    const QColor fill = m_runs ? StateStyle::fill(m_state) : muted(StateStyle::fill(m_state));
    const QColor stroke = StateStyle::stroke(m_state);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < kTextLevelOfDetail) {
        paintFarOut(painter, lod, fill, stroke);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    paintBox(painter, fill, stroke);
    paintMarks(painter);
    const QRectF detailLine = paintText(painter, stroke);
    paintProgress(painter, detailLine, stroke);
}

void GraphNodeItem::paintFarOut(QPainter *painter, qreal lod, const QColor &fill, const QColor &stroke) const
{
    painter->setPen(isSelected() ? QPen(kSelectionRing, 3 / lod) : outline(stroke, 1.5, m_runs));
    painter->setBrush(fill);
    painter->drawRect(m_rect);
    if (lod < kGlyphLevelOfDetail)
        return;
    // The glyph and, where the box has room for a few letters, the start of the name, both
    // drawn at a size that stays readable on screen (about 13 and 10 px).
    const qreal glyph = std::min(m_rect.height() * 0.6, 13 / lod);
    const QRectF glyphRect(m_rect.left() + kPadding, m_rect.center().y() - glyph / 2, glyph, glyph);
    if (m_rect.width() * lod < 70) {
        StateStyle::paintGlyph(painter, QRectF(m_rect.center() - QPointF(glyph, glyph) / 2, QSizeF(glyph, glyph)),
                               m_state, stroke);
        return;
    }
    StateStyle::paintGlyph(painter, glyphRect, m_state, stroke);
    QFont font = nameFont();
    font.setPixelSize(qRound(10 / lod));
    painter->setFont(font);
    painter->setPen(kText);
    const QRectF text(glyphRect.right() + kGap / 2, m_rect.top(), m_rect.right() - glyphRect.right() - kGap, m_rect.height());
    painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                      shortName(m_name, QFontMetricsF(font), text.width(), m_sharedTail));
}

void GraphNodeItem::paintBox(QPainter *painter, const QColor &fill, const QColor &stroke) const
{
    if (isSelected()) {
        painter->setPen(QPen(kSelectionRing, 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(m_rect.adjusted(-3, -3, 3, 3), kRadius + 3, kRadius + 3);
    }
    painter->setPen(outline(stroke, 1.5, m_runs));
    painter->setBrush(fill);
    painter->drawRoundedRect(m_rect.adjusted(0.75, 0.75, -0.75, -0.75), kRadius, kRadius);
}

void GraphNodeItem::paintMarks(QPainter *painter) const
{
    if (m_connectorShown) {
        const QPointF centre(m_rect.center().x(), m_rect.bottom());
        painter->setPen(QPen(kSelectionRing, 1.5));
        painter->setBrush(Qt::white);
        painter->drawEllipse(centre, kConnectorRadius, kConnectorRadius);
        painter->setBrush(kSelectionRing);
        painter->setPen(Qt::NoPen);
        painter->drawEllipse(centre, 2, 2);
    }
    if (m_pinned) {
        // A pin's head on the top edge at the left: placed by hand, and kept there.
        const QPointF head(m_rect.left() + kPadding + kGlyph / 2, m_rect.top());
        painter->setPen(QPen(Qt::white, 1.5));
        painter->setBrush(kPin);
        painter->drawEllipse(head, 4, 4);
    }
    if (m_conditional) {
        // "if" on the top edge, at the right: exists only when a condition (or profile) holds.
        QFont font = detailFont();
        font.setBold(true);
        font.setPixelSize(10);
        const qreal width = QFontMetricsF(font).horizontalAdvance(QStringLiteral("if")) + 10;
        const QRectF tag(m_rect.right() - kPadding - width, m_rect.top() - kTagHeight / 2, width, kTagHeight);
        painter->setPen(QPen(kConditional, 1));
        painter->setBrush(Qt::white);
        painter->drawRoundedRect(tag, kTagHeight / 2, kTagHeight / 2);
        painter->setFont(font);
        painter->drawText(tag, Qt::AlignCenter, QStringLiteral("if"));
    }
}

QRectF GraphNodeItem::paintText(QPainter *painter, const QColor &stroke) const
{
    const QFont name = nameFont();
    const QFont detail = detailFont();
    const QFontMetricsF nameMetrics(name);
    const QFontMetricsF detailMetrics(detail);
    const qreal textLeft = m_rect.left() + kPadding + kGlyph + kGap;
    const qreal textWidth = m_rect.right() - kPadding - textLeft;
    QRectF nameLine(textLeft, m_rect.top() + kPadding, textWidth, nameMetrics.height());

    StateStyle::paintGlyph(painter,
                           QRectF(m_rect.left() + kPadding, nameLine.center().y() - kGlyph / 2, kGlyph, kGlyph),
                           m_state, stroke);

    painter->setFont(name);
    painter->setPen(m_runs ? kText : kSecondaryText);
    const QStringList lines = nameLines(m_name, nameMetrics, textWidth, m_sharedTail);
    for (int i = 0; i < lines.size(); ++i) {
        if (i > 0)
            nameLine.translate(0, nameMetrics.height());
        painter->drawText(nameLine, Qt::AlignLeft | Qt::AlignVCenter, lines[i]);
    }
    const QRectF detailLine(textLeft, nameLine.bottom() + 2, textWidth, detailMetrics.height());

    painter->setFont(detail);
    painter->setPen(kSecondaryText);
    painter->drawText(detailLine, Qt::AlignLeft | Qt::AlignVCenter,
                      detailMetrics.elidedText(detailText(m_type, m_attempt, m_runs), Qt::ElideRight, textWidth));
    return detailLine;
}

void GraphNodeItem::paintProgress(QPainter *painter, const QRectF &detailLine, const QColor &stroke) const
{
    // While it runs: how long the attempt has taken against its estimate, as text and as a bar.
    const QString progress = progressText();
    if (progress.isEmpty())
        return;
    // In the detail line's font and colour, which paintText() leaves set: setting them again would
    // start a new group in an exported SVG for nothing.
    const QFontMetricsF detailMetrics(detailFont());
    const QRectF progressLine(detailLine.left(), detailLine.bottom() + 2, detailLine.width(), detailMetrics.height());
    painter->drawText(progressLine, Qt::AlignRight | Qt::AlignVCenter, progress);
    const qreal barWidth = progressLine.width() - detailMetrics.horizontalAdvance(progress) - kGap;
    const QRectF track(progressLine.left(), progressLine.center().y() - kBarHeight / 2, barWidth, kBarHeight);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(255, 255, 255, 170));
    painter->drawRoundedRect(track, kBarHeight / 2, kBarHeight / 2);
    const bool overrun = m_estimateMs > 0 && m_elapsedMs > m_estimateMs;
    const qreal done = m_estimateMs > 0 ? std::min(1.0, double(m_elapsedMs) / double(m_estimateMs)) : 0.0;
    painter->setBrush(overrun ? kOverrun : stroke); // past its estimate: amber, full
    painter->drawRoundedRect(QRectF(track.topLeft(), QSizeF(track.width() * done, kBarHeight)), kBarHeight / 2,
                             kBarHeight / 2);
}

} // namespace fanout
