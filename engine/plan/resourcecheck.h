#pragma once

#include "engine/support/diagnostic.h"

#include <QHash>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

class ExecutorTypes;

// Checks one resource object on its own, as the Inspector's form does while it is edited, with
// the messages `fanout validate` prints (the engine's own PlanReader reads it). The resource is read in a small plan
// made of the document's settings (defaults, variables, mapping, only the group it names when that
// exists) and a bare stand-in for each resource it depends on, so that the cost of a check does
// not grow with the plan; the context is taken once per change of the document. What only the
// whole plan shows (a dependency cycle) is left to the document's own diagnostics.
class ResourceCheck
{
public:
    explicit ResourceCheck(const ExecutorTypes &types);

    // The plan the resource is in (O(plan): call it when the document changes, not per keystroke).
    void setDocument(const nlohmann::ordered_json &document);
    // The index in the document's "resources" of the resource with this id; -1 when absent.
    int indexOf(const QString &id) const { return m_ids.value(id, -1); }

    // The problems of `resource`, with paths relative to it ("timeout", "command[1]", "" for the
    // resource as a whole).
    Diagnostics check(const nlohmann::ordered_json &resource) const;

    // What the checks have cost so far, counted (what the Inspector's test holds to its promise
    // that a keystroke does not read the whole plan).
    struct Work
    {
        int documentsRead = 0; // setDocument() calls: each reads the whole plan once
        int checks = 0;
        int lastPlanSize = 0;  // resources in the small plan the last check read
    };
    Work work() const { return m_work; }

    // The diagnostics of resources[`index`] among a whole plan's, made relative to it.
    static Diagnostics relativeTo(const Diagnostics &diagnostics, int index);

private:
    const ExecutorTypes &m_types;
    nlohmann::ordered_json m_context; // the document without its resources and groups
    nlohmann::ordered_json m_groups;
    QHash<QString, int> m_ids;
    // Of each resource that stands for a set: its count, for_each and per_target, which a stand-in
    // for it needs so that web[2] or net@eu-west-1 is one of its instances.
    QHash<QString, nlohmann::ordered_json> m_setShapes;
    mutable Work m_work;
};

} // namespace fanout
