#include "ui/panes/targetspane.h"

#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/targetgridmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace fanout {

TargetsPane::TargetsPane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new TargetGridModel(workspace.deployment(), this))
    , m_view(new QTableView)
    , m_empty(new QLabel)
{
    setObjectName(QStringLiteral("TargetsPane"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    m_empty->setText(tr("This plan has no targets. A plan with \"targets\" deploys its per_target resources once on "
                        "each target (a region, an account), and this grid shows how far each target has got; see "
                        "docs/plan-format.md, \"count, for_each and targets\"."));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(16);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    layout->addWidget(m_empty);
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex &index) {
        if (const int resource = m_model->resourceAt(index); resource >= 0)
            m_workspace.selection().select(resource);
        else if (index.column() == 0 && m_model->targetState(index.row()) == TargetGridModel::TargetState::Failed)
            retryTarget(index.row());
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &TargetsPane::update);
    update();
}

int TargetsPane::retryTarget(int row)
{
    Deployment &deployment = m_workspace.deployment();
    QStringList failed;
    for (int column = 1; column < m_model->columnCount(); ++column) {
        const int r = m_model->resourceAt(m_model->index(row, column));
        if (r >= 0 && (deployment.state(r) == ResourceState::Failed || deployment.state(r) == ResourceState::Cancelled))
            failed.append(deployment.plan().resources[r].id);
    }
    return failed.isEmpty() ? 0 : deployment.retry(failed);
}

QString TargetsPane::emptyText() const
{
    return m_empty->isVisibleTo(this) ? m_empty->text() : QString();
}

void TargetsPane::update()
{
    const bool empty = m_model->rowCount() == 0;
    m_empty->setVisible(empty);
    m_view->setVisible(!empty);
}

} // namespace fanout
