// openLocalFileStore: blobs under <root>/<k0k1>/<k2k3>/<key>, key = 128 random bits in hex.
// put(): temp file in the final folder (same filesystem) -> write -> fsync -> rename -> fsync folder,
// plus fsync of any folder it had to create, so a returned key names complete, durable bytes.
// create() does the same piece by piece (SHA-256 on the way); open() reads a blob in pieces.

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/unique_fd.h"
#include "persistence/database.h"

namespace gateway::persistence {
namespace {

constexpr std::size_t kKeyHexLength = 32;

std::string toHex(const unsigned char* data, std::size_t size) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

bool isValidKey(const std::string& key) {
  if (key.size() != kKeyHexLength) return false;
  for (char c : key) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status ioError(const char* what, int error) {
  log::error("file_store_io_error", {{"op", what}, {"errno", std::to_string(error)}, {"error", std::strerror(error)}});
  return Status::Unavailable(std::string("file store: ") + what + " failed");
}

int fsyncPath(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return 0;
}

// mkdir that reports whether it created the folder; EEXIST is fine.
int ensureDir(const std::string& path, bool& created) {
  created = false;
  if (::mkdir(path.c_str(), 0750) == 0) {
    created = true;
    return 0;
  }
  return errno == EEXIST ? 0 : errno;
}

std::string newKey() {
  unsigned char random[kKeyHexLength / 2];
  if (RAND_bytes(random, sizeof random) != 1) return {};
  return toHex(random, sizeof random);
}

// The folders of a key, created when missing; `created*` say which were new (to fsync their parent).
struct KeyFolders {
  std::string level1, level2;
  bool created1 = false, created2 = false;
};

Result<KeyFolders> makeFolders(const std::string& root, const std::string& key) {
  KeyFolders f;
  f.level1 = root + "/" + key.substr(0, 2);
  f.level2 = f.level1 + "/" + key.substr(2, 2);
  if (int e = ensureDir(f.level1, f.created1)) return ioError("mkdir", e);
  if (int e = ensureDir(f.level2, f.created2)) return ioError("mkdir", e);
  return f;
}

// Renames a complete, fsync'ed temp file into place and makes the rename durable.
Status publish(const std::string& root, const KeyFolders& f, const std::string& temp, const std::string& key) {
  const std::string final_path = f.level2 + "/" + key;
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    return ioError("rename", e);
  }
  if (int e = fsyncPath(f.level2)) return ioError("fsync dir", e);
  if (f.created2) {
    if (int e = fsyncPath(f.level1)) return ioError("fsync dir", e);
  }
  if (f.created1) {
    if (int e = fsyncPath(root)) return ioError("fsync dir", e);
  }
  return Status::Ok();
}

class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(std::string root, std::string key, KeyFolders folders, std::string temp, int fd, EVP_MD_CTX* sha)
      : root_(std::move(root)), key_(std::move(key)), folders_(std::move(folders)), temp_(std::move(temp)), fd_(fd),
        sha_(sha) {
    pending_.reserve(kWriteBuffer);
  }
  ~LocalBlobWriter() override {
    if (!done_) ::unlink(temp_.c_str());
    EVP_MD_CTX_free(sha_);
  }

  // gSOAP hands over a couple of KB at a time: gather them into one write(2) per kWriteBuffer.
  Status write(const char* data, std::size_t size) override {
    if (done_ || failed_) return Status::Unavailable("file store: writer is closed");
    if (EVP_DigestUpdate(sha_, data, size) != 1) return fail(Status::Internal("file store: sha256 failed"));
    size_ += static_cast<std::int64_t>(size);
    if (pending_.size() + size > kWriteBuffer) {
      if (Status s = flush(); !s.ok()) return s;
    }
    if (size >= kWriteBuffer) return writeOut(data, size);
    pending_.insert(pending_.end(), data, data + size);
    // A slow upload still writes its temp file at least every kKeepFresh, so the file's modification
    // time shows it is alive and the temp-file sweep (gateway/storage/temp_sweep.h) never takes it.
    if (std::chrono::steady_clock::now() - last_write_out_ >= kKeepFresh) return flush();
    return Status::Ok();
  }

  std::int64_t size() const override { return size_; }

  Result<StoredBlob> commit() override {
    if (done_ || failed_) return Status::Unavailable("file store: writer is closed");
    StoredBlob blob;
    blob.key = key_;
    blob.size = size_;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_DigestFinal_ex(sha_, digest, &digest_length) != 1) return fail(Status::Internal("file store: sha256 failed"));
    blob.sha256_hex = toHex(digest, digest_length);
    if (Status s = flush(); !s.ok()) return s;
    if (::fsync(fd_.get()) != 0) return fail(ioError("fsync", errno));
    if (::close(fd_.release()) != 0) return fail(ioError("close", errno));
    done_ = true;  // publish() removes the temp file itself when the rename fails
    if (Status s = publish(root_, folders_, temp_, key_); !s.ok()) return s;
    return blob;
  }

 private:
  static constexpr std::size_t kWriteBuffer = 64 * 1024;
  static constexpr std::int64_t kWritebackStep = 8 * 1024 * 1024;
  static constexpr std::chrono::seconds kKeepFresh{60};

  Status fail(Status status) {
    failed_ = true;
    return status;
  }

  Status flush() {
    Status s = writeOut(pending_.data(), pending_.size());
    pending_.clear();
    return s;
  }

  Status writeOut(const char* data, std::size_t size) {
    std::size_t written = 0;
    while (written < size) {
      ssize_t n = ::write(fd_.get(), data + written, size - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(ioError("write", errno));
      }
      written += static_cast<std::size_t>(n);
    }
    last_write_out_ = std::chrono::steady_clock::now();
    startWriteback(static_cast<std::int64_t>(size));
    return Status::Ok();
  }

  // Starts the disk writes of every full kWritebackStep written so far, without waiting for them,
  // so that the fsync in commit() finds little left to do instead of the whole file (a 100 MB
  // upload otherwise waits ~60 ms for its fsync after the last byte arrived). Durability is
  // unchanged: only commit()'s fsync promises anything; a failure here is left for it to report.
  void startWriteback(std::int64_t appended) {
    on_disk_ += appended;
    if (on_disk_ - written_back_ < kWritebackStep) return;
    (void)::sync_file_range(fd_.get(), written_back_, on_disk_ - written_back_, SYNC_FILE_RANGE_WRITE);
    written_back_ = on_disk_;
  }

  const std::string root_, key_;
  const KeyFolders folders_;
  const std::string temp_;
  UniqueFd fd_;
  EVP_MD_CTX* sha_;
  std::vector<char> pending_;  // at most kWriteBuffer bytes not yet written
  std::int64_t size_ = 0;
  std::int64_t on_disk_ = 0;        // bytes handed to write(2)
  std::int64_t written_back_ = 0;   // of which disk writes were started (sync_file_range)
  std::chrono::steady_clock::time_point last_write_out_ = std::chrono::steady_clock::now();
  bool done_ = false;
  bool failed_ = false;
};

// Small reads are served from a read-ahead buffer: gSOAP sends a MIME part by asking for 2 KB at a
// time (its tmpbuf), and one read(2) per 2 KB cost a system call per TLS record's worth of bytes.
class LocalBlobReader final : public BlobReader {
 public:
  LocalBlobReader(int fd, std::int64_t size) : fd_(fd), size_(size) {}
  std::int64_t size() const override { return size_; }
  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    if (pending_ == 0) {
      if (capacity >= kReadAhead) return readFile(buffer, capacity);
      if (ahead_.empty()) ahead_.resize(kReadAhead);  // only for readers that read small pieces
      auto filled = readFile(ahead_.data(), ahead_.size());
      if (!filled.ok() || filled.value() == 0) return filled;
      offset_ = 0;
      pending_ = filled.value();
    }
    const std::size_t n = std::min(capacity, pending_);
    std::memcpy(buffer, ahead_.data() + offset_, n);
    offset_ += n;
    pending_ -= n;
    return n;
  }

 private:
  static constexpr std::size_t kReadAhead = 64 * 1024;

  Result<std::size_t> readFile(char* buffer, std::size_t capacity) {
    for (;;) {
      ssize_t n = ::read(fd_.get(), buffer, capacity);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return ioError("read", errno);
    }
  }

  UniqueFd fd_;
  const std::int64_t size_;
  std::vector<char> ahead_;
  std::size_t offset_ = 0;
  std::size_t pending_ = 0;
};

class LocalFileStore final : public FileStore {
 public:
  explicit LocalFileStore(std::string root) : root_(std::move(root)) {}

  Result<StoredBlob> put(std::string_view bytes) override {
    unsigned char random[kKeyHexLength / 2];
    if (RAND_bytes(random, sizeof random) != 1) return Status::Internal("file store: no randomness");
    StoredBlob blob;
    blob.key = toHex(random, sizeof random);
    blob.size = static_cast<std::int64_t>(bytes.size());

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1) {
      return Status::Internal("file store: sha256 failed");
    }
    blob.sha256_hex = toHex(digest, digest_length);

    const std::string level1 = root_ + "/" + blob.key.substr(0, 2);
    const std::string level2 = level1 + "/" + blob.key.substr(2, 2);
    bool created1 = false, created2 = false;
    if (int e = ensureDir(level1, created1)) return ioError("mkdir", e);
    if (int e = ensureDir(level2, created2)) return ioError("mkdir", e);

    std::string temp = level2 + "/.tmp-" + blob.key + "-XXXXXX";
    UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) return ioError("create", errno);
    auto fail = [&](const char* what, int error) {
      ::unlink(temp.c_str());
      return ioError(what, error);
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
      ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail("write", errno);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("fsync", errno);
    if (::close(fd.release()) != 0) return fail("close", errno);
    const std::string final_path = level2 + "/" + blob.key;
    if (::rename(temp.c_str(), final_path.c_str()) != 0) return fail("rename", errno);
    if (int e = fsyncPath(level2)) return ioError("fsync dir", e);
    if (created2) {
      if (int e = fsyncPath(level1)) return ioError("fsync dir", e);
    }
    if (created1) {
      if (int e = fsyncPath(root_)) return ioError("fsync dir", e);
    }
    return blob;
  }

  Result<std::string> get(const std::string& key) override {
    if (!isValidKey(key)) return Status::NotFound("file store: no such blob");
    UniqueFd fd(::open(pathOf(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
      if (errno == ENOENT) return Status::NotFound("file store: no such blob");
      return ioError("open", errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ioError("stat", errno);
    std::string out;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ioError("read", errno);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
  }

  Result<std::unique_ptr<BlobWriter>> create() override {
    std::string key = newKey();
    if (key.empty()) return Status::Internal("file store: no randomness");
    auto folders = makeFolders(root_, key);
    if (!folders.ok()) return folders.status();
    std::string temp = folders->level2 + "/.tmp-" + key + "-XXXXXX";
    UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) return ioError("create", errno);
    EVP_MD_CTX* sha = EVP_MD_CTX_new();
    if (!sha || EVP_DigestInit_ex(sha, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(sha);
      ::unlink(temp.c_str());
      return Status::Internal("file store: sha256 failed");
    }
    return std::unique_ptr<BlobWriter>(
        std::make_unique<LocalBlobWriter>(root_, std::move(key), std::move(folders).value(), temp, fd.release(), sha));
  }

  Result<std::unique_ptr<BlobReader>> open(const std::string& key) override {
    if (!isValidKey(key)) return Status::NotFound("file store: no such blob");
    UniqueFd fd(::open(pathOf(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
      if (errno == ENOENT) return Status::NotFound("file store: no such blob");
      return ioError("open", errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ioError("stat", errno);
    return std::unique_ptr<BlobReader>(std::make_unique<LocalBlobReader>(fd.release(), st.st_size));
  }

  Status remove(const std::string& key) override {
    if (!isValidKey(key)) return Status::NotFound("file store: no such blob");
    if (::unlink(pathOf(key).c_str()) != 0) {
      if (errno == ENOENT) return Status::NotFound("file store: no such blob");
      return ioError("unlink", errno);
    }
    return Status::Ok();
  }

 private:
  std::string pathOf(const std::string& key) const {
    return root_ + "/" + key.substr(0, 2) + "/" + key.substr(2, 2) + "/" + key;
  }

  const std::string root_;
};

}  // namespace

Result<std::unique_ptr<FileStore>> openLocalFileStore(const std::string& root) {
  if (root.empty()) return Status::InvalidArgument("file store: root folder is required");
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  // mkdir -p
  for (std::size_t slash = path.find('/', 1); ; slash = path.find('/', slash + 1)) {
    std::string prefix = slash == std::string::npos ? path : path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) return ioError("mkdir root", errno);
    if (slash == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Status::InvalidArgument("file store: root is not a folder");
  if (::access(path.c_str(), W_OK | X_OK) != 0) return Status::Unavailable("file store: root folder is not writable");
  return std::unique_ptr<FileStore>(std::make_unique<LocalFileStore>(path));
}

}  // namespace gateway::persistence
