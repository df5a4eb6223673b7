#pragma once

#include "engine/plan/resourcecheck.h"
#include "engine/support/diagnostic.h"

#include <QPointer>
#include <QWidget>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace fanout {

class ExecutorTypes;
class FieldEditor;
class PlanDocument;
struct FieldSection;

// Edits one resource of a PlanDocument: a form that fits its executor type (its own fields and
// retry policy, then a section for its executor, built from the executor's description), and its
// JSON for what the form does not cover. Every field is checked as the user types, with the
// engine's messages, and marked in place when invalid; a valid value is applied when the field is
// left or Enter is pressed, as one undoable step of the document. Invalid values never reach the
// document. The form reads the resource from the document by id (a run shows a snapshot of the
// plan, which may differ) and follows the document's changes.
class ResourceForm : public QWidget
{
    Q_OBJECT

public:
    // With the executors Fanout ships with (ExecutorRegistry::builtIn()).
    explicit ResourceForm(QWidget *parent = nullptr);
    // A section for each of `types`, which must outlive the form.
    explicit ResourceForm(const ExecutorTypes &types, QWidget *parent = nullptr);
    ~ResourceForm() override;

    void setDocument(PlanDocument *document);
    // Shows the document's resource with this id (none for an empty id).
    void showResource(const QString &id);
    // Whether what was shown is an instance (web[2]) whose set as written is edited.
    bool showsAnInstance() const { return !m_selected.isEmpty(); }
    QString resourceId() const { return m_id; }

    // Read-only with `reason` shown on one line ("Running: locked until its attempt ends"); an empty
    // reason makes it editable again. `note` is a one-line note for an editable form.
    void setLocked(const QString &reason, const QString &note = QString());
    bool isLocked() const { return !m_lockReason.isEmpty(); }

    // Shows and focuses what edits `path` (relative to the resource, as diagnostics give it after
    // "resources[N].": "timeout", "retry.backoff.initial", "command[1]", "request.url"): a form field,
    // or else the JSON view with the cursor at that member. False when the resource has no such place.
    bool focusField(const QString &path, QWidget **focused = nullptr);

    // For tests and the Inspector: the widget editing `path` in the form (a QLineEdit, QComboBox,
    // QCheckBox, FieldList or QPlainTextEdit), the label under it, and the JSON view.
    QWidget *editor(const QString &path) const;
    QWidget *secondEditor(const QString &path) const; // the maximum of a [min, max] duration
    QLabel *message(const QString &path) const;
    QLabel *lockLabel() const { return m_lock; }
    QLabel *problemsLabel() const { return m_problems; } // problems no field shows
    ResourceCheck::Work checkWork() const { return m_check.work(); } // what checking as you type cost
    QTabWidget *tabs() const { return m_tabs; }
    QPlainTextEdit *jsonEdit() const { return m_json; }
    QLabel *jsonMessage() const { return m_jsonMessage; }
    QPushButton *applyButton() const { return m_apply; }
    // Applies the JSON view, as its Apply button and Ctrl+Return do; false (and why, under it) when refused.
    bool applyJson();

private:
    struct Section;

    bool eventFilter(QObject *watched, QEvent *event) override;
    QWidget *buildJsonPage();
    void buildForm();
    void addSection(const FieldSection &description, const QString &type);
    void alignLabels();                   // one label column for every section
    void load();                          // from the document
    const nlohmann::ordered_json *object() const; // the resource in the document
    void edited(FieldEditor &field);      // typed in: check
    void commit(FieldEditor &field);      // left or Enter: apply when valid
    void showMessages(FieldEditor &field, const Diagnostics &diagnostics);
    void showOtherProblems(const Diagnostics &diagnostics);
    void jsonEdited();
    void loadJson(const nlohmann::ordered_json &resource);
    void updatePlaceholders();
    int planIndex() const; // of the resource edited, or of its set's first instance; -1 when none
    bool isShown(const FieldEditor &field) const; // its section is this resource's
    FieldEditor *fieldFor(const QString &path) const;
    FieldEditor *fieldAt(const QString &path) const; // the one editing exactly `path`; null when none
    // `resource` with the field's value put in, or nullopt (the reason shown) when it has none.
    std::optional<nlohmann::ordered_json> withValueOf(FieldEditor &field, const nlohmann::ordered_json &resource);
    void revert(FieldEditor &field);      // Escape: the document's value again

    const ExecutorTypes &m_types;
    QPointer<PlanDocument> m_document; // the main window deletes it before its docks
    mutable ResourceCheck m_check;
    mutable bool m_checkStale = true; // m_check has not seen the document's latest change
    QString m_id;       // the resource as written that is edited: a set for one of its instances
    QString m_selected; // what was selected (web[2]), when it is an instance of m_id
    QString m_type;
    QString m_lockReason;
    bool m_loading = false;
    bool m_jsonDirty = false;

    QTabWidget *m_tabs;
    QLabel *m_lock;
    QLabel *m_problems;
    QLabel *m_missing;
    QLabel *m_instanceNote; // "web[2] is one of 5 instances of web; ..."
    QWidget *m_formPage;
    std::vector<std::unique_ptr<Section>> m_sections;
    std::vector<std::unique_ptr<FieldEditor>> m_fields;
    QPlainTextEdit *m_json;
    QLabel *m_jsonMessage;
    QPushButton *m_apply;
    QPushButton *m_revert;
};

} // namespace fanout
