#pragma once

#include "engine/support/diagnostic.h"

#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

// How an imported resource is provisioned: which executor runs it, with what parameters. A plan's
// "mapping" is a list of rules tried in order; the first whose `match` (a glob on the source type,
// such as "aws_db_*" or "AWS::RDS::*") and optional `address` (a glob on the source address) fit
// decides. After the plan's own rules come the built-in ones: `sim` with an estimate per type, so
// that an imported plan can be forecast before anything is mapped.
//
//   {"match": "aws_*", "type": "command",
//    "command": ["terraform", "apply", "-target=${address}", "-auto-approve"]}
//
// A rule's other fields are the executor's parameters (and `estimate`, `timeout`, `retry`); in
// their strings ${address}, ${type}, ${id}, ${name} and ${group} become the resource's own.
class ExecutorMapping
{
public:
    struct Rule
    {
        QString match;          // glob on the source type
        QString address;        // glob on the source address; empty = any
        nlohmann::ordered_json fields = nlohmann::ordered_json::object(); // type, params, estimate...
        bool builtIn = false;
        bool hasPlaceholders = false; // any "${" in its fields: most rules have none, and are copied as they are
        QString path;           // where it is: "mapping[2]", or "built-in" for the shipped table
    };

    // Reads a plan's "mapping" value; problems go to `out` with paths under "mapping".
    static ExecutorMapping fromJson(const nlohmann::ordered_json &rules, Diagnostics &out);
    // The shipped table of estimates (sim) per resource type, tried after a plan's own rules.
    static const ExecutorMapping &builtIn();

    const QList<Rule> &rules() const { return m_rules; }

    // The first rule (of this mapping, then the built-in table) that fits a resource of source
    // type `type` at `address`. Always a rule: the built-in table ends with a catch-all.
    const Rule &ruleFor(const QString &type, const QString &address) const;

    // The first of this mapping's own rules that fits; nullptr when none does.
    const Rule *ownRuleFor(const QString &type, const QString &address) const;

    // The plan entry fields `rule` gives a resource (its "source" says what it was), with the
    // placeholders replaced.
    static nlohmann::ordered_json fieldsFor(const Rule &rule, const QString &id, const nlohmann::ordered_json &source,
                                            const QString &name, const QString &group);

    static ExecutorMapping withRules(QList<Rule> rules);

    // The fields of a new rule for a plan imported from `importFormat` ("terraform-plan",
    // "compose"): what a user of that tool most likely wants, to edit rather than type from nothing.
    static nlohmann::ordered_json newRuleFields(const QString &importFormat);

private:
    QList<Rule> m_rules;
};

} // namespace fanout
