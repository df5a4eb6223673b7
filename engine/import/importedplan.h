#pragma once

#include "engine/support/diagnostic.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace fanout {

// One resource as an importer found it in another tool's file (a Terraform plan, a CloudFormation
// template, a Compose file), before PlanImporter turns it into a Fanout resource.
struct ImportedResource
{
    QString address;        // unique within the file; becomes the resource id ("module.vpc.aws_subnet.a[0]")
    QString type;           // the source's own kind: "aws_instance", "AWS::EC2::VPC", "service"
    QString name;           // display name; empty = the address
    QString group;          // the module (or similar) it belongs to; empty = none
    QStringList dependsOn;  // addresses of other resources of the same import, each once
    bool run = true;        // false: shown on the graph but never provisioned (a data source, a no-op)
    QString note;           // why it does not run, or may not ("data source", "no-op", "only if condition IsProd")
    // The facts the file gives that Fanout keeps for the user: actions, mode, index, condition,
    // image... Saved with the plan under the resource's "source".
    nlohmann::ordered_json source = nlohmann::ordered_json::object();
};

struct ImportedGroup
{
    QString name;   // as resources' `group` names it ("module.vpc")
    QString label;  // shown on the graph; empty = the name
};

// What an importer read: resources with their dependencies, and every problem found. Errors mean
// the file could not be imported; warnings (a dependency on something that is not a resource, an
// unknown action) do not stop it.
struct ImportedPlan
{
    QString name; // a plan name the file suggests; empty = PlanImporter uses the file's base name
    QList<ImportedGroup> groups;
    QList<ImportedResource> resources;
    Diagnostics diagnostics;

    bool hasErrors() const { return errorCount(diagnostics) > 0; }
};

} // namespace fanout
