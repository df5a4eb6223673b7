#include "planimporter.h"

namespace fanout {

} // namespace fanout
