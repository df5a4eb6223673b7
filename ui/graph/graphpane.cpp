#include "ui/graph/graphpane.h"

#include "engine/plan/graphwriter.h"
#include "engine/run/deployment.h"
#include "engine/run/runreport.h"
#include "engine/support/atomicfile.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "ui/graph/graphfollower.h"
#include "ui/graph/graphminimap.h"
#include "ui/graph/graphview.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

GraphPane::GraphPane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_view(new GraphView(workspace, this))
    , m_search(new QLineEdit(this))
    , m_noMatch(new QLabel(tr("No match"), this))
    , m_zoomLabel(new QLabel(this))
    , m_editMessage(new QLabel(m_view))
    , m_editMessageTimer(new QTimer(this))
    , m_follower(new GraphFollower(*m_view, m_deployment, this))
    , m_followButton(new QToolButton(this))
    , m_failureNotice(new QLabel(m_view))
    , m_minimap(new GraphMinimap(*m_view))
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
    QToolButton *exportButton = button(tr("Export…"), tr("Save the graph as an SVG or PNG image, Graphviz DOT or Mermaid"),
                                       &GraphPane::exportWithDialog);
    m_followButton->setText(tr("Follow Run"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(m_follower->isFollowing());
    m_followButton->setAutoRaise(true);
    m_followButton->setToolTip(tr("While a run goes on, keep what is running and what failed in view (names readable). "
                                  "Panning or zooming turns it off; click to follow again."));
    connect(m_followButton, &QToolButton::toggled, m_follower, &GraphFollower::setFollowing);
    connect(m_follower, &GraphFollower::followingChanged, m_followButton, &QToolButton::setChecked);
    m_failureNotice->setTextFormat(Qt::RichText);
    m_failureNotice->setStyleSheet(QStringLiteral(
        "background: #fce8e6; color: #a50e0e; border: 1px solid #f28b82; border-radius: 4px; padding: 4px 8px;"));
    m_failureNotice->hide();
    connect(m_follower, &GraphFollower::failuresOutOfSightChanged, this, &GraphPane::updateFailureNotice);
    connect(m_view, &GraphView::viewChanged, m_follower, &GraphFollower::updateOutOfSight);
    connect(m_view, &GraphView::viewChanged, m_minimap, &GraphMinimap::refresh);
    connect(m_view, &GraphView::zoomChanged, m_minimap, &GraphMinimap::refresh);
    connect(m_view, &GraphView::layoutFinished, m_minimap, [this] {
        m_minimap->invalidate();
        m_minimap->refresh();
    });
    // Its picture changes with states, not with the log lines that most events are.
    connect(&m_deployment, &Deployment::eventsRecorded, m_minimap, [this](const QList<RunEvent> &events) {
        if (std::any_of(events.cbegin(), events.cend(), [](const RunEvent &event) { return event.kind == RunEvent::Kind::StateChanged; }))
            m_minimap->invalidate();
    });
    connect(&m_deployment, &Deployment::runStarted, m_minimap, &GraphMinimap::invalidate);
    connect(&m_deployment, &Deployment::planChanged, m_minimap, &GraphMinimap::invalidate);
    connect(m_failureNotice, &QLabel::linkActivated, this, [this] {
        const QList<int> failures = m_follower->failuresOutOfSight();
        if (failures.isEmpty())
            return;
        m_follower->setFollowing(false); // the user chose where to look
        m_selection.select(failures.constFirst());
        m_view->showResource(failures.constFirst());
    });
    m_zoomLabel->setMinimumWidth(QFontMetrics(m_zoomLabel->font()).horizontalAdvance(QStringLiteral("400%")) + 4);
    m_zoomLabel->setTextFormat(Qt::PlainText);
    m_zoomLabel->setAlignment(Qt::AlignCenter);
    m_zoomLabel->setToolTip(tr("Zoom; the mouse wheel zooms around the pointer, dragging moves the graph"));
    updateZoomLabel(m_view->zoom());
    connect(m_view, &GraphView::zoomChanged, this, &GraphPane::updateZoomLabel);
    connect(m_view, &GraphView::showLogsRequested, this, &GraphPane::showLogsRequested);
    connect(m_view, &GraphView::dependencyRequested, this, &GraphPane::dependencyRequested);
    connect(m_view, &GraphView::dependencyRemovalRequested, this, &GraphPane::dependencyRemovalRequested);
    connect(m_view, &GraphView::resourcesRemovalRequested, this, &GraphPane::resourcesRemovalRequested);
    connect(m_view, &GraphView::resourcesMoved, this, &GraphPane::resourcesMoved);
    connect(m_view, &GraphView::unpinRequested, this, &GraphPane::unpinRequested);
    connect(m_view, &GraphView::resourceAddRequested, this, &GraphPane::resourceAddRequested);

    m_editMessage->setWordWrap(true);
    m_editMessage->setTextFormat(Qt::PlainText);
    m_editMessage->setStyleSheet(QStringLiteral(
        "background: #fce8e6; color: #a50e0e; border: 1px solid #f28b82; border-radius: 4px; padding: 6px 10px;"));
    m_editMessage->hide();
    m_editMessageTimer->setSingleShot(true);
    m_editMessageTimer->setInterval(8000); // long enough to read a cycle of a few ids
    connect(m_editMessageTimer, &QTimer::timeout, m_editMessage, &QWidget::hide);

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
    tools->addWidget(m_followButton);
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
    const Plan &plan = m_deployment.plan();
    const int n = int(plan.resources.size());
    // Start after the selection, so that pressing Enter again steps through every match.
    for (int step = 1; step <= n; ++step) {
        const int r = (std::max(m_selection.current(), -1) + step + n) % n;
        const Resource &resource = plan.resources[r];
        if (resource.id.contains(needle, Qt::CaseInsensitive) || resource.displayName().contains(needle, Qt::CaseInsensitive)) {
            m_noMatch->hide();
            m_selection.select(r);
            m_view->showResource(r);
            return r;
        }
    }
    m_noMatch->show();
    return -1;
}

Expected<void> GraphPane::exportTo(const QString &path)
{
    // Text formats come from the plan, as `fanout graph` writes them; images from the view.
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool dot = suffix == QLatin1String("dot") || suffix == QLatin1String("gv");
    const bool mermaid = suffix == QLatin1String("mmd") || suffix == QLatin1String("mermaid");
    if (!dot && !mermaid) {
        if (suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
            return unexpected(tr("Choose a file name ending in .svg, .png, .dot or .mmd."));
        return m_view->exportTo(path);
    }
    if (m_deployment.resourceCount() == 0)
        return unexpected(tr("There is no graph to export."));
    const QString text = dot ? GraphWriter::toDot(m_deployment.plan()) : GraphWriter::toMermaid(m_deployment.plan());
    return AtomicFile::write(path, text.toUtf8());
}

void GraphPane::setEditable(bool editable)
{
    m_view->setEditable(editable);
}

bool GraphPane::isEditable() const
{
    return m_view->isEditable();
}

QStringList GraphPane::selectedIds() const
{
    return m_view->selectedIds();
}

QPointF GraphPane::newResourcePosition() const
{
    return m_view->newResourcePosition();
}

void GraphPane::showEditMessage(const QString &message)
{
    if (message.isEmpty()) {
        m_editMessage->hide();
        return;
    }
    constexpr int kMargin = 12;
    m_editMessage->setText(message);
    m_editMessage->setMaximumWidth(std::max(120, m_view->width() - 2 * kMargin));
    m_editMessage->adjustSize();
    m_editMessage->move(kMargin, kMargin);
    m_editMessage->raise();
    m_editMessage->show();
    m_editMessageTimer->start();
}

void GraphPane::fitToWindow()
{
    emit m_view->userMoved();
    m_view->fit();
}

void GraphPane::zoomIn()
{
    emit m_view->userMoved();
    m_view->zoomIn();
}

void GraphPane::zoomOut()
{
    emit m_view->userMoved();
    m_view->zoomOut();
}

GraphFollower *GraphPane::follower() const
{
    return m_follower;
}

void GraphPane::updateFailureNotice()
{
    const QList<int> failures = m_follower->failuresOutOfSight();
    if (failures.isEmpty()) {
        m_failureNotice->hide();
        return;
    }
    const QString first = m_deployment.plan().resources[failures.constFirst()].id.toHtmlEscaped();
    m_failureNotice->setText(failures.size() == 1
                                 ? tr("<b>%1</b> failed, out of view — <a href=\"show\">Show</a>").arg(first)
                                 : tr("<b>%1</b> and %2 more failed, out of view — <a href=\"show\">Show %1</a>").arg(first).arg(failures.size() - 1));
    m_failureNotice->adjustSize();
    positionFailureNotice();
    m_failureNotice->raise();
    m_failureNotice->show();
}

void GraphPane::positionFailureNotice()
{
    constexpr int kMargin = 12;
    m_failureNotice->move(std::max(kMargin, m_view->viewport()->width() - m_failureNotice->width() - kMargin), kMargin);
}

void GraphPane::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    positionFailureNotice();
}

void GraphPane::exportWithDialog()
{
    const QString name = m_deployment.plan().name.isEmpty() ? QStringLiteral("graph") : m_deployment.plan().name;
    const QStringList filters = {tr("SVG image (*.svg)"), tr("PNG image (*.png)"), tr("Graphviz DOT (*.dot *.gv)"), tr("Mermaid (*.mmd)")};
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export Graph"), name + QStringLiteral(".svg"), filters.join(QStringLiteral(";;")), &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty()) {
        // No extension typed: the chosen filter's first one.
        static const QStringList suffixes = {QStringLiteral(".svg"), QStringLiteral(".png"), QStringLiteral(".dot"), QStringLiteral(".mmd")};
        path += suffixes.value(std::max<qsizetype>(0, filters.indexOf(filter)));
    }
    if (const Expected<void> exported = exportTo(path); !exported)
        QMessageBox::warning(this, tr("Cannot export the graph"), tr("%1: %2").arg(path, exported.error()));
}

void GraphPane::keyPressEvent(QKeyEvent *event)
{
    // Zoom keys pressed in the search field arrive here.
    if (!GraphView::handleZoomKey(event, m_view))
        QWidget::keyPressEvent(event);
}

void GraphPane::updateZoomLabel(qreal zoom)
{
    QString text = QStringLiteral("%1%").arg(qRound(zoom * 100));
    // Opened readable rather than whole: says so while the zoom is still the one it opened at.
    if (m_view->wholeZoom() > 0 && qFuzzyCompare(zoom, m_view->openedZoom()))
        text = tr("%1 · all at %2%").arg(text).arg(qRound(m_view->wholeZoom() * 100));
    m_zoomLabel->setText(text);
    const QString note = m_view->placementNote();
    m_zoomLabel->setToolTip(note.isEmpty() ? tr("Zoom; the mouse wheel zooms around the pointer, dragging moves the graph")
                                           : tr("%1. The mouse wheel zooms around the pointer, dragging moves the graph").arg(note));
}

} // namespace fanout
