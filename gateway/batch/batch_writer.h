#pragma once
// The batch channel's writer: groups the submissions of batch-mode services (persistence
// BatchRepository outbox) into batch files in each owner's outbound/ folder of the SFTP drop area.
//
// A batch is due when an owner has batch_max_items unwritten submissions, or its oldest waited
// batch_max_age. For each batch: the attachments of each submission as one ZIP
// ("batch-<id>.AR<n>.zip", push/attachment_zip.h), then the envelope "batch-<id>.xml"
// (batch_envelope.h) last, each written atomically (sftp/atomic_file.h) and owned by the owner's
// account; then the batch is marked written. An owner can therefore take the envelope's presence as
// "the whole batch is there". A batch left in state writing (crash, I/O error) is written again
// under the same names on a later pass: a batch whose write failed is retried after 1 s, then 2, 4, ...
// up to 5 minutes (per process; a restart retries at once).
//
// Several processes may run writers against one database: a submission is assigned to exactly
// one batch (BatchRepository::assignBatch); rewriting a 'writing' batch twice writes equal bytes.
//
// Thread safety: runOnce() from one thread at a time; start()/stop() run it every poll_interval.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "persistence/batch_repository.h"
#include "persistence/file_store.h"
#include "persistence/repositories.h"
#include "sftp/drop_area.h"

namespace gateway::batch {

struct BatchWriterOptions {
  int max_items = 100;
  std::chrono::seconds max_age{60};
  std::chrono::milliseconds poll_interval{1000};
  std::int64_t max_attachment_bytes = 64L << 20;  // per submission; more fails the batch (logged, retried)
  std::string temp_dir = "/tmp";                  // where attachment ZIPs are built
};

class BatchWriter {
 public:
  BatchWriter(persistence::BatchRepository& batches, persistence::SubmissionRepository& submissions,
              persistence::FileStore& files, const sftp::DropArea& area, BatchWriterOptions options);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Finishes unfinished batches, then writes every due one. The number of files written; the
  // first failure (the others are still tried) when any batch could not be written.
  Result<int> runOnce();
  void start();
  void stop();

 private:
  Status write(const persistence::OutboundBatch& batch);
  // write() with the retry schedule: false when the batch is not due yet.
  bool due(persistence::Id batch_id) const;
  void noteOutcome(persistence::Id batch_id, const Status& status);
  void run();

  struct Retry {
    std::chrono::steady_clock::time_point next;
    std::chrono::seconds wait{0};
  };
  std::map<persistence::Id, Retry> retry_;  // batches whose last write failed; touched by runOnce only

  persistence::BatchRepository& batches_;
  persistence::SubmissionRepository& submissions_;
  persistence::FileStore& files_;
  const sftp::DropArea& area_;
  BatchWriterOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::batch
