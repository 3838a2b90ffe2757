#pragma once
// Correspondences (CorrespondenceAgency messages) and the end-user side that reads them: records and
// the repository interface. Times are UTC seconds since the epoch. Implemented in persistence/mysql
// (correspondence_repository.cpp). The repository contract of repositories.h applies: every method
// is one transaction, scoping arguments (owner_id, reportee) are SQL filters, kNotFound hides rows
// outside the caller's scope.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/notification_repository.h"
#include "persistence/records.h"

namespace gateway::persistence {

// Where a correspondence stands: Created, then Read (first fetch by the reportee's end-user system),
// then Confirmed. Confirming an unread message records Read at the same time.
enum class CorrespondenceStatus { kCreated, kRead, kConfirmed };
// "Created", "Read", "Confirmed" (the contract's CorrespondenceStatusType names).
inline const char* correspondenceStatusName(CorrespondenceStatus s) {
  switch (s) {
    case CorrespondenceStatus::kCreated: return "Created";
    case CorrespondenceStatus::kRead: return "Read";
    case CorrespondenceStatus::kConfirmed: return "Confirmed";
  }
  return "Created";
}

struct CorrespondenceAttachmentRecord {
  Id id = 0;  // assigned on insert
  std::string name;
  std::string file_name;
  std::string senders_reference;
  std::string function_type = "Unspecified";  // AttachmentFunctionType: Unspecified | Invoice
  std::string destination_type = "Default";   // UserTypeRestriction: Default | PortalOnly | EndUserSystemOnly | ShowToAll
  bool encrypted = false;
  std::int64_t size = 0;
  std::string sha256_hex;
  std::string storage_key;  // FileStore key
};

struct CorrespondenceXmlAttachmentRecord {
  std::string senders_reference;
  std::string data_format_id;
  std::optional<int> data_format_version;
  std::optional<int> logical_form_id;
  std::string form_data;
};

// One ReplyOption: how the reportee may answer. `kind` says which fields apply.
struct CorrespondenceReplyOptionRecord {
  enum class Kind { kService, kArchiveReference, kUrl };
  Kind kind = Kind::kUrl;
  std::string service_code;          // kService
  std::optional<int> service_edition;  // kService
  std::string archive_reference;     // kArchiveReference
  std::string link_url;              // kUrl
  std::string link_text;             // kUrl
};
// "Service", "ArchiveReference", "URL" (the ReplyOption member names; the stored `kind`).
inline const char* replyOptionKindName(CorrespondenceReplyOptionRecord::Kind k) {
  switch (k) {
    case CorrespondenceReplyOptionRecord::Kind::kService: return "Service";
    case CorrespondenceReplyOptionRecord::Kind::kArchiveReference: return "ArchiveReference";
    case CorrespondenceReplyOptionRecord::Kind::kUrl: return "URL";
  }
  return "URL";
}

// The contract's SdpStatusType: what became of the digital letter (SdpOptions) of a correspondence.
enum class SdpStatus { kUnknown, kSentMeldingsformidler, kDeliveredEndUser, kDeliveryEndUserFailed, kReserved, kNoMailBox };
// The SdpStatusType names ("Unknown", "Sent_Meldingsformidler", ..., "NoMailBox"); stored as such.
inline const char* sdpStatusName(SdpStatus s) {
  switch (s) {
    case SdpStatus::kUnknown: return "Unknown";
    case SdpStatus::kSentMeldingsformidler: return "Sent_Meldingsformidler";
    case SdpStatus::kDeliveredEndUser: return "Delivered_EndUser";
    case SdpStatus::kDeliveryEndUserFailed: return "Delivery_EndUser_Failed";
    case SdpStatus::kReserved: return "Reserved";
    case SdpStatus::kNoMailBox: return "NoMailBox";
  }
  return "Unknown";
}
// The inverse of sdpStatusName; kUnknown for anything else.
inline SdpStatus sdpStatusFromName(const std::string& name) {
  for (SdpStatus s : {SdpStatus::kSentMeldingsformidler, SdpStatus::kDeliveredEndUser, SdpStatus::kDeliveryEndUserFailed,
                      SdpStatus::kReserved, SdpStatus::kNoMailBox}) {
    if (name == sdpStatusName(s)) return s;
  }
  return SdpStatus::kUnknown;
}

// One SDP notification (SdpEmailNotification / SdpSmsNotification) of the mailbox provider.
struct SdpNotificationRecord {
  std::string address;  // e-mail address or mobile number; may be empty (the provider's own)
  std::string text;
  std::vector<unsigned> repetitions;  // DaysDelayed
};

// SdpOptions of a correspondence and the status recorded for its digital letter.
struct SdpRecord {
  std::string setting = "CopyAltinn";  // SdpSetting: ForwardOnly | CopyAltinn
  std::optional<bool> backup_altinn;   // absent = true (the contract's default)
  std::string primary_document_file_name;
  std::string title;
  std::string not_sensitive_title;
  std::optional<std::time_t> visible_at;
  std::optional<SdpNotificationRecord> email;
  std::optional<SdpNotificationRecord> sms;
  SdpStatus status = SdpStatus::kNoMailBox;
  std::time_t status_at = 0;  // when `status` was recorded
};

struct CorrespondenceRecord {
  Id id = 0;
  Id owner_id = 0;
  Id system_id = 0;  // the owner system that sent it
  Id service_id = 0;
  std::string service_code;  // filled in when read
  int service_edition = 0;   // filled in when read
  std::string reportee;
  std::string external_shipment_reference;  // unique per owner; the status details' SendersReference
  std::string archive_reference;
  std::string language_code = "1044";
  std::string title;
  std::string summary;
  std::string body;
  std::string custom_message_data;
  std::string message_sender;
  std::optional<int> case_id;
  bool allow_forwarding = true;
  std::optional<bool> is_reservable;
  std::time_t visible_at = 0;
  std::optional<std::time_t> due_at;
  std::optional<std::time_t> allow_system_delete_at;
  std::time_t created_at = 0;  // set by the repository
  std::optional<std::time_t> read_at;
  std::optional<std::time_t> confirmed_at;
  std::optional<Id> receipt_id;
  std::string on_behalf_of_org_nr;  // OnBehalfOfOrgNr; empty = none
  std::optional<SdpRecord> sdp;     // SdpOptions given (always loaded)
  std::vector<CorrespondenceReplyOptionRecord> reply_options;     // loaded by get() only
  std::vector<CorrespondenceAttachmentRecord> attachments;        // loaded by get() only
  std::vector<CorrespondenceXmlAttachmentRecord> xml_attachments;  // loaded by get() only

  CorrespondenceStatus status() const {
    if (confirmed_at) return CorrespondenceStatus::kConfirmed;
    if (read_at) return CorrespondenceStatus::kRead;
    return CorrespondenceStatus::kCreated;
  }
};

// One outbox message of a correspondence, as the status details show it.
struct CorrespondenceNotificationRecord {
  OutboxTransport transport = OutboxTransport::kEmail;
  std::string recipient;
  OutboxState state = OutboxState::kPending;
  std::optional<std::time_t> sent_at;
};

struct CorrespondenceStatusRecord {
  CorrespondenceRecord correspondence;  // without attachments
  std::vector<CorrespondenceNotificationRecord> notifications;
};

class CorrespondenceRepository {
 public:
  virtual ~CorrespondenceRepository() = default;

  struct Created {
    Id correspondence_id = 0;
    ReceiptRecord receipt;
  };
  // In ONE transaction: the correspondence (with OnBehalfOfOrgNr and SdpOptions), its reply options,
  // its attachment rows (bytes already in the file store), its XML attachments, its receipt (type Correspondence, status OK, owner-scoped, references
  // ExternalShipmentReference and ReceiversReference = the correspondence id, text `receipt_text`)
  // and one notification_outbox row per message in `notifications` (linked to the correspondence).
  // kAlreadyExists when the owner used external_shipment_reference before (nothing written).
  virtual Result<Created> create(const CorrespondenceRecord& correspondence,
                                 const std::vector<OutboxMessage>& notifications,
                                 const std::string& receipt_text) = 0;

  struct StatusQuery {
    Id owner_id = 0;
    std::optional<Id> service_id;  // nullopt: every service of the owner
    std::optional<std::string> reportee;
    std::vector<std::string> senders_references;  // empty: any
    std::optional<std::time_t> created_after, created_before;  // inclusive
    std::optional<CorrespondenceStatus> current_status;
    std::optional<bool> notification_sent;  // at least one of its notifications was sent / none was
    bool only_digital_letters = false;      // only those sent with SdpOptions
    int limit = 1000;
  };
  struct StatusPage {
    std::vector<CorrespondenceStatusRecord> items;  // oldest first
    bool limit_reached = false;                     // more matched than `limit`
  };
  // The owner's correspondences matching every given criterion, with their notifications.
  virtual Result<StatusPage> statusDetails(const StatusQuery& query) = 0;

  struct InboxQuery {
    std::string reportee;
    std::time_t now = 0;  // only correspondences with visible_at <= now
    std::optional<std::string> service_code;
    std::optional<int> service_edition;
    std::optional<std::time_t> created_after, created_before;
    std::optional<CorrespondenceStatus> status;
    int limit = 1000;
  };
  struct InboxPage {
    std::vector<CorrespondenceRecord> items;  // newest first, without attachments
    bool limit_reached = false;
  };
  // The reportee's visible, not deleted correspondences.
  virtual Result<InboxPage> inbox(const InboxQuery& query) = 0;
  // One of the reportee's visible, not deleted correspondences with its attachments and reply
  // options; kNotFound otherwise.
  virtual Result<CorrespondenceRecord> get(const std::string& reportee, Id correspondence_id, std::time_t now) = 0;
  // Records Read at `now` unless already read. kNotFound as for get().
  virtual Status markRead(const std::string& reportee, Id correspondence_id, std::time_t now) = 0;
  // Records Confirmed at `now` (and Read, if not yet) unless already confirmed. kNotFound as for get().
  virtual Status markConfirmed(const std::string& reportee, Id correspondence_id, std::time_t now) = 0;
  // Removes it from the inbox (kept for the owner's status details). kNotFound as for get().
  virtual Status markDeleted(const std::string& reportee, Id correspondence_id, std::time_t now) = 0;
};

}  // namespace gateway::persistence
