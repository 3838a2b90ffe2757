// openLocalFileStore: blobs under <root>/<k0k1>/<k2k3>/<key>, key = 128 random bits in hex.
// put(): temp file in the final folder (same filesystem) -> write -> fsync -> rename -> fsync folder,
// plus fsync of any folder it had to create, so a returned key names complete, durable bytes.

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/log.h"
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

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

int fsyncPath(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
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
    Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
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
    Fd fd(::open(pathOf(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
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
