#include "models/plan/mappingrulesmodel.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/executormapping.h"
#include "engine/plan/planfields.h"
#include "engine/support/closestmatch.h"
#include "engine/support/counted.h"
#include "engine/support/duration.h"
#include "engine/support/structuredtext.h"

#include <QBrush>
#include <QColor>
#include <QHash>

#include <algorithm>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// Fields with a column of their own; the Parameters column holds everything else.
const char *const kOwnColumns[] = {"match", "address", "type", "estimate"};
// Fields every resource may have whatever its executor, so not the executor's to check.
const QStringList kCommonFields = {QStringLiteral("timeout"), QStringLiteral("retry"), QStringLiteral("name"),
                                   QStringLiteral("group"), QStringLiteral("destroy")};

const QColor kErrorBackground(0xfc, 0xe8, 0xe6);
const QColor kErrorText(0xb3, 0x14, 0x12);
const QColor kWarningText(0x8a, 0x5a, 0x00);
const QColor kMutedText(0x5f, 0x63, 0x68);

QString text(const json &value)
{
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    return value.is_null() ? QString() : MappingRulesModel::compactJson(value);
}

void appendCompact(const json &value, std::string &out)
{
    if (value.is_object()) {
        out += '{';
        bool first = true;
        for (const auto &[key, member] : value.items()) {
            if (!first)
                out += ", ";
            first = false;
            out += json(key).dump();
            out += ": ";
            appendCompact(member, out);
        }
        out += '}';
    } else if (value.is_array()) {
        out += '[';
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0)
                out += ", ";
            appendCompact(value[i], out);
        }
        out += ']';
    } else {
        out += value.dump(-1, ' ', false, json::error_handler_t::replace);
    }
}

} // namespace

MappingRulesModel::MappingRulesModel(const ExecutorRegistry &registry, QObject *parent)
    : QAbstractTableModel(parent)
    , m_registry(registry)
{
}

QString MappingRulesModel::compactJson(const nlohmann::ordered_json &value)
{
    std::string out;
    appendCompact(value, out);
    return QString::fromStdString(out);
}

void MappingRulesModel::setRules(const nlohmann::ordered_json &rules)
{
    beginResetModel();
    m_builtIn = false;
    m_rows.clear();
    const json list = rules.is_array() ? rules : json::array();
    for (const json &entry : list) {
        Row row;
        if (entry.is_object()) {
            row.match = text(entry.value("match", json()));
            row.address = text(entry.value("address", json()));
            row.executor = text(entry.value("type", json()));
            row.estimate = text(entry.value("estimate", json()));
            json parameters = json::object();
            for (const auto &[key, value] : entry.items()) {
                if (std::find(std::begin(kOwnColumns), std::end(kOwnColumns), key) == std::end(kOwnColumns))
                    parameters[key] = value;
            }
            row.parameters = parameters.empty() ? QString() : compactJson(parameters);
        } else {
            row.parameters = compactJson(entry); // shown as it is, and flagged
        }
        m_rows.append(row);
    }
    for (Row &row : m_rows)
        check(row);
    recount();
    endResetModel();
}

void MappingRulesModel::setBuiltIn()
{
    beginResetModel();
    m_builtIn = true;
    m_rows.clear();
    for (const ExecutorMapping::Rule &rule : ExecutorMapping::builtIn().rules()) {
        Row row;
        row.match = rule.match;
        row.executor = text(rule.fields.value("type", json()));
        row.estimate = text(rule.fields.value("estimate", json()));
        json parameters = rule.fields;
        parameters.erase("type");
        parameters.erase("estimate");
        row.parameters = parameters.empty() ? QString() : compactJson(parameters);
        m_rows.append(row);
    }
    recount();
    endResetModel();
}

json MappingRulesModel::rules() const
{
    json list = json::array();
    for (const Row &row : m_rows) {
        json rule = json::object();
        rule["match"] = row.match.toStdString();
        if (!row.address.isEmpty())
            rule["address"] = row.address.toStdString();
        rule["type"] = row.executor.toStdString();
        const QString parameters = row.parameters.trimmed();
        if (!parameters.isEmpty()) {
            const StructuredText parsed = StructuredText::parseJson(parameters.toStdString());
            if (parsed.ok() && parsed.document().is_object()) {
                for (const auto &[key, value] : parsed.document().items()) {
                    if (!rule.contains(key))
                        rule[key] = value;
                }
            }
        }
        if (!row.estimate.isEmpty())
            rule["estimate"] = row.estimate.toStdString();
        list.push_back(std::move(rule));
    }
    return list;
}

void MappingRulesModel::check(Row &row) const
{
    row.problem.clear();
    row.problemColumn = -1;
    row.problemIsError = true;
    const auto flag = [&row](int column, const QString &message, bool isError = true) {
        row.problem = message;
        row.problemColumn = column;
        row.problemIsError = isError;
    };
    if (row.match.trimmed().isEmpty())
        return flag(MatchColumn, tr("needs a match: the source types it applies to, such as aws_* or AWS::RDS::* (* matches anything)"));
    if (row.executor.isEmpty())
        return flag(ExecutorColumn, tr("needs an executor type: %1").arg(m_registry.types().join(QStringLiteral(", "))));
    const Executor *executor = m_registry.find(row.executor);
    if (!executor)
        return flag(ExecutorColumn, tr("unknown executor type \"%1\"%2; the types are: %3")
                                        .arg(row.executor, didYouMean(row.executor, m_registry.types()),
                                             m_registry.types().join(QStringLiteral(", "))));
    json parameters = json::object();
    if (!row.parameters.trimmed().isEmpty()) {
        const StructuredText parsed = StructuredText::parseJson(row.parameters.trimmed().toStdString());
        if (!parsed.ok()) {
            const Diagnostic d = parsed.diagnostics().value(0);
            return flag(ParametersColumn, tr("invalid JSON at column %1: %2").arg(d.column).arg(d.message));
        }
        if (!parsed.document().is_object())
            return flag(ParametersColumn, tr("parameters are a JSON object, such as {\"command\": [\"echo\", \"${address}\"]}"));
        parameters = parsed.document();
    }
    for (const char *own : kOwnColumns) {
        if (parameters.contains(own))
            return flag(ParametersColumn, tr("\"%1\" has a column of its own; take it out of the parameters").arg(QLatin1String(own)));
    }
    if (!row.estimate.isEmpty()) {
        if (const Expected<qint64> estimate = parseDuration(row.estimate); !estimate)
            return flag(EstimateColumn, estimate.error());
    }
    json executorParameters = parameters;
    for (const QString &common : kCommonFields)
        executorParameters.erase(common.toStdString());
    Diagnostics problems;
    executor->validate(executorParameters, QString(), problems);
    for (const Diagnostic &d : problems) {
        if (d.isError())
            return flag(ParametersColumn, d.path.isEmpty() ? d.message : QStringLiteral("%1: %2").arg(d.path, d.message));
    }
    // What neither a resource nor the executor has would stop the plan (x- notes aside).
    Diagnostics unknown;
    PlanFields::check(parameters, QString(), executor->parameterNames() + PlanFields::resourceFields(),
                      tr("a resource of type %1").arg(row.executor), unknown);
    if (!unknown.isEmpty())
        return flag(ParametersColumn, unknown.first().message);
}

void MappingRulesModel::setSources(const QList<Source> &sources, const MappingRulesModel *ownRules)
{
    m_sources = sources;
    m_ownRules = ownRules;
    recount();
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, ResourcesColumn), index(rowCount() - 1, ResourcesColumn));
}

void MappingRulesModel::recount()
{
    for (Row &row : m_rows)
        row.count = 0;
    m_unmatched = 0;
    if (m_builtIn) {
        // The plan's own rules go first: what they map never reaches the built-in table.
        QList<ExecutorMapping::Rule> own;
        if (m_ownRules) {
            for (const Row &row : m_ownRules->m_rows) {
                ExecutorMapping::Rule rule;
                rule.match = row.match;
                rule.address = row.address;
                own.append(rule);
            }
        }
        const ExecutorMapping mapping = ExecutorMapping::withRules(own);
        const QList<ExecutorMapping::Rule> &builtIn = ExecutorMapping::builtIn().rules();
        for (const Source &source : std::as_const(m_sources)) {
            const ExecutorMapping::Rule &rule = mapping.ruleFor(source.type, source.address);
            const qsizetype at = &rule - builtIn.constData();
            if (rule.builtIn && at >= 0 && at < m_rows.size())
                ++m_rows[at].count;
            else if (!rule.builtIn)
                ++m_unmatched;
        }
        return;
    }
    QList<ExecutorMapping::Rule> own;
    for (int r = 0; r < m_rows.size(); ++r) {
        ExecutorMapping::Rule rule;
        rule.match = m_rows[r].match;
        rule.address = m_rows[r].address;
        rule.path = QString::number(r);
        if (!rule.match.isEmpty()) // as ExecutorMapping::fromJson, which skips a rule without one
            own.append(rule);
    }
    const ExecutorMapping mapping = ExecutorMapping::withRules(own);
    for (const Source &source : std::as_const(m_sources)) {
        if (const ExecutorMapping::Rule *rule = mapping.ownRuleFor(source.type, source.address))
            ++m_rows[rule->path.toInt()].count;
        else
            ++m_unmatched;
    }
}

int MappingRulesModel::count(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].count : 0;
}

void MappingRulesModel::setPlanProblems(const QHash<int, QString> &problems)
{
    bool changed = false;
    for (int r = 0; r < m_rows.size(); ++r) {
        const QString problem = problems.value(r);
        if (m_rows[r].planProblem != problem) {
            m_rows[r].planProblem = problem;
            changed = true;
        }
    }
    if (changed)
        refreshAll();
}

QString MappingRulesModel::problem(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return QString();
    const Row &r = m_rows[row];
    return showsOwnProblem(r) ? r.problem : r.planProblem;
}

bool MappingRulesModel::hasErrors() const
{
    return errorRow() >= 0;
}

int MappingRulesModel::errorRow() const
{
    for (int r = 0; r < m_rows.size(); ++r) {
        if (isError(m_rows[r]))
            return r;
    }
    return -1;
}

bool MappingRulesModel::showsOwnProblem(const Row &row)
{
    // A rule's own error comes first; a warning gives way to what the plan found.
    return !row.problem.isEmpty() && (row.problemIsError || row.planProblem.isEmpty());
}

bool MappingRulesModel::isError(const Row &row)
{
    return showsOwnProblem(row) ? row.problemIsError : !row.planProblem.isEmpty();
}

void MappingRulesModel::insertRule(int row, const QString &match, const nlohmann::ordered_json &fields)
{
    row = std::clamp(row, 0, int(m_rows.size()));
    Row added;
    added.match = match;
    added.executor = text(fields.value("type", json()));
    added.estimate = text(fields.value("estimate", json()));
    json parameters = fields.is_object() ? fields : json::object();
    for (const char *own : kOwnColumns)
        parameters.erase(own);
    added.parameters = parameters.empty() ? QString() : compactJson(parameters);
    check(added);
    beginInsertRows(QModelIndex(), row, row);
    m_rows.insert(row, added);
    endInsertRows();
    recount();
    refreshAll();
    emit rulesChanged();
}

int MappingRulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MappingRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MappingRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows[index.row()];
    const int column = index.column();
    const QString problem = this->problem(index.row());
    const bool isError = MappingRulesModel::isError(row);
    // The plan's problems with a rule come from what its parameters make of a resource.
    const int problemColumn = showsOwnProblem(row) ? row.problemColumn : ParametersColumn;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (column) {
        case MatchColumn: return row.match;
        case AddressColumn: return role == Qt::DisplayRole && row.address.isEmpty() && !m_builtIn ? tr("(any)") : row.address;
        case ExecutorColumn: return row.executor;
        case ParametersColumn: return row.parameters;
        case EstimateColumn: return row.estimate;
        case ResourcesColumn: return role == Qt::DisplayRole ? QVariant(row.count) : QVariant();
        case ProblemColumn: return problem.isEmpty() ? (m_builtIn ? QString() : tr("OK")) : problem;
        }
        return QVariant();
    case Qt::ToolTipRole:
        if (!problem.isEmpty() && (column == problemColumn || column == ProblemColumn))
            return problem;
        if (column == ResourcesColumn)
            return tr("%1 provisioned by this rule").arg(counted(row.count, "imported resource"));
        if (column == ParametersColumn && !row.parameters.isEmpty())
            return row.parameters;
        return QVariant();
    case Qt::ForegroundRole:
        if (column == ProblemColumn)
            return QBrush(problem.isEmpty() ? kMutedText : isError ? kErrorText : kWarningText);
        if (column == AddressColumn && row.address.isEmpty())
            return QBrush(kMutedText);
        if (column == ResourcesColumn && row.count == 0)
            return QBrush(kMutedText);
        return QVariant();
    case Qt::BackgroundRole:
        if (isError && (column == problemColumn || column == ProblemColumn))
            return QBrush(kErrorBackground);
        return QVariant();
    case Qt::TextAlignmentRole:
        if (column == ResourcesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case ProblemRole:
        return problem;
    case IsErrorRole:
        return isError;
    case CountRole:
        return row.count;
    }
    return QVariant();
}

QVariant MappingRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole)
            return section + 1;
        return QVariant();
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case MatchColumn: return tr("Match (source type)");
        case AddressColumn: return tr("Address");
        case ExecutorColumn: return tr("Executor");
        case ParametersColumn: return tr("Parameters (JSON)");
        case EstimateColumn: return tr("Estimate");
        case ResourcesColumn: return tr("Maps");
        case ProblemColumn: return tr("Check");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case MatchColumn: return tr("A pattern of source types, such as aws_db_* or AWS::RDS::*; * matches anything, ? one character");
        case AddressColumn: return tr("A pattern of source addresses, such as module.db.*; empty matches any");
        case ExecutorColumn: return tr("What provisions the resources: %1").arg(m_registry.types().join(QStringLiteral(", ")));
        case ParametersColumn: return tr("The executor's parameters as a JSON object; ${address}, ${type}, ${id}, ${name} and ${group} "
                                         "become the resource's own");
        case EstimateColumn: return tr("How long one takes, such as 30s or 5m; a forecast rests on it");
        case ResourcesColumn: return tr("How many of the plan's imported resources this rule provisions");
        case ProblemColumn: return tr("What is wrong with the rule, if anything");
        }
    }
    return QVariant();
}

Qt::ItemFlags MappingRulesModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (!m_builtIn && index.column() <= EstimateColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool MappingRulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || m_builtIn || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Row &row = m_rows[index.row()];
    const QString text = value.toString().trimmed();
    QString *field = nullptr;
    switch (index.column()) {
    case MatchColumn: field = &row.match; break;
    case AddressColumn: field = &row.address; break;
    case ExecutorColumn: field = &row.executor; break;
    case ParametersColumn: field = &row.parameters; break;
    case EstimateColumn: field = &row.estimate; break;
    default: return false;
    }
    if (*field == text)
        return true;
    *field = text;
    row.planProblem.clear(); // the plan checks the new rule again
    check(row);
    recount();
    refreshAll();
    emit rulesChanged();
    return true;
}

bool MappingRulesModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (m_builtIn || parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    recount();
    refreshAll();
    emit rulesChanged();
    return true;
}

bool MappingRulesModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count, const QModelIndex &destinationParent,
                                 int destinationChild)
{
    if (m_builtIn || sourceParent.isValid() || destinationParent.isValid() || count != 1 || sourceRow < 0
        || sourceRow >= m_rows.size() || destinationChild < 0 || destinationChild > m_rows.size()
        || destinationChild == sourceRow || destinationChild == sourceRow + 1)
        return false;
    if (!beginMoveRows(sourceParent, sourceRow, sourceRow, destinationParent, destinationChild))
        return false;
    m_rows.move(sourceRow, destinationChild > sourceRow ? destinationChild - 1 : destinationChild);
    endMoveRows();
    recount(); // rules are tried in order: moving one changes what each maps
    refreshAll();
    emit rulesChanged();
    return true;
}

void MappingRulesModel::refreshAll()
{
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace fanout
