#pragma once

#include "engine/import/terraformvalues.h"
#include "engine/import/terraformwhere.h"
#include "engine/support/diagnostic.h"

#include <QString>

namespace fanout::terraform {

// The problems found in a plan, and the checked reading of the members of its objects, which
// finds most of them: a member of the wrong kind is reported where it is and then treated as
// missing, so that one pass finds every problem.
class Report
{
public:
    // Problems go to `diagnostics`, which must outlive this.
    explicit Report(Diagnostics &diagnostics);

    enum class Kind { Object, Array, String };

    // The member `name` of `object` at `where` when it is there (null counts as not there) and of
    // the kind wanted; `what` says what it should be, when "an object" or "a list" would not.
    const json *member(const json &object, const char *name, Kind kind, const Where &where, const char *what = nullptr);
    // The same for a member Terraform always writes: missing, it is reported too.
    const json *required(const json &object, const char *name, Kind kind, const Where &where, const char *what);

    void error(const QString &path, const QString &message);
    void warning(const QString &path, const QString &message);

private:
    const json *ofKind(const json &value, const char *name, Kind kind, const Where &where, const char *what);

    Diagnostics &m_diagnostics;
};

} // namespace fanout::terraform
