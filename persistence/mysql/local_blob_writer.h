#pragma once
// The local file store's streaming writer (BlobWriter's contract, persistence/file_store.h).
//
// Bytes gather in an aligned buffer of FileStoreOptions::io_buffer_bytes. Each full buffer goes to
// an IoLane that hashes it (SHA-256) and writes it with O_DIRECT, while the caller fills the other
// buffer: the connection's thread decrypts, the lane hashes, the disk copies by DMA. (Through the
// page cache, copying each new page cost this machine more CPU than the hashing: docs/performance.md
// "Broker files".) A blob smaller than one buffer never starts the lane; commit() hashes and writes
// it through the page cache. Where the filesystem refuses O_DIRECT, writes fall back to the page
// cache with early writeback, and nothing else changes.
//
// A slow upload touches its temp file at least every minute, so the temp-file sweep
// (gateway/storage/temp_sweep.h) never takes a live one.

#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "blob_files.h"
#include "common/aligned_buffer.h"
#include "common/io_lane.h"
#include "common/unique_fd.h"
#include "persistence/database.h"

namespace gateway::persistence {

class LocalBlobWriter final : public BlobWriter {
 public:
  // A new temp file in the folder of a new key under `root`. kUnavailable on I/O errors,
  // kInternal without randomness or a hash context.
  static Result<std::unique_ptr<BlobWriter>> create(const std::string& root, const FileStoreOptions& options);
  ~LocalBlobWriter() override;  // waits for the lane; removes the temp file unless committed

  Status write(const char* data, std::size_t size) override;
  std::int64_t size() const override { return size_; }
  Result<StoredBlob> commit() override;

 private:
  struct FreeDigest {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };

  LocalBlobWriter(std::string root, std::string key, KeyFolders folders, std::string temp, UniqueFd fd,
                  std::unique_ptr<EVP_MD_CTX, FreeDigest> sha, const FileStoreOptions& options);

  // The full current buffer to the lane; the caller goes on with the other one.
  Status handOver();
  // Hashes and writes `size` bytes; `last`: the blob's tail, which need not be a whole number of
  // aligned blocks. Runs on the lane, or on the caller's thread while the lane is idle.
  Status hashAndWrite(const char* data, std::size_t size, bool last);
  // write(2) until done; an O_DIRECT write the filesystem refuses (EINVAL) is redone through the
  // page cache, and so is everything after it.
  Status writeAll(const char* data, std::size_t size);
  void startWriteback();
  void keepFresh();
  Status fail(Status status);

  const std::string root_, key_;
  const KeyFolders folders_;
  const std::string temp_;
  UniqueFd fd_;
  std::unique_ptr<EVP_MD_CTX, FreeDigest> sha_;
  const std::size_t capacity_;
  AlignedBuffer buffers_[2];
  int current_ = 0;
  std::size_t used_ = 0;           // bytes in buffers_[current_]
  std::int64_t size_ = 0;          // bytes accepted by write()
  bool direct_;                    // O_DIRECT wanted, then: the file is open with it (lane and caller, never at once)
  bool handed_over_ = false;       // a full buffer went to the lane: the blob is a large one
  Status lane_status_;             // the last lane job's outcome; read only after lane_.wait()
  std::int64_t on_disk_ = 0;       // bytes handed to write(2)
  std::int64_t written_back_ = 0;  // of which disk writes were started (sync_file_range)
  std::chrono::steady_clock::time_point last_touch_ = std::chrono::steady_clock::now();
  bool done_ = false;
  bool failed_ = false;
  IoLane lane_;  // last: its thread may use every member above until it is stopped
};

}  // namespace gateway::persistence
