#pragma once
// Request targets of the HTTP listener: the path and the query, percent-
// decoded (RFC 3986; '+' in a query is a space, as HTML forms send it).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::admin {

struct Target {
  std::vector<std::string> segments;  // "/api/v1/clients/a%2Fb" -> {"api", "v1", "clients", "a/b"}
  std::vector<std::pair<std::string, std::string>> query;  // in order, repeats kept
  // The first value of `name`, or null.
  const std::string* find(std::string_view name) const;
};

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Nullopt for
// a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Splits and decodes an origin-form target ("/path?query"). Nullopt when it
// does not start with '/' or holds a bad escape. Empty segments are dropped
// ("/metrics/" is {"metrics"}), so a client id cannot be empty.
std::optional<Target> parse_target(std::string_view target);

}  // namespace starling::admin
