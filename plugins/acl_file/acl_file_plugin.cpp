// The acl_file plugin: topic access control from a Mosquitto acl_file
// (publish needs write, subscribe and delivery need read). Every check is
// a lookup in memory, answered on the calling broker thread. See README.md.
#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "../common/option_values.hpp"
#include "../common/reloading_file.hpp"
#include "acl_rules.hpp"
#include "starling/plugin.hpp"

namespace starling::plugins::acl_file {
namespace {

using plugin::view;

AclClient client_of(const starling_client& client) {
  AclClient who{view(client.client_id), std::nullopt};
  if (client.has_username) who.username = view(client.username);
  return who;
}

starling_decision verdict(bool allowed) {
  return allowed ? STARLING_ALLOW : STARLING_DENY;
}

bool check_subscribe_or_throw(const plugin::Options& options) {
  const std::string check_subscribe = options.get("check_subscribe", "true");
  if (check_subscribe != "true" && check_subscribe != "false") {
    throw std::runtime_error("acl_file: check_subscribe must be true or false, got \"" +
                             check_subscribe + "\"");
  }
  return check_subscribe == "true";
}

class AclFilePlugin : public plugin::Plugin {
 public:
  AclFilePlugin(plugin::Host& host, const plugin::Options& options)
      : Plugin(host), rules_(options.get("acl_file"), &parse_acl_file) {
    if (rules_.path().empty())
      throw std::runtime_error("acl_file: the option acl_file is required");
    if (Status loaded = rules_.load(); !loaded) {
      throw std::runtime_error("acl_file: " + loaded.error().message);
    }
    auto interval = unsigned_option(options, "reload_interval_ms", 0, UINT32_MAX);
    if (!interval) throw std::runtime_error("acl_file: " + interval.error().message);
    set_timer_interval_ms(static_cast<std::uint32_t>(*interval));
    reload_interval_ms_ = *interval;
    check_subscribe_ = check_subscribe_or_throw(options);
    host.log(STARLING_LOG_INFO,
             "" + std::to_string(rules_.current()->rule_count()) + " rules from " + rules_.path());
  }

  // New options: another acl_file (or the same one, read again) and
  // check_subscribe take effect for the next check; existing subscriptions
  // stay. A broken file or a changed reload_interval_ms (a restart applies
  // it) refuses them all and the rules loaded before stay.
  bool on_options(const plugin::Options& options) override {
    const std::string path = options.get("acl_file");
    if (path.empty()) {
      host().log(STARLING_LOG_ERROR, "new options refused: the option acl_file is required");
      return false;
    }
    auto interval = unsigned_option(options, "reload_interval_ms", 0, UINT32_MAX);
    if (!interval || *interval != reload_interval_ms_) {
      host().log(STARLING_LOG_ERROR, "new options refused: reload_interval_ms takes a restart");
      return false;
    }
    const bool check_subscribe = check_subscribe_or_throw(options);
    if (Status loaded = rules_.load_path(path); !loaded) {
      host().log(STARLING_LOG_ERROR, "new options refused: " + loaded.error().message +
                                         "; keeping the rules loaded before");
      return false;
    }
    check_subscribe_ = check_subscribe;
    host().log(STARLING_LOG_INFO, "now using " + path + ", " +
                                      std::to_string(rules_.current()->rule_count()) + " rules");
    return true;
  }

  starling_decision authorize_publish(const starling_publish_event& event,
                                      starling_reply&) override {
    return verdict(rules_.current()->may_publish(client_of(*event.client), view(event.topic)));
  }

  starling_decision authorize_subscribe(const starling_subscribe_event& event,
                                        starling_reply&) override {
    // Off: every filter may be subscribed, as with Mosquitto's acl_file;
    // authorize_delivery still filters each message.
    if (!check_subscribe_) return STARLING_NEXT;
    return verdict(rules_.current()->may_subscribe(client_of(*event.client), view(event.filter)));
  }

  starling_decision authorize_delivery(const starling_publish_event& event,
                                       starling_reply&) override {
    return verdict(rules_.current()->may_receive(client_of(*event.client), view(event.topic)));
  }

  // Reloads the file when it changed; a broken file keeps the old rules.
  // Existing subscriptions stay, but deliveries follow the new rules.
  void on_timer() override {
    const auto reloaded = rules_.reload_if_changed();
    if (!reloaded) return;
    if (*reloaded) {
      host().log(STARLING_LOG_INFO, "reloaded " + rules_.path() + ", " +
                                        std::to_string(rules_.current()->rule_count()) + " rules");
    } else {
      host().log(STARLING_LOG_WARN,
                 "" + reloaded->error().message + "; keeping the rules loaded before");
    }
  }

 private:
  ReloadingFile<AclRules> rules_;
  std::uint64_t reload_interval_ms_ = 0;
  std::atomic<bool> check_subscribe_{true};  // read by every broker thread
};

}  // namespace
}  // namespace starling::plugins::acl_file

STARLING_PLUGIN(starling::plugins::acl_file::AclFilePlugin)
