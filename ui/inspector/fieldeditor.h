#pragma once

#include "engine/plan/fielddescription.h"
#include "engine/support/diagnostic.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QWidget;

namespace fanout {

// Edits one field of a resource in the Inspector's form: the widgets for its description's kind
// (a line edit for a duration, a check box for a flag, rows for a map...), how they show the
// plan's value and give the value typed, and the label under them for the field's problems. It
// says when it is typed in, finished with or to be reverted; the form checks and applies the value
// (ResourceForm), so that every kind is checked and undone the same way.
class FieldEditor : public QObject
{
    Q_OBJECT

public:
    using Value = std::optional<nlohmann::ordered_json>; // nullopt: the member is left out (its default applies)

    // The editor for `description`'s kind, its widgets made (the form lays out row()).
    static std::unique_ptr<FieldEditor> create(const FieldDescription &description);
    // A label for problems: rich text, wrapped, selectable, hidden until it has something to say.
    static QLabel *newMessageLabel();
    // Errors in red and warnings in amber, a line each, for a message label.
    static QString problemsHtml(const QStringList &errors, const QStringList &warnings);
    ~FieldEditor() override;

    const FieldDescription &description() const { return m_description; }
    const QString &path() const { return m_description.path; }
    // "Timeout": begins the messages that begin with a verb ("Timeout must be ...").
    QString subject() const;
    // False for a flag: its label is its check box's text, not a label beside it.
    bool hasLabel() const;
    // Whether this field shows the problems at `path`: its own, those inside it, those it claims.
    bool owns(const QString &path) const;

    QWidget *row() const { return m_row; }       // the editor and its message, for the form's row
    QWidget *widget() const { return m_widget; } // what the row shows (the buddy of its label)
    QWidget *editor() const { return m_editor; } // the QLineEdit, QComboBox, QCheckBox, FieldList or QPlainTextEdit
    QWidget *secondEditor() const { return m_second; } // a range's maximum; a command's one line
    QLabel *message() const { return m_message; }

    bool isDirty() const { return m_dirty; } // typed in and not applied (or refused)
    void setDirty(bool dirty) { m_dirty = dirty; }

    // The value typed; `problem` gets what the engine cannot see (JSON that does not parse).
    virtual Value value(QString *problem) const = 0;
    // Shows the plan's value (null: absent).
    virtual void show(const nlohmann::ordered_json *value) = 0;
    virtual void setReadOnly(bool readOnly) = 0;
    // Marks (red frame) what `errors` are about.
    virtual void mark(const Diagnostics &errors) = 0;
    // Focuses what edits `subPath` of the field: "" (itself), "[1]", ".Authorization".
    virtual bool focusAt(const QString &subPath) = 0;
    // What an empty field shows; ignored by the kinds that show none.
    virtual void setPlaceholder(const QString &text);
    // The choices offered, for an open choice (the plan's groups).
    virtual void setChoices(const QStringList &choices);

    // The placeholder the description gives: its own, else the default value.
    QString fixedPlaceholder() const;
    // Changes the members that follow this field in `resource`, which has its new value: a flag
    // that switches a command turns the command into one line or a list.
    void alsoChange(nlohmann::ordered_json &resource) const;

signals:
    void edited();          // typed in: check it
    void finished();        // left, Enter, or a value chosen: apply it when it is valid
    void revertRequested(); // Escape while typing: the plan's value again

protected:
    explicit FieldEditor(const FieldDescription &description);
    // `widget` is what the form's row shows, `editor` what edits the value in it (often the same).
    void setWidgets(QWidget *widget, QWidget *editor, QWidget *second = nullptr);
    // Typing in `edit` is editing, leaving it or Enter finishes.
    void watch(QLineEdit *edit);
    // Escape in `edit` reverts the field while it has been typed in.
    void revertOnEscape(QObject *edit);
    // Ctrl+Return in `edit`, or leaving it, finishes (a multi-line text, where Return is a newline).
    void finishOnLeave(QObject *edit);
    // A value was chosen (a click, a row added or moved): it is a change, applied at once.
    void choose();
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    const FieldDescription m_description;
    QWidget *m_row = nullptr;
    QWidget *m_widget = nullptr;
    QWidget *m_editor = nullptr;
    QWidget *m_second = nullptr;
    QLabel *m_message = nullptr;
    QList<QObject *> m_revertOnEscape;
    QList<QObject *> m_finishOnLeave;
    bool m_dirty = false;
};

} // namespace fanout
