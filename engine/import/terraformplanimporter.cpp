#include "engine/import/terraformplanimporter.h"

#include "engine/import/terraformaddress.h"
#include "engine/import/terraformchangereader.h"
#include "engine/import/terraformconfigurationreader.h"
#include "engine/import/terraforminstancegraph.h"
#include "engine/import/terraformplanbuilder.h"
#include "engine/import/terraformreport.h"
#include "engine/import/terraformvalues.h"
#include "engine/import/terraformwhere.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/structuredtext.h"

#include <QSet>

#include <algorithm>
#include <exception>
#include <utility>

namespace fanout {

namespace {

using namespace terraform;
using Kind = Report::Kind;

const QString kResourceChanges = QStringLiteral("resource_changes");
const QString kPriorState = QStringLiteral("prior_state");
const QString kHowToMakeOne = QStringLiteral("make one with terraform show -json PLANFILE");

// Reads the parsed document: the resources of resource_changes (ChangeReader), then the
// dependencies between them that the configuration (ConfigurationReader) and prior_state say.
class Importer
{
public:
    ImportedPlan plan;

    void read(const json &document, bool looksLikeState)
    {
        const Where root(m_documentPath);
        if (!document.is_object()) {
            m_report.error(QString(), QStringLiteral("not a Terraform JSON plan: expected an object with \"resource_changes\", not %1; %2")
                                          .arg(show(document), kHowToMakeOne));
            return;
        }
        const auto changes = document.find("resource_changes");
        if (changes == document.end()) {
            // `terraform show -json` without a plan file shows the state, which has no changes.
            m_report.error(QString(), QStringLiteral("not a Terraform JSON plan: no \"resource_changes\"%1; %2")
                                          .arg(looksLikeState ? QStringLiteral(" (this looks like Terraform state, not a plan)") : QString(), kHowToMakeOne));
            return;
        }
        checkVersion(document, root);
        if (const auto errored = document.find("errored"); errored != document.end() && errored->is_boolean() && errored->get<bool>())
            m_report.warning(QStringLiteral("errored"), QStringLiteral("Terraform reported errors while planning, so this plan may be incomplete; fix them and plan again"));
        if (const auto complete = document.find("complete"); complete != document.end() && complete->is_boolean() && !complete->get<bool>())
            m_report.warning(QStringLiteral("complete"), QStringLiteral("Terraform deferred some changes to a later plan; after applying this one, plan again for the rest"));

        if (!changes->is_array()) {
            m_report.error(kResourceChanges, QStringLiteral("must be a list of resource changes, not %1").arg(show(*changes)));
            return;
        }
        const Where changesWhere(kResourceChanges);
        plan.resources.reserve(qsizetype(changes->size()));
        for (std::size_t i = 0; i < changes->size(); ++i)
            m_changes.read((*changes)[i], i, changesWhere[i], plan.resources);

        if (const json *configuration = m_report.member(document, "configuration", Kind::Object, root)) {
            m_configuration.read(*configuration);
        } else if (!document.contains("configuration") && !plan.resources.isEmpty()) {
            m_report.warning(QString(), QStringLiteral("the plan has no \"configuration\", so only the dependencies recorded in \"prior_state\" are known"));
        }
        if (const json *state = m_report.member(document, "prior_state", Kind::Object, root))
            readPriorState(*state);

        finish();
    }

private:
    void checkVersion(const json &document, const Where &root)
    {
        const auto version = document.find("format_version");
        if (version == document.end()) {
            m_report.warning(QString(), QStringLiteral("the plan has no \"format_version\"; it is read as a format 1.2 plan"));
            return;
        }
        if (!m_report.member(document, "format_version", Kind::String, root, "a string such as \"1.2\""))
            return;
        const QString text = toQString(*version);
        const QStringList parts = text.split(QLatin1Char('.'));
        bool majorOk = false;
        bool minorOk = false;
        const int major = parts.value(0).toInt(&majorOk);
        const int minor = parts.value(1).toInt(&minorOk);
        const bool known = parts.size() == 2 && majorOk && minorOk
                           && std::make_pair(major, minor) >= std::make_pair(0, 1) && std::make_pair(major, minor) <= std::make_pair(1, 2);
        if (!known)
            m_report.warning(QStringLiteral("format_version"), QStringLiteral("format_version \"%1\" is not one Fanout knows (0.1 to 1.2); the plan is read as 1.2, so what a newer format adds may be missed")
                                                                   .arg(text));
    }

    // ---- prior_state: what Terraform recorded for resources that exist, with absolute addresses

    void readPriorState(const json &state)
    {
        const Where where(kPriorState);
        const json *values = m_report.member(state, "values", Kind::Object, where);
        if (!values)
            return;
        const Where valuesWhere = where / "values";
        if (const json *root = m_report.member(*values, "root_module", Kind::Object, valuesWhere))
            readStateModule(*root, valuesWhere / "root_module");
    }

    void readStateModule(const json &module, const Where &where)
    {
        if (const json *resources = m_report.member(module, "resources", Kind::Array, where)) {
            const Where list = where / "resources";
            for (std::size_t i = 0; i < resources->size(); ++i)
                readStateResource((*resources)[i], list[i]);
        }
        if (const json *children = m_report.member(module, "child_modules", Kind::Array, where)) {
            const Where list = where / "child_modules";
            for (std::size_t i = 0; i < children->size(); ++i) {
                if ((*children)[i].is_object())
                    readStateModule((*children)[i], list[i]);
                else
                    m_report.error(list[i].path(), QStringLiteral("a child module is an object with \"resources\", not %1").arg(show((*children)[i])));
            }
        }
    }

    void readStateResource(const json &resource, const Where &at)
    {
        if (!resource.is_object()) {
            m_report.error(at.path(), QStringLiteral("a state resource is an object with \"address\", not %1").arg(show(resource)));
            return;
        }
        const json *address = m_report.required(resource, "address", Kind::String, at, "a string such as \"aws_vpc.main\"");
        const json *deposed = m_report.member(resource, "deposed_key", Kind::String, at);
        const json *dependsOn = m_report.member(resource, "depends_on", Kind::Array, at, "a list of addresses such as [\"aws_vpc.main\"]");
        if (!address || !dependsOn)
            return;
        QString instance = toQString(*address);
        const QString configAddress = withoutKeys(instance);
        if (deposed)
            instance += QStringLiteral(" (deposed object %1)").arg(toQString(*deposed));
        const int from = m_graph.indexOf(instance);
        const Where depends = at / "depends_on";
        for (std::size_t j = 0; j < dependsOn->size(); ++j) {
            const json &dependency = (*dependsOn)[j];
            if (!dependency.is_string()) {
                m_report.error(depends[j].path(), QStringLiteral("a dependency is an address such as \"aws_vpc.main\", not %1").arg(show(dependency)));
                continue;
            }
            const QString target = withoutKeys(toQString(dependency));
            if (from >= 0 && target != configAddress)
                m_graph.addEdges(QList<int>{from}, target);
        }
    }

    void finish()
    {
        m_graph.addDependencies(plan.resources);
        QSet<QString> groups;
        for (const ImportedResource &r : std::as_const(plan.resources)) {
            if (!r.group.isEmpty() && !groups.contains(r.group)) {
                groups.insert(r.group);
                plan.groups.append(ImportedGroup{r.group, r.group});
            }
        }
    }

    const QString m_documentPath;
    Report m_report{plan.diagnostics};
    InstanceGraph m_graph;
    ChangeReader m_changes{m_report, m_graph};
    ConfigurationReader m_configuration{m_report, m_graph};
};

} // namespace

ImportedPlan TerraformPlanImporter::read(const std::string &text)
{
    PlanBuilder builder;
    bool parsed = false;
    try {
        // Syntax errors, and numbers too large for a double (1e400), come to the builder's
        // parse_error rather than as exceptions; so does text left after the plan.
        parsed = builder.parse(text);
    } catch (const std::exception &) { // memory, at worst
    }
    json document = std::move(builder.document);
    if (!parsed) {
        // StructuredText words syntax errors and text nested too deep, and finds their place, the
        // way every importer does.
        Diagnostics syntax;
        try {
            const StructuredText checked = StructuredText::parseJson(text);
            if (checked.ok()) {
                document = json(checked.document()); // only after running out of memory: the same parser, the same limit
                parsed = true;
            } else {
                syntax = checked.diagnostics();
            }
        } catch (const std::exception &e) { // memory again
            syntax.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                     QStringLiteral("could not read the plan: %1").arg(QString::fromUtf8(e.what()))});
        }
        if (!parsed) {
            ImportedPlan plan;
            plan.diagnostics = syntax;
            // A plan cut short (a copy or download that stopped) is the commonest broken one;
            // StructuredText says so when the error is where the text ends, and only then.
            return plan;
        }
    }

    Importer importer;
    try {
        importer.read(document, builder.looksLikeState());
    } catch (const std::exception &e) {
        // Every type is checked before it is read; this is the last guard, never the plan.
        importer.plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                                    QStringLiteral("could not read the plan: %1").arg(QString::fromUtf8(e.what()))});
    }
    ImportedPlan plan = std::move(importer.plan);
    // Lines and columns cost a scan of the whole text: only for plans with something to say.
    if (std::any_of(plan.diagnostics.cbegin(), plan.diagnostics.cend(), [](const Diagnostic &d) { return !d.path.isEmpty(); })) {
        JsonLocator locator(text);
        for (Diagnostic &d : plan.diagnostics) {
            if (d.path.isEmpty() || d.line > 0)
                continue;
            if (const auto where = locator.locate(d.path)) {
                d.line = where->line;
                d.column = where->column;
            }
        }
    }
    return plan;
}

} // namespace fanout
