#pragma once
// Content-addressed-by-key store for large payloads (attachments). Bytes are written to a temp file,
// fsync'ed, renamed into place and the directory fsync'ed before put() returns, so a key handed to
// the database always names complete, durable bytes. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gateway::persistence {

struct StoredBlob {
  std::string key;          // opaque, unguessable; safe to store in the database
  std::int64_t size = 0;
  std::string sha256_hex;   // lower-case hex of the bytes' SHA-256
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  virtual Result<StoredBlob> put(std::string_view bytes) = 0;
  virtual Result<std::string> get(const std::string& key) = 0;
  // Removes a blob; used to undo put() when the transaction that would reference it fails.
  virtual Status remove(const std::string& key) = 0;
};

}  // namespace gateway::persistence
