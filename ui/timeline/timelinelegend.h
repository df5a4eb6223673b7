#pragma once

#include <QWidget>

namespace fanout {

// The key to the timeline's marks: waiting, running, each outcome, retry backoff and the critical
// path, drawn by the same code as the bars themselves; and to the marks a graph node carries
// besides its state: the "if" tag of a conditional resource and the pin of one placed by hand.
// Wraps onto more lines when narrow.
class TimelineLegend : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineLegend(QWidget *parent = nullptr);

    static QStringList entryTexts(); // what it says, in order

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    enum class Entry : quint8 { Waiting, Running, Succeeded, Failed, TimedOut, Cancelled, Backoff, Critical, Conditional, Pinned };
    static QString text(Entry entry);
    int entryWidth(Entry entry) const;
    // Where each entry goes at `width`, as top-left corners; returns the height used.
    int layout(int width, QList<QPoint> *positions) const;
};

} // namespace fanout
