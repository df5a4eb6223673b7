#pragma once

#include "engine/support/diagnostic.h"

#include <QAbstractTableModel>

#include <nlohmann/json.hpp>

namespace fanout {

// The plan document's current problems, one row each, for the Problems panel: how bad, what is
// wrong, and where in the user's words (the resource's id and the field) rather than a JSON path.
class DiagnosticsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MessageColumn, ResourceColumn, FieldColumn, ColumnCount };
    enum Roles {
        ResourceIdRole = Qt::UserRole, // the id of the resource the problem is in; empty for the plan
        FieldRole,                     // "timeout", "depends_on[1]"; empty for the whole resource
        PathRole,                      // the JSON path as `fanout validate` prints it
        IsErrorRole,
    };

    explicit DiagnosticsModel(QObject *parent = nullptr);

    // `document` is the JSON the paths point into: the resource ids are read from it.
    void setDiagnostics(const Diagnostics &diagnostics, const nlohmann::ordered_json &document);
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    int errorCount() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "resources[3].depends_on[1]" → index 3, field "depends_on[1]"; -1 and the whole path when the
    // path is not inside a resource.
    static int resourceIndex(const QString &path, QString *field = nullptr);

private:
    struct Row
    {
        QString resourceId;
        QString field;
    };

    Diagnostics m_diagnostics;
    QList<Row> m_rows;
};

} // namespace fanout
