#pragma once

#include <QImage>
#include <QWidget>

namespace fanout {

class GraphView;

// The overview in the graph's bottom right corner, shown while the graph is larger than the view:
// every resource as a dot coloured by its state, groups as outlines, and the rectangle the view
// shows. A click or a drag on it moves the view there (the user's move: Follow Run stops).
class GraphMinimap : public QWidget
{
    Q_OBJECT

public:
    explicit GraphMinimap(GraphView &view);

    static constexpr int kMaxSide = 200; // pixels, the longer side
    static constexpr int kMinSide = 100; // a view with no room for this much has none

    // Shown or hidden, sized and placed again: after a layout, a zoom, a scroll, a resize.
    void refresh();
    // The graph's picture is drawn again at the next paint: states or the graph changed. Other
    // paints (the view moved, or the view under the overview was painted) draw the one kept.
    void invalidate();
    int picturesDrawn() const { return m_picturesDrawn; } // for tests
    // Where a point of the overview is in the scene, and back.
    QPointF toScene(QPointF point) const;
    QPointF fromScene(QPointF point) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void moveViewTo(QPointF point);
    qreal scale() const; // overview pixels per scene unit
    qreal side() const;  // the longer side, in pixels, for the view's size
    void drawPicture(); // the frame, groups, resources and summaries into m_picture

    GraphView &m_view;
    QImage m_picture;
    bool m_pictureStale = true;
    int m_picturesDrawn = 0;
};

} // namespace fanout
