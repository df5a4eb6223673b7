#include "models/plan/diagnosticsmodel.h"

#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QRegularExpression>

namespace fanout {

namespace {

// A glyph per severity that reads without colour too: a round "!" for errors, a triangle for warnings.
QIcon severityIcon(bool error)
{
    static const QIcon icons[2] = {
        [] {
            QPixmap pixmap(16, 16);
            pixmap.fill(Qt::transparent);
            QPainter p(&pixmap);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0xe3, 0xa0, 0x08));
            p.drawPolygon(QPolygonF({QPointF(8, 1), QPointF(15, 14.5), QPointF(1, 14.5)}));
            p.setPen(QPen(Qt::black, 1.6));
            p.drawLine(QPointF(8, 5.5), QPointF(8, 10));
            p.drawPoint(QPointF(8, 12.5));
            return QIcon(pixmap);
        }(),
        [] {
            QPixmap pixmap(16, 16);
            pixmap.fill(Qt::transparent);
            QPainter p(&pixmap);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0xd9, 0x30, 0x25));
            p.drawEllipse(QRectF(1, 1, 14, 14));
            p.setPen(QPen(Qt::white, 1.8));
            p.drawLine(QPointF(8, 4), QPointF(8, 9));
            p.drawPoint(QPointF(8, 12));
            return QIcon(pixmap);
        }(),
    };
    return icons[error ? 1 : 0];
}

} // namespace

DiagnosticsModel::DiagnosticsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int DiagnosticsModel::resourceIndex(const QString &path, QString *field)
{
    static const QRegularExpression inResource(QStringLiteral("^resources\\[(\\d+)\\]\\.?(.*)$"));
    const auto match = inResource.match(path);
    if (!match.hasMatch()) {
        if (field)
            *field = path;
        return -1;
    }
    if (field)
        *field = match.captured(2);
    return match.captured(1).toInt();
}

void DiagnosticsModel::setDiagnostics(const Diagnostics &diagnostics, const nlohmann::ordered_json &document)
{
    beginResetModel();
    m_diagnostics = diagnostics;
    m_rows.clear();
    const auto resources = document.is_object() ? document.find("resources") : document.end();
    for (const Diagnostic &d : diagnostics) {
        Row row;
        const int index = resourceIndex(d.path, &row.field);
        if (index >= 0) {
            const bool known = resources != document.end() && resources->is_array() && std::size_t(index) < resources->size();
            const auto *resource = known ? &(*resources)[std::size_t(index)] : nullptr;
            if (resource && resource->is_object() && resource->contains("id") && (*resource)["id"].is_string()
                && !(*resource)["id"].get<std::string>().empty())
                row.resourceId = QString::fromStdString((*resource)["id"].get<std::string>());
            else
                row.resourceId = tr("resource %1").arg(index + 1); // no id to tell it by
        }
        m_rows.append(row);
    }
    endResetModel();
}

int DiagnosticsModel::errorCount() const
{
    return fanout::errorCount(m_diagnostics);
}

int DiagnosticsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_diagnostics.size());
}

int DiagnosticsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiagnosticsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Diagnostic &d = m_diagnostics[index.row()];
    const Row &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case MessageColumn:
            return d.message;
        case ResourceColumn:
            return row.resourceId.isEmpty() ? tr("(plan)") : row.resourceId;
        case FieldColumn:
            return row.field;
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == MessageColumn ? QVariant(severityIcon(d.isError())) : QVariant();
    case Qt::ToolTipRole:
        return QStringLiteral("%1: %2").arg(d.isError() ? tr("error") : tr("warning"), d.toString());
    case ResourceIdRole:
        return row.resourceId;
    case FieldRole:
        return row.field;
    case PathRole:
        return d.path;
    case IsErrorRole:
        return d.isError();
    }
    return {};
}

QVariant DiagnosticsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case MessageColumn:
        return tr("Problem");
    case ResourceColumn:
        return tr("Resource");
    case FieldColumn:
        return tr("Field");
    }
    return {};
}

} // namespace fanout
