#pragma once
// Content-addressed-by-key store for large payloads (attachments). Bytes are written to a temp file,
// fsync'ed, renamed into place and the directory fsync'ed before put() returns, so a key handed to
// the database always names complete, durable bytes. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gateway::persistence {

struct StoredBlob {
  std::string key;          // opaque, unguessable; safe to store in the database
  std::int64_t size = 0;
  std::string sha256_hex;   // lower-case hex of the bytes' SHA-256
};

// A blob being written piece by piece (streamed uploads). Bytes go to a temp file beside the final
// place; the SHA-256 is computed on the way. commit() makes it durable and visible under its key;
// destroying a writer that was not committed removes the temp file, so an abandoned upload leaves
// nothing behind. Not thread-safe: one writer is used by one thread.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // kUnavailable on an I/O error (the writer is then unusable).
  virtual Status write(const char* data, std::size_t size) = 0;
  virtual std::int64_t size() const = 0;  // bytes written so far
  // fsync, rename into place, fsync the folder. Call at most once; afterwards the blob is the
  // caller's to remove() if the transaction that would reference it fails.
  virtual Result<StoredBlob> commit() = 0;
};

// A stored blob opened for reading in pieces (streamed downloads). Not thread-safe.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual std::int64_t size() const = 0;  // as stored when opened
  // Up to `capacity` bytes; 0 at the end. kUnavailable on an I/O error.
  virtual Result<std::size_t> read(char* buffer, std::size_t capacity) = 0;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  virtual Result<StoredBlob> put(std::string_view bytes) = 0;
  virtual Result<std::string> get(const std::string& key) = 0;
  // Streaming counterparts of put() and get(); open() answers kNotFound for an unknown key.
  virtual Result<std::unique_ptr<BlobWriter>> create() = 0;
  virtual Result<std::unique_ptr<BlobReader>> open(const std::string& key) = 0;
  // Removes a blob; used to undo put() when the transaction that would reference it fails.
  virtual Status remove(const std::string& key) = 0;
};

}  // namespace gateway::persistence
