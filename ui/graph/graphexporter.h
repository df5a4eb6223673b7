#pragma once

#include "engine/support/expected.h"

#include <QCoreApplication>
#include <QRectF>
#include <QString>

namespace fanout {

class GraphScene;

// Writes a laid-out graph to a file as it is drawn: as SVG, or as PNG at twice the on-screen size
// for sharp text. Item caching is off while it draws, or cached items would turn into bitmaps in
// an SVG.
class GraphExporter
{
    Q_DECLARE_TR_FUNCTIONS(GraphExporter)

public:
    // `title`: the plan's name, which an SVG carries as its title.
    GraphExporter(GraphScene &scene, const QString &title);

    // The format is chosen by the file name's extension, .png or .svg. On failure returns false
    // and says why in `error`.
    Expected<void> write(const QString &path);

private:
    Expected<void> writeSvg(const QString &path, const QRectF &source);
    Expected<void> writePng(const QString &path, const QRectF &source);

    GraphScene &m_scene;
    QString m_title;
};

} // namespace fanout
