#include "ui/panes/validationpane.h"

#include "models/plan/diagnosticsmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace fanout {

ValidationPane::ValidationPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new DiagnosticsModel(this))
    , m_view(new QTreeView)
    , m_empty(new QLabel(tr("No problems: the plan can run.")))
    , m_stack(new QStackedWidget)
{
    m_view->setObjectName(QStringLiteral("ProblemsView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setToolTip(tr("Click a problem to select its resource and show the field in the Inspector"));
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(DiagnosticsModel::MessageColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(DiagnosticsModel::ResourceColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(DiagnosticsModel::FieldColumn, QHeaderView::ResizeToContents);
    // The resource leads: it is what the user looks for in the list.
    header->moveSection(DiagnosticsModel::ResourceColumn, 0);

    m_empty->setObjectName(QStringLiteral("ProblemsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(12);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_view, &QTreeView::clicked, this, &ValidationPane::onActivated);
    connect(m_view, &QTreeView::activated, this, &ValidationPane::onActivated);
}

void ValidationPane::setDiagnostics(const Diagnostics &diagnostics, const nlohmann::ordered_json &document)
{
    m_model->setDiagnostics(diagnostics, document);
    m_stack->setCurrentWidget(diagnostics.isEmpty() ? static_cast<QWidget *>(m_empty) : m_view);
}

void ValidationPane::onActivated(const QModelIndex &index)
{
    const QString id = index.data(DiagnosticsModel::ResourceIdRole).toString();
    if (!id.isEmpty())
        emit resourceActivated(id, index.data(DiagnosticsModel::FieldRole).toString());
}

} // namespace fanout
