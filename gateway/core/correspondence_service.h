#pragma once
// Correspondences: a service owner system sends a message to a reportee's inbox
// (InsertCorrespondenceBasic, V2) and follows its status (GetCorrespondenceStatusDetailsBasic, V2,
// V3, GetCorrespondenceStatusHistoryBasic); an end-user system lists, reads, confirms and deletes
// the messages of the reportees it may act for (the CorrespondenceExternal extension).
//
// Insert writes the correspondence, its attachments (bytes first in the file store, removed again
// if the transaction fails), its receipt and the outbox rows of its notifications in ONE
// transaction: nothing is sent for a request that was not stored. Notifications are checked,
// addressed and filled exactly as standalone ones (NotificationService::prepare).
// Thread-safe. Rules and ErrorIDs: core/correspondence_rules.h, docs/services.md.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/correspondence_rules.h"
#include "core/sdp_forwarder.h"
#include "core/service_lookup.h"
#include "persistence/database.h"
#include "persistence/file_store.h"

namespace gateway::core {

class NotificationService;

struct CorrespondenceLimits {
  correspondence::AttachmentLimits attachments;
  int max_status_results = 1000;  // GetCorrespondenceStatusDetails/History: then LimitReached
  int max_inbox_results = 500;    // GetCorrespondenceListBasic: then LimitReached
  int lookup_cache_seconds = 5;   // service definitions (ServiceLookup); 0 = always ask the database
};

// SdpSearchOptions of the V3 filter: search the digital letters too, and the correspondences only
// when include_correspondence.
struct SdpSearch {
  bool include_correspondence = true;
};

struct CorrespondenceStatusFilter {
  std::optional<std::string> service_code;  // required
  std::optional<int> service_edition;       // required
  std::optional<std::string> reportee;
  std::optional<std::string> senders_reference;
  std::optional<std::time_t> created_after, created_before;
  std::optional<persistence::CorrespondenceStatus> current_status;
  bool only_reserved = false;  // CurrentStatus Reserved: the gateway never reserves, so nothing matches
  std::optional<bool> notification_sent;
  bool only_digital_letters = false;  // only correspondences sent with SdpOptions (their SDP status)
};

struct InboxFilter {
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::optional<std::time_t> created_after, created_before;
  std::optional<persistence::CorrespondenceStatus> status;
  bool only_reserved = false;
};

// A correspondence as an end-user system receives it: binary attachments with their bytes (those
// the owner restricted to the portal left out).
struct FetchedCorrespondence {
  persistence::CorrespondenceRecord record;
  std::vector<std::string> attachment_data;  // parallel to record.attachments
};

class CorrespondenceService {
 public:
  // `sdp`: where digital letters (SdpOptions) go; nullptr = NoMailboxSdpForwarder (no provider).
  // Not owned; must outlive the service.
  CorrespondenceService(persistence::Database& database, persistence::FileStore& files,
                        NotificationService& notifications, CorrespondenceLimits limits,
                        SdpForwarder* sdp = nullptr);

  // Service owner side. `owner_system` is an authenticated service owner system.
  // Errors: the rules' ErrorIDs; 5 for another owner's SystemUserCode or service; 30203 unknown
  // service (also a ReplyOption's); 30209 a ReplyOption ArchiveRef that is not one of the owner's
  // archived submissions; 30212 SdpSetting ForwardOnly with BackupAltinn false when the reportee has
  // no digital mailbox; 30201 (kAlreadyExists) for a reused ExternalShipmentReference; the
  // notification rules' ErrorIDs for a broken notification. OnBehalfOfOrgNr, the reply options and
  // the SdpOptions with the forwarder's SDP status are stored with the correspondence.
  Result<persistence::ReceiptRecord> insert(const persistence::SystemRecord& owner_system,
                                            const correspondence::CorrespondenceInput& input, std::time_t now);
  // 30202 without ServiceCode/ServiceEditionCode; 30203 unknown service; 5 another owner's service.
  Result<persistence::CorrespondenceRepository::StatusPage> statusDetails(
      const persistence::SystemRecord& owner_system, const CorrespondenceStatusFilter& filter);
  // The owner's correspondences with these ExternalShipmentReferences (any service); 30202 when none given.
  Result<persistence::CorrespondenceRepository::StatusPage> statusHistory(
      const persistence::SystemRecord& owner_system, const std::vector<std::string>& senders_references);
  // Registers the owner's correspondence service (code, edition) from the template codes; returns
  // the existing one when the owner has it already; 5 when another owner has it; 30202 on empty values.
  Result<persistence::ServiceRecord> createSimpleService(const persistence::SystemRecord& owner_system,
                                                         const std::string& template_code, int template_edition);

  // End-user side. `end_user_system` is an authenticated end-user system; the reportee must be
  // granted to it (ErrorID 0 otherwise). Correspondences before their VisibleDateTime do not exist
  // for the end user (30205).
  Result<persistence::CorrespondenceRepository::InboxPage> inbox(const persistence::SystemRecord& end_user_system,
                                                                 const std::string& reportee,
                                                                 const InboxFilter& filter, std::time_t now);
  // Records Read the first time.
  Result<FetchedCorrespondence> fetch(const persistence::SystemRecord& end_user_system, const std::string& reportee,
                                      persistence::Id correspondence_id, std::time_t now);
  // Records Confirmed (and Read if it was not). Returns the correspondence as it is afterwards.
  Result<persistence::CorrespondenceRecord> confirm(const persistence::SystemRecord& end_user_system,
                                                    const std::string& reportee, persistence::Id correspondence_id,
                                                    std::time_t now);
  // 30206 before AllowSystemDeleteDateTime (or without one).
  Status remove(const persistence::SystemRecord& end_user_system, const std::string& reportee,
                persistence::Id correspondence_id, std::time_t now);

 private:
  Status checkReportee(const persistence::SystemRecord& end_user_system, const std::string& reportee);
  Result<std::vector<persistence::CorrespondenceReplyOptionRecord>> replyOptionsOf(
      const persistence::SystemRecord& owner_system, const std::vector<correspondence::ReplyOptionInput>& options);
  Result<std::optional<persistence::SdpRecord>> digitalLetterOf(const correspondence::CorrespondenceInput& input,
                                                                std::time_t now);
  Result<persistence::ServiceRecord> ownService(const persistence::SystemRecord& owner_system, const std::string& code,
                                                int edition);

  persistence::Database& database_;
  persistence::FileStore& files_;
  NotificationService& notifications_;
  CorrespondenceLimits limits_;
  ServiceLookup services_;
  NoMailboxSdpForwarder no_mailbox_;
  SdpForwarder& sdp_;
};

}  // namespace gateway::core
