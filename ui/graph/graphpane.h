#pragma once

#include "engine/support/expected.h"

#include <QHash>
#include <QPointF>
#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;

namespace fanout {

class GraphFollower;
class GraphMinimap;
class GraphView;
class Deployment;
class ResourceSelection;
class Workspace;

// The Graph pane: the live dependency graph (GraphView) under a row of tools: find a resource by
// id or name, zoom, fit, export as SVG, PNG, DOT or Mermaid. While editable, the graph's editing
// gestures (see GraphView) ask for changes through the signals below, and a refused change is
// explained in a message over the graph.
class GraphPane : public QWidget
{
    Q_OBJECT

public:
    explicit GraphPane(Workspace &workspace, QWidget *parent = nullptr);

    GraphView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    QLabel *editMessageLabel() const { return m_editMessage; }
    GraphFollower *follower() const;     // Follow Run
    QToolButton *followButton() const { return m_followButton; }
    QLabel *failureNotice() const { return m_failureNotice; } // "cdn failed, out of view — Show"
    GraphMinimap *minimap() const { return m_minimap; }

    void setEditable(bool editable); // GraphView::setEditable
    bool isEditable() const;
    QStringList selectedIds() const; // GraphView::selectedIds
    QPointF newResourcePosition() const; // GraphView::newResourcePosition

    // Selects and centres the next resource (after the selected one, in plan order) whose id or
    // name contains `text`, ignoring case. Returns it, or -1 when none matches.
    int find(const QString &text);

    // Writes the graph in the format the extension names: .svg and .png as drawn (GraphView::exportTo),
    // .dot/.gv and .mmd as GraphWriter writes the plan; or why it cannot.
    Expected<void> exportTo(const QString &path);

public slots:
    void fitToWindow();
    void zoomIn();
    void zoomOut();
    void exportWithDialog(); // the Export… button
    // Shows `message` over the top of the graph for a few seconds, e.g. why a dependency was refused.
    void showEditMessage(const QString &message);

signals:
    void showLogsRequested(int resource);
    // As GraphView's: (what depends, what it depends on); a drag goes from the latter to the former.
    void dependencyRequested(const QString &dependentId, const QString &dependencyId);
    void dependencyRemovalRequested(const QString &dependentId, const QString &dependencyId);
    void resourcesRemovalRequested(const QStringList &ids);
    // As GraphView's: nodes dragged (new centres by id), Unpin Position, a drop or Add ... Here.
    void resourcesMoved(const QHash<QString, QPointF> &centres);
    void unpinRequested(const QStringList &ids);
    void resourceAddRequested(const QString &type, const QPointF &sceneCentre);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateZoomLabel(qreal zoom);
    void updateFailureNotice();
    void positionFailureNotice();

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    GraphView *m_view;
    QLineEdit *m_search;
    QLabel *m_noMatch;
    QLabel *m_zoomLabel;
    QLabel *m_editMessage; // over the graph's top left corner
    QTimer *m_editMessageTimer;
    GraphFollower *m_follower;
    QToolButton *m_followButton;
    QLabel *m_failureNotice; // over the graph's top right corner
    GraphMinimap *m_minimap; // over its bottom right corner
};

} // namespace fanout
