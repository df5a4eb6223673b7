#pragma once

#include <QTabWidget>

namespace fanout {

class LogModel;
class LogPane;
class Deployment;
class ResourceSelection;
class Workspace;

// The log panes of the dashboard: the "All" tab with every line of the run, and a closable tab per
// resource opened with showResource(). All share one LogModel that follows the session; resource
// tabs close when the plan changes, since their resources may be gone. Each resource tab shows the
// resource's state as its icon. Clicking a line in the All tab selects its resource in the session;
// double-clicking opens the resource's tab.
class LogPanes : public QTabWidget
{
    Q_OBJECT

public:
    explicit LogPanes(Workspace &workspace, QWidget *parent = nullptr);
    ~LogPanes() override;

    LogModel *model() const { return m_model; }
    LogPane *allPane() const { return m_all; }
    LogPane *pane(int resource) const; // the open tab of `resource`, or null
    LogPane *currentPane() const;
    QList<int> openResources() const;   // in tab order

public slots:
    // Opens `resource`'s tab, or brings it to the front if it is open.
    void showResource(int resource);
    void showAll();
    void closeResource(int resource);

private:
    void closeResourceTabs();
    void updateTabIcons(const QList<int> &resources);

    Workspace &m_workspace;
    Deployment &m_deployment;
    ResourceSelection &m_selection;
    LogModel *m_model;
    LogPane *m_all;
};

} // namespace fanout
