#include "ui/dialogs/mappingdialog.h"

#include "engine/executors/executorregistry.h"
#include "engine/plan/executormapping.h"
#include "models/plan/mappingrulesmodel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// The Executor column's editor: the registry's types to pick from, or one typed in (which the
// model then flags if there is no such executor).
class ExecutorDelegate : public QStyledItemDelegate
{
public:
    ExecutorDelegate(const QStringList &types, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_types(types)
    {
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *box = new QComboBox(parent);
        box->setEditable(true);
        box->addItems(m_types);
        return box;
    }

    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data(Qt::EditRole).toString());
    }

    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }

private:
    QStringList m_types;
};

QString sourceString(const json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

void setUpTable(QTableView *view)
{
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setTextElideMode(Qt::ElideRight);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->horizontalHeader()->setHighlightSections(false);
}

} // namespace

MappingDialog::MappingDialog(const nlohmann::ordered_json &document, const ExecutorRegistry &registry, QWidget *parent)
    : QDialog(parent)
    , m_registry(registry)
    , m_document(document)
    , m_rules(new MappingRulesModel(registry, this))
    , m_builtIn(new MappingRulesModel(registry, this))
    , m_tabs(new QTabWidget(this))
    , m_rulesView(new QTableView(this))
    , m_builtInView(new QTableView(this))
    , m_builtInFilter(new QLineEdit(this))
    , m_add(new QPushButton(tr("&Add Rule"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_up(new QPushButton(tr("Move &Up"), this))
    , m_down(new QPushButton(tr("Move &Down"), this))
    , m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("MappingDialog"));
    setWindowTitle(tr("Executor Mapping"));
    resize(1080, 560);
    readSources();
    m_rules->setRules(m_document.value("mapping", json::array()));
    m_builtIn->setBuiltIn();

    auto *intro = new QLabel(
        tr("Rules are tried from the top; the first whose <b>Match</b> fits a resource's source type (and <b>Address</b> its "
           "address, when given) decides which executor provisions it. In the parameters, <code>${address}</code>, "
           "<code>${type}</code>, <code>${id}</code>, <code>${name}</code> and <code>${group}</code> become the resource's own, "
           "as in <code>{\"command\": [\"terraform\", \"apply\", \"-target=${address}\", \"-auto-approve\"]}</code>. "
           "What no rule fits gets the built-in estimate for its type (a simulation, for a forecast)."),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);

    m_tabs->addTab(buildRulesPage(), tr("Plan's Rules"));
    m_tabs->addTab(buildBuiltInPage(), tr("Built-in Estimates"));

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Apply to Plan"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (m_ok->isEnabled())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);

    connect(m_add, &QPushButton::clicked, this, &MappingDialog::addRule);
    connect(m_remove, &QPushButton::clicked, this, &MappingDialog::removeRule);
    connect(m_up, &QPushButton::clicked, this, [this] { moveRule(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveRule(1); });
    connect(m_rulesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MappingDialog::updateButtons);
    connect(m_rules, &MappingRulesModel::rulesChanged, this, &MappingDialog::recheck);
    recheck();
}

// The resources the mapping decides for: imported ones that do not name an executor themselves.
void MappingDialog::readSources()
{
    const auto resources = m_document.find("resources");
    if (resources == m_document.end() || !resources->is_array())
        return;
    for (const json &entry : *resources) {
        if (!entry.is_object() || entry.contains("type"))
            continue;
        const auto source = entry.find("source");
        if (source == entry.end() || !source->is_object() || sourceString(*source, "type").isEmpty())
            continue;
        const QString address = sourceString(*source, "address");
        m_sources.append({sourceString(*source, "type"), address.isEmpty() ? sourceString(entry, "id") : address});
    }
}

// The plan's own rules, editable, with the buttons that add, remove and move them.
QWidget *MappingDialog::buildRulesPage()
{
    setUpTable(m_rulesView);
    m_rulesView->setObjectName(QStringLiteral("MappingRulesView"));
    m_rulesView->setModel(m_rules);
    m_rulesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rulesView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_rulesView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_rulesView->setItemDelegateForColumn(MappingRulesModel::ExecutorColumn, new ExecutorDelegate(m_registry.types(), m_rulesView));
    QHeaderView *header = m_rulesView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->resizeSection(MappingRulesModel::MatchColumn, 170);
    header->resizeSection(MappingRulesModel::AddressColumn, 120);
    header->resizeSection(MappingRulesModel::ExecutorColumn, 90);
    header->resizeSection(MappingRulesModel::ParametersColumn, 360);
    header->resizeSection(MappingRulesModel::EstimateColumn, 70);
    header->resizeSection(MappingRulesModel::ResourcesColumn, 50);

    m_add->setToolTip(tr("Add a rule below the selected one (or at the end)"));
    m_remove->setToolTip(tr("Remove the selected rule"));
    m_up->setToolTip(tr("Try the selected rule earlier"));
    m_down->setToolTip(tr("Try the selected rule later"));
    auto *ruleButtons = new QHBoxLayout;
    for (QPushButton *button : {m_add, m_remove, m_up, m_down}) {
        button->setAutoDefault(false);
        ruleButtons->addWidget(button);
    }
    ruleButtons->addStretch(1);
    auto *rulesPage = new QWidget(this);
    auto *rulesLayout = new QVBoxLayout(rulesPage);
    rulesLayout->addWidget(m_rulesView, 1);
    rulesLayout->addLayout(ruleButtons);
    return rulesPage;
}

// The shipped table, read-only, most used first.
QWidget *MappingDialog::buildBuiltInPage()
{
    auto *builtInProxy = new QSortFilterProxyModel(this);
    builtInProxy->setSourceModel(m_builtIn);
    builtInProxy->setFilterKeyColumn(MappingRulesModel::MatchColumn);
    builtInProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    builtInProxy->setSortRole(MappingRulesModel::CountRole);
    setUpTable(m_builtInView);
    m_builtInView->setObjectName(QStringLiteral("BuiltInMappingView"));
    m_builtInView->setModel(builtInProxy);
    m_builtInView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_builtInView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_builtInView->setSortingEnabled(true);
    m_builtInView->sortByColumn(MappingRulesModel::ResourcesColumn, Qt::DescendingOrder);
    m_builtInView->setColumnHidden(MappingRulesModel::AddressColumn, true);
    m_builtInView->setColumnHidden(MappingRulesModel::ProblemColumn, true);
    m_builtInView->horizontalHeader()->resizeSection(MappingRulesModel::MatchColumn, 300);
    m_builtInView->horizontalHeader()->resizeSection(MappingRulesModel::ParametersColumn, 300);
    m_builtInView->horizontalHeader()->setStretchLastSection(true);
    m_builtInFilter->setPlaceholderText(tr("Filter by source type…"));
    m_builtInFilter->setClearButtonEnabled(true);
    connect(m_builtInFilter, &QLineEdit::textChanged, builtInProxy, [builtInProxy](const QString &text) {
        builtInProxy->setFilterRegularExpression(QRegularExpression(QRegularExpression::escape(text), QRegularExpression::CaseInsensitiveOption));
    });
    auto *builtInNote = new QLabel(tr("Read-only. Tried after the plan's rules: exact types first, then families (# is the order); "
                                      "add a rule of your own to change one."),
                                   this);
    builtInNote->setWordWrap(true);
    auto *builtInPage = new QWidget(this);
    auto *builtInLayout = new QVBoxLayout(builtInPage);
    builtInLayout->addWidget(m_builtInFilter);
    builtInLayout->addWidget(m_builtInView, 1);
    builtInLayout->addWidget(builtInNote);
    return builtInPage;
}

MappingDialog::~MappingDialog() = default;

nlohmann::ordered_json MappingDialog::mapping() const
{
    return m_rules->rules();
}

QString MappingDialog::summary() const
{
    return m_summary->text();
}

void MappingDialog::recheck()
{
    json document = m_document;
    document["mapping"] = m_rules->rules();
    m_preview = PlanReader::readJson(document, m_registry);
    // Put each problem of the plan where the user can fix it: the rule it comes from.
    static const QRegularExpression rulePath(QStringLiteral("^mapping\\[(\\d+)\\]"));
    static const QRegularExpression resourcePath(QStringLiteral("^resources\\[(\\d+)\\]"));
    QHash<int, QString> ruleProblems;
    QStringList otherProblems;
    for (const Diagnostic &d : std::as_const(m_preview.diagnostics)) {
        if (!d.isError())
            continue;
        int rule = -1;
        QString message = d.message;
        if (const auto match = rulePath.match(d.path); match.hasMatch()) {
            rule = match.captured(1).toInt();
        } else if (const auto onResource = resourcePath.match(d.path); onResource.hasMatch()) {
            const int resource = onResource.captured(1).toInt();
            if (resource < m_preview.plan.resources.size()) {
                const Resource &r = m_preview.plan.resources[resource];
                if (const auto mapped = rulePath.match(r.mappedBy); mapped.hasMatch()) {
                    rule = mapped.captured(1).toInt();
                    message = tr("%1: %2").arg(r.id, d.message);
                }
            }
        }
        if (rule >= 0 && rule < m_rules->rowCount()) {
            if (!ruleProblems.contains(rule))
                ruleProblems.insert(rule, message);
        } else {
            otherProblems.append(d.toString());
        }
    }
    m_rules->setPlanProblems(ruleProblems);

    // Counts: the built-in table's depend on the plan's rules before it.
    m_rules->setSources(m_sources);
    m_builtIn->setSources(m_sources, m_rules);

    const int byRules = int(m_sources.size()) - m_rules->unmatchedCount();
    QString text;
    if (int(m_sources.size()) == 0)
        text = tr("This plan has no imported resources without an executor of their own: the mapping changes nothing yet.");
    else
        text = tr("The plan's rules provision %1 of the %2 imported resources; %3 get the built-in estimates.")
                   .arg(byRules).arg(int(m_sources.size())).arg(int(m_sources.size()) - byRules);
    const int errorRow = m_rules->errorRow();
    if (errorRow >= 0)
        text += QStringLiteral(" <span style='color:#b31412'>%1</span>")
                    .arg(tr("Rule %1: %2. Fix the rules marked in red to apply them.").arg(errorRow + 1).arg(m_rules->problem(errorRow)).toHtmlEscaped());
    else if (!otherProblems.isEmpty())
        text += QStringLiteral(" <span style='color:#b31412'>%1</span>").arg(otherProblems.join(QStringLiteral("; ")).toHtmlEscaped());
    m_summary->setText(text);
    m_ok->setEnabled(!m_preview.hasErrors() && errorRow < 0);
    m_ok->setToolTip(m_ok->isEnabled() ? tr("Re-read the plan with these rules") : tr("Fix the rules marked in red first"));
    updateButtons();
}

nlohmann::ordered_json MappingDialog::newRuleFields() const
{
    const QString format = m_document.contains("import") && m_document["import"].is_object()
        ? sourceString(m_document["import"], "format")
        : QString();
    return ExecutorMapping::newRuleFields(format);
}

void MappingDialog::addRule()
{
    const QModelIndex current = m_rulesView->currentIndex();
    const int row = current.isValid() ? current.row() + 1 : m_rules->rowCount();
    m_rules->insertRule(row, QStringLiteral("*"), newRuleFields());
    m_rulesView->setCurrentIndex(m_rules->index(row, MappingRulesModel::MatchColumn));
    m_rulesView->edit(m_rulesView->currentIndex());
}

void MappingDialog::removeRule()
{
    const QModelIndex current = m_rulesView->currentIndex();
    if (!current.isValid())
        return;
    const int row = current.row();
    m_rules->removeRow(row);
    if (m_rules->rowCount() > 0)
        m_rulesView->setCurrentIndex(m_rules->index(std::min(row, m_rules->rowCount() - 1), MappingRulesModel::MatchColumn));
    updateButtons();
}

void MappingDialog::moveRule(int delta)
{
    const QModelIndex current = m_rulesView->currentIndex();
    if (!current.isValid())
        return;
    const int row = current.row();
    const int target = row + delta;
    if (target < 0 || target >= m_rules->rowCount())
        return;
    m_rules->moveRow(QModelIndex(), row, QModelIndex(), delta > 0 ? target + 1 : target);
    m_rulesView->setCurrentIndex(m_rules->index(target, current.column()));
    updateButtons();
}

void MappingDialog::updateButtons()
{
    const QModelIndex current = m_rulesView->currentIndex();
    m_remove->setEnabled(current.isValid());
    m_up->setEnabled(current.isValid() && current.row() > 0);
    m_down->setEnabled(current.isValid() && current.row() < m_rules->rowCount() - 1);
}

} // namespace fanout
