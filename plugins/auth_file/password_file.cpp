#include "password_file.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace starling::plugins::auth_file {
namespace {

// Lines without their terminators ("\n" or "\r\n"); a final line without
// one counts.
std::vector<std::string_view> split_lines(std::string_view contents) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < contents.size()) {
    std::size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool is_comment_or_blank(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

// The user a line is about, or empty for comments and lines without ':'.
std::string_view user_of(std::string_view line) {
  if (is_comment_or_blank(line)) return {};
  const std::size_t colon = line.find(':');
  return colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace

const PasswordHash* PasswordTable::find(std::string_view username) const {
  const auto found = users_.find(username);
  return found == users_.end() ? nullptr : &found->second;
}

Result<PasswordTable> parse_password_file(std::string_view contents,
                                          const std::string& source_name) {
  PasswordTable table;
  const auto lines = split_lines(contents);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const std::string where = source_name + ":" + std::to_string(i + 1) + ": ";
    if (is_comment_or_blank(line)) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Error{0, where + "expected username:hash"};
    }
    const std::string_view username = line.substr(0, colon);
    if (Status valid = check_username(username); !valid) {
      return Error{0, where + valid.error().message};
    }
    auto hash = parse_password_hash(line.substr(colon + 1));
    if (!hash) {
      return Error{0, where + "user '" + std::string(username) + "': " + hash.error().message};
    }
    if (!table.users_.emplace(std::string(username), std::move(*hash)).second) {
      return Error{0, where + "user '" + std::string(username) + "' is listed twice"};
    }
  }
  std::map<std::uint32_t, std::size_t> users_per_count;
  for (const auto& [username, hash] : table.users_) {
    if (hash.kind == HashKind::kPbkdf2Sha512) ++users_per_count[hash.iterations];
  }
  std::size_t most = 0;
  for (const auto& [iterations, users] : users_per_count) {
    if (users > most) {
      most = users;
      table.typical_iterations_ = iterations;
    }
  }
  return table;
}

Status check_username(std::string_view username) {
  if (username.empty()) return Error{0, "the user name is empty"};
  if (username.find(':') != std::string_view::npos) {
    return Error{0, "the user name '" + std::string(username) + "' contains ':'"};
  }
  const bool has_control = std::any_of(username.begin(), username.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (has_control) return Error{0, "the user name contains a control character"};
  return {};
}

std::string with_user(std::string_view contents, std::string_view username,
                      std::string_view hash_text) {
  const std::string entry = std::string(username) + ":" + std::string(hash_text);
  std::vector<std::string> lines;
  bool replaced = false;
  for (std::string_view line : split_lines(contents)) {
    if (!replaced && user_of(line) == username) {
      lines.push_back(entry);
      replaced = true;
    } else if (user_of(line) != username) {
      lines.emplace_back(line);  // a duplicate of the user's line is dropped
    }
  }
  if (!replaced) lines.push_back(entry);
  return join_lines(lines);
}

Result<std::string> without_user(std::string_view contents, std::string_view username) {
  std::vector<std::string> lines;
  bool found = false;
  for (std::string_view line : split_lines(contents)) {
    if (user_of(line) == username) {
      found = true;
    } else {
      lines.emplace_back(line);
    }
  }
  if (!found) return Error{0, "user '" + std::string(username) + "' is not in the file"};
  return join_lines(lines);
}

}  // namespace starling::plugins::auth_file
