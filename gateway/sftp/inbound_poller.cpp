#include "sftp/inbound_poller.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace gateway::sftp {
namespace fs = std::filesystem;
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads a regular file without following a symlink; kInvalidArgument when it is not one or too big.
Result<std::string> readRegularFile(const fs::path& path, long max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP) return Status::InvalidArgument("not a regular file");
    return Status::Unavailable(std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st {};
  std::string out;
  Status status = Status::Ok();
  if (::fstat(fd, &st) != 0) {
    status = Status::Unavailable("cannot stat");
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::InvalidArgument("not a regular file");
  } else if (st.st_size > max_bytes) {
    status = Status::InvalidArgument("the file is larger than " + std::to_string(max_bytes) + " bytes");
  } else {
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t have = 0;
    while (have < out.size()) {
      ssize_t n = ::read(fd, out.data() + have, out.size() - have);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      have += static_cast<std::size_t>(n);
    }
    out.resize(have);
  }
  ::close(fd);
  if (!status.ok()) return status;
  return out;
}

// `name`, or "<stem>-<n>.xml" when `name` (or its report) is taken in `dir`.
std::string freeName(const fs::path& dir, const std::string& name, const std::string& report_suffix) {
  const std::string stem = name.substr(0, name.size() - 4);
  std::error_code ec;
  for (int n = 0;; ++n) {
    std::string candidate = n == 0 ? name : stem + "-" + std::to_string(n) + ".xml";
    if (!fs::exists(fs::symlink_status(dir / candidate, ec)) &&
        !fs::exists(fs::symlink_status(dir / (candidate + report_suffix), ec))) {
      return candidate;
    }
  }
}

}  // namespace

InboundPoller::InboundPoller(const DropArea& area, AccountSource accounts, InboundHandler& handler,
                             InboundPollerOptions options)
    : area_(area), accounts_(std::move(accounts)), handler_(handler), options_(options) {}

InboundPoller::~InboundPoller() { stop(); }

Result<int> InboundPoller::pollOnce() {
  auto accounts = accounts_();
  if (!accounts.ok()) return accounts.status();
  int done = 0;
  for (const SftpAccount& account : accounts.value()) {
    if (!DropArea::isAccountName(account.owner_code)) continue;
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(area_.folder(account.owner_code, Folder::kInbound), ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.' || !endsWith(name, ".xml")) continue;
      names.push_back(name);
    }
    std::sort(names.begin(), names.end());  // oldest-named first is the best order we can promise
    for (const std::string& name : names) pollFile(account, name, done);
  }
  return done;
}

void InboundPoller::pollFile(const SftpAccount& account, const std::string& name, int& done) {
  const fs::path inbound = area_.folder(account.owner_code, Folder::kInbound);
  InboundFile file{account, name, {}};
  InboundVerdict verdict;
  auto bytes = readRegularFile(inbound / name, options_.max_file_bytes);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kUnavailable) {
    log::warn("sftp.inbound.unreadable", {{"owner", account.owner_code}, {"file", name}, {"error", bytes.status().message()}});
    return;
  }
  if (!bytes.ok()) {
    verdict.error = bytes.status().message();
  } else {
    file.bytes = std::move(bytes).value();
    auto handled = handler_.handle(file);
    if (!handled.ok() && handled.status().code() == StatusCode::kUnavailable) {
      log::warn("sftp.inbound.retry_later", {{"owner", account.owner_code}, {"file", name}, {"error", handled.status().message()}});
      return;
    }
    if (handled.ok()) {
      verdict = std::move(handled).value();
    } else {
      verdict.error = handled.status().message();
    }
  }
  const Folder target_folder = verdict.accepted ? Folder::kProcessed : Folder::kFailed;
  const fs::path target = area_.folder(account.owner_code, target_folder);
  const std::string suffix = verdict.accepted ? ".receipt.xml" : ".error.txt";
  const std::string target_name = freeName(target, name, suffix);
  const std::string report = verdict.accepted ? verdict.receipt : verdict.error + "\n";
  Status s = Status::Ok();
  if (!report.empty()) {
    s = writeFileAtomically(target, target_name + suffix, report, 0640, area_.ownerOf(account.owner_id));
  }
  if (s.ok() && ::rename((inbound / name).c_str(), (target / target_name).c_str()) != 0) {
    s = Status::Unavailable(std::string("cannot move the file: ") + std::strerror(errno));
  }
  if (!s.ok()) {
    log::error("sftp.inbound.move_failed", {{"owner", account.owner_code}, {"file", name}, {"error", s.message()}});
    return;
  }
  ++done;
  log::info(verdict.accepted ? "sftp.inbound.processed" : "sftp.inbound.failed",
            {{"owner", account.owner_code}, {"file", name}, {"moved_to", target_name}});
}

void InboundPoller::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto polled = pollOnce();
    if (!polled.ok()) log::warn("sftp.inbound.poll_failed", {{"error", polled.status().message()}});
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

void InboundPoller::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void InboundPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace gateway::sftp
