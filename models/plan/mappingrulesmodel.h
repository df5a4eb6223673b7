#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

class ExecutorRegistry;

// A plan's executor mapping as a table the user edits: one row per rule (match, address, executor,
// parameters as JSON text, estimate), each checked as it is typed so that a problem shows in its
// row with the reason, and how many of the plan's imported resources each rule maps. Rules are tried
// in row order, so moving a row changes what it maps. The built-in table (ExecutorMapping::builtIn)
// is shown by a read-only instance (setBuiltIn).
class MappingRulesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MatchColumn, AddressColumn, ExecutorColumn, ParametersColumn, EstimateColumn, ResourcesColumn, ProblemColumn, ColumnCount };
    enum Roles {
        ProblemRole = Qt::UserRole, // QString: what is wrong with the row; empty when nothing
        IsErrorRole,                // bool: the problem is an error (a warning otherwise)
        CountRole,                  // int: resources the rule maps
    };

    // A resource to preview: its source type and address, as mapping rules match them.
    struct Source
    {
        QString type;
        QString address;
    };

    explicit MappingRulesModel(const ExecutorRegistry &registry, QObject *parent = nullptr);

    // Shows a plan's "mapping" list (editable). Entries that are not rule objects keep their place
    // as rows with a problem.
    void setRules(const nlohmann::ordered_json &rules);
    // Shows the shipped table of estimates, read-only.
    void setBuiltIn();
    bool isBuiltIn() const { return m_builtIn; }

    // The rules as a plan's "mapping" list, in row order. A row's parameters that are not a JSON
    // object are left out (the row has an error then).
    nlohmann::ordered_json rules() const;

    // The resources whose counts the Resources column shows. For the built-in table, a resource
    // counts against the first built-in rule that fits it; `ownRules` (the plan's rules) go first.
    void setSources(const QList<Source> &sources, const MappingRulesModel *ownRules = nullptr);
    int count(int row) const;
    int unmatchedCount() const { return m_unmatched; } // sources no row fits

    // Problems the plan as a whole found with a rule (such as a command a mapped resource cannot
    // use), shown where the row has none of its own; keyed by row.
    void setPlanProblems(const QHash<int, QString> &problems);

    QString problem(int row) const;
    bool hasErrors() const;
    int errorRow() const; // the first row with an error, -1 when none

    // A new rule at `row`: match "*" and the given executor fields.
    void insertRule(int row, const QString &match, const nlohmann::ordered_json &fields);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    bool removeRows(int row, int count, const QModelIndex &parent = QModelIndex()) override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count, const QModelIndex &destinationParent,
                  int destinationChild) override;

    // JSON on one line with a space after each comma and colon: {"command": ["echo", "${address}"]}
    static QString compactJson(const nlohmann::ordered_json &value);

signals:
    // The rules changed (an edit, a row added, removed or moved): counts and problems are updated.
    void rulesChanged();

private:
    struct Row
    {
        QString match;
        QString address;
        QString executor;
        QString parameters; // a JSON object's text, without match, address, type and estimate
        QString estimate;
        QString problem;
        int problemColumn = -1;
        bool problemIsError = false;
        QString planProblem;
        int count = 0;
    };

    void check(Row &row) const;
    static bool showsOwnProblem(const Row &row);
    static bool isError(const Row &row);
    void recount();
    void refreshAll();

    const ExecutorRegistry &m_registry;
    QList<Row> m_rows;
    QList<Source> m_sources;
    const MappingRulesModel *m_ownRules = nullptr;
    int m_unmatched = 0;
    bool m_builtIn = false;
};

} // namespace fanout
