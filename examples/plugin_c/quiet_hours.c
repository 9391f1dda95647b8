/* Example plugin in C: refuses publishes under one topic prefix (option
 * "blocked_prefix", default "quiet/") and logs every connect and
 * disconnect. It keeps its settings in a heap block handed back to every
 * hook as `state`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starling/plugin.h>

struct quiet_hours {
  const starling_host* host;
  starling_plugin* self;
  char* prefix;
  size_t prefix_size;
};

static starling_decision check_publish(void* state, const starling_publish_event* event,
                                       starling_reply* reply) {
  const struct quiet_hours* q = state;
  if (event->topic.size >= q->prefix_size &&
      memcmp(event->topic.data, q->prefix, q->prefix_size) == 0) {
    reply->reason_code = 0x87; /* not authorized */
    reply->reason_string = "quiet hours";
    return STARLING_DENY;
  }
  return STARLING_NEXT;
}

static void log_client(const struct quiet_hours* q, const char* what,
                       const starling_client* client) {
  char line[256];
  snprintf(line, sizeof line, "%s: %.*s", what, (int)client->client_id.size,
           client->client_id.data);
  q->host->log(q->self, STARLING_LOG_INFO, line);
}

static void connected(void* state, const starling_client_event* event) {
  log_client(state, "connected", event->client);
}

static void disconnected(void* state, const starling_client_event* event) {
  log_client(state, "disconnected", event->client);
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
  const char* prefix = "quiet/";
  for (size_t i = 0; i < option_count; ++i) {
    if (strcmp(options[i].key, "blocked_prefix") == 0) prefix = options[i].value;
  }
  struct quiet_hours* q = calloc(1, sizeof *q);
  if (q == NULL) return 1;
  q->host = host;
  q->self = self;
  q->prefix = strdup(prefix); /* options are borrowed for the call only */
  if (q->prefix == NULL) {
    free(q);
    return 1;
  }
  q->prefix_size = strlen(q->prefix);
  hooks->authorize_publish = check_publish;
  hooks->on_connected = connected;
  hooks->on_disconnected = disconnected;
  *state = q;
  host->log(self, STARLING_LOG_INFO, "quiet hours example loaded");
  return 0;
}

STARLING_PLUGIN_EXPORT void starling_plugin_cleanup(void* state) {
  struct quiet_hours* q = state;
  free(q->prefix);
  free(q);
}
