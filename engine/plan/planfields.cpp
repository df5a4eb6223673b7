#include "engine/plan/planfields.h"

#include "engine/plan/fieldsection.h"
#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"

namespace fanout {

namespace {

QStringList commonMembers(const QString &parameter)
{
    QStringList names;
    for (const FieldSection &section : FieldSection::commonSections()) {
        for (const QString &name : parameter.isEmpty() ? section.parameterNames() : section.memberNames(parameter)) {
            if (!names.contains(name))
                names.append(name);
        }
    }
    return names;
}

} // namespace

bool PlanFields::isAnnotation(const std::string &name)
{
    return name.size() > 2 && name.compare(0, 2, "x-") == 0;
}

Diagnostic PlanFields::unknownField(const QString &path, const QString &name, const QStringList &known, const QString &what,
                                    Diagnostic::Severity severity)
{
    const QString match = closestMatch(name, known);
    const QString message = match.isEmpty()
        ? QStringLiteral("unknown field \"%1\": %2 has no such field; to keep a note of your own, name it \"x-%1\"").arg(name, what)
        : QStringLiteral("unknown field \"%1\"; did you mean \"%2\"?").arg(name, match);
    return Diagnostic{severity, path, 0, 0, message};
}

void PlanFields::check(const nlohmann::ordered_json &object, const QString &path, const QStringList &known, const QString &what,
                       Diagnostics &out, Diagnostic::Severity severity)
{
    for (const auto &[key, value] : object.items()) {
        if (isAnnotation(key))
            continue;
        if (const QString name = QString::fromStdString(key); !known.contains(name))
            out.append(unknownField(jsonMemberPath(path, name), name, known, what, severity));
    }
}

const QStringList &PlanFields::resourceFields()
{
    static const QStringList names = QStringList{QStringLiteral("id"), QStringLiteral("type"), QStringLiteral("depends_on")}
                                     + commonMembers(QString())
                                     + QStringList{QStringLiteral("destroy"), QStringLiteral("source")};
    return names;
}

const QStringList &PlanFields::retryFields()
{
    static const QStringList names = commonMembers(QStringLiteral("retry"));
    return names;
}

const QStringList &PlanFields::backoffFields()
{
    static const QStringList names = commonMembers(QStringLiteral("retry.backoff"));
    return names;
}

} // namespace fanout
