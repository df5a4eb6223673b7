#pragma once

#include "engine/support/expected.h"

#include "models/logs/logfiltermodel.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace fanout {

class LogModel;
class LogView;

// One log pane: a filter row (text, minimum level, Follow, Save…) over a LogView of one resource's
// lines or all of them. Copy (Ctrl+C) copies the selected lines; Save… writes the lines the filter
// shows.
class LogPane : public QWidget
{
    Q_OBJECT

public:
    // `resource`: a resource's index, or LogFilterModel::kAllResources for the All pane, which also
    // shows each line's resource id.
    explicit LogPane(LogModel *model, int resource = LogFilterModel::kAllResources, QWidget *parent = nullptr);

    int resource() const;
    LogModel *model() const { return m_model; }
    LogFilterModel *filterModel() const { return m_filter; }
    LogView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    QComboBox *levelBox() const { return m_levelBox; }
    QToolButton *followButton() const { return m_followButton; }
    QAction *copyAction() const { return m_copyAction; }
    QAction *saveAction() const { return m_saveAction; }

    bool isFollowing() const;
    void setFollowing(bool follow);

    // Writes the lines the filter shows, as Copy writes them, to `path` (UTF-8, one per line).
    Expected<void> saveTo(const QString &path) const;
    QString countText() const; // "1,204 lines", "12 of 1,204 lines"

public slots:
    void copy();
    void save(); // asks where

signals:
    void resourceClicked(int resource);   // a line was clicked; -1 for a line about the run
    void resourceActivated(int resource); // a line was double-clicked

private:
    void updateCount();
    void updateResourceColumn();
    void showContextMenu(const QPoint &pos);
    QString suggestedFileName() const;

    LogModel *m_model;
    LogFilterModel *m_filter;
    LogView *m_view;
    QLineEdit *m_filterEdit;
    QComboBox *m_levelBox;
    QToolButton *m_followButton;
    QToolButton *m_saveButton;
    QLabel *m_count;
    QAction *m_copyAction;
    QAction *m_saveAction;
};

} // namespace fanout
