#pragma once
// What a hook's return value means. A value that means nothing raises
// TypeError, which the caller reports like an exception in the hook.
// REQUIRES (all functions): the GIL.
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>

#include "hook_objects.hpp"

namespace starling::plugins::python {

// A decision hook's answer: None or NEXT, True or ALLOW, False or DENY, or
// deny(code, reason).
Verdict verdict_from(pybind11::handle result);

// True for what a hook returns when it wants to be awaited (a coroutine, a
// Future): a plain function that hands back an awaitable is waited for too.
bool is_awaitable(pybind11::handle result);

// An on_message hook's answer, applied to `message` (`object` is its Python
// side). None or True: go on with the message as it now is; a Message:
// go on with that one; a dict: set those of topic, payload, qos and retain
// it has; False, DROP or deny(code): drop it, returning that verdict.
std::optional<Verdict> apply_message_result(pybind11::handle result,
                                            std::shared_ptr<MessageInfo>& message,
                                            pybind11::object& object);

}  // namespace starling::plugins::python
