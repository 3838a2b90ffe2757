#pragma once
// The batch channel's storage (migration 012): the outbox of submissions to write as batch files
// into service owners' SFTP drop areas, and the log of batch files in both directions (what
// BatchLogging and `gatewayctl sftp batches` report).
//
// Same contract as repositories.h: every method is one transaction, safe from many threads; failures
// are kUnavailable / kNotFound / kInvalidArgument / kInternal. The outbox rows themselves are written
// by SubmissionRepository::create, in the submission's transaction.
//
// Exactly one file per batch: assignBatch creates the batch_file row ('writing') and assigns its
// items in one transaction, so two writers never put one submission into two files. The file's name
// follows from the row id, so a writer that finds a 'writing' row (its writer died) writes the same
// file again (the rename replaces a partial earlier attempt) and then marks it 'written'.

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/records.h"

namespace gateway::persistence {

enum class BatchDirection { kOutbound, kInbound };
enum class BatchFileState { kWriting, kWritten, kProcessed, kFailed };

struct BatchFileRecord {
  Id id = 0;
  Id owner_id = 0;
  std::string owner_code;
  BatchDirection direction = BatchDirection::kOutbound;
  std::string file_name;
  BatchFileState state = BatchFileState::kWriting;
  std::string kind;                // inbound: "prefill" | "subscription"; outbound: "submissions"
  int item_count = 0;
  std::optional<Id> receipt_id;    // inbound, processed: the receipt of the ingested request
  std::string error_text;          // inbound, failed: why (cut to 1024 bytes)
  std::time_t created_at = 0;
  std::time_t updated_at = 0;
};

// One outbound batch: its row and the submissions to write, oldest first.
struct OutboundBatch {
  BatchFileRecord file;
  std::vector<Id> submission_ids;
};

// One submission of an outbound batch (a batch_outbox row): BatchLogging's DataItem.
struct BatchItemRecord {
  Id id = 0;               // the outbox row id (DataItemId)
  Id batch_file_id = 0;
  Id submission_id = 0;
  std::string service_code;
  int service_edition = 0;
  int position = 0;        // 1-based place in its batch file
  BatchFileState state = BatchFileState::kWriting;  // its batch file's state
};

struct BatchFileQuery {
  std::optional<Id> owner_id;                 // nullopt: every owner (operators only)
  std::optional<Id> batch_file_id;
  std::optional<std::string> file_name;
  std::optional<std::string> kind;            // "prefill", "subscription", "submissions"
  std::optional<BatchDirection> direction;
  std::optional<std::time_t> created_from;    // inclusive
  std::optional<std::time_t> created_to;      // inclusive
};

class BatchRepository {
 public:
  virtual ~BatchRepository() = default;

  // Owners with unassigned outbox items: at least `max_items` of them, or the oldest older than
  // `max_age` (database clock). Longest-waiting first, at most `limit`.
  virtual Result<std::vector<Id>> dueOwners(int max_items, std::chrono::seconds max_age, int limit) = 0;
  // Assigns up to `max_items` of the owner's oldest unassigned items to a new batch file (state
  // writing, file name "batch-<id>.xml"). nullopt when there were none (another writer took them).
  virtual Result<std::optional<OutboundBatch>> assignBatch(Id owner_id, int max_items) = 0;
  // Outbound batches still in state writing, oldest first, at most `limit`.
  virtual Result<std::vector<OutboundBatch>> unfinishedBatches(int limit) = 0;
  // writing -> written. kNotFound when the batch is not (or no longer) in state writing.
  virtual Status markWritten(Id batch_file_id) = 0;

  // Inbound: records one picked-up file (state kProcessed or kFailed) and returns its id.
  virtual Result<Id> recordInbound(const BatchFileRecord& record) = 0;

  // The log, newest first, at most `limit`.
  virtual Result<std::vector<BatchFileRecord>> list(const BatchFileQuery& query, int limit) = 0;
  // One batch file of `owner_id`; kNotFound when it does not exist or is another owner's.
  virtual Result<BatchFileRecord> find(Id owner_id, Id batch_file_id) = 0;
  // The submission ids of an outbound batch of `owner_id`, oldest first (empty for another owner).
  virtual Result<std::vector<Id>> submissionsOf(Id owner_id, Id batch_file_id) = 0;
  // The items of an outbound batch of `owner_id`, in file order (empty for another owner's batch).
  virtual Result<std::vector<BatchItemRecord>> items(Id owner_id, Id batch_file_id) = 0;
  // One item; kNotFound when it does not exist, is not in a batch yet, or is another owner's.
  virtual Result<BatchItemRecord> findItem(Id owner_id, Id item_id) = 0;
};

inline const char* batchFileStateName(BatchFileState state) {
  switch (state) {
    case BatchFileState::kWriting: return "writing";
    case BatchFileState::kWritten: return "written";
    case BatchFileState::kProcessed: return "processed";
    case BatchFileState::kFailed: return "failed";
  }
  return "writing";
}

inline const char* batchDirectionName(BatchDirection direction) {
  return direction == BatchDirection::kInbound ? "inbound" : "outbound";
}

// The outbound file name of batch `id`.
inline std::string outboundBatchFileName(Id id) { return "batch-" + std::to_string(id) + ".xml"; }

}  // namespace gateway::persistence
