#include "blob_files.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "common/unique_fd.h"

namespace gateway::persistence {
namespace {

// mkdir that reports whether it created the folder; EEXIST is fine.
int ensureDir(const std::string& path, bool& created) {
  created = false;
  if (::mkdir(path.c_str(), 0750) == 0) {
    created = true;
    return 0;
  }
  return errno == EEXIST ? 0 : errno;
}

}  // namespace

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

std::string newBlobKey() {
  unsigned char random[kKeyHexLength / 2];
  if (RAND_bytes(random, sizeof random) != 1) return {};
  return toHex(random, sizeof random);
}

bool isValidBlobKey(const std::string& key) {
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

bool setDirectIo(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  return ::fcntl(fd, F_SETFL, on ? (flags | O_DIRECT) : (flags & ~O_DIRECT)) == 0;
}

Result<KeyFolders> makeKeyFolders(const std::string& root, const std::string& key) {
  KeyFolders f;
  f.level1 = root + "/" + key.substr(0, 2);
  f.level2 = f.level1 + "/" + key.substr(2, 2);
  if (int e = ensureDir(f.level1, f.created1)) return ioError("mkdir", e);
  if (int e = ensureDir(f.level2, f.created2)) return ioError("mkdir", e);
  return f;
}

Status publishBlob(const std::string& root, const KeyFolders& f, const std::string& temp, const std::string& key) {
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

}  // namespace gateway::persistence
