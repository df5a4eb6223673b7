#pragma once

#include "engine/forecast/forecaster.h"

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QWidget>

namespace fanout {

// A run's makespan against the parallelism limit, drawn with QPainter: the p10–p90 band of a
// forecast sweep, its median as a line with a point per limit, the current limit marked, the
// knee (beyond which more parallelism gains little) labelled, and after a run what it took. The
// limits run on a log scale, as doubling them is what a user tries. Clicking near a point picks
// its limit.
class ForecastChart : public QWidget
{
    Q_OBJECT

public:
    explicit ForecastChart(QWidget *parent = nullptr);

    void setSweep(const QList<Forecast> &sweep, int knee);
    void setLimit(int limit);
    // What a run took at `parallelism`; a negative `ms` for none.
    void setActual(qint64 ms, int parallelism);

    const QList<Forecast> &sweep() const { return m_sweep; }
    // Where the point of the sweep's entry `index` is drawn (its median), in widget coordinates.
    QPointF pointOf(int index) const;
    // The entry nearest to `pos` horizontally, -1 outside the plot or without a sweep.
    int indexAt(const QPoint &pos) const;
    QRectF plotRect() const;

    QSize sizeHint() const override { return {360, 240}; }
    QSize minimumSizeHint() const override { return {220, 150}; }

signals:
    void limitClicked(int limit);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    double xOf(double parallelism) const;
    double yOf(qint64 ms) const;
    qint64 maxMs() const;
    void paintAxes(QPainter &painter, const QRectF &plot) const;
    void paintSeries(QPainter &painter) const;
    void paintLimit(QPainter &painter, const QRectF &plot) const;
    void paintKnee(QPainter &painter) const;
    void paintActual(QPainter &painter) const;

    QList<Forecast> m_sweep;
    int m_knee = 0;
    int m_limit = 0;
    qint64 m_actualMs = -1;
    int m_actualParallelism = 0;
    int m_hovered = -1;
};

} // namespace fanout
