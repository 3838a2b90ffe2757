// openLocalFileStore: blobs under <root>/<k0k1>/<k2k3>/<key>, key = 128 random bits in hex.
// put(): temp file in the final folder (same filesystem) -> write -> fsync -> rename -> fsync folder,
// plus fsync of any folder it had to create, so a returned key names complete, durable bytes.
// create() does the same piece by piece (local_blob_writer.h); open() reads a blob in pieces
// (local_blob_reader.h).

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "blob_files.h"
#include "common/unique_fd.h"
#include "local_blob_reader.h"
#include "local_blob_writer.h"
#include "persistence/database.h"

namespace gateway::persistence {
namespace {

class LocalFileStore final : public FileStore {
 public:
  LocalFileStore(std::string root, FileStoreOptions options) : root_(std::move(root)), options_(options) {}

  Result<StoredBlob> put(std::string_view bytes) override {
    StoredBlob blob;
    blob.key = newBlobKey();
    if (blob.key.empty()) return Status::Internal("file store: no randomness");
    blob.size = static_cast<std::int64_t>(bytes.size());

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1) {
      return Status::Internal("file store: sha256 failed");
    }
    blob.sha256_hex = toHex(digest, digest_length);

    auto folders = makeKeyFolders(root_, blob.key);
    if (!folders.ok()) return folders.status();
    std::string temp = folders->level2 + "/.tmp-" + blob.key + "-XXXXXX";
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
    if (Status s = publishBlob(root_, folders.value(), temp, blob.key); !s.ok()) return s;
    return blob;
  }

  Result<std::string> get(const std::string& key) override {
    if (!isValidBlobKey(key)) return Status::NotFound("file store: no such blob");
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

  Result<std::unique_ptr<BlobWriter>> create() override { return LocalBlobWriter::create(root_, options_); }

  Result<std::unique_ptr<BlobReader>> open(const std::string& key) override {
    if (!isValidBlobKey(key)) return Status::NotFound("file store: no such blob");
    UniqueFd fd(::open(pathOf(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
      if (errno == ENOENT) return Status::NotFound("file store: no such blob");
      return ioError("open", errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ioError("stat", errno);
    return std::unique_ptr<BlobReader>(std::make_unique<LocalBlobReader>(std::move(fd), st.st_size, options_));
  }

  Status remove(const std::string& key) override {
    if (!isValidBlobKey(key)) return Status::NotFound("file store: no such blob");
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
  const FileStoreOptions options_;
};

}  // namespace

Result<std::unique_ptr<FileStore>> openLocalFileStore(const std::string& root, FileStoreOptions options) {
  if (root.empty()) return Status::InvalidArgument("file store: root folder is required");
  if (options.io_buffer_bytes == 0 || options.io_buffer_bytes % kDirectIoAlignment != 0) {
    return Status::InvalidArgument("file store: the I/O buffer size must be a positive multiple of 4096");
  }
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
  return std::unique_ptr<FileStore>(std::make_unique<LocalFileStore>(path, options));
}

}  // namespace gateway::persistence
