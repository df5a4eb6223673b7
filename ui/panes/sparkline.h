#pragma once

#include <QList>
#include <QWidget>

namespace fanout {

// A small line chart of the makespans of past runs, oldest on the left: whether runs are getting
// slower or faster at a glance. Runs that did not succeed are red dots.
class Sparkline : public QWidget
{
    Q_OBJECT

public:
    struct Point
    {
        qint64 valueMs = 0;
        bool succeeded = true;
    };

    explicit Sparkline(QWidget *parent = nullptr);

    void setPoints(QList<Point> points); // oldest first
    const QList<Point> &points() const { return m_points; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Point> m_points;
};

} // namespace fanout
