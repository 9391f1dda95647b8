#pragma once
// What a plugin loaded from a file, swapped for a fresh load when the file
// changes, or for another file's (new options). Thread-safety: current()
// and path() from any thread, at any time; load(), reload_if_changed() and
// load_path() from any thread, one call at a time each (they serialize).
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
      : parse_(std::move(parse)), path_(std::move(path)) {}

  // Reads and parses the file. On error the previous value stays.
  Status load() {
    std::lock_guard loading(load_mutex_);
    return load_locked(path());
  }

  // nullopt when the file has not changed (or is gone) since the last load
  // attempt; otherwise what loading it again gave.
  std::optional<Status> reload_if_changed() {
    std::lock_guard loading(load_mutex_);
    const std::string file = path();
    const auto stamp = stamp_file(file);
    if (!stamp || stamp == attempted_) return std::nullopt;
    return load_locked(file);
  }

  // Loads another file in place of this one: from now on current() is its
  // value and reloads watch it. On error nothing changes (the old file and
  // its value stay).
  Status load_path(const std::string& other) {
    std::lock_guard loading(load_mutex_);
    const auto stamp = stamp_file(other);
    auto value = parse_file(other);
    if (!value) return value.error();
    attempted_ = stamp;
    std::lock_guard lock(mutex_);
    path_ = other;
    value_ = std::move(*value);
    return {};
  }

  // The last value loaded; nullptr before the first successful load().
  std::shared_ptr<const T> current() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  std::string path() const {
    std::lock_guard lock(mutex_);
    return path_;
  }

 private:
  Result<std::shared_ptr<const T>> parse_file(const std::string& file) const {
    auto contents = read_text_file(file);
    if (!contents) return contents.error();
    auto parsed = parse_(*contents, file);
    if (!parsed) return parsed.error();
    return std::make_shared<const T>(std::move(*parsed));
  }

  // REQUIRES: load_mutex_ held.
  Status load_locked(const std::string& file) {
    attempted_ = stamp_file(file);  // before reading: a later edit is seen next time
    auto fresh = parse_file(file);
    if (!fresh) return fresh.error();
    std::lock_guard lock(mutex_);
    value_ = std::move(*fresh);
    return {};
  }

  const Parser parse_;
  std::mutex load_mutex_;     // one load at a time; guards attempted_
  mutable std::mutex mutex_;  // guards path_ and value_
  std::string path_;
  std::shared_ptr<const T> value_;
  std::optional<FileStamp> attempted_;  // the file as the last load found it
};

}  // namespace starling::plugins
