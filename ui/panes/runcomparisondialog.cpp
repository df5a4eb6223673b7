#include "ui/panes/runcomparisondialog.h"

#include "engine/support/duration.h"
#include "models/run/historymodel.h"
#include "models/run/runcomparison.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace fanout {

RunComparisonDialog::RunComparisonDialog(const RunHistory::RecordedRun &older, const RunHistory::RecordedRun &newer, QWidget *parent)
    : QDialog(parent)
    , m_comparison(new RunComparison(this))
    , m_summary(new QLabel)
    , m_view(new QTableView)
{
    setWindowTitle(tr("Compare Runs #%1 and #%2").arg(older.run.id).arg(newer.run.id));
    const auto name = [](const RunHistory::Run &run) {
        return tr("#%1 (%2)").arg(run.id).arg(HistoryModel::whenText(run.startedAt));
    };
    m_comparison->compare(name(older.run), older.report, name(newer.run), newer.report, newer.plan);
    const qint64 difference = newer.run.makespanMs - older.run.makespanMs;
    const QString change = difference == 0 ? tr("took as long as")
                         : difference > 0  ? tr("took %1 longer than").arg(formatDuration(difference))
                                           : tr("took %1 less than").arg(formatDuration(-difference));
    m_summary->setText(tr("Run #%1 (%2) %3 run #%4 (%5). Resources on its critical path, the chain of dependencies "
                          "that decided how long it took, come first (in bold); then those whose time changed most.")
                           .arg(newer.run.id)
                           .arg(formatDuration(newer.run.makespanMs), change)
                           .arg(older.run.id)
                           .arg(formatDuration(older.run.makespanMs)));
    m_summary->setWordWrap(true);
    m_view->setModel(m_comparison);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->resizeColumnsToContents();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    resize(640, 480);
}

QString RunComparisonDialog::summary() const
{
    return m_summary->text();
}

} // namespace fanout
