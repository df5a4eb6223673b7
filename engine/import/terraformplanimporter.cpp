#include "engine/import/terraformplanimporter.h"

#include "engine/import/terraformaddress.h"
#include "engine/import/terraformchangereader.h"
#include "engine/import/terraforminstancegraph.h"
#include "engine/import/terraformplanbuilder.h"
#include "engine/import/terraformreport.h"
#include "engine/import/terraformvalues.h"
#include "engine/import/terraformwhere.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/structuredtext.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

namespace fanout {

namespace {

using namespace terraform;
using Kind = Report::Kind;

const QString kResourceChanges = QStringLiteral("resource_changes");
const QString kConfiguration = QStringLiteral("configuration");
const QString kPriorState = QStringLiteral("prior_state");
const QString kHowToMakeOne = QStringLiteral("make one with terraform show -json PLANFILE");

// One module of the configuration (the root module, or the module a module_calls entry loads),
// with what is needed to follow references out of it: its caller, for `var.X`, and its calls,
// for `module.C.OUTPUT`. Configuration addresses have no instance keys: a module called with
// count or for_each is one scope for all its instances.
struct ModuleScope
{
    QString configPath;                     // "module.db.module.db_1"; empty for the root module
    QString prefix;                         // configPath + "." or empty: what makes relative addresses absolute
    QString jsonPath;                       // where the module object is in the document
    QString callPath;                       // where its entry in the parent's module_calls is
    const json *module = nullptr;           // null when a call has no "module"
    const json *call = nullptr;             // the parent's module_calls entry; null for the root
    const json *callExpressions = nullptr;  // the call's "expressions": the values of this module's variables
    const json *outputs = nullptr;          // this module's "outputs"
    ModuleScope *parent = nullptr;
    QHash<QString, ModuleScope *> children; // by call name
    // Resolved once each, since every resource of a module tends to use the same variables.
    QHash<QString, QStringList> variables;
    QHash<QString, QStringList> outputTargets;
    // What every resource in the module waits for: the module calls' depends_on, count and for_each.
    QStringList inherited;
};

// Reads the parsed document: the resources of resource_changes (ChangeReader), then the
// dependencies between them that the configuration and prior_state say. Dependencies are
// collected as targets: absolute configuration addresses of resources
// ("module.vpc.aws_subnet.private"), or of whole modules ("module.vpc") where depends_on names
// one; the graph expands each to the instances resource_changes has.
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
            readConfiguration(*configuration);
        } else if (!document.contains("configuration") && !plan.resources.isEmpty()) {
            m_report.warning(QString(), QStringLiteral("the plan has no \"configuration\", so only the dependencies recorded in \"prior_state\" are known"));
        }
        if (const json *state = m_report.member(document, "prior_state", Kind::Object, root))
            readPriorState(*state);

        finish();
    }

private:
    // ---- configuration

    void readConfiguration(const json &configuration)
    {
        const Where where(kConfiguration);
        const json *root = m_report.member(configuration, "root_module", Kind::Object, where);
        if (!root)
            return;
        addScope(root, jsonMemberPath(kConfiguration, QStringLiteral("root_module")), nullptr, QString(), nullptr, QString());
        // Scopes are in pre-order, so a module's caller has what it inherits before the module.
        for (const auto &scope : m_scopes) {
            if (scope->parent)
                inherit(*scope);
        }
        for (const auto &scope : m_scopes) {
            if (scope->module)
                readResources(*scope);
        }
    }

    ModuleScope *addScope(const json *module, const QString &jsonPath, ModuleScope *parent, const QString &configPath,
                          const json *call, const QString &callPath)
    {
        auto owned = std::make_unique<ModuleScope>();
        ModuleScope *scope = owned.get();
        m_scopes.push_back(std::move(owned));
        scope->configPath = configPath;
        scope->prefix = configPath.isEmpty() ? QString() : configPath + QLatin1Char('.');
        scope->jsonPath = jsonPath;
        scope->callPath = callPath;
        scope->module = module;
        scope->call = call;
        scope->parent = parent;
        if (call)
            scope->callExpressions = m_report.member(*call, "expressions", Kind::Object, Where(callPath));
        if (!module)
            return scope;

        const Where where(scope->jsonPath);
        scope->outputs = m_report.member(*module, "outputs", Kind::Object, where);
        const json *calls = m_report.member(*module, "module_calls", Kind::Object, where, "an object of named module calls");
        if (!calls)
            return scope;
        const QString callsPath = jsonMemberPath(scope->jsonPath, QStringLiteral("module_calls"));
        for (auto it = calls->begin(); it != calls->end(); ++it) {
            const QString name = QString::fromStdString(it.key());
            const QString childCallPath = jsonMemberPath(callsPath, name);
            if (!it->is_object()) {
                m_report.error(childCallPath, QStringLiteral("a module call is an object with \"source\" and \"module\", not %1").arg(show(*it)));
                continue;
            }
            const json *child = m_report.member(*it, "module", Kind::Object, Where(childCallPath));
            ModuleScope *childScope = addScope(child, jsonMemberPath(childCallPath, QStringLiteral("module")), scope,
                                               scope->prefix + QStringLiteral("module.") + name, &*it, childCallPath);
            scope->children.insert(name, childScope);
        }
        return scope;
    }

    // What every resource of a called module waits for: what its caller's resources wait for, and
    // what the call's depends_on, count and for_each refer to.
    void inherit(ModuleScope &scope)
    {
        scope.inherited = scope.parent->inherited;
        const Where call(scope.callPath);
        // `depends_on` on a module call: everything in the module waits for those.
        if (const json *dependsOn = m_report.member(*scope.call, "depends_on", Kind::Array, call))
            dependencies(*scope.parent, *dependsOn, call / "depends_on", scope.inherited);
        // Nothing in a module exists before its count or for_each is known.
        for (const char *name : {"count_expression", "for_each_expression"}) {
            if (const json *expression = m_report.member(*scope.call, name, Kind::Object, call))
                expressions(*scope.parent, *expression, call / name, scope.inherited);
        }
        scope.inherited.removeDuplicates();
    }

    void readResources(ModuleScope &scope)
    {
        const Where module(scope.jsonPath);
        const json *resources = m_report.member(*scope.module, "resources", Kind::Array, module);
        if (!resources)
            return;
        const Where list = module / "resources";
        for (std::size_t i = 0; i < resources->size(); ++i)
            readResource(scope, (*resources)[i], list[i]);
    }

    void readResource(ModuleScope &scope, const json &resource, const Where &where)
    {
        if (!resource.is_object()) {
            m_report.error(where.path(), QStringLiteral("a configuration resource is an object with \"address\", not %1").arg(show(resource)));
            return;
        }
        const json *address = m_report.required(resource, "address", Kind::String, where, "a string such as \"aws_vpc.main\"");
        if (!address)
            return;
        // Configuration addresses are module-relative and have no keys; withoutKeys is for hand-written files.
        const QString configAddress = scope.prefix + withoutKeys(toQString(*address));

        QStringList targets = scope.inherited;
        // count and for_each decide which instances exist, and provisioners run as part of
        // creating: their references are dependencies as much as the arguments' are.
        for (const char *name : {"expressions", "count_expression", "for_each_expression"}) {
            if (const json *value = m_report.member(resource, name, Kind::Object, where))
                expressions(scope, *value, where / name, targets);
        }
        if (const json *provisioners = m_report.member(resource, "provisioners", Kind::Array, where))
            expressions(scope, *provisioners, where / "provisioners", targets);
        if (const json *dependsOn = m_report.member(resource, "depends_on", Kind::Array, where, "a list of addresses such as [\"aws_vpc.main\"]"))
            dependencies(scope, *dependsOn, where / "depends_on", targets);

        const QList<int> *from = m_graph.instancesOf(configAddress);
        if (!from)
            return; // nothing to do for it in this plan
        targets.removeDuplicates();
        for (const QString &target : std::as_const(targets)) {
            // Instances of one resource never wait for each other (count.index is not followed).
            if (target != configAddress)
                m_graph.addEdges(*from, target);
        }
    }

    // Every `references` list in an expression, at any depth: expressions of nested blocks are
    // lists and objects of expressions.
    void expressions(ModuleScope &scope, const json &value, const Where &where, QStringList &targets)
    {
        if (value.is_object()) {
            for (auto it = value.begin(); it != value.end(); ++it) {
                const std::string &key = it.key();
                if (key == "constant_value" || !it->is_structured()) {
                    // A literal: its keys are data, not expressions. A "references" that is neither
                    // a list nor an object (a block of that name) is an error.
                    if (key == "references" && !it->is_null() && !it->is_structured())
                        m_report.error((where / key).path(), QStringLiteral("must be a list of references such as [\"aws_vpc.main.id\", \"aws_vpc.main\"], not %1").arg(show(*it)));
                    continue;
                }
                if (key == "references" && it->is_array())
                    references(scope, *it, where / key, targets);
                else
                    expressions(scope, *it, where / key, targets);
            }
        } else if (value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (value[i].is_structured())
                    expressions(scope, value[i], where[i], targets);
            }
        }
    }

    // A `references` list. Terraform lists one reference in each of its forms, longest first
    // ("aws_s3_bucket.b[0].id", "aws_s3_bucket.b[0]", "aws_s3_bucket.b"): they name the same
    // resource, except that "module.m" beside "module.m.out" would widen the dependency to every
    // output of m. A whole module counts only when nothing more precise is listed.
    void references(ModuleScope &scope, const json &list, const Where &where, QStringList &targets)
    {
        QStringList texts;
        texts.reserve(qsizetype(list.size()));
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json &reference = list[i];
            if (reference.is_string()) {
                texts.append(withoutKeys(toQString(reference)));
            } else if (reference.is_object()) {
                expressions(scope, reference, where[i], targets); // blocks of a type named "references"
            } else {
                m_report.error(where[i].path(), QStringLiteral("a reference is a string such as \"aws_vpc.main.id\", not %1").arg(show(reference)));
            }
        }
        for (const QString &text : std::as_const(texts)) {
            if (text.startsWith(QLatin1String("module.")) && text.count(QLatin1Char('.')) == 1) {
                const QString more = text + QLatin1Char('.');
                if (std::any_of(texts.cbegin(), texts.cend(), [&](const QString &other) { return other.startsWith(more); }))
                    continue;
            }
            resolve(scope, text, false, targets);
        }
    }

    // depends_on lists resources and modules; a module means every resource in it.
    void dependencies(ModuleScope &scope, const json &list, const Where &where, QStringList &targets)
    {
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].is_string())
                resolve(scope, withoutKeys(toQString(list[i])), true, targets);
            else
                m_report.error(where[i].path(), QStringLiteral("a dependency is an address such as \"aws_vpc.main\" or \"module.network\", not %1").arg(show(list[i])));
        }
    }

    // Turns one reference made in `scope` (keys removed) into absolute targets.
    void resolve(ModuleScope &scope, const QString &reference, bool dependsOn, QStringList &targets)
    {
        const QStringView text(reference);
        const qsizetype dot1 = text.indexOf(QLatin1Char('.'));
        if (dot1 <= 0)
            return; // "self", or not a reference
        const qsizetype dot2 = text.indexOf(QLatin1Char('.'), dot1 + 1);
        const qsizetype dot3 = dot2 < 0 ? -1 : text.indexOf(QLatin1Char('.'), dot2 + 1);
        const QStringView head = text.left(dot1);
        const QStringView second = dot2 < 0 ? text.mid(dot1 + 1) : text.mid(dot1 + 1, dot2 - dot1 - 1);
        if (second.isEmpty())
            return;

        if (head == QLatin1String("var")) {
            // The root module's variables are the plan's inputs; a module's come from its caller.
            if (scope.parent)
                targets += variableTargets(scope, second.toString());
            return;
        }
        if (head == QLatin1String("module")) {
            ModuleScope *child = scope.children.value(second.toString());
            if (!child)
                return;
            if (dependsOn)
                targets.append(child->configPath);
            else if (dot2 >= 0)
                targets += outputTargets(*child, (dot3 < 0 ? text.mid(dot2 + 1) : text.mid(dot2 + 1, dot3 - dot2 - 1)).toString());
            else
                targets += allOutputTargets(*child);
            return;
        }
        if (head == QLatin1String("data") || head == QLatin1String("ephemeral")) {
            if (dot2 >= 0 && dot2 + 1 < text.size())
                targets.append(scope.prefix + (dot3 < 0 ? text : text.left(dot3)).toString());
            return;
        }
        // Not resources. Locals' expressions are not in the plan JSON (Terraform leaves them out
        // of "configuration"), so what a local refers to cannot be followed: a resource that uses
        // a resource only through a local gets no dependency from configuration here, though
        // prior_state, where present, has it.
        static const QStringList notResources = {QStringLiteral("local"), QStringLiteral("count"), QStringLiteral("each"),
                                                 QStringLiteral("path"), QStringLiteral("self"), QStringLiteral("terraform")};
        for (const QString &name : notResources) {
            if (head == name)
                return;
        }
        targets.append(scope.prefix + (dot2 < 0 ? text : text.left(dot2)).toString()); // TYPE.NAME
    }

    // `var.NAME` inside a module is what the caller passes: the references of
    // module_calls.M.expressions.NAME, made in the caller's module.
    QStringList variableTargets(ModuleScope &scope, const QString &name)
    {
        if (const auto it = scope.variables.constFind(name); it != scope.variables.cend())
            return *it;
        scope.variables.insert(name, QStringList()); // a variable that leads back to itself ends here
        QStringList targets;
        if (scope.callExpressions) {
            const auto expression = scope.callExpressions->find(name.toStdString());
            if (expression != scope.callExpressions->end() && expression->is_structured()) {
                const Where call(scope.callPath);
                const Where list = call / "expressions";
                expressions(*scope.parent, *expression, list / expression.key(), targets);
            }
        }
        targets.removeDuplicates();
        scope.variables.insert(name, targets);
        return targets;
    }

    // `module.C.OUTPUT` is what C's output refers to, in C's own module.
    QStringList outputTargets(ModuleScope &scope, const QString &name)
    {
        if (const auto it = scope.outputTargets.constFind(name); it != scope.outputTargets.cend())
            return *it;
        scope.outputTargets.insert(name, QStringList()); // an output that leads back to itself ends here
        QStringList targets;
        if (scope.outputs) {
            const auto output = scope.outputs->find(name.toStdString());
            if (output != scope.outputs->end()) {
                const Where outputs(scope.jsonPath);
                const Where list = outputs / "outputs";
                const Where where = list / output.key();
                if (!output->is_object()) {
                    m_report.error(where.path(), QStringLiteral("an output is an object with \"expression\", not %1").arg(show(*output)));
                } else {
                    if (const json *expression = m_report.member(*output, "expression", Kind::Object, where))
                        expressions(scope, *expression, where / "expression", targets);
                    if (const json *dependsOn = m_report.member(*output, "depends_on", Kind::Array, where))
                        dependencies(scope, *dependsOn, where / "depends_on", targets);
                }
            }
        }
        targets.removeDuplicates();
        scope.outputTargets.insert(name, targets);
        return targets;
    }

    // `module.C` on its own: every output of C.
    QStringList allOutputTargets(ModuleScope &scope)
    {
        QStringList targets;
        if (!scope.outputs)
            return targets;
        for (auto it = scope.outputs->begin(); it != scope.outputs->end(); ++it)
            targets += outputTargets(scope, QString::fromStdString(it.key()));
        targets.removeDuplicates();
        return targets;
    }

    // ---- checks

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
    std::vector<std::unique_ptr<ModuleScope>> m_scopes; // pre-order: callers before the modules they call
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
            // A plan cut short (a copy or download that stopped) is the commonest broken one: the
            // error is then on its last line, and nlohmann's message may not say what was missing.
            const std::size_t end = text.find_last_not_of(" \t\r\n");
            const int lastLine = end == std::string::npos ? 0 : int(std::count(text.begin(), text.begin() + std::ptrdiff_t(end), '\n')) + 1;
            for (Diagnostic &d : plan.diagnostics) {
                if (d.isError() && lastLine > 0 && d.line >= lastLine && d.message.startsWith(QLatin1String("not valid JSON")))
                    d.message += d.message.contains(QLatin1String("expected"))
                                     ? QStringLiteral(" (is the file cut short?)")
                                     : QStringLiteral("; the text ends there: expected the rest of the plan (is the file cut short?)");
            }
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
