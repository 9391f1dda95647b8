#include "suite/context.hpp"

namespace starling::conformance {

std::string Context::client_id(std::string_view tag) {
  return "cf" + run_id_ + "-" + std::to_string(counter_++) + "-" + std::string(tag.substr(0, 6));
}

std::string Context::topic(std::string_view tag) {
  return "cf/" + run_id_ + "/" + std::to_string(counter_++) + "/" + std::string(tag);
}

}  // namespace starling::conformance
