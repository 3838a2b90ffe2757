#pragma once
// BatchLogging: a service owner reads the processing status of its batch files (the SFTP batch
// channel, docs/batch-files.md): inbound prefill / subscription files (processed or rejected) and
// outbound files of completed submissions. Rules in docs/services.md (BatchLogging).
//
// Mapping to the contract: a DataBatch is a batch file (DataBatchId = Sequence = its id); an issue
// is a rejected inbound file (IssueId = its batch id, code 1, level Error, the report as text); a
// DataItem is one submission of an outbound file (DataItemId = its outbox id). Inbound files have no
// DataItems here: their items are the receipt's sub-receipts (ReceiptAgency).

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/batch_repository.h"
#include "persistence/database.h"

namespace gateway::core {

inline constexpr int kMaxBatchLogBatches = 1000;  // newest first
inline constexpr int kMaxBatchLogItems = 10000;
inline constexpr int kBatchRejectedIssueCode = 1;

struct BatchLogQuery {
  std::optional<persistence::Id> batch_id;   // DataBatchId
  std::optional<std::string> kind;           // from DataBatchType: "prefill" | "subscription"
  bool unknown_kind = false;                 // a DataBatchType this gateway never has: nothing matches
  std::optional<std::string> file_name;
  std::optional<persistence::Id> from_issue_id;
  std::optional<int> sequence;               // = DataBatchId here
  std::optional<std::string> system_user_code;
  std::optional<std::time_t> from;           // TimeRange (created), inclusive
  std::optional<std::time_t> to;
};

struct BatchIssue {
  persistence::Id issue_id = 0;
  persistence::Id batch_id = 0;
  std::time_t at = 0;
  int code = kBatchRejectedIssueCode;
  std::string description;
};

struct BatchStatusReport {
  std::vector<persistence::BatchFileRecord> batches;  // newest first
  std::vector<BatchIssue> issues;                      // issue id ascending
  std::vector<persistence::BatchItemRecord> items;     // detailed only: outbound batches' items
};

// Issues per batch file (0 or 1).
int issuesOf(const persistence::BatchFileRecord& batch);

class BatchLoggingService {
 public:
  explicit BatchLoggingService(persistence::Database& database);

  // `owner_system` is an authenticated service-owner system; only its owner's batches are seen.
  // kPermissionDenied (ErrorID 5) for a SystemUserCode of another owner; kInvalidArgument for a
  // TimeRange whose DateFrom is after DateTo; kUnavailable.
  Result<BatchStatusReport> status(const persistence::SystemRecord& owner_system, const BatchLogQuery& query,
                                   bool detailed);
  // kNotFound when the item does not exist or is another owner's.
  Result<persistence::BatchItemRecord> dataItem(const persistence::SystemRecord& owner_system, persistence::Id item_id);

 private:
  persistence::Database& database_;
};

}  // namespace gateway::core
