#pragma once
// A Mosquitto-style password file: one "username:hash" line per user (hash
// as in password_hash.hpp); blank lines and lines starting with '#' are
// ignored. Parsing is pure (text in, table out); editing keeps every other
// line as it was, for starling-passwd.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "password_hash.hpp"
#include "starling/result.hpp"

namespace starling::plugins::auth_file {

// Users and their hashes. Immutable once parsed: share it between threads.
class PasswordTable {
 public:
  // nullptr when the user is not in the file.
  const PasswordHash* find(std::string_view username) const;
  std::size_t size() const { return users_.size(); }
  // The iteration count most $7$ users have (kDefaultIterations when none):
  // what checking an unknown user costs, so timing does not tell which
  // users exist.
  std::uint32_t typical_iterations() const { return typical_iterations_; }

 private:
  friend Result<PasswordTable> parse_password_file(std::string_view, const std::string&);
  std::map<std::string, PasswordHash, std::less<>> users_;
  std::uint32_t typical_iterations_ = kDefaultIterations;
};

// Parses a whole file. Errors read "<source_name>:<line>: <what is wrong>";
// a user listed twice is an error.
Result<PasswordTable> parse_password_file(std::string_view contents,
                                          const std::string& source_name);

// A user name a password file can hold: not empty, no ':', no control
// characters.
Status check_username(std::string_view username);

// `contents` with the user's line set to "username:hash_text": replaced in
// place when the user exists, appended otherwise.
std::string with_user(std::string_view contents, std::string_view username,
                      std::string_view hash_text);

// `contents` without the user's line; an error when the user is not there.
Result<std::string> without_user(std::string_view contents, std::string_view username);

}  // namespace starling::plugins::auth_file
