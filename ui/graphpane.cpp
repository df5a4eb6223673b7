#include "graphpane.h"

#include "graphview.h"
#include "runsession.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace fanout {

GraphPane::GraphPane(RunSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_view(new GraphView(session, this))
    , m_search(new QLineEdit(this))
    , m_noMatch(new QLabel(tr("No match"), this))
    , m_zoomLabel(new QLabel(this))
{
    m_search->setPlaceholderText(tr("Find resource…"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Type part of a resource's id or name and press Enter; Enter again finds the next"));
    m_search->setMaximumWidth(280);
    m_noMatch->setStyleSheet(QStringLiteral("color: #b31412;"));
    m_noMatch->hide();
    connect(m_search, &QLineEdit::returnPressed, this, [this] { find(m_search->text()); });
    connect(m_search, &QLineEdit::textChanged, m_noMatch, &QWidget::hide);

    const auto button = [this](const QString &text, const QString &toolTip, auto slot) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(toolTip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        return b;
    };
    QToolButton *zoomOutButton = button(QStringLiteral("−"), tr("Zoom out (Ctrl+-)"), &GraphPane::zoomOut);
    QToolButton *zoomInButton = button(QStringLiteral("+"), tr("Zoom in (Ctrl++)"), &GraphPane::zoomIn);
    QToolButton *fitButton = button(tr("Fit"), tr("Show the whole graph (Ctrl+0)"), &GraphPane::fitToWindow);
    QToolButton *exportButton = button(tr("Export…"), tr("Save the graph as a PNG or SVG image"),
                                       &GraphPane::exportWithDialog);
    m_zoomLabel->setMinimumWidth(QFontMetrics(m_zoomLabel->font()).horizontalAdvance(QStringLiteral("400%")) + 4);
    m_zoomLabel->setAlignment(Qt::AlignCenter);
    m_zoomLabel->setToolTip(tr("Zoom; the mouse wheel zooms around the pointer, dragging moves the graph"));
    updateZoomLabel(m_view->zoom());
    connect(m_view, &GraphView::zoomChanged, this, &GraphPane::updateZoomLabel);
    connect(m_view, &GraphView::showLogsRequested, this, &GraphPane::showLogsRequested);

    auto *tools = new QHBoxLayout;
    tools->setContentsMargins(6, 4, 6, 4);
    tools->setSpacing(4);
    tools->addWidget(m_search, 1);
    tools->addWidget(m_noMatch);
    tools->addStretch(1);
    tools->addWidget(zoomOutButton);
    tools->addWidget(m_zoomLabel);
    tools->addWidget(zoomInButton);
    tools->addWidget(fitButton);
    tools->addSpacing(8);
    tools->addWidget(exportButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(tools);
    layout->addWidget(m_view, 1);
    setFocusProxy(m_view);
}

int GraphPane::find(const QString &text)
{
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return -1;
    const Plan &plan = m_session.plan();
    const int n = int(plan.resources.size());
    // Start after the selection, so that pressing Enter again steps through every match.
    for (int step = 1; step <= n; ++step) {
        const int r = (std::max(m_session.selected(), -1) + step + n) % n;
        const Resource &resource = plan.resources[r];
        if (resource.id.contains(needle, Qt::CaseInsensitive) || resource.displayName().contains(needle, Qt::CaseInsensitive)) {
            m_noMatch->hide();
            m_session.select(r);
            m_view->showResource(r);
            return r;
        }
    }
    m_noMatch->show();
    return -1;
}

bool GraphPane::exportTo(const QString &path, QString *error)
{
    return m_view->exportTo(path, error);
}

void GraphPane::fitToWindow()
{
    m_view->fit();
}

void GraphPane::zoomIn()
{
    m_view->zoomIn();
}

void GraphPane::zoomOut()
{
    m_view->zoomOut();
}

void GraphPane::exportWithDialog()
{
    const QString name = m_session.plan().name.isEmpty() ? QStringLiteral("graph") : m_session.plan().name;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Graph"), name + QStringLiteral(".svg"),
                                                      tr("SVG image (*.svg);;PNG image (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Cannot export the graph"), tr("%1: %2").arg(path, error));
}

void GraphPane::keyPressEvent(QKeyEvent *event)
{
    // Zoom keys pressed in the search field arrive here.
    if (!GraphView::handleZoomKey(event, m_view))
        QWidget::keyPressEvent(event);
}

void GraphPane::updateZoomLabel(qreal zoom)
{
    m_zoomLabel->setText(QStringLiteral("%1%").arg(qRound(zoom * 100)));
}

} // namespace fanout
