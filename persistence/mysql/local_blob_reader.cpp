#include "local_blob_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace gateway::persistence {
namespace {

std::size_t roundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

LocalBlobReader::LocalBlobReader(UniqueFd fd, std::int64_t size, const FileStoreOptions& options)
    : fd_(fd.release()), size_(size),
      capacity_(std::min(options.io_buffer_bytes,
                         roundUp(static_cast<std::size_t>(std::max<std::int64_t>(size, 1)), kDirectIoAlignment))),
      direct_(options.direct_io && size_ > static_cast<std::int64_t>(capacity_) && setDirectIo(fd_.get(), true)) {}

LocalBlobReader::~LocalBlobReader() { lane_.wait(); }

Result<std::size_t> LocalBlobReader::read(char* buffer, std::size_t capacity) {
  if (pending_ == 0) {
    if (Status s = refill(); !s.ok()) return s;
    if (pending_ == 0) return std::size_t{0};
  }
  const std::size_t n = std::min(capacity, pending_);
  std::memcpy(buffer, buffers_[current_].data() + offset_, n);
  offset_ += n;
  pending_ -= n;
  return n;
}

Status LocalBlobReader::refill() {
  std::size_t got = 0;
  if (ahead_posted_) {
    lane_.wait();
    ahead_posted_ = false;
    if (!ahead_status_.ok()) return ahead_status_;
    current_ ^= 1;
    got = ahead_size_;
  } else {
    if (next_piece_ >= size_) return Status::Ok();
    if (!buffers_[current_]) {
      buffers_[current_] = AlignedBuffer(kDirectIoAlignment, capacity_);
      if (!buffers_[current_]) return Status::ResourceExhausted("file store: no memory for a read buffer");
    }
    auto piece = readPiece(buffers_[current_].data(), next_piece_);
    if (!piece.ok()) return piece.status();
    got = piece.value();
  }
  next_piece_ += static_cast<std::int64_t>(got);
  offset_ = 0;
  pending_ = got;

  if (got < capacity_ || next_piece_ >= size_) return Status::Ok();
  const int other = current_ ^ 1;
  if (!buffers_[other]) {
    buffers_[other] = AlignedBuffer(kDirectIoAlignment, capacity_);
    if (!buffers_[other]) return Status::Ok();  // no read-ahead: the next piece is read when it is needed
  }
  char* into = buffers_[other].data();
  const std::int64_t at = next_piece_;
  lane_.post([this, into, at] {
    auto piece = readPiece(into, at);
    ahead_status_ = piece.ok() ? Status::Ok() : piece.status();
    ahead_size_ = piece.ok() ? piece.value() : 0;
  });
  ahead_posted_ = true;
  return Status::Ok();
}

Result<std::size_t> LocalBlobReader::readPiece(char* into, std::int64_t offset) {
  std::size_t done = 0;
  while (done < capacity_) {
    const ssize_t n = ::pread(fd_.get(), into + done, capacity_ - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EINVAL && direct_) {  // the filesystem refuses O_DIRECT after all
        direct_ = false;
        if (setDirectIo(fd_.get(), false)) continue;
      }
      return ioError("read", errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
    if (offset + static_cast<std::int64_t>(done) >= size_) break;  // (another read would be unaligned)
  }
  return done;
}

}  // namespace gateway::persistence
