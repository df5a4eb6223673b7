#include "timelinepane.h"

#include "timelinelegend.h"
#include "timelineview.h"

#include <QAction>
#include <QHBoxLayout>
#include <QToolButton>
#include <QVBoxLayout>

namespace fanout {

TimelinePane::TimelinePane(RunSession &session, QWidget *parent)
    : QWidget(parent)
    , m_view(new TimelineView(session, this))
    , m_legend(new TimelineLegend(this))
{
    // Shortcuts act while the timeline has focus, so they do not fight the graph's own zoom.
    const auto action = [this](const QString &text, const QString &toolTip, const QKeySequence &shortcut) {
        auto *a = new QAction(text, this);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(toolTip, shortcut.toString(QKeySequence::NativeText)));
        a->setShortcut(shortcut);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        return a;
    };
    m_fit = action(tr("Fit"), tr("Show the whole run; keeps following it while it runs"), QKeySequence(Qt::CTRL | Qt::Key_0));
    m_fit->setCheckable(true);
    m_fit->setChecked(m_view->isFitting());
    m_zoomOut = action(tr("−"), tr("Zoom out (or Ctrl+wheel)"), QKeySequence::ZoomOut);
    m_zoomIn = action(tr("+"), tr("Zoom in (or Ctrl+wheel)"), QKeySequence::ZoomIn);

    connect(m_fit, &QAction::triggered, this, [this] {
        // Fit is a mode, not a toggle: pressing it when on keeps it on.
        m_fit->setChecked(true);
        fit();
    });
    connect(m_zoomIn, &QAction::triggered, this, &TimelinePane::zoomIn);
    connect(m_zoomOut, &QAction::triggered, this, &TimelinePane::zoomOut);
    connect(m_view, &TimelineView::fittingChanged, m_fit, &QAction::setChecked);
    connect(m_view, &TimelineView::showLogsRequested, this, &TimelinePane::showLogsRequested);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->setSpacing(2);
    for (QAction *a : {m_fit, m_zoomOut, m_zoomIn}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(a);
        button->setAutoRaise(true);
        bar->addWidget(button);
    }
    bar->addSpacing(16);
    bar->addWidget(m_legend, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    setFocusProxy(m_view);
}

void TimelinePane::fit()
{
    m_view->fit();
}

void TimelinePane::zoomIn()
{
    m_view->zoomIn();
}

void TimelinePane::zoomOut()
{
    m_view->zoomOut();
}

} // namespace fanout
