#pragma once
// Undoes file-store writes when the transaction that would reference them does not commit.
// Not thread-safe; one per request. remove() failures are ignored (an orphaned blob is harmless).

#include <string>
#include <vector>

#include "persistence/file_store.h"

namespace gateway::core {

class BlobGuard {
 public:
  explicit BlobGuard(persistence::FileStore& files) : files_(files) {}
  BlobGuard(const BlobGuard&) = delete;
  BlobGuard& operator=(const BlobGuard&) = delete;
  ~BlobGuard() {
    for (const auto& key : keys_) files_.remove(key);
  }
  void add(const std::string& key) { keys_.push_back(key); }
  void keep() { keys_.clear(); }

 private:
  persistence::FileStore& files_;
  std::vector<std::string> keys_;
};

}  // namespace gateway::core
