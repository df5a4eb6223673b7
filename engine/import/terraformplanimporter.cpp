#include "engine/import/terraformplanimporter.h"

#include "engine/import/terraformaddress.h"
#include "engine/import/terraformplanbuilder.h"
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

const QString kResourceChanges = QStringLiteral("resource_changes");
const QString kConfiguration = QStringLiteral("configuration");
const QString kPriorState = QStringLiteral("prior_state");
const QString kHowToMakeOne = QStringLiteral("make one with terraform show -json PLANFILE");

const char *const kKnownActions[] = {"no-op", "create", "read", "update", "delete", "forget"};

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

// Reads the parsed document. Dependencies are collected as targets: absolute configuration
// addresses of resources ("module.vpc.aws_subnet.private"), or of whole modules ("module.vpc")
// where depends_on names one; each is then expanded to the instances resource_changes has.
class Importer
{
public:
    ImportedPlan plan;

    void read(const json &document, bool looksLikeState)
    {
        const Where root(m_documentPath);
        if (!document.is_object()) {
            error(QString(), QStringLiteral("not a Terraform JSON plan: expected an object with \"resource_changes\", not %1; %2")
                                 .arg(show(document), kHowToMakeOne));
            return;
        }
        const auto changes = document.find("resource_changes");
        if (changes == document.end()) {
            // `terraform show -json` without a plan file shows the state, which has no changes.
            error(QString(), QStringLiteral("not a Terraform JSON plan: no \"resource_changes\"%1; %2")
                                 .arg(looksLikeState ? QStringLiteral(" (this looks like Terraform state, not a plan)") : QString(), kHowToMakeOne));
            return;
        }
        checkVersion(document, root);
        if (const auto errored = document.find("errored"); errored != document.end() && errored->is_boolean() && errored->get<bool>())
            warning(QStringLiteral("errored"), QStringLiteral("Terraform reported errors while planning, so this plan may be incomplete; fix them and plan again"));
        if (const auto complete = document.find("complete"); complete != document.end() && complete->is_boolean() && !complete->get<bool>())
            warning(QStringLiteral("complete"), QStringLiteral("Terraform deferred some changes to a later plan; after applying this one, plan again for the rest"));

        if (!changes->is_array()) {
            error(kResourceChanges, QStringLiteral("must be a list of resource changes, not %1").arg(show(*changes)));
            return;
        }
        const Where changesWhere(kResourceChanges);
        plan.resources.reserve(qsizetype(changes->size()));
        for (std::size_t i = 0; i < changes->size(); ++i)
            readChange((*changes)[i], i, changesWhere[i]);

        if (const json *configuration = member(document, "configuration", Kind::Object, root)) {
            readConfiguration(*configuration);
        } else if (!document.contains("configuration") && !plan.resources.isEmpty()) {
            warning(QString(), QStringLiteral("the plan has no \"configuration\", so only the dependencies recorded in \"prior_state\" are known"));
        }
        if (const json *state = member(document, "prior_state", Kind::Object, root))
            readPriorState(*state);

        finish();
    }

private:
    enum class Kind { Object, Array, String };

    // ---- resource_changes

    void readChange(const json &entry, std::size_t entryIndex, const Where &where)
    {
        if (!entry.is_object()) {
            error(where.path(), QStringLiteral("an entry of resource_changes is an object with \"address\", \"type\" and \"change\", not %1").arg(show(entry)));
            return;
        }
        const json *address = required(entry, "address", Kind::String, where, "a string such as \"aws_vpc.main\"");
        const json *type = required(entry, "type", Kind::String, where, "a string such as \"aws_vpc\"");
        const json *mode = member(entry, "mode", Kind::String, where, "\"managed\" or \"data\"");
        const json *moduleAddress = member(entry, "module_address", Kind::String, where);
        const json *change = required(entry, "change", Kind::Object, where, "an object with \"actions\"");
        const json *actions = change ? required(*change, "actions", Kind::Array, where / "change", "a list such as [\"create\"]") : nullptr;
        const json *reason = member(entry, "action_reason", Kind::String, where);
        const json *previous = member(entry, "previous_address", Kind::String, where);
        const json *provider = member(entry, "provider_name", Kind::String, where);
        const json *deposed = member(entry, "deposed", Kind::String, where);
        const auto index = entry.find("index");

        ordered_json actionList = ordered_json::array();
        std::string only; // the action, when there is exactly one
        if (actions) {
            const Where actionsWhere = where / "change";
            const Where listWhere = actionsWhere / "actions";
            for (std::size_t j = 0; j < actions->size(); ++j) {
                const json &action = (*actions)[j];
                if (!action.is_string()) {
                    error(listWhere[j].path(), QStringLiteral("an action is a string such as \"create\", not %1").arg(show(action)));
                    continue;
                }
                const std::string &name = action.get_ref<const std::string &>();
                if (std::none_of(std::begin(kKnownActions), std::end(kKnownActions), [&](const char *known) { return name == known; })) {
                    QStringList known;
                    for (const char *k : kKnownActions)
                        known.append(QString::fromLatin1(k));
                    warning(listWhere[j].path(), QStringLiteral("unknown action \"%1\" (Fanout knows %2); the resource is imported as one that runs")
                                                     .arg(toQString(action), known.join(QStringLiteral(", "))));
                }
                only = actions->size() == 1 ? name : std::string();
                actionList.push_back(ordered_json(name));
            }
            if (actions->empty())
                warning(listWhere.path(), QStringLiteral("no actions; the resource is imported as one that runs"));
        }
        if (!address || !type)
            return;

        ImportedResource r;
        const QString instance = toQString(*address);
        r.address = instance;
        if (deposed) {
            // A deposed object (left over from create_before_destroy) shares the current object's
            // address; Terraform's own output names it this way.
            r.address += QStringLiteral(" (deposed object %1)").arg(toQString(*deposed));
        }
        if (const auto first = m_byAddress.constFind(r.address); first != m_byAddress.cend()) {
            error((where / "address").path(), QStringLiteral("\"%1\" is in resource_changes twice (also at %2); each address must be unique")
                                                  .arg(r.address, jsonIndexPath(kResourceChanges, qsizetype(m_changeIndex[std::size_t(*first)]))));
            return;
        }
        r.type = toQString(*type);
        if (moduleAddress)
            r.group = toQString(*moduleAddress);

        const QString configAddress = withoutKeys(instance);
        QStringView resourcePart;
        const QStringList modules = enclosingModules(configAddress, &resourcePart);
        bool data = resourcePart.startsWith(QLatin1String("data."));
        if (mode) {
            const std::string &m = mode->get_ref<const std::string &>();
            data = m == "data";
            if (m != "managed" && m != "data")
                warning((where / "mode").path(), QStringLiteral("unknown mode \"%1\"; Fanout knows \"managed\" and \"data\"").arg(toQString(*mode)));
        }

        if (data) {
            r.run = false;
            r.note = QStringLiteral("data source: Terraform reads it, nothing to provision");
        } else if (only == "no-op") {
            r.run = false;
            r.note = QStringLiteral("no change (no-op)");
        } else if (only == "read") {
            r.run = false;
            r.note = QStringLiteral("Terraform only reads it, nothing to provision");
        } else if (only == "forget") {
            r.run = false;
            r.note = QStringLiteral("Terraform forgets it (stops managing it without destroying it), nothing to provision");
        }

        if (mode)
            r.source["mode"] = ordered_json(*mode);
        if (index != entry.end() && !index->is_null())
            r.source["index"] = ordered_json(*index);
        if (actions)
            r.source["actions"] = std::move(actionList);
        if (reason)
            r.source["action_reason"] = ordered_json(*reason);
        if (previous)
            r.source["previous_address"] = ordered_json(*previous);
        if (provider)
            r.source["provider_name"] = ordered_json(*provider);
        if (deposed)
            r.source["deposed"] = ordered_json(*deposed);

        const int i = int(plan.resources.size());
        m_byAddress.insert(r.address, i);
        m_changeIndex.push_back(entryIndex);
        m_byConfig[configAddress].append(i);
        for (const QString &module : modules)
            m_underModule[module].append(i);
        m_moduleInstances.push_back(modules.isEmpty() ? QStringList() : enclosingModuleInstances(instance));
        m_modules.push_back(modules);
        // Terraform destroys in reverse order: a resource that is only deleted waits for whatever used it.
        m_deleteOnly.push_back(only == "delete");
        plan.resources.append(std::move(r));
    }

    // ---- configuration

    void readConfiguration(const json &configuration)
    {
        const Where where(kConfiguration);
        const json *root = member(configuration, "root_module", Kind::Object, where);
        if (!root)
            return;
        addScope(root, jsonMemberPath(kConfiguration, QStringLiteral("root_module")), nullptr, QString(), nullptr, QString());

        // Scopes are in pre-order, so a module's caller has what it inherits before the module.
        for (const auto &scope : m_scopes) {
            if (!scope->parent)
                continue;
            ModuleScope &s = *scope;
            s.inherited = s.parent->inherited;
            const Where call(s.callPath);
            // `depends_on` on a module call: everything in the module waits for those.
            if (const json *dependsOn = member(*s.call, "depends_on", Kind::Array, call))
                dependencies(*s.parent, *dependsOn, call / "depends_on", s.inherited);
            // Nothing in a module exists before its count or for_each is known.
            for (const char *name : {"count_expression", "for_each_expression"}) {
                if (const json *expression = member(*s.call, name, Kind::Object, call))
                    expressions(*s.parent, *expression, call / name, s.inherited);
            }
            s.inherited.removeDuplicates();
        }

        for (const auto &scope : m_scopes) {
            if (!scope->module)
                continue;
            const Where module(scope->jsonPath);
            const json *resources = member(*scope->module, "resources", Kind::Array, module);
            if (!resources)
                continue;
            const Where list = module / "resources";
            for (std::size_t i = 0; i < resources->size(); ++i)
                readConfigResource(*scope, (*resources)[i], list[i]);
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
            scope->callExpressions = member(*call, "expressions", Kind::Object, Where(callPath));
        if (!module)
            return scope;

        const Where where(scope->jsonPath);
        scope->outputs = member(*module, "outputs", Kind::Object, where);
        const json *calls = member(*module, "module_calls", Kind::Object, where, "an object of named module calls");
        if (!calls)
            return scope;
        const QString callsPath = jsonMemberPath(scope->jsonPath, QStringLiteral("module_calls"));
        for (auto it = calls->begin(); it != calls->end(); ++it) {
            const QString name = QString::fromStdString(it.key());
            const QString childCallPath = jsonMemberPath(callsPath, name);
            if (!it->is_object()) {
                error(childCallPath, QStringLiteral("a module call is an object with \"source\" and \"module\", not %1").arg(show(*it)));
                continue;
            }
            const json *child = member(*it, "module", Kind::Object, Where(childCallPath));
            ModuleScope *childScope = addScope(child, jsonMemberPath(childCallPath, QStringLiteral("module")), scope,
                                               scope->prefix + QStringLiteral("module.") + name, &*it, childCallPath);
            scope->children.insert(name, childScope);
        }
        return scope;
    }

    void readConfigResource(ModuleScope &scope, const json &resource, const Where &where)
    {
        if (!resource.is_object()) {
            error(where.path(), QStringLiteral("a configuration resource is an object with \"address\", not %1").arg(show(resource)));
            return;
        }
        const json *address = required(resource, "address", Kind::String, where, "a string such as \"aws_vpc.main\"");
        if (!address)
            return;
        // Configuration addresses are module-relative and have no keys; withoutKeys is for hand-written files.
        const QString configAddress = scope.prefix + withoutKeys(toQString(*address));

        QStringList targets = scope.inherited;
        // count and for_each decide which instances exist, and provisioners run as part of
        // creating: their references are dependencies as much as the arguments' are.
        for (const char *name : {"expressions", "count_expression", "for_each_expression"}) {
            if (const json *value = member(resource, name, Kind::Object, where))
                expressions(scope, *value, where / name, targets);
        }
        if (const json *provisioners = member(resource, "provisioners", Kind::Array, where))
            expressions(scope, *provisioners, where / "provisioners", targets);
        if (const json *dependsOn = member(resource, "depends_on", Kind::Array, where, "a list of addresses such as [\"aws_vpc.main\"]"))
            dependencies(scope, *dependsOn, where / "depends_on", targets);

        const auto from = m_byConfig.constFind(configAddress);
        if (from == m_byConfig.cend())
            return; // nothing to do for it in this plan
        targets.removeDuplicates();
        for (const QString &target : std::as_const(targets)) {
            // Instances of one resource never wait for each other (count.index is not followed).
            if (target != configAddress)
                addEdges(*from, target);
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
                        error((where / key).path(), QStringLiteral("must be a list of references such as [\"aws_vpc.main.id\", \"aws_vpc.main\"], not %1").arg(show(*it)));
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
                error(where[i].path(), QStringLiteral("a reference is a string such as \"aws_vpc.main.id\", not %1").arg(show(reference)));
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
                error(where[i].path(), QStringLiteral("a dependency is an address such as \"aws_vpc.main\" or \"module.network\", not %1").arg(show(list[i])));
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
                    error(where.path(), QStringLiteral("an output is an object with \"expression\", not %1").arg(show(*output)));
                } else {
                    if (const json *expression = member(*output, "expression", Kind::Object, where))
                        expressions(scope, *expression, where / "expression", targets);
                    if (const json *dependsOn = member(*output, "depends_on", Kind::Array, where))
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

    // ---- prior_state: what Terraform recorded for resources that exist, with absolute addresses

    void readPriorState(const json &state)
    {
        const Where where(kPriorState);
        const json *values = member(state, "values", Kind::Object, where);
        if (!values)
            return;
        const Where valuesWhere = where / "values";
        if (const json *root = member(*values, "root_module", Kind::Object, valuesWhere))
            readStateModule(*root, valuesWhere / "root_module");
    }

    void readStateModule(const json &module, const Where &where)
    {
        if (const json *resources = member(module, "resources", Kind::Array, where)) {
            const Where list = where / "resources";
            for (std::size_t i = 0; i < resources->size(); ++i) {
                const json &resource = (*resources)[i];
                const Where at = list[i];
                if (!resource.is_object()) {
                    error(at.path(), QStringLiteral("a state resource is an object with \"address\", not %1").arg(show(resource)));
                    continue;
                }
                const json *address = required(resource, "address", Kind::String, at, "a string such as \"aws_vpc.main\"");
                const json *deposed = member(resource, "deposed_key", Kind::String, at);
                const json *dependsOn = member(resource, "depends_on", Kind::Array, at, "a list of addresses such as [\"aws_vpc.main\"]");
                if (!address || !dependsOn)
                    continue;
                QString instance = toQString(*address);
                const QString configAddress = withoutKeys(instance);
                if (deposed)
                    instance += QStringLiteral(" (deposed object %1)").arg(toQString(*deposed));
                const auto from = m_byAddress.constFind(instance);
                const Where depends = at / "depends_on";
                for (std::size_t j = 0; j < dependsOn->size(); ++j) {
                    const json &dependency = (*dependsOn)[j];
                    if (!dependency.is_string()) {
                        error(depends[j].path(), QStringLiteral("a dependency is an address such as \"aws_vpc.main\", not %1").arg(show(dependency)));
                        continue;
                    }
                    const QString target = withoutKeys(toQString(dependency));
                    if (from != m_byAddress.cend() && target != configAddress)
                        addEdges(QList<int>{*from}, target);
                }
            }
        }
        if (const json *children = member(module, "child_modules", Kind::Array, where)) {
            const Where list = where / "child_modules";
            for (std::size_t i = 0; i < children->size(); ++i) {
                if ((*children)[i].is_object())
                    readStateModule((*children)[i], list[i]);
                else
                    error(list[i].path(), QStringLiteral("a child module is an object with \"resources\", not %1").arg(show((*children)[i])));
            }
        }
    }

    // ---- edges

    void addEdges(const QList<int> &from, const QString &target)
    {
        auto to = m_byConfig.constFind(target);
        if (to == m_byConfig.cend()) {
            to = m_underModule.constFind(target);
            if (to == m_underModule.cend())
                return; // not in this plan: a data source read while planning, a root variable...
        }
        for (const int f : from) {
            for (const int t : *to) {
                if (f != t && sameModuleInstances(f, t))
                    m_edges.emplace_back(f, t);
            }
        }
    }

    // Inside an instance of a module, a reference to something in the same module means that
    // instance's own: module.m["a"].aws_x.y waits for module.m["a"].aws_vpc.v, not for
    // module.m["b"].aws_vpc.v. References never leave a module instance to come back into another
    // of the same call (that would be a module referring to itself, which Terraform refuses), so
    // two resources in the same module call depend on each other only within one instance of it.
    bool sameModuleInstances(int f, int t) const
    {
        const QStringList &fromModules = m_modules[std::size_t(f)];
        const QStringList &toModules = m_modules[std::size_t(t)];
        qsizetype shared = std::min(fromModules.size(), toModules.size());
        while (shared > 0 && fromModules[shared - 1] != toModules[shared - 1])
            --shared;
        if (shared == 0)
            return true;
        const QStringList &fromInstances = m_moduleInstances[std::size_t(f)];
        const QStringList &toInstances = m_moduleInstances[std::size_t(t)];
        if (fromInstances.size() != fromModules.size() || toInstances.size() != toModules.size())
            return true; // an address written by hand that does not split the same way: keep the edge
        return fromInstances[shared - 1] == toInstances[shared - 1];
    }

    void finish()
    {
        // `first` depends on `second`. When `second` is only deleted, it is destroyed after
        // `first` (which used it) is gone or changed: the edge turns round. That cannot make a
        // cycle: afterwards only deleted resources wait on a deleted one (each on one that used
        // it), so a cycle through a deleted resource is one of deleted resources only, which the
        // forward edges already had the other way round.
        for (auto &edge : m_edges) {
            if (m_deleteOnly[std::size_t(edge.second)])
                std::swap(edge.first, edge.second);
        }
        std::sort(m_edges.begin(), m_edges.end());
        m_edges.erase(std::unique(m_edges.begin(), m_edges.end()), m_edges.end());
        for (const auto &[from, to] : m_edges) {
            Q_ASSERT(from != to);
            plan.resources[from].dependsOn.append(plan.resources[to].address);
        }

        QSet<QString> groups;
        for (const ImportedResource &r : std::as_const(plan.resources)) {
            if (!r.group.isEmpty() && !groups.contains(r.group)) {
                groups.insert(r.group);
                plan.groups.append(ImportedGroup{r.group, r.group});
            }
        }
    }

    // ---- checks

    void checkVersion(const json &document, const Where &root)
    {
        const auto version = document.find("format_version");
        if (version == document.end()) {
            warning(QString(), QStringLiteral("the plan has no \"format_version\"; it is read as a format 1.2 plan"));
            return;
        }
        if (!member(document, "format_version", Kind::String, root, "a string such as \"1.2\""))
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
            warning(QStringLiteral("format_version"), QStringLiteral("format_version \"%1\" is not one Fanout knows (0.1 to 1.2); the plan is read as 1.2, so what a newer format adds may be missed")
                                                          .arg(text));
    }

    // The member `name` of `object` when it is there (null counts as not there) and of the kind
    // wanted; one of another kind is reported and then treated as missing.
    const json *member(const json &object, const char *name, Kind kind, const Where &where, const char *what = nullptr)
    {
        const auto it = object.find(name);
        if (it == object.end() || it->is_null())
            return nullptr;
        return ofKind(*it, name, kind, where, what);
    }

    // `value`, member `name` of the object at `where`, when it is of the kind wanted.
    const json *ofKind(const json &value, const char *name, Kind kind, const Where &where, const char *what)
    {
        const bool ok = kind == Kind::Object ? value.is_object() : kind == Kind::Array ? value.is_array() : value.is_string();
        if (ok)
            return &value;
        const char *expected = what ? what : kind == Kind::Object ? "an object" : kind == Kind::Array ? "a list" : "a string";
        error((where / name).path(), QStringLiteral("must be %1, not %2").arg(QString::fromLatin1(expected), show(value)));
        return nullptr;
    }

    const json *required(const json &object, const char *name, Kind kind, const Where &where, const char *what)
    {
        const auto it = object.find(name);
        if (it == object.end() || it->is_null()) {
            error(where.path(), QStringLiteral("has no \"%1\"; Terraform always writes it as %2").arg(QString::fromLatin1(name), QString::fromLatin1(what)));
            return nullptr;
        }
        return ofKind(*it, name, kind, where, what);
    }

    void error(const QString &path, const QString &message)
    {
        plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, path, 0, 0, message});
    }
    void warning(const QString &path, const QString &message)
    {
        plan.diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, path, 0, 0, message});
    }

    const QString m_documentPath;
    QHash<QString, int> m_byAddress;            // Fanout address -> index in plan.resources
    std::vector<std::size_t> m_changeIndex;     // per resource: its entry in resource_changes, for messages
    QHash<QString, QList<int>> m_byConfig;      // configuration address -> its instances
    QHash<QString, QList<int>> m_underModule;   // module configuration path -> every resource in it, nested ones too
    std::vector<bool> m_deleteOnly;
    std::vector<QStringList> m_modules;         // per resource: enclosingModules of its configuration address
    std::vector<QStringList> m_moduleInstances; // per resource: the same modules, with their keys
    std::vector<std::pair<int, int>> m_edges;   // (resource, what it depends on)
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
