#include "sftp/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

namespace gateway::sftp {
namespace {

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

Status ioError(const std::string& what, const std::filesystem::path& path) {
  return Status::Unavailable(what + " " + path.string() + ": " + std::strerror(errno));
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Creates the temp file, lets `fill` write it, then fsync, chown/chmod, rename, fsync(dir).
Status writeWith(const std::filesystem::path& dir, const std::string& name, mode_t mode,
                 const std::optional<FileOwner>& owner, const std::function<bool(int)>& fill) {
  if (!isPlainFileName(name)) return Status::InvalidArgument("not a plain file name: " + name);
  std::string temp = (dir / ("." + name + ".partial-XXXXXX")).string();
  Fd file(::mkostemp(temp.data(), O_CLOEXEC | O_NOFOLLOW));
  if (file.get() < 0) return ioError("cannot create", temp);
  auto fail = [&](const std::string& what) {
    Status s = ioError(what, temp);
    ::unlink(temp.c_str());
    return s;
  };
  if (!fill(file.get())) return fail("cannot write");
  if (::fsync(file.get()) != 0) return fail("cannot fsync");
  if (owner && ::geteuid() == 0 && ::fchown(file.get(), owner->uid, owner->gid) != 0) return fail("cannot chown");
  if (::fchmod(file.get(), mode) != 0) return fail("cannot chmod");
  if (::close(file.release()) != 0) return fail("cannot close");
  const std::filesystem::path target = dir / name;
  if (::rename(temp.c_str(), target.c_str()) != 0) return fail("cannot rename to " + target.string() + ":");
  Fd folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() < 0 || ::fsync(folder.get()) != 0) return ioError("cannot fsync", dir);
  return Status::Ok();
}

}  // namespace

bool isPlainFileName(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name.front() != '.' && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Status writeFileAtomically(const std::filesystem::path& dir, const std::string& name, std::string_view bytes,
                           mode_t mode, const std::optional<FileOwner>& owner) {
  return writeWith(dir, name, mode, owner, [&](int fd) { return writeAll(fd, bytes.data(), bytes.size()); });
}

Status copyFileAtomically(const std::filesystem::path& dir, const std::string& name, int source_fd, mode_t mode,
                          const std::optional<FileOwner>& owner) {
  return writeWith(dir, name, mode, owner, [&](int fd) {
    char buffer[64 * 1024];
    for (;;) {
      ssize_t n = ::read(source_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) return true;
      if (!writeAll(fd, buffer, static_cast<std::size_t>(n))) return false;
    }
  });
}

}  // namespace gateway::sftp
