#pragma once

#include "engine/plan/fielddescription.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace fanout {

// Fields that belong together, as the Inspector shows them under one heading: a resource's own
// (General, Retry: commonSections()) or one executor's (ExecutorDescription::section).
struct FieldSection
{
    QString title{};                     // "HTTP request"
    QList<FieldDescription> fields{};    // every field, in the order the form shows them
    QString footnote{};                  // under the fields: "Waiting until ready and outputs: in the JSON tab."

    // The field at `path`; asserts that there is one (a description names its own fields).
    const FieldDescription &field(const QString &path) const;
    // The resource members the fields are in, each once, in order: "request", "wait", "outputs".
    QStringList parameterNames() const;
    // The members of `parameter` that fields describe: "method", "url" … of "request".
    QStringList memberNames(const QString &parameter) const;

    // The fields every resource has, whatever its executor: General and Retry.
    static const QList<FieldSection> &commonSections();
};

} // namespace fanout
