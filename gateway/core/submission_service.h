#pragma once
// End-user systems submit form tasks: validation, attachments to the file store, one transaction for
// the archive entry, receipt and queue item, and the duplicate rule.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/ttl_cache.h"
#include "core/service_lookup.h"
#include "core/services.h"
#include "persistence/records.h"

namespace gateway::core {

struct FormInput {
  std::optional<std::string> data_format_id;
  std::optional<int> data_format_version;
  std::string end_user_system_reference;
  std::optional<int> parent_reference;
  std::optional<std::string> form_data;
  bool completed = true;
};

struct AttachmentInput {
  std::string name;
  std::string file_name;
  std::string attachment_type_name;
  std::string end_user_system_reference;
  std::string parent_reference;
  bool encrypted = false;
  std::string_view data;              // decoded bytes; must outlive submit()
  std::optional<std::string> checksum;  // hex SHA-256 (64) or MD5 (32) of data, when the caller sent one
};

struct SubmissionInput {
  std::optional<std::string> reportee;
  std::string external_shipment_reference;
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::vector<FormInput> forms;
  std::vector<AttachmentInput> attachments;
  std::optional<int> case_id;
  // The main (first) form's ParentReference, when positive, names the prefilled form task
  // (PrefillId) this submission completes; see docs/services.md.
};

struct SubmissionOutcome {
  persistence::ReceiptRecord receipt;
  bool duplicate = false;  // true: an earlier submission with the same end-user reference was returned
};

class SubmissionService {
 public:
  SubmissionService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits);

  // `system` is an authenticated end-user system. Failures: kInvalidArgument (what is wrong),
  // kPermissionDenied (not allowed to act for the reportee), kResourceExhausted (a limit), kUnavailable.
  Result<SubmissionOutcome> submit(const persistence::SystemRecord& system, const SubmissionInput& input);

 private:
  Status validate(const SubmissionInput& input, const persistence::ServiceRecord& service) const;
  Result<bool> mayActFor(persistence::Id system_id, const std::string& reportee);
  // The prefilled form task the main form's ParentReference names, when it names one: it must be
  // an instantiated, currently valid task of the same reportee and service (kInvalidArgument).
  Result<std::optional<persistence::Id>> prefillInstanceOf(const SubmissionInput& input,
                                                           const persistence::ServiceRecord& service);

  persistence::Database& database_;
  persistence::FileStore& files_;
  CoreLimits limits_;
  ServiceLookup services_;
  TtlCache<bool> grants_;
};

}  // namespace gateway::core
