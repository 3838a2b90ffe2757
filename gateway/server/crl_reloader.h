#pragma once
// Decides when the tls.crl file is read again and whether what it holds may replace the CRLs in
// use. The file and the store are behind small interfaces, so the decisions are tested without I/O.
//
// - kSignal (SIGHUP) always reads the file; kPeriodic reads it only when its stamp (inode, size,
//   modification time in ns) differs from the last attempt's, good or bad, so an unchanged bad file
//   is reported once, not every period.
// - A file that cannot be read or parsed, or holds a CRL past its nextUpdate (or not yet valid), never
//   replaces the working CRLs: one tls.crl.reload_failed line (file, trigger, reason) is logged and
//   the old store stays. A good file is installed and logged as one tls.crl.reloaded line with the
//   number of CRLs and each one's nextUpdate. CRLs are public data: nothing secret is logged.
//
// Thread safety: reload() may be called from several threads (signal and timer); calls run one at a
// time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "server/crl_set.h"

namespace gateway::server {

// What identifies one version of a file without reading it.
struct FileStamp {
  bool exists = false;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// Where the CRL text comes from (a file in production, a fake in tests).
class CrlSource {
 public:
  virtual ~CrlSource() = default;
  virtual std::string name() const = 0;  // for logs (the path)
  virtual FileStamp stamp() const = 0;
  virtual Result<std::string> read() const = 0;  // kUnavailable when it cannot be read
};

// The file at `path` (stat(2) and a plain read).
std::unique_ptr<CrlSource> crlFile(std::string path);

enum class ReloadTrigger { kSignal, kPeriodic };
enum class ReloadOutcome {
  kUnchanged,  // kPeriodic and the same stamp as the last attempt: nothing read
  kReloaded,   // new CRLs installed
  kRejected,   // unreadable, unparsable or out-of-date file, or the store could not be built: old CRLs kept
};

const char* triggerName(ReloadTrigger trigger);

class CrlReloader {
 public:
  using Install = std::function<Status(const CrlSet&)>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `loaded` is the stamp of the file the current CRLs came from (taken before it was read at
  // start-up). `install` replaces the CRLs in use (TrustStore::install); a non-ok status counts as
  // a rejection.
  CrlReloader(std::unique_ptr<CrlSource> source, FileStamp loaded, Install install,
              Clock clock = [] { return std::chrono::system_clock::now(); });

  ReloadOutcome reload(ReloadTrigger trigger);

 private:
  std::unique_ptr<CrlSource> source_;
  Install install_;
  Clock clock_;
  std::mutex mutex_;
  FileStamp last_attempt_;  // guarded by mutex_
};

}  // namespace gateway::server
