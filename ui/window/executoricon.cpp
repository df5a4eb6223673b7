#include "ui/window/executoricon.h"

#include "engine/plan/executordescription.h"

#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

namespace fanout {

QIcon executorIcon(const ExecutorDescription &description)
{
    QIcon drawn;
    if (QSvgRenderer renderer(description.iconSvg); !description.iconSvg.isEmpty() && renderer.isValid()) {
        // The sizes menus, tool bars and high-DPI screens ask for.
        for (const int size : {16, 22, 24, 32, 48, 64}) {
            QPixmap pixmap(size, size);
            pixmap.fill(Qt::transparent);
            QPainter painter(&pixmap);
            renderer.render(&painter);
            painter.end();
            drawn.addPixmap(pixmap);
        }
    }
    return description.iconName.isEmpty() ? drawn : QIcon::fromTheme(description.iconName, drawn);
}

} // namespace fanout
