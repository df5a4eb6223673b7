#pragma once

#include <QListView>
#include <QTimer>

namespace fanout {

class LogDelegate;

// A list of log lines that can follow the tail: while following, it scrolls to the newest line
// whenever lines come. Scrolling up (wheel, scroll bar, keys) stops following, so that what the
// user reads stays put; scrolling back to the bottom, or setFollowing(true), starts again.
// Ctrl+C copies the selected lines as plain text, one per line.
class LogView : public QListView
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);

    LogDelegate *logDelegate() const { return m_delegate; }
    void setModel(QAbstractItemModel *model) override;

    bool isFollowing() const { return m_following; }
    bool isAtBottom() const;

    // The selected lines' DisplayRole text in the order shown, one per line.
    QString selectedText() const;

public slots:
    void setFollowing(bool follow);
    void copySelection();

signals:
    void followingChanged(bool following);

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onRowsChanged();
    void onScrollAction();
    void updateFollowingFromPosition();

    LogDelegate *m_delegate;
    QTimer m_scrollTimer;
    bool m_following = true;
};

} // namespace fanout
