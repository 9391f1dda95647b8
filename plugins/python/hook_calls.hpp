#pragma once
// The C hook functions the plugin gives the broker; `state` is the
// PythonPlugin. Each copies its event, finds the Python hooks that apply
// without the GIL (so a topic no hook filters for never touches Python),
// then either calls them on the broker's thread holding the GIL for the
// call, or, for an `async def` hook, hands the call to the plugin's Python
// thread and answers STARLING_PENDING; the answer follows via host->answer.
// An exception in a hook is logged with its traceback and answers
// STARLING_ERROR. Nothing is thrown out of these functions.
#include "starling/plugin.h"

namespace starling::plugins::python {

starling_decision authenticate(void* state, const starling_auth_event* event,
                               starling_reply* reply);
starling_decision authorize_publish(void* state, const starling_publish_event* event,
                                    starling_reply* reply);
starling_decision authorize_subscribe(void* state, const starling_subscribe_event* event,
                                      starling_reply* reply);
starling_decision authorize_delivery(void* state, const starling_publish_event* event,
                                     starling_reply* reply);
starling_decision on_publish(void* state, const starling_publish_event* event,
                             starling_reply* reply);
void on_connected(void* state, const starling_client_event* event);
void on_disconnected(void* state, const starling_client_event* event);
void on_message_dropped(void* state, const starling_drop_event* event);
void on_timer(void* state);

}  // namespace starling::plugins::python
