#include "engine/import/terraformreport.h"

namespace fanout::terraform {

Report::Report(Diagnostics &diagnostics)
    : m_diagnostics(diagnostics)
{
}

const json *Report::member(const json &object, const char *name, Kind kind, const Where &where, const char *what)
{
    const auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return nullptr;
    return ofKind(*it, name, kind, where, what);
}

const json *Report::required(const json &object, const char *name, Kind kind, const Where &where, const char *what)
{
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        error(where.path(), QStringLiteral("has no \"%1\"; Terraform always writes it as %2").arg(QString::fromLatin1(name), QString::fromLatin1(what)));
        return nullptr;
    }
    return ofKind(*it, name, kind, where, what);
}

void Report::error(const QString &path, const QString &message)
{
    m_diagnostics.append(Diagnostic::error(path, message));
}

void Report::warning(const QString &path, const QString &message)
{
    m_diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, path, 0, 0, message});
}

// `value`, member `name` of the object at `where`, when it is of the kind wanted.
const json *Report::ofKind(const json &value, const char *name, Kind kind, const Where &where, const char *what)
{
    const bool ok = kind == Kind::Object ? value.is_object() : kind == Kind::Array ? value.is_array() : value.is_string();
    if (ok)
        return &value;
    const char *expected = what ? what : kind == Kind::Object ? "an object" : kind == Kind::Array ? "a list" : "a string";
    error((where / name).path(), QStringLiteral("must be %1, not %2").arg(QString::fromLatin1(expected), show(value)));
    return nullptr;
}

} // namespace fanout::terraform
