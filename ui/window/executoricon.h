#pragma once

#include <QIcon>

namespace fanout {

struct ExecutorDescription;

// An executor's icon, as its description gives it: the icon theme's icon of that name where the
// theme has one (so that it fits the desktop), else the description's own SVG, drawn.
QIcon executorIcon(const ExecutorDescription &description);

} // namespace fanout
