#include "suite/registry.hpp"

#include <utility>

namespace starling::conformance {

std::string TestCase::chapter() const {
  // Skip "MQTT-", then keep the first two dot-separated numbers.
  const std::string numbers = id.substr(id.find('-') + 1);
  const auto first_dot = numbers.find_first_of(".-");
  const auto second_dot = numbers.find_first_of(".-", first_dot + 1);
  return numbers.substr(0, second_dot);
}

void Registry::add(protocol::Version version, std::string id, std::string description,
                   TestFunction run) {
  cases_.push_back({version, std::move(id), std::move(description), std::move(run), {}});
}

void Registry::add_both(std::string id_v311, std::string id_v5, std::string description,
                        std::function<Outcome(Context&, protocol::Version)> run) {
  add(protocol::Version::kV311, std::move(id_v311), description,
      [run](Context& ctx) { return run(ctx, protocol::Version::kV311); });
  add(protocol::Version::kV5, std::move(id_v5), std::move(description),
      [run](Context& ctx) { return run(ctx, protocol::Version::kV5); });
}

void Registry::not_applicable(protocol::Version version, std::string id, std::string description,
                              std::string reason) {
  cases_.push_back({version, std::move(id), std::move(description), {}, std::move(reason)});
}

}  // namespace starling::conformance
