#include "engine/import/terraforminstancegraph.h"

#include "engine/import/terraformaddress.h"

#include <algorithm>

namespace fanout::terraform {

void InstanceGraph::add(const QString &address, const QString &instance, const QString &configAddress, const QStringList &modules,
                        std::size_t entry, bool deleteOnly)
{
    const int i = int(m_changeIndex.size());
    m_byAddress.insert(address, i);
    m_changeIndex.push_back(entry);
    m_byConfig[configAddress].append(i);
    for (const QString &module : modules)
        m_underModule[module].append(i);
    m_moduleInstances.push_back(modules.isEmpty() ? QStringList() : enclosingModuleInstances(instance));
    m_modules.push_back(modules);
    // Terraform destroys in reverse order: a resource that is only deleted waits for whatever used it.
    m_deleteOnly.push_back(deleteOnly);
}

const QList<int> *InstanceGraph::instancesOf(const QString &configAddress) const
{
    const auto it = m_byConfig.constFind(configAddress);
    return it == m_byConfig.cend() ? nullptr : &*it;
}

void InstanceGraph::addEdges(const QList<int> &from, const QString &target)
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
bool InstanceGraph::sameModuleInstances(int f, int t) const
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

void InstanceGraph::addDependencies(QList<ImportedResource> &resources)
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
        resources[from].dependsOn.append(resources[to].address);
    }
}

} // namespace fanout::terraform
