#pragma once

#include "engine/run/runevent.h"

#include <QColor>
#include <QIcon>
#include <QString>

class QPainter;
class QRectF;

namespace fanout {

// How a resource state looks, the same in every pane: a colour and a glyph, so that state is never
// shown by colour alone.
struct StateStyle
{
    static QColor fill(ResourceState state);   // node and bar fill
    static QColor stroke(ResourceState state); // outline, text on light backgrounds
    static QString label(ResourceState state); // "Retry wait", for people
    // A small vector glyph (check, cross, play, clock, ...) centred in `rect`, in `color`.
    static void paintGlyph(QPainter *painter, const QRectF &rect, ResourceState state, const QColor &color);
    static QIcon icon(ResourceState state);    // 16 px glyph on the state's colour, cached
};

} // namespace fanout
