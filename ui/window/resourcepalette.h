#pragma once

#include <QStringList>
#include <QToolBar>

class QToolButton;

namespace fanout {

class ExecutorTypes;

// The palette of executor types a plan's resources are made of: a button for each, with the icon
// and summary its executor describes itself with. Clicking one asks for a new resource of that
// type next to the selection; dragging one onto the graph puts it where it is dropped (the drag
// carries the type as kMimeType).
class ResourcePalette : public QToolBar
{
    Q_OBJECT

public:
    static constexpr const char *kMimeType = "application/x-fanout-executor-type";

    explicit ResourcePalette(const ExecutorTypes &types, QWidget *parent = nullptr);

    QToolButton *button(const QString &type) const; // null for a type it does not offer

signals:
    void addRequested(const QString &type);
};

} // namespace fanout
