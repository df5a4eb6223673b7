#pragma once

#include "engine/support/diagnostic.h"

#include <QSet>
#include <QString>

namespace fanout::cloudformation {

// The problems found in a template, in the order they were found, each once: a loop's fragment is
// read once for every value, and would otherwise report the same problem for each.
class Report
{
public:
    void error(const QString &path, const QString &message);
    void warning(const QString &path, const QString &message);

    const Diagnostics &diagnostics() const { return m_diagnostics; }

private:
    void add(Diagnostic::Severity severity, const QString &path, const QString &message);

    Diagnostics m_diagnostics;
    QSet<QString> m_reported;
};

} // namespace fanout::cloudformation
