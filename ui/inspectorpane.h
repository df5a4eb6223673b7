#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QListWidgetItem;

namespace fanout {

class RunSession;
struct RunEvent;

// The Inspector: everything about the selected resource — its properties, where an imported one
// came from (and which mapping rule chose its executor), what it depends on and what depends on it
// (click one to select it), every attempt, the last error, and Retry.
class InspectorPane : public QWidget
{
    Q_OBJECT

public:
    explicit InspectorPane(RunSession &session, QWidget *parent = nullptr);

    QPushButton *retryButton() const { return m_retry; }
    QLabel *sourceLabel() const { return m_source; } // the imported resource's facts; hidden for others

signals:
    void showLogsRequested(int resource);

private:
    void refresh();
    void onEvents(const QList<RunEvent> &events);
    void fillLinks(QListWidget *list, const std::vector<int> &resources);
    void onLinkActivated(QListWidgetItem *item);

    RunSession &m_session;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_properties;
    QLabel *m_sourceHeading;
    QLabel *m_source;
    QListWidget *m_dependencies;
    QListWidget *m_dependents;
    QTableWidget *m_attempts;
    QPlainTextEdit *m_error;
    QPlainTextEdit *m_parameters;
    QPushButton *m_retry;
    QPushButton *m_logs;
    QWidget *m_details;
    QLabel *m_empty;
};

} // namespace fanout
