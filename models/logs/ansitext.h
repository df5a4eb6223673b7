#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringView>

namespace fanout {

// A log line's text with its terminal escape sequences turned into styled spans. Tools like
// Terraform and kubectl colour their output with SGR sequences (ESC[...m); the log panes show the
// colours and search, copy and save the plain text. Parsing is pure and never fails: a malformed
// or truncated sequence is dropped, never shown as garbage and never read past the end.
struct AnsiText
{
    struct Style
    {
        QColor foreground; // invalid: the view's colour for the line
        QColor background; // invalid: none
        bool bold = false;
        bool italic = false;
        bool underline = false;

        bool operator==(const Style &) const = default;
    };

    // A run of plain text in one style. Spans cover the plain text from start to end, in order.
    struct Span
    {
        int start = 0;
        int length = 0;
        Style style;
    };

    QString plain;
    QList<Span> spans;

    static AnsiText parse(QStringView raw);
    // The text without escape sequences and control characters; `raw` itself (shared, no copy) when
    // it has none, which is the common case.
    static QString strip(const QString &raw);

    // The colour of an xterm 256-colour palette entry (0-15 the 16 basic colours, then the 6x6x6
    // cube, then 24 greys).
    static QColor paletteColor(int index);
};

} // namespace fanout
