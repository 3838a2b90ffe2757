#pragma once
// PreFill: service owner systems prefill form tasks for reportees (one with instantiation options,
// or an online batch that is stored for later use), and end-user systems read the instantiated,
// currently valid tasks of reportees they may act for. Rules in docs/services.md.

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/blob_guard.h"
#include "core/services.h"
#include "persistence/records.h"

namespace gateway::core {

inline constexpr int kMaxPrefillBatchItems = 500;
// At most this many open tasks per GetPrefilledFormTasksBasic answer (oldest first); narrow the
// query by service or PrefillId to see others.
inline constexpr int kMaxOpenPrefillTasks = 100;

struct PrefillFormInput {
  std::optional<std::string> data_format_id;
  int data_format_version = 0;
  std::optional<std::string> form_data;
  std::string senders_reference;
};

struct PrefillAttachmentInput {
  std::string name;
  std::string file_name;
  std::string attachment_type;  // AttachmentType enum name
  std::string senders_reference;
  std::string_view data;  // decoded bytes; must outlive the call
};

struct PrefillTaskInput {
  std::optional<std::string> service_code;
  int service_edition = 0;
  std::optional<std::string> external_shipment_reference;
  std::optional<std::string> reportee;
  std::optional<std::string> service_owner_code;
  std::string senders_reference;
  std::time_t valid_from = 0;
  std::time_t valid_to = 0;
  std::vector<PrefillFormInput> forms;
  std::vector<PrefillAttachmentInput> attachments;
};

struct InstantiateOptions {
  bool save = false;         // doSaveFormTask
  bool instantiate = false;  // doinstantiateFormTask
  std::optional<int> case_id;
  std::optional<std::time_t> due_date;
  std::string on_behalf_of;  // instantitedOnBehalfOf
};

struct PrefillOutcome {
  persistence::ReceiptRecord receipt;
  bool duplicate = false;  // true: the externalBatchId was used before; this is the first request's receipt
};

struct OpenTaskQuery {
  std::optional<std::string> reportee;
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::optional<persistence::Id> prefill_id;
};

struct OpenPrefillTask {
  persistence::PrefillInstanceRecord task;
  std::vector<std::string> attachment_data;  // bytes of task.attachments, same order
};

class PrefillService {
 public:
  PrefillService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits);

  // `owner_system` is an authenticated service-owner system. Failures: kInvalidArgument (what is
  // wrong), kPermissionDenied (another owner's code or service, ErrorID 5), kAlreadyExists
  // (ExternalShipmentReference used before), kResourceExhausted, kUnavailable. A repeated
  // externalBatchId returns the first request's receipt (duplicate = true).
  Result<PrefillOutcome> submitAndInstantiate(const persistence::SystemRecord& owner_system,
                                              const std::optional<std::string>& external_batch_id,
                                              const PrefillTaskInput& task, const InstantiateOptions& options);
  // Online batch: every task is validated on its own; valid ones are stored (state saved), invalid
  // ones get a ValidationFailed sub-receipt with the reason. Request-level problems (batch id,
  // SystemUserCode, empty or oversized list) fail the whole request.
  Result<PrefillOutcome> submitBatch(const persistence::SystemRecord& owner_system,
                                     const std::optional<std::string>& external_batch_id,
                                     const std::optional<std::string>& system_user_code,
                                     const std::vector<PrefillTaskInput>& tasks);

  // `end_user_system` is an authenticated end-user system; kPermissionDenied (ErrorID 0) when it
  // may not act for the reportee.
  Result<std::vector<OpenPrefillTask>> openTasks(const persistence::SystemRecord& end_user_system,
                                                 const OpenTaskQuery& query);

 private:
  // Checks one task against the caller and stores its attachment bytes (registered in `blobs`).
  Result<persistence::PrefillInstanceRecord> prepare(const persistence::SystemRecord& owner_system,
                                                     const PrefillTaskInput& task, BlobGuard& blobs,
                                                     std::vector<std::string>& keys);
  // A service-owner caller and a usable externalBatchId.
  Status validateRequest(const persistence::SystemRecord& owner_system,
                         const std::optional<std::string>& external_batch_id) const;

  persistence::Database& database_;
  persistence::FileStore& files_;
  CoreLimits limits_;
};

}  // namespace gateway::core
