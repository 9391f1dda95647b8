#include "faulty_file_system.hpp"

#include <utility>

namespace starling::storage {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, const FaultyFileSystem& fs)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    if (fs_.disk_full()) return full();
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    if (fs_.disk_full()) return full();
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_.disk_full()) return full();
    return FSWritableFileOwnerWrapper::Flush(o, dbg);
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_.disk_full()) return full();
    return FSWritableFileOwnerWrapper::Sync(o, dbg);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_.disk_full()) return full();
    return FSWritableFileOwnerWrapper::Fsync(o, dbg);
  }

 private:
  static IOStatus full() { return IOStatus::NoSpace("injected: disk full"); }
  const FaultyFileSystem& fs_;
};

}  // namespace

IOStatus FaultyFileSystem::wrap(IOStatus status, std::unique_ptr<rocksdb::FSWritableFile>* file) {
  if (status.ok()) *file = std::make_unique<FaultyFile>(std::move(*file), *this);
  return status;
}

IOStatus FaultyFileSystem::NewWritableFile(const std::string& name,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* file,
                                           IODebugContext* dbg) {
  return wrap(target()->NewWritableFile(name, options, file, dbg), file);
}

IOStatus FaultyFileSystem::ReopenWritableFile(const std::string& name,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* file,
                                              IODebugContext* dbg) {
  return wrap(target()->ReopenWritableFile(name, options, file, dbg), file);
}

IOStatus FaultyFileSystem::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* file,
                                             IODebugContext* dbg) {
  return wrap(target()->ReuseWritableFile(name, old_name, options, file, dbg), file);
}

std::unique_ptr<rocksdb::Env> make_env(const std::shared_ptr<FaultyFileSystem>& fs) {
  return rocksdb::NewCompositeEnv(fs);
}

}  // namespace starling::storage
