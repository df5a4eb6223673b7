#pragma once

#include "engine/support/diagnostic.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <string>

namespace fanout {

// A plan's fields are checked by name. A field Fanout does not know is an error: a run would go
// ahead without what it says ("timout": "30s" would leave the resource with no timeout at all).
// A field whose name starts with "x-" is the user's own note ("x-owner": "team-db"): accepted
// wherever the plan, its defaults, a resource, a retry policy, a group, a variable or a destroy
// action has fields, kept as written when the GUI saves the plan, and never seen by a run.
class PlanFields
{
public:
    // Whether `name` is a user's note: "x-owner".
    static bool isAnnotation(const std::string &name);

    // `unknown field "timout"; did you mean "timeout"?`, or, when nothing in `known` is close, one that
    // says what has no such field (`what`: "a retry policy") and how to keep a note of one's own.
    static Diagnostic unknownField(const QString &path, const QString &name, const QStringList &known, const QString &what,
                                   Diagnostic::Severity severity = Diagnostic::Severity::Error);

    // Reports every member of `object` (at JSON path `path`) that is neither in `known` nor a note.
    static void check(const nlohmann::ordered_json &object, const QString &path, const QStringList &known, const QString &what,
                      Diagnostics &out, Diagnostic::Severity severity = Diagnostic::Severity::Error);

    // The fields every resource has, whatever its executor: id, type, depends_on, destroy, source and
    // the ones FieldSection::commonSections() describes (name, group, timeout, retry...).
    static const QStringList &resourceFields();
    // A retry policy's fields, and its backoff's, as FieldSection::commonSections() describes them.
    static const QStringList &retryFields();
    static const QStringList &backoffFields();
};

} // namespace fanout
