#include "ui/panes/forecastchart.h"

#include "engine/support/duration.h"
#include "models/run/statestyle.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace fanout {

namespace {

const QColor kAxis(0xda, 0xdc, 0xe0);
const QColor kChartGrid(0xec, 0xed, 0xef);
const QColor kChartMuted(0x5f, 0x63, 0x68);
const QColor kChartLimit(0xc5, 0x22, 0x1f); // as the timeline's limit line

constexpr double kLeft = 58;
constexpr double kRight = 18;
constexpr double kTop = 34; // the axis' title, then the limit's label
constexpr double kBottom = 38;
constexpr int kHitPx = 24; // how far from a point a click still picks it

// A step for the time axis that gives at most about five gridlines up to `maxMs`.
qint64 timeStep(qint64 maxMs)
{
    static const qint64 steps[] = {100,     200,     500,       1'000,     2'000,     5'000,     10'000,    15'000,
                                   30'000,  60'000,  120'000,   300'000,   600'000,   900'000,   1'800'000, 3'600'000,
                                   7'200'000, 10'800'000, 21'600'000, 43'200'000, 86'400'000};
    for (const qint64 step : steps) {
        if (maxMs / step <= 5)
            return step;
    }
    return 86'400'000 * ((maxMs / 86'400'000) / 5 + 1);
}

QString limitTip(const Forecast &forecast)
{
    return ForecastChart::tr("Parallelism %1: %2, p10\u2013p90 %3\u2013%4\nClick to run at this limit")
        .arg(forecast.parallelism)
        .arg(formatDuration(forecast.medianMs), formatDuration(forecast.p10Ms), formatDuration(forecast.p90Ms));
}

} // namespace

ForecastChart::ForecastChart(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setObjectName(QStringLiteral("ForecastChart"));
}

void ForecastChart::setSweep(const QList<Forecast> &sweep, int knee)
{
    m_sweep = sweep;
    std::sort(m_sweep.begin(), m_sweep.end(), [](const Forecast &a, const Forecast &b) { return a.parallelism < b.parallelism; });
    m_knee = knee;
    m_hovered = -1;
    update();
}

void ForecastChart::setLimit(int limit)
{
    m_limit = limit;
    update();
}

void ForecastChart::setActual(qint64 ms, int parallelism)
{
    m_actualMs = ms;
    m_actualParallelism = parallelism;
    update();
}

// --- geometry --------------------------------------------------------------------------------

QRectF ForecastChart::plotRect() const
{
    return QRectF(kLeft, kTop, std::max(10.0, width() - kLeft - kRight), std::max(10.0, height() - kTop - kBottom));
}

double ForecastChart::xOf(double parallelism) const
{
    const QRectF plot = plotRect();
    const double first = m_sweep.isEmpty() ? 1 : m_sweep.constFirst().parallelism;
    const double last = m_sweep.isEmpty() ? 64 : m_sweep.constLast().parallelism;
    const double span = std::max(1e-9, std::log2(last) - std::log2(first));
    const double at = std::clamp(std::log2(std::max(1.0, parallelism)), std::log2(first), std::log2(last));
    return plot.left() + (at - std::log2(first)) / span * plot.width();
}

qint64 ForecastChart::maxMs() const
{
    qint64 top = std::max<qint64>(m_actualMs, 1);
    for (const Forecast &forecast : m_sweep)
        top = std::max(top, forecast.p90Ms);
    const qint64 step = timeStep(qint64(double(top) * 1.08));
    return (qint64(double(top) * 1.08) / step + 1) * step;
}

double ForecastChart::yOf(qint64 ms) const
{
    const QRectF plot = plotRect();
    return plot.bottom() - double(ms) / double(maxMs()) * plot.height();
}

QPointF ForecastChart::pointOf(int index) const
{
    const Forecast &forecast = m_sweep[index];
    return {xOf(forecast.parallelism), yOf(forecast.medianMs)};
}

int ForecastChart::indexAt(const QPoint &pos) const
{
    const QRectF plot = plotRect().adjusted(-kHitPx, -kHitPx, kHitPx, kHitPx);
    if (m_sweep.isEmpty() || !plot.contains(pos))
        return -1;
    int nearest = -1;
    double best = kHitPx;
    for (int i = 0; i < m_sweep.size(); ++i) {
        const double distance = std::abs(pointOf(i).x() - pos.x());
        if (distance <= best) {
            best = distance;
            nearest = i;
        }
    }
    return nearest;
}

// --- painting --------------------------------------------------------------------------------

void ForecastChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (m_sweep.isEmpty())
        return;
    const QRectF plot = plotRect();
    paintAxes(painter, plot);
    painter.setRenderHint(QPainter::Antialiasing);
    paintLimit(painter, plot);
    paintSeries(painter);
    paintKnee(painter);
    paintActual(painter);
}

void ForecastChart::paintAxes(QPainter &painter, const QRectF &plot) const
{
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter.setFont(small);
    const QFontMetrics metrics(small);
    const qint64 top = maxMs();
    const qint64 step = timeStep(top);
    for (qint64 t = 0; t <= top; t += step) {
        const double y = std::round(yOf(t)) + 0.5;
        painter.setPen(t == 0 ? kAxis : kChartGrid);
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(kChartMuted);
        painter.drawText(QRectF(0, y - metrics.height() / 2.0, plot.left() - 6, metrics.height()), Qt::AlignRight | Qt::AlignVCenter,
                         t == 0 ? QStringLiteral("0") : formatDuration(t));
    }
    double labelledTo = -1e9; // where the last label drawn ends: the log scale crowds the large limits
    for (const Forecast &forecast : m_sweep) {
        const double x = std::round(xOf(forecast.parallelism)) + 0.5;
        painter.setPen(kChartGrid);
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const QString label = QString::number(forecast.parallelism);
        const double w = metrics.horizontalAdvance(label) + 4;
        if (x - w / 2 < labelledTo + 4 && forecast.parallelism != m_limit)
            continue;
        painter.setPen(forecast.parallelism == m_limit ? kChartLimit : kChartMuted);
        painter.drawText(QRectF(x - w / 2, plot.bottom() + 3, w, metrics.height()), Qt::AlignCenter, label);
        labelledTo = x + w / 2;
    }
    painter.setPen(kChartMuted);
    painter.drawText(QRectF(plot.left(), plot.bottom() + 3 + metrics.height(), plot.width(), metrics.height() + 2), Qt::AlignCenter,
                     tr("Parallelism limit"));
    painter.drawText(QRectF(4, 0, plot.width(), metrics.height() + 2), Qt::AlignLeft | Qt::AlignVCenter, tr("Time the run takes"));
    painter.setFont(font());
}

void ForecastChart::paintSeries(QPainter &painter) const
{
    // The band: p90 left to right, then p10 back.
    QPainterPath band;
    for (int i = 0; i < m_sweep.size(); ++i) {
        const QPointF p(xOf(m_sweep[i].parallelism), yOf(m_sweep[i].p90Ms));
        i == 0 ? band.moveTo(p) : band.lineTo(p);
    }
    for (int i = int(m_sweep.size()) - 1; i >= 0; --i)
        band.lineTo(xOf(m_sweep[i].parallelism), yOf(m_sweep[i].p10Ms));
    band.closeSubpath();
    QColor fill = StateStyle::fill(ResourceState::Running);
    fill.setAlpha(150);
    painter.setPen(Qt::NoPen);
    painter.setBrush(fill);
    painter.drawPath(band);

    const QColor line = StateStyle::stroke(ResourceState::Running);
    QPainterPath median;
    for (int i = 0; i < m_sweep.size(); ++i)
        i == 0 ? median.moveTo(pointOf(i)) : median.lineTo(pointOf(i));
    painter.setPen(QPen(line, 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(median);
    for (int i = 0; i < m_sweep.size(); ++i) {
        const bool current = m_sweep[i].parallelism == m_limit;
        const double radius = i == m_hovered || current ? 5 : 3;
        painter.setPen(QPen(current ? kChartLimit : line, 1.5));
        painter.setBrush(i == m_hovered ? line : palette().base().color());
        painter.drawEllipse(pointOf(i), radius, radius);
    }
}

void ForecastChart::paintLimit(QPainter &painter, const QRectF &plot) const
{
    if (m_limit <= 0)
        return;
    const double x = xOf(m_limit);
    painter.setPen(QPen(kChartLimit, 1.5, Qt::DashLine));
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    QFont bold = font();
    bold.setPointSizeF(bold.pointSizeF() * 0.85);
    bold.setBold(true);
    painter.setFont(bold);
    const QString label = m_sweep.isEmpty() || m_limit <= m_sweep.constLast().parallelism
                              ? tr("limit %1").arg(m_limit)
                              : tr("limit %1 \u2192").arg(m_limit);
    const double w = QFontMetrics(bold).horizontalAdvance(label) + 6;
    const double left = std::clamp(x - w / 2, plot.left(), plot.right() - w);
    painter.setPen(kChartLimit);
    const double height = QFontMetrics(bold).height() + 2;
    painter.drawText(QRectF(left, plot.top() - height - 2, w, height), Qt::AlignCenter, label);
    painter.setFont(font());
}

void ForecastChart::paintKnee(QPainter &painter) const
{
    const auto at = std::find_if(m_sweep.cbegin(), m_sweep.cend(), [this](const Forecast &f) { return f.parallelism == m_knee; });
    if (at == m_sweep.cend() || at == std::prev(m_sweep.cend()))
        return; // every step still gains: no knee to speak of
    const QPointF point = pointOf(int(at - m_sweep.cbegin()));
    painter.setPen(QPen(kChartMuted, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(point, 8, 8);
    if (m_actualMs >= 0)
        return; // the actual's label has the place; the caption says both
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter.setFont(small);
    const QString label = tr("beyond %1: under 5% faster").arg(m_knee);
    const QFontMetrics metrics(small);
    const double w = metrics.horizontalAdvance(label) + 6;
    const QRectF plot = plotRect();
    const double left = std::clamp(point.x() - 10, plot.left(), plot.right() - w);
    const double y = std::max(plot.top(), point.y() - 14 - metrics.height());
    painter.fillRect(QRectF(left, y, w, metrics.height()), QColor(255, 255, 255, 200));
    painter.setPen(kChartMuted);
    painter.drawText(QRectF(left, y, w, metrics.height()), Qt::AlignCenter, label);
    painter.setFont(font());
}

void ForecastChart::paintActual(QPainter &painter) const
{
    if (m_actualMs < 0 || m_actualParallelism <= 0)
        return;
    const QPointF at(xOf(m_actualParallelism), yOf(m_actualMs));
    const QColor color = StateStyle::stroke(ResourceState::Succeeded);
    QPainterPath diamond;
    diamond.moveTo(at.x(), at.y() - 7);
    diamond.lineTo(at.x() + 7, at.y());
    diamond.lineTo(at.x(), at.y() + 7);
    diamond.lineTo(at.x() - 7, at.y());
    diamond.closeSubpath();
    painter.setPen(QPen(color.darker(120), 1.5));
    painter.setBrush(StateStyle::fill(ResourceState::Succeeded));
    painter.drawPath(diamond);
    QFont bold = font();
    bold.setPointSizeF(bold.pointSizeF() * 0.85);
    bold.setBold(true);
    painter.setFont(bold);
    const QString label = tr("actual %1").arg(formatDuration(m_actualMs));
    const double w = QFontMetrics(bold).horizontalAdvance(label) + 6;
    const QRectF plot = plotRect();
    const double left = at.x() + 10 + w > plot.right() ? at.x() - 10 - w : at.x() + 10;
    painter.setPen(color.darker(130));
    painter.drawText(QRectF(left, at.y() - 9, w, 18), Qt::AlignCenter, label);
    painter.setFont(font());
}

// --- the mouse -------------------------------------------------------------------------------

void ForecastChart::mouseMoveEvent(QMouseEvent *event)
{
    const int hovered = indexAt(event->position().toPoint());
    setCursor(hovered >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (hovered != m_hovered) {
        m_hovered = hovered;
        update();
    }
    if (hovered >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), limitTip(m_sweep[hovered]), this);
    else
        QToolTip::hideText();
}

void ForecastChart::mousePressEvent(QMouseEvent *event)
{
    const int index = event->button() == Qt::LeftButton ? indexAt(event->position().toPoint()) : -1;
    if (index >= 0)
        emit limitClicked(m_sweep[index].parallelism);
}

void ForecastChart::leaveEvent(QEvent *)
{
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
    }
}

} // namespace fanout
