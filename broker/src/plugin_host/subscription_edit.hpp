#pragma once
// The starling_subscription handed to on_subscribe and on_unsubscribe: a
// window onto one SUBSCRIBE entry or UNSUBSCRIBE filter, through which
// host->subscription_set_* change it. Valid during the hook call only.
#include <cstddef>
#include <cstdint>
#include <string>

struct starling_subscription {
  std::string* filter;
  std::uint8_t* qos;  // null for an UNSUBSCRIBE filter
};

namespace starling::plugin_host {

int subscription_set_filter(starling_subscription* subscription, const char* filter,
                            std::size_t size);
int subscription_set_qos(starling_subscription* subscription, int qos);

}  // namespace starling::plugin_host
