/* Asks for an ABI version the broker does not offer. */
#include "starling/plugin.h"

STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  (void)supported, (void)count;
  return 99;
}

STARLING_PLUGIN_EXPORT int starling_plugin_init(const starling_host* host, starling_plugin* self,
                                                const starling_option* options, size_t option_count,
                                                starling_hooks* hooks, void** state) {
  (void)host, (void)self, (void)options, (void)option_count, (void)hooks, (void)state;
  return 0;
}
