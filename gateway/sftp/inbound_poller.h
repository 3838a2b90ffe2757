#pragma once
// Picks up the files service owners upload into their inbound/ folders and hands each to a
// handler (pluggable: the batch channel ingests prefill/subscription batches, the broker may hand
// files to its own handler).
//
// Which files: regular files (never symlinks, opened with O_NOFOLLOW) whose name ends in ".xml" and
// does not start with '.'. Clients upload under another name (e.g. "x.xml.part") and rename when
// complete, so a file is never read half-uploaded (docs/operations.md). A file larger than
// `max_file_bytes` is rejected unread.
//
// What then: the handler's answer decides. Accepted: the receipt text (if any) is written as
// processed/<name>.receipt.xml, then the file is moved to processed/<name>. Rejected: the
// reason is written as failed/<name>.error.txt and the file moved to failed/<name>. A name already
// taken there gets a "-<n>" suffix before ".xml". Transient failures (kUnavailable from the handler)
// leave the file where it is for the next poll. The handler must therefore be idempotent for a file
// it accepted but whose move did not happen (e.g. by a batch id, as the batch channel is).
//
// Thread safety: pollOnce() may run in one thread at a time per poller; start() runs it in a thread
// of its own every `interval` until stop() (also called by the destructor).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "sftp/drop_area.h"

namespace gateway::sftp {

struct InboundFile {
  SftpAccount account;
  std::string name;   // file name within inbound/
  std::string bytes;
};

struct InboundVerdict {
  bool accepted = false;
  std::string receipt;  // accepted: written as <name>.receipt.xml when not empty
  std::string error;    // rejected: the report, written as <name>.error.txt
};

class InboundHandler {
 public:
  virtual ~InboundHandler() = default;
  // kUnavailable: try again later (the file stays). Any other non-ok status counts as rejected with
  // the status message as the report.
  virtual Result<InboundVerdict> handle(const InboundFile& file) = 0;
};

struct InboundPollerOptions {
  std::chrono::milliseconds interval{1000};
  long max_file_bytes = 64L << 20;
};

class InboundPoller {
 public:
  using AccountSource = std::function<Result<std::vector<SftpAccount>>()>;

  InboundPoller(const DropArea& area, AccountSource accounts, InboundHandler& handler, InboundPollerOptions options);
  ~InboundPoller();
  InboundPoller(const InboundPoller&) = delete;
  InboundPoller& operator=(const InboundPoller&) = delete;

  // One pass over every account's inbound folder; the number of files accepted or rejected.
  Result<int> pollOnce();
  void start();
  void stop();

 private:
  void pollFile(const SftpAccount& account, const std::string& name, int& done);
  void run();

  const DropArea& area_;
  AccountSource accounts_;
  InboundHandler& handler_;
  InboundPollerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::sftp
