#pragma once

#include <QWidget>

class QAction;

namespace fanout {

class RunSession;
class TimelineLegend;
class TimelineView;

// The Timeline dock's contents: zoom and Fit controls and the legend above the timeline itself.
class TimelinePane : public QWidget
{
    Q_OBJECT

public:
    explicit TimelinePane(RunSession &session, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }
    QAction *fitAction() const { return m_fit; }
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }

public slots:
    void fit();
    void zoomIn();
    void zoomOut();

signals:
    // The user asked for `resource`'s log lines (from a bar's context menu).
    void showLogsRequested(int resource);

private:
    TimelineView *m_view = nullptr;
    TimelineLegend *m_legend = nullptr;
    QAction *m_fit = nullptr;
    QAction *m_zoomIn = nullptr;
    QAction *m_zoomOut = nullptr;
};

} // namespace fanout
