#include "engine/import/terraformconfigurationreader.h"

#include "engine/import/terraformaddress.h"
#include "engine/support/jsonlocator.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace fanout::terraform {

namespace {

using Kind = Report::Kind;

const QString kConfiguration = QStringLiteral("configuration");

} // namespace

ConfigurationReader::ConfigurationReader(Report &report, InstanceGraph &graph)
    : m_report(report)
    , m_graph(graph)
{
}

void ConfigurationReader::read(const json &configuration)
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

ConfigurationReader::ModuleScope *ConfigurationReader::addScope(const json *module, const QString &jsonPath, ModuleScope *parent,
                                                                const QString &configPath, const json *call, const QString &callPath)
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
void ConfigurationReader::inherit(ModuleScope &scope)
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

void ConfigurationReader::readResources(ModuleScope &scope)
{
    const Where module(scope.jsonPath);
    const json *resources = m_report.member(*scope.module, "resources", Kind::Array, module);
    if (!resources)
        return;
    const Where list = module / "resources";
    for (std::size_t i = 0; i < resources->size(); ++i)
        readResource(scope, (*resources)[i], list[i]);
}

void ConfigurationReader::readResource(ModuleScope &scope, const json &resource, const Where &where)
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
void ConfigurationReader::expressions(ModuleScope &scope, const json &value, const Where &where, QStringList &targets)
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
void ConfigurationReader::references(ModuleScope &scope, const json &list, const Where &where, QStringList &targets)
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
void ConfigurationReader::dependencies(ModuleScope &scope, const json &list, const Where &where, QStringList &targets)
{
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].is_string())
            resolve(scope, withoutKeys(toQString(list[i])), true, targets);
        else
            m_report.error(where[i].path(), QStringLiteral("a dependency is an address such as \"aws_vpc.main\" or \"module.network\", not %1").arg(show(list[i])));
    }
}

// Turns one reference made in `scope` (keys removed) into absolute targets.
void ConfigurationReader::resolve(ModuleScope &scope, const QString &reference, bool dependsOn, QStringList &targets)
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

namespace {

// What `name` refers to, worked out once: `find` is asked the first time only. A name that leads
// back to itself (a cycle of variables or outputs) finds nothing the second time round.
QStringList once(QHash<QString, QStringList> &known, const QString &name, const std::function<void(QStringList &)> &find)
{
    if (const auto it = known.constFind(name); it != known.cend())
        return *it;
    known.insert(name, QStringList());
    QStringList targets;
    find(targets);
    targets.removeDuplicates();
    known.insert(name, targets);
    return targets;
}

} // namespace

// `var.NAME` inside a module is what the caller passes: the references of
// module_calls.M.expressions.NAME, made in the caller's module.
QStringList ConfigurationReader::variableTargets(ModuleScope &scope, const QString &name)
{
    return once(scope.variables, name, [&](QStringList &targets) {
        if (!scope.callExpressions)
            return;
        const auto expression = scope.callExpressions->find(name.toStdString());
        if (expression != scope.callExpressions->end() && expression->is_structured()) {
            const Where call(scope.callPath);
            const Where list = call / "expressions";
            expressions(*scope.parent, *expression, list / expression.key(), targets);
        }
    });
}

// `module.C.OUTPUT` is what C's output refers to, in C's own module.
QStringList ConfigurationReader::outputTargets(ModuleScope &scope, const QString &name)
{
    return once(scope.outputTargets, name, [&](QStringList &targets) {
        if (!scope.outputs)
            return;
        const auto output = scope.outputs->find(name.toStdString());
        if (output == scope.outputs->end())
            return;
        const Where outputs(scope.jsonPath);
        const Where list = outputs / "outputs";
        const Where where = list / output.key();
        if (!output->is_object()) {
            m_report.error(where.path(), QStringLiteral("an output is an object with \"expression\", not %1").arg(show(*output)));
            return;
        }
        if (const json *expression = m_report.member(*output, "expression", Kind::Object, where))
            expressions(scope, *expression, where / "expression", targets);
        if (const json *dependsOn = m_report.member(*output, "depends_on", Kind::Array, where))
            dependencies(scope, *dependsOn, where / "depends_on", targets);
    });
}

// `module.C` on its own: every output of C.
QStringList ConfigurationReader::allOutputTargets(ModuleScope &scope)
{
    QStringList targets;
    if (!scope.outputs)
        return targets;
    for (auto it = scope.outputs->begin(); it != scope.outputs->end(); ++it)
        targets += outputTargets(scope, QString::fromStdString(it.key()));
    targets.removeDuplicates();
    return targets;
}

} // namespace fanout::terraform
