#include "engine/import/cloudformationdeclarations.h"

namespace fanout::cloudformation {

namespace {

void readTransform(const json &document, Declarations &declarations)
{
    const auto it = document.find("Transform");
    if (it == document.end())
        return;
    declarations.anyTransform = true;
    QStringList names;
    if (it->is_string()) {
        names.append(qstring(it->get_ref<const std::string &>()));
    } else if (it->is_array()) {
        for (const json &t : *it) {
            if (t.is_string())
                names.append(qstring(t.get_ref<const std::string &>()));
        }
    }
    for (const QString &name : std::as_const(names)) {
        if (name.startsWith(QLatin1String("AWS::Serverless")))
            declarations.serverless = true;
        if (name == QLatin1String("AWS::LanguageExtensions"))
            declarations.languageExtensions = true;
    }
}

void readParameters(const json &document, Declarations &declarations, Report &report)
{
    const auto it = document.find("Parameters");
    if (it == document.end())
        return;
    if (!it->is_object()) {
        report.error(QStringLiteral("Parameters"), QStringLiteral("expected a mapping of parameter names to their declarations, such as Env: {Type: String}, not %1").arg(describe(*it)));
        return;
    }
    for (auto p = it->begin(); p != it->end(); ++p) {
        const QString name = qstring(p.key());
        declarations.parameters.append(name);
        if (p.value().is_object()) {
            if (const auto d = p.value().find("Default"); d != p.value().end())
                declarations.parameterDefaults.insert(name, &*d);
        }
    }
}

void readConditions(const json &document, Declarations &declarations, Report &report)
{
    const auto it = document.find("Conditions");
    if (it == document.end())
        return;
    if (!it->is_object()) {
        report.error(QStringLiteral("Conditions"), QStringLiteral("expected a mapping of condition names to conditions, such as IsProd: !Equals [!Ref Env, prod], not %1").arg(describe(*it)));
        declarations.conditionsUnknown = true;
        return;
    }
    for (auto c = it->begin(); c != it->end(); ++c) {
        const QString name = qstring(c.key());
        if (isForEach(name))
            declarations.conditionsUnknown = true; // loops make conditions whose names Fanout does not work out
        declarations.conditions.append(name);
    }
}

} // namespace

Declarations Declarations::read(const json &document, Report &report)
{
    Declarations declarations;
    readTransform(document, declarations);
    readParameters(document, declarations, report);
    readConditions(document, declarations, report);
    if (const auto mappings = document.find("Mappings"); mappings != document.end())
        declarations.mappings = &*mappings;
    return declarations;
}

} // namespace fanout::cloudformation
