#include "local_blob_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace gateway::persistence {
namespace {

constexpr std::int64_t kWritebackStep = 8 * 1024 * 1024;
constexpr std::chrono::seconds kKeepFresh{60};

}  // namespace

Result<std::unique_ptr<BlobWriter>> LocalBlobWriter::create(const std::string& root, const FileStoreOptions& options) {
  std::string key = newBlobKey();
  if (key.empty()) return Status::Internal("file store: no randomness");
  auto folders = makeKeyFolders(root, key);
  if (!folders.ok()) return folders.status();
  std::string temp = folders->level2 + "/.tmp-" + key + "-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) return ioError("create", errno);
  std::unique_ptr<EVP_MD_CTX, FreeDigest> sha(EVP_MD_CTX_new());
  if (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) {
    ::unlink(temp.c_str());
    return Status::Internal("file store: sha256 failed");
  }
  std::unique_ptr<LocalBlobWriter> writer(new LocalBlobWriter(root, std::move(key), std::move(folders).value(), temp,
                                                              std::move(fd), std::move(sha), options));
  if (!writer->buffers_[0]) return Status::ResourceExhausted("file store: no memory for a write buffer");
  return std::unique_ptr<BlobWriter>(std::move(writer));
}

LocalBlobWriter::LocalBlobWriter(std::string root, std::string key, KeyFolders folders, std::string temp, UniqueFd fd,
                                 std::unique_ptr<EVP_MD_CTX, FreeDigest> sha, const FileStoreOptions& options)
    : root_(std::move(root)), key_(std::move(key)), folders_(std::move(folders)), temp_(std::move(temp)),
      fd_(fd.release()), sha_(std::move(sha)), capacity_(options.io_buffer_bytes),
      buffers_{AlignedBuffer(kDirectIoAlignment, options.io_buffer_bytes), AlignedBuffer()},
      direct_(options.direct_io) {}

LocalBlobWriter::~LocalBlobWriter() {
  lane_.wait();
  if (!done_) ::unlink(temp_.c_str());  // an abandoned upload leaves nothing behind
}

Status LocalBlobWriter::write(const char* data, std::size_t size) {
  if (done_ || failed_) return Status::Unavailable("file store: writer is closed");
  size_ += static_cast<std::int64_t>(size);
  while (size > 0) {
    const std::size_t n = std::min(size, capacity_ - used_);
    std::memcpy(buffers_[current_].data() + used_, data, n);
    used_ += n;
    data += n;
    size -= n;
    if (used_ == capacity_) {
      if (Status s = handOver(); !s.ok()) return s;
    }
  }
  keepFresh();
  return Status::Ok();
}

Status LocalBlobWriter::handOver() {
  lane_.wait();
  if (!lane_status_.ok()) return fail(lane_status_);
  if (!handed_over_ && direct_) direct_ = setDirectIo(fd_.get(), true);  // the blob is large: bypass the cache
  handed_over_ = true;
  const char* full = buffers_[current_].data();
  const std::size_t size = used_;
  lane_.post([this, full, size] { lane_status_ = hashAndWrite(full, size, false); });
  current_ ^= 1;
  used_ = 0;
  if (!buffers_[current_]) {
    buffers_[current_] = AlignedBuffer(kDirectIoAlignment, capacity_);
    if (!buffers_[current_]) return fail(Status::ResourceExhausted("file store: no memory for a write buffer"));
  }
  return Status::Ok();
}

Result<StoredBlob> LocalBlobWriter::commit() {
  if (done_ || failed_) return Status::Unavailable("file store: writer is closed");
  lane_.wait();
  if (!lane_status_.ok()) return fail(lane_status_);
  if (!handed_over_) direct_ = false;  // smaller than one buffer: through the page cache
  if (Status s = hashAndWrite(buffers_[current_].data(), used_, true); !s.ok()) return fail(s);
  used_ = 0;

  StoredBlob blob;
  blob.key = key_;
  blob.size = size_;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_DigestFinal_ex(sha_.get(), digest, &digest_length) != 1) return fail(Status::Internal("file store: sha256 failed"));
  blob.sha256_hex = toHex(digest, digest_length);
  if (::fsync(fd_.get()) != 0) return fail(ioError("fsync", errno));
  if (::close(fd_.release()) != 0) return fail(ioError("close", errno));
  done_ = true;  // publishBlob() removes the temp file itself when the rename fails
  if (Status s = publishBlob(root_, folders_, temp_, key_); !s.ok()) return s;
  return blob;
}

Status LocalBlobWriter::hashAndWrite(const char* data, std::size_t size, bool last) {
  if (size > 0 && EVP_DigestUpdate(sha_.get(), data, size) != 1) return Status::Internal("file store: sha256 failed");
  std::size_t aligned = size;
  if (direct_ && last) aligned = size - size % kDirectIoAlignment;
  if (Status s = writeAll(data, aligned); !s.ok()) return s;
  if (aligned == size) return Status::Ok();
  if (direct_) {
    direct_ = false;  // the unaligned tail goes through the page cache; commit()'s fsync covers it
    if (!setDirectIo(fd_.get(), false)) return ioError("fcntl", errno);
  }
  return writeAll(data + aligned, size - aligned);
}

Status LocalBlobWriter::writeAll(const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd_.get(), data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EINVAL && direct_) {
        direct_ = false;
        if (setDirectIo(fd_.get(), false)) continue;
      }
      return ioError("write", errno);
    }
    written += static_cast<std::size_t>(n);
  }
  on_disk_ += static_cast<std::int64_t>(size);
  if (!direct_) startWriteback();
  return Status::Ok();
}

// Through the page cache: starts the disk writes of every full kWritebackStep written so far,
// without waiting for them, so that commit()'s fsync finds little left to do. Durability is
// unchanged: only that fsync promises anything; a failure here is left for it to report.
void LocalBlobWriter::startWriteback() {
  if (on_disk_ - written_back_ < kWritebackStep) return;
  (void)::sync_file_range(fd_.get(), written_back_, on_disk_ - written_back_, SYNC_FILE_RANGE_WRITE);
  written_back_ = on_disk_;
}

void LocalBlobWriter::keepFresh() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_touch_ < kKeepFresh) return;
  last_touch_ = now;
  (void)::futimens(fd_.get(), nullptr);  // the modification time says the upload is alive
}

Status LocalBlobWriter::fail(Status status) {
  failed_ = true;
  return status;
}

}  // namespace gateway::persistence
