#include "ui/panes/replaybar.h"

#include "engine/run/replay.h"
#include "engine/support/duration.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace fanout {

ReplayBar::ReplayBar(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_play(new QToolButton)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_time(new QLabel)
    , m_speed(new QComboBox)
    , m_close(new QPushButton(tr("Close Replay")))
{
    setObjectName(QStringLiteral("ReplayBar"));
    setAutoFillBackground(true);
    QPalette banner = palette();
    banner.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xce));
    banner.setColor(QPalette::WindowText, QColor(0x3a, 0x30, 0x10));
    setPalette(banner);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setToolTip(tr("A recorded run from the run history, shown as it happened. Nothing runs and nothing can be "
                           "edited until the replay is closed."));
    m_play->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_play->setToolTip(tr("Play the run from the moment shown, at the speed chosen beside the slider"));
    m_slider->setMinimumWidth(240);
    m_slider->setToolTip(tr("Drag to any moment of the run: the graph, the timeline, the resources and the logs show it as it was then"));
    m_time->setMinimumWidth(m_time->fontMetrics().horizontalAdvance(QStringLiteral("00m00s of 00m00s")));
    for (const int times : {1, 2, 5, 10, 30, 60})
        m_speed->addItem(tr("%1× speed").arg(times), times);
    m_speed->setCurrentIndex(3);
    m_speed->setToolTip(tr("How much faster than it happened Play shows the run"));
    m_close->setToolTip(tr("Back to the open plan, as its state file says now (Esc)"));
    connect(m_close, &QPushButton::clicked, this, &ReplayBar::closeRequested);
    connect(m_play, &QToolButton::clicked, this, [this] {
        if (!m_replay)
            return;
        if (m_replay->isPlaying())
            m_replay->pause();
        else
            m_replay->play();
    });
    connect(m_slider, &QSlider::valueChanged, this, [this](int ms) {
        if (m_replay)
            m_replay->seek(ms);
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        if (m_replay)
            m_replay->setSpeed(m_speed->currentData().toInt());
    });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_title);
    layout->addSpacing(12);
    layout->addWidget(m_play);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_time);
    layout->addWidget(m_speed);
    layout->addWidget(m_close);
    showPlaying(false);
}

void ReplayBar::setReplay(Replay *replay, const QString &title)
{
    if (m_replay)
        m_replay->disconnect(this);
    m_replay = replay;
    m_title->setText(tr("%1 — read-only").arg(title));
    if (!replay) {
        showPlaying(false);
        return;
    }
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setRange(0, int(std::min<qint64>(replay->durationMs(), std::numeric_limits<int>::max())));
        m_slider->setPageStep(std::max(1, m_slider->maximum() / 20));
        m_slider->setSingleStep(std::max(1, m_slider->maximum() / 200));
    }
    replay->setSpeed(m_speed->currentData().toInt());
    connect(replay, &Replay::positionChanged, this, &ReplayBar::showPosition);
    connect(replay, &Replay::playingChanged, this, &ReplayBar::showPlaying);
    showPosition(replay->positionMs());
    showPlaying(replay->isPlaying());
}

QString ReplayBar::text() const
{
    return m_title->text() + QLatin1Char(' ') + m_time->text();
}

void ReplayBar::showPosition(qint64 ms)
{
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(int(ms));
    }
    m_time->setText(tr("%1 of %2").arg(formatDuration(ms / 100 * 100), formatDuration(m_replay ? m_replay->durationMs() : 0)));
}

void ReplayBar::showPlaying(bool playing)
{
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

} // namespace fanout
