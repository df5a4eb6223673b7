#pragma once

#include <QString>

namespace fanout {

// A number with its noun, singular or plural as English has it: "1 resource", "2 resources",
// "0 dependencies" (counted(n, "dependency", "dependencies")). Every count a person reads goes
// through it, never "resource(s)".
QString counted(qint64 count, const char *singular, const char *plural = nullptr);

} // namespace fanout
