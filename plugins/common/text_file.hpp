#pragma once
// Reading the small configuration files the bundled plugins load.
#include <cstdint>
#include <optional>
#include <string>

#include "starling/result.hpp"

namespace starling::plugins {

// The whole file, or an error naming the path and the system's reason.
Result<std::string> read_text_file(const std::string& path);

// What changes when a file is rewritten (mtime in nanoseconds, size, inode),
// to notice edits cheaply; nullopt when the file cannot be stat'ed.
struct FileStamp {
  std::int64_t modified_ns = 0;
  std::int64_t size = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};
std::optional<FileStamp> stamp_file(const std::string& path);

}  // namespace starling::plugins
