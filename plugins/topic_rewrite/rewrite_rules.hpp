#pragma once
// Topic rewrite rules, from options written
//   rule_<N> = "FROM -> TO"
// FROM is a topic filter; each `+` and `#` in it captures what it matched,
// numbered from 1, left to right. TO is the new topic, with {1}, {2}, ...
// replaced by the captures (a `#` capture holds its levels joined by '/';
// when it matched nothing, a "/{n}" ending TO is dropped with its slash).
// Rules are tried in order of N; the first whose FROM matches rewrites the
// topic, once. Immutable once parsed: share it between threads.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starling/result.hpp"

namespace starling::plugins::topic_rewrite {

class RewriteRules {
 public:
  // Rules from a plugin's options; every key must be <prefix><N>. Errors
  // name the key and what is wrong with its value.
  static Result<RewriteRules> parse(const std::vector<std::pair<std::string, std::string>>& options,
                                    std::string_view prefix = "rule_");

  // The rewritten topic, or nullopt when no rule matches.
  std::optional<std::string> rewrite(std::string_view topic) const;

  // Every rule's FROM, in rule order.
  std::vector<std::string> filters() const;

 private:
  // A piece of TO: literal text, or capture `capture` (1-based) when > 0.
  struct Piece {
    std::string text;
    std::size_t capture = 0;
  };
  struct Rule {
    std::string from;
    std::vector<Piece> to;
  };
  static Result<Rule> parse_rule(const std::string& key, std::string_view value);

  std::vector<Rule> rules_;
};

}  // namespace starling::plugins::topic_rewrite
