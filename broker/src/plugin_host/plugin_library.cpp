#include "plugin_host/plugin_library.hpp"

#include <dlfcn.h>

#include <array>

namespace starling::plugin_host {

namespace {
// Newest first; a plugin picks one.
constexpr std::array<int, 1> kOfferedVersions = {STARLING_PLUGIN_ABI_VERSION};

std::string last_dl_error() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown error";
}
}  // namespace

Result<std::unique_ptr<PluginLibrary>> PluginLibrary::open(const std::string& path) {
  // RTLD_LOCAL keeps each plugin's symbols to itself; RTLD_NOW reports a
  // missing dependency here rather than at the first hook call.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Error{1, "cannot load: " + last_dl_error()};
  std::unique_ptr<PluginLibrary> library(new PluginLibrary(handle));

  auto version = reinterpret_cast<starling_plugin_version_fn>(dlsym(handle, "starling_plugin_version"));
  if (version == nullptr) return Error{1, "not a Starling plugin: no starling_plugin_version symbol"};
  library->init_ = reinterpret_cast<starling_plugin_init_fn>(dlsym(handle, "starling_plugin_init"));
  if (library->init_ == nullptr) return Error{1, "no starling_plugin_init symbol"};
  library->cleanup_ =
      reinterpret_cast<starling_plugin_cleanup_fn>(dlsym(handle, "starling_plugin_cleanup"));

  int chosen = version(kOfferedVersions.data(), kOfferedVersions.size());
  bool offered = false;
  for (int v : kOfferedVersions) offered = offered || v == chosen;
  if (!offered) {
    return Error{1, "ABI version mismatch: the broker offers version " +
                        std::to_string(kOfferedVersions.front()) + ", the plugin answered " +
                        std::to_string(chosen)};
  }
  library->abi_version_ = chosen;
  return library;
}

PluginLibrary::~PluginLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

}  // namespace starling::plugin_host
