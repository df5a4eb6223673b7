#include "ui/logs/logview.h"

#include "ui/logs/logdelegate.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QScrollBar>

#include <algorithm>

namespace fanout {

LogView::LogView(QWidget *parent)
    : QListView(parent)
    , m_delegate(new LogDelegate(this))
{
    // Every line is one text row: the view can place any of a million rows without asking for sizes.
    setUniformItemSizes(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setItemDelegate(m_delegate);

    // Several row changes come with one flush (old lines dropped, new ones added); one scroll after
    // all of them is enough.
    m_scrollTimer.setSingleShot(true);
    m_scrollTimer.setInterval(0);
    connect(&m_scrollTimer, &QTimer::timeout, this, [this] {
        if (m_following)
            scrollToBottom();
    });
    // Fires for what the user does to the scroll bar (drag, click, wheel), never for setValue(): the
    // model growing or the view following the tail do not count as the user scrolling.
    connect(verticalScrollBar(), &QAbstractSlider::actionTriggered, this, &LogView::onScrollAction);
}

void LogView::setModel(QAbstractItemModel *model)
{
    if (QAbstractItemModel *old = this->model())
        disconnect(old, nullptr, this, nullptr);
    QListView::setModel(model);
    if (!model)
        return;
    connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsChanged);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsChanged);
    connect(model, &QAbstractItemModel::modelReset, this, &LogView::onRowsChanged);
    connect(model, &QAbstractItemModel::layoutChanged, this, &LogView::onRowsChanged);
    onRowsChanged();
}

bool LogView::isAtBottom() const
{
    const QScrollBar *bar = verticalScrollBar();
    return bar->value() >= bar->maximum();
}

void LogView::setFollowing(bool follow)
{
    if (follow)
        m_scrollTimer.start();
    if (follow == m_following)
        return;
    m_following = follow;
    emit followingChanged(follow);
}

void LogView::onRowsChanged()
{
    if (m_following)
        m_scrollTimer.start();
}

void LogView::onScrollAction()
{
    // The slider's position already is where the action takes it; its value follows after this.
    const QScrollBar *bar = verticalScrollBar();
    setFollowing(bar->sliderPosition() >= bar->maximum());
}

void LogView::updateFollowingFromPosition()
{
    setFollowing(isAtBottom());
}

QString LogView::selectedText() const
{
    if (!selectionModel())
        return QString();
    QModelIndexList rows = selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QString text;
    for (const QModelIndex &row : std::as_const(rows)) {
        text.append(row.data(Qt::DisplayRole).toString());
        text.append(QLatin1Char('\n'));
    }
    return text;
}

void LogView::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

bool LogView::event(QEvent *event)
{
    // Ctrl+C here copies every selected line, even when the window has a Copy action of its own.
    if (event->type() == QEvent::ShortcutOverride && static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
        event->accept();
        return true;
    }
    return QListView::event(event);
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection(); // QAbstractItemView would copy the current line only
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
    case Qt::Key_Home:
    case Qt::Key_End:
        updateFollowingFromPosition();
        break;
    default:
        break;
    }
}

} // namespace fanout
