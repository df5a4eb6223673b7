#include "ui/inspector/fieldeditor.h"

#include "ui/inspector/fieldlist.h"
#include "ui/inspector/formjson.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;
using Kind = FieldDescription::Kind;
using Value = FieldEditor::Value;

const QString kInvalidStyle = QStringLiteral("border: 1px solid #c5221f; border-radius: 2px; padding: 1px 2px;");

QString invalidStyle(const char *widgetClass, const Diagnostics &errors)
{
    return errors.isEmpty() ? QString() : QStringLiteral("%1 { %2 }").arg(QLatin1String(widgetClass), kInvalidStyle);
}

// Shows `text` in `edit`, keeping the cursor where the user was typing; else at the beginning of a
// long value.
void setLineText(QLineEdit *edit, const QString &text)
{
    if (edit->text() == text)
        return;
    const int cursor = edit->cursorPosition();
    edit->setText(text);
    edit->setCursorPosition(edit->hasFocus() ? qMin(cursor, int(text.size())) : 0);
}

bool takeFocus(QWidget *widget)
{
    widget->setFocus(Qt::OtherFocusReason);
    return true;
}

bool focusLine(QLineEdit *edit)
{
    takeFocus(edit);
    edit->selectAll();
    return true;
}

QFont monospace()
{
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    return mono;
}

QString shellQuote(const QString &argument)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./${}-]+$"));
    if (plain.match(argument).hasMatch())
        return argument;
    QString quoted = argument;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

// The element a path inside a list ("[2]") is about; -1 for none.
int indexIn(const QString &subPath)
{
    static const QRegularExpression index(QStringLiteral("^\\[(\\d+)\\]"));
    const auto m = index.match(subPath);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

// One line of text: a string (Text), a duration or number as typed (Duration, Number), or numbers
// separated by commas or spaces (NumberList).
class LineEditor final : public FieldEditor
{
public:
    explicit LineEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_edit(new QLineEdit)
    {
        m_edit->setClearButtonEnabled(true);
        setWidgets(m_edit, m_edit);
        watch(m_edit);
        revertOnEscape(m_edit);
    }

    Value value(QString *) const override
    {
        switch (description().kind) {
        case Kind::Text:
            return m_edit->text().isEmpty() ? Value() : Value(json(m_edit->text().toStdString()));
        case Kind::NumberList: {
            const QStringList words = m_edit->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
            if (words.isEmpty())
                return std::nullopt;
            json numbers = json::array();
            for (const QString &word : words)
                numbers.push_back(*numberOrText(word));
            return numbers;
        }
        default:
            return numberOrText(m_edit->text());
        }
    }

    void show(const json *value) override
    {
        if (description().kind != Kind::NumberList)
            return setLineText(m_edit, value ? displayText(*value) : QString());
        QStringList words;
        if (value && value->is_array()) {
            for (const auto &number : *value)
                words.append(displayText(number));
        } else if (value) {
            words.append(displayText(*value));
        }
        const QString text = words.join(QStringLiteral(", "));
        if (m_edit->text() != text)
            m_edit->setText(text);
    }

    void setReadOnly(bool readOnly) override
    {
        m_edit->setReadOnly(readOnly);
        m_edit->setClearButtonEnabled(!readOnly);
    }
    void mark(const Diagnostics &errors) override { m_edit->setStyleSheet(invalidStyle("QLineEdit", errors)); }
    bool focusAt(const QString &) override { return focusLine(m_edit); }
    void setPlaceholder(const QString &text) override { m_edit->setPlaceholderText(text); }

private:
    QLineEdit *m_edit;
};

// A duration, or a range [min, max]: two line edits, the second empty for a fixed duration.
class RangeEditor final : public FieldEditor
{
public:
    explicit RangeEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_low(new QLineEdit)
        , m_high(new QLineEdit)
    {
        auto *row = new QWidget;
        m_low->setObjectName(QStringLiteral("InspectorField:%1.min").arg(description.path));
        m_high->setObjectName(QStringLiteral("InspectorField:%1.max").arg(description.path));
        m_high->setPlaceholderText(description.secondPlaceholder);
        auto *layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_low, 1);
        layout->addWidget(new QLabel(tr("to")));
        layout->addWidget(m_high, 1);
        m_low->setToolTip(description.help);
        m_high->setToolTip(description.secondHelp);
        setWidgets(row, m_low, m_high);
        for (QLineEdit *edit : {m_low, m_high}) {
            revertOnEscape(edit);
            connect(edit, &QLineEdit::textEdited, this, &FieldEditor::edited);
            connect(edit, &QLineEdit::editingFinished, this, [this, edit] {
                // Going from the minimum to the maximum is not the end of the edit.
                if (QWidget *next = QApplication::focusWidget(); next != edit && (next == m_low || next == m_high))
                    return;
                emit finished();
            });
        }
    }

    Value value(QString *) const override
    {
        const Value min = numberOrText(m_low->text());
        const Value max = numberOrText(m_high->text());
        if (!max)
            return min;
        return json::array({min ? *min : json(""), *max});
    }

    void show(const json *value) override
    {
        QString low, high;
        if (value && value->is_array() && value->size() == 2) {
            low = displayText((*value)[0]);
            high = displayText((*value)[1]);
        } else if (value) {
            low = displayText(*value);
        }
        for (auto [edit, text] : {std::pair{m_low, low}, std::pair{m_high, high}}) {
            if (edit->text() != text) {
                const int cursor = edit->cursorPosition();
                edit->setText(text);
                if (edit->hasFocus())
                    edit->setCursorPosition(qMin(cursor, int(text.size())));
            }
        }
    }

    void setReadOnly(bool readOnly) override
    {
        m_low->setReadOnly(readOnly);
        m_high->setReadOnly(readOnly);
    }
    void mark(const Diagnostics &errors) override
    {
        for (QLineEdit *edit : {m_low, m_high})
            edit->setStyleSheet(invalidStyle("QLineEdit", errors));
    }
    bool focusAt(const QString &subPath) override { return focusLine(subPath == QLatin1String("[1]") ? m_high : m_low); }
    void setPlaceholder(const QString &text) override { m_low->setPlaceholderText(text); }

private:
    QLineEdit *m_low;
    QLineEdit *m_high;
};

// True or false: a check box. The default is left unwritten unless the plan already spelled it out.
class FlagEditor final : public FieldEditor
{
public:
    explicit FlagEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_box(new QCheckBox(description.label))
        , m_default(description.defaultValue.is_boolean() && description.defaultValue.get<bool>())
    {
        setWidgets(m_box, m_box);
        connect(m_box, &QCheckBox::clicked, this, &FlagEditor::choose);
    }

    Value value(QString *) const override
    {
        if (m_box->isChecked() == m_default && !m_present)
            return std::nullopt;
        return json(m_box->isChecked());
    }
    void show(const json *value) override
    {
        m_present = value != nullptr;
        m_box->setChecked(value && value->is_boolean() ? value->get<bool>() : m_default);
    }
    void setReadOnly(bool readOnly) override { m_box->setEnabled(!readOnly); }
    void mark(const Diagnostics &) override {}
    bool focusAt(const QString &) override { return takeFocus(m_box); }

private:
    QCheckBox *m_box;
    bool m_default;
    bool m_present = false; // the plan has the member
};

// One of a fixed list. A value the plan has that is not one of them is shown too, with its problem;
// the default is left unwritten unless the plan already spelled it out.
class ChoiceEditor final : public FieldEditor
{
public:
    explicit ChoiceEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_combo(new QComboBox)
    {
        m_combo->addItems(description.choices);
        setWidgets(m_combo, m_combo);
        connect(m_combo, &QComboBox::activated, this, &ChoiceEditor::choose);
    }

    Value value(QString *) const override
    {
        if (m_combo->currentText() == description().defaultText() && !m_present)
            return std::nullopt;
        return json(m_combo->currentText().toStdString());
    }
    void show(const json *value) override
    {
        m_present = value != nullptr;
        const QString text = value ? displayText(*value) : description().defaultText();
        while (m_combo->count() > description().choices.size())
            m_combo->removeItem(m_combo->count() - 1);
        if (m_combo->findText(text) < 0)
            m_combo->addItem(text);
        m_combo->setCurrentIndex(m_combo->findText(text));
    }
    void setReadOnly(bool readOnly) override { m_combo->setEnabled(!readOnly); }
    void mark(const Diagnostics &errors) override { m_combo->setStyleSheet(invalidStyle("QComboBox", errors)); }
    bool focusAt(const QString &) override { return takeFocus(m_combo); }

private:
    QComboBox *m_combo;
    bool m_present = false;
};

// Any text, with suggestions to pick from (a resource's group: the plan's groups).
class OpenChoiceEditor final : public FieldEditor
{
public:
    explicit OpenChoiceEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_combo(new QComboBox)
    {
        m_combo->setEditable(true);
        m_combo->setInsertPolicy(QComboBox::NoInsert);
        m_combo->addItems(description.choices);
        m_combo->lineEdit()->setPlaceholderText(fixedPlaceholder());
        m_combo->lineEdit()->setClearButtonEnabled(true);
        setWidgets(m_combo, m_combo);
        revertOnEscape(m_combo->lineEdit());
        watch(m_combo->lineEdit());
        connect(m_combo, &QComboBox::activated, this, &OpenChoiceEditor::choose);
    }

    Value value(QString *) const override
    {
        const QString text = m_combo->currentText().trimmed();
        return text.isEmpty() ? Value() : Value(json(text.toStdString()));
    }
    void show(const json *value) override
    {
        const QString text = value ? displayText(*value) : QString();
        if (m_combo->currentText() != text)
            m_combo->setEditText(text);
    }
    void setReadOnly(bool readOnly) override
    {
        m_combo->lineEdit()->setReadOnly(readOnly);
        m_combo->setEnabled(!readOnly);
    }
    void mark(const Diagnostics &errors) override { m_combo->lineEdit()->setStyleSheet(invalidStyle("QLineEdit", errors)); }
    bool focusAt(const QString &) override
    {
        takeFocus(m_combo);
        m_combo->lineEdit()->selectAll();
        return true;
    }
    void setChoices(const QStringList &choices) override
    {
        QStringList items;
        for (int i = 0; i < m_combo->count(); ++i)
            items.append(m_combo->itemText(i));
        if (items == choices)
            return;
        const QString text = m_combo->currentText();
        m_combo->clear();
        m_combo->addItems(choices);
        m_combo->setEditText(text);
    }

private:
    QComboBox *m_combo;
};

// Rows of text: one column for a list, a name and a value for a map. A bad entry is marked on its row.
class ListEditor final : public FieldEditor
{
public:
    explicit ListEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_pairs(description.kind == Kind::NameValueMap)
    {
        const QStringList placeholders = m_pairs ? QStringList{description.placeholder, description.secondPlaceholder}
                                                 : QStringList{description.placeholder};
        m_rows = new FieldList(placeholders, !m_pairs, description.addText);
        setWidgets(m_rows, m_rows);
        connect(m_rows, &FieldList::edited, this, &FieldEditor::edited);
        connect(m_rows, &FieldList::committed, this, &ListEditor::choose);
    }

    Value value(QString *) const override
    {
        json value = m_pairs ? json::object() : json::array();
        for (const QStringList &row : m_rows->rows()) {
            if (!m_pairs)
                value.push_back(row[0].toStdString());
            else if (!row[0].isEmpty() || !row[1].isEmpty())
                value[row[0].toStdString()] = row[1].toStdString();
        }
        return value.empty() ? Value() : Value(value);
    }
    void show(const json *value) override
    {
        QList<QStringList> texts;
        if (value && m_pairs && value->is_object()) {
            for (const auto &[key, member] : value->items())
                texts.append({QString::fromStdString(key), displayText(member)});
        } else if (value && !m_pairs && value->is_array()) {
            for (const auto &member : *value)
                texts.append({displayText(member)});
        }
        m_rows->setRows(texts);
    }
    void setReadOnly(bool readOnly) override { m_rows->setReadOnly(readOnly); }
    void mark(const Diagnostics &errors) override
    {
        QList<int> invalid;
        for (const Diagnostic &d : errors) {
            if (const int r = rowAt(d.path.mid(path().size())); r >= 0)
                invalid.append(r);
        }
        m_rows->setInvalidRows(invalid);
    }
    bool focusAt(const QString &subPath) override { return m_rows->focusRow(qMax(0, rowAt(subPath))); }

private:
    // Which row a path inside the list or map is: "[2]", ".NAME" or "[\"A B\"]".
    int rowAt(const QString &subPath) const
    {
        static const QRegularExpression quoted(QStringLiteral("^\\[\"(.*)\"\\]"));
        static const QRegularExpression member(QStringLiteral("^\\.([^.\\[]*)"));
        if (!m_pairs)
            return indexIn(subPath);
        auto m = member.match(subPath);
        if (!m.hasMatch())
            m = quoted.match(subPath);
        if (!m.hasMatch())
            return -1;
        const QList<QStringList> texts = m_rows->rows();
        for (int r = 0; r < texts.size(); ++r) {
            if (texts[r][0] == m.captured(1))
                return r;
        }
        return -1;
    }

    FieldList *m_rows = nullptr;
    const bool m_pairs;
};

// Any JSON value, as JSON text on a few lines; applied on Ctrl+Return or when left.
class JsonEditor final : public FieldEditor
{
public:
    explicit JsonEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_text(new QPlainTextEdit)
    {
        m_text->setFont(monospace());
        m_text->setTabChangesFocus(true);
        m_text->setFixedHeight(m_text->fontMetrics().lineSpacing() * 4 + 10);
        m_text->setPlaceholderText(fixedPlaceholder());
        setWidgets(m_text, m_text);
        connect(m_text, &QPlainTextEdit::textChanged, this, &FieldEditor::edited);
        finishOnLeave(m_text);
    }

    Value value(QString *problem) const override
    {
        if (m_text->toPlainText().trimmed().isEmpty())
            return std::nullopt;
        json parsed;
        const QString error = jsonSyntaxError(m_text->toPlainText(), &parsed);
        if (!error.isEmpty()) {
            if (problem)
                *problem = tr("not JSON: %1").arg(error);
            return std::nullopt;
        }
        return parsed;
    }
    void show(const json *value) override
    {
        const QString text = value ? QString::fromStdString(value->dump(value->is_structured() ? 2 : -1)) : QString();
        if (m_text->toPlainText() != text)
            m_text->setPlainText(text);
    }
    void setReadOnly(bool readOnly) override { m_text->setReadOnly(readOnly); }
    void mark(const Diagnostics &errors) override { m_text->setStyleSheet(invalidStyle("QPlainTextEdit", errors)); }
    bool focusAt(const QString &) override { return takeFocus(m_text); }

private:
    QPlainTextEdit *m_text;
};

// A program and its arguments, a row each; or, when the plan has a string (run by a shell), that
// one command line.
class CommandEditor final : public FieldEditor
{
public:
    explicit CommandEditor(const FieldDescription &description)
        : FieldEditor(description)
        , m_arguments(new FieldList({description.placeholder}, true, description.addText))
        , m_line(new QLineEdit)
    {
        auto *box = new QWidget;
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        m_line->setObjectName(QStringLiteral("InspectorScript"));
        m_line->setPlaceholderText(description.secondPlaceholder);
        layout->addWidget(m_arguments);
        layout->addWidget(m_line);
        m_line->hide();
        m_arguments->setToolTip(description.help);
        m_line->setToolTip(description.secondHelp);
        setWidgets(box, m_arguments, m_line);
        box->setObjectName(QString());
        m_arguments->setObjectName(QStringLiteral("InspectorField:") + description.path);
        connect(m_arguments, &FieldList::edited, this, &FieldEditor::edited);
        connect(m_arguments, &FieldList::committed, this, &CommandEditor::choose);
        watch(m_line);
    }

    Value value(QString *) const override
    {
        if (!m_line->isHidden())
            return m_line->text().isEmpty() ? Value() : Value(json(m_line->text().toStdString()));
        json argv = json::array();
        for (const QStringList &row : m_arguments->rows())
            argv.push_back(row[0].toStdString());
        return argv.empty() ? Value() : Value(argv);
    }
    void show(const json *value) override
    {
        const bool commandLine = value && value->is_string();
        m_line->setVisible(commandLine);
        m_arguments->setVisible(!commandLine);
        if (commandLine) {
            if (const QString text = displayText(*value); m_line->text() != text)
                m_line->setText(text);
            m_arguments->setRows({});
            return;
        }
        m_line->clear();
        QList<QStringList> rows;
        if (value && value->is_array()) {
            for (const auto &argument : *value)
                rows.append({displayText(argument)});
        }
        m_arguments->setRows(rows);
    }
    void setReadOnly(bool readOnly) override
    {
        m_arguments->setReadOnly(readOnly);
        m_line->setReadOnly(readOnly);
    }
    void mark(const Diagnostics &errors) override
    {
        QList<int> rows;
        bool whole = false;
        for (const Diagnostic &d : errors) {
            if (const int row = isPathUnder(d.path, path()) ? indexIn(d.path.mid(path().size())) : -1; row >= 0)
                rows.append(row);
            else
                whole = true;
        }
        m_arguments->setInvalidRows(whole ? QList<int>{0} : rows);
        m_line->setStyleSheet(invalidStyle("QLineEdit", errors));
    }
    bool focusAt(const QString &subPath) override
    {
        if (!m_line->isHidden())
            return takeFocus(m_line);
        return m_arguments->focusRow(qMax(0, indexIn(subPath)));
    }

private:
    FieldList *m_arguments;
    QLineEdit *m_line;
};

} // namespace

std::unique_ptr<FieldEditor> FieldEditor::create(const FieldDescription &description)
{
    switch (description.kind) {
    case Kind::Text:
    case Kind::Duration:
    case Kind::Number:
    case Kind::NumberList:
        return std::make_unique<LineEditor>(description);
    case Kind::DurationOrRange:
        return std::make_unique<RangeEditor>(description);
    case Kind::Flag:
        return std::make_unique<FlagEditor>(description);
    case Kind::Choice:
        if (description.openChoice)
            return std::make_unique<OpenChoiceEditor>(description);
        return std::make_unique<ChoiceEditor>(description);
    case Kind::StringList:
    case Kind::NameValueMap:
        return std::make_unique<ListEditor>(description);
    case Kind::JsonValue:
        return std::make_unique<JsonEditor>(description);
    case Kind::Command:
        return std::make_unique<CommandEditor>(description);
    }
    Q_UNREACHABLE();
}

QString FieldEditor::problemsHtml(const QStringList &errors, const QStringList &warnings)
{
    QStringList lines;
    for (const QString &e : errors)
        lines.append(QStringLiteral("<span style='color:#c5221f'>%1</span>").arg(e.toHtmlEscaped()));
    for (const QString &w : warnings)
        lines.append(QStringLiteral("<span style='color:#b06000'>%1</span>").arg(w.toHtmlEscaped()));
    return lines.join(QStringLiteral("<br>"));
}

QLabel *FieldEditor::newMessageLabel()
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

FieldEditor::FieldEditor(const FieldDescription &description)
    : m_description(description)
{
}

FieldEditor::~FieldEditor() = default;

QString FieldEditor::subject() const
{
    return hasLabel() ? m_description.label : m_description.what;
}

bool FieldEditor::hasLabel() const
{
    return m_description.kind != Kind::Flag && !m_description.label.isEmpty();
}

bool FieldEditor::owns(const QString &path) const
{
    return isPathUnder(path, m_description.path) || m_description.claims.contains(path);
}

void FieldEditor::setPlaceholder(const QString &)
{
}

void FieldEditor::setChoices(const QStringList &)
{
}

QString FieldEditor::fixedPlaceholder() const
{
    return m_description.placeholder.isEmpty() ? m_description.defaultText() : m_description.placeholder;
}

void FieldEditor::alsoChange(json &resource) const
{
    if (m_description.switchesCommand.isEmpty())
        return;
    const json *flag = valueAt(resource, m_description.path);
    const bool shell = flag && *flag == true;
    json *command = valueAt(resource, m_description.switchesCommand);
    if (!command)
        return;
    if (shell && command->is_array()) {
        QStringList words;
        for (const auto &argument : *command)
            words.append(shellQuote(displayText(argument)));
        *command = words.join(QLatin1Char(' ')).toStdString();
    } else if (!shell && command->is_string()) {
        json argv = json::array();
        for (const QString &argument : QProcess::splitCommand(displayText(*command)))
            argv.push_back(argument.toStdString());
        *command = argv;
    }
}

void FieldEditor::setWidgets(QWidget *widget, QWidget *editor, QWidget *second)
{
    m_widget = widget;
    m_editor = editor;
    m_second = second;
    m_message = newMessageLabel();
    m_message->setObjectName(QStringLiteral("InspectorMessage:") + m_description.path);
    widget->setObjectName(QStringLiteral("InspectorField:") + m_description.path);
    widget->setToolTip(m_description.help);
    m_row = new QWidget;
    auto *layout = new QVBoxLayout(m_row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    if (m_description.unit.isEmpty()) {
        layout->addWidget(widget);
    } else {
        auto *withUnit = new QHBoxLayout;
        withUnit->addWidget(widget, 1);
        withUnit->addWidget(new QLabel(m_description.unit));
        layout->addLayout(withUnit);
    }
    layout->addWidget(m_message);
}

void FieldEditor::watch(QLineEdit *edit)
{
    connect(edit, &QLineEdit::textEdited, this, &FieldEditor::edited);
    connect(edit, &QLineEdit::editingFinished, this, &FieldEditor::finished);
}

void FieldEditor::revertOnEscape(QObject *edit)
{
    m_revertOnEscape.append(edit);
    edit->installEventFilter(this);
}

void FieldEditor::finishOnLeave(QObject *edit)
{
    m_finishOnLeave.append(edit);
    edit->installEventFilter(this);
}

void FieldEditor::choose()
{
    m_dirty = true;
    emit finished();
}

bool FieldEditor::eventFilter(QObject *watched, QEvent *event)
{
    const auto *key = event->type() == QEvent::KeyPress ? static_cast<QKeyEvent *>(event) : nullptr;
    if (key && key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier && m_dirty
        && m_revertOnEscape.contains(watched)) {
        emit revertRequested();
        return true;
    }
    const bool submit = key && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
                        && (key->modifiers() & Qt::ControlModifier);
    if ((submit || event->type() == QEvent::FocusOut) && m_finishOnLeave.contains(watched)) {
        emit finished();
        return submit;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace fanout
