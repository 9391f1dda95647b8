/* A plugin built against version 1 of plugin.h, in plain C: it must load in
 * every later broker. It allows everything on every hook and counts calls
 * (readable through its own exported function, for tests). */
#include <stdatomic.h>

#include "starling/plugin.h"

static atomic_ulong calls;

STARLING_PLUGIN_EXPORT unsigned long fixture_v1_calls(void) { return atomic_load(&calls); }

static starling_decision allow_auth(void* state, const starling_auth_event* event,
                                    starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  atomic_fetch_add(&calls, 1);
  return STARLING_ALLOW;
}

static starling_decision allow_publish(void* state, const starling_publish_event* event,
                                       starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  atomic_fetch_add(&calls, 1);
  return STARLING_ALLOW;
}

static starling_decision allow_subscribe(void* state, const starling_subscribe_event* event,
                                         starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  atomic_fetch_add(&calls, 1);
  return STARLING_ALLOW;
}

static starling_decision pass_publish(void* state, const starling_publish_event* event,
                                      starling_reply* reply) {
  (void)state, (void)event, (void)reply;
  atomic_fetch_add(&calls, 1);
  return STARLING_NEXT;
}

STARLING_PLUGIN_EXPORT int starling_plugin_version(const int* supported, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (supported[i] == 1) return 1;
  }
  return -1;
}

STARLING_PLUGIN_EXPORT int starling_plugin_init(const starling_host* host, starling_plugin* self,
                                                const starling_option* options, size_t option_count,
                                                starling_hooks* hooks, void** state) {
  (void)options, (void)option_count;
  hooks->authenticate = allow_auth;
  hooks->authorize_publish = allow_publish;
  hooks->authorize_subscribe = allow_subscribe;
  hooks->authorize_delivery = allow_publish;
  hooks->on_publish = pass_publish;
  *state = 0;
  host->log(self, STARLING_LOG_INFO, "v1 fixture ready");
  return 0;
}
