#pragma once

#include <QList>
#include <QString>

class QDockWidget;
class QMainWindow;
class QMenu;
class QWidget;

namespace fanout {

// Where the dashboard's panes go around the graph, in one place for the first layout and for
// View → Reset Layout: the resources table above the Inspector in a right column that runs the
// window's full height; the timeline beside the logs below the graph, Problems, Forecast and Targets as tabs
// of the logs and History as a tab of the resources. Saved with the window's geometry when it closes and restored when it opens (QSettings),
// unless the layout's version has changed since.
class DockLayout
{
public:
    struct Panes
    {
        QWidget *resources;
        QWidget *inspector;
        QWidget *timeline;
        QWidget *logs;
        QWidget *problems;
        QWidget *history;
        QWidget *forecast;
        QWidget *targets;
    };

    DockLayout(QMainWindow &window, const Panes &panes);

    void reset();         // every pane back where the first layout puts it, shown and docked
    void restore();       // as the window was last closed
    void save() const;
    void addToggles(QMenu *menu) const; // View: one checkable action per pane

    QDockWidget *resources() const { return m_resources; }
    QDockWidget *inspector() const { return m_inspector; }
    QDockWidget *timeline() const { return m_timeline; }
    QDockWidget *logs() const { return m_logs; }
    QDockWidget *problems() const { return m_problems; }
    QDockWidget *history() const { return m_history; }
    QDockWidget *forecast() const { return m_forecast; }
    QDockWidget *targets() const { return m_targets; }

private:
    QDockWidget *addPane(const QString &title, const QString &objectName, QWidget *widget);
    void arrange();
    QList<QDockWidget *> docks() const;

    QMainWindow &m_window;
    QDockWidget *m_resources;
    QDockWidget *m_inspector;
    QDockWidget *m_timeline;
    QDockWidget *m_logs;
    QDockWidget *m_problems;
    QDockWidget *m_history;
    QDockWidget *m_forecast;
    QDockWidget *m_targets;
};

} // namespace fanout
