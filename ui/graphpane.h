#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace fanout {

class GraphView;
class RunSession;

// The Graph pane: the live dependency graph (GraphView) under a row of tools: find a resource by
// id or name, zoom, fit, export as SVG, PNG, DOT or Mermaid.
class GraphPane : public QWidget
{
    Q_OBJECT

public:
    explicit GraphPane(RunSession &session, QWidget *parent = nullptr);

    GraphView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }

    // Selects and centres the next resource (after the selected one, in plan order) whose id or
    // name contains `text`, ignoring case. Returns it, or -1 when none matches.
    int find(const QString &text);

    // Writes the graph in the format the extension names: .svg and .png as drawn (GraphView::exportTo),
    // .dot/.gv and .mmd as GraphWriter writes the plan. False and why in `error` when it cannot.
    bool exportTo(const QString &path, QString *error = nullptr);

public slots:
    void fitToWindow();
    void zoomIn();
    void zoomOut();
    void exportWithDialog(); // the Export… button

signals:
    void showLogsRequested(int resource);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void updateZoomLabel(qreal zoom);

    RunSession &m_session;
    GraphView *m_view;
    QLineEdit *m_search;
    QLabel *m_noMatch;
    QLabel *m_zoomLabel;
};

} // namespace fanout
