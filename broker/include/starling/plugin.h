/* Starling plugin ABI, version 1. Pure C99; a plugin needs nothing else.
 *
 * A plugin is a shared library exporting:
 *   int  starling_plugin_version(const int* supported, size_t count);
 *        Picks one of the ABI versions the broker offers (newest first) and
 *        returns it, or returns -1 to refuse them all.
 *   int  starling_plugin_init(const starling_host* host, starling_plugin* self,
 *                             const starling_option* options, size_t option_count,
 *                             starling_hooks* hooks, void** state);
 *        Reads its options, fills in the hooks it wants and sets *state (any
 *        pointer, handed back on every hook call). Returns 0, or non-zero
 *        when it cannot run: the broker then refuses to start and names it.
 *   void starling_plugin_cleanup(void* state);          (optional)
 *        Called once at shutdown, after the last hook call has returned.
 *
 * Rules for every call:
 * - OWNERSHIP: every pointer the broker passes is borrowed and valid only
 *   during the call; copy what you keep. The host table and `self` live
 *   until cleanup. The broker copies what a plugin passes to it.
 * - THREADING: hooks are called on the broker's worker threads, several at a
 *   time (one per core), so a hook must be thread-safe. A hook must not
 *   block: answer STARLING_PENDING and reply later with host->answer, from
 *   any thread. Host functions marked "any thread" may be called from any
 *   thread, including threads the plugin owns.
 * - No C++ exception, longjmp or abort may leave a hook (plugin.hpp turns C++
 *   exceptions into STARLING_ERROR).
 * - Structs only ever grow at the end, and start with their size: a plugin
 *   built against an older header keeps working with a newer broker.
 */
#ifndef STARLING_PLUGIN_H
#define STARLING_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STARLING_PLUGIN_ABI_VERSION 1

#if defined(__GNUC__)
#define STARLING_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define STARLING_PLUGIN_EXPORT
#endif

/* What a decision hook answers. */
typedef enum starling_decision {
  STARLING_NEXT = 0,    /* no opinion: the next plugin decides */
  STARLING_ALLOW = 1,   /* allowed; later plugins are not asked */
  STARLING_DENY = 2,    /* refused, with reply->reason_code; later plugins are not asked */
  STARLING_PENDING = 3, /* answered later through host->answer(event->ticket, ...) */
  STARLING_ERROR = 4    /* the plugin failed: logged, then the plugin's error fallback applies */
} starling_decision;

typedef enum starling_log_level {
  STARLING_LOG_TRACE = 0,
  STARLING_LOG_DEBUG = 1,
  STARLING_LOG_INFO = 2,
  STARLING_LOG_WARN = 3,
  STARLING_LOG_ERROR = 4
} starling_log_level;

/* A borrowed byte string; not NUL-terminated. */
typedef struct starling_bytes {
  const char* data;
  size_t size;
} starling_bytes;

/* One `[plugins.options]` entry, as text (numbers and booleans converted). */
typedef struct starling_option {
  const char* key;
  const char* value;
} starling_option;

/* The broker's handle on one loaded plugin; pass it back to host functions. */
typedef struct starling_plugin starling_plugin;
/* A message a hook may change, valid during the hook call only. */
typedef struct starling_message starling_message;
/* A SUBSCRIBE or UNSUBSCRIBE filter a hook may change (on_subscribe,
 * on_unsubscribe), valid during the hook call only. */
typedef struct starling_subscription starling_subscription;

/* Filled in by a decision hook besides its decision. */
typedef struct starling_reply {
  uint32_t struct_size;
  uint8_t reason_code;       /* MQTT reason code for STARLING_DENY; 0: the hook's default */
  const char* reason_string; /* optional; copied by the broker */
} starling_reply;

/* The client a hook is about. */
typedef struct starling_client {
  uint32_t struct_size;
  starling_bytes client_id;
  starling_bytes username;   /* size 0 and data NULL when absent */
  int has_username;
  starling_bytes peer;       /* "tcp://127.0.0.1:50312" */
  int protocol_version;      /* 3 (3.1), 4 (3.1.1) or 5 */
  starling_bytes listener;   /* the listener's bind, "127.0.0.1:1883" */
  /* TLS with a verified client certificate (else size 0): its subject,
   * RFC 2253 ("CN=dev1,O=Acme"), and the subject's common name. */
  starling_bytes certificate_subject;
  starling_bytes certificate_common_name;
} starling_client;

/* CONNECT, for authentication. Default deny reason: 0x87 (v5) / 5 (v3). */
typedef struct starling_auth_event {
  uint32_t struct_size;
  uint64_t ticket;            /* for STARLING_PENDING */
  const starling_client* client;
  starling_bytes password;    /* binary; size 0 when absent */
  int has_password;
  int clean_start;
  uint16_t keep_alive;
} starling_auth_event;

/* A PUBLISH from a client (authorize_publish, on_publish) or about to go to
 * one subscriber (authorize_delivery). */
typedef struct starling_publish_event {
  uint32_t struct_size;
  uint64_t ticket;            /* for STARLING_PENDING (authorize_publish only) */
  const starling_client* client; /* the publisher; for authorize_delivery the subscriber */
  starling_bytes topic;
  starling_bytes payload;
  int qos;
  int retain;
  starling_message* message;  /* on_publish only: change it with host->message_set_* */
} starling_publish_event;

/* One filter of a SUBSCRIBE. Default deny reason: 0x87 (v5) / 0x80 (v3). */
typedef struct starling_subscribe_event {
  uint32_t struct_size;
  uint64_t ticket;            /* for STARLING_PENDING */
  const starling_client* client;
  starling_bytes filter;      /* as sent, "$share/group/..." included */
  int qos;                    /* requested; 0 for on_unsubscribe */
  /* Appended after version 1. on_subscribe and on_unsubscribe only (NULL
   * in authorize_subscribe): change the filter or QoS with
   * host->subscription_set_*; `filter` and `qos` then show the change. */
  starling_subscription* subscription;
} starling_subscribe_event;

typedef enum starling_disconnect_kind {
  STARLING_DISCONNECT_NORMAL = 0,   /* the client sent DISCONNECT */
  STARLING_DISCONNECT_LOST = 1,     /* connection lost, keep-alive, protocol error */
  STARLING_DISCONNECT_BY_BROKER = 2 /* takeover, shutdown, a plugin's request */
} starling_disconnect_kind;

typedef struct starling_client_event {
  uint32_t struct_size;
  const starling_client* client;
  int session_present;        /* on_connected: an existing session was resumed */
  int disconnect_kind;        /* on_disconnected: a starling_disconnect_kind */
} starling_client_event;

/* A subscriber acknowledged a message (PUBACK for QoS 1, PUBCOMP for QoS 2). */
typedef struct starling_delivery_event {
  uint32_t struct_size;
  const starling_client* client; /* the subscriber */
  starling_bytes topic;
  size_t payload_size;
  int qos;
} starling_delivery_event;

/* A session ended on its own: its expiry interval passed while offline. */
typedef struct starling_session_event {
  uint32_t struct_size;
  starling_bytes client_id;
} starling_session_event;

/* Why a message was dropped (on_message_dropped). */
typedef enum starling_drop_reason {
  STARLING_DROP_QUEUE_FULL = 0,     /* refused: the subscriber's queue was full */
  STARLING_DROP_EVICTED = 1,        /* queued messages evicted for newer ones (topic empty) */
  STARLING_DROP_SLOW_CONSUMER = 2,  /* QoS 0 skipped: the subscriber does not read its output */
  STARLING_DROP_EXPIRED = 3,        /* its Message Expiry Interval passed before delivery */
  STARLING_DROP_NO_SUBSCRIBERS = 4, /* published where nobody subscribes (client: the publisher) */
  STARLING_DROP_DENIED = 5,         /* refused by a plugin (client: the publisher) */
  STARLING_DROP_TOO_LARGE = 6       /* larger than the subscriber's Maximum Packet Size */
} starling_drop_reason;

typedef struct starling_drop_event {
  uint32_t struct_size;
  int reason;                 /* a starling_drop_reason */
  starling_bytes client_id;   /* the subscriber it was meant for, or the publisher */
  starling_bytes topic;       /* size 0 for STARLING_DROP_EVICTED */
  size_t payload_size;
  int qos;
  uint32_t count;             /* messages this event stands for (1, or an eviction's count) */
} starling_drop_event;

/* The hooks a plugin fills in during init. NULL: not interested. Every hook
 * gets the plugin's state pointer first. Decision hooks run in plugin order;
 * the first answer other than STARLING_NEXT decides. When every plugin says
 * next: authentication falls back to the listener's allow_anonymous rule,
 * authorization allows. */
typedef struct starling_hooks {
  /* Set by the broker to the size it allocated (zero-filled): a plugin built
   * against a newer header must not write fields that end beyond it. */
  uint32_t struct_size;

  /* A client's CONNECT: username/password. May pend. */
  starling_decision (*authenticate)(void* state, const starling_auth_event* event,
                                    starling_reply* reply);
  /* A client may publish this message (before on_publish). May pend. Deny
   * drops the message: v5 PUBACK/PUBREC 0x87, v3.1.1 acknowledged and dropped. */
  starling_decision (*authorize_publish)(void* state, const starling_publish_event* event,
                                         starling_reply* reply);
  /* A client may subscribe to this filter. May pend. */
  starling_decision (*authorize_subscribe)(void* state, const starling_subscribe_event* event,
                                           starling_reply* reply);
  /* A message may go to this subscriber (read access). Must not pend;
   * STARLING_PENDING counts as deny. Deny skips this subscriber silently. */
  starling_decision (*authorize_delivery)(void* state, const starling_publish_event* event,
                                          starling_reply* reply);
  /* Inspect or change an accepted message before it is routed: change topic,
   * payload, QoS or retain through host->message_set_*, or answer
   * STARLING_DENY to drop it (the publisher still gets its acknowledgement,
   * with reply->reason_code in v5). Must not pend. */
  starling_decision (*on_publish)(void* state, const starling_publish_event* event,
                                  starling_reply* reply);
  /* Events; the return value is ignored. */
  void (*on_connected)(void* state, const starling_client_event* event);
  void (*on_disconnected)(void* state, const starling_client_event* event);
  /* A message was dropped, with the reason. Runs on the thread that dropped
   * it; keep it cheap (a counter, a queue to the plugin's own thread). */
  void (*on_message_dropped)(void* state, const starling_drop_event* event);
  /* A subscriber acknowledged a QoS 1 or 2 message: end-to-end delivery. */
  void (*on_delivered)(void* state, const starling_delivery_event* event);
  /* An offline session expired and was removed (its will, if due, is sent). */
  void (*on_session_expired)(void* state, const starling_session_event* event);
  /* Called every timer_interval_ms on one of the broker's threads. */
  void (*on_timer)(void* state);
  uint32_t timer_interval_ms; /* 0: no timer */

  /* Topic filters for authorize_publish, authorize_delivery and on_publish:
   * the hooks are called only for topics that match one of them. count 0:
   * every topic. The strings are copied during init. */
  const char* const* topic_filters;
  size_t topic_filter_count;

  /* The broker was asked to reload (SIGHUP to the executable, or
   * Broker::reload_plugins): re-read files and scripts. Runs on the thread
   * that asked, while hooks keep running on the worker threads. Returns 0,
   * or non-zero when the reload failed: the plugin keeps its current state
   * and logs why. */
  int (*on_reload)(void* state);

  /* The plugin's `[plugins.options]` changed in the config and the broker
   * was asked to apply them (SIGHUP to the executable, or
   * Broker::update_plugin_options). `options` holds every option, as at
   * init (borrowed for the call). Runs on the thread that asked, while hooks
   * keep running on the worker threads: switch over atomically. Returns 0
   * when the plugin now runs with them, or non-zero to refuse them: the
   * plugin keeps its old options and the broker logs it, naming the plugin.
   * NULL: options take a restart. A changed path or plugin list always does. */
  int (*on_options)(void* state, const starling_option* options, size_t count);

  /* One filter of a SUBSCRIBE, after authorize_subscribe allowed it and
   * before it is applied: change the filter and the requested QoS through
   * host->subscription_set_filter / subscription_set_qos on
   * event->subscription, or answer STARLING_DENY to refuse the filter with
   * reply->reason_code as its SUBACK code (v5: a code >= 0x80, else 0x87;
   * v3.1.1: 0x80). The broker then checks the new filter as it checks a
   * client's (validity, limits, shared and wildcard support). The session
   * keeps the subscription under the new filter: rewrite UNSUBSCRIBE the
   * same way (on_unsubscribe). Must not pend (counts as deny). */
  starling_decision (*on_subscribe)(void* state, const starling_subscribe_event* event,
                                    starling_reply* reply);
  /* One filter of an UNSUBSCRIBE, before it is looked up: change the filter
   * with host->subscription_set_filter (qos is 0 and cannot be set), or
   * answer STARLING_DENY to keep the subscription (v5: UNSUBACK
   * reply->reason_code >= 0x80, else 0x87; v3.1.1 has no codes: the
   * UNSUBACK is sent and the subscription stays). Must not pend. */
  starling_decision (*on_unsubscribe)(void* state, const starling_subscribe_event* event,
                                      starling_reply* reply);
} starling_hooks;

/* Functions the broker gives its plugins. A plugin never links against the
 * broker: it calls only these. Check struct_size before using a function
 * added after version 1. */
typedef struct starling_host {
  uint32_t struct_size;
  uint32_t abi_version; /* the version negotiated */

  /* Any thread. */
  void (*log)(starling_plugin* self, starling_log_level level, const char* message);
  /* Any thread. Wall-clock time, milliseconds since the Unix epoch. */
  uint64_t (*now_ms)(starling_plugin* self);
  /* Any thread. Answers a hook that returned STARLING_PENDING. Returns 0, or
   * -1 when the ticket is unknown (already answered, timed out, client gone). */
  int (*answer)(starling_plugin* self, uint64_t ticket, starling_decision decision,
                uint8_t reason_code);
  /* Any thread. Publishes a message as the broker (to every subscriber). The
   * topic must be a valid topic name. Returns 0 or -1. */
  int (*publish)(starling_plugin* self, const char* topic, size_t topic_size,
                 const void* payload, size_t payload_size, int qos, int retain);
  /* Any thread. Disconnects a client if it is connected (v5 reason 0x98
   * Administrative action), with or without publishing its will. Returns 0
   * when a client was found, -1 otherwise. */
  int (*disconnect_client)(starling_plugin* self, const char* client_id, size_t client_id_size,
                           int send_will);
  /* During on_publish only, on its event->message. Return 0 or -1 (invalid). */
  int (*message_set_topic)(starling_message* message, const char* topic, size_t topic_size);
  int (*message_set_payload)(starling_message* message, const void* payload, size_t size);
  int (*message_set_qos)(starling_message* message, int qos);
  int (*message_set_retain)(starling_message* message, int retain);
  /* Any thread. Calls `visit` (on the calling thread, before returning) for
   * every retained message matching `filter`; its pointers are borrowed for
   * that call. Writing a retained message is host->publish with retain = 1
   * (an empty payload clears the topic). Returns the number visited, or -1
   * for an invalid filter. */
  int (*retained_read)(starling_plugin* self, const char* filter, size_t filter_size,
                       void (*visit)(void* arg, starling_bytes topic, starling_bytes payload,
                                     int qos),
                       void* arg);
  /* Any thread. Runs fn(arg) once, after delay_ms, on the plugin host's timer
   * thread (never after the plugin's cleanup). Returns 0, or -1 when the
   * broker is shutting down. */
  int (*schedule)(starling_plugin* self, uint32_t delay_ms, void (*fn)(void* arg), void* arg);

  /* --- appended after version 1: check struct_size before calling --- */

  /* Any thread. Replaces the plugin's topic_filters (see starling_hooks),
   * e.g. from on_options when new options change which topics it handles.
   * The strings are copied; count 0 means every topic. Hook calls already
   * running finish with the old filters. Returns 0, or -1 (nothing changed)
   * when a filter is NULL or not a valid topic filter. */
  int (*set_topic_filters)(starling_plugin* self, const char* const* filters, size_t count);
  /* During on_subscribe / on_unsubscribe only, on that event's
   * subscription. The filter must be a valid topic filter or shared
   * subscription ("$share/group/filter"); the QoS 0, 1 or 2 (the broker
   * grants at most its maximum). Return 0, or -1 (invalid: nothing changes). */
  int (*subscription_set_filter)(starling_subscription* subscription, const char* filter,
                                 size_t filter_size);
  int (*subscription_set_qos)(starling_subscription* subscription, int qos);
} starling_host;

typedef int (*starling_plugin_version_fn)(const int* supported, size_t count);
typedef int (*starling_plugin_init_fn)(const starling_host* host, starling_plugin* self,
                                       const starling_option* options, size_t option_count,
                                       starling_hooks* hooks, void** state);
typedef void (*starling_plugin_cleanup_fn)(void* state);

#ifdef __cplusplus
}
#endif

#endif /* STARLING_PLUGIN_H */
