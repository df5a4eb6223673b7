#pragma once

#include <QList>
#include <QString>

namespace fanout {

// One problem found in a plan: how bad it is, where it is (JSON path, and line/column when the
// text is at hand) and what is wrong, phrased so that the user knows what to do about it.
struct Diagnostic
{
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString path;       // JSON path such as "resources[3].depends_on[1]"; empty for the whole file
    int line = 0;       // 1-based; 0 when unknown
    int column = 0;     // 1-based, in characters; 0 when unknown
    QString message;

    bool isError() const { return severity == Severity::Error; }
    // An error at a JSON path, without line and column (placed later, when the text is at hand).
    static Diagnostic error(const QString &path, const QString &message) { return {Severity::Error, path, 0, 0, message}; }

    // "plan.json:12:7: error: resources[3].depends_on[1]: unknown dependency ..."
    QString toString(const QString &file = QString()) const;
};

using Diagnostics = QList<Diagnostic>;

// Where a reader's errors go: `out`, when there is one (validating wants them; reading a spec to
// run it, after validation, does not).
struct ErrorSink
{
    Diagnostics *out = nullptr;
    void operator()(const QString &path, const QString &message) const
    {
        if (out)
            out->append(Diagnostic::error(path, message));
    }
};

int errorCount(const Diagnostics &diagnostics);
int warningCount(const Diagnostics &diagnostics);

} // namespace fanout
