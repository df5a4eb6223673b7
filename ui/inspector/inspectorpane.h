#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QTableWidget;
class QListWidgetItem;

namespace fanout {

class PlanDocument;
class PlanFanOutForm;
class PlanSummary;
class ResourceForm;
class Deployment;
class ResourceSelection;
class Workspace;
struct Resource;
struct ResourceStatus;
struct RunEvent;

// The Inspector: with nothing selected, the plan and its run at a glance (PlanSummary); else
// everything about the selected resource — its properties, where an imported one
// came from (and which mapping rule chose its executor), what it depends on and what depends on it
// (click one to select it), every attempt, the last error, and Retry. The id can be changed in
// place between runs (references follow), and every property in a form that fits the executor
// type, or as JSON (ResourceForm), as edits of the workspace's document. The form is locked while the resource runs;
// the rest of the plan stays editable during a run, for the next run.
class InspectorPane : public QWidget
{
    Q_OBJECT

public:
    explicit InspectorPane(Workspace &workspace, QWidget *parent = nullptr);
    ~InspectorPane() override;

    QPushButton *retryButton() const { return m_retry; }
    QLabel *sourceLabel() const { return m_source; } // the imported resource's facts; hidden for others
    QLineEdit *idEdit() const { return m_id; }
    QLabel *idError() const { return m_idError; } // why a rename was refused; hidden otherwise
    ResourceForm *form() const { return m_form; } // the selected resource's properties
    PlanSummary *summary() const { return m_summary; } // shown when nothing is selected
    PlanFanOutForm *fanOutForm() const { return m_fanOutForm; } // so is this

    // Shows and focuses what edits `path` of the selected resource (relative to it, as diagnostics
    // give it after "resources[N].": "timeout", "command[1]", "depends_on[0]", "id"); false when the
    // resource has no such place.
    bool focusField(const QString &path);

signals:
    void showLogsRequested(int resource);

private:
    void createSummary(); // title, state, buttons, id
    void createDetails(); // what the resource is, comes from, waits for, and did
    void layOut();
    void refresh();
    void showProperties(int resource);
    void showSource(const Resource &resource);
    void showAttempts(const ResourceStatus &status);
    void onEvents(const QList<RunEvent> &events);
    void fillLinks(QListWidget *list, const std::vector<int> &resources);
    void onLinkActivated(QListWidgetItem *item);
    void rename();
    bool canEdit() const;
    void updateFormLock();

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    QLineEdit *m_id;
    QLabel *m_idError;
    QString m_idErrorFor; // the resource the refusal is about
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_properties;
    QLabel *m_sourceHeading;
    QLabel *m_source;
    QListWidget *m_dependencies;
    QListWidget *m_dependents;
    QTableWidget *m_attempts;
    QPlainTextEdit *m_error;
    ResourceForm *m_form;
    QScrollArea *m_scroll;
    QPushButton *m_retry;
    QPushButton *m_logs;
    QWidget *m_details;
    PlanSummary *m_summary;
    QWidget *m_fanOut;             // under the summary: the plan's targets and rollout
    PlanFanOutForm *m_fanOutForm;
};

} // namespace fanout
