/* Its init fails (a missing option, say): the broker must not start. */
#include "starling/plugin.h"

STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (supported[i] == STARLING_PLUGIN_ABI_VERSION) return STARLING_PLUGIN_ABI_VERSION;
  }
  return -1;
}

STARLING_PLUGIN_EXPORT int starling_plugin_init(const starling_host* host, starling_plugin* self,
                                                const starling_option* options, size_t option_count,
                                                starling_hooks* hooks, void** state) {
  (void)options, (void)option_count, (void)hooks, (void)state;
  host->log(self, STARLING_LOG_ERROR, "the option 'needed' is missing");
  return 7;
}
