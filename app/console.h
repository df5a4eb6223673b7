#pragma once

#include "engine/support/diagnostic.h"

#include <QString>

#include <cstdio>

namespace fanout {

// The terminal the command line writes to: whether it is one, whether to colour, how wide it is.
class Console
{
public:
    enum class Colour { None, Red, Green, Yellow, Blue, Magenta, Cyan, Dim, Bold };

    explicit Console(FILE *stream);

    bool isTerminal() const { return m_terminal; }
    bool colours() const { return m_colours; }
    int width() const; // columns; 80 when unknown

    // `text` in a colour, when colours are on (a terminal, and NO_COLOR unset).
    QString paint(const QString &text, Colour colour) const;

    void write(const QString &text) const;     // as is, flushed
    void writeLine(const QString &text) const; // with a newline
    // "FILE:LINE:COL: error: ...", its "error:" (or "warning:") in red (yellow).
    void writeDiagnostic(const Diagnostic &diagnostic, const QString &file) const;

private:
    FILE *m_stream;
    bool m_terminal;
    bool m_colours;
};

} // namespace fanout
