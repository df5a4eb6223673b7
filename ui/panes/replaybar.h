#pragma once

#include "engine/run/replay.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QToolButton;

namespace fanout {


// The banner shown while a recorded run is replayed: which run it is and that it is read-only, a
// slider over the run's time (every pane shows the moment it is at), Play at 1×–60×, and Close
// Replay (Esc) back to the open plan.
class ReplayBar : public QWidget
{
    Q_OBJECT

public:
    explicit ReplayBar(QWidget *parent = nullptr);

    // Follows `replay` (null: nothing to show); `title` is "Replaying run #12 of 4 Dec 21:03".
    void setReplay(Replay *replay, const QString &title);
    Replay *replay() const { return m_replay; }

    QSlider *slider() const { return m_slider; }
    QToolButton *playButton() const { return m_play; }
    QComboBox *speedBox() const { return m_speed; }
    QPushButton *closeButton() const { return m_close; }
    QString text() const; // the title and where the replay is, for tests

signals:
    void closeRequested();

private:
    void showPosition(qint64 ms);
    void showPlaying(bool playing);

    QPointer<Replay> m_replay;
    QLabel *m_title;
    QToolButton *m_play;
    QSlider *m_slider;
    QLabel *m_time;
    QComboBox *m_speed;
    QPushButton *m_close;
};

} // namespace fanout
