#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace fanout {

class TargetGridModel;
class Workspace;

// The Targets pane: the overview of a plan's targets (TargetGridModel), targets × the stack's
// resources, each cell coloured by its instance's state, with each target's own state first. A
// click selects that instance everywhere (the graph, the Inspector, the logs). Says what targets
// are when the plan has none. A failed target's state cell is a button: one click retries what
// failed in that target, and the rollout goes on if its failure tolerance allows.
class TargetsPane : public QWidget
{
    Q_OBJECT

public:
    explicit TargetsPane(Workspace &workspace, QWidget *parent = nullptr);

    TargetGridModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString emptyText() const; // empty when the grid shows
    // Retries the instances of target `row` that failed or were cancelled: how many started again.
    int retryTarget(int row);

private:
    void update();

    Workspace &m_workspace;
    TargetGridModel *m_model;
    QTableView *m_view;
    QLabel *m_empty;
};

} // namespace fanout
