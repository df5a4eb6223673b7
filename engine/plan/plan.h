#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
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

    QString displayName() const { return name.isEmpty() ? id : name; }
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
    QList<Resource> resources;
    // What the plan's "defaults" say to one executor's resources, by type, as written there:
    // {"http": {"request_timeout": "2m"}}. Each executor checks and reads its own
    // (ExecutorType::validateDefaults); a resource's own fields win over them.
    nlohmann::ordered_json executorDefaults = nlohmann::ordered_json::object();
    // How imported resources without a type of their own are provisioned (see ExecutorMapping):
    // the plan's "mapping" list as written.
    nlohmann::ordered_json mapping;
    // Where the user pinned nodes on the graph (the "layout" section): node centres in graph units,
    // by resource id. Resources without an entry go where the automatic layout puts them.
    QHash<QString, QPointF> positions;
    // Which way the graph is drawn ("layout.direction"): kTopToBottom, kLeftToRight, or empty for
    // the one that fits the window.
    QString layoutDirection;
    static constexpr char kTopToBottom[] = "top-to-bottom";
    static constexpr char kLeftToRight[] = "left-to-right";

    int indexOf(const QString &resourceId) const;  // -1 when absent
    int groupIndex(const QString &groupName) const; // -1 when absent
    int variableIndex(const QString &variableName) const; // -1 when absent
};

} // namespace fanout
