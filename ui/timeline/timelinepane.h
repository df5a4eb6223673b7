#pragma once

#include "engine/support/expected.h"

#include <QWidget>

class QAction;
class QImage;

namespace fanout {

class Deployment;
class ResourceSelection;
class Workspace;
class TimelineLegend;
class TimelineView;

// The Timeline dock's contents: zoom and Fit controls and the legend above the timeline itself;
// and the timeline as an image (File → Export Timeline…).
class TimelinePane : public QWidget
{
    Q_OBJECT

public:
    explicit TimelinePane(Workspace &workspace, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }
    QAction *fitAction() const { return m_fit; }
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }

    // The whole run as an image `width` pixels wide: a title, the legend and every row (up to
    // about 16,000 pixels of them) with the time axis fitted to the run. Drawn by a view of its
    // own, so that how the one on screen is scrolled or zoomed does not matter.
    QImage renderImage(int width = 1600) const;
    // Writes renderImage() as PNG; false and why in `error` when it cannot.
    Expected<void> exportTo(const QString &path) const;

public slots:
    void fit();
    void zoomIn();
    void zoomOut();

signals:
    // The user asked for `resource`'s log lines (from a bar's context menu).
    void showLogsRequested(int resource);

private:
    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    TimelineView *m_view = nullptr;
    TimelineLegend *m_legend = nullptr;
    QAction *m_fit = nullptr;
    QAction *m_zoomIn = nullptr;
    QAction *m_zoomOut = nullptr;
};

} // namespace fanout
