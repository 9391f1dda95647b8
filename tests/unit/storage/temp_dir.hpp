#pragma once
// A fresh directory under /tmp, removed with everything in it on destruction.
#include <filesystem>
#include <string>

namespace starling::storage {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace starling::storage
