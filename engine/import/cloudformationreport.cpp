#include "engine/import/cloudformationreport.h"

namespace fanout::cloudformation {

void Report::error(const QString &path, const QString &message)
{
    add(Diagnostic::Severity::Error, path, message);
}

void Report::warning(const QString &path, const QString &message)
{
    add(Diagnostic::Severity::Warning, path, message);
}

void Report::add(Diagnostic::Severity severity, const QString &path, const QString &message)
{
    const QString key = QString::number(int(severity)) + path + QLatin1Char('\n') + message;
    if (m_reported.contains(key))
        return;
    m_reported.insert(key);
    m_diagnostics.append(Diagnostic{severity, path, 0, 0, message});
}

} // namespace fanout::cloudformation
