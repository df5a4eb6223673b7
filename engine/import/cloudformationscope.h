#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace fanout::cloudformation {

// The identifiers of the Fn::ForEach loops around a piece of a template, with the value each has
// in this copy of the loop's fragment.
using Bindings = QList<std::pair<QString, QString>>;

// What the AWS::LanguageExtensions transform does to every string of a loop's fragment:
// ${Identifier} becomes the value, &{Identifier} the value without its non-alphanumeric characters.
QString substituted(QString text, const Bindings &bindings);

// Where a reference is looked at: the values of the loops that were expanded, and the identifiers
// of those that could not be (whose values are known only when deploying).
struct Scope
{
    Bindings bindings;
    QStringList loopVariables;

    bool bound(const QString &identifier) const;

    // Whether a name is made with the value of a loop Fanout could not expand ("Bucket${Id}").
    bool mentionsUnknown(const QString &name) const;
};

} // namespace fanout::cloudformation
