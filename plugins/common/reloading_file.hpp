#pragma once
// What a plugin loaded from a file, swapped for a fresh load when the file
// changes. Thread-safety: current() from any thread, at any time; load()
// and reload_if_changed() from one thread at a time (the constructor, then
// the plugin's timer).
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "starling/result.hpp"
#include "text_file.hpp"

namespace starling::plugins {

template <typename T>
class ReloadingFile {
 public:
  // Turns the file's text into a T, or an error naming the file and line.
  using Parser = std::function<Result<T>(const std::string& contents, const std::string& path)>;

  ReloadingFile(std::string path, Parser parse)
      : path_(std::move(path)), parse_(std::move(parse)) {}

  // Reads and parses the file. On error the previous value stays.
  Status load() {
    attempted_ = stamp_file(path_);  // before reading: a later edit is seen next time
    auto contents = read_text_file(path_);
    if (!contents) return contents.error();
    auto parsed = parse_(*contents, path_);
    if (!parsed) return parsed.error();
    auto fresh = std::make_shared<const T>(std::move(*parsed));
    std::lock_guard lock(mutex_);
    value_ = std::move(fresh);
    return {};
  }

  // nullopt when the file has not changed (or is gone) since the last load
  // attempt; otherwise what loading it again gave.
  std::optional<Status> reload_if_changed() {
    const auto stamp = stamp_file(path_);
    if (!stamp || stamp == attempted_) return std::nullopt;
    return load();
  }

  // The last value loaded; nullptr before the first successful load().
  std::shared_ptr<const T> current() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const Parser parse_;
  mutable std::mutex mutex_;  // guards value_
  std::shared_ptr<const T> value_;
  std::optional<FileStamp> attempted_;  // the file as the last load() found it
};

}  // namespace starling::plugins
