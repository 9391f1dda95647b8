/* The plugin behind bench/plugin-overhead.sh: it answers "allow" (or
 * "next" where allow means nothing) on every message hook, so every
 * PUBLISH, delivery and SUBSCRIBE goes through the plugin host. */
#include "starling/plugin.h"

static starling_decision allow_publish(void* state, const starling_publish_event* event,
                                       starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  return STARLING_ALLOW;
}

static starling_decision allow_subscribe(void* state, const starling_subscribe_event* event,
                                         starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  return STARLING_ALLOW;
}

static starling_decision allow_connect(void* state, const starling_auth_event* event,
                                       starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  return STARLING_ALLOW;
}

static starling_decision pass_publish(void* state, const starling_publish_event* event,
                                      starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  return STARLING_NEXT;
}

STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (supported[i] == STARLING_PLUGIN_ABI_VERSION) return STARLING_PLUGIN_ABI_VERSION;
  }
  return -1;
}

STARLING_PLUGIN_EXPORT int starling_plugin_init(const starling_host* host, starling_plugin* self,
                                                const starling_option* options, size_t option_count,
                                                starling_hooks* hooks, void** state) {
  (void)host, (void)self, (void)options, (void)option_count;
  hooks->authenticate = allow_connect;
  hooks->authorize_publish = allow_publish;
  hooks->authorize_subscribe = allow_subscribe;
  hooks->authorize_delivery = allow_publish;
  hooks->on_publish = pass_publish;
  *state = 0;
  return 0;
}
