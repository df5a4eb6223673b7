#include "ui/panes/resourcespane.h"

#include "engine/run/deployment.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/resourcefiltermodel.h"
#include "models/run/resourcetablemodel.h"

#include <QComboBox>
#include <QHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

ResourcesPane::ResourcesPane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_model(new ResourceTableModel(m_deployment, this))
    , m_filter(new ResourceFilterModel(this))
    , m_view(new QTableView)
    , m_text(new QLineEdit)
    , m_states(new QComboBox)
{
    m_filter->setSourceModel(m_model);

    m_text->setPlaceholderText(tr("Filter resources…"));
    m_text->setClearButtonEnabled(true);
    m_states->addItem(tr("All states"), QVariant());
    const auto addStates = [this](const QString &label, const QList<ResourceState> &states) {
        QVariantList list;
        for (ResourceState s : states)
            list.append(int(s));
        m_states->addItem(label, list);
    };
    addStates(tr("Failed"), {ResourceState::Failed});
    addStates(tr("Running"), {ResourceState::Running, ResourceState::RetryWait});
    addStates(tr("Waiting"), {ResourceState::Pending, ResourceState::Ready});
    addStates(tr("Succeeded"), {ResourceState::Succeeded});
    addStates(tr("Skipped or cancelled"), {ResourceState::Skipped, ResourceState::Cancelled});
    addStates(tr("Not succeeded"), {ResourceState::Failed, ResourceState::Skipped, ResourceState::Cancelled});
    m_states->setToolTip(tr("Show only resources in these states"));

    auto *filters = new QHBoxLayout;
    filters->setContentsMargins(4, 4, 4, 0);
    filters->addWidget(m_text, 1);
    filters->addWidget(m_states);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // plan order until the user picks a column
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    // Columns fit their content (fitColumns); the last one takes what room is left.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int column) {
        if (!m_fitting && column != ResourceTableModel::ColumnCount - 1) // the last one stretches with the pane
            m_resizedByUser.insert(column);
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(filters);
    layout->addWidget(m_view);

    connect(m_text, &QLineEdit::textChanged, m_filter, &ResourceFilterModel::setText);
    connect(m_states, &QComboBox::currentIndexChanged, this, [this] {
        QList<ResourceState> states;
        for (const QVariant &s : m_states->currentData().toList())
            states.append(ResourceState(s.toInt()));
        m_filter->setStates(states);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (current.isValid())
            m_selection.select(resourceAt(current));
    });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        m_selection.select(resourceAt(index));
        emit resourceActivated(resourceAt(index));
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        emit showLogsRequested(resourceAt(index));
    });
    connect(m_view, &QTableView::customContextMenuRequested, this, &ResourcesPane::showContextMenu);
    connect(&m_selection, &ResourceSelection::currentChanged, this, &ResourcesPane::onSelectionChanged);
    // The table has just been filled again (its model is connected first): the selection stays.
    connect(&m_deployment, &Deployment::planChanged, this, [this] {
        fitColumns();
        onSelectionChanged(m_selection.current());
    });
    fitColumns();
}

void ResourcesPane::fitColumns()
{
    // Measured on what the plan holds when it opens: the header's first 1,000 rows and those in
    // view (QHeaderView::resizeContentsPrecision), which stays quick on 10,000 resources; never
    // narrower than what a run writes in the columns that change as it goes.
    static const QHash<int, int> kRunWidths = {{ResourceTableModel::StateColumn, 104},
                                               {ResourceTableModel::AttemptsColumn, 62},
                                               {ResourceTableModel::DurationColumn, 64}};
    m_fitting = true;
    for (int column = 0; column < ResourceTableModel::ColumnCount; ++column) {
        if (m_resizedByUser.contains(column))
            continue;
        m_view->resizeColumnToContents(column);
        m_view->setColumnWidth(column, std::max(m_view->columnWidth(column), kRunWidths.value(column)));
    }
    m_fitting = false;
}

int ResourcesPane::resourceAt(const QModelIndex &proxyIndex) const
{
    return proxyIndex.data(ResourceTableModel::ResourceRole).toInt();
}

void ResourcesPane::onSelectionChanged(int resource)
{
    if (resource < 0) {
        // The current row goes too: a click on that row afterwards must select it again.
        m_view->selectionModel()->setCurrentIndex(QModelIndex(), QItemSelectionModel::Clear);
        return;
    }
    const QModelIndex index = m_filter->mapFromSource(m_model->index(resource, 0));
    if (!index.isValid() || index.row() == m_view->currentIndex().row())
        return;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void ResourcesPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    const int r = resourceAt(index);
    QMenu menu(this);
    QAction *retry = menu.addAction(tr("Retry"), this, [this, r] { m_deployment.retry({m_deployment.plan().resources[r].id}); });
    retry->setEnabled(m_deployment.canRetry(r));
    QAction *withDependents = menu.addAction(tr("Retry with dependents"), this, [this, r] { m_deployment.retryWithDependents(r); });
    withDependents->setEnabled(m_deployment.canRetry(r));
    menu.addAction(tr("Show logs"), this, [this, r] { emit showLogsRequested(r); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace fanout
