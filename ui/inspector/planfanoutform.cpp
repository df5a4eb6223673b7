#include "ui/inspector/planfanoutform.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/fielddescription.h"
#include "engine/plan/planreader.h"
#include "models/plan/plandocument.h"
#include "ui/inspector/fieldeditor.h"

#include <QFormLayout>
#include <QLabel>
#include <QRegularExpression>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;
using Kind = FieldDescription::Kind;

const QList<FieldDescription> &descriptions()
{
    static const QList<FieldDescription> fields = {
        {.path = QStringLiteral("targets"), .kind = Kind::JsonValue, .label = QStringLiteral("Targets"), .what = QStringLiteral("the targets"),
         .help = QStringLiteral("Where the resources marked \"Deploy once per target\" go, once each: a list such as "
                                "[{\"name\": \"eu-west-1\", \"vars\": {\"cidr\": \"10.1.0.0/16\"}}]. Empty: none.")},
        {.path = QStringLiteral("rollout.max_concurrent"), .label = QStringLiteral("At most at once"), .what = QStringLiteral("the targets at once"),
         .help = QStringLiteral("How many targets are under way at once: a whole number, or a percentage of the targets such as 25%. "
                                "Empty: no limit (the plan's parallelism still applies)."),
         .placeholder = QStringLiteral("no limit")},
        {.path = QStringLiteral("rollout.failure_tolerance"), .label = QStringLiteral("Failure tolerance"),
         .what = QStringLiteral("the failure tolerance"),
         .help = QStringLiteral("Once more targets than this have failed, no new target starts: a whole number, or a percentage. "
                                "Empty: no limit."),
         .placeholder = QStringLiteral("no limit")},
        {.path = QStringLiteral("rollout.order"), .kind = Kind::StringList, .label = QStringLiteral("Order"), .what = QStringLiteral("the order"),
         .help = QStringLiteral("The order targets start in. Empty: as listed."), .placeholder = QStringLiteral("target"),
         .addText = QStringLiteral("Add target"), .itemName = QStringLiteral("Target")},
        {.path = QStringLiteral("rollout.waves"), .kind = Kind::JsonValue, .label = QStringLiteral("Waves"), .what = QStringLiteral("the waves"),
         .help = QStringLiteral("Each wave runs to completion before the next: a list of lists of target names, \"*\" for every "
                                "target of no earlier wave, such as [[\"us-east-1\"], [\"*\"]] (a canary). Empty: one wave.")},
    };
    return fields;
}

// "3" typed as text is the number 3; "25%" stays a percentage.
json typedLimit(const json &value)
{
    static const QRegularExpression digits(QStringLiteral("^\\d{1,6}$"));
    if (value.is_string()) {
        const QString text = QString::fromStdString(value.get<std::string>()).trimmed();
        if (digits.match(text).hasMatch())
            return text.toInt();
        return text.toStdString();
    }
    return value;
}

// The plan without its resources and layout: what the targets and rollout are checked against,
// at every keystroke, however many resources the plan has.
json withoutResources(const json &document)
{
    json plan = json::object();
    if (!document.is_object())
        return plan;
    for (const auto &[key, value] : document.items()) {
        if (key != "resources" && key != "layout")
            plan[key] = value;
    }
    plan["resources"] = json::array();
    return plan;
}

QString rolloutMember(const QString &path)
{
    return path.startsWith(QLatin1String("rollout.")) ? path.mid(8) : QString();
}

} // namespace

PlanFanOutForm::PlanFanOutForm(PlanDocument &document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const FieldDescription &description : descriptions()) {
        std::unique_ptr<FieldEditor> field = FieldEditor::create(description);
        FieldEditor *e = field.get();
        auto *label = new QLabel(description.label);
        label->setBuddy(e->widget());
        label->setToolTip(description.help);
        form->addRow(label, e->row());
        connect(e, &FieldEditor::edited, this, [this, e] { edited(*e); });
        connect(e, &FieldEditor::finished, this, [this, e] { commit(*e); });
        connect(e, &FieldEditor::revertRequested, this, [this, e] {
            e->setDirty(false);
            load();
        });
        m_fields.push_back(std::move(field));
    }
    connect(&m_document, &PlanDocument::changed, this, [this] { load(); });
    load();
}

PlanFanOutForm::~PlanFanOutForm() = default;

FieldEditor *PlanFanOutForm::editor(const QString &path) const
{
    for (const auto &f : m_fields) {
        if (f->path() == path)
            return f.get();
    }
    return nullptr;
}

void PlanFanOutForm::load()
{
    m_loading = true;
    const json &document = m_document.document();
    const json checked = withoutResources(document);
    for (const auto &f : m_fields) {
        if (f->isDirty())
            continue;
        const json *value = nullptr;
        if (document.is_object()) {
            const QString member = rolloutMember(f->path());
            const std::string key = (member.isEmpty() ? f->path() : QStringLiteral("rollout")).toStdString();
            if (const auto it = document.find(key); it != document.end())
                value = member.isEmpty() ? &*it : (it->is_object() && it->contains(member.toStdString()) ? &(*it)[member.toStdString()] : nullptr);
        }
        std::optional<json> shown;
        if (value && value->is_number_integer() && !rolloutMember(f->path()).isEmpty() && f->description().kind == Kind::Text)
            shown = json(std::to_string(value->get<qint64>())); // a number of targets, shown as typed
        f->show(shown ? &*shown : value);
        showProblems(*f, checked);
    }
    m_loading = false;
}

std::optional<json> PlanFanOutForm::withValueOf(FieldEditor &field) const
{
    QString problem;
    const FieldEditor::Value value = field.value(&problem);
    if (!problem.isEmpty()) {
        field.message()->setText(FieldEditor::problemsHtml({problem}, {}));
        field.message()->show();
        return std::nullopt;
    }
    if (!m_document.document().is_object())
        return std::nullopt;
    json candidate = withoutResources(m_document.document());
    const QString member = rolloutMember(field.path());
    if (member.isEmpty()) {
        if (value)
            candidate[field.path().toStdString()] = *value;
        else
            candidate.erase(field.path().toStdString());
        return candidate;
    }
    json rollout = candidate.value("rollout", json::object());
    if (!rollout.is_object())
        rollout = json::object();
    if (value)
        rollout[member.toStdString()] = field.description().kind == Kind::Text ? typedLimit(*value) : *value;
    else
        rollout.erase(member.toStdString());
    if (rollout.empty())
        candidate.erase("rollout");
    else
        candidate["rollout"] = std::move(rollout);
    return candidate;
}

bool PlanFanOutForm::showProblems(FieldEditor &field, const json &candidate) const
{
    QStringList errors;
    QStringList warnings;
    Diagnostics mine;
    for (const Diagnostic &d : PlanReader::readJson(candidate, m_document.registry()).diagnostics) {
        if (!field.owns(d.path))
            continue;
        mine.append(d);
        (d.isError() ? errors : warnings).append(d.message);
    }
    field.mark(mine);
    field.message()->setText(FieldEditor::problemsHtml(errors, warnings));
    field.message()->setVisible(!errors.isEmpty() || !warnings.isEmpty());
    return !errors.isEmpty();
}

void PlanFanOutForm::edited(FieldEditor &field)
{
    if (m_loading)
        return;
    field.setDirty(true);
    if (const std::optional<json> candidate = withValueOf(field))
        showProblems(field, *candidate);
}

void PlanFanOutForm::commit(FieldEditor &field)
{
    if (m_loading || !field.isDirty())
        return;
    const std::optional<json> candidate = withValueOf(field);
    if (!candidate || showProblems(field, *candidate))
        return; // marked in place; the plan keeps its value
    field.setDirty(false);
    const std::string key = rolloutMember(field.path()).isEmpty() ? field.path().toStdString() : std::string("rollout");
    const auto it = candidate->find(key);
    const std::optional<json> value = it == candidate->end() ? std::nullopt : std::optional<json>(*it);
    (void)m_document.setPlanMember(QString::fromStdString(key), value, tr("Change %1").arg(field.description().what));
}

} // namespace fanout
