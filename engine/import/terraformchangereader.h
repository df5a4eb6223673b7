#pragma once

#include "engine/import/importedplan.h"
#include "engine/import/terraforminstancegraph.h"
#include "engine/import/terraformreport.h"
#include "engine/import/terraformvalues.h"
#include "engine/import/terraformwhere.h"

#include <QList>
#include <QStringView>

#include <string>

namespace fanout::terraform {

// Reads the entries of resource_changes: each is a resource of the plan, with what Terraform is
// about to do to it (which decides whether Fanout runs it) and the facts kept as its source.
class ChangeReader
{
public:
    // Both must outlive this.
    ChangeReader(Report &report, InstanceGraph &graph);

    // Entry `entry` of resource_changes, at `where`. Its resource, when it can be read, is
    // appended to `resources` and added to the graph.
    void read(const json &change, std::size_t entry, const Where &where, QList<ImportedResource> &resources);

private:
    // The members of an entry, each null when missing or of the wrong kind (reported).
    struct Fields
    {
        const json *address = nullptr;
        const json *type = nullptr;
        const json *mode = nullptr;
        const json *moduleAddress = nullptr;
        const json *actions = nullptr;
        const json *reason = nullptr;
        const json *previous = nullptr;
        const json *provider = nullptr;
        const json *deposed = nullptr;
        const json *index = nullptr; // any kind; null also when it is JSON null
    };

    struct Actions
    {
        ordered_json list = ordered_json::array();
        std::string only; // the action, when there is exactly one
    };

    Fields fields(const json &change, const Where &where);
    Actions actions(const json &list, const Where &where);
    bool isDataSource(const Fields &fields, QStringView resourcePart, const Where &where);
    static void noteWhyNotRun(bool data, const std::string &only, ImportedResource &r);
    static void keepSource(const Fields &fields, Actions &actions, ImportedResource &r);

    Report &m_report;
    InstanceGraph &m_graph;
};

} // namespace fanout::terraform
