#include "ui/inspector/inspectorpane.h"

#include "engine/plan/plangraph.h"
#include "engine/run/deployment.h"
#include "engine/support/duration.h"
#include "models/plan/plandocument.h"
#include "models/plan/resourceselection.h"
#include "models/plan/workspace.h"
#include "models/run/statestyle.h"
#include "ui/inspector/planfanoutform.h"
#include "ui/inspector/plansummary.h"
#include "ui/inspector/resourceform.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace fanout {

namespace {

QString ms(qint64 value)
{
    return formatDuration(value);
}

// A source fact compactly: strings as they are, lists of strings joined, anything else as JSON,
// cut short when long (the plan file has it whole).
QString factText(const nlohmann::ordered_json &value)
{
    QString text;
    if (value.is_string()) {
        text = QString::fromStdString(value.get<std::string>());
    } else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto &v) { return v.is_string(); })) {
        QStringList items;
        for (const auto &v : value)
            items.append(QString::fromStdString(v.get<std::string>()));
        text = items.join(QStringLiteral(", "));
    } else {
        text = QString::fromStdString(value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
    constexpr int kMaxFact = 160;
    return text.size() > kMaxFact ? text.left(kMaxFact - 1) + QStringLiteral("…") : text;
}

// "mapping[0]: aws_* → command", "built-in estimate for aws_*".
QString mappedByText(const Resource &resource, const Plan &plan)
{
    static const QRegularExpression rulePath(QStringLiteral("^mapping\\[(\\d+)\\]$"));
    if (const auto match = rulePath.match(resource.mappedBy); match.hasMatch()) {
        const std::size_t i = match.captured(1).toUInt();
        if (plan.mapping.is_array() && i < plan.mapping.size() && plan.mapping[i].is_object()) {
            const auto &rule = plan.mapping[i];
            return QObject::tr("rule %1 of the plan (%2 → %3)")
                .arg(i + 1)
                .arg(factText(rule.value("match", nlohmann::ordered_json())), factText(rule.value("type", nlohmann::ordered_json())));
        }
        return resource.mappedBy;
    }
    static const QRegularExpression builtIn(QStringLiteral("^built-in mapping \\((.*)\\)$"));
    if (const auto match = builtIn.match(resource.mappedBy); match.hasMatch())
        return QObject::tr("built-in estimate for %1 (%2)").arg(match.captured(1), resource.type);
    return resource.mappedBy;
}

} // namespace

InspectorPane::InspectorPane(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_deployment(workspace.deployment())
    , m_selection(workspace.selection())
{
    createSummary();
    createDetails();
    layOut();

    connect(m_retry, &QPushButton::clicked, this, [this] {
        const int r = m_selection.current();
        if (m_deployment.canRetry(r))
            m_deployment.retry({m_deployment.plan().resources[r].id});
    });
    connect(m_logs, &QPushButton::clicked, this, [this] {
        if (m_selection.current() >= 0)
            emit showLogsRequested(m_selection.current());
    });
    connect(&m_selection, &ResourceSelection::currentChanged, this, &InspectorPane::refresh);
    connect(&m_deployment, &Deployment::planChanged, this, &InspectorPane::refresh);
    connect(&m_deployment, &Deployment::runStarted, this, &InspectorPane::refresh);
    connect(&m_deployment, &Deployment::runFinished, this, &InspectorPane::refresh);
    connect(m_id, &QLineEdit::returnPressed, this, &InspectorPane::rename);
    connect(m_id, &QLineEdit::textEdited, m_idError, &QWidget::hide);
    connect(&m_deployment, &Deployment::eventsRecorded, this, &InspectorPane::onEvents);
    refresh();
}

void InspectorPane::createSummary()
{
    m_title = inspectorTitle();
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel;
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setWordWrap(true);
    m_id = new QLineEdit;
    m_id->setObjectName(QStringLiteral("InspectorId"));
    m_idError = new QLabel;
    m_idError->setObjectName(QStringLiteral("InspectorIdError"));
    m_idError->setWordWrap(true);
    m_idError->setStyleSheet(QStringLiteral("color: #c5221f"));
    m_idError->hide();
    m_properties = new QLabel;
    m_properties->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_properties->setWordWrap(true);
    m_retry = new QPushButton(tr("Retry"));
    m_retry->setToolTip(tr("Run this resource again; what was skipped because of it continues when it succeeds"));
    m_logs = new QPushButton(tr("Show logs"));
}

void InspectorPane::createDetails()
{
    m_sourceHeading = inspectorHeading(tr("Imported from"));
    m_source = new QLabel;
    m_source->setObjectName(QStringLiteral("InspectorSource"));
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_source->setWordWrap(true);

    m_dependencies = new QListWidget;
    m_dependents = new QListWidget;
    m_dependencies->setObjectName(QStringLiteral("InspectorDependencies"));
    m_dependents->setObjectName(QStringLiteral("InspectorDependents"));
    for (QListWidget *list : {m_dependencies, m_dependents}) {
        list->setMaximumHeight(90);
        list->setToolTip(tr("Click to select"));
        connect(list, &QListWidget::itemClicked, this, &InspectorPane::onLinkActivated);
        connect(list, &QListWidget::itemActivated, this, &InspectorPane::onLinkActivated);
    }

    m_attempts = new QTableWidget(0, 4);
    m_attempts->setHorizontalHeaderLabels({tr("#"), tr("Started"), tr("Took"), tr("Outcome")});
    m_attempts->verticalHeader()->hide();
    m_attempts->horizontalHeader()->setStretchLastSection(true);
    m_attempts->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_attempts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_attempts->setSelectionMode(QAbstractItemView::NoSelection);
    m_attempts->setMaximumHeight(120);

    m_error = new QPlainTextEdit;
    m_error->setReadOnly(true);
    m_error->setMaximumHeight(70);
    m_form = new ResourceForm;
    m_form->setDocument(&m_workspace.document());
}

void InspectorPane::layOut()
{
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_retry);
    buttons->addWidget(m_logs);
    buttons->addStretch();
    auto *idLabel = new QLabel(tr("Id"));
    idLabel->setStyleSheet(QStringLiteral("color: #5f6368"));
    idLabel->setBuddy(m_id);
    auto *idForm = new QFormLayout;
    idForm->setContentsMargins(0, 0, 0, 0);
    idForm->addRow(idLabel, m_id);
    idForm->addRow(QString(), m_idError);

    m_details = new QWidget;
    auto *layout = new QVBoxLayout(m_details);
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addLayout(buttons);
    layout->addLayout(idForm);
    layout->addWidget(m_properties);
    layout->addWidget(inspectorHeading(tr("Properties")));
    layout->addWidget(m_form);
    layout->addWidget(m_sourceHeading);
    layout->addWidget(m_source);
    layout->addWidget(inspectorHeading(tr("Depends on")));
    layout->addWidget(m_dependencies);
    layout->addWidget(inspectorHeading(tr("Needed by")));
    layout->addWidget(m_dependents);
    layout->addWidget(inspectorHeading(tr("Attempts")));
    layout->addWidget(m_attempts);
    layout->addWidget(inspectorHeading(tr("Last error")));
    layout->addWidget(m_error);
    layout->addStretch();

    m_summary = new PlanSummary(m_workspace);
    connect(m_summary, &PlanSummary::resourceActivated, &m_selection, [this](int resource) { m_selection.select(resource); });

    m_scroll = new QScrollArea;
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto *inner = new QWidget;
    auto *innerLayout = new QVBoxLayout(inner);
    innerLayout->setContentsMargins(0, 0, 0, 0);
    m_details->hide();
    innerLayout->addWidget(m_summary);
    m_fanOut = new QWidget;
    auto *fanOutLayout = new QVBoxLayout(m_fanOut);
    fanOutLayout->setContentsMargins(6, 0, 6, 6);
    fanOutLayout->addWidget(inspectorHeading(tr("Targets and rollout")));
    m_fanOutForm = new PlanFanOutForm(m_workspace.document());
    fanOutLayout->addWidget(m_fanOutForm);
    innerLayout->addWidget(m_fanOut);
    innerLayout->addWidget(m_details);
    m_scroll->setWidget(inner);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_scroll);
}

InspectorPane::~InspectorPane()
{
    // Closing the window takes the focus from the field being typed in: nothing to apply then.
    m_form->setDocument(nullptr);
}

void InspectorPane::onEvents(const QList<RunEvent> &events)
{
    const int r = m_selection.current();
    if (r < 0)
        return;
    for (const RunEvent &event : events) {
        if (event.resource == r && event.kind == RunEvent::Kind::StateChanged) {
            refresh();
            return;
        }
    }
}

void InspectorPane::fillLinks(QListWidget *list, const std::vector<int> &resources)
{
    list->clear();
    for (int r : resources) {
        auto *item = new QListWidgetItem(StateStyle::icon(m_deployment.state(r)), m_deployment.plan().resources[r].id, list);
        item->setData(Qt::UserRole, r);
    }
    if (resources.empty()) {
        auto *item = new QListWidgetItem(tr("(none)"), list);
        item->setFlags(Qt::NoItemFlags);
    }
}

void InspectorPane::onLinkActivated(QListWidgetItem *item)
{
    const QVariant r = item->data(Qt::UserRole);
    if (r.isValid())
        m_selection.select(r.toInt());
}

void InspectorPane::updateFormLock()
{
    const int r = m_selection.current();
    QString reason;
    QString note;
    if (m_deployment.isTeardown()) {
        reason = tr("Showing the teardown: the plan can be edited when it is over");
    } else if (r >= 0) {
        const ResourceState state = m_deployment.status(r).state;
        if (m_deployment.isRunning() && (state == ResourceState::Running || state == ResourceState::RetryWait))
            reason = tr("Running: locked until its attempt ends");
        else if (m_deployment.isRunning())
            note = tr("Edits apply to the next run");
    }
    m_form->setLocked(reason, note);
}

bool InspectorPane::focusField(const QString &path)
{
    const int r = m_selection.current();
    if (r < 0)
        return false;
    QWidget *focused = nullptr;
    if (path == QLatin1String("id")) {
        m_id->setFocus(Qt::OtherFocusReason);
        m_id->selectAll();
        focused = m_id;
    } else if (path.startsWith(QLatin1String("depends_on["))) {
        // The list shows the dependencies by id; depends_on[N] names one of them.
        bool ok = false;
        const int n = path.mid(11, path.indexOf(QLatin1Char(']')) - 11).toInt(&ok);
        const Plan &plan = m_workspace.document().plan();
        const int index = plan.indexOf(m_form->resourceId());
        const QStringList dependsOn = index >= 0 ? plan.resources[index].dependsOn : QStringList();
        QListWidgetItem *item = nullptr;
        if (ok && n >= 0 && n < dependsOn.size()) {
            for (int i = 0; i < m_dependencies->count() && !item; ++i) {
                if (m_dependencies->item(i)->text() == dependsOn[n])
                    item = m_dependencies->item(i);
            }
        }
        if (!item)
            return m_form->focusField(path); // not on the graph yet: the JSON has it
        m_dependencies->setCurrentItem(item);
        m_dependencies->setFocus(Qt::OtherFocusReason);
        focused = m_dependencies;
    } else if (!m_form->focusField(path, &focused)) {
        return false;
    }
    if (focused)
        m_scroll->ensureWidgetVisible(focused);
    return true;
}

bool InspectorPane::canEdit() const
{
    return !m_deployment.isRunning() && !m_deployment.isTeardown();
}

void InspectorPane::rename()
{
    const int r = m_selection.current();
    if (!canEdit() || r < 0)
        return;
    const QString oldId = m_deployment.plan().resources[r].id;
    const QString newId = m_id->text().trimmed();
    if (newId == oldId)
        return;
    if (const Expected<void> renamed = m_workspace.document().renameResource(oldId, newId); !renamed) {
        m_idErrorFor = oldId;
        m_idError->setText(renamed.error());
        m_idError->show();
        m_id->setText(oldId);
        m_id->selectAll();
        return;
    }
    m_idError->hide(); // the selection follows the rename
}

void InspectorPane::refresh()
{
    const int r = m_selection.current();
    if (r < 0) {
        m_details->hide();
        m_summary->show();
        m_fanOut->show();
        return;
    }
    m_summary->hide();
    m_fanOut->hide();
    m_details->show();
    const Resource &resource = m_deployment.plan().resources[r];
    const ResourceStatus status = m_deployment.status(r);

    m_title->setText(resource.displayName());
    m_id->setText(resource.id);
    m_id->setReadOnly(!canEdit());
    m_id->setToolTip(canEdit() ? tr("Type a new id and press Enter; dependencies and references follow")
                               : m_deployment.isRunning() ? tr("A run is in progress: the plan can be edited when it is over")
                                                       : QString());
    if (resource.id != m_idErrorFor)
        m_idError->hide();
    m_form->showResource(resource.id);
    if (m_form->showsAnInstance()) {
        // Its address follows from its set's id, which is renamed in the set's own row.
        m_id->setReadOnly(true);
        m_id->setToolTip(tr("The address of one instance of %1: it follows from the id of %1, which is renamed where %1 is written")
                             .arg(resource.set));
    }
    updateFormLock();
    QString state = QStringLiteral("<b>%1</b>").arg(StateStyle::label(status.state).toHtmlEscaped());
    if (!status.reason.isEmpty())
        state += QStringLiteral(" — ") + status.reason.toHtmlEscaped();
    else if (!resource.run)
        state += QStringLiteral(" — ") + tr("will not run: %1").arg(resource.note.isEmpty() ? tr("nothing to provision") : resource.note).toHtmlEscaped();
    m_state->setText(state);
    m_retry->setEnabled(m_deployment.canRetry(r));

    showProperties(r);
    showSource(resource);
    fillLinks(m_dependencies, m_deployment.graph().dependencies(r));
    fillLinks(m_dependents, m_deployment.graph().dependents(r));
    showAttempts(status);
}

namespace {

// Rows of a two-column table of facts, as the Inspector shows them.
class FactTable
{
public:
    void add(const QString &name, const QString &value)
    {
        m_rows.append(QStringLiteral("<tr><td style='color:#5f6368;padding-right:8px'>%1</td><td>%2</td></tr>").arg(name, value.toHtmlEscaped()));
    }
    QString html() const { return QStringLiteral("<table>") + m_rows.join(QString()) + QStringLiteral("</table>"); }

private:
    QStringList m_rows;
};

} // namespace

void InspectorPane::showProperties(int r)
{
    const Resource &resource = m_deployment.plan().resources[r];
    FactTable facts;
    facts.add(tr("Type"), resource.type);
    if (!resource.group.isEmpty())
        facts.add(tr("Group"), resource.group);
    facts.add(tr("Estimate"), ms(m_deployment.estimateMs(r)) + (resource.estimateMs ? QString() : tr(" (guessed)")));
    facts.add(tr("Timeout"), resource.timeoutMs > 0 ? ms(resource.timeoutMs) : tr("none"));
    facts.add(tr("Retry"), resource.retry.maxAttempts <= 1
                               ? tr("no automatic retry")
                               : tr("up to %1 attempts, backoff %2 to %3").arg(resource.retry.maxAttempts).arg(ms(resource.retry.initialBackoffMs), ms(resource.retry.maxBackoffMs)));
    m_properties->setText(facts.html());
}

void InspectorPane::showSource(const Resource &resource)
{
    // Where an imported resource came from, in the source's own words, and why it runs as it does.
    const bool imported = resource.source.is_object() && !resource.source.empty();
    m_sourceHeading->setVisible(imported);
    m_source->setVisible(imported);
    if (!imported)
        return;
    FactTable facts;
    const auto fact = [&](const char *key) {
        const auto it = resource.source.find(key);
        return it == resource.source.end() ? QString() : factText(*it);
    };
    if (const QString address = fact("address"); !address.isEmpty())
        facts.add(tr("Address"), address);
    if (const QString type = fact("type"); !type.isEmpty())
        facts.add(tr("Source type"), type);
    for (const auto &[key, value] : resource.source.items()) {
        if (key == "address" || key == "type" || value.is_null() || (value.is_object() && value.empty()))
            continue;
        facts.add(QString::fromStdString(key).replace(QLatin1Char('_'), QLatin1Char(' ')), factText(value));
    }
    if (!resource.mappedBy.isEmpty())
        facts.add(tr("Executor from"), mappedByText(resource, m_deployment.plan()));
    if (!resource.run)
        facts.add(tr("Runs"), tr("no: %1").arg(resource.note.isEmpty() ? tr("nothing to provision") : resource.note));
    else if (!resource.note.isEmpty())
        facts.add(tr("Note"), resource.note);
    m_source->setText(facts.html());
}

void InspectorPane::showAttempts(const ResourceStatus &status)
{
    m_attempts->setRowCount(int(status.attempts.size()));
    for (int i = 0; i < status.attempts.size(); ++i) {
        const AttemptRecord &a = status.attempts[i];
        const qint64 end = a.endMs >= 0 ? a.endMs : m_deployment.elapsedMs();
        const QStringList cells = {QString::number(a.number), QStringLiteral("+") + ms(a.startMs), ms(end - a.startMs),
                                   outcomeName(a.outcome) + (a.error.isEmpty() ? QString() : QStringLiteral(": ") + a.error)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            m_attempts->setItem(i, c, item);
        }
    }

    QString lastError;
    for (auto it = status.attempts.crbegin(); it != status.attempts.crend() && lastError.isEmpty(); ++it)
        lastError = it->error;
    m_error->setPlainText(lastError.isEmpty() ? tr("(none)") : lastError);
}

} // namespace fanout
