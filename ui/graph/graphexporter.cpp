#include "ui/graph/graphexporter.h"

#include "ui/graph/graphscene.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QScopeGuard>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace fanout {

namespace {

// PNG: twice the on-screen size, unless that makes an image no one can open.
constexpr qreal kExportScale = 2.0;
constexpr qreal kMaxExportSide = 16'000;
constexpr qreal kMaxExportPixels = 120e6;

} // namespace

GraphExporter::GraphExporter(GraphScene &scene, const QString &title)
    : m_scene(scene)
    , m_title(title)
{
}

Expected<void> GraphExporter::write(const QString &path)
{
    if (!m_scene.hasGraph())
        return unexpected(tr("There is no graph to export yet."));
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
        return unexpected(tr("Choose a file name ending in .png or .svg."));

    const QRectF source = m_scene.contentRect();
    m_scene.setItemCaching(false);
    const auto restoreCaching = qScopeGuard([this] { m_scene.setItemCaching(true); });
    return suffix == QLatin1String("svg") ? writeSvg(path, source) : writePng(path, source);
}

Expected<void> GraphExporter::writeSvg(const QString &path, const QRectF &source)
{
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(source.size().toSize());
    svg.setViewBox(QRectF(QPointF(0, 0), source.size()));
    svg.setTitle(m_title);
    svg.setDescription(tr("Dependency graph of %1, drawn by Fanout").arg(m_title));
    QPainter painter;
    if (!painter.begin(&svg))
        return unexpected(tr("Could not write %1.").arg(path));
    m_scene.render(&painter, QRectF(QPointF(0, 0), source.size()), source);
    painter.end();
    if (QFileInfo(path).size() <= 0)
        return unexpected(tr("Could not write %1.").arg(path));
    return {};
}

Expected<void> GraphExporter::writePng(const QString &path, const QRectF &source)
{
    const qreal scale = std::min({kExportScale, kMaxExportSide / std::max(source.width(), source.height()),
                                  std::sqrt(kMaxExportPixels / (source.width() * source.height()))});
    QImage image(QSize(int(std::ceil(source.width() * scale)), int(std::ceil(source.height() * scale))),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return unexpected(tr("The graph is too large to export as an image; export it as SVG instead."));
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    m_scene.render(&painter, QRectF(image.rect()), source);
    painter.end();
    if (!image.save(path, "PNG"))
        return unexpected(tr("Could not write %1.").arg(path));
    return {};
}

} // namespace fanout
