#pragma once
// The local file store's streaming reader (BlobReader's contract, persistence/file_store.h).
//
// A blob larger than one buffer (FileStoreOptions::io_buffer_bytes) is read with O_DIRECT, piece by
// piece, the next piece on an IoLane while the caller sends the current one: the disk copies by
// DMA into a buffer that stays warm, instead of into new page-cache pages that are then copied
// again. A smaller blob is read in one piece through the page cache, where repeated downloads of
// small files find it. Where the filesystem refuses O_DIRECT, reads go through the page cache.

#include <cstdint>

#include "blob_files.h"
#include "common/aligned_buffer.h"
#include "common/io_lane.h"
#include "common/unique_fd.h"
#include "persistence/database.h"

namespace gateway::persistence {

class LocalBlobReader final : public BlobReader {
 public:
  // `size`: the file's size when it was opened (blobs never change).
  LocalBlobReader(UniqueFd fd, std::int64_t size, const FileStoreOptions& options);
  ~LocalBlobReader() override;  // waits for a read in progress

  std::int64_t size() const override { return size_; }
  // Up to `capacity` bytes; 0 at the end. kUnavailable on I/O errors, kResourceExhausted without
  // memory for a buffer.
  Result<std::size_t> read(char* buffer, std::size_t capacity) override;

 private:
  // Makes the next piece current; starts reading the one after it on the lane.
  Status refill();
  // One piece at `offset`: a whole buffer, or up to the end of the file.
  Result<std::size_t> readPiece(char* into, std::int64_t offset);

  UniqueFd fd_;
  const std::int64_t size_;
  const std::size_t capacity_;  // of each buffer
  bool direct_;                 // the file is open with O_DIRECT (lane and caller, never at once)
  AlignedBuffer buffers_[2];
  int current_ = 0;
  std::size_t offset_ = 0;       // next byte to hand out in buffers_[current_]
  std::size_t pending_ = 0;      // bytes left there
  std::int64_t next_piece_ = 0;  // file offset of the piece after the current one
  bool ahead_posted_ = false;    // the lane is reading that piece into the other buffer
  Status ahead_status_;          // its outcome and size; read only after lane_.wait()
  std::size_t ahead_size_ = 0;
  IoLane lane_;  // last: its thread may use every member above until it is stopped
};

}  // namespace gateway::persistence
