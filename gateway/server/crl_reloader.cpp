#include "server/crl_reloader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "common/log.h"

namespace gateway::server {
namespace {

class CrlFile : public CrlSource {
 public:
  explicit CrlFile(std::string path) : path_(std::move(path)) {}
  std::string name() const override { return path_; }

  FileStamp stamp() const override {
    struct stat st {};
    FileStamp stamp;
    if (::stat(path_.c_str(), &st) != 0) return stamp;
    stamp.exists = true;
    stamp.device = st.st_dev;
    stamp.inode = st.st_ino;
    stamp.size = st.st_size;
    stamp.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return stamp;
  }

  Result<std::string> read() const override {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::Unavailable(std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Status::Unavailable("read error");
    return text.str();
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<CrlSource> crlFile(std::string path) { return std::make_unique<CrlFile>(std::move(path)); }

const char* triggerName(ReloadTrigger trigger) {
  return trigger == ReloadTrigger::kSignal ? "SIGHUP" : "periodic";
}

CrlReloader::CrlReloader(std::unique_ptr<CrlSource> source, FileStamp loaded, Install install, Clock clock)
    : source_(std::move(source)), install_(std::move(install)), clock_(std::move(clock)), last_attempt_(loaded) {}

ReloadOutcome CrlReloader::reload(ReloadTrigger trigger) {
  std::lock_guard lock(mutex_);
  // The stamp is taken before reading: a file replaced in between is read again next period.
  const FileStamp stamp = source_->stamp();
  if (trigger == ReloadTrigger::kPeriodic && stamp == last_attempt_) return ReloadOutcome::kUnchanged;
  last_attempt_ = stamp;

  auto rejected = [&](const std::string& reason) {
    log::error("tls.crl.reload_failed", {{"file", source_->name()},
                                         {"trigger", triggerName(trigger)},
                                         {"reason", reason},
                                         {"kept", "previous CRLs"}});
    return ReloadOutcome::kRejected;
  };
  auto text = source_->read();
  if (!text.ok()) return rejected(text.status().message());
  auto crls = CrlSet::parse(text.value());
  if (!crls.ok()) return rejected(crls.status().message());
  if (Status current = crls.value().checkCurrent(clock_()); !current.ok()) return rejected(current.message());
  if (Status installed = install_(crls.value()); !installed.ok()) return rejected(installed.message());
  log::info("tls.crl.reloaded", {{"file", source_->name()},
                                 {"trigger", triggerName(trigger)},
                                 {"crls", std::to_string(crls.value().size())},
                                 {"next_update", crls.value().nextUpdates()}});
  return ReloadOutcome::kReloaded;
}

}  // namespace gateway::server
