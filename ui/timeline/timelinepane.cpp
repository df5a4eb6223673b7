#include "ui/timeline/timelinepane.h"

#include "engine/run/deployment.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "ui/timeline/timelinelegend.h"
#include "ui/timeline/timelineview.h"

#include <QAction>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QImageWriter>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace fanout {

TimelinePane::TimelinePane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
    , m_view(new TimelineView(workspace, this))
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

namespace fanout {

namespace {

// Taller than this, an image is more than most viewers open comfortably; the rows below are left out.
constexpr int kMaxImageViewHeight = 16'000;

} // namespace

QImage TimelinePane::renderImage(int width) const
{
    QWidget canvas;
    canvas.setAttribute(Qt::WA_DontShowOnScreen);
    canvas.setAutoFillBackground(true);
    QPalette palette = canvas.palette();
    palette.setColor(QPalette::Window, Qt::white);
    canvas.setPalette(palette);

    auto *view = new TimelineView(m_workspace, &canvas);
    view->setFrameShape(QFrame::NoFrame);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int wanted = view->heightForAllRows();
    view->setFixedHeight(std::min(wanted, kMaxImageViewHeight));

    // What the picture is of, since it travels without the window around it.
    const Plan &plan = m_deployment.plan();
    QString title = QStringLiteral("<b>%1</b>").arg(plan.name.toHtmlEscaped());
    if (!m_deployment.hasRun()) {
        title += tr(" — %1, not run yet").arg(counted(plan.resources.size(), "resource"));
    } else {
        const bool running = m_deployment.isRunning() || view->data().finishedMs() < 0;
        QStringList counts;
        for (ResourceState state : {ResourceState::Succeeded, ResourceState::Failed, ResourceState::Skipped, ResourceState::Cancelled,
                                    ResourceState::Running, ResourceState::Pending}) {
            if (const int n = m_deployment.count(state))
                counts.append(QStringLiteral("%1 %2").arg(n).arg(StateStyle::label(state).toLower()));
        }
        title += tr(" — %1, ").arg(counted(plan.resources.size(), "resource"))
                 + (running ? tr("%1 so far") : tr("took %1")).arg(formatDuration(running ? m_deployment.elapsedMs() : view->data().finishedMs()))
                 + QStringLiteral(": ") + counts.join(QStringLiteral(", "));
    }
    if (wanted > kMaxImageViewHeight)
        title += tr(" (the first rows only)");
    auto *heading = new QLabel(title, &canvas);
    heading->setTextFormat(Qt::RichText);
    auto *legend = new TimelineLegend(&canvas);

    constexpr int kMargin = 8;
    constexpr int kSpacing = 6;
    auto *layout = new QVBoxLayout(&canvas);
    layout->setContentsMargins(kMargin, kMargin, kMargin, kMargin);
    layout->setSpacing(kSpacing);
    layout->addWidget(heading);
    layout->addWidget(legend);
    layout->addWidget(view);
    // Exactly as tall as its parts. Fixed heights, since the window's minimum size would count the
    // legend at its narrowest (one entry a line), and the layout share the difference out.
    layout->setSizeConstraint(QLayout::SetNoConstraint);
    const int inner = width - 2 * kMargin;
    heading->setFixedHeight(heading->sizeHint().height());
    legend->setFixedHeight(legend->heightForWidth(inner));
    canvas.resize(width, 2 * kMargin + 2 * kSpacing + heading->height() + legend->height() + view->height());
    canvas.show(); // not on screen: lays the children out, as render() alone would not
    view->fit();
    QImage image(canvas.size(), QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    image.fill(Qt::white);
    canvas.render(&image);
    canvas.hide();
    return image;
}

Expected<void> TimelinePane::exportTo(const QString &path) const
{
    if (QFileInfo(path).suffix().toLower() != QLatin1String("png"))
        return unexpected(tr("Choose a file name ending in .png."));
    if (m_deployment.resourceCount() == 0)
        return unexpected(tr("There is no plan to draw."));
    const QImage image = renderImage();
    if (image.isNull())
        return unexpected(tr("The timeline is too large to draw as an image."));
    QImageWriter writer(path, "png");
    if (!writer.write(image))
        return unexpected(writer.errorString());
    return {};
}

} // namespace fanout
