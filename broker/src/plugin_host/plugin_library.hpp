#pragma once
// One plugin shared library: opened with dlopen, its entry points found and
// its ABI version negotiated. Closed (dlclose) when destroyed.
#include <memory>
#include <string>

#include "starling/plugin.h"
#include "starling/result.hpp"

namespace starling::plugin_host {

class PluginLibrary {
 public:
  // Fails with a message naming the file when it cannot be loaded, lacks
  // starling_plugin_version or starling_plugin_init, or accepts none of the
  // ABI versions this broker offers.
  static Result<std::unique_ptr<PluginLibrary>> open(const std::string& path);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  int abi_version() const { return abi_version_; }
  starling_plugin_init_fn init() const { return init_; }
  starling_plugin_cleanup_fn cleanup() const { return cleanup_; }  // may be null

 private:
  explicit PluginLibrary(void* handle) : handle_(handle) {}

  void* handle_;
  int abi_version_ = 0;
  starling_plugin_init_fn init_ = nullptr;
  starling_plugin_cleanup_fn cleanup_ = nullptr;
};

}  // namespace starling::plugin_host
