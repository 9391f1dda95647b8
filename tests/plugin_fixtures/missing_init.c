/* Negotiates a version but has no starling_plugin_init: refused at load. */
#include "starling/plugin.h"

STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  return count > 0 ? supported[0] : -1;
}
