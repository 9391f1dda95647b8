#include "plugin_host/subscription_edit.hpp"

#include <string_view>

#include "routing/topic.hpp"

namespace starling::plugin_host {

int subscription_set_filter(starling_subscription* subscription, const char* filter,
                            std::size_t size) {
  if (subscription == nullptr || (filter == nullptr && size != 0)) return -1;
  const std::string_view text(filter == nullptr ? "" : filter, size);
  routing::SharedSubscription shared;
  const routing::SharedParse kind = routing::parse_shared_subscription(text, &shared);
  const bool valid =
      kind == routing::SharedParse::kShared ||
      (kind == routing::SharedParse::kNotShared && routing::is_valid_topic_filter(text));
  if (!valid) return -1;
  subscription->filter->assign(text);
  return 0;
}

int subscription_set_qos(starling_subscription* subscription, int qos) {
  if (subscription == nullptr || subscription->qos == nullptr || qos < 0 || qos > 2) return -1;
  *subscription->qos = static_cast<std::uint8_t>(qos);
  return 0;
}

}  // namespace starling::plugin_host
