#pragma once
// Plain records exchanged between the core and the repositories. No behaviour, no SQL, no SOAP.
// Times are UTC seconds since the epoch.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace gateway::persistence {

using Id = std::int64_t;

enum class SystemRole { kServiceOwner, kEndUser };

struct ServiceOwnerRecord {
  Id id = 0;
  std::string code;        // agency code, e.g. "ACME"
  std::string org_number;  // 9 digits
  std::string name;
};

// A registered system (service owner system or end-user system).
struct SystemRecord {
  Id id = 0;
  std::string username;
  std::string password_hash;   // encoded slow hash, see gateway/auth/password_hash.h
  std::string org_number;      // must equal the organisation number in the caller's certificate
  SystemRole role = SystemRole::kEndUser;
  std::optional<Id> owner_id;  // set for kServiceOwner
  std::string owner_code;      // set for kServiceOwner
  bool active = true;
  std::int64_t credential_version = 1;  // bumped on every password change (invalidates caches)
};

struct DataFormat {
  std::string id;   // DataFormatId, e.g. "5703"
  int version = 0;  // DataFormatVersion
};

struct ServiceRecord {
  Id id = 0;
  Id owner_id = 0;
  std::string owner_code;
  std::string code;     // ServiceCode
  int edition = 0;      // ServiceEdition
  std::string name;
  std::string kind;     // "FormTask"
  std::vector<DataFormat> formats;
};

struct FormRecord {
  std::string data_format_id;
  int data_format_version = 0;
  std::string end_user_system_reference;
  std::optional<int> parent_reference;
  std::string form_data;  // the XML document as received
  bool completed = true;
};

// Attachment bytes live in the file store; the row keeps where and what.
struct AttachmentRecord {
  Id id = 0;  // assigned on insert
  std::string name;
  std::string file_name;
  std::string attachment_type_name;
  std::string end_user_system_reference;
  std::string parent_reference;
  bool encrypted = false;
  std::int64_t size = 0;
  std::string sha256_hex;
  std::string storage_key;  // FileStore key
};

enum class ReceiptStatus { kNotSet, kOk, kUnExpectedError, kValidationFailed, kRejected };

// ReceiptTypeEnum names as stored text ("FormTask", "PreFill", ...), validated at the edge.
struct ReceiptReference {
  std::string type;   // ReferenceType name, e.g. "ArchiveReference"
  std::string value;
};

struct ReceiptRecord {
  Id id = 0;
  std::optional<Id> parent_id;
  std::string type = "FormTask";
  ReceiptStatus status = ReceiptStatus::kNotSet;
  std::string text;
  std::string history;         // older texts, newest first
  std::time_t last_changed = 0;
  std::optional<Id> owner_id;  // service owner that may read/update it
  std::optional<Id> system_id; // end-user system that may read it
  std::vector<ReceiptReference> references;
  std::vector<ReceiptRecord> sub_receipts;  // one level only
};

struct NewSubmission {
  Id system_id = 0;             // submitting end-user system
  Id service_id = 0;
  Id owner_id = 0;
  std::string reportee;         // org number or national identity number
  std::string external_shipment_reference;
  std::string end_user_system_reference;  // duplicate key together with system_id (may be empty)
  std::optional<int> case_id;
  std::vector<FormRecord> forms;
  std::vector<AttachmentRecord> attachments;  // already in the file store
  std::string receipt_text;
  // The prefilled form task this submission completes (validated by the core). create() marks it
  // completed and links it to the submission in the same transaction, or fails when it is not open.
  std::optional<Id> prefill_instance_id;
};

struct SubmissionCreated {
  Id submission_id = 0;            // also the ReporteeElementID
  std::string archive_reference;   // "AR" + digits
  ReceiptRecord receipt;
};

struct ArchivedSubmission {
  Id id = 0;
  std::string archive_reference;
  Id owner_id = 0;
  Id system_id = 0;
  std::string service_code;
  int service_edition = 0;
  std::string service_name;
  std::string reportee;
  std::time_t archived_at = 0;
  std::optional<int> case_id;
  std::vector<FormRecord> forms;
  std::vector<AttachmentRecord> attachments;
};

struct QueueItem {
  std::string archive_reference;
  std::time_t archived_at = 0;
  std::string reportee;
  std::string service_code;
  int service_edition = 0;
};

// One archived submission as the archive search lists it (no forms, no attachments).
struct ArchiveElement {
  Id submission_id = 0;            // also the ReporteeElementID
  std::string archive_reference;
  std::string reportee;
  std::time_t archived_at = 0;
  std::string service_code;
  int service_edition = 0;
  std::string service_name;
  Id system_id = 0;                // the end-user system that submitted it
  std::optional<int> case_id;
};

enum class ShipmentStatus { kNotSent, kSent, kError, kNotSet, kCorrelated };

struct ShipmentStatusEntry {
  ShipmentStatus status = ShipmentStatus::kNotSet;
  std::string description;
  std::time_t at = 0;
};

struct ArchiveShipmentStatus {
  std::string archive_reference;
  std::string service_code;
  int service_edition = 0;
  std::time_t archived_at = 0;
  std::vector<ShipmentStatusEntry> log;  // oldest first
};

// ---- PreFill ----

enum class PrefillState { kSaved, kInstantiated, kCompleted };

struct PrefillFormRecord {
  std::string data_format_id;
  int data_format_version = 0;
  std::string senders_reference;
  std::string form_data;  // the XML document as received
};

// Bytes in the file store, as for submission attachments.
struct PrefillAttachmentRecord {
  std::string name;
  std::string file_name;
  std::string attachment_type;  // AttachmentType enum name, e.g. "application_pdf"
  std::string senders_reference;
  std::int64_t size = 0;
  std::string sha256_hex;
  std::string storage_key;
};

struct PrefillInstanceRecord {
  Id id = 0;  // assigned on insert; the PrefillId end-user systems refer to
  Id owner_id = 0;
  std::string owner_code;  // filled on read
  Id service_id = 0;
  std::string service_code;  // filled on read
  int service_edition = 0;   // filled on read
  Id system_id = 0;          // owner system that sent it
  std::string reportee;
  std::string external_shipment_reference;
  std::string senders_reference;
  PrefillState state = PrefillState::kSaved;
  std::time_t valid_from = 0;
  std::time_t valid_to = 0;
  std::optional<std::time_t> due_date;
  std::optional<int> case_id;
  std::string on_behalf_of;
  std::optional<Id> submission_id;  // set once completed
  std::vector<PrefillFormRecord> forms;
  std::vector<PrefillAttachmentRecord> attachments;
};

// ---- Subscription ----

struct SubscriptionRecord {
  std::optional<Id> id;  // given: update that subscription of the owner; absent: insert
  Id owner_id = 0;
  Id service_id = 0;
  Id system_id = 0;
  std::string system_user_code;
  std::string reportee;
  std::string period_type;  // PeriodType enum name
  std::time_t start_date = 0;
  std::optional<std::time_t> expiration_date;
  std::time_t next_schedule_date = 0;
  std::time_t next_due_date = 0;
  std::optional<std::time_t> visible_date;
  std::optional<int> case_id;
  std::optional<int> user_type;
  std::vector<std::string> identity_fields;
};

// ---- Service rights register (SRR) ----

enum class ServiceAccess { kRead, kWrite };

// One rule of a service owner's rights register: `reportee` may `access` the service until
// `valid_to` (UTC), when `condition` holds ("" = no condition). Unique per (service, reportee,
// access, condition).
struct ServiceRightRecord {
  Id service_id = 0;
  std::string reportee;
  ServiceAccess access = ServiceAccess::kRead;
  std::string condition;
  std::time_t valid_to = 0;
};

}  // namespace gateway::persistence
