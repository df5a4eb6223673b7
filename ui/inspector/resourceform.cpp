#include "ui/inspector/resourceform.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/fieldsection.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"
#include "models/plan/plandocument.h"
#include "ui/inspector/fieldeditor.h"
#include "ui/inspector/formjson.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;


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

QString problemsHtml(const QStringList &errors, const QStringList &warnings)
{
    return FieldEditor::problemsHtml(errors, warnings);
}

} // namespace

// The fields of one FieldSection under its heading: for every resource (an empty type) or for the
// resources of one executor type.
struct ResourceForm::Section
{
    QString type;
    QWidget *widget = nullptr;
    QFormLayout *form = nullptr;
};

ResourceForm::ResourceForm(QWidget *parent)
    : ResourceForm(ExecutorRegistry::builtIn(), parent)
{
}

ResourceForm::ResourceForm(const ExecutorTypes &types, QWidget *parent)
    : QWidget(parent)
    , m_types(types)
    , m_check(types)
{
    m_lock = new QLabel;
    m_lock->setObjectName(QStringLiteral("InspectorFormLock"));
    m_lock->setWordWrap(true);
    m_lock->hide();
    m_problems = FieldEditor::newMessageLabel();
    m_problems->setObjectName(QStringLiteral("InspectorFormProblems"));
    m_missing = new QLabel;
    m_missing->setWordWrap(true);
    m_missing->hide();
    m_instanceNote = new QLabel;
    m_instanceNote->setObjectName(QStringLiteral("InspectorInstanceNote"));
    m_instanceNote->setWordWrap(true);
    m_instanceNote->hide();

    m_formPage = new QWidget;
    auto *formLayout = new QVBoxLayout(m_formPage);
    formLayout->setContentsMargins(6, 6, 6, 6);
    formLayout->setSpacing(4);
    formLayout->addWidget(m_problems);

    QWidget *jsonPage = buildJsonPage();
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_formPage, tr("Form"));
    m_tabs->addTab(jsonPage, tr("JSON"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_lock);
    layout->addWidget(m_missing);
    layout->addWidget(m_instanceNote);
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

QWidget *ResourceForm::buildJsonPage()
{
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
    m_jsonMessage = FieldEditor::newMessageLabel();
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
    return jsonPage;
}

void ResourceForm::buildForm()
{
    for (const FieldSection &section : FieldSection::commonSections())
        addSection(section, QString());
    for (const QString &type : m_types.types()) {
        if (const ExecutorType *executor = m_types.findType(type))
            addSection(executor->description().section, type);
    }
    alignLabels();
}

void ResourceForm::addSection(const FieldSection &description, const QString &type)
{
    auto section = std::make_unique<Section>();
    section->type = type;
    section->widget = new QWidget;
    auto *layout = new QVBoxLayout(section->widget);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    auto *heading = new QLabel(description.title);
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

    for (const FieldDescription &field : description.fields) {
        if (field.jsonOnly)
            continue;
        std::unique_ptr<FieldEditor> editor = FieldEditor::create(field);
        FieldEditor *e = editor.get();
        if (e->hasLabel()) {
            auto *name = new QLabel(field.label);
            name->setToolTip(field.help);
            name->setBuddy(e->widget());
            section->form->addRow(name, e->row());
        } else {
            section->form->addRow(QString(), e->row());
        }
        e->setPlaceholder(e->fixedPlaceholder());
        connect(e, &FieldEditor::edited, this, [this, e] { edited(*e); });
        connect(e, &FieldEditor::finished, this, [this, e] { commit(*e); });
        connect(e, &FieldEditor::revertRequested, this, [this, e] { revert(*e); });
        m_fields.push_back(std::move(editor));
    }
    if (!description.footnote.isEmpty()) {
        auto *footnote = new QLabel(description.footnote);
        footnote->setStyleSheet(QStringLiteral("color: #5f6368"));
        footnote->setWordWrap(true);
        section->form->addRow(footnote);
    }
    m_sections.push_back(std::move(section));
}

void ResourceForm::alignLabels()
{
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
    // An instance (web[2], net@eu-west-1) is edited as written: its set, for all its instances.
    QString written = id;
    QString selected;
    if (m_document) {
        if (m_checkStale) {
            m_check.setDocument(m_document->document());
            m_checkStale = false;
        }
        const Plan &plan = m_document->plan();
        if (const int p = plan.indexOf(id); p >= 0 && plan.resources[p].isInstance() && m_check.indexOf(id) < 0) {
            written = plan.resources[p].set;
            selected = id;
        }
    }
    if (written == m_id && selected == m_selected && !m_id.isEmpty())
        return; // the document's changes load themselves
    m_id = written;
    m_selected = selected;
    for (const auto &f : m_fields)
        f->setDirty(false);
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
    m_instanceNote->setVisible(resource && !m_selected.isEmpty());
    if (!resource)
        return;
    const int index = m_check.indexOf(m_id);
    const Plan &plan = m_document->plan();
    if (!m_selected.isEmpty()) {
        const int instances = int(plan.instancesOf(m_id).size());
        m_instanceNote->setText(tr("%1 is one of the %2 instances of %3: what you change here applies to all of them.")
                                    .arg(m_selected).arg(instances).arg(m_id));
    }
    // Its type as read (a plan's sets make the plan's indices differ from the document's).
    const int p = planIndex();
    m_type = p >= 0 ? plan.resources[p].type : displayText(resource->value("type", json("")));

    m_loading = true;
    for (const auto &section : m_sections)
        section->widget->setVisible(section->type.isEmpty() || section->type == m_type);
    const Diagnostics diagnostics = ResourceCheck::relativeTo(m_document->diagnostics(), index);
    for (const auto &f : m_fields) {
        if (f->isDirty())
            continue; // being typed, or refused: the document's change does not undo the typing
        f->show(valueAt(*resource, f->path()));
        showMessages(*f, diagnostics);
    }
    showOtherProblems(diagnostics);
    updatePlaceholders();
    if (!m_jsonDirty)
        loadJson(*resource);
    m_loading = false;
    setLocked(m_lockReason, m_lock->property("note").toString());
}

int ResourceForm::planIndex() const
{
    const Plan &plan = m_document->plan();
    if (const int p = plan.indexOf(m_id); p >= 0)
        return p;
    const QList<int> instances = plan.instancesOf(m_id);
    return instances.isEmpty() ? -1 : instances.constFirst();
}

void ResourceForm::updatePlaceholders()
{
    const json &document = m_document->document();
    const json defaults = document.is_object() ? document.value("defaults", json::object()) : json::object();
    QStringList groups{QString()};
    for (const Group &group : m_document->plan().groups)
        groups.append(group.name);
    for (const auto &f : m_fields) {
        if (f->description().choicesAreGroups)
            f->setChoices(groups);
        switch (f->description().placeholderFrom) {
        case FieldDescription::Placeholder::Fixed:
            break; // shown since it was made
        case FieldDescription::Placeholder::PlanDefault: {
            const json *value = defaults.is_object() ? valueAt(defaults, f->path()) : nullptr;
            f->setPlaceholder(value ? tr("%1 (plan default)").arg(displayText(*value)) : f->fixedPlaceholder());
            break;
        }
        case FieldDescription::Placeholder::ResourceId:
            f->setPlaceholder(m_id);
            break;
        case FieldDescription::Placeholder::Estimate: {
            std::optional<qint64> guess;
            if (const ExecutorType *executor = m_types.findType(m_type); executor && planIndex() >= 0)
                guess = executor->defaultEstimateMs(m_document->plan().resources[planIndex()]);
            f->setPlaceholder(tr("%1 (guessed)").arg(formatDuration(guess.value_or(1000))));
            break;
        }
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

bool ResourceForm::isShown(const FieldEditor &field) const
{
    return field.row()->isVisibleTo(m_formPage);
}

FieldEditor *ResourceForm::fieldFor(const QString &path) const
{
    FieldEditor *best = nullptr;
    for (const auto &f : m_fields) {
        if (isShown(*f) && f->owns(path) && (!best || f->path().size() > best->path().size()))
            best = f.get();
    }
    return best;
}

FieldEditor *ResourceForm::fieldAt(const QString &path) const
{
    for (const auto &f : m_fields) {
        if (f->path() == path)
            return f.get();
    }
    return nullptr;
}

QWidget *ResourceForm::editor(const QString &path) const
{
    const FieldEditor *field = fieldAt(path);
    return field ? field->editor() : nullptr;
}

QWidget *ResourceForm::secondEditor(const QString &path) const
{
    const FieldEditor *field = fieldAt(path);
    return field ? field->secondEditor() : nullptr;
}

QLabel *ResourceForm::message(const QString &path) const
{
    const FieldEditor *field = fieldAt(path);
    return field ? field->message() : nullptr;
}

void ResourceForm::showMessages(FieldEditor &field, const Diagnostics &diagnostics)
{
    QStringList errors, warnings;
    Diagnostics mine;
    for (const Diagnostic &d : diagnostics) {
        if (!field.owns(d.path))
            continue;
        QString subject = field.subject();
        const QString sub = d.path.mid(field.path().size());
        if (isPathUnder(d.path, field.path()) && !sub.isEmpty()) {
            static const QRegularExpression index(QStringLiteral("^\\[(\\d+)\\]"));
            static const QRegularExpression quoted(QStringLiteral("^\\[\"(.*)\"\\]"));
            const QString item = field.description().itemName.isEmpty() ? tr("Entry") : field.description().itemName;
            if (const auto m = index.match(sub); m.hasMatch())
                subject = tr("%1 %2").arg(item).arg(m.captured(1).toInt() + 1);
            else if (const auto q = quoted.match(sub); q.hasMatch())
                subject = q.captured(1); // env["A=B"]
            else
                subject = sub.mid(1); // env.PATH
        }
        (d.isError() ? errors : warnings).append(sentence(subject, d.message));
        if (d.isError())
            mine.append(d);
    }
    field.message()->setText(problemsHtml(errors, warnings));
    field.message()->setVisible(!errors.isEmpty() || !warnings.isEmpty());
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

void ResourceForm::edited(FieldEditor &field)
{
    const json *resource = object();
    if (!resource || m_loading)
        return;
    field.setDirty(true);
    if (const std::optional<json> candidate = withValueOf(field, *resource))
        showMessages(field, m_check.check(*candidate));
}

std::optional<json> ResourceForm::withValueOf(FieldEditor &field, const json &resource)
{
    QString problem;
    const FieldEditor::Value value = field.value(&problem);
    if (!problem.isEmpty()) {
        showMessages(field, {Diagnostic{Diagnostic::Severity::Error, field.path(), 0, 0, problem}});
        return std::nullopt;
    }
    json candidate = resource;
    putAt(candidate, field.path(), value);
    field.alsoChange(candidate);
    return candidate;
}

void ResourceForm::commit(FieldEditor &field)
{
    // Leaving a field applies it, but not when the window closes (after Save was asked about).
    if (window()->isHidden() || QCoreApplication::closingDown())
        return;
    const json *resource = object();
    if (!resource || m_loading || isLocked() || !field.isDirty())
        return;
    const std::optional<json> withValue = withValueOf(field, *resource);
    if (!withValue)
        return;
    const json &candidate = *withValue;
    if (candidate == *resource) {
        field.setDirty(false);
        showMessages(field, ResourceCheck::relativeTo(m_document->diagnostics(), m_check.indexOf(m_id)));
        return;
    }
    const Diagnostics diagnostics = m_check.check(candidate);
    showMessages(field, diagnostics);
    for (const Diagnostic &d : diagnostics) {
        if (d.isError() && field.owns(d.path))
            return; // marked in place; the document keeps its value
    }
    field.setDirty(false);
    if (const Expected<void> changed = m_document->changeResource(m_id, candidate, tr("Change %1 of %2").arg(field.description().what, m_id)); !changed) {
        field.setDirty(true);
        field.message()->setText(problemsHtml({changed.error()}, {}));
        field.message()->show();
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
    const QString syntax = jsonSyntaxError(m_json->toPlainText(), &parsed);
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
    if (const QString syntax = jsonSyntaxError(m_json->toPlainText(), &parsed); !syntax.isEmpty())
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
            const QStringList cycle = m_document->cycleClosedBy(m_id, displayText(dep));
            if (!cycle.isEmpty())
                errors.append(tr("depends_on: %1 cannot depend on %2: that would close the cycle %3").arg(m_id, displayText(dep), cycle.join(QStringLiteral(" → "))));
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
            if (isShown(*f)) {
                f->focusAt(QString());
                if (focused)
                    *focused = f->row();
                return true;
            }
        }
        return true;
    }
    if (FieldEditor *f = fieldFor(path)) {
        m_tabs->setCurrentWidget(m_formPage);
        const QString sub = isPathUnder(path, f->path()) ? path.mid(f->path().size()) : QString();
        const bool done = f->focusAt(sub);
        if (focused)
            *focused = f->row();
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

void ResourceForm::revert(FieldEditor &field)
{
    const json *resource = object();
    if (!resource)
        return;
    field.setDirty(false);
    m_loading = true;
    field.show(valueAt(*resource, field.path()));
    m_loading = false;
    showMessages(field, ResourceCheck::relativeTo(m_document->diagnostics(), m_check.indexOf(m_id)));
}

bool ResourceForm::eventFilter(QObject *watched, QEvent *event)
{
    // Ctrl+Return applies the JSON view (Return is a newline there).
    if (event->type() == QEvent::KeyPress && watched == m_json) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier)) {
            applyJson();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace fanout
