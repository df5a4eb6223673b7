#pragma once

#include "engine/import/importedplan.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace fanout::terraform {

// The resource instances of resource_changes, by index in the plan's resources, indexed the ways
// the rest of the plan names them, and the dependencies found between them. Configuration and
// prior_state name resources without instance keys, or name whole modules: addEdges() turns such
// a name into the instances it stands for.
class InstanceGraph
{
public:
    // The next resource of the plan: `address` is its Fanout address (the instance address, or
    // a deposed object's), `instance` its instance address, `entry` its place in resource_changes.
    // A resource that is only deleted is destroyed after what used it.
    void add(const QString &address, const QString &instance, const QString &configAddress, const QStringList &modules,
             std::size_t entry, bool deleteOnly);

    // The resource with this Fanout address, or -1.
    int indexOf(const QString &address) const { return m_byAddress.value(address, -1); }
    // Its entry in resource_changes, for messages.
    std::size_t entryOf(int resource) const { return m_changeIndex[std::size_t(resource)]; }
    // The instances of a configuration address; null when the plan has none.
    const QList<int> *instancesOf(const QString &configAddress) const;

    // Each of `from` depends on whatever `target` stands for: the instances of a configuration
    // address, or every resource in a module.
    void addEdges(const QList<int> &from, const QString &target);

    // Writes the dependencies into `resources` (those of the plan, as added), once each, with
    // those on a resource that is only deleted turned round.
    void addDependencies(QList<ImportedResource> &resources);

private:
    bool sameModuleInstances(int f, int t) const;

    QHash<QString, int> m_byAddress;            // Fanout address -> index in plan.resources
    std::vector<std::size_t> m_changeIndex;     // per resource: its entry in resource_changes, for messages
    QHash<QString, QList<int>> m_byConfig;      // configuration address -> its instances
    QHash<QString, QList<int>> m_underModule;   // module configuration path -> every resource in it, nested ones too
    std::vector<bool> m_deleteOnly;
    std::vector<QStringList> m_modules;         // per resource: enclosingModules of its configuration address
    std::vector<QStringList> m_moduleInstances; // per resource: the same modules, with their keys
    std::vector<std::pair<int, int>> m_edges;   // (resource, what it depends on)
};

} // namespace fanout::terraform
