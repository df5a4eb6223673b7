#pragma once

#include "engine/import/terraforminstancegraph.h"
#include "engine/import/terraformreport.h"
#include "engine/import/terraformvalues.h"
#include "engine/import/terraformwhere.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace fanout::terraform {

// Reads a plan's "configuration" for the dependencies Terraform orders by: each resource's
// references and depends_on, followed through module variables (to what the caller passes) and
// module outputs (to what the output refers to), and what a module call's depends_on, count and
// for_each make every resource in the module wait for. Dependencies are collected as targets:
// absolute configuration addresses of resources ("module.vpc.aws_subnet.private"), or of whole
// modules ("module.vpc") where depends_on names one; the graph expands each to its instances.
class ConfigurationReader
{
public:
    // Both must outlive this.
    ConfigurationReader(Report &report, InstanceGraph &graph);

    void read(const json &configuration);

private:
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

    ModuleScope *addScope(const json *module, const QString &jsonPath, ModuleScope *parent, const QString &configPath,
                          const json *call, const QString &callPath);
    void inherit(ModuleScope &scope);
    void readResources(ModuleScope &scope);
    void readResource(ModuleScope &scope, const json &resource, const Where &where);
    void expressions(ModuleScope &scope, const json &value, const Where &where, QStringList &targets);
    void references(ModuleScope &scope, const json &list, const Where &where, QStringList &targets);
    void dependencies(ModuleScope &scope, const json &list, const Where &where, QStringList &targets);
    void resolve(ModuleScope &scope, const QString &reference, bool dependsOn, QStringList &targets);
    QStringList variableTargets(ModuleScope &scope, const QString &name);
    QStringList outputTargets(ModuleScope &scope, const QString &name);
    QStringList allOutputTargets(ModuleScope &scope);

    Report &m_report;
    InstanceGraph &m_graph;
    std::vector<std::unique_ptr<ModuleScope>> m_scopes; // pre-order: callers before the modules they call
};

} // namespace fanout::terraform
