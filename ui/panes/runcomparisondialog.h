#pragma once

#include "engine/history/runhistory.h"

#include <QDialog>

class QLabel;
class QTableView;

namespace fanout {

class RunComparison;

// Two recorded runs of a plan side by side: per resource, how long it took in each and the
// difference, what changed the makespan most first (RunComparison).
class RunComparisonDialog : public QDialog
{
    Q_OBJECT

public:
    // `older` and `newer` by when they ran.
    RunComparisonDialog(const RunHistory::RecordedRun &older, const RunHistory::RecordedRun &newer, QWidget *parent = nullptr);

    RunComparison *comparison() const { return m_comparison; }
    QTableView *view() const { return m_view; }
    QString summary() const;

private:
    RunComparison *m_comparison;
    QLabel *m_summary;
    QTableView *m_view;
};

} // namespace fanout
