#pragma once

#include "engine/run/runevent.h"

#include <QColor>
#include <QString>

namespace fanout {

// How log lines look, the same in every log pane: the colour of a level and of a resource's id.
struct LogStyle
{
    // Text colour of a line of this level on a light background: debug grey, warning amber,
    // error red; info has none of its own (invalid), so it keeps the palette's text colour.
    static QColor levelColor(LogLevel level);
    // A faint background for lines worth finding while scrolling (warnings, errors); invalid for none.
    static QColor levelBackground(LogLevel level);
    static QColor timestampColor();
    // A colour for a resource's id that stays the same from run to run and from machine to machine,
    // so that people learn it; neighbouring ids get clearly different colours most of the time.
    static QColor resourceColor(const QString &resourceId);
};

} // namespace fanout
