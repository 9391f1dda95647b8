#pragma once
// Messages an embedder publishes as the broker (Broker::publish): checked as
// strictly as a client's PUBLISH, then built into the routed Message.
#include "core/message.hpp"
#include "starling/application_message.hpp"
#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// The routed message for `message`, or an error that names what is wrong
// (the topic, a property, the QoS), quoting the value.
Result<std::shared_ptr<Message>> make_broker_message(ApplicationMessage message,
                                                     const Options& options, TimePoint now);

}  // namespace starling
