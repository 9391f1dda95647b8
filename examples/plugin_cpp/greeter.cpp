// Example plugin in C++: greets every client that connects by publishing
// to greetings/<client id> (option "greeting", default "hello"), and
// counts publishes per minute, logged from the timer hook.
#include <starling/plugin.hpp>

#include <atomic>
#include <string>

namespace {

class Greeter final : public starling::plugin::Plugin {
 public:
  Greeter(starling::plugin::Host& host, const starling::plugin::Options& options)
      : Plugin(host), greeting_(options.get("greeting", "hello")) {
    set_timer_interval_ms(60'000);
  }

  void on_connected(const starling_client_event& event) override {
    std::string client(starling::plugin::view(event.client->client_id));
    host().publish("greetings/" + client, greeting_ + ", " + client, 1);
  }

  starling_decision on_publish(const starling_publish_event&, starling_reply&) override {
    publishes_.fetch_add(1, std::memory_order_relaxed);
    return STARLING_NEXT;
  }

  void on_timer() override {
    host().log(STARLING_LOG_INFO,
               std::to_string(publishes_.exchange(0)) + " publishes in the last minute");
  }

 private:
  std::string greeting_;
  std::atomic<std::uint64_t> publishes_{0};
};

}  // namespace

STARLING_PLUGIN(Greeter)
