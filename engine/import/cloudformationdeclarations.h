#pragma once

#include "engine/import/cloudformationreport.h"
#include "engine/import/cloudformationvalues.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace fanout::cloudformation {

// What a template declares around its resources: the names a reference may use besides logical
// ids (parameters, conditions), the values loops may take from them (parameter defaults,
// mappings), and the transforms that change what a template may say. Points into the document,
// which must outlive it.
struct Declarations
{
    QStringList parameters;
    QHash<QString, const json *> parameterDefaults;
    QStringList conditions;
    bool conditionsUnknown = false; // a broken Conditions section, or loops that make conditions
    bool anyTransform = false;
    bool serverless = false;         // AWS::Serverless makes resources of its own
    bool languageExtensions = false; // AWS::LanguageExtensions allows functions where names go
    const json *mappings = nullptr;

    // `document` is a mapping; problems of its sections go to `report`.
    static Declarations read(const json &document, Report &report);
};

} // namespace fanout::cloudformation
