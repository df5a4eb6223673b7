#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

// The addresses of the instances of a set (a resource with count, for_each or per_target), as
// Terraform writes them, and Fanout's @target for a stack resource's instance on one target:
//   web[0]   web["eu-west-1"]   net@eu-west-1   web[0]@eu-west-1
// and, in references and depends_on only, every instance at once: web[*].
struct InstanceAddress
{
    QString set;                // the resource's id as written
    nlohmann::ordered_json key; // a number (count), a string (for_each), or null
    QString target;             // empty when not per_target
    bool all = false;           // [*]

    // The address of an instance: `set` alone when it has neither key nor target.
    static QString format(const QString &set, const nlohmann::ordered_json &key, const QString &target);
    QString format() const { return all ? set + QStringLiteral("[*]") : format(set, key, target); }

    // Reads an address; nullopt when it is not one (an unterminated "[", a key that is neither a
    // whole number nor a quoted string). A plain id ("vpc", "db.primary") reads as itself with no
    // key and no target. Only the form is read: whether "a@b" or "a[1]" names an instance is for
    // the plan to say (an id as written may hold '@' or '[').
    static std::optional<InstanceAddress> parse(const QString &address);
    // An id written as an instance's address, as Terraform writes them and an imported plan has
    // them: "aws_subnet.a[0]", "module.m[\"x\"].aws_s3_bucket.b[\"logs\"]". The set and key come
    // from its last [...], so a module's key stays in the set's name; nullopt for any other id, and
    // for one that format() would not write back exactly.
    static std::optional<InstanceAddress> parseWritten(const QString &id);
};

} // namespace fanout
