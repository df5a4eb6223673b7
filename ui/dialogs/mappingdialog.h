#pragma once

#include "engine/plan/planreader.h"
#include "models/plan/mappingrulesmodel.h"

#include <QDialog>

#include <nlohmann/json.hpp>

class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;

namespace fanout {

class ExecutorRegistry;

// Plan → Executor Mapping…: the plan's own mapping rules as an editable table (add, remove, move
// up and down; each rule checked as it is edited, with how many resources it maps), and the
// built-in table of estimates, read-only, in a second tab. OK is offered only when the plan reads
// without errors with the rules as edited; the window then applies them (mapping()).
class MappingDialog : public QDialog
{
    Q_OBJECT

public:
    // `document`: the plan as its file says, whose "mapping" the table starts from.
    MappingDialog(const nlohmann::ordered_json &document, const ExecutorRegistry &registry, QWidget *parent = nullptr);
    ~MappingDialog() override;

    // The rules as edited, for the plan's "mapping".
    nlohmann::ordered_json mapping() const;
    // The plan read with them: what OK applies.
    const PlanReadResult &preview() const { return m_preview; }

    MappingRulesModel *rulesModel() const { return m_rules; }
    MappingRulesModel *builtInModel() const { return m_builtIn; }
    QTableView *rulesView() const { return m_rulesView; }
    QTableView *builtInView() const { return m_builtInView; }
    QTabWidget *tabs() const { return m_tabs; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QPushButton *moveUpButton() const { return m_up; }
    QPushButton *moveDownButton() const { return m_down; }
    QPushButton *okButton() const { return m_ok; }
    QString summary() const; // the line under the table: what the rules map, or what is wrong

private:
    void readSources();
    QWidget *buildRulesPage();
    QWidget *buildBuiltInPage();
    void recheck();          // reads the plan with the rules as edited
    void addRule();
    void removeRule();
    void moveRule(int delta);
    void updateButtons();
    nlohmann::ordered_json newRuleFields() const;

    const ExecutorRegistry &m_registry;
    nlohmann::ordered_json m_document;
    PlanReadResult m_preview;
    QList<MappingRulesModel::Source> m_sources; // the resources the mapping decides for
    MappingRulesModel *m_rules;
    MappingRulesModel *m_builtIn;
    QTabWidget *m_tabs;
    QTableView *m_rulesView;
    QTableView *m_builtInView;
    QLineEdit *m_builtInFilter;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_up;
    QPushButton *m_down;
    QPushButton *m_ok;
    QLabel *m_summary;
};

} // namespace fanout
