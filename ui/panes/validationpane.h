#pragma once

#include "engine/support/diagnostic.h"

#include <QWidget>

#include <nlohmann/json.hpp>

class QLabel;
class QModelIndex;
class QStackedWidget;
class QTreeView;

namespace fanout {

class DiagnosticsModel;

// The Problems panel: every current problem of the plan being edited, the same messages
// `fanout validate` prints, each with the resource and field it is in. Clicking one asks for that
// resource to be selected and the field to be shown.
class ValidationPane : public QWidget
{
    Q_OBJECT

public:
    explicit ValidationPane(QWidget *parent = nullptr);

    void setDiagnostics(const Diagnostics &diagnostics, const nlohmann::ordered_json &document);

    DiagnosticsModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QLabel *emptyLabel() const { return m_empty; }

signals:
    // `field`: the path in the resource ("timeout", "depends_on[1]"); empty for the whole resource.
    void resourceActivated(const QString &id, const QString &field);

private:
    void onActivated(const QModelIndex &index);

    DiagnosticsModel *m_model;
    QTreeView *m_view;
    QLabel *m_empty;
    QStackedWidget *m_stack;
};

} // namespace fanout
