#pragma once

#include "engine/support/expected.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

namespace fanout {

struct Plan;

// One ${...} in a string of a resource's parameters.
struct Reference
{
    enum class Kind { Output, Variable, Environment, SelfOutput };

    Kind kind = Kind::Variable;
    QString resource; // Output: the resource id (ids may contain dots)
    QString name;     // Output/SelfOutput: the output key; Variable/Environment: the name
    QString text;     // as written, "${var.api}"
};

// References between a plan's resources and to the world: ${resources.ID.outputs.KEY} (another
// resource's output, which implies a dependency on it), ${var.NAME} (a plan variable),
// ${env:NAME} (Fanout's environment) and ${self.outputs.KEY} (the resource's own output, in
// `wait` and `destroy`). "$${" writes a literal "${".
class References
{
public:
    // Calls `visit` for every reference in the strings of `value` (recursively), with the JSON path
    // of the string, or with a problem (unterminated, unknown form) instead of a reference.
    using Visitor = std::function<void(const QString &path, const Reference *reference, const QString &problem)>;
    static void find(const nlohmann::ordered_json &value, const QString &path, const Visitor &visit);

    // What a reference stands for, or why it cannot be resolved. Returning the reference's own text
    // leaves it in place (as for ${self.outputs.KEY} before it is known).
    using Lookup = std::function<Expected<QString>(const Reference &reference)>;
    // `value` with every reference substituted; every problem is appended to `errors`.
    static nlohmann::ordered_json substitute(const nlohmann::ordered_json &value, const Lookup &lookup, QStringList *errors);
    static QString substitute(const QString &text, const Lookup &lookup, QStringList *errors);

    // Writes in the references `bound` has a value for, and leaves the others as written: the
    // result is still a plan fragment (a literal "${", in the text or in a value, is written
    // "$${"), to be substituted later. What a state file records of a destroy action. A value
    // with a problem (an unterminated "${") is returned as it was.
    using Binding = std::function<std::optional<QString>(const Reference &reference)>;
    static nlohmann::ordered_json bind(const nlohmann::ordered_json &value, const Binding &bound);

    // Adds to each resource's depends_on the resources whose outputs its parameters use and that
    // it does not list already (unknown ids are left for validation to report).
    static void addImpliedDependencies(Plan &plan);

    // The resources ${resources.X.outputs.K} reads: X itself, or for X = "web[*]" (or
    // "web[*]@eu-west-1") every instance of the set web (of that target), in plan order.
    static QList<int> referred(const Plan &plan, const QString &resource);

    // Replaces every occurrence of each secret in `text` with "****".
    static QString mask(QString text, const QStringList &secrets);
};

} // namespace fanout
