#pragma once

#include <QSet>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace fanout {

class ResourceFilterModel;
class ResourceTableModel;
class Deployment;
class ResourceSelection;
class Workspace;

// The Resources pane: a sortable table of every resource with its state, attempts and duration,
// filtered by text and by state, kept in step with the shared selection. Right-click to retry;
// activating a row (Enter, double-click) asks to show it in the graph, a double-click its logs too.
class ResourcesPane : public QWidget
{
    Q_OBJECT

public:
    explicit ResourcesPane(Workspace &workspace, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    ResourceTableModel *model() const { return m_model; }
    ResourceFilterModel *filter() const { return m_filter; }
    QLineEdit *filterEdit() const { return m_text; }
    QComboBox *stateFilter() const { return m_states; }

signals:
    void showLogsRequested(int resource);
    void resourceActivated(int resource); // Enter or a double-click on its row

private:
    // Every column as wide as what it holds (and its header), except those the user resized.
    void fitColumns();
    void onSelectionChanged(int resource);
    void showContextMenu(const QPoint &pos);
    int resourceAt(const QModelIndex &proxyIndex) const;

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    ResourceTableModel *m_model;
    ResourceFilterModel *m_filter;
    QTableView *m_view;
    QLineEdit *m_text;
    QComboBox *m_states;
    QSet<int> m_resizedByUser; // columns whose width the user set: fitColumns() leaves them
    bool m_fitting = false;
};

} // namespace fanout
