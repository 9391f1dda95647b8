#pragma once
// The rules of a Mosquitto acl_file, and the checks Mosquitto 2 makes with
// them. File syntax (one rule per line, '#' starts a comment line):
//   topic   [read|write|readwrite|deny] TOPIC   (no access word: readwrite)
//   pattern [read|write|readwrite|deny] TOPIC   (%c: client id, %u: user name)
//   user    NAME
// `topic` lines before the first `user` line are for clients without a user
// name; after `user NAME`, for that user. `pattern` lines apply to every
// client wherever they stand (a pattern with %u skips clients without a
// user name). A check looks at the client's own `topic` rules first, then
// at the patterns; within each, `deny` rules come first, and the first rule
// that matches decides. Nothing matching denies.
// Immutable once parsed: share it between threads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "starling/result.hpp"

namespace starling::plugins::acl_file {

enum Access : std::uint8_t {
  kDeny = 0,
  kRead = 1,
  kWrite = 2,
  kReadWrite = kRead | kWrite,
};

struct AclRule {
  std::string topic;  // a topic filter; for patterns, before substitution
  std::uint8_t access = kReadWrite;
  bool has_username_placeholder = false;  // patterns: contains %u
};

// Who is asking.
struct AclClient {
  std::string_view client_id;
  std::optional<std::string_view> username;
};

class AclRules {
 public:
  // May the client publish to `topic` (write access)?
  bool may_publish(const AclClient& client, std::string_view topic) const;
  // May the client receive a message on `topic` (read access)?
  bool may_receive(const AclClient& client, std::string_view topic) const;
  // May the client subscribe to `filter`? Allowed when a read rule covers
  // the whole filter (every topic the filter matches), and no deny rule
  // does; "$share/GROUP/" is removed first. A deny rule covering only part
  // of the filter leaves the subscription allowed: may_receive then stops
  // those messages.
  bool may_subscribe(const AclClient& client, std::string_view filter) const;

  std::size_t rule_count() const;

 private:
  friend Result<AclRules> parse_acl_file(std::string_view, const std::string&);
  enum class Verdict { kAllow, kDeny, kNoMatch };

  // `covers(rule_topic)`: does this rule's topic apply? `needed`: the access
  // bit an allowing rule must have.
  template <typename Covers>
  bool decide(const AclClient& client, std::uint8_t needed, const Covers& covers) const;
  template <typename Covers>
  static Verdict decide_in(const std::vector<AclRule>& rules, std::uint8_t needed,
                           const Covers& covers);

  std::vector<AclRule> anonymous_;  // deny rules first, then in file order
  std::map<std::string, std::vector<AclRule>, std::less<>> users_;
  std::vector<AclRule> patterns_;
};

// Parses a whole file. Errors read "<source_name>:<line>: <what is wrong>".
Result<AclRules> parse_acl_file(std::string_view contents, const std::string& source_name);

// A pattern's topic for one client: every "%c" replaced by the client id and
// every "%u" by the user name (as Mosquitto does, anywhere in the text).
std::string substitute_pattern(std::string_view pattern, const AclClient& client);

}  // namespace starling::plugins::acl_file
