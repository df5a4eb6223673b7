#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

// How often, and how patiently, a failed attempt is tried again.
struct RetryPolicy
{
    int maxAttempts = 1;            // 1 = no automatic retry
    qint64 initialBackoffMs = 1000; // delay before the 2nd attempt
    qint64 maxBackoffMs = 60'000;   // the delay doubles (multiplier) up to this
    double multiplier = 2.0;
    double jitter = 0.0;            // 0..1: each delay varies by up to this fraction either way

    // The delay before attempt number `nextAttempt` (2, 3, ...) of a series, before jitter.
    qint64 backoffBefore(int nextAttempt) const;
};

// A named set of resources, such as a Terraform module or everything behind one API's rate limit.
struct Group
{
    QString name;
    QString label;  // shown on the graph; the name when empty
    int limit = 0;  // most resources of this group running at once; 0 = no limit of its own
};

// One thing to provision: a VPC, a database, a DNS record...
struct Resource
{
    QString id;
    QString name;       // display name; the id when empty
    QString type;       // the executor: "sim", "command", "http"
    QString group;      // empty = none
    QStringList dependsOn;
    qint64 timeoutMs = 0;                 // per attempt; 0 = none
    RetryPolicy retry;
    std::optional<qint64> estimateMs;     // how long an attempt is expected to take
    nlohmann::ordered_json params = nlohmann::ordered_json::object(); // the executor's own parameters
    // How to tear it down: an action of the same executor type ({"type": ..., its parameters}),
    // which may use ${self.outputs.KEY}. Empty (null) when the resource declares none.
    nlohmann::ordered_json destroy;
    // Where an imported resource came from: {"format", "address", "type", ...} as the importer
    // found them (null for resources written by hand). A resource with a source and no "type" of
    // its own is provisioned as the plan's mapping says; `mappedBy` then names the rule.
    nlohmann::ordered_json source;
    QString mappedBy;
    // false: on the graph, never provisioned (a Terraform data source, a no-op change); it counts
    // as done for what depends on it. `note` says why, for the user.
    bool run = true;
    QString note;

    // Fan-out, as written (docs/plan-format.md, "count, for_each and targets"). A resource with
    // `count` or `forEach`, or `perTarget` in a plan with targets, stands for a set of instances;
    // PlanReader expands it, so that a read plan's `resources` are the instances, each with these
    // fields as written (what the designer edits) and the three below filled in.
    std::optional<int> count;
    nlohmann::ordered_json forEach;   // null, a list of strings, or an object of key -> value
    bool perTarget = false;           // deployed once per target of the plan (a "stack" resource)

    // On an instance (filled by the expansion; empty on a resource that is not one): the id of the
    // resource as written that it is an instance of, its key (a number for `count`, a string for
    // `for_each`, null for neither) and its target (a per_target instance's target name). Its `id`
    // is then its address, InstanceAddress::format(set, key, target): web[0], web["eu-west-1"],
    // net@eu-west-1, web[0]@eu-west-1.
    QString set;
    nlohmann::ordered_json key;
    QString target;

    QString displayName() const { return name.isEmpty() ? id : name; }
    bool isInstance() const { return !set.isEmpty(); }
};

// A place a plan's per_target resources are deployed to, once each: a region, an account.
struct Target
{
    QString name;
    nlohmann::ordered_json vars = nlohmann::ordered_json::object(); // ${target.vars.X}
};

// How a plan's targets proceed, as CloudFormation StackSets deploy to accounts and regions: how
// many targets are under way at once, how many may fail before no new one starts, in which order,
// and in waves (a canary wave runs to completion before the next starts). A target is under way
// from its admission (so that one waiting for a free slot keeps its turn) until every instance of it is final; it has failed when one
// of its instances has failed for good. Shared resources (not per_target) are not counted.
struct Rollout
{
    int maxConcurrent = 0;               // 0: no limit of its own (the plan's parallelism still applies)
    bool maxConcurrentIsPercent = false; // maxConcurrent is a percentage of the targets
    int failureTolerance = -1;           // -1: no limit; 0: no new target starts after one failed
    bool failureToleranceIsPercent = false;
    QStringList order;                   // target names in the order they start; empty: as listed
    QList<QStringList> waves;            // target names per wave, "*" for every target of no earlier wave; empty: one wave

    // Resolved for `targets` targets: at least 1, rounded down for a percentage; 0 = no limit.
    int maxConcurrentFor(int targets) const;
    // Resolved: -1 = no limit; a percentage rounds down.
    int failureToleranceFor(int targets) const;
};

// A value a plan's resources refer to as ${var.NAME}; `fanout run --var NAME=VALUE` overrides it.
struct Variable
{
    QString name;
    QString value;
    bool secret = false; // masked as **** in logs, reports and the GUI
};

// A deployment plan: resources, their dependencies and how much may run at once.
struct Plan
{
    QString name;
    int parallelism = 10;
    bool failFast = false;
    std::optional<quint64> seed;   // base seed for simulated resources without their own
    QList<Group> groups;
    QList<Variable> variables;
    QList<Resource> resources;     // after PlanReader: the instances of sets, in place of each set
    QList<Target> targets;         // "targets"; empty: no per_target resource is deployed
    std::optional<Rollout> rollout; // "rollout"; absent: every target at once, no tolerance
    // The ids as written of the resources that stand for sets (count, for_each, per_target), in
    // the order written, whether or not they have instances (count 0): a state entry web[4] is an
    // instance the plan no longer has only while `web` is still a set (ProvisioningPlan::removals).
    QStringList sets;
    // Resources left out of this run by `fanout run --target` (the other targets' instances, and
    // shared resources that wait for them): neither run, nor destroyed, nor said to be gone.
    QSet<QString> leftOut;
    // What the plan's "defaults" say to one executor's resources, by type, as written there:
    // {"http": {"request_timeout": "2m"}}. Each executor checks and reads its own
    // (ExecutorType::validateDefaults); a resource's own fields win over them.
    nlohmann::ordered_json executorDefaults = nlohmann::ordered_json::object();
    // How imported resources without a type of their own are provisioned (see ExecutorMapping):
    // the plan's "mapping" list as written.
    nlohmann::ordered_json mapping;
    // How the plan runs on Argo Workflows (docs/argo.md): {"image", "service_account", "secret"},
    // as written; null when the plan says nothing.
    nlohmann::ordered_json argo;
    // Where the user pinned nodes on the graph (the "layout" section): node centres in graph units,
    // by resource id. Resources without an entry go where the automatic layout puts them.
    QHash<QString, QPointF> positions;
    // Which way the graph is drawn ("layout.direction"): kTopToBottom, kLeftToRight, or empty for
    // the one that fits the window.
    QString layoutDirection;
    static constexpr char kTopToBottom[] = "top-to-bottom";
    static constexpr char kLeftToRight[] = "left-to-right";

    int indexOf(const QString &resourceId) const;  // -1 when absent
    QList<int> instancesOf(const QString &set) const; // the instances of a set, in plan order
    int targetIndex(const QString &targetName) const; // -1 when absent
    int groupIndex(const QString &groupName) const; // -1 when absent
    int variableIndex(const QString &variableName) const; // -1 when absent
};

} // namespace fanout
