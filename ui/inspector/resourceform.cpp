#include "ui/inspector/resourceform.h"

#include "engine/support/duration.h"
#include "engine/executors/executorregistry.h"
#include "ui/inspector/fieldlist.h"
#include "engine/support/jsonlocator.h"
#include "models/plan/plandocument.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;
using Value = std::optional<json>; // nullopt: the member is absent (its default applies)

const QString kInvalidStyle = QStringLiteral("border: 1px solid #c5221f; border-radius: 2px; padding: 1px 2px;");
const QString kErrorColour = QStringLiteral("#c5221f");
const QString kWarningColour = QStringLiteral("#b06000");

QString fromJson(const json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>())
                             : QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

QStringList keysOf(const QString &path)
{
    return path.split(QLatin1Char('.'));
}

const json *valueAt(const json &object, const QString &path)
{
    const json *at = &object;
    for (const QString &key : keysOf(path)) {
        if (!at->is_object())
            return nullptr;
        const auto it = at->find(key.toStdString());
        if (it == at->end())
            return nullptr;
        at = &*it;
    }
    return at;
}

// Sets the member at `path`, making the objects on the way; an absent value removes it, and the
// objects that only held it ("retry": {} once its last field is cleared).
void putAt(json &object, const QString &path, const Value &value)
{
    const QStringList keys = keysOf(path);
    if (value) {
        json *at = &object;
        for (int i = 0; i < keys.size() - 1; ++i) {
            json &next = (*at)[keys[i].toStdString()];
            if (!next.is_object())
                next = json::object();
            at = &next;
        }
        (*at)[keys.last().toStdString()] = *value;
        return;
    }
    std::vector<json *> chain{&object};
    for (int i = 0; i < keys.size() - 1; ++i) {
        json *at = chain.back();
        const auto it = at->find(keys[i].toStdString());
        if (!at->is_object() || it == at->end() || !it->is_object())
            return;
        chain.push_back(&*it);
    }
    if (!chain.back()->is_object())
        return;
    chain.back()->erase(keys.last().toStdString());
    for (int i = int(chain.size()) - 1; i > 0 && chain[size_t(i)]->empty(); --i)
        chain[size_t(i) - 1]->erase(keys[i - 1].toStdString());
}

// "30" → 30, "0.25" → 0.25, anything else as written (the engine says what is wrong with it).
Value numberOrText(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    bool ok = false;
    if (const qlonglong n = t.toLongLong(&ok); ok)
        return json(n);
    if (const double d = t.toDouble(&ok); ok)
        return json(d);
    return json(t.toStdString());
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

// "3:7: syntax error ..." for a JSON text that does not parse; empty when it does.
QString syntaxError(const QString &text, json *parsed)
{
    const std::string bytes = text.toStdString();
    try {
        *parsed = json::parse(bytes);
        return QString();
    } catch (const json::parse_error &e) {
        const std::size_t offset = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, bytes.size()) : 0;
        const std::string before = bytes.substr(0, offset);
        const int line = int(std::count(before.begin(), before.end(), '\n')) + 1;
        const std::size_t lineStart = before.rfind('\n');
        const int column = int(QString::fromStdString(before.substr(lineStart == std::string::npos ? 0 : lineStart + 1)).size()) + 1;
        QString why = QString::fromUtf8(e.what());
        // "[json.exception.parse_error.101] parse error at line 3, column 7: syntax error ..."
        if (const int colon = why.indexOf(QLatin1String(": ")); colon >= 0)
            why = why.mid(colon + 2);
        return QStringLiteral("%1:%2: %3").arg(line).arg(column).arg(why);
    }
}

bool isUnder(const QString &path, const QString &base)
{
    return path == base || (path.startsWith(base)
                            && (path[base.size()] == QLatin1Char('.') || path[base.size()] == QLatin1Char('[')));
}

// "is empty: ..." reads better as "Command is empty: ...".
QString sentence(const QString &subject, const QString &message)
{
    static const QStringList verbs = {QStringLiteral("is "), QStringLiteral("must "), QStringLiteral("has "),
                                      QStringLiteral("missing"), QStringLiteral("element ")};
    for (const QString &verb : verbs) {
        if (message.startsWith(verb))
            return subject + QLatin1Char(' ') + message;
    }
    return message;
}

QLabel *messageLabel()
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

QString problemsHtml(const QStringList &errors, const QStringList &warnings)
{
    QStringList lines;
    for (const QString &e : errors)
        lines.append(QStringLiteral("<span style='color:%1'>%2</span>").arg(kErrorColour, e.toHtmlEscaped()));
    for (const QString &w : warnings)
        lines.append(QStringLiteral("<span style='color:%1'>%2</span>").arg(kWarningColour, w.toHtmlEscaped()));
    return lines.join(QStringLiteral("<br>"));
}

} // namespace

// One field of the form: what it edits (a member of the resource, by path), how its widgets show
// the document's value and give the value typed, and where its problems are shown.
struct ResourceForm::Field
{
    QString path;          // "retry.backoff.initial"
    QStringList claims;    // other paths whose problems it shows ("request" has no "url")
    QString what;          // "the timeout", for the step's name
    QString subject;       // "Timeout", to begin messages that begin with a verb
    QWidget *row = nullptr;
    QWidget *editor = nullptr;
    QWidget *second = nullptr;
    QLabel *message = nullptr;
    Section *section = nullptr;
    bool dirty = false;    // typed in, not applied
    std::function<Value(QString *problem)> value; // the value typed; a problem the engine cannot see (JSON syntax)
    std::function<void(const json *value)> show;
    std::function<void(bool readOnly)> setReadOnly;
    std::function<void(const Diagnostics &errors)> mark; // red frames
    std::function<bool(const QString &subPath)> focusAt; // "[1]", ".Authorization", ""
    std::function<void(json &resource)> alsoChange;      // other members that follow this one

    bool owns(const QString &p) const { return isUnder(p, path) || claims.contains(p); }
};

struct ResourceForm::Section
{
    QString type; // the executor type it is for; empty for every resource
    QWidget *widget = nullptr;
    QFormLayout *form = nullptr;
};

ResourceForm::ResourceForm(QWidget *parent)
    : QWidget(parent)
    , m_check(ExecutorRegistry::builtIn())
{
    m_lock = new QLabel;
    m_lock->setObjectName(QStringLiteral("InspectorFormLock"));
    m_lock->setWordWrap(true);
    m_lock->hide();
    m_problems = messageLabel();
    m_problems->setObjectName(QStringLiteral("InspectorFormProblems"));
    m_missing = new QLabel;
    m_missing->setWordWrap(true);
    m_missing->hide();

    m_formPage = new QWidget;
    auto *formLayout = new QVBoxLayout(m_formPage);
    formLayout->setContentsMargins(6, 6, 6, 6);
    formLayout->setSpacing(4);
    formLayout->addWidget(m_problems);

    m_json = new QPlainTextEdit;
    m_json->setObjectName(QStringLiteral("InspectorJson"));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_json->setFont(mono);
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->setMinimumHeight(220);
    m_json->setTabChangesFocus(true);
    m_json->setToolTip(tr("The resource as the plan file has it. Edit, then Apply (Ctrl+Return). The id is changed in the Id field."));
    m_json->installEventFilter(this);
    m_jsonMessage = messageLabel();
    m_jsonMessage->setObjectName(QStringLiteral("InspectorJsonMessage"));
    m_apply = new QPushButton(tr("Apply"));
    m_apply->setToolTip(tr("Apply the JSON to the plan (Ctrl+Return), as one step to undo"));
    m_revert = new QPushButton(tr("Revert"));
    m_revert->setObjectName(QStringLiteral("InspectorJsonRevert"));
    m_revert->setToolTip(tr("Show the resource as the plan has it again"));
    auto *jsonButtons = new QHBoxLayout;
    jsonButtons->addStretch();
    jsonButtons->addWidget(m_revert);
    jsonButtons->addWidget(m_apply);
    auto *jsonPage = new QWidget;
    auto *jsonLayout = new QVBoxLayout(jsonPage);
    jsonLayout->setContentsMargins(6, 6, 6, 6);
    jsonLayout->addWidget(m_json, 1);
    jsonLayout->addWidget(m_jsonMessage);
    jsonLayout->addLayout(jsonButtons);

    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_formPage, tr("Form"));
    m_tabs->addTab(jsonPage, tr("JSON"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_lock);
    layout->addWidget(m_missing);
    layout->addWidget(m_tabs);

    buildForm();
    formLayout->addStretch();

    connect(m_json, &QPlainTextEdit::textChanged, this, &ResourceForm::jsonEdited);
    connect(m_apply, &QPushButton::clicked, this, &ResourceForm::applyJson);
    connect(m_revert, &QPushButton::clicked, this, [this] {
        m_jsonDirty = false;
        if (const json *resource = object())
            loadJson(*resource);
    });
    showResource(QString());
}

ResourceForm::~ResourceForm() = default;

ResourceForm::Section &ResourceForm::addSection(const QString &title, const QString &type)
{
    auto section = std::make_unique<Section>();
    section->type = type;
    section->widget = new QWidget;
    auto *layout = new QVBoxLayout(section->widget);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    auto *heading = new QLabel(title);
    QFont font = heading->font();
    font.setBold(true);
    heading->setFont(font);
    layout->addWidget(heading);
    section->form = new QFormLayout;
    section->form->setContentsMargins(0, 0, 0, 0);
    section->form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    section->form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    section->form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    section->form->setVerticalSpacing(4);
    layout->addLayout(section->form);
    static_cast<QVBoxLayout *>(m_formPage->layout())->addWidget(section->widget);
    m_sections.push_back(std::move(section));
    return *m_sections.back();
}

ResourceForm::Field &ResourceForm::addField(Section &section, const QString &label, const QString &path, const QString &what,
                                            QWidget *editor, const QString &tip)
{
    auto field = std::make_unique<Field>();
    field->path = path;
    field->what = what;
    field->subject = label.isEmpty() ? what : label;
    field->editor = editor;
    field->section = &section;
    field->message = messageLabel();
    field->message->setObjectName(QStringLiteral("InspectorMessage:") + path);
    editor->setObjectName(QStringLiteral("InspectorField:") + path);
    editor->setToolTip(tip);
    field->row = new QWidget;
    auto *rowLayout = new QVBoxLayout(field->row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->setSpacing(1);
    rowLayout->addWidget(editor);
    rowLayout->addWidget(field->message);
    if (label.isEmpty()) {
        section.form->addRow(QString(), field->row);
    } else {
        auto *name = new QLabel(label);
        name->setToolTip(tip);
        name->setBuddy(editor);
        section.form->addRow(name, field->row);
    }
    m_fields.push_back(std::move(field));
    return *m_fields.back();
}

void ResourceForm::buildForm()
{
    // A line edit: a string, a duration or a number, as `kind` says.
    enum class Kind { Text, Duration, Number };
    auto line = [this](Section &section, const QString &label, const QString &path, const QString &what, const QString &tip, Kind kind) -> Field & {
        auto *edit = new QLineEdit;
        edit->setClearButtonEnabled(true);
        Field &f = addField(section, label, path, what, edit, tip);
        f.value = [edit, kind](QString *) -> Value {
            if (kind == Kind::Text)
                return edit->text().isEmpty() ? Value() : Value(json(edit->text().toStdString()));
            return numberOrText(edit->text());
        };
        f.show = [edit](const json *value) {
            const QString text = value ? fromJson(*value) : QString();
            if (edit->text() != text) {
                const int cursor = edit->cursorPosition();
                edit->setText(text);
                // Where the user was typing; else the beginning of a long value.
                edit->setCursorPosition(edit->hasFocus() ? qMin(cursor, int(text.size())) : 0);
            }
        };
        f.setReadOnly = [edit](bool readOnly) {
            edit->setReadOnly(readOnly);
            edit->setClearButtonEnabled(!readOnly);
        };
        f.mark = [edit](const Diagnostics &errors) { edit->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QLineEdit { %1 }").arg(kInvalidStyle)); };
        f.focusAt = [edit](const QString &) {
            edit->setFocus(Qt::OtherFocusReason);
            edit->selectAll();
            return true;
        };
        connect(edit, &QLineEdit::textEdited, this, [this, &f] { edited(f); });
        connect(edit, &QLineEdit::editingFinished, this, [this, &f] { commit(f); });
        edit->installEventFilter(this);
        m_escapable.insert(edit, &f);
        return f;
    };
    auto check = [this](Section &section, const QString &text, const QString &path, const QString &what, const QString &tip, bool byDefault) -> Field & {
        auto *box = new QCheckBox(text);
        Field &f = addField(section, QString(), path, what, box, tip);
        auto present = std::make_shared<bool>(false);
        f.value = [box, byDefault, present](QString *) -> Value {
            // The default is left unwritten unless the plan already spelled it out.
            if (box->isChecked() == byDefault && !*present)
                return std::nullopt;
            return json(box->isChecked());
        };
        f.show = [box, byDefault, present](const json *value) {
            *present = value != nullptr;
            box->setChecked(value && value->is_boolean() ? value->get<bool>() : byDefault);
        };
        f.setReadOnly = [box](bool readOnly) { box->setEnabled(!readOnly); };
        f.mark = [](const Diagnostics &) {};
        f.focusAt = [box](const QString &) {
            box->setFocus(Qt::OtherFocusReason);
            return true;
        };
        connect(box, &QCheckBox::clicked, this, [this, &f] {
            f.dirty = true;
            commit(f);
        });
        return f;
    };
    auto list = [this](Section &section, const QString &label, const QString &path, const QString &what, const QString &tip,
                       const QStringList &placeholders, bool reorderable, const QString &addText) -> Field & {
        auto *rows = new FieldList(placeholders, reorderable, addText);
        Field &f = addField(section, label, path, what, rows, tip);
        const bool pairs = placeholders.size() > 1;
        f.value = [rows, pairs](QString *) -> Value {
            if (pairs) {
                json object = json::object();
                for (const QStringList &row : rows->rows()) {
                    if (!row[0].isEmpty() || !row[1].isEmpty())
                        object[row[0].toStdString()] = row[1].toStdString();
                }
                return object.empty() ? Value() : Value(object);
            }
            json array = json::array();
            for (const QStringList &row : rows->rows())
                array.push_back(row[0].toStdString());
            return array;
        };
        f.show = [rows, pairs](const json *value) {
            QList<QStringList> texts;
            if (value && pairs && value->is_object()) {
                for (const auto &[key, member] : value->items())
                    texts.append({QString::fromStdString(key), fromJson(member)});
            } else if (value && !pairs && value->is_array()) {
                for (const auto &member : *value)
                    texts.append({fromJson(member)});
            }
            rows->setRows(texts);
        };
        f.setReadOnly = [rows](bool readOnly) { rows->setReadOnly(readOnly); };
        // Which row a path inside the list or object is: "[2]", ".NAME" or "[\"A B\"]".
        auto rowAt = [rows, pairs, path](const QString &sub) {
            static const QRegularExpression index(QStringLiteral("^\\[(\\d+)\\]"));
            static const QRegularExpression quoted(QStringLiteral("^\\[\"(.*)\"\\]"));
            static const QRegularExpression member(QStringLiteral("^\\.([^.\\[]*)"));
            if (!pairs) {
                const auto m = index.match(sub);
                return m.hasMatch() ? m.captured(1).toInt() : -1;
            }
            auto m = member.match(sub);
            if (!m.hasMatch())
                m = quoted.match(sub);
            if (!m.hasMatch())
                return -1;
            const QList<QStringList> texts = rows->rows();
            for (int r = 0; r < texts.size(); ++r) {
                if (texts[r][0] == m.captured(1))
                    return r;
            }
            return -1;
        };
        f.mark = [rows, rowAt, path](const Diagnostics &errors) {
            QList<int> invalid;
            for (const Diagnostic &d : errors) {
                if (const int r = rowAt(d.path.mid(path.size())); r >= 0)
                    invalid.append(r);
            }
            rows->setInvalidRows(invalid);
        };
        f.focusAt = [rows, rowAt](const QString &sub) {
            rows->focusRow(qMax(0, rowAt(sub)));
            return true;
        };
        connect(rows, &FieldList::edited, this, [this, &f] { edited(f); });
        connect(rows, &FieldList::committed, this, [this, &f] {
            f.dirty = true;
            commit(f);
        });
        return f;
    };
    auto durationTip = [](const QString &what, const QString &byDefault) {
        return tr("%1: a duration such as 250ms, 30s, 5m, 1h or 1m30s, or a number of seconds. Empty: %2.").arg(what, byDefault);
    };

    Section &general = addSection(tr("General"), QString());
    line(general, tr("Name"), QStringLiteral("name"), tr("the name"), tr("A display name. Empty: the id."), Kind::Text);
    {
        auto *combo = new QComboBox;
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        combo->lineEdit()->setPlaceholderText(tr("none"));
        combo->lineEdit()->setClearButtonEnabled(true);
        Field &f = addField(general, tr("Group"), QStringLiteral("group"), tr("the group"), combo,
                            tr("A group declared under \"groups\" of the plan. Empty: none."));
        f.value = [combo](QString *) -> Value {
            const QString text = combo->currentText().trimmed();
            return text.isEmpty() ? Value() : Value(json(text.toStdString()));
        };
        f.show = [combo](const json *value) {
            const QString text = value ? fromJson(*value) : QString();
            if (combo->currentText() != text)
                combo->setEditText(text);
        };
        f.setReadOnly = [combo](bool readOnly) {
            combo->lineEdit()->setReadOnly(readOnly);
            combo->setEnabled(!readOnly);
        };
        f.mark = [combo](const Diagnostics &errors) { combo->lineEdit()->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QLineEdit { %1 }").arg(kInvalidStyle)); };
        f.focusAt = [combo](const QString &) {
            combo->setFocus(Qt::OtherFocusReason);
            combo->lineEdit()->selectAll();
            return true;
        };
        combo->lineEdit()->installEventFilter(this);
        m_escapable.insert(combo->lineEdit(), &f);
        connect(combo->lineEdit(), &QLineEdit::textEdited, this, [this, &f] { edited(f); });
        connect(combo->lineEdit(), &QLineEdit::editingFinished, this, [this, &f] { commit(f); });
        connect(combo, &QComboBox::activated, this, [this, &f] {
            f.dirty = true;
            commit(f);
        });
    }
    line(general, tr("Timeout"), QStringLiteral("timeout"), tr("the timeout"),
         durationTip(tr("How long one attempt may take"), tr("the plan's default, or no limit")), Kind::Duration);
    line(general, tr("Estimate"), QStringLiteral("estimate"), tr("the estimate"),
         durationTip(tr("How long an attempt is expected to take (the scheduler starts the longest paths first)"), tr("the executor's guess")), Kind::Duration);
    check(general, tr("Run this resource"), QStringLiteral("run"), tr("whether it runs"),
          tr("Unchecked: shown on the graph but never provisioned; it counts as done for what depends on it."), true);
    line(general, tr("Note"), QStringLiteral("note"), tr("the note"), tr("Why it does not run, or may not; shown in the Inspector and the run's journal."), Kind::Text);

    Section &retry = addSection(tr("Retry"), QString());
    line(retry, tr("Attempts"), QStringLiteral("retry.max_attempts"), tr("the attempts"),
         tr("Attempts in all, the first included: a whole number from 1 to 1000. 1 means no automatic retry."), Kind::Number);
    line(retry, tr("First wait"), QStringLiteral("retry.backoff.initial"), tr("the first retry wait"),
         durationTip(tr("The wait before the second attempt"), tr("1s")), Kind::Duration);
    line(retry, tr("Longest wait"), QStringLiteral("retry.backoff.max"), tr("the longest retry wait"),
         durationTip(tr("The longest wait between attempts"), tr("1m")), Kind::Duration)
        .claims = QStringList{QStringLiteral("retry.backoff")};
    line(retry, tr("Multiplier"), QStringLiteral("retry.backoff.multiplier"), tr("the backoff multiplier"),
         tr("Each wait is this many times the one before, up to the longest: a number from 1 to 100. Empty: 2."), Kind::Number);
    line(retry, tr("Jitter"), QStringLiteral("retry.jitter"), tr("the retry jitter"),
         tr("Each wait varies randomly by up to this fraction either way (0.2: ±20%): a number from 0 to 1. Empty: 0."), Kind::Number)
        .claims = QStringList{QStringLiteral("retry")};

    Section &sim = addSection(tr("Simulation"), QStringLiteral("sim"));
    {
        auto *row = new QWidget;
        auto *low = new QLineEdit;
        auto *high = new QLineEdit;
        low->setObjectName(QStringLiteral("InspectorField:duration.min"));
        high->setObjectName(QStringLiteral("InspectorField:duration.max"));
        high->setPlaceholderText(tr("fixed"));
        auto *rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->addWidget(low, 1);
        rowLayout->addWidget(new QLabel(tr("to")));
        rowLayout->addWidget(high, 1);
        const QString tip = tr("How long an attempt takes: a duration (5s), or a range drawn from at each attempt (20s to 40s). Empty: 1s.");
        low->setToolTip(tip);
        high->setToolTip(tr("The longest an attempt takes; empty for a fixed duration."));
        Field &f = addField(sim, tr("Duration"), QStringLiteral("duration"), tr("the duration"), row, tip);
        f.editor = low;
        f.second = high;
        f.value = [low, high](QString *) -> Value {
            const Value min = numberOrText(low->text());
            const Value max = numberOrText(high->text());
            if (!max)
                return min;
            return json::array({min ? *min : json(""), *max});
        };
        f.show = [low, high](const json *value) {
            QString a, b;
            if (value && value->is_array() && value->size() == 2) {
                a = fromJson((*value)[0]);
                b = fromJson((*value)[1]);
            } else if (value) {
                a = fromJson(*value);
            }
            for (auto [edit, text] : {std::pair{low, a}, std::pair{high, b}}) {
                if (edit->text() != text) {
                    const int cursor = edit->cursorPosition();
                    edit->setText(text);
                    if (edit->hasFocus())
                        edit->setCursorPosition(qMin(cursor, int(text.size())));
                }
            }
        };
        f.setReadOnly = [low, high](bool readOnly) {
            low->setReadOnly(readOnly);
            high->setReadOnly(readOnly);
        };
        f.mark = [low, high](const Diagnostics &errors) {
            for (QLineEdit *edit : {low, high})
                edit->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QLineEdit { %1 }").arg(kInvalidStyle));
        };
        f.focusAt = [low, high](const QString &sub) {
            QLineEdit *edit = sub == QLatin1String("[1]") ? high : low;
            edit->setFocus(Qt::OtherFocusReason);
            edit->selectAll();
            return true;
        };
        for (QLineEdit *edit : {low, high}) {
            edit->installEventFilter(this);
            m_escapable.insert(edit, &f);
            connect(edit, &QLineEdit::textEdited, this, [this, &f] { edited(f); });
            connect(edit, &QLineEdit::editingFinished, this, [this, &f, low, high, edit] {
                // Going from the minimum to the maximum is not the end of the edit.
                if (QWidget *next = QApplication::focusWidget(); next != edit && (next == low || next == high))
                    return;
                commit(f);
            });
        }
    }
    line(sim, tr("Failure rate"), QStringLiteral("failure_rate"), tr("the failure rate"),
         tr("The chance that an attempt fails: a number from 0 (never) to 1 (always). Empty: 0."), Kind::Number);
    line(sim, tr("Fail first"), QStringLiteral("fail_attempts"), tr("the failing attempts"),
         tr("The first N attempts fail, whatever the failure rate says: a whole number, 0 or more. Empty: 0."), Kind::Number);
    line(sim, tr("Failure text"), QStringLiteral("failure_message"), tr("the failure message"),
         tr("The error a failing attempt reports. Empty: \"simulated failure ...\"."), Kind::Text);

    Section &command = addSection(tr("Process"), QStringLiteral("command"));
    check(command, tr("Run through /bin/sh -c"), QStringLiteral("shell"), tr("the shell setting"),
          tr("Checked: the command is one line run by /bin/sh -c. Unchecked (the default): a program and its arguments, run without a shell."), false)
        .alsoChange = [](json &resource) {
        // The command follows: a list becomes one line, a line becomes a list.
        const bool shell = resource.value("shell", false) == true;
        const auto it = resource.find("command");
        if (it == resource.end())
            return;
        if (shell && it->is_array()) {
            QStringList words;
            for (const auto &argument : *it)
                words.append(shellQuote(fromJson(argument)));
            *it = words.join(QLatin1Char(' ')).toStdString();
        } else if (!shell && it->is_string()) {
            json argv = json::array();
            for (const QString &argument : QProcess::splitCommand(fromJson(*it)))
                argv.push_back(argument.toStdString());
            *it = argv;
        }
    };
    {
        auto *box = new QWidget;
        auto *boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        auto *arguments = new FieldList({tr("argument")}, true, tr("Add argument"));
        arguments->setObjectName(QStringLiteral("InspectorArguments"));
        auto *script = new QLineEdit;
        script->setObjectName(QStringLiteral("InspectorScript"));
        script->setPlaceholderText(tr("command line, such as ./build.sh && ./deploy.sh"));
        boxLayout->addWidget(arguments);
        boxLayout->addWidget(script);
        script->hide();
        const QString tip = tr("The program, then one argument per row, run without a shell (a program with a / is relative to the directory). Required.");
        arguments->setToolTip(tip);
        script->setToolTip(tr("The command line /bin/sh -c runs. Required."));
        Field &f = addField(command, tr("Command"), QStringLiteral("command"), tr("the command"), box, tip);
        box->setObjectName(QString());
        arguments->setObjectName(QStringLiteral("InspectorField:command"));
        f.editor = arguments;
        f.second = script;
        f.value = [arguments, script](QString *) -> Value {
            if (!script->isHidden())
                return script->text().isEmpty() ? Value() : Value(json(script->text().toStdString()));
            json array = json::array();
            for (const QStringList &row : arguments->rows())
                array.push_back(row[0].toStdString());
            return array.empty() ? Value() : Value(array);
        };
        f.show = [arguments, script](const json *value) {
            const bool commandLine = value && value->is_string();
            script->setVisible(commandLine);
            arguments->setVisible(!commandLine);
            if (commandLine) {
                const QString text = fromJson(*value);
                if (script->text() != text)
                    script->setText(text);
                arguments->setRows({});
                return;
            }
            script->clear();
            QList<QStringList> rows;
            if (value && value->is_array()) {
                for (const auto &argument : *value)
                    rows.append({fromJson(argument)});
            }
            arguments->setRows(rows);
        };
        f.setReadOnly = [arguments, script](bool readOnly) {
            arguments->setReadOnly(readOnly);
            script->setReadOnly(readOnly);
        };
        f.mark = [arguments, script](const Diagnostics &errors) {
            static const QRegularExpression index(QStringLiteral("^command\\[(\\d+)\\]"));
            QList<int> rows;
            bool whole = false;
            for (const Diagnostic &d : errors) {
                if (const auto m = index.match(d.path); m.hasMatch())
                    rows.append(m.captured(1).toInt());
                else
                    whole = true;
            }
            arguments->setInvalidRows(whole ? QList<int>{0} : rows);
            script->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QLineEdit { %1 }").arg(kInvalidStyle));
        };
        f.focusAt = [arguments, script](const QString &sub) {
            if (!script->isHidden()) {
                script->setFocus(Qt::OtherFocusReason);
                return true;
            }
            static const QRegularExpression index(QStringLiteral("^\\[(\\d+)\\]"));
            const auto m = index.match(sub);
            arguments->focusRow(m.hasMatch() ? m.captured(1).toInt() : 0);
            return true;
        };
        connect(arguments, &FieldList::edited, this, [this, &f] { edited(f); });
        connect(arguments, &FieldList::committed, this, [this, &f] {
            f.dirty = true;
            commit(f);
        });
        connect(script, &QLineEdit::textEdited, this, [this, &f] { edited(f); });
        connect(script, &QLineEdit::editingFinished, this, [this, &f] { commit(f); });
    }
    line(command, tr("Directory"), QStringLiteral("cwd"), tr("the working directory"),
         tr("The directory to run in; relative to the directory Fanout runs in. Empty: Fanout's working directory."), Kind::Text);
    list(command, tr("Environment"), QStringLiteral("env"), tr("the environment"),
         tr("Variables added to Fanout's own environment: a name and its value per row."), {tr("NAME"), tr("value")}, false, tr("Add variable"));
    line(command, tr("Grace"), QStringLiteral("grace"), tr("the grace period"),
         durationTip(tr("How long a stopped command has between SIGTERM and SIGKILL"), tr("5s")), Kind::Duration);
    check(command, tr("Outputs from its last JSON line"), QStringLiteral("outputs_json"), tr("the JSON outputs setting"),
          tr("When it succeeds and the last non-empty line of its output is a JSON object, each member becomes an output."), false);

    Section &http = addSection(tr("HTTP request"), QStringLiteral("http"));
    {
        auto *combo = new QComboBox;
        const QStringList methods = {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                                     QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD")};
        combo->addItems(methods);
        Field &f = addField(http, tr("Method"), QStringLiteral("request.method"), tr("the method"), combo,
                            tr("GET, POST, PUT, PATCH, DELETE or HEAD. Default: GET."));
        auto present = std::make_shared<bool>(false);
        f.value = [combo, present](QString *) -> Value {
            if (combo->currentText() == QLatin1String("GET") && !*present)
                return std::nullopt;
            return json(combo->currentText().toStdString());
        };
        f.show = [combo, methods, present](const json *value) {
            *present = value != nullptr;
            const QString text = value ? fromJson(*value) : QStringLiteral("GET");
            // A method the plan has that is not one of these is shown, with its problem.
            while (combo->count() > methods.size())
                combo->removeItem(combo->count() - 1);
            if (combo->findText(text) < 0)
                combo->addItem(text);
            combo->setCurrentIndex(combo->findText(text));
        };
        f.setReadOnly = [combo](bool readOnly) { combo->setEnabled(!readOnly); };
        f.mark = [combo](const Diagnostics &errors) { combo->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QComboBox { %1 }").arg(kInvalidStyle)); };
        f.focusAt = [combo](const QString &) {
            combo->setFocus(Qt::OtherFocusReason);
            return true;
        };
        connect(combo, &QComboBox::activated, this, [this, &f] {
            f.dirty = true;
            commit(f);
        });
    }
    line(http, tr("URL"), QStringLiteral("request.url"), tr("the URL"),
         tr("An http:// or https:// address; may use ${var.NAME} and ${resources.ID.outputs.KEY}. Required."), Kind::Text)
        .claims = QStringList{QStringLiteral("request")};
    list(http, tr("Headers"), QStringLiteral("request.headers"), tr("the headers"),
         tr("Request headers, a name and its value per row. User-Agent and Accept: application/json are set unless given."),
         {tr("Name"), tr("value")}, false, tr("Add header"));
    {
        auto *body = new QPlainTextEdit;
        QFont mono(QStringLiteral("monospace"));
        mono.setStyleHint(QFont::Monospace);
        body->setFont(mono);
        body->setTabChangesFocus(true);
        body->setFixedHeight(body->fontMetrics().lineSpacing() * 4 + 10);
        body->setPlaceholderText(tr("{\"name\": \"logs\"}"));
        Field &f = addField(http, tr("Body"), QStringLiteral("request.body"), tr("the body"), body,
                            tr("Sent as JSON: any JSON value, such as {\"name\": \"logs\"}; a JSON string (in quotes) is sent exactly as written. "
                               "Applied when you leave it or press Ctrl+Return. Empty: no body."));
        f.value = [body](QString *problem) -> Value {
            if (body->toPlainText().trimmed().isEmpty())
                return std::nullopt;
            json parsed;
            const QString error = syntaxError(body->toPlainText(), &parsed);
            if (!error.isEmpty()) {
                if (problem)
                    *problem = tr("not JSON: %1").arg(error);
                return std::nullopt;
            }
            return parsed;
        };
        f.show = [body](const json *value) {
            const QString text = value ? QString::fromStdString(value->dump(value->is_structured() ? 2 : -1)) : QString();
            if (body->toPlainText() != text)
                body->setPlainText(text);
        };
        f.setReadOnly = [body](bool readOnly) { body->setReadOnly(readOnly); };
        f.mark = [body](const Diagnostics &errors) { body->setStyleSheet(errors.isEmpty() ? QString() : QStringLiteral("QPlainTextEdit { %1 }").arg(kInvalidStyle)); };
        f.focusAt = [body](const QString &) {
            body->setFocus(Qt::OtherFocusReason);
            return true;
        };
        connect(body, &QPlainTextEdit::textChanged, this, [this, &f] {
            if (!m_loading)
                edited(f);
        });
        body->installEventFilter(this);
        body->setProperty("fanoutBody", true);
    }
    {
        Field &f = line(http, tr("Expect"), QStringLiteral("request.expect"), tr("the expected statuses"),
                        tr("The HTTP statuses that mean success, such as 200, 201. Empty: any 2xx."), Kind::Text);
        auto *edit = static_cast<QLineEdit *>(f.editor);
        f.value = [edit](QString *) -> Value {
            const QStringList words = edit->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
            if (words.isEmpty())
                return std::nullopt;
            json codes = json::array();
            for (const QString &word : words)
                codes.push_back(*numberOrText(word));
            return codes;
        };
        f.show = [edit](const json *value) {
            QStringList words;
            if (value && value->is_array()) {
                for (const auto &code : *value)
                    words.append(fromJson(code));
            } else if (value) {
                words.append(fromJson(*value));
            }
            const QString text = words.join(QStringLiteral(", "));
            if (edit->text() != text)
                edit->setText(text);
        };
    }
    // One label column for every section, so that the fields line up.
    int labelWidth = 0;
    for (const auto &section : m_sections) {
        for (int row = 0; row < section->form->rowCount(); ++row) {
            if (QLayoutItem *item = section->form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
                labelWidth = qMax(labelWidth, item->widget()->sizeHint().width());
        }
    }
    for (const auto &section : m_sections) {
        for (int row = 0; row < section->form->rowCount(); ++row) {
            if (QLayoutItem *item = section->form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
                item->widget()->setMinimumWidth(labelWidth);
        }
    }
    auto *more = new QLabel(tr("Waiting until ready and outputs: in the JSON tab."));
    more->setStyleSheet(QStringLiteral("color: #5f6368"));
    more->setWordWrap(true);
    http.form->addRow(more);
}

void ResourceForm::setDocument(PlanDocument *document)
{
    if (m_document)
        m_document->disconnect(this);
    m_document = document;
    m_checkStale = true;
    if (m_document) {
        connect(m_document, &PlanDocument::changed, this, [this] {
            m_checkStale = true;
            load();
        });
    }
    load();
}

void ResourceForm::showResource(const QString &id)
{
    if (id == m_id && !m_id.isEmpty())
        return; // the document's changes load themselves
    m_id = id;
    for (const auto &f : m_fields)
        f->dirty = false;
    m_jsonDirty = false;
    load();
}

const nlohmann::ordered_json *ResourceForm::object() const
{
    if (!m_document || m_id.isEmpty())
        return nullptr;
    if (m_checkStale) {
        m_check.setDocument(m_document->document());
        m_checkStale = false;
    }
    const int index = m_check.indexOf(m_id);
    if (index < 0)
        return nullptr;
    return &m_document->document()["resources"][std::size_t(index)];
}

void ResourceForm::load()
{
    const json *resource = object();
    m_tabs->setVisible(resource);
    m_missing->setVisible(!resource && m_document && !m_id.isEmpty());
    m_missing->setText(tr("%1 is not in the plan being edited.").arg(m_id));
    if (!resource)
        return;
    const int index = m_check.indexOf(m_id);
    const Plan &plan = m_document->plan();
    m_type = index < plan.resources.size() ? plan.resources[index].type : fromJson(resource->value("type", json("")));

    m_loading = true;
    for (const auto &section : m_sections)
        section->widget->setVisible(section->type.isEmpty() || section->type == m_type);
    const Diagnostics diagnostics = ResourceCheck::relativeTo(m_document->diagnostics(), index);
    for (const auto &f : m_fields) {
        if (f->dirty)
            continue; // being typed, or refused: the document's change does not undo the typing
        f->show(valueAt(*resource, f->path));
        showMessages(*f, diagnostics);
    }
    showOtherProblems(diagnostics);
    updatePlaceholders(index);
    if (!m_jsonDirty)
        loadJson(*resource);
    m_loading = false;
    setLocked(m_lockReason, m_lock->property("note").toString());
}

void ResourceForm::updatePlaceholders(int index)
{
    const json &document = m_document->document();
    const json defaults = document.is_object() ? document.value("defaults", json::object()) : json::object();
    auto placeholder = [this](const QString &path, const QString &text) {
        if (auto *edit = qobject_cast<QLineEdit *>(editor(path)))
            edit->setPlaceholderText(text);
    };
    auto fromDefaults = [&](const QString &path, const QString &builtIn) {
        const json *value = defaults.is_object() ? valueAt(defaults, path) : nullptr;
        return value ? tr("%1 (plan default)").arg(fromJson(*value)) : builtIn;
    };
    placeholder(QStringLiteral("name"), m_id);
    placeholder(QStringLiteral("timeout"), fromDefaults(QStringLiteral("timeout"), tr("none")));
    std::optional<qint64> guess;
    if (const Executor *executor = ExecutorRegistry::builtIn().find(m_type); executor && index < m_document->plan().resources.size())
        guess = executor->defaultEstimateMs(m_document->plan().resources[index]);
    placeholder(QStringLiteral("estimate"), tr("%1 (guessed)").arg(formatDuration(guess.value_or(1000))));
    placeholder(QStringLiteral("note"), tr("none"));
    placeholder(QStringLiteral("retry.max_attempts"), fromDefaults(QStringLiteral("retry.max_attempts"), tr("1 (no retry)")));
    placeholder(QStringLiteral("retry.backoff.initial"), fromDefaults(QStringLiteral("retry.backoff.initial"), QStringLiteral("1s")));
    placeholder(QStringLiteral("retry.backoff.max"), fromDefaults(QStringLiteral("retry.backoff.max"), QStringLiteral("1m")));
    placeholder(QStringLiteral("retry.backoff.multiplier"), fromDefaults(QStringLiteral("retry.backoff.multiplier"), QStringLiteral("2")));
    placeholder(QStringLiteral("retry.jitter"), fromDefaults(QStringLiteral("retry.jitter"), QStringLiteral("0")));
    placeholder(QStringLiteral("duration"), QStringLiteral("1s"));
    placeholder(QStringLiteral("failure_rate"), QStringLiteral("0"));
    placeholder(QStringLiteral("fail_attempts"), QStringLiteral("0"));
    placeholder(QStringLiteral("failure_message"), tr("simulated failure …"));
    placeholder(QStringLiteral("cwd"), tr("Fanout's working directory"));
    placeholder(QStringLiteral("grace"), QStringLiteral("5s"));
    placeholder(QStringLiteral("request.url"), QStringLiteral("https://api.example.com/buckets"));
    placeholder(QStringLiteral("request.expect"), tr("any 2xx"));
    if (auto *combo = qobject_cast<QComboBox *>(editor(QStringLiteral("group")))) {
        QStringList names{QString()};
        for (const Group &group : m_document->plan().groups)
            names.append(group.name);
        QStringList items;
        for (int i = 0; i < combo->count(); ++i)
            items.append(combo->itemText(i));
        if (items != names) {
            const QString text = combo->currentText();
            combo->clear();
            combo->addItems(names);
            combo->setEditText(text);
        }
    }
}

void ResourceForm::loadJson(const nlohmann::ordered_json &resource)
{
    const QString text = QString::fromStdString(resource.dump(2, ' ', false, json::error_handler_t::replace));
    const bool wasLoading = m_loading;
    m_loading = true;
    if (m_json->toPlainText() != text) {
        const QTextCursor cursor = m_json->textCursor();
        const int line = cursor.blockNumber();
        const int column = cursor.positionInBlock();
        m_json->setPlainText(text);
        const QTextBlock block = m_json->document()->findBlockByNumber(qMin(line, m_json->document()->blockCount() - 1));
        QTextCursor restored(block);
        restored.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, qMin(column, block.length() - 1));
        m_json->setTextCursor(restored);
    }
    m_loading = wasLoading;
    m_jsonDirty = false;
    m_jsonMessage->hide();
    m_apply->setEnabled(false);
    m_revert->setEnabled(false);
}

void ResourceForm::setLocked(const QString &reason, const QString &note)
{
    m_lockReason = reason;
    m_lock->setProperty("note", note);
    const bool locked = !reason.isEmpty() || !m_document;
    const QString text = !reason.isEmpty() ? reason : note;
    m_lock->setText(text);
    m_lock->setVisible(!text.isEmpty());
    m_lock->setStyleSheet(!reason.isEmpty() ? QStringLiteral("QLabel { background: #fef7e0; color: #7a4f01; padding: 3px 6px; border-radius: 3px; }")
                                            : QStringLiteral("QLabel { background: #e8f0fe; color: #174ea6; padding: 3px 6px; border-radius: 3px; }"));
    for (const auto &f : m_fields)
        f->setReadOnly(locked);
    m_json->setReadOnly(locked);
    m_apply->setEnabled(!locked && m_jsonDirty);
    m_revert->setEnabled(m_jsonDirty);
}

ResourceForm::Field *ResourceForm::fieldFor(const QString &path) const
{
    Field *best = nullptr;
    for (const auto &f : m_fields) {
        if (!f->section->widget->isHidden() && f->owns(path) && (!best || f->path.size() > best->path.size()))
            best = f.get();
    }
    return best;
}

ResourceForm::Field *ResourceForm::fieldAt(const QString &path) const
{
    for (const auto &f : m_fields) {
        if (f->path == path)
            return f.get();
    }
    return nullptr;
}

QWidget *ResourceForm::editor(const QString &path) const
{
    const Field *field = fieldAt(path);
    return field ? field->editor : nullptr;
}

QWidget *ResourceForm::secondEditor(const QString &path) const
{
    const Field *field = fieldAt(path);
    return field ? field->second : nullptr;
}

QLabel *ResourceForm::message(const QString &path) const
{
    const Field *field = fieldAt(path);
    return field ? field->message : nullptr;
}

void ResourceForm::showMessages(Field &field, const Diagnostics &diagnostics)
{
    QStringList errors, warnings;
    Diagnostics mine;
    for (const Diagnostic &d : diagnostics) {
        if (!field.owns(d.path))
            continue;
        QString subject = field.subject;
        const QString sub = d.path.mid(field.path.size());
        if (isUnder(d.path, field.path) && !sub.isEmpty()) {
            static const QRegularExpression index(QStringLiteral("^\\[(\\d+)\\]"));
            static const QRegularExpression quoted(QStringLiteral("^\\[\"(.*)\"\\]"));
            if (const auto m = index.match(sub); m.hasMatch())
                subject = tr("%1 %2").arg(field.path == QLatin1String("command") ? tr("Argument") : tr("Entry")).arg(m.captured(1).toInt() + 1);
            else if (const auto q = quoted.match(sub); q.hasMatch())
                subject = q.captured(1); // env["A=B"]
            else
                subject = sub.mid(1); // env.PATH
        }
        (d.isError() ? errors : warnings).append(sentence(subject, d.message));
        if (d.isError())
            mine.append(d);
    }
    field.message->setText(problemsHtml(errors, warnings));
    field.message->setVisible(!errors.isEmpty() || !warnings.isEmpty());
    field.mark(mine);
}

void ResourceForm::showOtherProblems(const Diagnostics &diagnostics)
{
    QStringList errors, warnings;
    for (const Diagnostic &d : diagnostics) {
        if (fieldFor(d.path))
            continue;
        const QString text = d.path.isEmpty() ? d.message : d.path + QStringLiteral(": ") + d.message;
        (d.isError() ? errors : warnings).append(text);
    }
    m_problems->setText(problemsHtml(errors, warnings));
    m_problems->setVisible(!errors.isEmpty() || !warnings.isEmpty());
}

void ResourceForm::edited(Field &field)
{
    const json *resource = object();
    if (!resource || m_loading)
        return;
    field.dirty = true;
    if (const std::optional<json> candidate = withValueOf(field, *resource))
        showMessages(field, m_check.check(*candidate));
}

std::optional<json> ResourceForm::withValueOf(Field &field, const json &resource)
{
    QString problem;
    const Value value = field.value(&problem);
    if (!problem.isEmpty()) {
        showMessages(field, {Diagnostic{Diagnostic::Severity::Error, field.path, 0, 0, problem}});
        return std::nullopt;
    }
    json candidate = resource;
    putAt(candidate, field.path, value);
    if (field.alsoChange)
        field.alsoChange(candidate);
    return candidate;
}

void ResourceForm::commit(Field &field)
{
    // Leaving a field applies it, but not when the window closes (after Save was asked about).
    if (window()->isHidden() || QCoreApplication::closingDown())
        return;
    const json *resource = object();
    if (!resource || m_loading || isLocked() || !field.dirty)
        return;
    const std::optional<json> withValue = withValueOf(field, *resource);
    if (!withValue)
        return;
    const json &candidate = *withValue;
    if (candidate == *resource) {
        field.dirty = false;
        showMessages(field, ResourceCheck::relativeTo(m_document->diagnostics(), m_check.indexOf(m_id)));
        return;
    }
    const Diagnostics diagnostics = m_check.check(candidate);
    showMessages(field, diagnostics);
    for (const Diagnostic &d : diagnostics) {
        if (d.isError() && field.owns(d.path))
            return; // marked in place; the document keeps its value
    }
    field.dirty = false;
    if (const Expected<void> changed = m_document->changeResource(m_id, candidate, tr("Change %1 of %2").arg(field.what, m_id)); !changed) {
        field.dirty = true;
        field.message->setText(problemsHtml({changed.error()}, {}));
        field.message->show();
    }
}

void ResourceForm::jsonEdited()
{
    if (m_loading)
        return;
    m_jsonDirty = true;
    m_revert->setEnabled(true);
    m_apply->setEnabled(!isLocked() && m_document);
    json parsed;
    const QString syntax = syntaxError(m_json->toPlainText(), &parsed);
    if (!syntax.isEmpty()) {
        m_jsonMessage->setText(problemsHtml({syntax}, {}));
        m_jsonMessage->show();
        return;
    }
    QStringList errors, warnings;
    if (!parsed.is_object())
        errors.append(tr("A resource is a JSON object: {\"id\": ..., \"type\": ...}"));
    else if (parsed.value("id", json()) != json(m_id.toStdString()))
        errors.append(tr("The id cannot be changed here: change it in the Id field, so that what refers to %1 follows").arg(m_id));
    else {
        for (const Diagnostic &d : m_check.check(parsed))
            (d.isError() ? errors : warnings).append(d.path.isEmpty() ? d.message : d.path + QStringLiteral(": ") + d.message);
    }
    m_jsonMessage->setText(problemsHtml(errors, warnings));
    m_jsonMessage->setVisible(!errors.isEmpty() || !warnings.isEmpty());
}

bool ResourceForm::applyJson()
{
    const json *resource = object();
    if (!resource || isLocked())
        return false;
    auto refuse = [this](const QString &why) {
        m_jsonMessage->setText(problemsHtml({why}, {}));
        m_jsonMessage->show();
        return false;
    };
    json parsed;
    if (const QString syntax = syntaxError(m_json->toPlainText(), &parsed); !syntax.isEmpty())
        return refuse(syntax);
    if (!parsed.is_object())
        return refuse(tr("Not applied: a resource is a JSON object, {\"id\": ..., \"type\": ...}"));
    if (parsed.value("id", json()) != json(m_id.toStdString()))
        return refuse(tr("Not applied: the id cannot be changed here. Use the Id field above, so that what refers to %1 follows.").arg(m_id));
    if (parsed == *resource) {
        loadJson(*resource);
        return true;
    }
    // No new errors: the ones the resource had already may be fixed later, or be this machine's
    // (an environment variable that is not set here).
    const Diagnostics before = ResourceCheck::relativeTo(m_document->diagnostics(), m_check.indexOf(m_id));
    QStringList errors;
    for (const Diagnostic &d : m_check.check(parsed)) {
        const bool known = std::any_of(before.cbegin(), before.cend(), [&](const Diagnostic &b) { return b.path == d.path && b.message == d.message; });
        if (d.isError() && !known)
            errors.append(d.path.isEmpty() ? d.message : d.path + QStringLiteral(": ") + d.message);
    }
    // A dependency cycle only the whole plan shows.
    if (const auto deps = parsed.find("depends_on"); deps != parsed.end() && deps->is_array()) {
        const json old = resource->value("depends_on", json::array());
        for (const auto &dep : *deps) {
            if (!dep.is_string() || std::find(old.begin(), old.end(), dep) != old.end())
                continue;
            const QStringList cycle = m_document->cycleClosedBy(m_id, fromJson(dep));
            if (!cycle.isEmpty())
                errors.append(tr("depends_on: %1 cannot depend on %2: that would close the cycle %3").arg(m_id, fromJson(dep), cycle.join(QStringLiteral(" → "))));
        }
    }
    if (!errors.isEmpty())
        return refuse(tr("Not applied: %1").arg(errors.join(QStringLiteral("; "))));
    m_jsonDirty = false;
    if (const Expected<void> changed = m_document->changeResource(m_id, parsed, tr("Edit the JSON of %1").arg(m_id)); !changed) {
        m_jsonDirty = true;
        return refuse(changed.error());
    }
    return true;
}

bool ResourceForm::focusField(const QString &path, QWidget **focused)
{
    const json *resource = object();
    if (!resource)
        return false;
    if (path.isEmpty()) {
        m_tabs->setCurrentWidget(m_formPage);
        for (const auto &f : m_fields) {
            if (!f->section->widget->isHidden()) {
                f->focusAt(QString());
                if (focused)
                    *focused = f->row;
                return true;
            }
        }
        return true;
    }
    if (Field *f = fieldFor(path)) {
        m_tabs->setCurrentWidget(m_formPage);
        const QString sub = isUnder(path, f->path) ? path.mid(f->path.size()) : QString();
        const bool done = f->focusAt(sub);
        if (focused)
            *focused = f->row;
        return done;
    }
    // What the form does not show: the JSON view, at that member (of the text being edited, if it is).
    JsonLocator locator(m_json->toPlainText().toStdString());
    const auto at = locator.locate(path);
    if (!at)
        return false;
    m_tabs->setCurrentIndex(1);
    const QTextBlock block = m_json->document()->findBlockByNumber(at->line - 1);
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, qMin(at->column - 1, block.length() - 1));
    m_json->setTextCursor(cursor);
    m_json->setFocus(Qt::OtherFocusReason);
    m_json->ensureCursorVisible();
    if (focused)
        *focused = m_json;
    return true;
}

void ResourceForm::revert(Field &field)
{
    const json *resource = object();
    if (!resource)
        return;
    field.dirty = false;
    m_loading = true;
    field.show(valueAt(*resource, field.path));
    m_loading = false;
    showMessages(field, ResourceCheck::relativeTo(m_document->diagnostics(), m_check.indexOf(m_id)));
}

bool ResourceForm::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier) {
            if (Field *field = m_escapable.value(watched); field && field->dirty) {
                revert(*field);
                return true;
            }
        }
        const bool submit = (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier);
        if (submit && watched == m_json) {
            applyJson();
            return true;
        }
    }
    const bool bodySubmit = event->type() == QEvent::KeyPress
                            && (static_cast<QKeyEvent *>(event)->key() == Qt::Key_Return || static_cast<QKeyEvent *>(event)->key() == Qt::Key_Enter)
                            && (static_cast<QKeyEvent *>(event)->modifiers() & Qt::ControlModifier);
    if ((bodySubmit || event->type() == QEvent::FocusOut) && watched->property("fanoutBody").toBool()) {
        for (const auto &f : m_fields) {
            if (f->editor == watched)
                commit(*f);
        }
        if (bodySubmit)
            return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace fanout
